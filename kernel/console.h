/*
 * The kernel console: formatted output and keyboard input over the UART,
 * with "\n" sent as "\r\n". What every kernel file prints through.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void console_init(uintptr_t uart_base);
void console_write(const char *s, size_t n);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);

/* The next input byte, or -1 if none is waiting (never blocks). */
int console_poll(void);

/* Waits for the next input byte. */
uint8_t console_getc(void);

#endif

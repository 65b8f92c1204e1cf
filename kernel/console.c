/*
 * Console over the PL011 (see console.h): newline translation and the sink
 * that lets the engine's formatter (llm/support/fmt) format straight to the UART without a buffer.
 */
#include "kernel/console.h"

#include <stdarg.h>

#include "drivers/pl011.h"
#include "llm/support/fmt.h"

void console_init(uintptr_t uart_base)
{
    pl011_init(uart_base);
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            pl011_putc('\r');
        pl011_putc((uint8_t)s[i]);
    }
}

static void console_sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write(s, n);
}

void kvprintf(const char *fmt, va_list ap)
{
    fmt_vformat(console_sink, NULL, fmt, ap);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

int console_poll(void)
{
    return pl011_getc();
}

uint8_t console_getc(void)
{
    int c;
    while ((c = pl011_getc()) < 0)
        ;
    return (uint8_t)c;
}

/*
 * PL011 UART driver: polled byte output and input, nothing else (no
 * interrupts, no baud-rate programming: firmware's setting is kept; QEMU
 * ignores it). Raw bytes only; newline translation belongs to the console.
 */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <stdint.h>

/* Takes the UART at MMIO address base: 8 data bits, FIFOs on, TX and RX on. */
void pl011_init(uintptr_t base);

/* Waits for room in the transmit FIFO, then sends one byte. */
void pl011_putc(uint8_t c);

/*
 * Returns the next received byte, or -1 if none is waiting. Bytes received
 * with a framing, parity or break error are dropped (line noise).
 */
int pl011_getc(void);

#endif

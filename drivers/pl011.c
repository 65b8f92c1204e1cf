/*
 * ARM PrimeCell PL011 UART (see pl011.h), register offsets from the PL011
 * TRM. All accesses are 32-bit volatile loads and stores to the device.
 */
#include "drivers/pl011.h"

#define UARTDR 0x00
#define UARTRSR 0x04
#define UARTFR 0x18
#define UARTLCR_H 0x2c
#define UARTCR 0x30
#define UARTIMSC 0x38
#define UARTICR 0x44

#define FR_RXFE (1u << 4) /* receive FIFO empty */
#define FR_TXFF (1u << 5) /* transmit FIFO full */
#define DR_ERRORS 0xf00u  /* overrun, break, parity, framing */
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

static volatile uint32_t *uart_regs;

static inline uint32_t reg_read(uint32_t off)
{
    return uart_regs[off / 4];
}

static inline void reg_write(uint32_t off, uint32_t v)
{
    uart_regs[off / 4] = v;
}

void pl011_init(uintptr_t base)
{
    uart_regs = (volatile uint32_t *)base;
    reg_write(UARTCR, 0);
    reg_write(UARTIMSC, 0);
    reg_write(UARTICR, 0x7ff);
    reg_write(UARTLCR_H, LCR_H_WLEN8 | LCR_H_FEN);
    reg_write(UARTCR, CR_UARTEN | CR_TXE | CR_RXE);
}

void pl011_putc(uint8_t c)
{
    while (reg_read(UARTFR) & FR_TXFF)
        ;
    reg_write(UARTDR, c);
}

int pl011_getc(void)
{
    while (!(reg_read(UARTFR) & FR_RXFE)) {
        uint32_t dr = reg_read(UARTDR);
        if (!(dr & DR_ERRORS))
            return (int)(dr & 0xff);
        reg_write(UARTRSR, 0); /* clear the error and drop the byte */
    }
    return -1;
}

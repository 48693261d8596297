#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H
#include <stdint.h>
void pl011_putc(uintptr_t base, char c);
void pl011_puts(uintptr_t base, const char *s);
/* Wait until everything written has gone out (before the machine powers off). */
void pl011_flush(uintptr_t base);
/* Receive: a character, or -1 when the FIFO is empty. */
int pl011_getc(uintptr_t base);
/* Raise the UART's interrupt when something arrives (RX and RX-timeout). */
void pl011_enable_rx_irq(uintptr_t base);
/* The registers software programs (not data, status or interrupt clears): UARTIBRD,
 * UARTFBRD, UARTLCR_H, UARTCR, UARTIFLS, UARTIMSC, UARTDMACR, by offset. */
#define PL011_NR_CONFIG 7
extern const uint16_t pl011_config_regs[PL011_NR_CONFIG];
void pl011_config_read(uintptr_t base, uint32_t *vals);
/* Program them back: the UART off meanwhile, LCR_H after the divisors (its write latches
 * them), UARTCR last. */
void pl011_config_write(uintptr_t base, const uint32_t *vals);
#endif

#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H
#include <stdint.h>
void pl011_putc(uintptr_t base, char c);
void pl011_puts(uintptr_t base, const char *s);
/* Receive: a character, or -1 when the FIFO is empty. */
int pl011_getc(uintptr_t base);
/* Raise the UART's interrupt when something arrives (RX and RX-timeout). */
void pl011_enable_rx_irq(uintptr_t base);
#endif

/* ARM PL011 UART, transmit only: enough for the hypervisor's console. */
#include "drivers/pl011.h"
#include "arm/sysreg.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)
#define UARTFR_RXFE (1u << 4)
#define UARTIMSC 0x38
#define UARTICR 0x44
#define UART_RXIM (1u << 4)
#define UART_RTIM (1u << 6)

void pl011_putc(uintptr_t base, char c)
{
	while (mmio_read32(base + UARTFR) & UARTFR_TXFF)
		;
	mmio_write32(base + UARTDR, (uint8_t)c);
}

void pl011_puts(uintptr_t base, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			pl011_putc(base, '\r');
		pl011_putc(base, *s);
	}
}

int pl011_getc(uintptr_t base)
{
	if (mmio_read32(base + UARTFR) & UARTFR_RXFE)
		return -1;
	return mmio_read32(base + UARTDR) & 0xff;
}

void pl011_enable_rx_irq(uintptr_t base)
{
	mmio_write32(base + UARTICR, 0x7ff);
	mmio_write32(base + UARTIMSC, UART_RXIM | UART_RTIM);
}

/* ARM PL011 UART, transmit only: enough for the hypervisor's console. */
#include "drivers/pl011.h"
#include "arm/sysreg.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)

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

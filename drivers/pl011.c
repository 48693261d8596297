/* ARM PL011 UART: the hypervisor's console, and the configuration of the one a guest
 * owns, for snapshots. */
#include "drivers/pl011.h"
#include "arm/sysreg.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)
#define UARTFR_RXFE (1u << 4)
#define UARTFR_BUSY (1u << 3)
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

void pl011_flush(uintptr_t base)
{
	while (mmio_read32(base + UARTFR) & UARTFR_BUSY)
		;
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

/* In the order they are programmed back; UARTCR (0x30) goes last. */
const uint16_t pl011_config_regs[PL011_NR_CONFIG] = { 0x24, 0x28, 0x2c, 0x34, 0x38, 0x48, 0x30 };
#define UARTCR 0x30

void pl011_config_read(uintptr_t base, uint32_t *vals)
{
	for (unsigned i = 0; i < PL011_NR_CONFIG; i++)
		vals[i] = mmio_read32(base + pl011_config_regs[i]);
}

void pl011_config_write(uintptr_t base, const uint32_t *vals)
{
	mmio_write32(base + UARTCR, 0);
	for (unsigned i = 0; i < PL011_NR_CONFIG; i++)
		mmio_write32(base + pl011_config_regs[i], vals[i]);
}

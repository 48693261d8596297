#include <stdarg.h>

#include "guest.h"
#include "lib/fmt.h"

#define UART0 0x1c090000u
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)

static void putc_raw(char c)
{
	while (mmio_r32(UART0 + UARTFR) & UARTFR_TXFF)
		;
	mmio_w32(UART0, (uint8_t)c);
}

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *s = buf; *s; s++) {
		if (*s == '\n')
			putc_raw('\r');
		putc_raw(*s);
	}
	if (n >= (int)sizeof(buf))
		gprintf(" [...truncated]\n");
}

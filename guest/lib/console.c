#include <stdarg.h>

#include "guest.h"
#include "lib/fmt.h"

#define UART0 0x1c090000u
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)
#define UARTFR_RXFE (1u << 4)

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

bool gconsole_getline(char *buf, unsigned size, unsigned ms)
{
	uint64_t end = read_cntvct() + (uint64_t)ms * 62500;
	unsigned n = 0;

	while (n + 1 < size) {
		char c;

		while (mmio_r32(UART0 + UARTFR) & UARTFR_RXFE)
			if (read_cntvct() > end) {
				buf[n] = 0;
				return false;
			}
		c = (char)(mmio_r32(UART0) & 0xff);
		if (c == '\n' || c == '\r') {
			if (n)
				break;
			continue; /* what is left of the line before */
		}
		buf[n++] = c;
	}
	buf[n] = 0;
	return true;
}

bool host_request(const char *directives, char *reply, unsigned size)
{
	gprintf("@host %s\n", directives);
	return gconsole_getline(reply, size, 60000);
}

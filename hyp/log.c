/* Console logging: one line at a time under a lock, prefixed with level and CPU. */
#include <stdarg.h>

#include "drivers/pl011.h"
#include "hyp/log.h"
#include "hyp/pcpu.h"
#include "hyp/spinlock.h"
#include "lib/fmt.h"

enum log_level log_threshold = LOG_INFO;
uintptr_t log_console = UART0_PA;

void log_set_console(uintptr_t uart) { log_console = uart; }
static spinlock_t console_lock;
static const char *const level_name[] = { "ERROR", "WARN", "INFO", "DEBUG" };

static void emit(const char *prefix, const char *fmt, va_list ap)
{
	char line[256];
	int n = 0;

	if (prefix)
		n = fmt_snprintf(line, sizeof(line), "%s", prefix);
	n = fmt_vsnprintf(line + n, sizeof(line) - n, fmt, ap) + n;
	spin_lock(&console_lock);
	pl011_puts(log_console, line);
	if (n >= (int)sizeof(line)) /* never cut a message silently */
		pl011_puts(log_console, " [...truncated]\n");
	spin_unlock(&console_lock);
}

void log_printf(enum log_level lvl, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	if (lvl > log_threshold)
		return;
	fmt_snprintf(prefix, sizeof(prefix), "[hyp cpu%u %s] ", this_cpu_id(), level_name[lvl]);
	va_start(ap, fmt);
	emit(prefix, fmt, ap);
	va_end(ap);
}

void console_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(0, fmt, ap);
	va_end(ap);
}

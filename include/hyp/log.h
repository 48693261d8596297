#ifndef HYP_LOG_H
#define HYP_LOG_H
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern enum log_level log_threshold;

void log_printf(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raw console output, no prefix (banner, panic dump). */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define log_err(...) log_printf(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_printf(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_printf(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_printf(LOG_DEBUG, __VA_ARGS__)

/* Log a guest-caused event once per call site, so a hostile guest cannot flood the console. */
#define log_once(lvl, ...)                          \
	do {                                        \
		static int done_;                   \
		if (!__atomic_exchange_n(&done_, 1, __ATOMIC_RELAXED)) \
			log_printf(lvl, __VA_ARGS__);   \
	} while (0)

/* From now on the log goes to `uart` (the guest owns UART0 once it runs). */
void log_set_console(uintptr_t uart);
extern uintptr_t log_console;

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif

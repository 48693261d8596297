/* Small printf-style formatter shared by the hypervisor and the test guests. */
#ifndef LIB_FMT_H
#define LIB_FMT_H
#include <stdarg.h>
#include <stddef.h>

/* Conversions: %d %i %u %x %X %p %s %c %%, flags '0' '-' '#', width, length 'l' and 'll'.
 * Always NUL-terminates; returns the length it would have written (like vsnprintf). */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

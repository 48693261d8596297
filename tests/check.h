/* Minimal host unit-test harness.
 *
 * Usage, in a test file:
 *     #define CHECK_SUITE "hsr"
 *     #include "check.h"
 *     static void test_foo(void) { CHECK_EQ(f(1), 2); }
 *     int main(void) { RUN(foo); return check_exit(); }
 *
 * RUN prints exactly one line per test: "PASS: suite/test", or "FAIL: suite/test: file:line: why"
 * for the first failed check. A failed check returns from the function it is in; the test
 * keeps its FAIL verdict even if a helper's failure lets the caller carry on, and later
 * failures in the same test are not printed (one line per test). */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>

#ifndef CHECK_SUITE
#error "define CHECK_SUITE before including check.h"
#endif

static int check_cur_failed_;
static int check_any_failed_;
static const char *check_cur_name_;

static inline void check_fail_(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (check_cur_failed_)
		return;
	check_cur_failed_ = 1;
	check_any_failed_ = 1;
	printf("FAIL: %s/%s: %s:%d: ", CHECK_SUITE, check_cur_name_, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline void check_run_(const char *name, void (*fn)(void))
{
	check_cur_name_ = name;
	check_cur_failed_ = 0;
	fn();
	if (!check_cur_failed_)
		printf("PASS: %s/%s\n", CHECK_SUITE, name);
	fflush(stdout);
}

static inline int check_exit(void)
{
	return check_any_failed_ ? 1 : 0;
}

#define RUN(name) check_run_(#name, test_##name)

#define CHECK(cond)                                                  \
	do {                                                         \
		if (!(cond)) {                                       \
			check_fail_(__FILE__, __LINE__, "%s", #cond); \
			return;                                      \
		}                                                    \
	} while (0)

/* Both sides are compared as 64-bit unsigned values (so -EEXIST from an int matches
 * -EEXIST); print as hex and as signed decimal so errno values stay readable. */
#define CHECK_EQ(actual, expected)                                                          \
	do {                                                                                \
		unsigned long long check_a_ = (unsigned long long)(actual);                 \
		unsigned long long check_e_ = (unsigned long long)(expected);               \
		if (check_a_ != check_e_) {                                                 \
			check_fail_(__FILE__, __LINE__,                                     \
				    "%s == %s: got 0x%llx (%lld), expected 0x%llx (%lld)",  \
				    #actual, #expected, check_a_, (long long)check_a_,      \
				    check_e_, (long long)check_e_);                         \
			return;                                                     \
		}                                                                   \
	} while (0)

/* Same, with a context value (loop index, address...) in the message. */
#define CHECK_EQ_AT(actual, expected, at)                                                   \
	do {                                                                                \
		unsigned long long check_a_ = (unsigned long long)(actual);                 \
		unsigned long long check_e_ = (unsigned long long)(expected);               \
		if (check_a_ != check_e_) {                                                 \
			check_fail_(__FILE__, __LINE__,                                     \
				    "%s == %s at %s=0x%llx: got 0x%llx (%lld), expected "   \
				    "0x%llx (%lld)",                                        \
				    #actual, #expected, #at, (unsigned long long)(at),      \
				    check_a_, (long long)check_a_, check_e_,                \
				    (long long)check_e_);                                   \
			return;                                                     \
		}                                                                   \
	} while (0)

#endif

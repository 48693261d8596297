#include <stdarg.h>

#include "guest.h"
#include "lib/fmt.h"

const char *test_suite = "guest";
static const char *current;
static char first_failure[200];
static int failed;

void test_begin(const char *name)
{
	current = name;
	failed = 0;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (failed++) /* the first failure says the most; count the rest */
		return;
	n = fmt_snprintf(first_failure, sizeof(first_failure), "%s:%d: ", file, line);
	va_start(ap, fmt);
	fmt_vsnprintf(first_failure + n, sizeof(first_failure) - n, fmt, ap);
	va_end(ap);
}

void test_end(void)
{
	if (failed)
		gprintf("FAIL: %s/%s: %s%s\n", test_suite, current, first_failure,
			failed > 1 ? " (and more)" : "");
	else
		gprintf("PASS: %s/%s\n", test_suite, current);
}

struct smccc_res hvc_call(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3)
{
	register uint32_t r0 __asm__("r0") = fid, r1 __asm__("r1") = a1, r2 __asm__("r2") = a2,
				      r3 __asm__("r3") = a3;
	__asm__ volatile(".arch_extension virt\n\thvc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)::"memory");
	return (struct smccc_res){ r0, r1, r2, r3 };
}

struct smccc_res smc_call(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3)
{
	register uint32_t r0 __asm__("r0") = fid, r1 __asm__("r1") = a1, r2 __asm__("r2") = a2,
				      r3 __asm__("r3") = a3;
	__asm__ volatile(".arch_extension sec\n\tsmc #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3)::"memory");
	return (struct smccc_res){ r0, r1, r2, r3 };
}

uint32_t hyp_stat(enum hyp_stat_item item) { return hvc_call(HYP_CALL_STAT, item, 0, 0).r1; }
uint32_t hyp_info(enum hyp_info_item item) { return hvc_call(HYP_CALL_INFO, item, 0, 0).r1; }

void power_off(void)
{
	hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	gprintf("FAIL: %s/power-off: PSCI SYSTEM_OFF returned\n", test_suite);
	for (;;)
		__asm__ volatile("wfi");
}

static volatile int hvc_undefined;

static void note_undefined(enum exc_kind kind, struct exc_frame *f)
{
	(void)kind;
	(void)f; /* LR_und already points past the HVC */
	hvc_undefined = 1;
}

bool under_hypervisor(void)
{
	exc_handler old = set_exc_handler(EXC_UND, note_undefined);

	hvc_undefined = 0;
	hvc_call(HYP_CALL_VERSION, 0, 0, 0);
	set_exc_handler(EXC_UND, old);
	return !hvc_undefined;
}

void native_power_off(void)
{
	mmio_w32(0x1c0100a4u, (1u << 31) | (1u << 30) | (8u << 20)); /* SYS_CFGCTRL: shutdown */
	for (;;)
		__asm__ volatile("wfi");
}

void (*volatile secondary_fn[4])(uint32_t ctx);

void guest_secondary(uint32_t ctx)
{
	void (*fn)(uint32_t) = secondary_fn[cpu_id() & 3];

	if (fn)
		fn(ctx);
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	for (;;) /* CPU_OFF does not return */
		__asm__ volatile("wfi");
}

bool has_security_extensions(void) { return (SYSREG_READ(0, c0, c1, 1) >> 4) & 0xf; }

uint32_t psci_cpu_on(unsigned cpu, uint32_t ctx)
{
	return hvc_call(PSCI_CPU_ON, cpu, (uint32_t)secondary_entry, ctx).r0;
}

bool wait_until(volatile uint32_t *flag, uint32_t want, unsigned ms)
{
	uint64_t end = read_cntvct() + (uint64_t)ms * 62500;

	while (*flag != want)
		if (read_cntvct() > end)
			return false;
	return true;
}

void guest_main(void)
{
	main();
	gprintf("DONE %s\n", test_suite);
	power_off();
}

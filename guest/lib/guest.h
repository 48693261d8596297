/* The bare-metal test-guest runtime: console, exceptions, hypercalls, test reporting. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "hyp/hvc_abi.h"

/* ---- boot ---- */
extern uint32_t boot_regs[4]; /* r0, r1, r2, CPSR as the guest was entered */

/* ---- console (UART0, passed through) ---- */
void gprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line typed on the console (without its end), within `ms` ms of virtual time. */
bool gconsole_getline(char *buf, unsigned size, unsigned ms);
/* Ask the test driver (scripts/run-guest-driven) to act: `directives` are "monitor CMD"
 * and "sleep MS" items separated by ';'. The reply line is "<last command> ok" or
 * "<last command> error". False if none came within a minute. */
bool host_request(const char *directives, char *reply, unsigned size);

/* ---- exceptions ---- */
enum exc_kind { EXC_UND = 1, EXC_SVC = 2, EXC_PABT = 3, EXC_DABT = 4, EXC_IRQ = 6, EXC_FIQ = 7 };
struct exc_frame {
	uint32_t spsr, pad;
	uint32_t r[13];
	uint32_t lr; /* where the exception returns: the mode's LR on entry (LR - 4 for IRQ/FIQ) */
};
typedef void (*exc_handler)(enum exc_kind kind, struct exc_frame *f);
/* Install a handler; NULL restores the default, which reports the exception as a test
 * failure and powers off. Returns the previous handler. */
exc_handler set_exc_handler(enum exc_kind kind, exc_handler h);

/* ---- hypercalls ---- */
struct smccc_res {
	uint32_t r0, r1, r2, r3;
};
struct smccc_res hvc_call(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3);
struct smccc_res smc_call(uint32_t fid, uint32_t a1, uint32_t a2, uint32_t a3);
/* ID_PFR1.Security: the CPU has EL3 (QEMU secure=on), so SMC traps to the hypervisor
 * (HCR.TSC); without it (secure=off) SMC is UNDEFINED. */
bool has_security_extensions(void);
uint32_t hyp_stat(enum hyp_stat_item item);
uint32_t hyp_info(enum hyp_info_item item);
void power_off(void) __attribute__((noreturn));
/* Natively (QEMU -kernel, no EL2) HVC is UNDEFINED: that is how a benchmark guest tells
 * where it runs. There is no PSCI natively: the motherboard powers off instead. */
bool under_hypervisor(void);
void native_power_off(void) __attribute__((noreturn));

/* ---- tests ----
 * Each test prints one line, `PASS: <suite>/<name>` or `FAIL: <suite>/<name>: why`;
 * guest_main's return prints `DONE <suite>` and powers off. scripts/run-tests.sh counts. */
extern const char *test_suite;
void test_begin(const char *name);
void test_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void test_end(void);

#define EXPECT(cond)                                                             \
	do {                                                                     \
		if (!(cond))                                                     \
			test_fail(__FILE__, __LINE__, "expected %s", #cond);     \
	} while (0)
#define EXPECT_EQ(actual, expected)                                              \
	do {                                                                     \
		uint32_t a_ = (uint32_t)(actual), e_ = (uint32_t)(expected);     \
		if (a_ != e_)                                                    \
			test_fail(__FILE__, __LINE__, "%s = %#x, expected %#x", #actual, a_, e_); \
	} while (0)

int main(void);

/* ---- SMP ----
 * PSCI CPU_ON(mpidr, (uint32_t)secondary_entry, ctx) starts a vCPU there: it gets its own
 * stacks and vectors, then runs secondary_fn[its number](ctx); when that returns it calls
 * PSCI CPU_OFF. Secondaries must not print (the console is not locked). */
void secondary_entry(void);
extern void (*volatile secondary_fn[4])(uint32_t ctx);
static inline unsigned cpu_id(void) { uint32_t m; __asm__ volatile("mrc p15, 0, %0, c0, c0, 5" : "=r"(m)); return m & 0xff; }
uint32_t psci_cpu_on(unsigned cpu, uint32_t ctx);
/* Spin until *flag == want or `ms` milliseconds pass; returns whether it got there. */
bool wait_until(volatile uint32_t *flag, uint32_t want, unsigned ms);

static inline uint32_t mmio_r32(uint32_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_w32(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint64_t read_cntvct(void)
{
	uint32_t lo, hi;
	__asm__ volatile("isb\n\tmrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));
	return ((uint64_t)hi << 32) | lo;
}
#define SYSREG_READ(op1, crn, crm, op2) ({ uint32_t v_; __asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(v_)); v_; })
#define SYSREG_WRITE(op1, crn, crm, op2, v) __asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 "\n\tisb" ::"r"((uint32_t)(v)) : "memory")

#endif

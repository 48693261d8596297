/* Ticks on its virtual timer like idle.c; after 50 ticks it suspends itself (PSCI
 * SYSTEM_SUSPEND, nothing enabled to wake it) and, once woken (the monitor's resume, or
 * --resume in a new QEMU), says how it woke and ticks on for ever. The system tests run it
 * as a VM with a snapshot disk beside another VM that must run on meanwhile. */
#include "gic.h"
#include "guest.h"

#define MAGIC 0x5eed0004u
#define TICK 625000 /* 10 ms of the 62.5 MHz counter */

static volatile uint32_t ticks;

static void arm(uint64_t at)
{
	__asm__ volatile("mcrr p15, 3, %0, %1, c14" ::"r"((uint32_t)at), "r"((uint32_t)(at >> 32)));
}

static void on_irq(enum exc_kind k, struct exc_frame *f)
{
	uint32_t iar = gicc_r(GICC_IAR);
	(void)k;
	(void)f;
	if ((iar & 0x3ff) == 27) {
		ticks++;
		arm(read_cntvct() + TICK);
	}
	if ((iar & 0x3ff) != SPURIOUS)
		gicc_w(GICC_EOIR, iar);
}

static void tick_on(void)
{
	gic_setup();
	set_exc_handler(EXC_IRQ, on_irq);
	gic_enable(27);
	gic_set_priority(27, 0x40);
	arm(read_cntvct() + TICK);
	SYSREG_WRITE(0, c14, c3, 1, 1);
	irqs_on();
}

/* Where the suspend wakes (secondary_entry's C side, on vCPU 0). */
static void woken(uint32_t ctx)
{
	uint32_t cpsr;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	gprintf("sleeper: woken: r0 %s, %s, MMU %s, %u ticks kept\n", ctx == MAGIC ? "ok" : "WRONG",
		(cpsr & 0x1f) == 0x13 ? "SVC" : "not SVC", SYSREG_READ(0, c1, c0, 0) & 1 ? "on" : "off",
		(unsigned)ticks);
	tick_on();
	for (;;)
		__asm__ volatile("wfi");
}

int main(void)
{
	uint32_t r;

	test_suite = "sleeper";
	irqs_off();
	tick_on();
	gprintf("sleeper: ticking\n");
	while (ticks < 50)
		__asm__ volatile("wfi");
	irqs_off();
	SYSREG_WRITE(0, c14, c3, 1, 0); /* nothing left to wake it but the host */
	gic_setup();
	gprintf("sleeper: %u ticks, suspending\n", (unsigned)ticks);
	secondary_fn[0] = woken;
	r = hvc_call(PSCI_SYSTEM_SUSPEND, (uint32_t)secondary_entry, MAGIC, 0).r0;
	gprintf("sleeper: SYSTEM_SUSPEND returned %#x\n", (unsigned)r);
	tick_on();
	for (;;)
		__asm__ volatile("wfi");
}

/* run-guest: --vcpus 3 --smp 1 --icount */
/* Three vCPUs sharing one physical CPU (hyp/sched.c): they share the CPU evenly; a vCPU
 * waiting in WFI is woken by its virtual timer while the others are busy, soon after the
 * timer fires (not a whole slice later); an SGI wakes a vCPU in WFI the same way; and a
 * vCPU spinning in WFE does not hold up the one it waits for. Under -icount the guest's
 * counter follows instructions, so the figures do not depend on the host's load. */
#include "gic.h"
#include "guest.h"

#define TICKS_PER_MS 62500u
#define SGI_PING 3

static volatile uint32_t count[3], stop, go[3];
static volatile uint64_t until;
static volatile uint32_t woke[3];
static volatile uint64_t woke_at[3], deadline[3];
static volatile uint32_t flag;

static void arm_vtimer(uint64_t cval)
{
	__asm__ volatile("mcrr p15, 3, %0, %1, c14\n\tisb" ::"r"((uint32_t)cval), "r"((uint32_t)(cval >> 32)));
	SYSREG_WRITE(0, c14, c3, 1, 1); /* CNTV_CTL.ENABLE */
}

/* Count as fast as the CPU lets us until told to stop. */
static void spin_count(unsigned id)
{
	while (!stop)
		count[id]++;
}

/* Count until the counter reaches `until`: the same loop on every vCPU. */
static void count_until(unsigned id)
{
	while (read_cntvct() < until)
		count[id]++;
}

/* Wait in WFI (IRQs masked at the CPU) for the virtual timer due at deadline[id], or for
 * SGI_PING when no deadline is set; note when it woke; then go on as told. */
static void wait_wfi(unsigned id)
{
	uint32_t iar;

	irqs_off();
	gic_setup();
	if (deadline[id]) {
		gic_enable(27);
		arm_vtimer(deadline[id]);
	} else {
		gic_enable(SGI_PING);
	}
	go[id] = 1;
	do
		__asm__ volatile("wfi");
	while (!(gicd_r(GICD_ISPENDR) & ((1u << 27) | (1u << SGI_PING))));
	woke_at[id] = read_cntvct();
	iar = gicc_r(GICC_IAR);
	SYSREG_WRITE(0, c14, c3, 1, 0);
	if ((iar & 0x3ff) != SPURIOUS)
		gicc_w(GICC_EOIR, iar);
	woke[id] = 1;
}

static void sec_count(uint32_t ctx)
{
	(void)ctx;
	spin_count(cpu_id());
}

static void sec_count_until(uint32_t ctx)
{
	(void)ctx;
	count_until(cpu_id());
}

static void sec_wfi(uint32_t ctx)
{
	(void)ctx;
	wait_wfi(cpu_id());
}

/* vCPU 2 sets the flag vCPU 1 waits for in WFE: it only runs once vCPU 1 gives way. */
static void sec_set_flag(uint32_t ctx)
{
	(void)ctx;
	flag = 1;
	__asm__ volatile("dsb\n\tsev");
}

static void sec_wfe_wait(uint32_t ctx)
{
	(void)ctx;
	go[1] = 1;
	while (!flag)
		__asm__ volatile("wfe");
	woke[1] = 1;
}

static bool wait_off(unsigned cpu)
{
	uint64_t end = read_cntvct() + 2000ull * TICKS_PER_MS;

	while (hvc_call(PSCI_AFFINITY_INFO, cpu, 0, 0).r0 != PSCI_AFFINITY_OFF)
		if (read_cntvct() > end)
			return false;
	return true;
}

/* vCPU 1 runs fn1 and is under way (go[1]) before vCPU 2 starts fn2. */
static void start_two(void (*fn1)(uint32_t), void (*fn2)(uint32_t))
{
	secondary_fn[1] = fn1;
	secondary_fn[2] = fn2;
	EXPECT_EQ(psci_cpu_on(1, 0), PSCI_RET_SUCCESS);
	EXPECT(wait_until(&go[1], 1, 1000));
	EXPECT_EQ(psci_cpu_on(2, 0), PSCI_RET_SUCCESS);
}

static void reset_state(void)
{
	for (unsigned i = 0; i < 3; i++) {
		count[i] = go[i] = woke[i] = 0;
		woke_at[i] = deadline[i] = 0;
	}
	stop = 0;
	flag = 0;
}

int main(void)
{
	uint64_t t0, late;

	test_suite = "sched";

	test_begin("three-vcpus-one-cpu-all-progress-evenly");
	EXPECT_EQ(hyp_info(HYP_INFO_VCPUS), 3);
	EXPECT_EQ(hyp_info(HYP_INFO_CPUS_IN_HYP), 1);
	reset_state();
	until = read_cntvct() + 100ull * TICKS_PER_MS;
	secondary_fn[1] = secondary_fn[2] = sec_count_until;
	EXPECT_EQ(psci_cpu_on(1, 0), PSCI_RET_SUCCESS);
	EXPECT_EQ(psci_cpu_on(2, 0), PSCI_RET_SUCCESS);
	count_until(0);
	EXPECT(wait_off(1));
	EXPECT(wait_off(2));
	{
		uint32_t lo = count[0], hi = count[0];
		for (unsigned i = 1; i < 3; i++) {
			lo = count[i] < lo ? count[i] : lo;
			hi = count[i] > hi ? count[i] : hi;
		}
		gprintf("  counts %u %u %u\n", count[0], count[1], count[2]);
		EXPECT(lo > 0);
		/* 100 ms is 20 slices: each vCPU gets a third, give or take a slice. */
		if (lo < hi * 3 / 4)
			test_fail(__FILE__, __LINE__, "uneven: %u %u %u", count[0], count[1], count[2]);
	}
	test_end();

	test_begin("timer-wakes-blocked-vcpu-while-others-busy");
	reset_state();
	deadline[1] = read_cntvct() + 20ull * TICKS_PER_MS;
	start_two(sec_wfi, sec_count);
	/* vCPU 0 and 2 keep the CPU busy meanwhile. */
	EXPECT(wait_until(&woke[1], 1, 1000));
	stop = 1;
	late = woke_at[1] - deadline[1];
	gprintf("  woke %u us after its timer\n", (unsigned)(late * 1000 / TICKS_PER_MS));
	EXPECT(woke_at[1] >= deadline[1]);
	/* Sooner than a slice (5 ms): the wake-up preempts after 0.5 ms of the other's turn. */
	EXPECT(late < 3ull * TICKS_PER_MS);
	EXPECT(wait_off(1));
	EXPECT(wait_off(2));
	test_end();

	test_begin("sgi-wakes-blocked-vcpu-while-others-busy");
	reset_state();
	start_two(sec_wfi, sec_count);
	/* Let vCPU 1 block and vCPU 2 get going. */
	t0 = read_cntvct();
	while (read_cntvct() - t0 < 10ull * TICKS_PER_MS)
		;
	gic_setup();
	t0 = read_cntvct();
	gic_sgi(0, 1u << 1, SGI_PING);
	EXPECT(wait_until(&woke[1], 1, 1000));
	stop = 1;
	late = woke_at[1] - t0;
	gprintf("  woke %u us after the SGI\n", (unsigned)(late * 1000 / TICKS_PER_MS));
	EXPECT(late < 3ull * TICKS_PER_MS);
	EXPECT(wait_off(1));
	EXPECT(wait_off(2));
	test_end();

	/* On the board WFE traps where the CPU is shared (HCR.TWE) and hands it on; QEMU never
	 * traps WFE (it only yields its host thread), so here the slices do it. */
	test_begin("wfe-spinner-does-not-hold-up-the-vcpu-it-waits-for");
	reset_state();
	start_two(sec_wfe_wait, sec_set_flag);
	/* vCPU 0 waits in WFE too: on the board each of its WFEs hands the CPU on. */
	t0 = read_cntvct();
	while (!woke[1] && read_cntvct() - t0 < 1000ull * TICKS_PER_MS)
		__asm__ volatile("wfe");
	EXPECT_EQ(woke[1], 1);
	EXPECT(wait_off(1));
	EXPECT(wait_off(2));
	test_end();
	return 0;
}

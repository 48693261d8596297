/* run-guest: --vcpus 3 */
/* PSCI power management as the guest sees it: CPU_ON starts a vCPU in the boot state
 * with its context ID, refuses what the specification says to refuse, CPU_OFF and
 * AFFINITY_INFO agree, and when two vCPUs race to start a third exactly one wins. */
#include "gic.h"
#include "guest.h"

static volatile uint32_t started[4], ctx_seen[4], mpidr_seen[4], cpsr_seen[4], sctlr_seen[4];
static volatile uint32_t hold[4];
static volatile uint32_t race_go, race_result;

static void sec_record(uint32_t ctx)
{
	unsigned id = cpu_id();
	uint32_t cpsr;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	ctx_seen[id] = ctx;
	mpidr_seen[id] = SYSREG_READ(0, c0, c0, 5);
	cpsr_seen[id] = cpsr;
	sctlr_seen[id] = SYSREG_READ(0, c1, c0, 0);
	started[id]++;
	while (hold[id])
		;
}

/* vCPU 1 in the race: start vCPU 2 at the same moment as vCPU 0 does. */
static void sec_racer(uint32_t ctx)
{
	(void)ctx;
	started[1]++;
	while (!race_go)
		;
	race_result = psci_cpu_on(2, 0x2000);
	while (hold[1])
		;
}

static bool wait_until_not(volatile uint32_t *flag, uint32_t old, unsigned ms)
{
	uint64_t end = read_cntvct() + (uint64_t)ms * 62500;

	while (*flag == old)
		if (read_cntvct() > end)
			return false;
	return true;
}

static bool wait_off(unsigned cpu)
{
	uint64_t end = read_cntvct() + 1000 * 62500ull;

	while (hvc_call(PSCI_AFFINITY_INFO, cpu, 0, 0).r0 != PSCI_AFFINITY_OFF)
		if (read_cntvct() > end)
			return false;
	return true;
}

int main(void)
{
	uint32_t r;

	test_suite = "psci";
	for (unsigned i = 1; i < 4; i++)
		secondary_fn[i] = sec_record;

	test_begin("features-of-power-calls");
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_CPU_OFF, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_AFFINITY_INFO, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_CPU_SUSPEND, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_SYSTEM_RESET, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, 0xc4000003, 0, 0).r0, PSCI_RET_NOT_SUPPORTED);
	test_end();

	test_begin("affinity-info-at-boot");
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 0, 0, 0).r0, PSCI_AFFINITY_ON);
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0, PSCI_AFFINITY_OFF);
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 2, 0, 0).r0, PSCI_AFFINITY_OFF);
	test_end();

	test_begin("cpu-on-boot-state-and-context");
	hold[1] = 1;
	EXPECT_EQ(psci_cpu_on(1, 0xc0ffee01), PSCI_RET_SUCCESS);
	EXPECT(wait_until(&started[1], 1, 1000));
	EXPECT_EQ(ctx_seen[1], 0xc0ffee01);
	EXPECT_EQ(mpidr_seen[1], 0x80000001);
	EXPECT_EQ(cpsr_seen[1] & 0x1f, 0x13);   /* SVC */
	EXPECT_EQ(cpsr_seen[1] & 0x1c0, 0x1c0); /* A, I, F masked */
	EXPECT_EQ(sctlr_seen[1] & 1, 0);        /* MMU off */
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0, PSCI_AFFINITY_ON);
	test_end();

	test_begin("cpu-on-already-on");
	EXPECT_EQ(psci_cpu_on(1, 0), PSCI_RET_ALREADY_ON);
	EXPECT_EQ(psci_cpu_on(0, 0), PSCI_RET_ALREADY_ON); /* the caller itself */
	EXPECT_EQ(started[1], 1);
	test_end();

	test_begin("invalid-parameters-and-address");
	EXPECT_EQ(psci_cpu_on(3, 0), PSCI_RET_INVALID_PARAMETERS);     /* no vCPU 3 */
	EXPECT_EQ(psci_cpu_on(0x101, 0), PSCI_RET_INVALID_PARAMETERS); /* Aff1 = 1 */
	EXPECT_EQ(hvc_call(PSCI_CPU_ON, 2, 0x40000000, 0).r0, PSCI_RET_INVALID_ADDRESS);
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 7, 0, 0).r0, PSCI_RET_INVALID_PARAMETERS);
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 1, 1, 0).r0, PSCI_RET_INVALID_PARAMETERS);
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 2, 0, 0).r0, PSCI_AFFINITY_OFF); /* untouched */
	test_end();

	test_begin("cpu-off-then-on-again");
	hold[1] = 0; /* sec_record returns: the runtime calls CPU_OFF */
	EXPECT(wait_off(1));
	hold[1] = 1;
	EXPECT_EQ(psci_cpu_on(1, 0xc0ffee02), PSCI_RET_SUCCESS);
	EXPECT(wait_until(&started[1], 2, 1000));
	EXPECT_EQ(ctx_seen[1], 0xc0ffee02);
	hold[1] = 0;
	EXPECT(wait_off(1));
	test_end();

	test_begin("racing-cpu-on-exactly-one-wins");
	for (int round = 0; round < 5; round++) {
		uint32_t mine, before2 = started[2];
		secondary_fn[1] = sec_racer;
		race_go = 0;
		race_result = 0x12345678;
		hold[1] = 1;
		hold[2] = 1;
		started[1] = 0;
		EXPECT_EQ(psci_cpu_on(1, 0), PSCI_RET_SUCCESS);
		EXPECT(wait_until(&started[1], 1, 1000));
		race_go = 1;
		mine = psci_cpu_on(2, 0x1000);
		EXPECT(wait_until(&started[2], before2 + 1, 1000));
		if (!wait_until_not(&race_result, 0x12345678, 1000))
			test_fail(__FILE__, __LINE__, "round %d: vCPU1's CPU_ON never returned", round);
		if (!((mine == PSCI_RET_SUCCESS && race_result == PSCI_RET_ALREADY_ON) ||
		      (mine == PSCI_RET_ALREADY_ON && race_result == PSCI_RET_SUCCESS)))
			test_fail(__FILE__, __LINE__, "round %d: vCPU0 got %#x, vCPU1 got %#x", round, mine,
				  race_result);
		EXPECT_EQ(ctx_seen[2], mine == PSCI_RET_SUCCESS ? 0x1000u : 0x2000u);
		hold[1] = 0;
		hold[2] = 0;
		EXPECT(wait_off(1));
		EXPECT(wait_off(2));
		EXPECT_EQ(started[2], before2 + 1); /* started once per round */
	}
	test_end();

	test_begin("cpu-suspend-standby-waits-for-interrupt");
	{
		uint64_t deadline = read_cntvct() + 2 * 62500, woke;
		irqs_off();
		gic_setup();
		gic_enable(27);
		__asm__ volatile("mcrr p15, 3, %0, %1, c14\n\tisb" ::"r"((uint32_t)deadline),
				 "r"((uint32_t)(deadline >> 32)));
		SYSREG_WRITE(0, c14, c3, 1, 1); /* CNTV_CTL.ENABLE */
		r = hvc_call(PSCI_CPU_SUSPEND, 0, 0, 0).r0; /* standby */
		woke = read_cntvct();
		EXPECT_EQ(r, PSCI_RET_SUCCESS);
		EXPECT(woke >= deadline);
		EXPECT_EQ(gicc_r(GICC_IAR), 27);
		SYSREG_WRITE(0, c14, c3, 1, 0);
		gicc_w(GICC_EOIR, 27);
	}
	test_end();

	/* PSCI through the SMC conduit, where SMC reaches the hypervisor (EL3 present). */
	if (has_security_extensions()) {
		test_begin("smc-conduit-cpu-on-affinity-off");
		uint32_t smcs = hyp_stat(HYP_STAT_SMC);
		secondary_fn[1] = sec_record;
		started[1] = 0;
		hold[1] = 1;
		EXPECT_EQ(smc_call(PSCI_CPU_ON, 1, (uint32_t)secondary_entry, 0xc0ffee03).r0, PSCI_RET_SUCCESS);
		EXPECT(wait_until(&started[1], 1, 1000));
		EXPECT_EQ(ctx_seen[1], 0xc0ffee03);
		EXPECT_EQ(smc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0, PSCI_AFFINITY_ON);
		EXPECT_EQ(smc_call(PSCI_CPU_ON, 1, (uint32_t)secondary_entry, 0).r0, PSCI_RET_ALREADY_ON);
		hold[1] = 0;
		EXPECT(wait_off(1));
		EXPECT_EQ(smc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0, PSCI_AFFINITY_OFF);
		EXPECT_EQ(hyp_stat(HYP_STAT_SMC) - smcs, 4);
		test_end();
	}
	return 0;
}

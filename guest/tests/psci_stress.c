/* run-guest: --vcpus 3 */
/* PSCI CPU_ON against CPU_OFF, thousands of times: vCPU 2 powers itself off as soon as it
 * starts, while vCPUs 0 and 1 each wait for AFFINITY_INFO to say OFF and call CPU_ON at
 * once, racing each other and the target's own way out. Every CPU_ON must return SUCCESS
 * or ALREADY_ON, each SUCCESS must start the target exactly once with the caller's
 * context, and every wait has a deadline, so a lost vCPU fails the test instead of
 * hanging it. (psci_stress_2vcpu.c runs the same rounds with one racer and 2 vCPUs.) */
#include "gic.h"
#include "guest.h"

#ifndef STRESS_VCPUS
#define STRESS_VCPUS 3
#endif
#define TARGET (STRESS_VCPUS - 1) /* the vCPU that goes on and off */
#define RACERS (STRESS_VCPUS - 1) /* vCPUs 0 .. RACERS-1 call CPU_ON */
#define ROUNDS 5000
#define WAIT_MS 2000   /* a vCPU that is not off after this is lost */
#define TOTAL_MS 40000 /* the whole run */

static volatile uint32_t starts, starts_by[4], wins[4], losses[4], other[4], other_val[4];
static volatile uint32_t lost[4], stop, racer_up[4], racer_done[4];

static bool affinity_off(unsigned cpu)
{
	return hvc_call(PSCI_AFFINITY_INFO, cpu, 0, 0).r0 == PSCI_AFFINITY_OFF;
}

/* The target: count the start, say who started it, and power off again at once. */
static void target_fn(uint32_t ctx)
{
	starts_by[ctx & 3]++;
	starts++;
}

/* One round of one racer: wait for the target to be off, then start it. False when the
 * target did not go off in time (it is lost: everything stops). */
static bool race_round(unsigned me)
{
	uint64_t deadline = read_cntvct() + (uint64_t)WAIT_MS * 62500;
	uint32_t r;

	while (!affinity_off(TARGET)) {
		if (stop)
			return true;
		if (read_cntvct() > deadline) {
			lost[me]++;
			stop = 1;
			return false;
		}
	}
	r = psci_cpu_on(TARGET, me);
	if (r == PSCI_RET_SUCCESS)
		wins[me]++;
	else if (r == PSCI_RET_ALREADY_ON)
		losses[me]++;
	else if (!other[me]++)
		other_val[me] = r;
	return true;
}

static void racer_fn(uint32_t ctx)
{
	racer_up[ctx]++;
	while (!stop)
		race_round(ctx);
	racer_done[ctx]++;
}

int main(void)
{
	uint64_t end;
	uint32_t total_wins = 0;

	test_suite = STRESS_VCPUS == 3 ? "psci_stress" : "psci_stress_2vcpu";
	secondary_fn[TARGET] = target_fn;
	for (unsigned i = 1; i < RACERS; i++)
		secondary_fn[i] = racer_fn;

	test_begin("racing-cpu-on-cpu-off-rounds");
	for (unsigned i = 1; i < RACERS; i++) {
		EXPECT_EQ(psci_cpu_on(i, i), PSCI_RET_SUCCESS);
		EXPECT(wait_until(&racer_up[i], 1, WAIT_MS));
	}
	end = read_cntvct() + (uint64_t)TOTAL_MS * 62500;
	while (!stop) {
		/* vCPU 0 races too, between checks of the round count and the clock. */
		race_round(0);
		if (starts >= ROUNDS || read_cntvct() > end)
			stop = 1;
	}
	stop = 1;
	for (unsigned i = 1; i < RACERS; i++)
		EXPECT(wait_until(&racer_done[i], 1, WAIT_MS));
	end = read_cntvct() + (uint64_t)WAIT_MS * 62500;
	for (unsigned i = 1; i < STRESS_VCPUS; i++)
		while (!affinity_off(i))
			if (read_cntvct() > end) {
				test_fail(__FILE__, __LINE__, "vCPU %u still on after the run", i);
				break;
			}
	for (unsigned i = 0; i < RACERS; i++) {
		if (lost[i])
			test_fail(__FILE__, __LINE__, "racer %u: target not off within %u ms", i, WAIT_MS);
		if (other[i])
			test_fail(__FILE__, __LINE__, "racer %u: CPU_ON returned %#x (%u times)", i,
				  other_val[i], other[i]);
		/* Each SUCCESS started the target once, with that caller's context. */
		EXPECT_EQ(starts_by[i], wins[i]);
		total_wins += wins[i];
	}
	EXPECT_EQ(starts, total_wins);
	EXPECT(starts >= ROUNDS);
	gprintf("  %u rounds: ", starts);
	for (unsigned i = 0; i < RACERS; i++)
		gprintf("racer %u won %u, lost %u; ", i, wins[i], losses[i]);
	gprintf("\n");
	test_end();
	return 0;
}

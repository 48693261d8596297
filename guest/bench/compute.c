/* A compute-bound guest for the idle-CPU benchmark: one CPU busy for SECONDS of its own
 * counter's time, touching nothing the hypervisor sees (no exits but its timer's), while
 * the board's other CPUs have nothing to run. scripts/bench.sh compares the host CPU time
 * QEMU uses with the wall-clock time: an idle physical CPU that spins costs a whole host
 * thread, one that sleeps costs nothing. Runs natively too, for the floor. Built for 10 s
 * too (compute10.bin), which the fair-share test runs in two VMs on one CPU. */
#include "guest.h"

#ifndef SECONDS
#define SECONDS 4
#endif
#define TICKS_PER_SECOND 62500000u

int main(void)
{
	bool hyp = under_hypervisor();
	uint64_t end = read_cntvct() + (uint64_t)SECONDS * TICKS_PER_SECOND;
	uint32_t x = 1, rounds = 0;

	test_suite = "compute";
	while (read_cntvct() < end) {
		for (int i = 0; i < 10000; i++) /* xorshift32: work no compiler folds away */
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		rounds++;
	}
	gprintf("COMPUTE %s seconds %u rounds %u x %08x\n", hyp ? "hyp" : "native", SECONDS,
		(unsigned)rounds, (unsigned)x);
	if (!hyp)
		native_power_off();
	return 0;
}

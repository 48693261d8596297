/* vCPU 0 starts vCPU 1 and powers itself off (PSCI CPU_OFF), so physical CPU 0 has no
 * vCPU and sleeps (hyp/pcpu_idle.c) while vCPU 1 keeps running on CPU 1. The monitor, whose
 * UART interrupt goes to CPU 0, must still answer; the system test then ends it with
 * 'quit'. */
#include "guest.h"

static void second(uint32_t ctx)
{
	(void)ctx;
	gprintf("cpu0off: vCPU 1 running, vCPU 0 going off\n");
	for (;;)
		__asm__ volatile("wfe");
}

int main(void)
{
	test_suite = "cpu0off";
	secondary_fn[1] = second;
	if (psci_cpu_on(1, 0) != PSCI_RET_SUCCESS) {
		gprintf("FAIL: cpu0off/cpu-on\n");
		return 0;
	}
	hvc_call(PSCI_CPU_OFF, 0, 0, 0);
	gprintf("FAIL: cpu0off/cpu-off-returned\n");
	return 0;
}

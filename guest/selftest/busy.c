/* Keeps its vCPU exiting as fast as it can, for ever: its virtual timer always firing
 * (each completion lets the physical interrupt in again), SGIs to itself, distributor
 * writes, hypercalls. The monitor test checks that the hypervisor's monitor
 * still answers, with the exit counters moving, and ends it with 'quit'. */
#include "gic.h"
#include "guest.h"

int main(void)
{
	test_suite = "busy";
	irqs_off();
	gic_setup();
	set_exc_handler(EXC_IRQ, gic_log_irq);
	for (unsigned id = 0; id < 16; id++)
		gic_set_priority(id, (uint8_t)(id * 8));
	gic_enable(27);
	__asm__ volatile("mcrr p15, 3, %0, %0, c14" ::"r"(0)); /* CNTV_CVAL = 0: always due */
	SYSREG_WRITE(0, c14, c3, 1, 1);
	gprintf("busy: exiting as fast as it can until the monitor's quit\n");
	irqs_on();
	for (uint32_t i = 0;; i++) {
		gic_sgi(2, 0, i & 15);
		gic_set_priority(32 + (i & 31), (uint8_t)i);
		hyp_stat(HYP_STAT_EXITS);
	}
}

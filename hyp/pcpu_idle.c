/* Idle physical CPUs sleep: a CPU with no vCPU, or whose vCPU is parked while its VM is
 * paused, waits in WFI, not in a WFE loop. QEMU's TCG treats WFE as a yield, so a CPU
 * spinning on WFE burns a whole host thread; WFI sleeps until an interrupt, on QEMU and
 * on the board alike.
 *
 * While idle the CPU's priority mask lets through only SGI_WAKE and the monitor's UART
 * (both at priority 0x40): every other interrupt stays pending for when a vCPU runs
 * again, and cannot wake the CPU into a spin. Whoever hands the CPU work (PSCI CPU_ON, a
 * restore powering a vCPU on, the end of a pause) writes the state first and then sends
 * SGI_WAKE; the sleeper checks the state before each WFI and the SGI stays pending until
 * it is acknowledged after the WFI, so no wake-up is lost between the check and the WFI. */
#include "arm/sysreg.h"
#include "gic/gic.h"
#include "hyp/monitor.h"
#include "hyp/pcpu.h"
#include "platform.h"

#define IDLE_PMR 0x50 /* above: SGI_WAKE and the monitor's UART (0x40) */

void pcpu_idle_enter(void) { gic_set_pmr(IDLE_PMR); }
void pcpu_idle_exit(void) { gic_set_pmr(0xff); }

/* One interrupt per wait: what it serves may end the idling (the monitor's `continue`
 * unmasks everything to resume its vCPU), and what is pending then is the vCPU's. */
void pcpu_idle_wait(void)
{
	uint32_t iar;

	wfi();
	iar = gic_ack();
	if ((iar & 0x3ff) >= 1020)
		return;
	if ((iar & 0x3ff) == UART1_INTID)
		monitor_rx();
	/* SGI_WAKE: being awake is all it asks. */
	gic_eoi(iar);
	gic_deactivate(iar);
}

void pcpu_wake(unsigned cpu)
{
	if (cpu != this_cpu_id())
		gic_send_sgi(1u << cpu, SGI_WAKE); /* after a dsb: the state it announces first */
}

/* Physical interrupts taken while a guest runs (HCR.IMO routes them all to Hyp). */
#include "gic/gic.h"
#include "gic/vgic_hw.h"
#include "hyp/irq.h"
#include "hyp/monitor.h"
#include "platform.h"
#include "hyp/log.h"
#include "hyp/sched.h"
#include "hyp/timer.h"

void irq_handle_exit(struct vcpu *v)
{
	uint32_t iar = gic_ack();
	unsigned id = iar & 0x3ff;

	v->stats.irq++;
	if (id >= 1020)
		return; /* spurious: someone else took it, or it went away */
	switch (id) {
	case PPI_VIRT_TIMER:
		vtimer_phys_irq(v, iar); /* left active: the guest's EOI deactivates it */
		return;
	case PPI_HYP_TIMER: /* turns, blocked vCPUs' timers and v's physical timer share it */
		sched_hyp_timer();
		break;
	case PPI_MAINTENANCE:
		/* The exit itself is the point: sync/flush refill the list registers. */
		v->stats.maintenance++;
		v->lrs.dirty = true;
		vgic_guard_maintenance(v);
		break;
	case SGI_KICK:
		v->lrs.dirty = true;
		break;
	case SGI_WAKE: /* a vCPU of this CPU became runnable, or a sleeper was awake after all */
		sched_note_runnable();
		break;
	case UART1_INTID:
		monitor_rx();
		break;
	default:
		if (vgic_hw_irq(iar))
			return; /* left active: the guest's EOI deactivates it */
		log_once(LOG_WARN, "unexpected physical interrupt %u while running vcpu%u\n", id, v->id);
		break;
	}
	gic_eoi(iar);
	gic_deactivate(iar);
}

/* Virtual timer delivery: the physical PPI 27 is taken here, priority-dropped but left
 * active, and injected as virtual PPI 27 with the LR HW bit, so the guest's EOI
 * deactivates the physical interrupt and only then can it fire again: one physical
 * assertion, one virtual delivery. */
#include "arm/sysreg.h"
#include "gic/gic.h"
#include "gic/vgic.h"
#include "hyp/timer.h"
#include "hyp/vm.h"


static bool vtimer_output(void)
{
	uint32_t ctl = read_CNTV_CTL();
	return cnt_ctl_armed(ctl) && (ctl & CNT_CTL_ISTATUS);
}

void vtimer_phys_irq(struct vcpu *v, uint32_t iar)
{
	gic_eoi(iar); /* priority drop only (EOImode=1): deactivation is the guest's EOI */
	v->vtimer_phys_active = true;
	v->stats.vtimer_irqs++;
	vgic_lock(v->vm);
	vgic_set_level(&v->vm->vgic, v->id, PPI_VIRT_TIMER, true);
	vgic_unlock(v->vm);
}

void vtimer_sync(struct vcpu *v, bool deactivated)
{
	struct vgic_irq *irq;

	if (!v->vtimer_phys_active)
		return;
	vgic_lock(v->vm);
	irq = vgic_get_irq(&v->vm->vgic, v->id, PPI_VIRT_TIMER);
	if (deactivated) {
		/* Done: if the timer still fires, the physical interrupt comes back. */
		v->vtimer_phys_active = false;
		vgic_set_level(&v->vm->vgic, v->id, PPI_VIRT_TIMER, false);
	} else if (irq->active) {
		/* Acknowledged: while the physical interrupt stays active it cannot be
		 * pending again, and an HW list register must not say pending+active. */
		vgic_set_level(&v->vm->vgic, v->id, PPI_VIRT_TIMER, false);
	} else if (!vtimer_output()) {
		/* Masked, disabled or moved into the future before the guest took it. */
		v->vtimer_phys_active = false;
		vgic_set_level(&v->vm->vgic, v->id, PPI_VIRT_TIMER, false);
		gic_deactivate(PPI_VIRT_TIMER);
	}
	vgic_unlock(v->vm);
}

/* The guest's physical timer, emulated: the hypervisor keeps the real CNTP for itself
 * and drives each vCPU's emulated timer with its CPU's Hyp timer (CNTHP). The output
 * is a level on virtual PPI 30: ENABLE && !IMASK && CNTPCT >= CVAL. */
#include "arm/sysreg.h"
#include "gic/gic.h"
#include "gic/vgic.h"
#include "hyp/sched.h"
#include "hyp/timer.h"
#include "hyp/vm.h"


static bool expired(const struct vcpu_ptimer *t) { return read_CNTPCT() >= t->cval; }

static bool armed(const struct vcpu_ptimer *t) { return cnt_ctl_armed(t->ctl); }

bool ptimer_deadline(const struct vcpu *v, uint64_t *when)
{
	*when = v->ptimer.cval;
	return armed(&v->ptimer) && !expired(&v->ptimer);
}

/* Recompute the output and arm the Hyp timer for the moment it will rise (the scheduler
 * shares the Hyp timer: it takes the earliest of what it waits for). */
static void update(struct vcpu *v)
{
	struct vcpu_ptimer *t = &v->ptimer;
	bool level = armed(t) && expired(t);

	vgic_lock(v->vm);
	vgic_set_level(&v->vm->vgic, v->id, PPI_PHYS_TIMER, level);
	vgic_unlock(v->vm);
	sched_timer_update();
}

void ptimer_resume(struct vcpu *v) { update(v); }

void ptimer_hyp_irq(struct vcpu *v)
{
	/* The Hyp timer also ends turns and wakes blocked vCPUs (hyp/sched.c): count only
	 * what was this timer's. */
	if (armed(&v->ptimer) && expired(&v->ptimer))
		v->stats.ptimer_irqs++;
	update(v);
}

uint64_t ptimer_read(struct vcpu *v, enum ptimer_reg reg)
{
	struct vcpu_ptimer *t = &v->ptimer;

	switch (reg) {
	case PTIMER_CTL:
		return t->ctl | (expired(t) ? CNT_CTL_ISTATUS : 0);
	case PTIMER_TVAL:
		return (uint32_t)(t->cval - read_CNTPCT());
	default:
		return t->cval;
	}
}

void ptimer_write(struct vcpu *v, enum ptimer_reg reg, uint64_t val)
{
	struct vcpu_ptimer *t = &v->ptimer;

	switch (reg) {
	case PTIMER_CTL:
		t->ctl = val & (CNT_CTL_ENABLE | CNT_CTL_IMASK);
		break;
	case PTIMER_TVAL: /* a signed 32-bit offset from now */
		t->cval = read_CNTPCT() + (uint64_t)(int64_t)(int32_t)val;
		break;
	default:
		t->cval = val;
		break;
	}
	update(v);
}

/* Sharing physical CPUs between vCPUs: placement, time slices, blocking in WFI, and
 * waking (include/hyp/sched.h). Round robin among a CPU's runnable vCPUs; a slice only
 * starts when another vCPU of the CPU waits, so a CPU with one runnable vCPU takes no
 * timer interrupts for it. */
#include "hyp/sched.h"
#include "arm/sysreg.h"
#include "gic/gic.h"
#include "gic/vgic_hw.h"
#include "hyp/log.h"
#include "hyp/monitor.h"
#include "hyp/pcpu.h"
#include "hyp/timer.h"
#include "hyp/vm.h"

/* 5 ms: long against a world switch (microseconds), short against a guest's tick. A
 * vCPU woken by an interrupt or its timer takes the CPU once the running one has had
 * 0.5 ms of its turn: an interrupt waits that long at most for a busy neighbour, and a
 * vCPU that wakes all the time still cannot take more than its share. */
#define SLICE_US 5000u
#define WAKE_US 500u
#define NEVER UINT64_MAX

/* Each vCPU not pinned, VM after VM, on the CPU with the fewest vCPUs so far, the first
 * of those from where the last one went: one VM alone has vCPU i on CPU i mod M; VMs
 * after it fill the CPUs the earlier ones left emptier (two 1-vCPU VMs on two CPUs get
 * one each, not both the first). A pinned one goes where it is told (a VM's pins count
 * for the VMs placed after it, not before). */
void sched_place(struct vm *vm, unsigned nr_cpus, const int *pin)
{
	static unsigned next; /* VMs are created one after the other, on CPU 0 */

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		unsigned cpu = next % nr_cpus;
		struct pcpu *p;

		if (pin[i] >= 0) {
			cpu = (unsigned)pin[i];
		} else {
			for (unsigned k = 1; k < nr_cpus; k++) {
				unsigned c = (next + k) % nr_cpus;
				if (pcpus[c].nr_placed < pcpus[cpu].nr_placed)
					cpu = c;
			}
			next = cpu + 1;
		}
		p = &pcpus[cpu];
		v->pcpu = cpu;
		v->wake_at = NEVER;
		p->placed[p->nr_placed++] = v;
		p->last = p->nr_placed - 1; /* so the first pick starts at the lowest vCPU */
	}
	dsb(); /* the CPUs read their lists when woken (hyp/main.c) */
}

bool sched_shared(const struct vcpu *v) { return pcpus[v->pcpu].nr_placed > 1; }

static bool runnable(const struct vcpu *v)
{
	return v->power == VCPU_ON && !v->blocked && !v->vm->pause_req;
}

/* Another vCPU of v's CPU could run now. */
static bool others_runnable(const struct vcpu *v)
{
	const struct pcpu *p = &pcpus[v->pcpu];

	for (unsigned i = 0; i < p->nr_placed; i++)
		if (p->placed[i] != v && runnable(p->placed[i]))
			return true;
	return false;
}

struct vcpu *sched_pick(struct pcpu *p)
{
	/* A vCPU just woken goes first (its interrupt is waiting); then round robin. */
	for (unsigned i = 0; i < p->nr_placed; i++) {
		struct vcpu *v = p->placed[i];
		if (v->woken) {
			v->woken = false;
			if (runnable(v)) {
				p->last = i;
				return v;
			}
		}
	}
	for (unsigned k = 1; k <= p->nr_placed; k++) {
		unsigned i = (p->last + k) % p->nr_placed;
		struct vcpu *v = p->placed[i];

		/* Its VM's SYSTEM_OFF stopped it while it was switched out: nothing of it is
		 * loaded anywhere, so it is OFF now (this CPU is its run loop's; enum
		 * vcpu_power). */
		if (v->power == VCPU_STOPPING && !v->running) {
			vcpu_let_go(v);
			continue;
		}
		if (runnable(v)) {
			p->last = i;
			return v;
		}
	}
	return 0;
}

static uint64_t us_ticks(unsigned us) { return (uint64_t)read_CNTFRQ() / 1000000 * us; }

void sched_note_runnable(void)
{
	struct pcpu *p = this_pcpu();
	uint64_t end;

	if (!p->vcpu || !others_runnable(p->vcpu))
		return;
	/* Someone woke: the running vCPU keeps the CPU until WAKE_US into its turn. */
	end = p->slice_start + us_ticks(WAKE_US);
	if (end < read_CNTPCT())
		end = read_CNTPCT();
	if (!p->slice_end || end < p->slice_end) {
		p->slice_end = end;
		sched_timer_update();
	}
}

void sched_switched_in(struct vcpu *v)
{
	struct pcpu *p = this_pcpu();

	p->resched = false;
	p->slice_start = read_CNTPCT();
	p->slice_end = others_runnable(v) ? p->slice_start + us_ticks(SLICE_US) : 0;
	/* ptimer_resume, which the caller runs next, arms the Hyp timer. */
}

/* The physical count at which a saved timer (virtual: offset by the VM's CNTVOFF) would
 * assert its interrupt, or NEVER. */
static uint64_t fires_at(uint32_t ctl, uint64_t cval, uint64_t offset)
{
	return cnt_ctl_armed(ctl) ? cval + offset : NEVER;
}

void sched_switched_out(struct vcpu *v)
{
	uint64_t vt, pt;

	this_pcpu()->slice_end = 0;
	if (!v->blocked) {
		v->wake_at = NEVER;
		return;
	}
	vt = fires_at(v->ctx.irq.cntv_ctl, v->ctx.irq.cntv_cval, v->vm->cntvoff);
	pt = fires_at(v->ptimer.ctl, v->ptimer.cval, 0);
	v->wake_at = vt < pt ? vt : pt;
	if (v->wake_at <= read_CNTPCT()) /* already due: not blocked after all */
		v->blocked = false;
}

bool sched_block(struct vcpu *v)
{
	if (!sched_shared(v) || !others_runnable(v))
		return false;
	v->blocked = true;
	this_pcpu()->resched = true; /* the run loop's one check for leaving the guest */
	return true;
}

bool sched_yield(struct vcpu *v)
{
	if (!others_runnable(v))
		return false;
	this_pcpu()->resched = true;
	return true;
}

void sched_wake(struct vcpu *v)
{
	v->woken = true;
	v->blocked = false;
	dsb(); /* the state first, then the news */
	if (v->pcpu == this_cpu_id())
		sched_note_runnable();
	else
		pcpu_wake(v->pcpu);
}

void sched_timer_update(void)
{
	struct pcpu *p = this_pcpu();
	uint64_t t = NEVER, w;

	if (p->vcpu && ptimer_deadline(p->vcpu, &w))
		t = w;
	if (p->slice_end && p->slice_end < t)
		t = p->slice_end;
	for (unsigned i = 0; i < p->nr_placed; i++) {
		const struct vcpu *u = p->placed[i];
		if (u != p->vcpu && u->blocked && u->wake_at < t)
			t = u->wake_at;
	}
	if (t == NEVER) {
		write_CNTHP_CTL(0);
	} else {
		write_CNTHP_CVAL(t);
		write_CNTHP_CTL(CNT_CTL_ENABLE);
	}
	isb();
}

void sched_hyp_timer(void)
{
	struct pcpu *p = this_pcpu();
	uint64_t now = read_CNTPCT();
	bool woke = false;

	if (p->slice_end && now >= p->slice_end) {
		p->slice_end = 0;
		if (p->vcpu && others_runnable(p->vcpu))
			p->resched = true;
	}
	for (unsigned i = 0; i < p->nr_placed; i++) {
		struct vcpu *u = p->placed[i];
		if (u != p->vcpu && u->blocked && u->wake_at <= now) {
			u->wake_at = NEVER;
			u->woken = true;
			u->blocked = false;
			woke = true;
		}
	}
	if (woke)
		sched_note_runnable();
	/* Armed anew once: through the running vCPU's emulated physical timer, whose output
	 * this interrupt may also be, or directly. */
	if (p->vcpu)
		ptimer_hyp_irq(p->vcpu);
	else
		sched_timer_update();
}

void sched_idle(struct pcpu *p)
{
	bool waiting = false;
	uint32_t iar;
	unsigned id;

	/* Blocked vCPUs wait for their timers and devices: every interrupt may be for them.
	 * With none (all off, or the VM paused), sleep as before, open only to SGI_WAKE and
	 * the monitor, so nothing pending can wake the CPU into a spin. */
	for (unsigned i = 0; i < p->nr_placed; i++)
		waiting |= p->placed[i]->blocked && p->placed[i]->power == VCPU_ON &&
			   !p->placed[i]->vm->pause_req;
	if (!waiting) {
		pcpu_idle_enter();
		pcpu_idle_wait();
		pcpu_idle_exit();
		return;
	}
	sched_timer_update();
	gic_refresh(); /* nothing pending may hide in the physical GIC (gic.h) */
	wfi();
	iar = gic_ack();
	id = iar & 0x3ff;
	if (id >= 1020)
		return;
	switch (id) {
	case PPI_HYP_TIMER:
		sched_hyp_timer();
		break;
	case UART1_INTID:
		monitor_rx();
		break;
	case SGI_WAKE:
	case SGI_KICK:
		break;
	default:
		if (vgic_hw_irq(iar))
			return; /* left active until the guest's EOI (after its switch-in) */
		log_once(LOG_WARN, "unexpected physical interrupt %u on idle CPU %u\n", id, p->id);
		break;
	}
	gic_eoi(iar);
	gic_deactivate(iar);
}

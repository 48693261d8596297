/* vCPU lifecycle: reset to the boot protocol's state, and the run loop. */
#include <stddef.h>
#include <string.h>

#include "arm/psr.h"
#include "arm/sysreg.h"
#include "gic/vgic_hw.h"
#include "hyp/pcpu.h"
#include "hyp/sched.h"
#include "hyp/timer.h"
#include "hyp/vm.h"

_Static_assert(offsetof(struct vcpu, hyp_sp) == VCPU_OFF_HYP_SP, "entry.S layout");
_Static_assert(offsetof(struct vcpu, gpr) == VCPU_OFF_GPR, "entry.S layout");
_Static_assert(offsetof(struct vcpu, lr_usr) == VCPU_OFF_LR_USR, "entry.S layout");
_Static_assert(offsetof(struct vcpu_banked, spsr_hyp) == 22 * 4, "vcpu_ctx.S layout");
_Static_assert(offsetof(struct vcpu_vfp, fpscr) == 32 * 8, "vcpu_ctx.S layout");

/* Cortex-A15 SCTLR reset value: MMU, caches and alignment checks off, low vectors. */
#define SCTLR_RESET 0x00c50078u

void vcpu_reset(struct vcpu *v, uint32_t entry, uint32_t r0, uint32_t r1, uint32_t r2)
{
	memset(v->gpr, 0, sizeof(v->gpr));
	v->lr_usr = 0;
	memset(&v->ctx, 0, sizeof(v->ctx));
	v->gpr[0] = r0;
	v->gpr[1] = r1;
	v->gpr[2] = r2;
	/* Bit 0 of an entry point selects Thumb state (PSCI CPU_ON's convention). */
	v->ctx.banked.elr_hyp = entry & ~1u;
	v->ctx.banked.spsr_hyp = PSR_MODE_SVC | PSR_A | PSR_I | PSR_F | ((entry & 1) ? PSR_T : 0);
	v->ctx.cp15.sctlr = SCTLR_RESET;
	v->ptimer.ctl = 0;
	v->ptimer.cval = 0;
	v->vtimer_phys_active = false;
}

void vcpu_let_go(struct vcpu *v)
{
	int stopping = VCPU_STOPPING;

	v->blocked = false;
	/* Last: from here on a CPU_ON may start the vCPU again (enum vcpu_power). Only from
	 * STOPPING: a restore may have taken it back to ON meanwhile, or let it go itself. */
	__atomic_compare_exchange_n(&v->power, &stopping, VCPU_OFF, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
	sev();
}

void vcpu_reset_all(struct vcpu *v)
{
	vcpu_reset(v, 0, 0, 0, 0);
	memset(&v->pmu, 0, sizeof(v->pmu));
}

/* One that should run becomes runnable on its CPU (not blocked: whoever resets or
 * restores it decides its state); one still on its way out of a CPU_OFF stays on. One
 * that should not run is OFF at once if it is switched out, as every vCPU of the paused VM
 * is but the one in whose exit path this runs: a CPU_ON, or an AFFINITY_INFO, right after
 * the VM goes on must find it OFF. That one stops in its own loop when the VM continues. */
void vcpu_set_power(struct vcpu *v, bool on)
{
	if (on) {
		v->blocked = false;
		if (v->power != VCPU_ON) { /* OFF, or STOPPING on its way out */
			v->power = VCPU_ON;
			if (!v->running)
				sched_wake(v);
		}
	} else if (v->power == VCPU_ON) {
		v->power = VCPU_STOPPING;
		if (!v->running)
			vcpu_let_go(v);
	}
}

/* What this CPU must hold while it runs a vCPU of `vm`. */
static void vm_enter_cpu(struct vcpu *v)
{
	/* VM: stage 2 on; SWIO; FMO/IMO/AMO: physical FIQ/IRQ/aborts come to Hyp; TWI: a
	 * guest WFI traps; TSC: SMC traps (PSCI may come that way too). TWE only where the
	 * CPU is shared: a vCPU spinning in WFE then gives the CPU to another (a lock holder,
	 * perhaps); alone on its CPU it loses nothing to itself. */
	uint32_t hcr = (1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 13) | (1u << 19);

	if (sched_shared(v))
		hcr |= 1u << 14;
	write_VTCR(stage2_vtcr());
	write_VTTBR(stage2_vttbr(&v->vm->s2));
	write_VMPIDR(v->vmpidr);
	write_VPIDR(read_MIDR());
	isb();
	tlbi_nsnh_all();
	dsb();
	write_HCR(hcr);
	isb();
}

/* The world switch out: v's whole context to memory, nothing of it left in this CPU's
 * virtual interface, timers or physical GIC (as for a pause). */
static void switch_out(struct vcpu *v)
{
	if (!v->parked) { /* a pause in its own exit path saved it already (hyp/vm_pause.c) */
		vcpu_ctx_save(v);
		vcpu_pmu_save(&v->pmu);
		vgic_park(v);
	}
	vgic_cpu_stop(v);
	sched_switched_out(v);
}

/* Run v on this CPU until it powers off, blocks, its slice ends with another vCPU
 * waiting (hyp/sched.c), or its VM pauses (hyp/vm_pause.c: the CPU runs other VMs' vCPUs
 * meanwhile). Its context comes from memory and, unless it powered off, goes back there. */
void vcpu_run(struct vcpu *v)
{
	struct pcpu *p = this_pcpu();
	unsigned exit;

	write_HTPIDR((uint32_t)v); /* for the panic dump */
	p->vcpu = v;
	v->run_since = read_CNTPCT();
	v->turns++;
	vm_enter_cpu(v);
	vcpu_ctx_load(v);
	if (v->ran)
		vcpu_pmu_load(&v->pmu); /* first run: the PMU as the CPU has it */
	v->parked = false; /* what a pause saved (and a restore rewrote) is loaded now */
	vgic_cpu_start(v);
	sched_switched_in(v);
	/* Its timers and hardware-mapped lines from its state in memory (a cold resume). */
	vgic_unpark(v);
	ptimer_resume(v);
	/* The VM's virtual counter offset (if the VM paused meanwhile, the loop below lets
	 * the vCPU go at once, and the next turn writes the offset with the pause added). */
	dsb();
	write_CNTVOFF(v->vm->cntvoff);
	isb();
	v->running = true;
	v->ran = true;
	while (v->power == VCPU_ON && !p->resched) { /* resched: blocked, or its turn is over */
		/* Between an exit and the next entry: the LRs are folded back here. A pause
		 * takes the vCPU off its CPU; vm_continue makes it runnable again. */
		if (v->vm->pause_req)
			break;
		/* Most exits touch no interrupt state: no LR in use, no timer interrupt in
		 * flight, nothing marked dirty. They skip the VGIC entirely. */
		if (v->lrs.dirty)
			vgic_flush(v);
		exit = guest_enter(v);
		if (v->lrs.held || v->vtimer_phys_active)
			vgic_sync(v);
		vcpu_handle_exit(v, exit);
	}
	p->resched = false;
	v->run_ticks += read_CNTPCT() - v->run_since;
	/* running goes false last: a pause waits for it, and the snapshot or restore after
	 * it must not meet this CPU still folding the vCPU's LRs or lowering its timer lines
	 * in the model. */
	if (v->power == VCPU_ON)
		switch_out(v);
	else
		vgic_cpu_stop(v);
	v->running = false;
	write_HCR(0);
	write_HTPIDR(0);
	p->vcpu = 0;
	sched_timer_update(); /* the blocked vCPUs' wake-ups alone now */
	dsb();
	if (v->power != VCPU_ON)
		vcpu_let_go(v);
}

void pcpu_serve(unsigned cpu)
{
	struct pcpu *p = &pcpus[cpu];

	for (;;) {
		struct vcpu *v = sched_pick(p);

		if (v)
			vcpu_run(v);
		else
			sched_idle(p);
	}
}

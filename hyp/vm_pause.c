/* Stopping a whole VM at its vCPUs' exits, and letting it go again.
 *
 * The monitor asks, from CPU 0 in some vCPU's exit path or its idle loop (vm_pause): the
 * CPUs of the VM's running vCPUs are kicked, and each vCPU leaves its CPU at the top of its
 * run loop, between an exit (its list registers folded back) and the next entry: switched
 * out as for another vCPU's turn (hyp/vcpu.c), its whole context saved to memory, its
 * timers stopped and the physical side of its hardware-mapped interrupts handed back. The
 * vCPU in whose exit path the monitor runs is parked there first (park_begin). The model
 * and every vCPU's `ctx` are then the VM's whole state, for a snapshot to read or a
 * restore to rewrite. vm_continue lets them go: each is runnable again and reloads its
 * context from memory at its next turn.
 *
 * While the VM is paused its CPUs run the other VMs' vCPUs, or sleep (hyp/pcpu_idle.c),
 * and CPU 0 keeps serving the monitor, so `continue` can come. Guest time: the virtual
 * counter does not count while the VM is paused (CNTVOFF grows by the pause). */
#include <errno.h>

#include "arm/sysreg.h"
#include "gic/gic.h"
#include "gic/vgic_hw.h"
#include "hyp/log.h"
#include "hyp/pcpu.h"
#include "hyp/sched.h"
#include "hyp/timer.h"
#include "hyp/vm.h"

#define PAUSE_WAIT_MS 2000
/* This vCPU stops here: context to memory, timers stopped, nothing of it left active in
 * the physical GIC. */
static void park_begin(struct vcpu *v)
{
	vcpu_ctx_save(v);
	vcpu_pmu_save(&v->pmu);
	write_CNTV_CTL(0);
	write_CNTHP_CTL(0);
	isb();
	vgic_park(v);
	dsb();
	v->parked = true;
	dsb();
	sev();
}

static void park_end(struct vcpu *v)
{
	if (!v->parked)
		return;
	vcpu_ctx_load(v);
	vcpu_pmu_load(&v->pmu);
	write_CNTVOFF(v->vm->cntvoff);
	isb();
	v->parked = false;
	vgic_unpark(v);
	ptimer_resume(v);
	/* A restore may have powered on another vCPU of this CPU: its turn must come. */
	sched_note_runnable();
}

static bool all_parked(const struct vm *vm, unsigned *straggler)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];

		if (v->running && !v->parked) {
			*straggler = i;
			return false;
		}
	}
	return true;
}

int vm_pause(struct vm *vm, struct vcpu *self)
{
	uint64_t deadline;
	unsigned straggler = 0;

	if (vm->pause_req)
		return 0; /* already */
	vm->pause_req = true;
	vm->paused_at = read_CNTPCT();
	dsb();
	if (self && self->vm == vm && !self->parked) /* the monitor may run in another VM's exit path */
		park_begin(self);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		if (v != self && v->running)
			gic_send_sgi(1u << v->pcpu, SGI_KICK);
	}
	deadline = read_CNTPCT() + read_CNTFRQ() / 1000 * PAUSE_WAIT_MS;
	while (!all_parked(vm, &straggler)) {
		if (read_CNTPCT() > deadline) {
			log_warn("pause: vcpu%u did not stop within %u ms\n", straggler, PAUSE_WAIT_MS);
			vm_continue(vm);
			return -ETIMEDOUT;
		}
	}
	return 0;
}

void vm_continue(struct vm *vm)
{
	if (!vm->pause_req)
		return;
	/* The virtual counter skips the pause: CNTVCT goes on from where it stopped. */
	vm->cntvoff += read_CNTPCT() - vm->paused_at;
	dsb();
	vm->pause_req = false;
	/* Parked vCPUs, and the CPUs of switched-out ones, which could not be picked. */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		pcpu_wake(vm->vcpus[i].pcpu);
	/* The monitor's own vCPU, parked in its exit path by vm_pause: it goes on from
	 * here (the run loop only looks at pause_req). */
	if (this_pcpu()->vcpu && this_pcpu()->vcpu->vm == vm)
		park_end(this_pcpu()->vcpu);
}

/* PSCI SYSTEM_SUSPEND for a VM (hyp/psci.c checks the caller's arguments): the VM is
 * snapshotted with its one running vCPU already in the state it wakes in, then sleeps.
 * With a snapshot disk the snapshot goes there and the VM rests on it, paused (as the
 * monitor's suspend leaves a VM with a disk): the monitor's resume reads it back, or, when
 * no other VM runs, the machine powers off and --resume in a new QEMU wakes it. Without
 * one the vCPU waits in the hypervisor, serving physical interrupts, until one of the
 * guest's enabled interrupts is pending or the monitor says resume; then it runs from the
 * entry point. */
#include <string.h>

#include "arm/sysreg.h"
#include "bootdesc.h"
#include "gic/gic.h"
#include "gic/vgic_hw.h"
#include "hyp/irq.h"
#include "hyp/log.h"
#include "hyp/monitor.h"
#include "hyp/snapshot.h"
#include "hyp/vm.h"

static bool wake_due(struct vcpu *v)
{
	bool due;

	if (v->vm->wake_req)
		return true;
	vgic_lock(v->vm);
	due = vgic_has_deliverable(&v->vm->vgic, v->id);
	vgic_unlock(v->vm);
	return due;
}

bool vm_rest_on_disk(struct vm *vm)
{
	vm->on_disk = true;
	return vm_last_off();
}

int vm_wake_from_disk(struct vm *vm, char *why, size_t why_len)
{
	int r = snap_disk_load(vm, why, why_len);

	if (!r)
		r = snap_restore(vm, why, why_len);
	if (r)
		return r;
	vm->on_disk = false;
	vm_live_again();
	vm_continue(vm);
	return 0;
}

int vm_system_suspend(struct vcpu *v, uint32_t entry, uint32_t context)
{
	/* What the caller was, should the snapshot fail and the call return an error: one
	 * per VM, as two VMs may suspend at once on two CPUs. */
	static struct {
		char why[160];
		uint32_t gpr[13], lr_usr;
		struct vcpu_ctx ctx;
		struct vcpu_ptimer ptimer;
	} callers[BOOTDESC_MAX_VMS];
	struct vm *vm = v->vm;
	typeof(&callers[0]) c = &callers[vm->index];
	long size;

	if (vm_pause(vm, v))
		return -1;
	memcpy(c->gpr, v->gpr, sizeof(c->gpr));
	c->lr_usr = v->lr_usr;
	c->ctx = v->ctx;
	c->ptimer = v->ptimer;
	/* The caller as it wakes: as from CPU_ON at the entry point, with r0 = context ID,
	 * but its timers kept: they are what wakes it (an always-on domain, our choice). */
	vcpu_reset(v, entry, context, 0, 0);
	v->ctx.irq.cntv_ctl = c->ctx.irq.cntv_ctl;
	v->ctx.irq.cntv_cval = c->ctx.irq.cntv_cval;
	v->ptimer = c->ptimer;
	size = snap_save(vm, c->why, sizeof(c->why));
	if (size < 0) {
		log_warn("vcpu%u: PSCI SYSTEM_SUSPEND refused: %s\n", v->id, c->why);
		memcpy(v->gpr, c->gpr, sizeof(c->gpr));
		v->lr_usr = c->lr_usr;
		v->ctx = c->ctx;
		v->ptimer = c->ptimer;
		vm_continue(vm);
		return -1;
	}
	if (snap_disk_present(vm)) {
		if (vm_rest_on_disk(vm)) {
			log_info("vcpu%u: PSCI SYSTEM_SUSPEND: %ld bytes on the snapshot disk; powering off (--resume wakes it)\n",
				 v->id, size);
			monitor_power_off(); /* the log line reaches whoever reads it */
		}
		/* It stays paused: its run loop switches the vCPU out, in its wake-up state. */
		log_info("VM %u: PSCI SYSTEM_SUSPEND by vcpu%u: %ld bytes on its snapshot disk; the other VMs run on (the monitor's resume %u wakes it)\n",
			 vm->index, v->id, size, vm->index);
		return 0;
	}
	log_info("vcpu%u: PSCI SYSTEM_SUSPEND: asleep (snapshot of %ld bytes); an enabled interrupt or the monitor's resume wakes it\n",
		 v->id, size);
	vm->system_suspended = true;
	vm_continue(vm); /* the wake-up state into the hardware */
	while (!wake_due(v)) {
		gic_refresh();
		wfi();
		irq_handle_exit(v); /* the monitor, the devices passed through, the timers */
	}
	vm->wake_req = false;
	vm->system_suspended = false;
	v->lrs.dirty = true;
	log_info("vcpu%u: woken from SYSTEM_SUSPEND at %08x\n", v->id, entry);
	return 0;
}

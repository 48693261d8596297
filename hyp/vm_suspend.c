/* PSCI SYSTEM_SUSPEND for a VM (hyp/psci.c checks the caller's arguments): the VM is
 * snapshotted with its one running vCPU already in the state it wakes in, then sleeps.
 * With a snapshot disk the snapshot goes there and the machine powers off: --resume in a
 * new QEMU wakes it. Without one the vCPU waits in the hypervisor, serving physical
 * interrupts, until one of the guest's enabled interrupts is pending or the monitor says
 * resume; then it runs from the entry point. */
#include <string.h>

#include "arm/sysreg.h"
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

int vm_system_suspend(struct vcpu *v, uint32_t entry, uint32_t context)
{
	static char why[160];
	/* What the caller was, should the snapshot fail and the call return an error. */
	static uint32_t gpr[13], lr_usr;
	static struct vcpu_ctx ctx;
	static struct vcpu_ptimer ptimer;
	struct vm *vm = v->vm;
	long size;

	if (vm_pause(vm, v))
		return -1;
	memcpy(gpr, v->gpr, sizeof(gpr));
	lr_usr = v->lr_usr;
	ctx = v->ctx;
	ptimer = v->ptimer;
	/* The caller as it wakes: as from CPU_ON at the entry point, with r0 = context ID,
	 * but its timers kept: they are what wakes it (an always-on domain, our choice). */
	vcpu_reset(v, entry, context, 0, 0);
	v->ctx.irq.cntv_ctl = ctx.irq.cntv_ctl;
	v->ctx.irq.cntv_cval = ctx.irq.cntv_cval;
	v->ptimer = ptimer;
	size = snap_save(vm, why, sizeof(why));
	if (size >= 0 && snap_disk_present()) {
		log_info("vcpu%u: PSCI SYSTEM_SUSPEND: %ld bytes on the snapshot disk; powering off (--resume wakes it)\n",
			 v->id, size);
		monitor_power_off(); /* the log line reaches whoever reads it */
	}
	if (size < 0) {
		log_warn("vcpu%u: PSCI SYSTEM_SUSPEND refused: %s\n", v->id, why);
		memcpy(v->gpr, gpr, sizeof(gpr));
		v->lr_usr = lr_usr;
		v->ctx = ctx;
		v->ptimer = ptimer;
		vm_continue(vm);
		return -1;
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

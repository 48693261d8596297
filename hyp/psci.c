/* PSCI 1.0 for the guest (ARM DEN 0022D). The hypervisor is the guest's firmware: there
 * is no PSCI below it to forward to. Powering a vCPU on makes it runnable on the CPU it
 * is placed on (hyp/sched.c), which takes it at once if it has nothing else to run. */
#include "arm/sysreg.h"
#include "drivers/vexpress_sysreg.h"
#include "gic/gic.h"
#include "gic/vgic_hw.h"
#include "hyp/hvc.h"
#include "hyp/hvc_abi.h"
#include "hyp/log.h"
#include "hyp/pcpu.h"
#include "hyp/sched.h"
#include "hyp/vm.h"

/* The vCPU a PSCI target_cpu (MPIDR affinity fields) names, or NULL. */
static struct vcpu *target_vcpu(struct vm *vm, uint32_t mpidr)
{
	/* Aff0 is the vCPU number; Aff1/Aff2 must be 0 (one cluster), bits above must be 0. */
	if (mpidr >= vm->nr_vcpus)
		return 0;
	return &vm->vcpus[mpidr];
}

/* CPU_ON completes synchronously: once it returns SUCCESS the target is on (its CPU takes
 * it at once), so a racing second CPU_ON sees ALREADY_ON and ON_PENDING is never needed. */
static uint32_t cpu_on(struct vcpu *v, uint32_t mpidr, uint32_t entry, uint32_t context)
{
	struct vcpu *t = target_vcpu(v->vm, mpidr);
	int expected = VCPU_OFF;

	if (!t)
		return PSCI_RET_INVALID_PARAMETERS;
	if (!vm_ipa_in_ram(v->vm, entry & ~1u))
		return PSCI_RET_INVALID_ADDRESS;
	if (!pcpus[t->pcpu].online)
		return PSCI_RET_INVALID_PARAMETERS;
	/* OFF is only written once the target's CPU has let go of it (enum vcpu_power): a
	 * target still on its way out is ON to the caller, who waits with AFFINITY_INFO. */
	if (!__atomic_compare_exchange_n(&t->power, &expected, VCPU_ON, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return PSCI_RET_ALREADY_ON;
	vcpu_reset(t, entry, context, 0, 0);
	sched_wake(t);
	return PSCI_RET_SUCCESS;
}

static uint32_t affinity_info(struct vcpu *v, uint32_t mpidr, uint32_t level)
{
	struct vcpu *t = target_vcpu(v->vm, mpidr);

	if (!t || level != 0) /* one cluster: only level 0 is meaningful */
		return PSCI_RET_INVALID_PARAMETERS;
	/* STOPPING is still ON: the CPU is not off until its run loop has let it go. */
	return t->power == VCPU_OFF ? PSCI_AFFINITY_OFF : PSCI_AFFINITY_ON;
}

/* SYSTEM_OFF: the VM stops for good; the board powers off with the last VM. Every vCPU of
 * the VM goes to STOPPING: the caller's and the running ones' loops end at once (a kick),
 * a switched-out one is made OFF by its CPU's next pick (hyp/sched.c). */
static void system_off(struct vcpu *v, const char *call)
{
	struct vm *vm = v->vm;

	if (vm_last_off()) {
		log_info("vcpu%u: PSCI %s: powering off\n", v->id, call);
		vexpress_power_off();
	}
	log_info("VM %u: PSCI %s by vcpu%u: the VM stops; the other VMs run on\n", vm->index, call, v->id);
	vm->off = true;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *u = &vm->vcpus[i];
		int on = VCPU_ON;

		if (!__atomic_compare_exchange_n(&u->power, &on, VCPU_STOPPING, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE) || u == v)
			continue;
		dsb();
		if (u->running)
			gic_send_sgi(1u << u->pcpu, SGI_KICK);
		else
			pcpu_wake(u->pcpu);
	}
}

/* Every power state is served as standby (the architecture lets an implementation enter a
 * shallower state than asked): the vCPU waits like WFI, and the call returns SUCCESS. */
static uint32_t cpu_suspend(struct vcpu *v)
{
	vgic_wait_for_interrupt(v);
	return PSCI_RET_SUCCESS;
}

/* PSCI 1.0 SYSTEM_SUSPEND: every other vCPU off (else DENIED), an entry point in RAM
 * (else INVALID_ADDRESS). The VM is snapshotted with the caller already in its wake-up
 * state; it wakes at the entry point (SVC, MMU off, r0 = context ID) when an interrupt
 * the guest left enabled becomes pending, or on the monitor's resume, or, suspended to
 * the snapshot disk, on --resume in a new QEMU. Returns 0 when it suspended (the vCPU's
 * registers are then the wake-up state's), else with r0 set to the error. */
static int system_suspend(struct vcpu *v, uint32_t entry, uint32_t context)
{
	struct vm *vm = v->vm;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		if (&vm->vcpus[i] != v && vm->vcpus[i].power != VCPU_OFF) {
			v->gpr[0] = PSCI_RET_DENIED;
			return -1;
		}
	}
	if (!vm_ipa_in_ram(vm, entry & ~1u)) {
		v->gpr[0] = PSCI_RET_INVALID_ADDRESS;
		return -1;
	}
	if (vm_system_suspend(v, entry, context)) {
		v->gpr[0] = PSCI_RET_DENIED; /* no snapshot could be taken: the VM runs on */
		return -1;
	}
	return 0;
}

static uint32_t psci_features(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_SYSTEM_SUSPEND:
	case PSCI_FEATURES:
		return 0; /* for CPU_SUSPEND: bit 1 = 0, the original power_state format */
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

/* noinline: kept out of hvc_dispatch, whose vendor calls would otherwise save the
 * registers this one needs. */
__attribute__((noinline)) void psci_call(struct vcpu *v, uint32_t fid)
{
	uint32_t *r = v->gpr;

	switch (fid) {
	case PSCI_VERSION:
		r[0] = 0x00010000; /* 1.0 */
		break;
	case PSCI_FEATURES:
		r[0] = psci_features(r[1]);
		break;
	case PSCI_CPU_ON:
		r[0] = cpu_on(v, r[1], r[2], r[3]);
		break;
	case PSCI_CPU_OFF:
		/* vcpu_run sees the state, gives the CPU back, and only then says OFF; CPU_OFF
		 * does not return. */
		__atomic_store_n(&v->power, VCPU_STOPPING, __ATOMIC_RELEASE);
		break;
	case PSCI_AFFINITY_INFO:
		r[0] = affinity_info(v, r[1], r[2]);
		break;
	case PSCI_CPU_SUSPEND:
		r[0] = cpu_suspend(v);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		r[0] = PSCI_MIGRATE_INFO_NO_TOS;
		break;
	case PSCI_SYSTEM_SUSPEND:
		/* Woken, the vCPU is in its wake-up state: r0 is the context ID already. */
		system_suspend(v, r[1], r[2]);
		break;
	case PSCI_SYSTEM_OFF:
		system_off(v, "SYSTEM_OFF");
		break;
	case PSCI_SYSTEM_RESET:
		if (vm_count() > 1) {
			/* The others run on: this VM alone restarts, from the copies of its images
			 * (hyp/vm_reset.c). If it cannot, it stops rather than run on as it was. */
			if (vm_reset(v)) {
				log_warn("VM %u: PSCI SYSTEM_RESET by vcpu%u failed: the VM stops\n", v->vm->index, v->id);
				system_off(v, "SYSTEM_RESET");
			} else {
				log_info("VM %u: PSCI SYSTEM_RESET by vcpu%u: restarted from its images; the other VMs run on\n",
					 v->vm->index, v->id);
			}
			break; /* r0-r3 are the reset state's now */
		}
		/* The board resets: QEMU reloads every image and the boot descriptor, and the
		 * hypervisor builds the VM again from them. */
		log_info("vcpu%u: PSCI SYSTEM_RESET: restarting the machine\n", v->id);
		vexpress_reboot();
	default: /* SMC64 IDs too: an AArch32 guest has no use for them */
		r[0] = PSCI_RET_NOT_SUPPORTED;
		break;
	}
}

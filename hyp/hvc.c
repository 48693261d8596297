/* Hypercall dispatch: PSCI first, then the hypervisor's own vendor calls. */
#include <string.h>

#include "gic/gic.h"
#include "hyp/hvc.h"
#include "hyp/hvc_abi.h"
#include "hyp/pcpu.h"
#include "hyp/vm.h"

#define HYP_VERSION_MAJOR 0
#define HYP_VERSION_MINOR 1

_Static_assert(sizeof(struct vcpu_stats) == HYP_STAT_COUNT * sizeof(uint32_t),
	       "HYP_CALL_STAT indexes struct vcpu_stats by enum hyp_stat_item");

__attribute__((noinline)) static uint32_t info(struct vcpu *v, uint32_t item, int *ok)
{
	*ok = 1;
	switch (item) {
	case HYP_INFO_CPUS_IN_HYP: return pcpu_online_count();
	case HYP_INFO_CPUS_PRESENT: return gic_cpu_count();
	case HYP_INFO_VCPUS: return v->vm->nr_vcpus;
	case HYP_INFO_RAM_IPA: return v->vm->ram_ipa;
	case HYP_INFO_RAM_SIZE: return v->vm->ram_size;
	case HYP_INFO_VCPU_ID: return v->id;
	case HYP_INFO_VM_ID: return v->vm->index;
	default: *ok = 0; return 0;
	}
}

/* Round-trip the whole vCPU context through memory with the hardware scrubbed in
 * between: proves vcpu_ctx_save/load cover what the guest can observe. */
/* noinline, as the other rare calls: inlined, they made every HVC save ten registers. */
__attribute__((noinline)) static uint32_t ctx_check(struct vcpu *v)
{
	static struct vcpu_ctx first, scrub; /* static: too big for the Hyp stack's taste */

	vcpu_ctx_save(v);
	first = v->ctx;
	memset(&scrub, 0xa5, sizeof(scrub));
	/* Keep what the scrub itself must not break: the return path, the MMU and cache
	 * configuration, and ACTLR (its SMP bit keeps a real A15 coherent). */
	scrub.banked.elr_hyp = first.banked.elr_hyp;
	scrub.banked.spsr_hyp = first.banked.spsr_hyp;
	scrub.cp15.sctlr = first.cp15.sctlr;
	scrub.cp15.ttbcr = first.cp15.ttbcr;
	scrub.cp15.actlr = first.cp15.actlr;
	scrub.vfp.fpexc = 1u << 30;
	vcpu_banked_load(&scrub.banked);
	vcpu_cp15_load(&scrub.cp15);
	vcpu_vfp_load(&scrub.vfp);
	scrub.irq.cntv_ctl = 0; /* a scrubbed timer must not fire at the guest */
	vcpu_irqctx_load(&scrub.irq);

	vcpu_ctx_load(v);
	vcpu_ctx_save(v);
	return memcmp(&first, &v->ctx, sizeof(first)) != 0;
}

void hvc_dispatch(struct vcpu *v)
{
	uint32_t *r = v->gpr, fid = r[0];
	int ok;

	if (psci_fid(fid)) {
		psci_call(v, fid);
		return;
	}
	switch (fid) {
	case HYP_CALL_VERSION:
		r[0] = (HYP_VERSION_MAJOR << 16) | HYP_VERSION_MINOR;
		break;
	case HYP_CALL_ECHO: {
		uint32_t a = r[1], b = r[2], c = r[3];
		r[0] = SMCCC_SUCCESS, r[1] = a + b, r[2] = b ^ c, r[3] = ~a;
		break;
	}
	case HYP_CALL_INFO:
		r[1] = info(v, r[1], &ok);
		r[0] = ok ? SMCCC_SUCCESS : SMCCC_NOT_SUPPORTED;
		break;
	case HYP_CALL_STAT:
		if (r[1] < HYP_STAT_COUNT) {
			r[1] = ((const uint32_t *)&v->stats)[r[1]];
			r[0] = SMCCC_SUCCESS;
		} else {
			r[0] = SMCCC_NOT_SUPPORTED;
		}
		break;
	case HYP_CALL_CTX_CHECK:
		r[0] = ctx_check(v);
		break;
	case HYP_CALL_FOLD_EVERY_EXIT:
		v->vm->fold_every_exit = r[1] != 0;
		r[0] = SMCCC_SUCCESS;
		break;
	default:
		r[0] = SMCCC_NOT_SUPPORTED;
		break;
	}
}

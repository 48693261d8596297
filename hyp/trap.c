/* Guest exits: decode the HSR once and dispatch on its exception class through a table.
 * Nothing a guest does here may stop the hypervisor: what is not handled becomes the
 * exception real hardware would have given the guest. */
#include <stdint.h>

#include "arm/hsr.h"
#include "arm/psr.h"
#include "arm/sysreg.h"
#include "gic/vgic_hw.h"
#include "hyp/hvc.h"
#include "hyp/inject.h"
#include "hyp/insn.h"
#include "hyp/irq.h"
#include "hyp/log.h"
#include "hyp/mmio.h"
#include "hyp/sysreg_trap.h"
#include "hyp/vm.h"

typedef void (*exit_handler)(struct vcpu *v, const struct hsr_info *h);

static void skip_instruction(const struct hsr_info *h)
{
	uint32_t psr = read_spsr_hyp();

	write_elr_hyp(insn_skip(read_elr_hyp(), &psr, h->il32));
	write_spsr_hyp(psr);
}

static void inject(struct vcpu *v, enum guest_exc kind, uint32_t far, uint32_t fsr)
{
	struct exc_in in = { read_spsr_hyp(), read_elr_hyp(), read_SCTLR(), read_VBAR() };
	struct exc_out out;

	exc_compute(kind, &in, &out);
	if (kind == GEXC_UNDEF) {
		__asm__ volatile("msr LR_und, %0\n\tmsr SPSR_und, %1" ::"r"(out.lr), "r"(out.spsr));
		v->stats.undef_injected++;
	} else {
		__asm__ volatile("msr LR_abt, %0\n\tmsr SPSR_abt, %1" ::"r"(out.lr), "r"(out.spsr));
		if (kind == GEXC_DABT) {
			write_DFSR(fsr);
			write_DFAR(far);
			v->stats.dabt_injected++;
		} else {
			write_IFSR(fsr);
			write_IFAR(far);
			v->stats.pabt_injected++;
		}
	}
	write_elr_hyp(out.pc);
	write_spsr_hyp(out.cpsr);
}

static bool guest_lpae(void) { return read_TTBCR() & TTBCR_EAE; }

static void inject_dabt(struct vcpu *v, const struct hsr_info *h)
{
	inject(v, GEXC_DABT, read_HDFAR(), exc_abort_fsr(guest_lpae(), h->s1ptw, h->wnr));
}

static void handle_unknown(struct vcpu *v, const struct hsr_info *h)
{
	log_once(LOG_WARN, "vcpu%u: unhandled trap EC %#x (%s) at %08x: injecting undefined instruction\n",
		 v->id, h->ec, hsr_ec_name(h->ec), (unsigned)read_elr_hyp());
	inject(v, GEXC_UNDEF, 0, 0);
}

static void handle_hvc(struct vcpu *v, const struct hsr_info *h)
{
	v->stats.hvc++;
	if (h->imm16 != 0) /* SMCCC reserves HVC #0 for calls; other immediates are not ours */
		v->gpr[0] = 0xffffffffu;
	else
		hvc_dispatch(v);
	/* ELR_hyp already points past an HVC. */
}

static void handle_smc(struct vcpu *v, const struct hsr_info *h)
{
	v->stats.smc++;
	hvc_dispatch(v);
	skip_instruction(h); /* a trapped SMC returns to itself */
}

static void handle_wfx(struct vcpu *v, const struct hsr_info *h)
{
	skip_instruction(h);
	if (h->wfe) {
		v->stats.wfe++;
		return;
	}
	v->stats.wfi++;
	/* Block until something could be delivered: anything that makes this vCPU's
	 * interrupts pending (timer, kick SGI, device) is a physical interrupt to its CPU. */
	vgic_wait_for_interrupt(v);
}

static void handle_cp15(struct vcpu *v, const struct hsr_info *h)
{
	if (sysreg_trap(v, h))
		skip_instruction(h);
	else
		handle_unknown(v, h);
}

static void handle_dabt(struct vcpu *v, const struct hsr_info *h)
{
	uint64_t ipa = ((uint64_t)(read_HPFAR() & ~0xfu) << 8) | (read_HDFAR() & 0xfff);
	bool be = read_spsr_hyp() & PSR_E;
	uint32_t data = 0;

	if (h->s1ptw || (h->fsc & FSC_TRANS_MASK) != FSC_TRANS || ipa >> 32) {
		inject_dabt(v, h); /* a guest page-table walk into a hole, or not a stage-2 miss */
		return;
	}
	if (!h->isv) {
		/* LDM/STM, LDRD, writeback forms: no syndrome to emulate from. */
		log_once(LOG_WARN, "vcpu%u: access to emulated IPA %08x with no valid syndrome (HSR.ISV=0) at %08x: data abort\n",
			 v->id, (unsigned)ipa, (unsigned)read_elr_hyp());
		inject_dabt(v, h);
		return;
	}
	if (h->wnr)
		data = mmio_store_data(vcpu_reg_read(v, h->srt), h->sas_bytes, be);
	if (mmio_access(&v->vm->mmio, v, (uint32_t)ipa, h->sas_bytes, h->wnr, &data)) {
		inject_dabt(v, h);
		return;
	}
	v->stats.mmio++;
	if (!h->wnr)
		vcpu_reg_write(v, h->srt, mmio_load_value(data, h->sas_bytes, h->sse, be));
	skip_instruction(h);
}

static void handle_iabt(struct vcpu *v, const struct hsr_info *h)
{
	inject(v, GEXC_PABT, read_HIFAR(), exc_abort_fsr(guest_lpae(), h->s1ptw, false));
}

static const exit_handler handlers[64] = {
	[EC_WFI_WFE] = handle_wfx,
	[EC_HVC] = handle_hvc,
	[EC_SMC] = handle_smc,
	[EC_DABT_LOW] = handle_dabt,
	[EC_IABT_LOW] = handle_iabt,
	[EC_CP15_32] = handle_cp15,
	[EC_CP15_64] = handle_cp15,
};

/* Classes whose syndrome carries CV/COND: a CPU may trap these even when their
 * condition fails (ARM ARM B3.13.4), and then they must do nothing. */
static bool conditional_class(uint8_t ec) { return ec >= EC_WFI_WFE && ec <= EC_CP14_64 && ec != EC_HCPTR; }

void vcpu_handle_exit(struct vcpu *v, unsigned exit)
{
	struct hsr_info h;
	exit_handler fn;

	v->stats.exits++;
	if (exit != EXIT_TRAP) {
		irq_handle_exit(v);
		return;
	}
	hsr_decode(read_HSR(), &h);
	if (conditional_class(h.ec) && h.cv && !insn_cond_passed(h.cond, read_spsr_hyp())) {
		skip_instruction(&h);
		return;
	}
	fn = handlers[h.ec];
	(fn ? fn : handle_unknown)(v, &h);
}

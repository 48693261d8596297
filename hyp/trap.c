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
#include "hyp/sched.h"
#include "hyp/sysreg_trap.h"
#include "hyp/vm.h"

/* Handlers get the raw syndrome and decode what their class needs: the HVC path, the
 * most frequent, reads one field. */
typedef void (*exit_handler)(struct vcpu *v, uint32_t hsr);

static void skip_instruction(uint32_t hsr)
{
	uint32_t psr = read_spsr_hyp();

	write_elr_hyp(insn_skip(read_elr_hyp(), &psr, (hsr & HSR_IL) != 0));
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

static void inject_dabt(struct vcpu *v, uint32_t hsr)
{
	inject(v, GEXC_DABT, read_HDFAR(),
	       exc_abort_fsr(guest_lpae(), hsr_abt_s1ptw(hsr), hsr_abt_wnr(hsr)));
}

static void handle_unknown(struct vcpu *v, uint32_t hsr)
{
	log_once(LOG_WARN, "vcpu%u: unhandled trap EC %#x (%s) at %08x: injecting undefined instruction\n",
		 v->id, hsr_ec(hsr), hsr_ec_name(hsr_ec(hsr)), (unsigned)read_elr_hyp());
	inject(v, GEXC_UNDEF, 0, 0);
}

static void handle_hvc(struct vcpu *v, uint32_t hsr)
{
	v->stats.hvc++;
	if (hsr & 0xffff) /* SMCCC reserves HVC #0 for calls; other immediates are not ours */
		v->gpr[0] = 0xffffffffu;
	else
		hvc_dispatch(v);
	/* ELR_hyp already points past an HVC. */
}

static void handle_smc(struct vcpu *v, uint32_t hsr)
{
	v->stats.smc++;
	/* A trapped SMC returns to itself: step past it first, so that a call that gives the
	 * vCPU a new state (a VM reset, a wake-up from SYSTEM_SUSPEND) keeps that state's PC. */
	skip_instruction(hsr);
	hvc_dispatch(v);
}

static void handle_wfx(struct vcpu *v, uint32_t hsr)
{
	skip_instruction(hsr);
	if (hsr & 1) { /* ISS.TI: WFE, trapped only where the CPU is shared */
		v->stats.wfe++;
		sched_yield(v);
		return;
	}
	v->stats.wfi++;
	/* Block until something could be delivered: anything that makes this vCPU's
	 * interrupts pending (timer, kick SGI, device) is a physical interrupt to its CPU. */
	vgic_wait_for_interrupt(v);
}

static void handle_cp15(struct vcpu *v, uint32_t hsr)
{
	struct hsr_info h;

	hsr_decode(hsr, &h);
	if (sysreg_trap(v, &h))
		skip_instruction(hsr);
	else
		handle_unknown(v, hsr);
}

/* The MMIO path: the syndrome's fields are read where they are used, never gathered
 * into a struct in memory (that alone cost a quarter of the exit). */
static void handle_dabt(struct vcpu *v, uint32_t hsr)
{
	uint64_t ipa = ((uint64_t)(read_HPFAR() & ~0xfu) << 8) | (read_HDFAR() & 0xfff);
	unsigned len = hsr_abt_sas_bytes(hsr), rt = hsr_abt_srt(hsr);
	bool wnr = hsr_abt_wnr(hsr), be;
	uint32_t data = 0, off;
	int r;

	if (hsr_abt_s1ptw(hsr) || (hsr_abt_fsc(hsr) & FSC_TRANS_MASK) != FSC_TRANS || ipa >> 32) {
		inject_dabt(v, hsr); /* a guest page-table walk into a hole, or not a stage-2 miss */
		return;
	}
	if (!hsr_abt_isv(hsr)) {
		/* LDM/STM, LDRD, writeback forms: no syndrome to emulate from. */
		log_once(LOG_WARN, "vcpu%u: access to emulated IPA %08x with no valid syndrome (HSR.ISV=0) at %08x: data abort\n",
			 v->id, (unsigned)ipa, (unsigned)read_elr_hyp());
		inject_dabt(v, hsr);
		return;
	}
	be = read_spsr_hyp() & PSR_E;
	if (wnr)
		data = mmio_store_data(vcpu_reg_read(v, rt), len, be);
	off = (uint32_t)ipa - (uint32_t)v->vm->vgic_dev.dist_base;
	if (off < VGIC_DIST_SIZE && off + len <= VGIC_DIST_SIZE)
		r = vgic_gicd_access(v, off, len, wnr, &data); /* the commonest: no lookup */
	else
		r = mmio_access(&v->vm->mmio, v, (uint32_t)ipa, len, wnr, &data);
	if (r) {
		inject_dabt(v, hsr);
		return;
	}
	v->stats.mmio++;
	if (!wnr)
		vcpu_reg_write(v, rt, mmio_load_value(data, len, hsr_abt_sse(hsr), be));
	skip_instruction(hsr);
}

static void handle_iabt(struct vcpu *v, uint32_t hsr)
{
	inject(v, GEXC_PABT, read_HIFAR(), exc_abort_fsr(guest_lpae(), hsr_abt_s1ptw(hsr), false));
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
#define COND_CLASSES (((1u << (EC_CP14_64 + 1)) - (1u << EC_WFI_WFE)) & ~(1u << EC_HCPTR))
static bool conditional_class(unsigned ec) { return ec <= EC_CP14_64 && (COND_CLASSES >> ec) & 1; }

void vcpu_handle_exit(struct vcpu *v, unsigned exit)
{
	uint32_t hsr;
	unsigned ec;
	exit_handler fn;

	v->stats.exits++;
	if (exit != EXIT_TRAP) {
		irq_handle_exit(v);
		return;
	}
	hsr = read_HSR();
	ec = hsr_ec(hsr);
	if (conditional_class(ec) && hsr_cv(hsr) && !insn_cond_passed(hsr_cond(hsr), read_spsr_hyp())) {
		skip_instruction(hsr);
		return;
	}
	fn = handlers[ec];
	(fn ? fn : handle_unknown)(v, hsr);
}

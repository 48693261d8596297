/* Guest registers by number, as the guest's current mode sees them. r0-r12 live in
 * vcpu->gpr (FIQ's r8-r12 excepted) and LR_usr in vcpu->lr_usr; the other banked SP
 * and LR are still in the hardware. */
#include "arm/psr.h"
#include "arm/sysreg.h"
#include "hyp/vcpu.h"

#define BANKED_READ(name) ({ uint32_t v_; __asm__ volatile("mrs %0, " #name : "=r"(v_)); v_; })
#define BANKED_WRITE(name, val) __asm__ volatile("msr " #name ", %0" ::"r"(val))

static uint32_t guest_mode(void) { return read_spsr_hyp() & PSR_MODE_MASK; }

static uint32_t read_fiq_high(unsigned n)
{
	switch (n) {
	case 8: return BANKED_READ(r8_fiq);
	case 9: return BANKED_READ(r9_fiq);
	case 10: return BANKED_READ(r10_fiq);
	case 11: return BANKED_READ(r11_fiq);
	default: return BANKED_READ(r12_fiq);
	}
}

static void write_fiq_high(unsigned n, uint32_t val)
{
	switch (n) {
	case 8: BANKED_WRITE(r8_fiq, val); break;
	case 9: BANKED_WRITE(r9_fiq, val); break;
	case 10: BANKED_WRITE(r10_fiq, val); break;
	case 11: BANKED_WRITE(r11_fiq, val); break;
	default: BANKED_WRITE(r12_fiq, val); break;
	}
}

static uint32_t read_sp_lr(uint32_t mode, bool lr)
{
	switch (mode) {
	case PSR_MODE_FIQ: return lr ? BANKED_READ(LR_fiq) : BANKED_READ(SP_fiq);
	case PSR_MODE_IRQ: return lr ? BANKED_READ(LR_irq) : BANKED_READ(SP_irq);
	case PSR_MODE_SVC: return lr ? BANKED_READ(LR_svc) : BANKED_READ(SP_svc);
	case PSR_MODE_ABT: return lr ? BANKED_READ(LR_abt) : BANKED_READ(SP_abt);
	case PSR_MODE_UND: return lr ? BANKED_READ(LR_und) : BANKED_READ(SP_und);
	default: return BANKED_READ(SP_usr); /* USR, SYS; their LR is handled by the caller */
	}
}

static void write_sp_lr(uint32_t mode, bool lr, uint32_t val)
{
	switch (mode) {
	case PSR_MODE_FIQ: if (lr) BANKED_WRITE(LR_fiq, val); else BANKED_WRITE(SP_fiq, val); break;
	case PSR_MODE_IRQ: if (lr) BANKED_WRITE(LR_irq, val); else BANKED_WRITE(SP_irq, val); break;
	case PSR_MODE_SVC: if (lr) BANKED_WRITE(LR_svc, val); else BANKED_WRITE(SP_svc, val); break;
	case PSR_MODE_ABT: if (lr) BANKED_WRITE(LR_abt, val); else BANKED_WRITE(SP_abt, val); break;
	case PSR_MODE_UND: if (lr) BANKED_WRITE(LR_und, val); else BANKED_WRITE(SP_und, val); break;
	default: BANKED_WRITE(SP_usr, val); break;
	}
}

uint32_t vcpu_reg_read(struct vcpu *v, unsigned n)
{
	uint32_t mode = guest_mode();

	if (n < 8 || (n < 13 && mode != PSR_MODE_FIQ))
		return v->gpr[n];
	if (n < 13)
		return read_fiq_high(n);
	if (n == 14 && (mode == PSR_MODE_USR || mode == PSR_MODE_SYS))
		return v->lr_usr;
	if (n < 15)
		return read_sp_lr(mode, n == 14);
	/* PC as an operand reads as the instruction's address + 8 (ARM) or + 4 (Thumb). */
	return read_elr_hyp() + ((read_spsr_hyp() & PSR_T) ? 4 : 8);
}

void vcpu_reg_write(struct vcpu *v, unsigned n, uint32_t val)
{
	uint32_t mode = guest_mode();

	if (n < 8 || (n < 13 && mode != PSR_MODE_FIQ))
		v->gpr[n] = val;
	else if (n < 13)
		write_fiq_high(n, val);
	else if (n == 14 && (mode == PSR_MODE_USR || mode == PSR_MODE_SYS))
		v->lr_usr = val;
	else if (n < 15)
		write_sp_lr(mode, n == 14, val);
	/* A load into the PC never reaches here with a valid syndrome (HSR.ISV=0). */
}

/* Exception entry as ARM ARM B1.9 describes it (TakeUndefInstrException and friends),
 * for a Non-secure PL1 with the Virtualization Extensions. */
#include "hyp/inject.h"
#include "arm/psr.h"

static const struct {
	uint32_t mode, vector, lr_arm, lr_thumb;
	bool mask_a;
} entry[] = {
	[GEXC_UNDEF] = { PSR_MODE_UND, 0x04, 4, 2, false },
	[GEXC_PABT] = { PSR_MODE_ABT, 0x0c, 4, 4, true },
	[GEXC_DABT] = { PSR_MODE_ABT, 0x10, 8, 8, true },
};

void exc_compute(enum guest_exc kind, const struct exc_in *in, struct exc_out *out)
{
	uint32_t cpsr = in->cpsr;
	bool thumb = cpsr & PSR_T;

	out->spsr = cpsr;
	out->lr = in->pc + (thumb ? entry[kind].lr_thumb : entry[kind].lr_arm);
	out->pc = ((in->sctlr & SCTLR_V) ? 0xffff0000u : (in->vbar & ~0x1fu)) + entry[kind].vector;

	cpsr &= ~(PSR_MODE_MASK | PSR_IT_MASK | PSR_J | PSR_T | PSR_E);
	cpsr |= entry[kind].mode | PSR_I;
	/* With the Virtualization Extensions CPSR.A is always set on abort entry. */
	if (entry[kind].mask_a)
		cpsr |= PSR_A;
	if (in->sctlr & SCTLR_TE)
		cpsr |= PSR_T;
	if (in->sctlr & SCTLR_EE)
		cpsr |= PSR_E;
	out->cpsr = cpsr;
}

uint32_t exc_abort_fsr(bool lpae, bool s1ptw, bool wnr)
{
	uint32_t fsr;

	if (lpae) /* long-descriptor: LPAE bit 9, STATUS[5:0] */
		fsr = (1u << 9) | (s1ptw ? 0x15 : 0x10); /* on walk (level 1) : synchronous external */
	else      /* short-descriptor: FS[4] at bit 10, FS[3:0] at 3:0 */
		fsr = s1ptw ? 0x0c : 0x08;               /* on first-level walk : non-translation */
	if (wnr)
		fsr |= 1u << 11;
	return fsr;
}

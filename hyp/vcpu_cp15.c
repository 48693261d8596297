/* PL1 CP15 context of a vCPU, and the whole-context save/load built on it. */
#include <stddef.h>

#include "arm/sysreg.h"
#include "hyp/vcpu.h"

/* One line per register: the save and the load walk the same list. */
#define CP15_REGS(X)                                                                     \
	X(SCTLR, sctlr) X(ACTLR, actlr) X(CPACR, cpacr) X(TTBCR, ttbcr) X(DACR, dacr)    \
	X(DFSR, dfsr) X(IFSR, ifsr) X(ADFSR, adfsr) X(AIFSR, aifsr) X(DFAR, dfar)        \
	X(IFAR, ifar) X(PRRR, prrr) X(NMRR, nmrr) X(AMAIR0, amair0) X(AMAIR1, amair1)    \
	X(VBAR, vbar) X(CONTEXTIDR, contextidr) X(TPIDRURW, tpidrurw)                    \
	X(TPIDRURO, tpidruro) X(TPIDRPRW, tpidrprw) X(CSSELR, csselr) X(CNTKCTL, cntkctl) \
	X(TTBR0, ttbr0) X(TTBR1, ttbr1) X(PAR, par)

void vcpu_cp15_save(struct vcpu_cp15 *c)
{
#define SAVE(reg, field) c->field = read_##reg();
	CP15_REGS(SAVE)
#undef SAVE
}

void vcpu_cp15_load(const struct vcpu_cp15 *c)
{
#define LOAD(reg, field) write_##reg(c->field);
	CP15_REGS(LOAD)
#undef LOAD
	isb();
}

void vcpu_ctx_save(struct vcpu *v)
{
	vcpu_banked_save(&v->ctx.banked);
	vcpu_cp15_save(&v->ctx.cp15);
	vcpu_vfp_save(&v->ctx.vfp);
}

void vcpu_ctx_load(const struct vcpu *v)
{
	vcpu_banked_load(&v->ctx.banked);
	vcpu_cp15_load(&v->ctx.cp15);
	vcpu_vfp_load(&v->ctx.vfp);
}

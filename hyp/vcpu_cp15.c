/* PL1 CP15 context of a vCPU, and the whole-context save/load built on it. */
#include <stddef.h>

#include "arm/sysreg.h"
#include "gic/gich.h"
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

/* The virtual CPU interface's state (priority mask, binary point, enables, active
 * priorities) and the virtual timer. CNTVOFF is the VM's, not the vCPU's. */
void vcpu_irqctx_save(struct vcpu_irqctx *c)
{
	c->vmcr = gich_read(GICH_VMCR);
	c->apr = gich_read(GICH_APR);
	c->cntv_ctl = read_CNTV_CTL();
	c->cntv_cval = read_CNTV_CVAL();
}

void vcpu_irqctx_load(const struct vcpu_irqctx *c)
{
	gich_write(GICH_VMCR, c->vmcr);
	gich_write(GICH_APR, c->apr);
	write_CNTV_CVAL(c->cntv_cval);
	write_CNTV_CTL(c->cntv_ctl);
	isb();
}

void vcpu_ctx_save(struct vcpu *v)
{
	vcpu_banked_save(&v->ctx.banked);
	vcpu_cp15_save(&v->ctx.cp15);
	vcpu_vfp_save(&v->ctx.vfp);
	vcpu_irqctx_save(&v->ctx.irq);
}

void vcpu_ctx_load(const struct vcpu *v)
{
	vcpu_banked_load(&v->ctx.banked);
	vcpu_cp15_load(&v->ctx.cp15);
	vcpu_vfp_load(&v->ctx.vfp);
	vcpu_irqctx_load(&v->ctx.irq);
}

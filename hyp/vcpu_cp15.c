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

#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1f)
#define PMCR_WRITABLE 0x39u /* E, D, X, DP: not P and C, which would reset counters */

void vcpu_pmu_save(struct vcpu_pmu *p)
{
	p->selr = read_PMSELR();
	p->pmcr = read_PMCR();
	for (unsigned i = 0; i < PMCR_N(p->pmcr) && i < 31; i++) {
		write_PMSELR(i);
		isb();
		p->evtyper[i] = read_PMXEVTYPER();
		p->evcntr[i] = read_PMXEVCNTR();
	}
	write_PMSELR(p->selr);
	p->ccntr = read_PMCCNTR();
	p->cntenset = read_PMCNTENSET();
	p->intenset = read_PMINTENSET();
	p->ovsr = read_PMOVSR();
	p->userenr = read_PMUSERENR();
	isb();
}

/* Overflow flags can be cleared but not set on PMUv2 without PMOVSSET: flags the saved
 * state has are lost on load (docs/snapshot-format.md). */
void vcpu_pmu_load(const struct vcpu_pmu *p)
{
	unsigned n = PMCR_N(read_PMCR());

	write_PMCR(p->pmcr & PMCR_WRITABLE);
	for (unsigned i = 0; i < n && i < 31; i++) {
		write_PMSELR(i);
		isb();
		write_PMXEVTYPER(p->evtyper[i]);
		write_PMXEVCNTR(p->evcntr[i]);
	}
	write_PMCCNTR(p->ccntr);
	write_PMCNTENCLR(~0u);
	write_PMCNTENSET(p->cntenset);
	write_PMINTENCLR(~0u);
	write_PMINTENSET(p->intenset);
	write_PMOVSR(~p->ovsr);
	write_PMUSERENR(p->userenr);
	write_PMSELR(p->selr);
	isb();
}

/* A vCPU's part of a snapshot: one record per 32-bit word of its state, the ids of
 * include/hyp/snap_vcpu_ids.h, from and to `struct vcpu` through one table. Host and
 * target (the vCPU's context is in memory when the VM is paused). */
#include "hyp/snap_vcpu.h"

#include <errno.h>
#include <stddef.h>

#include "hyp/snap_vcpu_ids.h"
#include "lib/fmt.h"

struct field {
	uint16_t id;
	uint16_t off; /* of a 32-bit word in struct vcpu */
};

#define W(id, member) { (id), (uint16_t)offsetof(struct vcpu, member) }
#define W64(id, member) W(id, member), { (id) + 1, (uint16_t)(offsetof(struct vcpu, member) + 4) }

static const struct field fields[] = {
	W(SNAP_R(0), gpr[0]), W(SNAP_R(1), gpr[1]), W(SNAP_R(2), gpr[2]), W(SNAP_R(3), gpr[3]),
	W(SNAP_R(4), gpr[4]), W(SNAP_R(5), gpr[5]), W(SNAP_R(6), gpr[6]), W(SNAP_R(7), gpr[7]),
	W(SNAP_R(8), gpr[8]), W(SNAP_R(9), gpr[9]), W(SNAP_R(10), gpr[10]), W(SNAP_R(11), gpr[11]),
	W(SNAP_R(12), gpr[12]), W(SNAP_LR_USR, lr_usr),
	W(SNAP_SP_USR, ctx.banked.sp_usr), W(SNAP_SP_SVC, ctx.banked.sp_svc),
	W(SNAP_LR_SVC, ctx.banked.lr_svc), W(SNAP_SPSR_SVC, ctx.banked.spsr_svc),
	W(SNAP_SP_ABT, ctx.banked.sp_abt), W(SNAP_LR_ABT, ctx.banked.lr_abt),
	W(SNAP_SPSR_ABT, ctx.banked.spsr_abt), W(SNAP_SP_UND, ctx.banked.sp_und),
	W(SNAP_LR_UND, ctx.banked.lr_und), W(SNAP_SPSR_UND, ctx.banked.spsr_und),
	W(SNAP_SP_IRQ, ctx.banked.sp_irq), W(SNAP_LR_IRQ, ctx.banked.lr_irq),
	W(SNAP_SPSR_IRQ, ctx.banked.spsr_irq), W(SNAP_R8_FIQ, ctx.banked.r8_fiq),
	W(SNAP_R8_FIQ + 1, ctx.banked.r9_fiq), W(SNAP_R8_FIQ + 2, ctx.banked.r10_fiq),
	W(SNAP_R8_FIQ + 3, ctx.banked.r11_fiq), W(SNAP_R8_FIQ + 4, ctx.banked.r12_fiq),
	W(SNAP_SP_FIQ, ctx.banked.sp_fiq), W(SNAP_LR_FIQ, ctx.banked.lr_fiq),
	W(SNAP_SPSR_FIQ, ctx.banked.spsr_fiq), W(SNAP_PC, ctx.banked.elr_hyp),
	W(SNAP_CPSR, ctx.banked.spsr_hyp),
	W(SNAP_CP15 + 0, ctx.cp15.sctlr), W(SNAP_CP15 + 1, ctx.cp15.actlr),
	W(SNAP_CP15 + 2, ctx.cp15.cpacr), W(SNAP_CP15 + 3, ctx.cp15.ttbcr),
	W(SNAP_CP15 + 4, ctx.cp15.dacr), W(SNAP_CP15 + 5, ctx.cp15.dfsr),
	W(SNAP_CP15 + 6, ctx.cp15.ifsr), W(SNAP_CP15 + 7, ctx.cp15.adfsr),
	W(SNAP_CP15 + 8, ctx.cp15.aifsr), W(SNAP_CP15 + 9, ctx.cp15.dfar),
	W(SNAP_CP15 + 10, ctx.cp15.ifar), W(SNAP_CP15 + 11, ctx.cp15.prrr),
	W(SNAP_CP15 + 12, ctx.cp15.nmrr), W(SNAP_CP15 + 13, ctx.cp15.amair0),
	W(SNAP_CP15 + 14, ctx.cp15.amair1), W(SNAP_CP15 + 15, ctx.cp15.vbar),
	W(SNAP_CP15 + 16, ctx.cp15.contextidr), W(SNAP_CP15 + 17, ctx.cp15.tpidrurw),
	W(SNAP_CP15 + 18, ctx.cp15.tpidruro), W(SNAP_CP15 + 19, ctx.cp15.tpidrprw),
	W(SNAP_CP15 + 20, ctx.cp15.csselr), W(SNAP_CP15 + 21, ctx.cp15.cntkctl),
	W64(SNAP_CP15 + 22, ctx.cp15.ttbr0), W64(SNAP_CP15 + 24, ctx.cp15.ttbr1),
	W64(SNAP_CP15 + 26, ctx.cp15.par),
	W(SNAP_FPSCR, ctx.vfp.fpscr), W(SNAP_FPEXC, ctx.vfp.fpexc),
	W(SNAP_PMU + 0, pmu.pmcr), W(SNAP_PMU + 1, pmu.cntenset), W(SNAP_PMU + 2, pmu.intenset),
	W(SNAP_PMU + 3, pmu.ovsr), W(SNAP_PMU + 4, pmu.userenr), W(SNAP_PMU + 5, pmu.selr),
	W(SNAP_PMU + 6, pmu.ccntr),
	W(SNAP_CNTV_CTL, ctx.irq.cntv_ctl), W64(SNAP_CNTV_CVAL, ctx.irq.cntv_cval),
	W(SNAP_PTIMER_CTL, ptimer.ctl), W64(SNAP_PTIMER_CVAL, ptimer.cval),
};
#define NR_FIELDS (sizeof(fields) / sizeof(fields[0]))
_Static_assert(SNAP_CP15_COUNT == 28, "CP15 ids");

static uint32_t *word(struct vcpu *v, uint16_t off) { return (uint32_t *)((uint8_t *)v + off); }

/* Ids with a computed place: VFP d0-d31 and the PMU's event counters. */
static uint32_t *array_word(struct vcpu *v, uint32_t id)
{
	if (id >= SNAP_VFP_D && id < SNAP_VFP_D + 64)
		return (uint32_t *)v->ctx.vfp.d + (id - SNAP_VFP_D);
	if (id >= SNAP_PMU_EVTYPER && id < SNAP_PMU_EVTYPER + 31)
		return &v->pmu.evtyper[id - SNAP_PMU_EVTYPER];
	if (id >= SNAP_PMU_EVCNTR && id < SNAP_PMU_EVCNTR + 31)
		return &v->pmu.evcntr[id - SNAP_PMU_EVCNTR];
	return NULL;
}

static uint32_t *slot(struct vcpu *v, uint32_t id)
{
	for (unsigned i = 0; i < NR_FIELDS; i++)
		if (fields[i].id == id)
			return word(v, fields[i].off);
	return array_word(v, id);
}

/* Every id a VCPU section must have, once: the table, the arrays, the power state. */
#define NR_IDS (NR_FIELDS + 64 + 31 + 31 + 1)

void snap_vcpu_save(struct snap_writer *w, struct vcpu *v)
{
	for (unsigned i = 0; i < NR_FIELDS; i++)
		snap_put_rec(w, fields[i].id, *word(v, fields[i].off));
	for (uint32_t id = SNAP_VFP_D; id < SNAP_VFP_D + 64; id++)
		snap_put_rec(w, id, *array_word(v, id));
	for (uint32_t n = 0; n < 31; n++) {
		snap_put_rec(w, SNAP_PMU_EVTYPER + n, v->pmu.evtyper[n]);
		snap_put_rec(w, SNAP_PMU_EVCNTR + n, v->pmu.evcntr[n]);
	}
	snap_put_rec(w, SNAP_POWER, v->power == VCPU_ON);
}

/* Which of the NR_IDS ids this is (its bit in the seen-set), or -1. */
static int id_index(uint32_t id)
{
	for (unsigned i = 0; i < NR_FIELDS; i++)
		if (fields[i].id == id)
			return (int)i;
	if (id >= SNAP_VFP_D && id < SNAP_VFP_D + 64)
		return (int)(NR_FIELDS + id - SNAP_VFP_D);
	if (id >= SNAP_PMU_EVTYPER && id < SNAP_PMU_EVTYPER + 31)
		return (int)(NR_FIELDS + 64 + id - SNAP_PMU_EVTYPER);
	if (id >= SNAP_PMU_EVCNTR && id < SNAP_PMU_EVCNTR + 31)
		return (int)(NR_FIELDS + 95 + id - SNAP_PMU_EVCNTR);
	if (id == SNAP_POWER)
		return (int)(NR_IDS - 1);
	return -1;
}

int snap_vcpu_check(const struct snap_section_ref *s, char *why, size_t why_len)
{
	uint32_t seen[(NR_IDS + 31) / 32] = { 0 }, id, val;
	unsigned n;
	int k;

	for (n = 0; !snap_rec(s, n, &id, &val); n++) {
		k = id_index(id);
		if (k < 0) {
			fmt_snprintf(why, why_len, "vCPU %u: unknown register id %#x", s->instance, id);
			return -EINVAL;
		}
		if (seen[k / 32] >> (k % 32) & 1) {
			fmt_snprintf(why, why_len, "vCPU %u: register id %#x twice", s->instance, id);
			return -EINVAL;
		}
		seen[k / 32] |= 1u << (k % 32);
		if (id == SNAP_POWER && val > 1) {
			fmt_snprintf(why, why_len, "vCPU %u: power state %u", s->instance, val);
			return -EINVAL;
		}
	}
	for (k = 0; k < (int)NR_IDS; k++) {
		if (!(seen[k / 32] >> (k % 32) & 1)) {
			fmt_snprintf(why, why_len, "vCPU %u: %u register records, %u expected",
				     s->instance, n, (unsigned)NR_IDS);
			return -EINVAL;
		}
	}
	return 0;
}

void snap_vcpu_load(const struct snap_section_ref *s, struct vcpu *v, bool *on)
{
	uint32_t id, val, *p;

	for (unsigned n = 0; !snap_rec(s, n, &id, &val); n++) {
		if (id == SNAP_POWER)
			*on = val;
		else if ((p = slot(v, id)))
			*p = val;
	}
}

/* List registers: choosing what a vCPU sees on entry (flush) and folding what the guest
 * did back into the model on exit (sync). Pure functions on the model. Host and target.
 *
 * Between the two, the model keeps per IRQ which vCPU's LR holds it and whether the
 * pending state moved into the LR, so an interrupt lives in one LR of one vCPU, each
 * edge is delivered once, and distributor writes made meanwhile win over the LR copy.
 *
 * What the guest sees must be what native hardware would show it, whatever number of LRs:
 * the LRs always hold the highest-priority pending interrupts that wait (at least one
 * LR goes to them, evicting the lowest-priority active interrupt if need be), and every
 * change of the guest's that could make something outside the LRs the right one to take
 * next brings the hypervisor back (docs/vgic.md, "List registers"). */
#include "gic/vgic.h"

#include <stddef.h>

#define SGI_MAX 16u

struct cand {
	struct vgic_irq *irq;
	unsigned intid;
};

/* Higher priority (lower value) first, then lower INTID: the order in which native
 * hardware picks between pending interrupts. */
static bool before(const struct cand *a, const struct cand *b)
{
	if (a->irq->priority != b->irq->priority)
		return a->irq->priority < b->irq->priority;
	return a->intid < b->intid;
}

/* Out of vcpu's LR: if it now belongs to another vCPU, that one may take it. */
static void release(struct vgic_dist *d, struct vgic_irq *irq, unsigned intid, unsigned vcpu)
{
	unsigned t;

	irq->lr_vcpu = -1;
	irq->lr_pending = false;
	irq->lr_stale_pend = false;
	irq->lr_stale_act = false;
	if (!irq->active && !vgic_irq_forwardable(d, irq))
		return;
	t = vgic_target_vcpu(d, irq, intid, vcpu);
	if (t != VGIC_NO_TARGET && t != vcpu && d->kick)
		d->kick(d->kick_ctx, t);
}

/* Take back, untouched by the guest, what an earlier flush put in this vCPU's LRs. */
static void unflush(struct vgic_dist *d, struct vgic_irq *irq, unsigned intid, unsigned vcpu)
{
	if (irq->lr_pending && !irq->lr_stale_pend) {
		if (intid < SGI_MAX)
			irq->sgi_sources |= 1u << irq->lr_source;
		else if (irq->edge)
			irq->pending_latch = true;
	}
	release(d, irq, intid, vcpu);
}

static bool is_candidate(const struct vgic_dist *d, const struct vgic_irq *irq, unsigned vcpu)
{
	if (irq->lr_vcpu >= 0 && irq->lr_vcpu != (int)vcpu)
		return false; /* another vCPU must sync it first */
	return irq->active || vgic_irq_forwardable(d, irq);
}

/* Keep the best `cap` candidates sorted in best[0..*n). */
static void keep_best(struct cand *best, unsigned *n, unsigned cap, struct cand c)
{
	unsigned p = *n;

	while (p > 0 && before(&c, &best[p - 1]))
		p--;
	if (p >= cap)
		return;
	if (*n < cap)
		(*n)++;
	for (unsigned i = *n - 1; i > p; i--)
		best[i] = best[i - 1];
	best[p] = c;
}

static uint32_t encode_sgi(struct vgic_irq *irq, bool fwd)
{
	uint32_t lr = 0;
	unsigned src;

	if (irq->active) {
		/* One LR per SGI: only the active source's own new instance can join it. */
		src = irq->active_source;
		lr |= GICH_LR_ACTIVE;
		fwd = fwd && (irq->sgi_sources & (1u << src));
	} else {
		src = irq->sgi_sources ? (unsigned)__builtin_ctz(irq->sgi_sources) : 0;
	}
	if (fwd) {
		lr |= GICH_LR_PENDING;
		irq->sgi_sources &= ~(1u << src);
		irq->lr_pending = true;
		irq->lr_source = src;
	}
	/* Other sources wait: the guest's EOI brings the hypervisor back to refill. */
	if (irq->sgi_sources)
		lr |= GICH_LR_EOI;
	return lr | src << GICH_LR_CPUID_SHIFT;
}

/* hold_pending: an active interrupt that is pending again goes in as active only, its
 * pending state kept in the model, because something that waits outranks it: once the
 * guest deactivated it, a pending LR would be taken before that. The EOI bit then brings
 * the hypervisor back at the deactivation. */
static uint32_t encode(const struct vgic_dist *d, unsigned vcpu, const struct cand *c,
		       bool hold_pending)
{
	struct vgic_irq *irq = c->irq;
	bool fwd = vgic_irq_forwardable(d, irq);
	uint32_t lr = c->intid | (uint32_t)(irq->priority >> 3) << GICH_LR_PRIORITY_SHIFT;

	irq->lr_vcpu = (int8_t)vcpu;
	if (irq->group1)
		lr |= GICH_LR_GRP1;
	if (irq->active && hold_pending)
		fwd = false; /* an SGI's EOI bit follows from its waiting source */
	if (c->intid < SGI_MAX)
		return lr | encode_sgi(irq, fwd);
	if (irq->active)
		lr |= GICH_LR_ACTIVE;
	if (irq->hw) {
		lr |= GICH_LR_HW | (uint32_t)irq->hwirq << GICH_LR_PHYS_ID_SHIFT;
		/* The physical side holds the pending state of an active HW interrupt. */
		if (irq->active)
			fwd = false;
	} else if (!irq->edge || (irq->active && hold_pending && vgic_irq_pending(irq))) {
		/* Resample the line after the guest's EOI, or refill with what was held. */
		lr |= GICH_LR_EOI;
	}
	if (fwd) {
		lr |= GICH_LR_PENDING;
		irq->lr_pending = true;
		/* The edge now lives in the LR; a later edge is a new event. */
		if (irq->edge)
			irq->pending_latch = false;
	}
	return lr;
}

struct flush_scan {
	struct cand act[VGIC_MAX_LRS];      /* the highest-priority active candidates */
	struct cand pend[VGIC_MAX_LRS + 1]; /* pending ones, and the best of those left waiting */
	unsigned nact, npend, total_act, total_pend, cap;
};

static bool consider(struct vgic_dist *d, unsigned vcpu, struct vgic_irq *irq, unsigned intid,
		     void *arg)
{
	struct flush_scan *s = arg;
	struct cand c = { irq, intid };

	if (irq->lr_vcpu == (int)vcpu)
		unflush(d, irq, intid, vcpu);
	if (intid >= VGIC_NR_PRIVATE && vgic_target_vcpu(d, irq, intid, vcpu) != vcpu)
		return false;
	if (!is_candidate(d, irq, vcpu))
		return false;
	if (irq->active) {
		s->total_act++;
		keep_best(s->act, &s->nact, s->cap, c);
	} else {
		s->total_pend++;
		keep_best(s->pend, &s->npend, s->cap + 1, c);
	}
	return false;
}

static unsigned min_u(unsigned a, unsigned b) { return a < b ? a : b; }

unsigned vgic_flush_lrs(struct vgic_dist *d, unsigned vcpu, uint32_t *lrs, unsigned nr_lrs,
			uint32_t *hcr)
{
	struct flush_scan s; /* the arrays are filled as needed: zeroing them costs more */
	unsigned na = 0, np = 0, n = 0;
	uint32_t bits = 0;
	const struct vgic_irq *waiting = NULL; /* the best pending interrupt left out */

	s.cap = min_u(nr_lrs, VGIC_MAX_LRS);
	s.nact = s.npend = s.total_act = s.total_pend = 0;
	/* Only interrupts that may be busy can be candidates or sit in this vCPU's LRs. */
	vgic_for_each_maybe_busy(d, vcpu, consider, &s);
	if (s.cap) {
		/* Active interrupts first: the guest must find them to EOI/deactivate them. But
		 * the best pending one always gets an LR: native hardware would deliver it now
		 * if it outranks the running priority, and the active ones left out can still
		 * be completed (vgic_fold_eoicount, vgic_deactivate). */
		na = min_u(s.total_act, s.cap - (s.total_pend ? 1 : 0));
		np = min_u(s.total_pend, s.cap - na);
	}
	if (s.total_pend > np)
		waiting = s.pend[np].irq;
	for (unsigned i = 0; i < na; i++)
		lrs[n++] = encode(d, vcpu, &s.act[i],
				  waiting && s.act[i].irq->priority > waiting->priority);
	for (unsigned i = 0; i < np; i++)
		lrs[n++] = encode(d, vcpu, &s.pend[i], false);
	for (unsigned i = n; i < nr_lrs; i++)
		lrs[i] = 0;
	/* Refill triggers, none of which may hold at entry (or the guest never runs):
	 * NP only with a purely pending LR in (QEMU does not count active-and-pending ones
	 * as pending), U only with two valid LRs or more, LRENP with EOICount cleared (the
	 * caller's job). */
	if (waiting)
		bits |= GICH_HCR_NPIE; /* np >= 1 purely pending LRs, the best ones */
	if (s.total_act > na) {
		bits |= GICH_HCR_LRENPIE; /* an EOI of one left out */
		if (n >= 2)
			bits |= GICH_HCR_UIE; /* room again: take them back */
	}
	if (hcr)
		*hcr = bits;
	return n;
}

static void fold(struct vgic_irq *irq, unsigned intid, uint32_t lr)
{
	bool pend = lr & GICH_LR_PENDING, act = lr & GICH_LR_ACTIVE;

	if (!irq->lr_stale_act) {
		irq->active = act;
		if (act && intid < SGI_MAX)
			irq->active_source = (lr & GICH_LR_CPUID_MASK) >> GICH_LR_CPUID_SHIFT;
	}
	if (!irq->lr_pending || irq->lr_stale_pend)
		return;
	if (intid < SGI_MAX) {
		if (pend)
			irq->sgi_sources |= 1u << irq->lr_source;
	} else if (irq->edge) {
		if (pend) /* not taken yet */
			irq->pending_latch = true;
	} else if (!pend) {
		/* Acknowledged: a latched (GICD_ISPENDR) level state is consumed; the line,
		 * if still high, keeps it pending. */
		irq->pending_latch = false;
	}
}

void vgic_sync_lrs(struct vgic_dist *d, unsigned vcpu, const uint32_t *lrs, unsigned n)
{
	if (vcpu >= d->nr_vcpus)
		return;
	for (unsigned i = 0; i < n; i++) {
		unsigned intid = lrs[i] & GICH_LR_VIRTUAL_ID_MASK;
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid);

		/* Not one this vCPU's flush put there (or a duplicate): nothing to fold. */
		if (!irq || irq->lr_vcpu != (int)vcpu)
			continue;
		fold(irq, intid, lrs[i]);
		release(d, irq, intid, vcpu);
	}
}

/* The highest-priority active interrupt of `vcpu` that is in no list register. */
struct out_scan {
	struct cand best;
};

static bool find_out_active(struct vgic_dist *d, unsigned vcpu, struct vgic_irq *irq,
			    unsigned intid, void *arg)
{
	struct out_scan *s = arg;
	struct cand c = { irq, intid };

	if (!irq->active || irq->lr_vcpu >= 0)
		return false;
	if (intid >= VGIC_NR_PRIVATE && vgic_target_vcpu(d, irq, intid, vcpu) != vcpu)
		return false;
	if (!s->best.irq || before(&c, &s->best))
		s->best = c;
	return false;
}

unsigned vgic_fold_eoicount(struct vgic_dist *d, unsigned vcpu, unsigned count, uint16_t *hw,
			    unsigned max_hw)
{
	unsigned nhw = 0;

	for (; count; count--) {
		struct out_scan s = { { NULL, 0 } };

		vgic_for_each_maybe_busy(d, vcpu, find_out_active, &s);
		if (!s.best.irq)
			break; /* an EOI of nothing (UNPREDICTABLE): ignored */
		if (s.best.irq->hw && nhw < max_hw)
			hw[nhw++] = s.best.irq->hwirq;
		vgic_irq_clear_active(d, vcpu, s.best.intid);
	}
	return nhw;
}

bool vgic_deactivate(struct vgic_dist *d, unsigned vcpu, unsigned intid, unsigned *hwirq)
{
	struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid);

	*hwirq = VGIC_NO_HWIRQ;
	/* Only this vCPU's own: an SPI another vCPU holds or is the target of is not. */
	if (!irq || !irq->active || (irq->lr_vcpu >= 0 && irq->lr_vcpu != (int)vcpu) ||
	    (intid >= VGIC_NR_PRIVATE && vgic_target_vcpu(d, irq, intid, vcpu) != vcpu))
		return false;
	if (irq->hw)
		*hwirq = irq->hwirq;
	vgic_irq_clear_active(d, vcpu, intid);
	return true;
}

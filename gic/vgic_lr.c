/* List registers: choosing what a vCPU sees on entry (flush) and folding what the guest
 * did back into the model on exit (sync). Pure functions on the model. Host and target.
 *
 * Between the two, the model keeps per IRQ which vCPU's LR holds it and whether the
 * pending state moved into the LR, so an interrupt lives in one LR of one vCPU, each
 * edge is delivered once, and distributor writes made meanwhile win over the LR copy. */
#include "gic/vgic.h"

#define SGI_MAX 16u

struct cand {
	struct vgic_irq *irq;
	unsigned intid;
};

/* Active ones first: the guest must find them to EOI/deactivate them. Then priority,
 * lower value first, then INTID. */
static bool before(const struct cand *a, const struct cand *b)
{
	if (a->irq->active != b->irq->active)
		return a->irq->active;
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

static uint32_t encode(const struct vgic_dist *d, unsigned vcpu, const struct cand *c)
{
	struct vgic_irq *irq = c->irq;
	bool fwd = vgic_irq_forwardable(d, irq);
	uint32_t lr = c->intid | (uint32_t)(irq->priority >> 3) << GICH_LR_PRIORITY_SHIFT;

	irq->lr_vcpu = (int8_t)vcpu;
	if (irq->group1)
		lr |= GICH_LR_GRP1;
	if (c->intid < SGI_MAX)
		return lr | encode_sgi(irq, fwd);
	if (irq->active)
		lr |= GICH_LR_ACTIVE;
	if (irq->hw) {
		lr |= GICH_LR_HW | (uint32_t)irq->hwirq << GICH_LR_PHYS_ID_SHIFT;
		/* The physical side holds the pending state of an active HW interrupt. */
		if (irq->active)
			fwd = false;
	} else if (!irq->edge) {
		/* Resample the line after the guest's EOI. */
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
	struct cand best[VGIC_MAX_LRS];
	unsigned n, total, cap;
};

static bool consider(struct vgic_dist *d, unsigned vcpu, struct vgic_irq *irq, unsigned intid,
		     void *arg)
{
	struct flush_scan *s = arg;

	if (irq->lr_vcpu == (int)vcpu)
		unflush(d, irq, intid, vcpu);
	if (intid >= VGIC_NR_PRIVATE && vgic_target_vcpu(d, irq, intid, vcpu) != vcpu)
		return false;
	if (!is_candidate(d, irq, vcpu))
		return false;
	s->total++;
	keep_best(s->best, &s->n, s->cap, (struct cand){ irq, intid });
	return false;
}

unsigned vgic_flush_lrs(struct vgic_dist *d, unsigned vcpu, uint32_t *lrs, unsigned nr_lrs,
			bool *more)
{
	struct flush_scan s = { .cap = nr_lrs < VGIC_MAX_LRS ? nr_lrs : VGIC_MAX_LRS };

	/* Only interrupts that may be busy can be candidates or sit in this vCPU's LRs. */
	vgic_for_each_maybe_busy(d, vcpu, consider, &s);
	for (unsigned i = 0; i < s.n; i++)
		lrs[i] = encode(d, vcpu, &s.best[i]);
	for (unsigned i = s.n; i < nr_lrs; i++)
		lrs[i] = 0;
	if (more)
		*more = s.total > s.n;
	return s.n;
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

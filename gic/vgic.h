/* The virtual GICv2: distributor model and list-register selection. Host and target.
 *
 * Plain data, single-threaded: every call is made with the VM's vgic lock held. The
 * model knows nothing of the hardware; the hypervisor moves list-register values
 * between vgic_flush_lrs/vgic_sync_lrs and GICH, and turns kick() into an IPI. */
#ifndef GIC_VGIC_H
#define GIC_VGIC_H

#include <stdbool.h>
#include <stdint.h>
#include "arm/gicv2.h"
#include <stddef.h>

#define VGIC_MAX_VCPUS 8
#define VGIC_NR_SGIS 16
#define VGIC_NR_PRIVATE 32
#define VGIC_MAX_IRQS 1020 /* INTIDs 0..1019; 1020-1023 are special, never interrupts */
#define VGIC_PRIO_BITS 5
#define VGIC_PRIO_MASK 0xf8u /* (0xff << (8 - VGIC_PRIO_BITS)) & 0xff */
#define VGIC_MAX_LRS 16
#define VGIC_NO_TARGET 0xffffffffu

/* GICH_LRn (GICv2). */
#define GICH_LR_VIRTUAL_ID_MASK 0x3ffu
#define GICH_LR_PHYS_ID_SHIFT 10
#define GICH_LR_PHYS_ID_MASK (0x3ffu << GICH_LR_PHYS_ID_SHIFT)
#define GICH_LR_PHYS_ID(lr) (((lr) & GICH_LR_PHYS_ID_MASK) >> GICH_LR_PHYS_ID_SHIFT)
#define GICH_LR_CPUID_SHIFT 10 /* HW=0: source of an SGI */
#define GICH_LR_CPUID_MASK (7u << GICH_LR_CPUID_SHIFT)
#define GICH_LR_EOI (1u << 19) /* HW=0: maintenance interrupt when deactivated */
#define GICH_LR_PRIORITY_SHIFT 23
#define GICH_LR_PRIORITY_MASK (0x1fu << GICH_LR_PRIORITY_SHIFT)
#define GICH_LR_PENDING (1u << 28)
#define GICH_LR_ACTIVE (1u << 29)
#define GICH_LR_STATE_MASK (3u << 28)
#define GICH_LR_GRP1 (1u << 30)
#define GICH_LR_HW (1u << 31)

#define VGIC_IIDR 0x0200143bu /* GIC-400: ProductID 0x02, Revision 1, Implementer ARM (0x43b) */

struct vgic_irq {
	uint8_t priority;      /* already masked to VGIC_PRIO_MASK */
	uint8_t targets;       /* SPIs: GICD_ITARGETSR byte */
	uint8_t sgi_sources;   /* SGIs: bit n = pending from vCPU n */
	uint8_t active_source; /* SGIs: the source whose instance is active */
	int8_t lr_vcpu;        /* -1, or the vCPU whose list register holds a copy */
	uint8_t lr_source;     /* SGIs: source of the pending instance in that LR */
	uint16_t hwirq;        /* physical INTID when hw */
	bool group1 : 1;
	bool enabled : 1;
	bool pending_latch : 1; /* edge seen, or GICD_ISPENDR written */
	bool line_level : 1;
	bool active : 1;
	bool edge : 1; /* GICD_ICFGR: true = edge-triggered */
	bool hw : 1;
	/* The LR copy, for reads while it is out and for folding it back: */
	bool lr_pending : 1;     /* the flush moved the pending state into the LR */
	bool lr_stale_pend : 1;  /* pending rewritten since: ignore the LR's pending bit */
	bool lr_stale_act : 1;   /* active rewritten since: ignore the LR's active bit */
};

/* Could this interrupt matter to a flush at all? Most are idle (nothing pending, not
 * active, in no LR): the flush and WFI scans skip those with this one inline test. */
static inline bool vgic_irq_busy(const struct vgic_irq *irq)
{
	return irq->active || irq->pending_latch || irq->line_level || irq->sgi_sources ||
	       irq->lr_vcpu >= 0;
}


struct vgic_dist {
	bool enable_grp0, enable_grp1; /* GICD_CTLR bits 0, 1 */
	unsigned nr_vcpus;
	unsigned nr_irqs; /* 32 + SPIs, a multiple of 32 up to 1024 */
	struct vgic_irq priv[VGIC_MAX_VCPUS][VGIC_NR_PRIVATE];
	struct vgic_irq spi[VGIC_MAX_IRQS - VGIC_NR_PRIVATE];
	/* Interrupts that may not be idle: every one that is busy (vgic_irq_busy) has its
	 * bit set, by the model's notify(); the flush and WFI scans clear the bits of those
	 * they find idle. So a scan visits a handful of interrupts, not all of them. */
	uint32_t priv_maybe[VGIC_MAX_VCPUS];
	uint32_t spi_maybe[(VGIC_MAX_IRQS - VGIC_NR_PRIVATE + 31) / 32];
	/* vCPU `vcpu` must re-run flush: something may now be deliverable to it, or its
	 * list registers hold a stale copy. May name the caller's own vCPU. */
	void (*kick)(void *ctx, unsigned vcpu);
	void *kick_ctx;
	/* An access the architecture makes RAZ/WI (bad width, alignment, reserved offset).
	 * Called every time: the callee rate-limits. */
	void (*log_once)(const char *what, uint32_t off, unsigned len);
};

/* The model's hot helpers, inline: the flush and the trap path call them per interrupt. */
static inline bool vgic_irq_pending(const struct vgic_irq *irq)
{
	return irq->pending_latch || (!irq->edge && irq->line_level) || irq->sgi_sources;
}

/* NULL when the INTID or the vCPU does not exist. */
static inline struct vgic_irq *vgic_get_irq(struct vgic_dist *d, unsigned vcpu, unsigned intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return vcpu < d->nr_vcpus ? &d->priv[vcpu][intid] : NULL;
	if (intid >= d->nr_irqs || intid >= VGIC_MAX_IRQS)
		return NULL;
	return &d->spi[intid - VGIC_NR_PRIVATE];
}

static inline unsigned vgic_vcpu_mask(const struct vgic_dist *d)
{
	return (1u << d->nr_vcpus) - 1;
}

/* Private: `vcpu`. SPI: lowest existing vCPU in targets (vCPU 0 in a uniprocessor VM,
 * where GICD_ITARGETSR is RAZ/WI), or VGIC_NO_TARGET. */
static inline unsigned vgic_target_vcpu(const struct vgic_dist *d, const struct vgic_irq *irq,
					unsigned intid, unsigned vcpu)
{
	unsigned t;

	if (intid < VGIC_NR_PRIVATE)
		return vcpu;
	/* Uniprocessor: ITARGETSR is RAZ/WI and every SPI goes to the only CPU. */
	if (d->nr_vcpus == 1)
		return 0;
	t = irq->targets & vgic_vcpu_mask(d);
	return t ? (unsigned)__builtin_ctz(t) : VGIC_NO_TARGET;
}

/* Pending, enabled, and its group enabled in GICD_CTLR: may go into an LR as pending. */
static inline bool vgic_irq_forwardable(const struct vgic_dist *d, const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq) && irq->enabled &&
	       (irq->group1 ? d->enable_grp1 : d->enable_grp0);
}

typedef bool (*vgic_visit_fn)(struct vgic_dist *d, unsigned vcpu, struct vgic_irq *irq,
			      unsigned intid, void *arg);

static inline __attribute__((always_inline)) bool
vgic_scan_word(struct vgic_dist *d, unsigned vcpu, uint32_t *word, struct vgic_irq *first,
	       unsigned base, vgic_visit_fn fn, void *arg)
{
	for (uint32_t w = *word; w; w &= w - 1) {
		unsigned bit = (unsigned)__builtin_ctz(w);
		struct vgic_irq *irq = &first[bit];

		if (!vgic_irq_busy(irq)) {
			*word &= ~(1u << bit);
			continue;
		}
		if (fn(d, vcpu, irq, base + bit, arg))
			return true;
	}
	return false;
}

/* Visit, in INTID order, the interrupts of `vcpu` (its private ones and every SPI) that may
 * not be idle; clears the marks of idle ones. fn returns true to stop. Inline, with its
 * callers' callbacks: each scan compiles to one loop. */
static inline __attribute__((always_inline)) bool
vgic_for_each_maybe_busy(struct vgic_dist *d, unsigned vcpu, vgic_visit_fn fn, void *arg)
{
	unsigned words = (d->nr_irqs - VGIC_NR_PRIVATE + 31) / 32;

	if (vcpu >= d->nr_vcpus)
		return false;
	if (vgic_scan_word(d, vcpu, &d->priv_maybe[vcpu], d->priv[vcpu], 0, fn, arg))
		return true;
	for (unsigned w = 0; w < words; w++)
		if (d->spi_maybe[w] &&
		    vgic_scan_word(d, vcpu, &d->spi_maybe[w], &d->spi[32 * w],
				   VGIC_NR_PRIVATE + 32 * w, fn, arg))
			return true;
	return false;
}

/* -EINVAL for 0 or more than VGIC_MAX_VCPUS vCPUs, or nr_irqs not a multiple of 32 in
 * 32..1024. Reset state per the architecture; kick and log_once are cleared. */
int vgic_dist_init(struct vgic_dist *d, unsigned nr_vcpus, unsigned nr_irqs);

/* A guest access by vCPU `vcpu` at offset `off` of the distributor frame, value
 * zero-extended. 0 for every offset inside the 4 KiB frame (bad accesses are RAZ/WI);
 * -EINVAL for off >= 0x1000, len not 1/2/4, or a vCPU that does not exist. */
int vgic_dist_read(struct vgic_dist *d, unsigned vcpu, uint32_t off, unsigned len, uint32_t *val);
int vgic_dist_write(struct vgic_dist *d, unsigned vcpu, uint32_t off, unsigned len, uint32_t val);

/* The device API's register access (gic/vgic_dev.c): 32 bits at a 4-aligned offset, with
 * the user-access rules of seed 003: GICD_ISPENDR is the pending latch alone (written as
 * is, 0 bits clearing), GICD_ICPENDR and GICD_SGIR are RAZ/WI, a write of GICD_IIDR or
 * GICD_TYPER must give the value read. -ENXIO: no register at `off`; -EINVAL: no such
 * vCPU, or a write the register refuses. */
int vgic_dist_uaccess(struct vgic_dist *d, unsigned vcpu, uint32_t off, bool write, uint32_t *val);
/* Is there a register at this 4-aligned offset (for the device API's has_attr)? */
bool vgic_dist_is_reg(uint32_t off);
/* Set an interrupt's input line as it was, without the edge a change would make. */
void vgic_set_line_raw(struct vgic_dist *d, unsigned vcpu, unsigned intid, bool level);

/* Injection. `vcpu` selects the bank for INTIDs < 32; out-of-range calls are ignored.
 * Level-sensitive: the line is `level`. Edge: a rising edge latches pending. */
void vgic_set_level(struct vgic_dist *d, unsigned vcpu, unsigned intid, bool level);
/* One event: latches pending (for a level-sensitive interrupt too, like GICD_ISPENDR,
 * so the event is held until acknowledged rather than lost). */
void vgic_pulse(struct vgic_dist *d, unsigned vcpu, unsigned intid);
/* Deliver with the LR HW bit: the guest's deactivation deactivates `hwirq`. */
void vgic_map_hw(struct vgic_dist *d, unsigned vcpu, unsigned intid, unsigned hwirq);

/* Could flush give `vcpu` a pending interrupt now (for WFI)? Ignores the guest's
 * priority mask, which lives in GICH_VMCR. */
bool vgic_has_deliverable(struct vgic_dist *d, unsigned vcpu);

/* Fill lrs[0..nr_lrs) for `vcpu` (entries past the returned count are zeroed). nr_lrs is
 * capped at VGIC_MAX_LRS. The previous flush's LRs should have been folded back with
 * vgic_sync_lrs; any still out are taken back as the flush left them, i.e. as if the
 * guest never ran on them.
 *
 * When not every candidate fits, the LRs hold the highest-priority active interrupts and,
 * in at least one LR, the highest-priority pending ones: lower-priority active interrupts
 * wait in the model (their GICH_APR bits stay set), so the guest can always take the
 * interrupt native hardware would give it. *hcr then says which maintenance interrupts
 * (GICH_HCR_NPIE, _UIE, _LRENPIE; never En) bring the hypervisor back to refill, chosen so
 * that none of them holds already at entry (docs/vgic.md); 0 when everything fit. */
unsigned vgic_flush_lrs(struct vgic_dist *d, unsigned vcpu, uint32_t *lrs, unsigned nr_lrs,
			uint32_t *hcr);
/* Fold back the first n LRs as read from GICH after the guest ran (n = flush's count). */
void vgic_sync_lrs(struct vgic_dist *d, unsigned vcpu, const uint32_t *lrs, unsigned n);
/* The guest's EOIs that found no list register (GICH_HCR.EOICount, with EOImode 0): they
 * were for active interrupts the flush left out. Deactivates `count` of this vCPU's
 * active interrupts that are in none of its LRs, highest priority first (the order a
 * guest must EOI nested interrupts in). Call before vgic_sync_lrs. Returns how many of
 * them are hardware-mapped and puts their physical INTIDs in hw[0..max_hw). */
unsigned vgic_fold_eoicount(struct vgic_dist *d, unsigned vcpu, unsigned count, uint16_t *hw,
			    unsigned max_hw);
/* GICC_DIR (EOImode 1) of `intid` by `vcpu`, emulated with the LRs folded back: deactivates
 * it if it is active. *hwirq is then its physical INTID if it is hardware-mapped, else
 * VGIC_NO_HWIRQ. False when there was nothing to deactivate. */
#define VGIC_NO_HWIRQ 0xffffu
bool vgic_deactivate(struct vgic_dist *d, unsigned vcpu, unsigned intid, unsigned *hwirq);
/* Clear the active state of one interrupt as GICD_ICACTIVER does. */
void vgic_irq_clear_active(struct vgic_dist *d, unsigned vcpu, unsigned intid);


#endif

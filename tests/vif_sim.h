/* A GICv2 virtual CPU interface, for the host tests: what the guest does to its list
 * registers (acknowledge, EOI, deactivate) and when the maintenance interrupt fires,
 * as the GIC architecture specification (ARM IHI 0048B, 5.3 and 5.4) defines it and as
 * QEMU 7.2 models it where the two differ. The hypervisor's side of the world switch
 * (vif_exit, vif_enter) does what gic/vgic_hw.c does with the model. */
#ifndef TESTS_VIF_SIM_H
#define TESTS_VIF_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "gic/vgic.h"

struct vif {
	uint32_t lr[VGIC_MAX_LRS];
	unsigned nr_lrs; /* implemented */
	unsigned used;   /* filled by the last flush */
	uint32_t hcr;    /* GICH_HCR: En, the enables, EOICount */
	uint32_t apr;    /* GICH_APR: one bit per preemption level (5 priority bits) */
	bool eoimode;    /* GICV_CTLR.EOImode */
	uint8_t pmr;     /* GICV_PMR */
	unsigned entries, exits, dir_traps, eoi_folds;
};

enum misr_model { MISR_ARCH, MISR_QEMU };

static inline unsigned vif_lr_prio(uint32_t lr) { return (lr & GICH_LR_PRIORITY_MASK) >> GICH_LR_PRIORITY_SHIFT << 3; }
static inline uint32_t vif_lr_state(uint32_t lr) { return lr & GICH_LR_STATE_MASK; }
static inline unsigned vif_lr_id(uint32_t lr) { return lr & GICH_LR_VIRTUAL_ID_MASK; }

/* GICH_MISR. The architecture's NP: no LR has its pending bit set (active-and-pending
 * counts as pending); QEMU 7.2 counts only purely pending LRs. */
static inline uint32_t vif_misr(const struct vif *f, enum misr_model m)
{
	unsigned valid = 0, pending = 0;
	uint32_t misr = 0;

	for (unsigned i = 0; i < f->nr_lrs; i++) {
		uint32_t lr = f->lr[i], st = vif_lr_state(lr);

		if (!st && (lr & GICH_LR_EOI) && !(lr & GICH_LR_HW))
			misr |= GICH_MISR_EOI;
		valid += st != 0;
		pending += m == MISR_ARCH ? (st & GICH_LR_PENDING) != 0 : st == GICH_LR_PENDING;
	}
	if ((f->hcr & GICH_HCR_UIE) && valid < 2)
		misr |= GICH_MISR_U;
	if ((f->hcr & GICH_HCR_LRENPIE) && (f->hcr & GICH_HCR_EOICOUNT_MASK))
		misr |= GICH_MISR_LRENP;
	if ((f->hcr & GICH_HCR_NPIE) && !pending)
		misr |= GICH_MISR_NP;
	return (f->hcr & GICH_HCR_EN) ? misr : 0;
}

/* Either model says a maintenance interrupt is due. */
static inline bool vif_maintenance(const struct vif *f)
{
	return vif_misr(f, MISR_ARCH) || vif_misr(f, MISR_QEMU);
}

static inline unsigned vif_running_prio(const struct vif *f)
{
	return f->apr ? (unsigned)__builtin_ctz(f->apr) << 3 : 0x100;
}

/* GICV_IAR: the highest-priority purely pending LR (the first of equal ones), if it beats
 * the priority mask and the running priority; 1023 otherwise. */
static inline uint32_t vif_ack(struct vif *f)
{
	int best = -1;
	unsigned prio;

	for (unsigned i = 0; i < f->nr_lrs; i++)
		if (vif_lr_state(f->lr[i]) == GICH_LR_PENDING &&
		    (best < 0 || vif_lr_prio(f->lr[i]) < vif_lr_prio(f->lr[best])))
			best = (int)i;
	if (best < 0)
		return 1023;
	prio = vif_lr_prio(f->lr[best]);
	if (prio >= f->pmr || prio >= vif_running_prio(f))
		return 1023;
	f->lr[best] ^= GICH_LR_PENDING | GICH_LR_ACTIVE;
	f->apr |= 1u << (prio >> 3);
	if (vif_lr_id(f->lr[best]) < 16 && !(f->lr[best] & GICH_LR_HW))
		return vif_lr_id(f->lr[best]) | (f->lr[best] & GICH_LR_CPUID_MASK);
	return vif_lr_id(f->lr[best]);
}

static inline int vif_find_active(const struct vif *f, unsigned id)
{
	for (unsigned i = 0; i < f->nr_lrs; i++)
		if (vif_lr_id(f->lr[i]) == id && (f->lr[i] & GICH_LR_ACTIVE))
			return (int)i;
	return -1;
}

/* GICV_EOIR: drop the running priority; with EOImode 0 also deactivate, and an EOI that
 * dropped a priority but found no LR counts in EOICount. */
static inline void vif_eoi(struct vif *f, uint32_t iar)
{
	bool dropped = f->apr != 0;
	int i;

	f->apr &= f->apr - 1;
	if (f->eoimode)
		return;
	i = vif_find_active(f, iar & 0x3ff);
	if (i >= 0)
		f->lr[i] &= ~GICH_LR_ACTIVE;
	else if (dropped)
		f->hcr += 1u << GICH_HCR_EOICOUNT_SHIFT;
}

/* GICV_DIR, reaching the hardware (EOImode 1; ignored otherwise, as QEMU does). */
static inline void vif_dir_hw(struct vif *f, uint32_t id)
{
	int i;

	if (!f->eoimode)
		return;
	i = vif_find_active(f, id & 0x3ff);
	if (i >= 0)
		f->lr[i] &= ~GICH_LR_ACTIVE;
	else
		f->hcr += 1u << GICH_HCR_EOICOUNT_SHIFT;
}

/* The hypervisor after an exit (gic/vgic_hw.c vgic_sync): EOICount (with EOImode 0
 * only), then the LRs. */
static inline void vif_exit(struct vgic_dist *d, unsigned vcpu, struct vif *f)
{
	unsigned eoicount = (f->hcr & GICH_HCR_EOICOUNT_MASK) >> GICH_HCR_EOICOUNT_SHIFT;
	uint16_t hw[32];

	f->exits++;
	if (eoicount && (f->hcr & GICH_HCR_LRENPIE) && !f->eoimode) {
		vgic_fold_eoicount(d, vcpu, eoicount, hw, 32);
		f->eoi_folds++;
	}
	vgic_sync_lrs(d, vcpu, f->lr, f->used);
	f->used = 0;
}

/* ... and before the next entry (vgic_flush): fresh LRs, the enables, EOICount 0. */
static inline void vif_enter(struct vgic_dist *d, unsigned vcpu, struct vif *f)
{
	uint32_t bits = 0;

	f->entries++;
	f->used = vgic_flush_lrs(d, vcpu, f->lr, f->nr_lrs, &bits);
	f->hcr = GICH_HCR_EN | bits;
}

/* A GICV_DIR write by the guest: while active interrupts wait outside the LRs (LRENPIE),
 * the hypervisor traps the DIR page and emulates it with the LRs folded back. */
static inline void vif_dir(struct vgic_dist *d, unsigned vcpu, struct vif *f, uint32_t id)
{
	unsigned hwirq;

	if (!(f->hcr & GICH_HCR_LRENPIE)) {
		vif_dir_hw(f, id);
		return;
	}
	f->dir_traps++;
	vif_exit(d, vcpu, f);
	if (f->eoimode)
		vgic_deactivate(d, vcpu, id & 0x3ff, &hwirq);
	vif_enter(d, vcpu, f);
}

/* Take maintenance interrupts until none is due; false if that does not settle (a storm). */
static inline bool vif_settle(struct vgic_dist *d, unsigned vcpu, struct vif *f)
{
	for (unsigned i = 0; i < 64; i++) {
		if (!vif_maintenance(f))
			return true;
		vif_exit(d, vcpu, f);
		vif_enter(d, vcpu, f);
	}
	return false;
}

#endif

/* Random operations on a 4-vCPU, 96-IRQ VGIC: distributor accesses of any offset, width,
 * value and vCPU, injections, and flush / guest acknowledge, EOI and deactivate / sync
 * cycles on a simulated virtual CPU interface (tests/vif_sim.h), with the model's
 * invariants checked after every step. Deterministic (fixed seed); one PASS/FAIL line per
 * invariant family.
 *
 * With -DVGIC_LIBFUZZER the same operations are driven by libFuzzer's bytes and a broken
 * invariant aborts:
 *   clang -fsanitize=fuzzer,address,undefined -DVGIC_LIBFUZZER -Iinclude -I. \
 *         -Itests tests/test_vgic_fuzz.c gic/vgic_dist.c gic/vgic_lr.c */
#define CHECK_SUITE "vgic_fuzz"
#include "check.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gic/vgic.h"
#include "gic/vgic_dev.h"
#include "hyp/snap_vcpu.h"
#include "vif_sim.h"

#define NV 4
#define NIRQ 96
#define STEPS 200000
#define EPOCH 25000 /* a fresh VM every so often, so early states recur */

enum family {
	F_RETURN,    /* in-frame accesses return 0 */
	F_READ,      /* a read fits its width and changes nothing */
	F_ISOLATION, /* an access leaves other vCPUs' private state alone */
	F_ID,        /* TYPER, IIDR, nr_irqs, nr_vcpus never change */
	F_PRIO,      /* priorities are masked to the implemented bits */
	F_RANGES,    /* targets, sources, lr_vcpu, fixed configuration within bounds */
	F_LR_COUNT,  /* flush uses at most nr_lrs entries and zeroes the rest */
	F_LR_RANGE,  /* LR contents: existing INTIDs, encoding matches the model */
	F_LR_UNIQUE, /* an interrupt is in at most one LR of one vCPU, as lr_vcpu says */
	F_MARKED,    /* every busy interrupt is marked for the flush/WFI scans */
	F_ENTRY,     /* no maintenance interrupt is due at entry (architecture and QEMU) */
	F_ORDER,     /* the LRs' pending interrupts outrank every one left waiting */
	F_ROUNDTRIP, /* saved through the device API into a fresh VGIC: the same state */
	F_NR
};

static const char *const family_name[F_NR] = {
	"return", "read", "isolation", "id", "prio", "ranges", "lr_count", "lr_range", "lr_unique",
	"marked", "entry", "order", "roundtrip",
};

struct fz {
	struct vgic_dist d;
	struct vif vif[NV];
	bool running[NV]; /* flushed, not synced yet */
	uint32_t typer, iidr;
	/* Randomness: libFuzzer's bytes, or xorshift. */
	const uint8_t *data;
	size_t size, pos;
	uint64_t rng;
	unsigned long step;
	/* Coverage, so a run that exercises nothing does not pass quietly. */
	unsigned long acks, sgi_acks, mores, hw_lrs, kicks, evictions, eoi_folds, dir_traps, eois;
	unsigned long roundtrips;
	uint32_t vmcr[NV], apr[NV]; /* the vCPUs' saved CPU interface, as the device API sees it */
};

#ifndef VGIC_LIBFUZZER
static unsigned long fails[F_NR];
static char first_fail[F_NR][200];
#endif

static void fail(const struct fz *f, enum family fam, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
#ifdef VGIC_LIBFUZZER
	fprintf(stderr, "invariant %s broken at step %lu: %s\n", family_name[fam], f->step, msg);
	abort();
#else
	if (!fails[fam]++)
		snprintf(first_fail[fam], sizeof(first_fail[fam]), "step %lu: %s", f->step, msg);
#endif
}

static uint32_t rnd(struct fz *f, uint32_t n)
{
	uint32_t x = 0;

	if (f->data) {
		/* As few bytes as the range needs, so inputs stay short. */
		for (uint32_t m = n ? n - 1 : 0xffffffffu; m; m >>= 8)
			x = x << 8 | (f->pos < f->size ? f->data[f->pos++] : 0);
	} else {
		f->rng ^= f->rng << 13;
		f->rng ^= f->rng >> 7;
		f->rng ^= f->rng << 17;
		x = (uint32_t)(f->rng >> 16);
	}
	return n ? x % n : x;
}

static void count_kick(void *ctx, unsigned vcpu)
{
	struct fz *f = ctx;

	if (vcpu >= NV)
		fail(f, F_RANGES, "kick of vCPU %u", vcpu);
	f->kicks++;
}

static void ignore_log(const char *what, uint32_t off, unsigned len)
{
	(void)what, (void)off, (void)len;
}

static void vm_reset(struct fz *f)
{
	vgic_dist_init(&f->d, NV, NIRQ);
	f->d.kick = count_kick;
	f->d.kick_ctx = f;
	f->d.log_once = ignore_log;
	memset(f->vif, 0, sizeof(f->vif));
	memset(f->running, 0, sizeof(f->running));
	for (unsigned v = 0; v < NV; v++) {
		f->vmcr[v] = rnd(f, 0);
		f->apr[v] = rnd(f, 0);
	}
	vgic_dist_read(&f->d, 0, GICD_TYPER, 4, &f->typer);
	vgic_dist_read(&f->d, 0, GICD_IIDR, 4, &f->iidr);
	/* A guest turns the distributor on first; random writes may turn it off again. */
	vgic_dist_write(&f->d, 0, GICD_CTLR, 4, 3);
}

static bool irq_equal(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->priority == b->priority && a->targets == b->targets &&
	       a->sgi_sources == b->sgi_sources && a->active_source == b->active_source &&
	       a->lr_vcpu == b->lr_vcpu && a->lr_source == b->lr_source && a->hwirq == b->hwirq &&
	       a->group1 == b->group1 && a->enabled == b->enabled &&
	       a->pending_latch == b->pending_latch && a->line_level == b->line_level &&
	       a->active == b->active && a->edge == b->edge && a->hw == b->hw &&
	       a->lr_pending == b->lr_pending && a->lr_stale_pend == b->lr_stale_pend &&
	       a->lr_stale_act == b->lr_stale_act;
}

static bool dist_equal(const struct vgic_dist *a, const struct vgic_dist *b)
{
	if (a->enable_grp0 != b->enable_grp0 || a->enable_grp1 != b->enable_grp1)
		return false;
	for (unsigned v = 0; v < NV; v++)
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			if (!irq_equal(&a->priv[v][i], &b->priv[v][i]))
				return false;
	for (unsigned i = 0; i < NIRQ - VGIC_NR_PRIVATE; i++)
		if (!irq_equal(&a->spi[i], &b->spi[i]))
			return false;
	return true;
}

/* Mostly the registers that exist, sometimes anywhere in the frame. */
static uint32_t pick_offset(struct fz *f, unsigned len)
{
	static const struct { uint16_t base, span; } regs[] = {
		{ GICD_CTLR, 12 },	{ GICD_IGROUPR, 12 },	 { GICD_ISENABLER, 12 },
		{ GICD_ICENABLER, 12 }, { GICD_ISPENDR, 12 },	 { GICD_ICPENDR, 12 },
		{ GICD_ISACTIVER, 12 }, { GICD_ICACTIVER, 12 },	 { GICD_IPRIORITYR, NIRQ },
		{ GICD_ITARGETSR, NIRQ }, { GICD_ICFGR, NIRQ / 4 }, { GICD_SGIR, 4 },
		{ GICD_SGIR, 4 },	{ GICD_CPENDSGIR, 16 },	 { GICD_SPENDSGIR, 16 },
	};
	uint32_t off;

	if (rnd(f, 3)) {
		unsigned r = rnd(f, sizeof(regs) / sizeof(regs[0]));
		off = regs[r].base + rnd(f, regs[r].span);
	} else {
		off = rnd(f, GICD_SIZE);
	}
	if (rnd(f, 8))
		off &= ~(uint32_t)(len - 1);
	return off;
}

static uint32_t pick_value(struct fz *f)
{
	switch (rnd(f, 6)) {
	case 0: return 0;
	case 1: return 0xffffffff;
	case 2: return 1u << rnd(f, 32);
	case 3: return 0x01010101u * rnd(f, 256);
	case 4: return (rnd(f, 4) << 24) | (rnd(f, 256) << 16) | rnd(f, 16); /* SGIR-shaped */
	default: return rnd(f, 0);
	}
}

static void op_access(struct fz *f, unsigned v)
{
	static struct vgic_dist before;
	unsigned len = 1u << rnd(f, 3);
	uint32_t off = pick_offset(f, len), val = pick_value(f);
	bool write = rnd(f, 2);
	int r;

	before = f->d;
	if (write)
		r = vgic_dist_write(&f->d, v, off, len, val);
	else
		r = vgic_dist_read(&f->d, v, off, len, &val);
	if (r)
		fail(f, F_RETURN, "%s off %#x len %u: %d", write ? "write" : "read", off, len, r);
	if (!write && len < 4 && (val >> (8 * len)))
		fail(f, F_READ, "read off %#x len %u gave %#x", off, len, val);
	if (!write && !dist_equal(&before, &f->d))
		fail(f, F_READ, "read off %#x len %u changed the state", off, len);
	for (unsigned u = 0; u < NV; u++) {
		if (u == v)
			continue;
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
			struct vgic_irq a = before.priv[u][i], *b = &f->d.priv[u][i];
			/* GICD_SGIR is the one way in: it may add vCPU v as a source. */
			if (write && off == GICD_SGIR && len == 4 && i < 16 &&
			    (b->sgi_sources & ~a.sgi_sources & ~(1u << v)) == 0)
				a.sgi_sources = b->sgi_sources;
			if (!irq_equal(&a, b))
				fail(f, F_ISOLATION, "vCPU %u %s off %#x len %u val %#x changed vCPU %u INTID %u",
				     v, write ? "write" : "read", off, len, val, u, i);
		}
	}
}

/* The LRs just flushed for v must hold the best pending interrupts: nothing left waiting
 * outranks a purely pending LR or an active-and-pending one, and when something pending
 * waits, some LR is purely pending (else nothing would bring it in). */
static void check_order(struct fz *f, unsigned v, const uint32_t *lrs, unsigned n)
{
	unsigned worst_pend = 0, worst_ap = 0, pure = 0, best_wait = 0x100, wait_id = 0;

	for (unsigned i = 0; i < n; i++) {
		uint32_t st = vif_lr_state(lrs[i]);

		if (st == GICH_LR_PENDING) {
			pure++;
			if (vif_lr_prio(lrs[i]) > worst_pend)
				worst_pend = vif_lr_prio(lrs[i]);
		} else if (st == (GICH_LR_PENDING | GICH_LR_ACTIVE) && vif_lr_prio(lrs[i]) > worst_ap) {
			worst_ap = vif_lr_prio(lrs[i]);
		}
	}
	for (unsigned id = 0; id < NIRQ; id++) {
		struct vgic_irq *irq = vgic_get_irq(&f->d, v, id);

		if (!irq || irq->lr_vcpu >= 0 || irq->active || !vgic_irq_forwardable(&f->d, irq) ||
		    vgic_target_vcpu(&f->d, irq, id, v) != v)
			continue;
		if (irq->priority < best_wait) {
			best_wait = irq->priority;
			wait_id = id;
		}
	}
	if (best_wait == 0x100)
		return;
	if (!pure)
		fail(f, F_ORDER, "vCPU %u: INTID %u waits and no LR is pending", v, wait_id);
	if (pure && worst_pend > best_wait)
		fail(f, F_ORDER, "vCPU %u: a pending LR of priority %#x, INTID %u (%#x) waits", v,
		     worst_pend, wait_id, best_wait);
	if (worst_ap > best_wait)
		fail(f, F_ORDER, "vCPU %u: an active+pending LR of priority %#x, INTID %u (%#x) waits",
		     v, worst_ap, wait_id, best_wait);
}

static void op_flush(struct fz *f, unsigned v)
{
	struct vif *vf = &f->vif[v];
	uint32_t buf[VGIC_MAX_LRS + 1], bits = 0;
	unsigned nl = 1 + rnd(f, 4), n;

	for (unsigned i = 0; i <= VGIC_MAX_LRS; i++)
		buf[i] = 0xdeadbeef;
	n = vgic_flush_lrs(&f->d, v, buf, nl, &bits);
	if (n > nl)
		fail(f, F_LR_COUNT, "flush of %u LRs used %u", nl, n);
	for (unsigned i = n; i < nl; i++)
		if (buf[i])
			fail(f, F_LR_COUNT, "LR%u past the count is %#x", i, buf[i]);
	if (buf[nl] != 0xdeadbeef)
		fail(f, F_LR_COUNT, "flush wrote past nr_lrs");
	if (n > nl)
		n = nl;
	if (bits & ~(uint32_t)(GICH_HCR_UIE | GICH_HCR_NPIE | GICH_HCR_LRENPIE))
		fail(f, F_ENTRY, "flush asked for GICH_HCR bits %#x", bits);
	f->mores += bits != 0;
	f->evictions += !!(bits & GICH_HCR_LRENPIE);
	for (unsigned i = 0; i < n; i++) {
		uint32_t lr = buf[i];
		unsigned id = lr & GICH_LR_VIRTUAL_ID_MASK;
		struct vgic_irq *irq = vgic_get_irq(&f->d, v, id);

		if (id >= NIRQ || !irq || !(lr & GICH_LR_STATE_MASK)) {
			fail(f, F_LR_RANGE, "LR %#x: no such INTID or no state", lr);
			continue;
		}
		if (irq->lr_vcpu != (int)v)
			fail(f, F_LR_UNIQUE, "INTID %u flushed to vCPU %u, lr_vcpu %d", id, v,
			     irq->lr_vcpu);
		if (((lr & GICH_LR_PRIORITY_MASK) >> GICH_LR_PRIORITY_SHIFT) != irq->priority >> 3u ||
		    !!(lr & GICH_LR_GRP1) != irq->group1 || !!(lr & GICH_LR_HW) != irq->hw)
			fail(f, F_LR_RANGE, "LR %#x does not match INTID %u", lr, id);
		if ((lr & GICH_LR_HW) && GICH_LR_PHYS_ID(lr) != irq->hwirq)
			fail(f, F_LR_RANGE, "LR %#x: physical ID is not %u", lr, irq->hwirq);
		if (id < 16 && ((lr & GICH_LR_HW) || ((lr & GICH_LR_CPUID_MASK) >> GICH_LR_CPUID_SHIFT) >= NV))
			fail(f, F_LR_RANGE, "SGI LR %#x: bad source", lr);
		if (!(lr & GICH_LR_ACTIVE) && !irq->enabled)
			fail(f, F_LR_RANGE, "INTID %u pending in an LR while disabled", id);
		for (unsigned j = 0; j < i; j++)
			if ((buf[j] & GICH_LR_VIRTUAL_ID_MASK) == id)
				fail(f, F_LR_UNIQUE, "INTID %u twice in vCPU %u's LRs", id, v);
		f->hw_lrs += !!(lr & GICH_LR_HW);
	}
	check_order(f, v, buf, n);
	memset(vf->lr, 0, sizeof(vf->lr));
	memcpy(vf->lr, buf, n * sizeof(buf[0]));
	vf->nr_lrs = nl;
	vf->used = n;
	vf->hcr = GICH_HCR_EN | bits; /* EOICount cleared, as the hypervisor writes it */
	if (vif_misr(vf, MISR_ARCH) || vif_misr(vf, MISR_QEMU))
		fail(f, F_ENTRY, "vCPU %u entered with MISR %#x (architecture) / %#x (QEMU), HCR %#x",
		     v, vif_misr(vf, MISR_ARCH), vif_misr(vf, MISR_QEMU), vf->hcr);
	f->running[v] = true;
}

/* The vCPU exits: EOICount and the LRs go back into the model. */
static void op_sync(struct fz *f, unsigned v)
{
	if (!f->running[v])
		return;
	f->eoi_folds += (f->vif[v].hcr & GICH_HCR_EOICOUNT_MASK) && (f->vif[v].hcr & GICH_HCR_LRENPIE);
	vif_exit(&f->d, v, &f->vif[v]);
	f->running[v] = false;
}

/* A GICV_DIR: with LRENPIE it traps (exit, emulate, enter with a fresh flush). */
static void guest_dir(struct fz *f, unsigned v, uint32_t id)
{
	struct vif *vf = &f->vif[v];

	if (!(vf->hcr & GICH_HCR_LRENPIE)) {
		vif_dir_hw(vf, id);
		return;
	}
	f->dir_traps++;
	op_sync(f, v);
	if (vf->eoimode) {
		unsigned hwirq;
		vgic_deactivate(&f->d, v, id & 0x3ff, &hwirq);
	}
	op_flush(f, v);
}

/* What the guest can do on its virtual CPU interface: acknowledge, EOI (the right one
 * or any), deactivate, change its priority mask or EOImode. */
static void op_guest(struct fz *f, unsigned v)
{
	struct vif *vf = &f->vif[v];
	uint32_t iar, id;

	if (!f->running[v])
		return;
	switch (rnd(f, 8)) {
	case 0:
	case 1:
	case 2:
		iar = vif_ack(vf);
		if (iar != 1023) {
			f->acks++;
			f->sgi_acks += (iar & 0x3ff) < 16;
		}
		break;
	case 3:
	case 4: /* EOI of the running one, as a well-behaved guest does */
		id = 1023;
		for (unsigned i = 0; i < vf->nr_lrs; i++)
			if ((vf->lr[i] & GICH_LR_ACTIVE) &&
			    (id == 1023 || vif_lr_prio(vf->lr[i]) < vif_lr_prio(vf->lr[id])))
				id = i;
		vif_eoi(vf, id == 1023 ? rnd(f, NIRQ) : vif_lr_id(vf->lr[id]));
		f->eois++;
		break;
	case 5:
		vif_eoi(vf, rnd(f, NIRQ + 4));
		break;
	case 6:
		guest_dir(f, v, vf->used && rnd(f, 2) ? vif_lr_id(vf->lr[rnd(f, vf->used)]) : rnd(f, NIRQ));
		break;
	default:
		if (rnd(f, 2))
			vf->eoimode = !vf->eoimode;
		else
			vf->pmr = (uint8_t)(rnd(f, 2) ? 0xff : rnd(f, 256) & 0xf8);
		break;
	}
}

static void check_irq(struct fz *f, const struct vgic_irq *irq, unsigned owner, unsigned intid)
{
	unsigned holders = 0, copies = 0;
	int holder = -1;

	if (irq->priority & ~VGIC_PRIO_MASK)
		fail(f, F_PRIO, "INTID %u priority %#x", intid, irq->priority);
	if ((irq->targets | irq->sgi_sources) >> NV || irq->active_source >= NV ||
	    irq->lr_vcpu < -1 || irq->lr_vcpu >= NV || irq->hwirq >= VGIC_MAX_IRQS)
		fail(f, F_RANGES, "INTID %u field out of range", intid);
	if (irq->lr_vcpu < 0 && (irq->lr_pending || irq->lr_stale_pend || irq->lr_stale_act))
		fail(f, F_RANGES, "INTID %u: LR bookkeeping left behind", intid);
	if (vgic_irq_busy(irq) &&
	    !(intid < VGIC_NR_PRIVATE ? f->d.priv_maybe[owner] >> intid & 1
				      : f->d.spi_maybe[(intid - VGIC_NR_PRIVATE) / 32] >> (intid % 32) & 1))
		fail(f, F_MARKED, "INTID %u (bank %u) busy but not marked: a scan would miss it", intid, owner);
	if ((intid < 16 && (!irq->enabled || !irq->edge || irq->hw || irq->pending_latch)) ||
	    (intid >= 16 && intid < 32 && irq->edge))
		fail(f, F_RANGES, "INTID %u: fixed configuration changed", intid);
	for (unsigned v = 0; v < NV; v++) {
		unsigned here = 0;

		if (!f->running[v] || (intid < VGIC_NR_PRIVATE && v != owner))
			continue;
		for (unsigned i = 0; i < f->vif[v].used; i++)
			here += (f->vif[v].lr[i] & GICH_LR_VIRTUAL_ID_MASK) == intid;
		if (here) {
			holders++;
			holder = (int)v;
		}
		copies += here;
	}
	if (copies > 1 || holders > 1)
		fail(f, F_LR_UNIQUE, "INTID %u (bank %u) in %u LRs of %u vCPUs", intid, owner, copies,
		     holders);
	else if (holder != irq->lr_vcpu)
		fail(f, F_LR_UNIQUE, "INTID %u (bank %u) held by %d, lr_vcpu %d", intid, owner, holder,
		     irq->lr_vcpu);
}

static void check_invariants(struct fz *f)
{
	uint32_t typer = 0, iidr = 0;
	unsigned v = f->step % NV;

	vgic_dist_read(&f->d, v, GICD_TYPER, 4, &typer);
	vgic_dist_read(&f->d, v, GICD_IIDR, 4, &iidr);
	if (typer != f->typer || iidr != f->iidr || f->d.nr_irqs != NIRQ || f->d.nr_vcpus != NV)
		fail(f, F_ID, "TYPER %#x IIDR %#x", typer, iidr);
	for (unsigned u = 0; u < NV; u++)
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			check_irq(f, &f->d.priv[u][i], u, i);
	for (unsigned i = VGIC_NR_PRIVATE; i < NIRQ; i++)
		check_irq(f, &f->d.spi[i - VGIC_NR_PRIVATE], 0, i);
}

/* The state a snapshot must carry (not the LR bookkeeping, not the hypervisor's HW
 * mappings, which it sets up itself). */
static bool state_equal(const struct vgic_irq *a, const struct vgic_irq *b, unsigned intid)
{
	return a->priority == b->priority && (intid < 32 || a->targets == b->targets) &&
	       a->sgi_sources == b->sgi_sources && a->active_source == b->active_source &&
	       a->group1 == b->group1 && a->enabled == b->enabled &&
	       a->pending_latch == b->pending_latch && a->line_level == b->line_level &&
	       a->active == b->active && a->edge == b->edge;
}

static uint8_t rt_buf[128 * 1024];
static struct vgic_dist rt_dist;

/* Every vCPU stopped (LRs folded back), the VGIC saved through the device API alone and
 * restored into a fresh one: the same state, and the same register reads for every vCPU. */
static void roundtrip(struct fz *f)
{
	static const struct snap_shape shape = { NV, NIRQ, 0x80000000u, 4096, 0x2c001000u, 0x2c002000u };
	struct vgic_dev dev = { 0 }, fresh = { 0 };
	uint32_t vmcr2[NV] = { 0 }, apr2[NV] = { 0 }, irqs = NIRQ;
	struct snap_writer w;
	struct snap_section_ref ref;
	char why[160];
	int r;

	for (unsigned v = 0; v < NV; v++)
		op_sync(f, v);
	dev.d = &f->d;
	dev.created = dev.initialized = true;
	dev.nr_vcpus = NV;
	dev.gicc_iidr = fresh.gicc_iidr = 0x0002043b;
	for (unsigned v = 0; v < NV; v++) {
		dev.vmcr[v] = &f->vmcr[v];
		dev.apr[v] = &f->apr[v];
		fresh.vmcr[v] = &vmcr2[v];
		fresh.apr[v] = &apr2[v];
	}
	snap_start(&w, rt_buf, sizeof(rt_buf), &shape);
	snap_section(&w, SNAP_VGIC, 0);
	snap_vgic_save(&w, &dev);
	snap_end_section(&w);
	ref.type = SNAP_VGIC;
	ref.instance = 0;
	memcpy(&ref.length, rt_buf + SNAP_HEADER_SIZE + 8, 4);
	ref.payload = rt_buf + SNAP_HEADER_SIZE + SNAP_SECTION_HEADER_SIZE;
	r = vgic_dev_create(&fresh, &rt_dist, NV);
	if (!r)
		r = vgic_dev_set_attr(&fresh, VGIC_GRP_NR_IRQS, 0, &irqs);
	if (!r)
		r = vgic_dev_set_attr(&fresh, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL);
	if (!r)
		r = snap_vgic_restore(&fresh, &ref, why, sizeof(why));
	if (r) {
		fail(f, F_ROUNDTRIP, "restore refused (%d): %s", r, r < 0 ? why : "");
		return;
	}
	f->roundtrips++;
	if (f->d.enable_grp0 != rt_dist.enable_grp0 || f->d.enable_grp1 != rt_dist.enable_grp1)
		fail(f, F_ROUNDTRIP, "GICD_CTLR group enables differ");
	for (unsigned v = 0; v < NV; v++) {
		if (vmcr2[v] != (f->vmcr[v] & (GICH_VMCR_CTLR_MASK | 7u << 18 | 7u << 21 | 0x1fu << 27)) ||
		    apr2[v] != f->apr[v])
			fail(f, F_ROUNDTRIP, "vCPU %u: VMCR %#x/%#x APR %#x/%#x", v, f->vmcr[v], vmcr2[v],
			     f->apr[v], apr2[v]);
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
			if (!state_equal(&f->d.priv[v][i], &rt_dist.priv[v][i], i))
				fail(f, F_ROUNDTRIP, "vCPU %u INTID %u differs", v, i);
		for (uint32_t off = 0; off < GICD_SIZE; off += 4) {
			uint32_t a = 0, b = 0;
			vgic_dist_read(&f->d, v, off, 4, &a);
			vgic_dist_read(&rt_dist, v, off, 4, &b);
			if (a != b)
				fail(f, F_ROUNDTRIP, "vCPU %u reads GICD+%#x: %#x, restored %#x", v, off, a, b);
		}
	}
	for (unsigned i = VGIC_NR_PRIVATE; i < NIRQ; i++)
		if (!state_equal(&f->d.spi[i - VGIC_NR_PRIVATE], &rt_dist.spi[i - VGIC_NR_PRIVATE], i))
			fail(f, F_ROUNDTRIP, "INTID %u differs", i);
}

static void step(struct fz *f)
{
	unsigned op = rnd(f, 100), v = rnd(f, NV);

	if (op < 45)
		op_access(f, v);
	else if (op < 55)
		vgic_set_level(&f->d, v, rnd(f, NIRQ + 8), rnd(f, 2));
	else if (op < 60)
		vgic_pulse(&f->d, v, rnd(f, NIRQ + 8));
	else if (op < 61)
		vgic_map_hw(&f->d, v, rnd(f, NIRQ + 8), rnd(f, 1100));
	else if (op < 75 && !f->running[v])
		op_flush(f, v);
	else if (op < 90)
		op_guest(f, v);
	else
		op_sync(f, v);
	check_invariants(f);
	if (!f->data && f->step % 997 == 996)
		roundtrip(f);
	f->step++;
}

#ifdef VGIC_LIBFUZZER

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz f;

	memset(&f, 0, sizeof(f));
	f.data = data;
	f.size = size;
	vm_reset(&f);
	while (f.pos < f.size)
		step(&f);
	return 0;
}

#else

static struct fz F;

static void report(enum family fam)
{
	if (fails[fam])
		check_fail_(__FILE__, __LINE__, "%s: %lu failures, first at %s", family_name[fam],
			    fails[fam], first_fail[fam]);
}

#define FAMILY(fam, name) \
	static void test_##name(void) { report(fam); }
FAMILY(F_RETURN, return_codes)
FAMILY(F_READ, reads_fit_and_have_no_side_effects)
FAMILY(F_ISOLATION, private_state_isolated)
FAMILY(F_ID, typer_iidr_constant)
FAMILY(F_PRIO, priorities_masked)
FAMILY(F_RANGES, fields_in_range)
FAMILY(F_LR_COUNT, lr_count_within_nr_lrs)
FAMILY(F_LR_RANGE, lr_contents_valid)
FAMILY(F_LR_UNIQUE, irq_in_at_most_one_lr)
FAMILY(F_MARKED, busy_interrupts_marked_for_scans)
FAMILY(F_ENTRY, no_maintenance_due_at_entry)
FAMILY(F_ORDER, pending_lrs_outrank_waiting)
FAMILY(F_ROUNDTRIP, saved_and_restored_through_the_device_api)

/* The run did deliver interrupts of every kind, and overflowed the LRs. */
static void test_coverage(void)
{
	CHECK(F.acks > 2000);
	CHECK(F.sgi_acks > 100);
	CHECK(F.mores > 100);
	CHECK(F.hw_lrs > 100);
	CHECK(F.kicks > 1000);
	CHECK(F.evictions > 100);
	CHECK(F.eoi_folds > 10);
	CHECK(F.dir_traps > 100);
	CHECK(F.eois > 1000);
	CHECK(F.roundtrips > 150);
}

int main(void)
{
	F.rng = 0x9e3779b97f4a7c15ull;
	for (unsigned long i = 0; i < STEPS; i++) {
		if (i % EPOCH == 0)
			vm_reset(&F);
		step(&F);
	}
	RUN(return_codes);
	RUN(reads_fit_and_have_no_side_effects);
	RUN(private_state_isolated);
	RUN(typer_iidr_constant);
	RUN(priorities_masked);
	RUN(fields_in_range);
	RUN(lr_count_within_nr_lrs);
	RUN(lr_contents_valid);
	RUN(irq_in_at_most_one_lr);
	RUN(busy_interrupts_marked_for_scans);
	RUN(no_maintenance_due_at_entry);
	RUN(pending_lrs_outrank_waiting);
	RUN(saved_and_restored_through_the_device_api);
	RUN(coverage);
	return check_exit();
}

#endif

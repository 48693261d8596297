/* The virtual GICv2 distributor (GIC-400 without the Security Extensions): per-IRQ state,
 * the register table every guest access goes through, and injection. Host and target. */
#include "gic/vgic.h"

#include <errno.h>
#include <string.h>

/* Allowed access widths, indexed by the access length in bytes. */
#define W8 1u
#define W32 4u

#define SGI_MAX 16u

typedef bool (*bit_get_fn)(const struct vgic_irq *irq);
typedef void (*bit_set_fn)(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit);

struct vgic_reg {
	uint16_t off, size;
	uint8_t bpi;    /* bits per interrupt; 0: not a per-interrupt register */
	uint8_t widths; /* W8 | W32 */
	/* intid: the first INTID the access covers (bpi != 0); rel: offset in the range */
	uint32_t (*read)(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			 unsigned len);
	void (*write)(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
		      unsigned len, uint32_t val);
	/* One bit per interrupt: the bit's accessors, and whether 0 bits are ignored (the
	 * set/clear registers); the generic bits_read/bits_write do the rest. */
	bit_get_fn get;
	bit_set_fn set;
	bool ones_only;
	uint8_t uacc; /* enum uacc: how the device API (vgic_dist_uaccess) differs */
};

/* Device-API accesses behave as the guest's, except (seed 003's user-access rules): */
enum uacc {
	UA_AS_GUEST,
	UA_LATCH,      /* GICD_ISPENDR: the pending latch, read and written as is */
	UA_RAZ_WI,     /* GICD_ICPENDR, GICD_SGIR: no state of their own */
	UA_MUST_MATCH, /* GICD_IIDR, GICD_TYPER: a write must give the value read (-EINVAL) */
};

static void kick(struct vgic_dist *d, unsigned vcpu)
{
	if (d->kick)
		d->kick(d->kick_ctx, vcpu);
}

static void bad_access(struct vgic_dist *d, const char *what, uint32_t off, unsigned len)
{
	if (d->log_once)
		d->log_once(what, off, len);
}

/* ---- Per-IRQ state ---- */

/* The pending state still sitting in a list register, as far as the model knows. */
static bool lr_holds_pending(const struct vgic_irq *irq)
{
	return irq->lr_vcpu >= 0 && irq->lr_pending && !irq->lr_stale_pend;
}

static bool pending_view(const struct vgic_irq *irq)
{
	return vgic_irq_pending(irq) || lr_holds_pending(irq);
}

static uint8_t sgi_sources_view(const struct vgic_irq *irq)
{
	uint8_t s = irq->sgi_sources;

	if (lr_holds_pending(irq))
		s |= 1u << irq->lr_source;
	return s;
}

/* After a change to irq: its LR copy is stale, and it may now be deliverable. */
static void notify(struct vgic_dist *d, struct vgic_irq *irq, unsigned intid, unsigned vcpu)
{
	unsigned t;

	if (intid < VGIC_NR_PRIVATE)
		d->priv_maybe[vcpu] |= 1u << intid;
	else
		d->spi_maybe[(intid - VGIC_NR_PRIVATE) / 32] |= 1u << (intid % 32);

	if (irq->lr_vcpu >= 0)
		kick(d, (unsigned)irq->lr_vcpu);
	if (!irq->active && !vgic_irq_forwardable(d, irq))
		return;
	t = vgic_target_vcpu(d, irq, intid, vcpu);
	if (t != VGIC_NO_TARGET && (int)t != irq->lr_vcpu)
		kick(d, t);
}

static bool irq_differs(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->priority != b->priority || a->targets != b->targets ||
	       a->sgi_sources != b->sgi_sources || a->active_source != b->active_source ||
	       a->hwirq != b->hwirq || a->group1 != b->group1 || a->enabled != b->enabled ||
	       a->pending_latch != b->pending_latch || a->line_level != b->line_level ||
	       a->active != b->active || a->edge != b->edge || a->hw != b->hw ||
	       a->lr_stale_pend != b->lr_stale_pend || a->lr_stale_act != b->lr_stale_act;
}

/* The guest rewrote the pending state: the LR's copy must not be folded back over it. */
static void pending_rewritten(struct vgic_irq *irq)
{
	if (irq->lr_vcpu >= 0 && irq->lr_pending)
		irq->lr_stale_pend = true;
}

static void active_rewritten(struct vgic_irq *irq)
{
	if (irq->lr_vcpu >= 0)
		irq->lr_stale_act = true;
}

/* ---- 1 bit per interrupt: IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER ---- */

static uint32_t bits_read(struct vgic_dist *d, unsigned vcpu, unsigned intid, unsigned len,
			  bit_get_fn get)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < len * 8; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid + i);
		if (irq && get(irq))
			v |= 1u << i;
	}
	return v;
}

/* ones_only: a set/clear register, where 0 bits do nothing. */
static void bits_write(struct vgic_dist *d, unsigned vcpu, unsigned intid, unsigned len,
		       uint32_t val, bool ones_only, bit_set_fn set)
{
	for (unsigned i = 0; i < len * 8; i++) {
		bool bit = (val >> i) & 1;
		struct vgic_irq *irq, old;

		if (ones_only && !bit)
			continue;
		irq = vgic_get_irq(d, vcpu, intid + i);
		if (!irq)
			continue;
		old = *irq;
		set(irq, intid + i, vcpu, bit);
		if (irq_differs(&old, irq))
			notify(d, irq, intid + i, vcpu);
	}
}

static bool get_group(const struct vgic_irq *irq) { return irq->group1; }
static bool get_enabled(const struct vgic_irq *irq) { return irq->enabled; }
static bool get_active(const struct vgic_irq *irq) { return irq->active; }

static void set_group(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)intid, (void)vcpu;
	irq->group1 = bit;
}

/* SGIs are always enabled (IMPLEMENTATION DEFINED, as on GIC-400). */
static void set_enable(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)vcpu, (void)bit;
	if (intid >= SGI_MAX)
		irq->enabled = true;
}

static void clear_enable(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)vcpu, (void)bit;
	if (intid >= SGI_MAX)
		irq->enabled = false;
}

/* SGI pending state is per source: only GICD_SGIR and S/CPENDSGIR change it. */
static void set_pending(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)vcpu, (void)bit;
	if (intid < SGI_MAX)
		return;
	irq->pending_latch = true;
	pending_rewritten(irq);
}

/* Only the latch: a level interrupt whose line is high stays pending. */
static void clear_pending(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)vcpu, (void)bit;
	if (intid < SGI_MAX)
		return;
	irq->pending_latch = false;
	pending_rewritten(irq);
}

static void set_active(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)bit;
	irq->active = true;
	if (intid < SGI_MAX)
		irq->active_source = vcpu;
	active_rewritten(irq);
}

static void clear_active(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)intid, (void)vcpu, (void)bit;
	irq->active = false;
	active_rewritten(irq);
}

void vgic_irq_clear_active(struct vgic_dist *d, unsigned vcpu, unsigned intid)
{
	struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid);

	if (!irq || !irq->active)
		return;
	clear_active(irq, intid, vcpu, true);
	notify(d, irq, intid, vcpu);
}

/* ---- 8 bits per interrupt: IPRIORITYR, ITARGETSR ---- */

static uint32_t read_priority(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			      unsigned len)
{
	uint32_t v = 0;

	(void)rel;
	for (unsigned i = 0; i < len; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid + i);
		if (irq)
			v |= (uint32_t)irq->priority << (8 * i);
	}
	return v;
}

static void write_priority(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			   unsigned len, uint32_t val)
{
	(void)rel;
	for (unsigned i = 0; i < len; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid + i);
		uint8_t prio = (val >> (8 * i)) & VGIC_PRIO_MASK;

		if (irq && irq->priority != prio) {
			irq->priority = prio;
			notify(d, irq, intid + i, vcpu);
		}
	}
}

static uint32_t read_targets(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			     unsigned len)
{
	uint32_t v = 0;

	(void)rel;
	if (d->nr_vcpus == 1)
		return 0;
	for (unsigned i = 0; i < len; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid + i);
		if (!irq)
			continue;
		/* Private interrupts read as the accessing CPU's own bit. */
		v |= (intid + i < VGIC_NR_PRIVATE ? 1u << vcpu : irq->targets) << (8 * i);
	}
	return v;
}

static void write_targets(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			  unsigned len, uint32_t val)
{
	(void)rel;
	if (d->nr_vcpus == 1)
		return;
	for (unsigned i = 0; i < len; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid + i);
		uint8_t t = (val >> (8 * i)) & vgic_vcpu_mask(d);

		if (!irq || intid + i < VGIC_NR_PRIVATE || irq->targets == t)
			continue;
		/* The old LR holder gets kicked by notify; so does the new target. */
		irq->targets = t;
		notify(d, irq, intid + i, vcpu);
	}
}

/* ---- ICFGR: 2 bits per interrupt, only bit [2F+1] (edge) is programmable, for SPIs ---- */

static uint32_t read_config(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			    unsigned len)
{
	uint32_t v = 0;

	(void)rel;
	for (unsigned i = 0; i < len * 4; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid + i);
		if (irq && irq->edge)
			v |= 2u << (2 * i);
	}
	return v;
}

static void write_config(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			 unsigned len, uint32_t val)
{
	(void)rel;
	for (unsigned i = 0; i < len * 4; i++) {
		struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid + i);
		bool edge = (val >> (2 * i + 1)) & 1;

		if (!irq || intid + i < VGIC_NR_PRIVATE || irq->edge == edge)
			continue;
		irq->edge = edge;
		notify(d, irq, intid + i, vcpu);
	}
}

/* ---- SGIs: GICD_SGIR, GICD_CPENDSGIR, GICD_SPENDSGIR ---- */

static void sgi_add_sources(struct vgic_dist *d, unsigned target, unsigned sgi, uint8_t src)
{
	struct vgic_irq *irq = &d->priv[target][sgi];

	if ((irq->sgi_sources | src) == irq->sgi_sources)
		return;
	irq->sgi_sources |= src;
	notify(d, irq, sgi, target);
}

static void write_sgir(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
		       unsigned len, uint32_t val)
{
	unsigned sgi = val & 0xf;
	unsigned list;

	(void)intid, (void)rel, (void)len;
	switch ((val >> 24) & 3) {
	case 0:
		list = (val >> 16) & 0xff;
		break;
	case 1:
		list = ~(1u << vcpu);
		break;
	case 2:
		list = 1u << vcpu;
		break;
	default: /* reserved filter: no SGI */
		return;
	}
	list &= vgic_vcpu_mask(d);
	for (unsigned t = 0; t < d->nr_vcpus; t++)
		if (list & (1u << t))
			sgi_add_sources(d, t, sgi, 1u << vcpu);
}

static uint32_t read_sgi_pending(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
				 unsigned len)
{
	uint32_t v = 0;

	(void)rel;
	for (unsigned i = 0; i < len; i++)
		v |= (uint32_t)sgi_sources_view(&d->priv[vcpu][intid + i]) << (8 * i);
	return v;
}

static void write_sgi_spending(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			       unsigned len, uint32_t val)
{
	(void)rel;
	for (unsigned i = 0; i < len; i++)
		sgi_add_sources(d, vcpu, intid + i, (val >> (8 * i)) & vgic_vcpu_mask(d));
}

static void write_sgi_cpending(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			       unsigned len, uint32_t val)
{
	(void)rel;
	for (unsigned i = 0; i < len; i++) {
		struct vgic_irq *irq = &d->priv[vcpu][intid + i];
		uint8_t clr = (val >> (8 * i)) & vgic_vcpu_mask(d);
		struct vgic_irq old = *irq;

		irq->sgi_sources &= ~clr;
		if (lr_holds_pending(irq) && (clr & (1u << irq->lr_source)))
			irq->lr_stale_pend = true;
		if (irq_differs(&old, irq))
			notify(d, irq, intid + i, vcpu);
	}
}

/* ---- Whole-distributor registers ---- */

static uint32_t read_ctlr(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			  unsigned len)
{
	(void)vcpu, (void)intid, (void)rel, (void)len;
	return (uint32_t)d->enable_grp0 | (uint32_t)d->enable_grp1 << 1;
}

static void write_ctlr(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
		       unsigned len, uint32_t val)
{
	bool g0 = val & 1, g1 = (val >> 1) & 1;

	(void)vcpu, (void)intid, (void)rel, (void)len;
	if (g0 == d->enable_grp0 && g1 == d->enable_grp1)
		return;
	d->enable_grp0 = g0;
	d->enable_grp1 = g1;
	/* Any vCPU may gain interrupts, or hold ones of a group now off. */
	for (unsigned v = 0; v < d->nr_vcpus; v++)
		kick(d, v);
}

static uint32_t read_typer(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			   unsigned len)
{
	(void)vcpu, (void)intid, (void)rel, (void)len;
	return ((d->nr_irqs / 32 - 1) & 0x1f) | (d->nr_vcpus - 1) << 5;
}

static uint32_t read_iidr(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			  unsigned len)
{
	(void)d, (void)vcpu, (void)intid, (void)rel, (void)len;
	return VGIC_IIDR;
}

/* PIDR4-7, PIDR0-3, CIDR0-3 from 0xFD0: a GIC-400's, ArchRev 2 in PIDR2. */
static const uint8_t id_regs[12] = {
	0x04, 0x00, 0x00, 0x00, 0x92, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

static uint32_t read_id(struct vgic_dist *d, unsigned vcpu, unsigned intid, uint32_t rel,
			unsigned len)
{
	(void)d, (void)vcpu, (void)intid, (void)len;
	return id_regs[rel / 4];
}

/* Sorted by offset. Ranges not listed are reserved: RAZ/WI. A NULL write is WI. */
/* A register with its own handlers, or one bit per interrupt served by bits_read/write. */
#define FN(read, write) read, write, NULL, NULL, false
#define BITS(get, set, ones) NULL, NULL, get, set, ones
static const struct vgic_reg regs[] = {
	{ GICD_CTLR, 4, 0, W32, FN(read_ctlr, write_ctlr), UA_AS_GUEST },
	{ GICD_TYPER, 4, 0, W32, FN(read_typer, NULL), UA_MUST_MATCH },
	{ GICD_IIDR, 4, 0, W32, FN(read_iidr, NULL), UA_MUST_MATCH },
	{ GICD_IGROUPR, 0x80, 1, W32, BITS(get_group, set_group, false), UA_AS_GUEST },
	{ GICD_ISENABLER, 0x80, 1, W32, BITS(get_enabled, set_enable, true), UA_AS_GUEST },
	{ GICD_ICENABLER, 0x80, 1, W32, BITS(get_enabled, clear_enable, true), UA_AS_GUEST },
	{ GICD_ISPENDR, 0x80, 1, W32, BITS(pending_view, set_pending, true), UA_LATCH },
	{ GICD_ICPENDR, 0x80, 1, W32, BITS(pending_view, clear_pending, true), UA_RAZ_WI },
	{ GICD_ISACTIVER, 0x80, 1, W32, BITS(get_active, set_active, true), UA_AS_GUEST },
	{ GICD_ICACTIVER, 0x80, 1, W32, BITS(get_active, clear_active, true), UA_AS_GUEST },
	{ GICD_IPRIORITYR, 0x400, 8, W8 | W32, FN(read_priority, write_priority), UA_AS_GUEST },
	{ GICD_ITARGETSR, 0x400, 8, W8 | W32, FN(read_targets, write_targets), UA_AS_GUEST },
	{ GICD_ICFGR, 0x100, 2, W32, FN(read_config, write_config), UA_AS_GUEST },
	{ GICD_SGIR, 4, 0, W32, FN(NULL, write_sgir), UA_RAZ_WI },
	{ GICD_CPENDSGIR, 0x10, 8, W8 | W32, FN(read_sgi_pending, write_sgi_cpending), UA_AS_GUEST },
	{ GICD_SPENDSGIR, 0x10, 8, W8 | W32, FN(read_sgi_pending, write_sgi_spending), UA_AS_GUEST },
	{ GICD_PIDR4, 0x30, 0, W32, FN(read_id, NULL), UA_AS_GUEST },
};

#define NR_REGS (sizeof(regs) / sizeof(regs[0]))
_Static_assert(NR_REGS < 255, "reg_at holds an index + 1 in a byte");

/* Which register each word of the distributor belongs to (index + 1, 0: reserved),
 * built from regs[] on first use: a guest access finds its register with one load. */
static uint8_t reg_at[GICD_SIZE / 4];
static bool reg_at_built;

static void build_reg_at(void)
{
	for (unsigned i = 0; i < NR_REGS; i++)
		for (uint32_t w = regs[i].off / 4; w < (regs[i].off + regs[i].size) / 4u; w++)
			reg_at[w] = (uint8_t)(i + 1);
	reg_at_built = true;
}

/* Inline (with decode): the guest's every distributor access goes through them. */
static inline __attribute__((always_inline)) const struct vgic_reg *
find_reg(uint32_t off)
{
	unsigned i;

	if (!reg_at_built) /* the same bytes whoever builds it, so a race is harmless */
		build_reg_at();
	i = reg_at[off / 4];
	return i ? &regs[i - 1] : NULL;
}

/* The register an access may touch, or NULL (then RAZ/WI, reported). */
static inline __attribute__((always_inline)) const struct vgic_reg *
decode(struct vgic_dist *d, uint32_t off, unsigned len)
{
	const struct vgic_reg *r;

	if (off & (len - 1)) {
		bad_access(d, "unaligned access", off, len);
		return NULL;
	}
	r = find_reg(off);
	if (!r) {
		bad_access(d, "reserved offset", off, len);
		return NULL;
	}
	if (!(r->widths & len)) {
		bad_access(d, "access width", off, len);
		return NULL;
	}
	return r;
}

static bool access_ok(const struct vgic_dist *d, unsigned vcpu, uint32_t off, unsigned len)
{
	return off < GICD_SIZE && (len == 1 || len == 2 || len == 4) && vcpu < d->nr_vcpus;
}

static unsigned first_intid(const struct vgic_reg *r, uint32_t rel)
{
	return r->bpi ? rel * 8 >> __builtin_ctz(r->bpi) : 0; /* bpi: 1, 2 or 8 */
}

int vgic_dist_read(struct vgic_dist *d, unsigned vcpu, uint32_t off, unsigned len, uint32_t *val)
{
	const struct vgic_reg *r;

	if (!access_ok(d, vcpu, off, len))
		return -EINVAL;
	*val = 0;
	r = decode(d, off, len);
	if (r && r->get)
		*val = bits_read(d, vcpu, first_intid(r, off - r->off), len, r->get);
	else if (r && r->read)
		*val = r->read(d, vcpu, first_intid(r, off - r->off), off - r->off, len);
	return 0;
}

int vgic_dist_write(struct vgic_dist *d, unsigned vcpu, uint32_t off, unsigned len, uint32_t val)
{
	const struct vgic_reg *r;

	if (!access_ok(d, vcpu, off, len))
		return -EINVAL;
	r = decode(d, off, len);
	if (r && r->set)
		bits_write(d, vcpu, first_intid(r, off - r->off), len, val, r->ones_only, r->set);
	else if (r && r->write)
		r->write(d, vcpu, first_intid(r, off - r->off), off - r->off, len, val);
	return 0;
}

/* The latch alone, for the device API: the line level is LEVEL_INFO's. */
static bool get_latch(const struct vgic_irq *irq) { return irq->pending_latch; }

static void set_latch(struct vgic_irq *irq, unsigned intid, unsigned vcpu, bool bit)
{
	(void)vcpu;
	if (intid < SGI_MAX || irq->pending_latch == bit)
		return;
	irq->pending_latch = bit;
	pending_rewritten(irq);
}

bool vgic_dist_is_reg(uint32_t off)
{
	return off < GICD_SIZE && !(off & 3) && find_reg(off);
}

int vgic_dist_uaccess(struct vgic_dist *d, unsigned vcpu, uint32_t off, bool write, uint32_t *val)
{
	const struct vgic_reg *r = vgic_dist_is_reg(off) ? find_reg(off) : NULL;
	unsigned intid;
	uint32_t cur;

	if (!r)
		return -ENXIO;
	if (vcpu >= d->nr_vcpus)
		return -EINVAL;
	intid = first_intid(r, off - r->off);
	switch (r->uacc) {
	case UA_RAZ_WI:
		if (!write)
			*val = 0;
		return 0;
	case UA_LATCH:
		if (write)
			bits_write(d, vcpu, intid, 4, *val, false, set_latch);
		else
			*val = bits_read(d, vcpu, intid, 4, get_latch);
		return 0;
	case UA_MUST_MATCH:
		cur = r->read(d, vcpu, intid, off - r->off, 4);
		if (!write)
			*val = cur;
		return write && *val != cur ? -EINVAL : 0;
	default:
		return write ? vgic_dist_write(d, vcpu, off, 4, *val) : vgic_dist_read(d, vcpu, off, 4, val);
	}
}

void vgic_set_line_raw(struct vgic_dist *d, unsigned vcpu, unsigned intid, bool level)
{
	struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid);

	if (!irq || intid < SGI_MAX || irq->line_level == level)
		return;
	irq->line_level = level;
	notify(d, irq, intid, vcpu);
}

/* ---- Life cycle and injection ---- */

int vgic_dist_init(struct vgic_dist *d, unsigned nr_vcpus, unsigned nr_irqs)
{
	if (nr_vcpus == 0 || nr_vcpus > VGIC_MAX_VCPUS || nr_irqs % 32 || nr_irqs < 32 ||
	    nr_irqs > 1024)
		return -EINVAL;
	memset(d, 0, sizeof(*d));
	d->nr_vcpus = nr_vcpus;
	d->nr_irqs = nr_irqs;
	for (unsigned v = 0; v < VGIC_MAX_VCPUS; v++) {
		for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
			struct vgic_irq *irq = &d->priv[v][i];
			irq->lr_vcpu = -1;
			irq->edge = i < SGI_MAX;
			irq->enabled = i < SGI_MAX;
		}
	}
	for (unsigned i = 0; i < VGIC_MAX_IRQS - VGIC_NR_PRIVATE; i++)
		d->spi[i].lr_vcpu = -1;
	return 0;
}

void vgic_set_level(struct vgic_dist *d, unsigned vcpu, unsigned intid, bool level)
{
	struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid);
	bool changed;

	if (!irq || intid < SGI_MAX)
		return;
	if (irq->edge) {
		changed = level && !irq->line_level && !irq->pending_latch;
		if (level && !irq->line_level)
			irq->pending_latch = true;
	} else {
		changed = level != irq->line_level;
	}
	irq->line_level = level;
	if (changed)
		notify(d, irq, intid, vcpu);
}

void vgic_pulse(struct vgic_dist *d, unsigned vcpu, unsigned intid)
{
	struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid);

	struct vgic_irq old;

	if (!irq || intid < SGI_MAX)
		return;
	old = *irq;
	irq->pending_latch = true;
	/* A level LR copy folds back as "latch consumed": keep this newer event. */
	if (!irq->edge)
		pending_rewritten(irq);
	if (irq_differs(&old, irq))
		notify(d, irq, intid, vcpu);
}

void vgic_map_hw(struct vgic_dist *d, unsigned vcpu, unsigned intid, unsigned hwirq)
{
	struct vgic_irq *irq = vgic_get_irq(d, vcpu, intid);

	/* An SGI cannot be HW: its LR CPUID field shares bits with the physical ID. */
	if (!irq || intid < SGI_MAX || hwirq >= VGIC_MAX_IRQS)
		return;
	irq->hw = true;
	irq->hwirq = hwirq;
	if (irq->lr_vcpu >= 0)
		kick(d, (unsigned)irq->lr_vcpu);
}

/* One word of the maybe-busy marks: visit its busy interrupts, drop the idle ones. */
static bool deliverable(struct vgic_dist *d, unsigned vcpu, struct vgic_irq *irq, unsigned intid,
			void *arg)
{
	(void)arg;
	/* Active and pending is not deliverable: the CPU interface signals it only once the
	 * active instance is gone. */
	if (irq->active)
		return false;
	if (irq->lr_vcpu == (int)vcpu && lr_holds_pending(irq))
		return true;
	if (intid >= VGIC_NR_PRIVATE && vgic_target_vcpu(d, irq, intid, vcpu) != vcpu)
		return false;
	return (irq->lr_vcpu < 0 || irq->lr_vcpu == (int)vcpu) && vgic_irq_forwardable(d, irq);
}

bool vgic_has_deliverable(struct vgic_dist *d, unsigned vcpu)
{
	return vgic_for_each_maybe_busy(d, vcpu, deliverable, 0);
}

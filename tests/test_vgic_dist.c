/* The virtual distributor's registers: reset values, access semantics, banking, widths,
 * SGIs, pending state of level and edge interrupts, and the kicks that keep vCPUs and
 * their list registers up to date. */
#define CHECK_SUITE "vgic_dist"
#include "check.h"

#include <errno.h>
#include <string.h>

#include "gic/vgic.h"

static struct vgic_dist D;
static unsigned kicks[VGIC_MAX_VCPUS];
static unsigned nlogs;

static void rec_kick(void *ctx, unsigned vcpu)
{
	(void)ctx;
	kicks[vcpu]++;
}

static void rec_log(const char *what, uint32_t off, unsigned len)
{
	(void)what, (void)off, (void)len;
	nlogs++;
}

static void clear_records(void)
{
	memset(kicks, 0, sizeof(kicks));
	nlogs = 0;
}

static int setup(unsigned nr_vcpus, unsigned nr_irqs)
{
	int r = vgic_dist_init(&D, nr_vcpus, nr_irqs);

	D.kick = rec_kick;
	D.log_once = rec_log;
	clear_records();
	return r;
}

/* A failed access reads as a value no register has. */
static uint32_t rd(unsigned vcpu, uint32_t off, unsigned len)
{
	uint32_t v = 0x5a5a5a5a;

	return vgic_dist_read(&D, vcpu, off, len, &v) ? 0xbadbad00u : v;
}

static void wr(unsigned vcpu, uint32_t off, unsigned len, uint32_t val)
{
	vgic_dist_write(&D, vcpu, off, len, val);
}

static unsigned total_kicks(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < VGIC_MAX_VCPUS; i++)
		n += kicks[i];
	return n;
}

static void test_init_rejects_bad_config(void)
{
	CHECK_EQ(vgic_dist_init(&D, 0, 64), -EINVAL);
	CHECK_EQ(vgic_dist_init(&D, 9, 64), -EINVAL);
	CHECK_EQ(vgic_dist_init(&D, 1, 0), -EINVAL);
	CHECK_EQ(vgic_dist_init(&D, 1, 16), -EINVAL);
	CHECK_EQ(vgic_dist_init(&D, 1, 48), -EINVAL);
	CHECK_EQ(vgic_dist_init(&D, 1, 1056), -EINVAL);
	CHECK_EQ(vgic_dist_init(&D, 1, 32), 0);
	CHECK_EQ(vgic_dist_init(&D, 8, 1024), 0);
}

static void test_access_errors(void)
{
	uint32_t v = 0;

	CHECK_EQ(setup(2, 64), 0);
	CHECK_EQ(vgic_dist_read(&D, 0, 0x1000, 4, &v), -EINVAL);
	CHECK_EQ(vgic_dist_write(&D, 0, 0x1000, 4, 0), -EINVAL);
	CHECK_EQ(vgic_dist_read(&D, 0, 0xffffffffu, 1, &v), -EINVAL);
	CHECK_EQ(vgic_dist_read(&D, 0, 0, 3, &v), -EINVAL);
	CHECK_EQ(vgic_dist_read(&D, 0, 0, 8, &v), -EINVAL);
	CHECK_EQ(vgic_dist_write(&D, 0, 0, 0, 0), -EINVAL);
	CHECK_EQ(vgic_dist_read(&D, 2, 0, 4, &v), -EINVAL); /* no such vCPU */
	/* Everything inside the frame succeeds, even reserved or badly sized. */
	CHECK_EQ(vgic_dist_read(&D, 1, 0xffc, 4, &v), 0);
	CHECK_EQ(vgic_dist_read(&D, 1, 0xe00, 2, &v), 0);
	CHECK_EQ(vgic_dist_write(&D, 1, 0xfff, 1, 0xff), 0);
}

static void test_reset_ctlr_typer_iidr(void)
{
	static const struct { unsigned vcpus, irqs; uint32_t typer; } cfg[] = {
		{ 1, 32, 0x00 }, { 2, 160, 0x24 }, { 4, 96, 0x62 }, { 8, 1024, 0xff }, { 3, 64, 0x41 },
	};

	for (unsigned i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		CHECK_EQ(setup(cfg[i].vcpus, cfg[i].irqs), 0);
		for (unsigned v = 0; v < cfg[i].vcpus; v++) {
			CHECK_EQ_AT(rd(v, GICD_CTLR, 4), 0, i);
			CHECK_EQ_AT(rd(v, GICD_TYPER, 4), cfg[i].typer, i);
			CHECK_EQ_AT(rd(v, GICD_IIDR, 4), 0x0200143Bu, i);
		}
	}
}

static void test_reset_per_irq_registers(void)
{
	CHECK_EQ(setup(4, 96), 0);
	for (unsigned v = 0; v < 4; v++) {
		for (unsigned n = 0; n < 3; n++) {
			CHECK_EQ_AT(rd(v, GICD_IGROUPR + 4 * n, 4), 0, n);
			CHECK_EQ_AT(rd(v, GICD_ISENABLER + 4 * n, 4), n ? 0 : 0xffff, n);
			CHECK_EQ_AT(rd(v, GICD_ICENABLER + 4 * n, 4), n ? 0 : 0xffff, n);
			CHECK_EQ_AT(rd(v, GICD_ISPENDR + 4 * n, 4), 0, n);
			CHECK_EQ_AT(rd(v, GICD_ICPENDR + 4 * n, 4), 0, n);
			CHECK_EQ_AT(rd(v, GICD_ISACTIVER + 4 * n, 4), 0, n);
			CHECK_EQ_AT(rd(v, GICD_ICACTIVER + 4 * n, 4), 0, n);
		}
		for (unsigned off = 0; off < 96; off += 4)
			CHECK_EQ_AT(rd(v, GICD_IPRIORITYR + off, 4), 0, off);
		CHECK_EQ(rd(v, GICD_ICFGR, 4), 0xaaaaaaaa);
		CHECK_EQ(rd(v, GICD_ICFGR + 4, 4), 0);
		for (unsigned off = 8; off < 24; off += 4)
			CHECK_EQ_AT(rd(v, GICD_ICFGR + off, 4), 0, off);
		for (unsigned off = 0; off < 16; off += 4) {
			CHECK_EQ_AT(rd(v, GICD_SPENDSGIR + off, 4), 0, off);
			CHECK_EQ_AT(rd(v, GICD_CPENDSGIR + off, 4), 0, off);
		}
		CHECK_EQ(rd(v, GICD_SGIR, 4), 0);
	}
}

static void test_reset_itargetsr(void)
{
	CHECK_EQ(setup(4, 96), 0);
	for (unsigned v = 0; v < 4; v++) {
		for (unsigned n = 0; n < 8; n++)
			CHECK_EQ_AT(rd(v, GICD_ITARGETSR + 4 * n, 4), 0x01010101u << v, n);
		CHECK_EQ(rd(v, GICD_ITARGETSR + 3, 1), 1u << v);
		for (unsigned n = 8; n < 24; n++)
			CHECK_EQ_AT(rd(v, GICD_ITARGETSR + 4 * n, 4), 0, n);
	}
	/* Uniprocessor: every ITARGETSR is RAZ/WI. */
	CHECK_EQ(setup(1, 64), 0);
	for (unsigned n = 0; n < 16; n++)
		CHECK_EQ_AT(rd(0, GICD_ITARGETSR + 4 * n, 4), 0, n);
	CHECK_EQ(rd(0, GICD_ITARGETSR + 1, 1), 0);
	wr(0, GICD_ITARGETSR + 32, 4, 0x01010101);
	wr(0, GICD_ITARGETSR + 33, 1, 0x01);
	CHECK_EQ(rd(0, GICD_ITARGETSR + 32, 4), 0);
	CHECK_EQ(vgic_get_irq(&D, 0, 33)->targets, 0);
	CHECK_EQ(nlogs, 0);
}

static void test_id_registers(void)
{
	static const uint32_t id[12] = { 0x04, 0, 0, 0, 0x92, 0xb4, 0x2b, 0x00,
					 0x0d, 0xf0, 0x05, 0xb1 };

	CHECK_EQ(setup(2, 64), 0);
	for (unsigned i = 0; i < 12; i++) {
		wr(1, 0xfd0 + 4 * i, 4, 0xffffffff);
		CHECK_EQ_AT(rd(0, 0xfd0 + 4 * i, 4), id[i], i);
		CHECK_EQ_AT(rd(1, 0xfd0 + 4 * i, 4), id[i], i);
	}
	CHECK_EQ((rd(0, 0xfe8, 4) >> 4) & 0xf, 2); /* ArchRev: GICv2 */
	CHECK_EQ(nlogs, 0);
}

static void test_ctlr_rw_and_kicks(void)
{
	CHECK_EQ(setup(3, 64), 0);
	wr(1, GICD_CTLR, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_CTLR, 4), 3);
	CHECK(D.enable_grp0 && D.enable_grp1);
	/* A change kicks every vCPU: any of them may have something to take or drop. */
	CHECK_EQ(kicks[0], 1);
	CHECK_EQ(kicks[1], 1);
	CHECK_EQ(kicks[2], 1);
	wr(2, GICD_CTLR, 4, 3);
	CHECK_EQ(total_kicks(), 3);
	wr(0, GICD_CTLR, 4, 2);
	CHECK_EQ(rd(2, GICD_CTLR, 4), 2);
	CHECK(!D.enable_grp0 && D.enable_grp1);
	wr(0, GICD_CTLR, 4, 0);
	CHECK_EQ(rd(0, GICD_CTLR, 4), 0);
}

static void test_read_only_registers_ignore_writes(void)
{
	CHECK_EQ(setup(2, 64), 0);
	wr(0, GICD_TYPER, 4, 0xffffffff);
	wr(0, GICD_IIDR, 4, 0);
	CHECK_EQ(rd(0, GICD_TYPER, 4), 0x21);
	CHECK_EQ(rd(0, GICD_IIDR, 4), 0x0200143Bu);
	CHECK_EQ(D.nr_irqs, 64);
	CHECK_EQ(D.nr_vcpus, 2);
	CHECK_EQ(nlogs, 0);
	CHECK_EQ(total_kicks(), 0);
}

static void test_igroupr_rw_and_banked(void)
{
	CHECK_EQ(setup(2, 96), 0);
	wr(0, GICD_IGROUPR + 4, 4, 0x80000001);
	CHECK_EQ(rd(1, GICD_IGROUPR + 4, 4), 0x80000001);
	CHECK(vgic_get_irq(&D, 0, 32)->group1);
	CHECK(vgic_get_irq(&D, 0, 63)->group1);
	CHECK(!vgic_get_irq(&D, 0, 33)->group1);
	wr(0, GICD_IGROUPR + 4, 4, 0x1);
	CHECK_EQ(rd(0, GICD_IGROUPR + 4, 4), 0x1);
	/* Word 0 is banked: SGIs and PPIs are each vCPU's own. */
	wr(1, GICD_IGROUPR, 4, 0xffffffff);
	CHECK_EQ(rd(1, GICD_IGROUPR, 4), 0xffffffff);
	CHECK_EQ(rd(0, GICD_IGROUPR, 4), 0);
}

static void test_enable_set_clear(void)
{
	CHECK_EQ(setup(2, 96), 0);
	wr(0, GICD_ISENABLER + 4, 4, 0x5);
	CHECK_EQ(rd(0, GICD_ISENABLER + 4, 4), 0x5);
	wr(0, GICD_ISENABLER + 4, 4, 0x2); /* zeros do nothing */
	CHECK_EQ(rd(0, GICD_ISENABLER + 4, 4), 0x7);
	wr(1, GICD_ICENABLER + 4, 4, 0x1);
	CHECK_EQ(rd(1, GICD_ICENABLER + 4, 4), 0x6);
	CHECK(!vgic_get_irq(&D, 0, 32)->enabled);
	CHECK(vgic_get_irq(&D, 0, 33)->enabled);
	/* PPIs can be enabled and disabled; SGIs always read enabled. */
	wr(0, GICD_ISENABLER, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ISENABLER, 4), 0xffffffff);
	wr(0, GICD_ICENABLER, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ISENABLER, 4), 0x0000ffff);
	CHECK_EQ(rd(1, GICD_ISENABLER, 4), 0x0000ffff);
}

static void test_pending_level_and_edge(void)
{
	CHECK_EQ(setup(2, 96), 0);
	/* Level SPI 40, disabled: pending still reads. */
	wr(0, GICD_ISPENDR + 4, 4, 1u << 8);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 1u << 8);
	CHECK_EQ(rd(1, GICD_ICPENDR + 4, 4), 1u << 8);
	wr(0, GICD_ICPENDR + 4, 4, 1u << 8);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 0);
	vgic_set_level(&D, 0, 40, true);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 1u << 8);
	/* Clearing the latch does not lower the line. */
	wr(0, GICD_ICPENDR + 4, 4, 1u << 8);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 1u << 8);
	vgic_set_level(&D, 0, 40, false);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 0);
	/* ISPENDR on a level interrupt latches past the line going low. */
	vgic_set_level(&D, 0, 40, true);
	wr(0, GICD_ISPENDR + 4, 4, 1u << 8);
	vgic_set_level(&D, 0, 40, false);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 1u << 8);
	wr(0, GICD_ICPENDR + 4, 4, 1u << 8);

	/* Edge SPI 41: a rising edge latches, the line going low does not clear it. */
	wr(0, GICD_ICFGR + 8, 4, 2u << 18);
	CHECK(vgic_get_irq(&D, 0, 41)->edge);
	vgic_set_level(&D, 0, 41, true);
	vgic_set_level(&D, 0, 41, false);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 1u << 9);
	wr(0, GICD_ICPENDR + 4, 4, 1u << 9);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 0);
	/* High without an edge is not an event. */
	vgic_set_level(&D, 0, 41, true);
	wr(0, GICD_ICPENDR + 4, 4, 1u << 9);
	vgic_set_level(&D, 0, 41, true);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 0);
	vgic_pulse(&D, 0, 41);
	CHECK_EQ(rd(0, GICD_ISPENDR + 4, 4), 1u << 9);

	/* Bank 0: PPIs settable, SGI bits read-only here. */
	wr(1, GICD_ISPENDR, 4, 0xffffffff);
	CHECK_EQ(rd(1, GICD_ISPENDR, 4), 0xffff0000);
	CHECK_EQ(rd(0, GICD_ISPENDR, 4), 0);
	wr(1, GICD_ICPENDR, 4, 0x0000ffff);
	CHECK_EQ(rd(1, GICD_ISPENDR, 4), 0xffff0000);
	wr(1, GICD_ICPENDR, 4, 0xffffffff);
	CHECK_EQ(rd(1, GICD_ISPENDR, 4), 0);
}

static void test_active_set_clear(void)
{
	CHECK_EQ(setup(2, 64), 0);
	wr(0, GICD_ISACTIVER + 4, 4, 0x80000003);
	CHECK_EQ(rd(1, GICD_ISACTIVER + 4, 4), 0x80000003);
	CHECK_EQ(rd(1, GICD_ICACTIVER + 4, 4), 0x80000003);
	wr(1, GICD_ICACTIVER + 4, 4, 0x1);
	CHECK_EQ(rd(0, GICD_ISACTIVER + 4, 4), 0x80000002);
	CHECK(vgic_get_irq(&D, 0, 63)->active);
	/* SGIs too, banked; the activating vCPU is the active instance's source. */
	wr(1, GICD_ISACTIVER, 4, 0x00010004);
	CHECK_EQ(rd(1, GICD_ISACTIVER, 4), 0x00010004);
	CHECK_EQ(rd(0, GICD_ISACTIVER, 4), 0);
	CHECK_EQ(D.priv[1][2].active_source, 1);
	wr(1, GICD_ICACTIVER, 4, 0xffffffff);
	CHECK_EQ(rd(1, GICD_ISACTIVER, 4), 0);
}

static void test_priority_masked_byte_and_word(void)
{
	CHECK_EQ(setup(2, 64), 0);
	wr(0, GICD_IPRIORITYR + 32, 4, 0x12345678);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 32, 4), 0x10305078);
	wr(1, GICD_IPRIORITYR + 33, 1, 0xff);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 33, 1), 0xf8);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 32, 4), 0x1030f878);
	CHECK_EQ(vgic_get_irq(&D, 0, 35)->priority, 0x10);
	for (unsigned b = 0; b < 4; b++)
		CHECK_EQ_AT(rd(1, GICD_IPRIORITYR + 32 + b, 1), (0x1030f878u >> (8 * b)) & 0xff, b);
	/* Private priorities are banked. */
	wr(1, GICD_IPRIORITYR + 27, 1, 0xa7);
	CHECK_EQ(rd(1, GICD_IPRIORITYR + 24, 4), 0xa0000000);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 24, 4), 0);
	CHECK_EQ(nlogs, 0);
}

static void test_spi_targets_masked(void)
{
	CHECK_EQ(setup(2, 64), 0);
	wr(0, GICD_ITARGETSR + 32, 1, 0xff);
	CHECK_EQ(rd(1, GICD_ITARGETSR + 32, 1), 0x03);
	wr(1, GICD_ITARGETSR + 36, 4, 0x02fc0401);
	CHECK_EQ(rd(0, GICD_ITARGETSR + 36, 4), 0x02000001);
	CHECK_EQ(vgic_target_vcpu(&D, vgic_get_irq(&D, 0, 36), 36, 1), 0);
	CHECK_EQ(vgic_target_vcpu(&D, vgic_get_irq(&D, 0, 37), 37, 0), VGIC_NO_TARGET);
	CHECK_EQ(vgic_target_vcpu(&D, vgic_get_irq(&D, 0, 39), 39, 0), 1);
	/* Private ITARGETSR are read-only. */
	wr(0, GICD_ITARGETSR + 16, 4, 0x02020202);
	CHECK_EQ(rd(0, GICD_ITARGETSR + 16, 4), 0x01010101);
	CHECK_EQ(nlogs, 0);
}

static void test_icfgr(void)
{
	CHECK_EQ(setup(2, 64), 0);
	wr(0, GICD_ICFGR, 4, 0);
	wr(0, GICD_ICFGR + 4, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ICFGR, 4), 0xaaaaaaaa);
	CHECK_EQ(rd(0, GICD_ICFGR + 4, 4), 0);
	wr(1, GICD_ICFGR + 8, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ICFGR + 8, 4), 0xaaaaaaaa); /* bit [2F] is RAZ/WI */
	CHECK(vgic_get_irq(&D, 0, 47)->edge);
	wr(1, GICD_ICFGR + 8, 4, 0x55555558);
	CHECK_EQ(rd(0, GICD_ICFGR + 8, 4), 0x8);
	CHECK(vgic_get_irq(&D, 0, 33)->edge);
	CHECK(!vgic_get_irq(&D, 0, 32)->edge);
}

static void test_wrong_width_raz_wi(void)
{
	CHECK_EQ(setup(2, 64), 0);
	D.enable_grp0 = true;
	CHECK_EQ(rd(0, GICD_CTLR, 2), 0);
	CHECK_EQ(nlogs, 1);
	CHECK_EQ(rd(0, GICD_CTLR, 1), 0);
	CHECK_EQ(nlogs, 2);
	wr(0, GICD_CTLR, 1, 0);
	CHECK(D.enable_grp0);
	/* Word-only per-IRQ registers: byte/halfword RAZ/WI (SGI enables would read 1s). */
	CHECK_EQ(rd(0, GICD_ISENABLER, 1), 0);
	CHECK_EQ(rd(0, GICD_ISENABLER, 2), 0);
	wr(0, GICD_ISENABLER + 4, 1, 0xff);
	wr(0, GICD_ISENABLER + 4, 2, 0xffff);
	CHECK_EQ(rd(0, GICD_ISENABLER + 4, 4), 0);
	/* Byte-accessible registers take no halfwords either. */
	wr(0, GICD_IPRIORITYR + 32, 2, 0xffff);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 32, 4), 0);
	wr(0, GICD_IPRIORITYR + 32, 4, 0x80808080);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 32, 2), 0);
	/* Misaligned: RAZ/WI. */
	wr(0, GICD_IPRIORITYR + 34, 4, 0);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 32, 4), 0x80808080);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 33, 4), 0);
	CHECK_EQ(nlogs, 11);
	/* Reserved offsets. */
	CHECK_EQ(rd(0, 0x00c, 4), 0);
	CHECK_EQ(rd(0, 0xe00, 4), 0); /* NSACR: no Security Extensions */
	CHECK_EQ(rd(0, 0xf04, 4), 0);
	CHECK_EQ(nlogs, 14);
	/* INTIDs that do not exist are RAZ/WI but not a bad access. */
	wr(0, GICD_ITARGETSR + 0x3fc, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ITARGETSR + 0x3fc, 4), 0);
	CHECK_EQ(nlogs, 14);
	/* ID registers are word-only. */
	CHECK_EQ(rd(0, 0xfe8, 1), 0);
	CHECK_EQ(nlogs, 15);
	/* Allowed byte accesses are not reported. */
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 33, 1), 0x80);
	CHECK_EQ(rd(0, GICD_SPENDSGIR + 1, 1), 0);
	CHECK_EQ(nlogs, 15);
	CHECK_EQ(total_kicks(), 0);
}

/* Every field, so a snapshot can be compared whatever the layout. */
static int irq_equal(const struct vgic_irq *a, const struct vgic_irq *b)
{
	return a->priority == b->priority && a->targets == b->targets &&
	       a->sgi_sources == b->sgi_sources && a->active_source == b->active_source &&
	       a->lr_vcpu == b->lr_vcpu && a->hwirq == b->hwirq && a->group1 == b->group1 &&
	       a->enabled == b->enabled && a->pending_latch == b->pending_latch &&
	       a->line_level == b->line_level && a->active == b->active && a->edge == b->edge &&
	       a->hw == b->hw;
}

static void test_private_banking(void)
{
	struct vgic_irq snap[VGIC_NR_PRIVATE];

	CHECK_EQ(setup(2, 64), 0);
	memcpy(snap, D.priv[1], sizeof(snap));
	wr(0, GICD_IGROUPR, 4, 0xffffffff);
	wr(0, GICD_ISENABLER, 4, 0xffffffff);
	wr(0, GICD_ISPENDR, 4, 0xffffffff);
	wr(0, GICD_ISACTIVER, 4, 0xffffffff);
	for (unsigned off = 0; off < 32; off += 4)
		wr(0, GICD_IPRIORITYR + off, 4, 0xffffffff);
	wr(0, GICD_SPENDSGIR, 4, 0xffffffff);
	wr(0, GICD_ICFGR + 4, 4, 0xffffffff);
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		CHECK_EQ_AT(irq_equal(&D.priv[1][i], &snap[i]), 1, i);
	CHECK_EQ(rd(1, GICD_ISENABLER, 4), 0xffff);
	CHECK_EQ(rd(1, GICD_ISPENDR, 4), 0);
	CHECK_EQ(rd(1, GICD_ISACTIVER, 4), 0);
	CHECK_EQ(rd(1, GICD_IPRIORITYR + 16, 4), 0);
	CHECK_EQ(rd(0, GICD_ISPENDR, 4), 0xffff000f); /* its own SGIs 0-3 via SPENDSGIR */
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 16, 4), 0xf8f8f8f8);
}

static void test_sgir_filters(void)
{
	CHECK_EQ(setup(4, 64), 0);
	wr(0, GICD_CTLR, 4, 1);
	clear_records();
	/* List: vCPUs 0 and 2, SGI 3, from vCPU 1. Bits for vCPUs 4-7 do not exist. */
	wr(1, GICD_SGIR, 4, (0u << 24) | (0xf5u << 16) | 3);
	CHECK_EQ(D.priv[0][3].sgi_sources, 1u << 1);
	CHECK_EQ(D.priv[2][3].sgi_sources, 1u << 1);
	CHECK_EQ(D.priv[1][3].sgi_sources, 0);
	CHECK_EQ(D.priv[3][3].sgi_sources, 0);
	CHECK_EQ(kicks[0], 1);
	CHECK_EQ(kicks[2], 1);
	CHECK_EQ(total_kicks(), 2);
	CHECK_EQ(rd(2, GICD_ISPENDR, 4), 1u << 3);
	CHECK_EQ(rd(2, GICD_SPENDSGIR, 4), 0x02000000);
	CHECK_EQ(rd(2, GICD_CPENDSGIR + 3, 1), 0x02);
	/* All but self, SGI 4, from vCPU 1. */
	wr(1, GICD_SGIR, 4, (1u << 24) | (0x00u << 16) | 4);
	for (unsigned v = 0; v < 4; v++)
		CHECK_EQ_AT(D.priv[v][4].sgi_sources, v == 1 ? 0 : 2, v);
	/* Self only, SGI 15, from vCPU 3 (the target list is ignored). */
	wr(3, GICD_SGIR, 4, (2u << 24) | (0x01u << 16) | 15);
	for (unsigned v = 0; v < 4; v++)
		CHECK_EQ_AT(D.priv[v][15].sgi_sources, v == 3 ? 8 : 0, v);
	/* Reserved filter: nothing. */
	clear_records();
	wr(0, GICD_SGIR, 4, (3u << 24) | (0xffu << 16) | 5);
	for (unsigned v = 0; v < 4; v++)
		CHECK_EQ_AT(D.priv[v][5].sgi_sources, 0, v);
	CHECK_EQ(total_kicks(), 0);
	/* Sources accumulate per sender; SGIR reads as zero. */
	wr(0, GICD_SGIR, 4, (0x04u << 16) | 3);
	CHECK_EQ(D.priv[2][3].sgi_sources, 0x3);
	CHECK_EQ(rd(2, GICD_SGIR, 4), 0);
	/* Uniprocessor: all-but-self reaches nobody. */
	CHECK_EQ(setup(1, 32), 0);
	wr(0, GICD_SGIR, 4, (1u << 24) | 7);
	CHECK_EQ(D.priv[0][7].sgi_sources, 0);
	wr(0, GICD_SGIR, 4, (2u << 24) | 7);
	CHECK_EQ(D.priv[0][7].sgi_sources, 1);
}

static void test_spendsgir_cpendsgir(void)
{
	CHECK_EQ(setup(3, 64), 0);
	wr(1, GICD_SPENDSGIR + 2, 1, 0xff); /* SGI 2, sources beyond vCPU 2 ignored */
	CHECK_EQ(D.priv[1][2].sgi_sources, 0x07);
	CHECK_EQ(rd(1, GICD_SPENDSGIR, 4), 0x00070000);
	CHECK_EQ(rd(0, GICD_SPENDSGIR, 4), 0);
	CHECK_EQ(rd(1, GICD_ISPENDR, 4), 1u << 2);
	wr(1, GICD_CPENDSGIR, 4, 0x00010000);
	CHECK_EQ(rd(1, GICD_CPENDSGIR + 2, 1), 0x06);
	wr(1, GICD_SPENDSGIR + 12, 4, 0x01020304); /* SGIs 12-15 */
	CHECK_EQ(rd(1, GICD_SPENDSGIR + 12, 4), 0x01020304);
	CHECK_EQ(D.priv[1][15].sgi_sources, 0x01);
	CHECK_EQ(D.priv[1][12].sgi_sources, 0x04);
	wr(1, GICD_CPENDSGIR + 12, 4, 0xffffffff);
	CHECK_EQ(rd(1, GICD_SPENDSGIR + 12, 4), 0);
	/* Set-pending writes of zero bits change nothing. */
	wr(1, GICD_SPENDSGIR + 2, 1, 0);
	CHECK_EQ(D.priv[1][2].sgi_sources, 0x06);
	wr(1, GICD_CPENDSGIR + 2, 1, 0x06);
	CHECK_EQ(rd(1, GICD_ISPENDR, 4), 0);
}

static void test_beyond_nr_irqs_raz_wi(void)
{
	CHECK_EQ(setup(2, 64), 0);
	static const uint32_t words[] = { GICD_IGROUPR, GICD_ISENABLER, GICD_ISPENDR,
					  GICD_ISACTIVER };
	for (unsigned i = 0; i < 4; i++) {
		wr(0, words[i] + 8, 4, 0xffffffff);
		CHECK_EQ_AT(rd(0, words[i] + 8, 4), 0, i);
		CHECK_EQ_AT(rd(0, words[i] + 0x7c, 4), 0, i);
	}
	wr(0, GICD_IPRIORITYR + 64, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 64, 4), 0);
	wr(0, GICD_ITARGETSR + 64, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ITARGETSR + 64, 4), 0);
	wr(0, GICD_ICFGR + 16, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ICFGR + 16, 4), 0);
	CHECK(vgic_get_irq(&D, 0, 64) == NULL);
	CHECK(vgic_get_irq(&D, 2, 0) == NULL);
	/* INTIDs 1020-1023 do not exist even with ITLinesNumber 31. */
	CHECK_EQ(setup(2, 1024), 0);
	wr(0, GICD_ISENABLER + 0x7c, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ISENABLER + 0x7c, 4), 0x0fffffff);
	wr(0, GICD_IPRIORITYR + 1016, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_IPRIORITYR + 1016, 4), 0xf8f8f8f8);
	wr(0, GICD_ICFGR + 0xfc, 4, 0xffffffff);
	CHECK_EQ(rd(0, GICD_ICFGR + 0xfc, 4), 0x00aaaaaa);
	CHECK(vgic_get_irq(&D, 0, 1019) != NULL);
	CHECK(vgic_get_irq(&D, 0, 1020) == NULL);
	CHECK(vgic_get_irq(&D, 0, 1023) == NULL);
}

static void test_kick_on_newly_deliverable(void)
{
	CHECK_EQ(setup(3, 64), 0);
	wr(0, GICD_CTLR, 4, 1);
	wr(0, GICD_ITARGETSR + 40, 1, 0x04); /* SPI 40 -> vCPU 2 */
	clear_records();
	/* Pending but disabled: nothing to deliver yet. */
	wr(0, GICD_ISPENDR + 4, 4, 1u << 8);
	CHECK_EQ(total_kicks(), 0);
	wr(0, GICD_ISENABLER + 4, 4, 1u << 8);
	CHECK_EQ(kicks[2], 1);
	CHECK_EQ(total_kicks(), 1);
	/* Enabling what is already enabled changes nothing. */
	wr(0, GICD_ISENABLER + 4, 4, 1u << 8);
	CHECK_EQ(total_kicks(), 1);
	/* Enabled, not pending: a rising line kicks its target; a second high does not. */
	clear_records();
	wr(1, GICD_ISENABLER + 4, 4, 1u << 9); /* SPI 41, targets none */
	CHECK_EQ(total_kicks(), 0);
	wr(1, GICD_ITARGETSR + 41, 1, 0x02);
	vgic_set_level(&D, 0, 41, true);
	CHECK_EQ(kicks[1], 1);
	vgic_set_level(&D, 0, 41, true);
	CHECK_EQ(total_kicks(), 1);
	/* Private: the bank's own vCPU. */
	clear_records();
	wr(1, GICD_ISENABLER, 4, 1u << 20);
	vgic_set_level(&D, 1, 20, true);
	CHECK_EQ(kicks[1], 1);
	CHECK_EQ(total_kicks(), 1);
	/* Group 1 is off: a pending group 1 interrupt waits for GICD_CTLR. */
	clear_records();
	wr(0, GICD_IGROUPR + 4, 4, 1u << 10);
	wr(0, GICD_ISENABLER + 4, 4, 1u << 10);
	wr(0, GICD_ITARGETSR + 42, 1, 0x01);
	vgic_pulse(&D, 0, 42);
	CHECK_EQ(total_kicks(), 0);
	wr(2, GICD_CTLR, 4, 3);
	CHECK_EQ(kicks[0], 1);
	/* A change of target moves a deliverable SPI: the new target is kicked. */
	clear_records();
	wr(0, GICD_ITARGETSR + 40, 1, 0x01);
	CHECK_EQ(kicks[0], 1);
	CHECK_EQ(total_kicks(), 1);
}

/* Put SPI `intid` (enabled, edge, pending) into vCPU 0's LR and return its LR index. */
static int into_lr0(unsigned intid, uint32_t *lrs, unsigned *n)
{
	uint32_t hcr;

	wr(0, GICD_CTLR, 4, 3);
	wr(0, GICD_ICFGR + intid / 16 * 4, 4, 0xaaaaaaaa);
	wr(0, GICD_ITARGETSR + intid, 1, 0x01);
	wr(0, GICD_ISENABLER + intid / 32 * 4, 4, 1u << (intid % 32));
	vgic_pulse(&D, 0, intid);
	*n = vgic_flush_lrs(&D, 0, lrs, 4, &hcr);
	for (unsigned i = 0; i < *n; i++)
		if ((lrs[i] & GICH_LR_VIRTUAL_ID_MASK) == intid)
			return (int)i;
	return -1;
}

static void test_kick_lr_holder_on_change(void)
{
	uint32_t lrs[4];
	unsigned n;
	int i;

	CHECK_EQ(setup(2, 64), 0);
	i = into_lr0(40, lrs, &n);
	CHECK(i >= 0);
	CHECK_EQ(vgic_get_irq(&D, 0, 40)->lr_vcpu, 0);
	/* Every write that changes it must make vCPU 0 resync its copy. */
	clear_records();
	wr(1, GICD_IPRIORITYR + 40, 1, 0x80);
	CHECK_EQ(kicks[0], 1);
	wr(1, GICD_IGROUPR + 4, 4, 1u << 8);
	CHECK_EQ(kicks[0], 2);
	wr(1, GICD_ICENABLER + 4, 4, 1u << 8);
	CHECK_EQ(kicks[0], 3);
	wr(1, GICD_ISACTIVER + 4, 4, 1u << 8);
	CHECK_EQ(kicks[0], 4);
	wr(1, GICD_ICACTIVER + 4, 4, 1u << 8);
	CHECK_EQ(kicks[0], 5);
	wr(1, GICD_ICPENDR + 4, 4, 1u << 8);
	CHECK_EQ(kicks[0], 6);
	wr(1, GICD_ITARGETSR + 40, 1, 0x02);
	CHECK_EQ(kicks[0], 7);
	wr(1, GICD_ICFGR + 8, 4, 0);
	CHECK_EQ(kicks[0], 8);
	CHECK_EQ(kicks[1], 0); /* not pending now: vCPU 1 has nothing to take */
	/* Unchanged values do not kick. */
	wr(1, GICD_IPRIORITYR + 40, 1, 0x80);
	wr(1, GICD_ICENABLER + 4, 4, 1u << 8);
	CHECK_EQ(kicks[0], 8);
}

static void test_kick_sgi_in_lr_on_cpendsgir(void)
{
	uint32_t lrs[4];
	uint32_t hcr;

	CHECK_EQ(setup(2, 64), 0);
	wr(0, GICD_CTLR, 4, 1);
	wr(1, GICD_SGIR, 4, (0x01u << 16) | 6); /* vCPU 1 -> vCPU 0, SGI 6 */
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	/* The pending instance is in the LR, and still reads as pending. */
	CHECK_EQ(D.priv[0][6].sgi_sources, 0);
	CHECK_EQ(rd(0, GICD_SPENDSGIR + 4, 4), 0x00020000);
	CHECK_EQ(rd(0, GICD_ISPENDR, 4), 1u << 6);
	clear_records();
	wr(0, GICD_CPENDSGIR + 6, 1, 0x02);
	CHECK_EQ(kicks[0], 1);
	CHECK_EQ(rd(0, GICD_SPENDSGIR + 4, 4), 0);
	/* The LR copy, still pending, is not folded back over the clear. */
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK_EQ(D.priv[0][6].sgi_sources, 0);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
}

static void test_pending_clear_beats_stale_lr(void)
{
	uint32_t lrs[4];
	unsigned n;
	uint32_t hcr;
	int i;

	CHECK_EQ(setup(2, 64), 0);
	i = into_lr0(45, lrs, &n);
	CHECK(i >= 0);
	/* Pending moved into the LR: reads still show it. */
	CHECK(!vgic_get_irq(&D, 0, 45)->pending_latch);
	CHECK_EQ(rd(1, GICD_ISPENDR + 4, 4), 1u << 13);
	wr(1, GICD_ICPENDR + 4, 4, 1u << 13);
	CHECK_EQ(rd(1, GICD_ISPENDR + 4, 4), 0);
	vgic_sync_lrs(&D, 0, lrs, n); /* the LR still says pending */
	CHECK_EQ(rd(1, GICD_ISPENDR + 4, 4), 0);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
	/* Likewise an active-state clear beats an LR that still shows active. */
	CHECK_EQ(setup(2, 64), 0);
	i = into_lr0(45, lrs, &n);
	CHECK(i >= 0);
	lrs[i] = (lrs[i] & ~GICH_LR_STATE_MASK) | GICH_LR_ACTIVE; /* guest acknowledged */
	wr(1, GICD_ICACTIVER + 4, 4, 1u << 13);
	vgic_sync_lrs(&D, 0, lrs, n);
	CHECK(!vgic_get_irq(&D, 0, 45)->active);
	CHECK_EQ(vgic_get_irq(&D, 0, 45)->lr_vcpu, -1);
	/* And a set-pending while the guest had acknowledged it is a new event. */
	CHECK_EQ(setup(2, 64), 0);
	i = into_lr0(45, lrs, &n);
	CHECK(i >= 0);
	lrs[i] = (lrs[i] & ~GICH_LR_STATE_MASK) | GICH_LR_ACTIVE;
	wr(1, GICD_ISPENDR + 4, 4, 1u << 13);
	vgic_sync_lrs(&D, 0, lrs, n);
	CHECK(vgic_get_irq(&D, 0, 45)->active);
	CHECK(vgic_get_irq(&D, 0, 45)->pending_latch);
}

int main(void)
{
	RUN(init_rejects_bad_config);
	RUN(access_errors);
	RUN(reset_ctlr_typer_iidr);
	RUN(reset_per_irq_registers);
	RUN(reset_itargetsr);
	RUN(id_registers);
	RUN(ctlr_rw_and_kicks);
	RUN(read_only_registers_ignore_writes);
	RUN(igroupr_rw_and_banked);
	RUN(enable_set_clear);
	RUN(pending_level_and_edge);
	RUN(active_set_clear);
	RUN(priority_masked_byte_and_word);
	RUN(spi_targets_masked);
	RUN(icfgr);
	RUN(wrong_width_raz_wi);
	RUN(private_banking);
	RUN(sgir_filters);
	RUN(spendsgir_cpendsgir);
	RUN(beyond_nr_irqs_raz_wi);
	RUN(kick_on_newly_deliverable);
	RUN(kick_lr_holder_on_change);
	RUN(kick_sgi_in_lr_on_cpendsgir);
	RUN(pending_clear_beats_stale_lr);
	return check_exit();
}

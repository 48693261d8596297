/* List-register flush and sync: priority order, refills, exactly-once edges, level
 * re-delivery after EOI, SGI sources, one LR per interrupt, HW and EOI bits. The guest
 * is simulated by editing LR state the way the virtual CPU interface would. */
#define CHECK_SUITE "vgic_lr"
#include "check.h"

#include <string.h>

#include "gic/vgic.h"

static struct vgic_dist D;
static unsigned kicks[VGIC_MAX_VCPUS];

static void rec_kick(void *ctx, unsigned vcpu)
{
	(void)ctx;
	kicks[vcpu]++;
}

static void setup(unsigned nr_vcpus, unsigned nr_irqs)
{
	vgic_dist_init(&D, nr_vcpus, nr_irqs);
	D.kick = rec_kick;
	memset(kicks, 0, sizeof(kicks));
	vgic_dist_write(&D, 0, GICD_CTLR, 4, 3);
}

static void wr(unsigned vcpu, uint32_t off, unsigned len, uint32_t val)
{
	vgic_dist_write(&D, vcpu, off, len, val);
}

/* An SPI aimed at `vcpu`, enabled, group 0, priority `prio`, edge or level. */
static void spi(unsigned intid, unsigned vcpu, uint8_t prio, bool edge)
{
	struct vgic_irq *irq = vgic_get_irq(&D, 0, intid);

	wr(0, GICD_ITARGETSR + intid, 1, 1u << vcpu);
	wr(0, GICD_IPRIORITYR + intid, 1, prio);
	wr(0, GICD_ISENABLER + intid / 32 * 4, 4, 1u << (intid % 32));
	irq->edge = edge; /* one bit of GICD_ICFGR without disturbing its neighbours */
}

static unsigned lr_id(uint32_t lr) { return lr & GICH_LR_VIRTUAL_ID_MASK; }
static unsigned lr_cpuid(uint32_t lr) { return (lr & GICH_LR_CPUID_MASK) >> GICH_LR_CPUID_SHIFT; }
static unsigned lr_prio(uint32_t lr) { return (lr & GICH_LR_PRIORITY_MASK) >> GICH_LR_PRIORITY_SHIFT; }
static uint32_t lr_state(uint32_t lr) { return lr & GICH_LR_STATE_MASK; }

/* GICV_IAR: the highest-priority pending, not active, LR becomes active. -1: none. */
static int guest_ack(uint32_t *lrs, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n; i++) {
		if (lr_state(lrs[i]) != GICH_LR_PENDING)
			continue;
		if (best < 0 || lr_prio(lrs[i]) < lr_prio(lrs[best]))
			best = (int)i;
	}
	if (best >= 0)
		lrs[best] = (lrs[best] & ~GICH_LR_STATE_MASK) | GICH_LR_ACTIVE;
	return best;
}

/* GICV_EOIR with EOImode 0: the active state goes, a pending one stays. */
static void guest_eoi(uint32_t *lrs, int i)
{
	lrs[i] &= ~GICH_LR_ACTIVE;
}

static void test_flush_priority_order_and_encoding(void)
{
	uint32_t lrs[6];
	uint32_t hcr;

	setup(2, 64);
	spi(40, 0, 0x80, true);
	spi(41, 0, 0x40, true);
	spi(42, 0, 0x40, false);
	spi(43, 1, 0x00, true); /* another vCPU's */
	wr(0, GICD_ISENABLER, 4, 1u << 20);
	wr(0, GICD_IPRIORITYR + 20, 1, 0xa0);
	wr(0, GICD_IGROUPR, 4, 1u << 20);
	vgic_pulse(&D, 0, 40);
	vgic_pulse(&D, 0, 41);
	vgic_set_level(&D, 0, 42, true);
	vgic_pulse(&D, 0, 43);
	vgic_set_level(&D, 0, 20, true);
	memset(lrs, 0xff, sizeof(lrs));
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 6, &hcr), 4);
	CHECK_EQ(hcr, 0);
	CHECK_EQ(lr_id(lrs[0]), 41);
	CHECK_EQ(lr_id(lrs[1]), 42);
	CHECK_EQ(lr_id(lrs[2]), 40);
	CHECK_EQ(lr_id(lrs[3]), 20);
	CHECK_EQ(lrs[4], 0);
	CHECK_EQ(lrs[5], 0);
	/* Edge, group 0: pending, priority >> 3, no HW, no EOI. */
	CHECK_EQ(lrs[0], GICH_LR_PENDING | (0x40u >> 3) << GICH_LR_PRIORITY_SHIFT | 41);
	/* Level, not HW: the EOI bit asks for a maintenance interrupt to resample. */
	CHECK_EQ(lrs[1], GICH_LR_PENDING | GICH_LR_EOI | (0x40u >> 3) << GICH_LR_PRIORITY_SHIFT | 42);
	CHECK_EQ(lrs[3], GICH_LR_GRP1 | GICH_LR_PENDING | GICH_LR_EOI |
				 (0xa0u >> 3) << GICH_LR_PRIORITY_SHIFT | 20);
	CHECK_EQ(vgic_get_irq(&D, 0, 41)->lr_vcpu, 0);
	CHECK_EQ(vgic_get_irq(&D, 0, 43)->lr_vcpu, -1);
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 1);
	CHECK_EQ(lrs[0], GICH_LR_PENDING | 43);
}

/* Active interrupts go in first (the guest must find them to complete them), but the best
 * pending one always gets an LR: with one LR, the active one waits in the model. */
static void test_active_first_but_best_pending_gets_an_lr(void)
{
	uint32_t lrs[3];
	uint32_t hcr;

	setup(1, 64);
	spi(40, 0, 0xf0, true);
	spi(41, 0, 0x00, true);
	spi(42, 0, 0x10, true);
	wr(0, GICD_ISACTIVER + 4, 4, 1u << 8); /* 40 active, lowest priority */
	vgic_pulse(&D, 0, 41);
	vgic_pulse(&D, 0, 42);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 1, &hcr), 1);
	CHECK_EQ(lrs[0], GICH_LR_PENDING | 41);
	CHECK_EQ(hcr, GICH_HCR_NPIE | GICH_HCR_LRENPIE);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 2, &hcr), 2);
	CHECK_EQ(lrs[0], GICH_LR_ACTIVE | (0xf0u >> 3) << GICH_LR_PRIORITY_SHIFT | 40);
	CHECK_EQ(lr_id(lrs[1]), 41);
	CHECK_EQ(hcr, GICH_HCR_NPIE); /* 42 waits */
	/* Not taken: both stay as they were. */
	vgic_sync_lrs(&D, 0, lrs, 2);
	CHECK(vgic_get_irq(&D, 0, 40)->active);
	CHECK(vgic_get_irq(&D, 0, 41)->pending_latch);
	CHECK_EQ(vgic_get_irq(&D, 0, 41)->lr_vcpu, -1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 3, &hcr), 3);
	CHECK_EQ(hcr, 0);
}

/* Run flush / guest takes everything / sync until nothing is left. */
static unsigned drain(unsigned vcpu, unsigned nr_lrs, unsigned *count, unsigned *order,
		      unsigned max_order)
{
	unsigned delivered = 0;

	for (unsigned round = 0; round < 100; round++) {
		uint32_t lrs[VGIC_MAX_LRS];
		uint32_t hcr;
		unsigned n = vgic_flush_lrs(&D, vcpu, lrs, nr_lrs, &hcr);
		int i;

		if (!n)
			break;
		while ((i = guest_ack(lrs, n)) >= 0) {
			count[lr_id(lrs[i])]++;
			if (delivered < max_order)
				order[delivered] = lr_id(lrs[i]);
			delivered++;
			guest_eoi(lrs, i);
		}
		vgic_sync_lrs(&D, vcpu, lrs, n);
	}
	return delivered;
}

static void test_more_than_lrs_each_once_in_order(void)
{
	unsigned count[64] = { 0 }, order[16];
	uint32_t lrs[4];
	uint32_t hcr;

	setup(2, 64);
	for (unsigned k = 0; k < 10; k++) {
		spi(32 + k, 1, (uint8_t)(0xf8 - 0x10 * k), true);
		vgic_pulse(&D, 0, 32 + k);
	}
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 4);
	CHECK(hcr);
	vgic_sync_lrs(&D, 1, lrs, 4); /* guest took nothing: all still pending */
	CHECK_EQ(drain(1, 4, count, order, 16), 10);
	for (unsigned k = 0; k < 10; k++) {
		CHECK_EQ_AT(count[32 + k], 1, k);
		CHECK_EQ_AT(order[k], 41 - k, k); /* highest priority (lowest value) first */
	}
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 0);
	CHECK_EQ(hcr, 0);
}

static void test_edge_retriggered_while_in_lr(void)
{
	uint32_t lrs[4];
	uint32_t hcr;
	int i;

	setup(1, 64);
	spi(50, 0, 0x80, true);
	vgic_pulse(&D, 0, 50);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK(!vgic_get_irq(&D, 0, 50)->pending_latch);
	/* A second edge before the guest took the first: still one pending event. */
	vgic_pulse(&D, 0, 50);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK(vgic_get_irq(&D, 0, 50)->pending_latch);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	i = guest_ack(lrs, 1);
	CHECK_EQ(i, 0);
	/* An edge after the guest took it is a new event: pending and active. */
	memset(kicks, 0, sizeof(kicks));
	vgic_pulse(&D, 0, 50);
	CHECK_EQ(kicks[0], 1);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK(vgic_get_irq(&D, 0, 50)->active);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(lr_state(lrs[0]), GICH_LR_PENDING | GICH_LR_ACTIVE);
	guest_eoi(lrs, 0);
	CHECK_EQ(guest_ack(lrs, 1), 0);
	guest_eoi(lrs, 0);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK(!vgic_irq_pending(vgic_get_irq(&D, 0, 50)));
	CHECK(!vgic_get_irq(&D, 0, 50)->active);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
}

static void test_level_refires_while_high(void)
{
	uint32_t lrs[4];
	uint32_t hcr;

	setup(1, 64);
	spi(60, 0, 0x20, false);
	vgic_set_level(&D, 0, 60, true);
	for (unsigned k = 0; k < 3; k++) {
		CHECK_EQ_AT(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1, k);
		CHECK_EQ_AT(lrs[0] & (GICH_LR_EOI | GICH_LR_STATE_MASK), GICH_LR_EOI | GICH_LR_PENDING, k);
		CHECK_EQ_AT(guest_ack(lrs, 1), 0, k);
		guest_eoi(lrs, 0);
		vgic_sync_lrs(&D, 0, lrs, 1);
		CHECK_EQ_AT(vgic_irq_pending(vgic_get_irq(&D, 0, 60)), 1, k);
	}
	/* The device lowers the line while the guest handles it: no more deliveries. */
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(guest_ack(lrs, 1), 0);
	vgic_set_level(&D, 0, 60, false);
	guest_eoi(lrs, 0);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
	/* A line that drops before the guest took it cancels the delivery. */
	vgic_set_level(&D, 0, 60, true);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	vgic_set_level(&D, 0, 60, false);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
}

static void test_level_latch_consumed_by_ack(void)
{
	uint32_t lrs[4];
	uint32_t hcr;

	setup(1, 64);
	spi(61, 0, 0x20, false);
	wr(0, GICD_ISPENDR + 4, 4, 1u << 29);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(guest_ack(lrs, 1), 0);
	vgic_sync_lrs(&D, 0, lrs, 1); /* still active: the guest is in its handler */
	CHECK(!vgic_get_irq(&D, 0, 61)->pending_latch);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(lr_state(lrs[0]), GICH_LR_ACTIVE);
	guest_eoi(lrs, 0);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
}

static void test_sgi_two_sources(void)
{
	uint32_t lrs[4];
	uint32_t hcr;
	unsigned seen = 0;

	setup(3, 64);
	wr(0, GICD_SGIR, 4, (0x02u << 16) | 9); /* vCPU 0 -> 1 */
	wr(2, GICD_SGIR, 4, (0x02u << 16) | 9); /* vCPU 2 -> 1 */
	CHECK_EQ(D.priv[1][9].sgi_sources, 0x5);
	for (unsigned k = 0; k < 2; k++) {
		CHECK_EQ_AT(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 1, k);
		/* One LR per SGI; the EOI bit says another source is waiting. */
		CHECK_EQ_AT(lr_id(lrs[0]), 9, k);
		CHECK_EQ_AT(!!(lrs[0] & GICH_LR_EOI), k == 0, k);
		CHECK_EQ_AT(guest_ack(lrs, 1), 0, k);
		seen |= 1u << lr_cpuid(lrs[0]);
		CHECK_EQ_AT(lr_cpuid(lrs[0]), k == 0 ? 0 : 2, k);
		guest_eoi(lrs, 0);
		vgic_sync_lrs(&D, 1, lrs, 1);
	}
	CHECK_EQ(seen, 0x5);
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 0);
	CHECK_EQ(D.priv[1][9].sgi_sources, 0);
}

static void test_sgi_active_keeps_its_source(void)
{
	uint32_t lrs[4];
	uint32_t hcr;

	setup(3, 64);
	wr(2, GICD_SGIR, 4, (0x01u << 16) | 1); /* vCPU 2 -> 0 */
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(guest_ack(lrs, 1), 0);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK_EQ(D.priv[0][1].active_source, 2);
	/* Another source while it is active: the active one comes back with its CPUID. */
	wr(1, GICD_SGIR, 4, (0x01u << 16) | 1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(lr_state(lrs[0]), GICH_LR_ACTIVE);
	CHECK_EQ(lr_cpuid(lrs[0]), 2);
	CHECK(lrs[0] & GICH_LR_EOI);
	guest_eoi(lrs, 0);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(lr_state(lrs[0]), GICH_LR_PENDING);
	CHECK_EQ(lr_cpuid(lrs[0]), 1);
}

static void test_not_in_two_vcpus_lrs(void)
{
	uint32_t lrs0[4], lrs1[4];
	uint32_t hcr;

	setup(2, 64);
	spi(44, 0, 0x80, true);
	vgic_pulse(&D, 0, 44);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs0, 4, &hcr), 1);
	/* Retargeted while vCPU 0 holds it: vCPU 1 must wait for vCPU 0's sync. */
	memset(kicks, 0, sizeof(kicks));
	wr(1, GICD_ITARGETSR + 44, 1, 0x02);
	CHECK_EQ(kicks[0], 1);
	vgic_pulse(&D, 0, 44);
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs1, 4, &hcr), 0);
	CHECK_EQ(hcr, 0);
	CHECK_EQ(vgic_get_irq(&D, 0, 44)->lr_vcpu, 0);
	/* vCPU 0 never took it; its sync releases it and kicks the new target. */
	memset(kicks, 0, sizeof(kicks));
	vgic_sync_lrs(&D, 0, lrs0, 1);
	CHECK_EQ(kicks[1], 1);
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs1, 4, &hcr), 1);
	CHECK_EQ(lr_id(lrs1[0]), 44);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs0, 4, &hcr), 0);
	/* Private INTIDs are per vCPU: the same number in both is two interrupts. */
	wr(0, GICD_ISENABLER, 4, 1u << 25);
	wr(1, GICD_ISENABLER, 4, 1u << 25);
	vgic_set_level(&D, 0, 25, true);
	vgic_set_level(&D, 1, 25, true);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs0, 4, &hcr), 1);
	CHECK_EQ(lr_id(lrs0[0]), 25);
	CHECK_EQ(D.priv[0][25].lr_vcpu, 0);
	CHECK_EQ(D.priv[1][25].lr_vcpu, -1);
}

static void test_disabled_and_group_disabled(void)
{
	uint32_t lrs[4];
	uint32_t hcr;

	setup(1, 64);
	spi(33, 0, 0x80, true);
	spi(34, 0, 0x80, true);
	spi(35, 0, 0x80, false);
	wr(0, GICD_ICENABLER + 4, 4, 1u << 1);  /* 33 disabled */
	wr(0, GICD_IGROUPR + 4, 4, 1u << 2);    /* 34 group 1 */
	wr(0, GICD_CTLR, 4, 1);                 /* group 1 off */
	vgic_pulse(&D, 0, 33);
	vgic_pulse(&D, 0, 34);
	CHECK(!vgic_has_deliverable(&D, 0));
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
	CHECK_EQ(hcr, 0);
	wr(0, GICD_CTLR, 4, 3);
	CHECK(vgic_has_deliverable(&D, 0));
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(lrs[0], GICH_LR_GRP1 | GICH_LR_PENDING | (0x80u >> 3) << GICH_LR_PRIORITY_SHIFT | 34);
	vgic_sync_lrs(&D, 0, lrs, 1);
	/* Active but disabled and pending: the active state must still reach the guest,
	 * the pending one must not. */
	wr(0, GICD_ISACTIVER + 4, 4, 1u << 3);
	vgic_set_level(&D, 0, 35, true);
	wr(0, GICD_ICENABLER + 4, 4, 1u << 3);
	wr(0, GICD_ICPENDR + 4, 4, 1u << 2); /* 34 out of the way */
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(lr_id(lrs[0]), 35);
	CHECK_EQ(lr_state(lrs[0]), GICH_LR_ACTIVE);
	guest_eoi(lrs, 0);
	vgic_sync_lrs(&D, 0, lrs, 1);
	CHECK(!vgic_get_irq(&D, 0, 35)->active);
	CHECK(vgic_irq_pending(vgic_get_irq(&D, 0, 35))); /* the line is still high */
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 0);
}

static void test_hw_mapped(void)
{
	uint32_t lrs[4];
	uint32_t hcr;

	setup(2, 64);
	vgic_map_hw(&D, 1, 27, 27);
	vgic_map_hw(&D, 0, 36, 70);
	vgic_map_hw(&D, 0, 5, 5); /* SGIs cannot be HW */
	CHECK(!D.priv[1][5].hw && !D.priv[0][5].hw);
	wr(1, GICD_ISENABLER, 4, 1u << 27);
	wr(1, GICD_IPRIORITYR + 27, 1, 0xa0);
	vgic_set_level(&D, 1, 27, true);
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 1);
	/* HW bit and physical ID; bit 19 belongs to the physical ID, so no EOI bit. */
	CHECK_EQ(lrs[0], GICH_LR_HW | 27u << GICH_LR_PHYS_ID_SHIFT | GICH_LR_PENDING |
				 (0xa0u >> 3) << GICH_LR_PRIORITY_SHIFT | 27);
	CHECK_EQ(GICH_LR_PHYS_ID(lrs[0]), 27);
	CHECK_EQ(guest_ack(lrs, 1), 0);
	vgic_sync_lrs(&D, 1, lrs, 1);
	/* Active with the line still high: active only, never pending+active. */
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 1);
	CHECK_EQ(lr_state(lrs[0]), GICH_LR_ACTIVE);
	CHECK(lrs[0] & GICH_LR_HW);
	vgic_sync_lrs(&D, 1, lrs, 1);
	/* A HW SPI with a physical ID above 31. */
	spi(36, 0, 0x00, true);
	vgic_pulse(&D, 0, 36);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 1);
	CHECK_EQ(lrs[0], GICH_LR_HW | 70u << GICH_LR_PHYS_ID_SHIFT | GICH_LR_PENDING | 36);
}

static void test_lr_count_and_zero_fill(void)
{
	uint32_t lrs[VGIC_MAX_LRS + 4];
	uint32_t hcr;

	setup(1, 64);
	for (unsigned k = 32; k < 64; k++) {
		spi(k, 0, 0x80, true);
		vgic_pulse(&D, 0, k);
	}
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 0, &hcr), 0);
	CHECK(hcr);
	memset(lrs, 0xff, sizeof(lrs));
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, VGIC_MAX_LRS + 4, &hcr), VGIC_MAX_LRS);
	CHECK(hcr);
	for (unsigned i = VGIC_MAX_LRS; i < VGIC_MAX_LRS + 4; i++)
		CHECK_EQ_AT(lrs[i], 0, i);
	vgic_sync_lrs(&D, 0, lrs, VGIC_MAX_LRS);
	/* No such vCPU: nothing delivered, the LRs zeroed. */
	CHECK_EQ(vgic_flush_lrs(&D, 1, lrs, 4, &hcr), 0);
	CHECK_EQ(hcr, 0);
	CHECK_EQ(lrs[0], 0);
}

static void test_sync_ignores_foreign_lrs(void)
{
	uint32_t lrs[2];
	uint32_t hcr;

	setup(2, 64);
	spi(40, 0, 0x80, true);
	vgic_pulse(&D, 0, 40);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 2, &hcr), 1);
	/* vCPU 1 cannot fold back what vCPU 0 holds, nor invent INTIDs. */
	lrs[1] = GICH_LR_ACTIVE | 1023;
	vgic_sync_lrs(&D, 1, lrs, 2);
	CHECK_EQ(vgic_get_irq(&D, 0, 40)->lr_vcpu, 0);
	CHECK(!vgic_get_irq(&D, 0, 40)->pending_latch);
	/* A duplicate entry is folded once. */
	lrs[1] = lrs[0];
	guest_ack(lrs, 1);
	vgic_sync_lrs(&D, 0, lrs, 2);
	CHECK(vgic_get_irq(&D, 0, 40)->active);
	CHECK(!vgic_get_irq(&D, 0, 40)->pending_latch);
	CHECK_EQ(vgic_get_irq(&D, 0, 40)->lr_vcpu, -1);
}

/* A second flush without a sync takes the first one's LRs back as the guest never saw
 * them: nothing lost, nothing doubled. */
static void test_reflush_without_sync(void)
{
	uint32_t lrs[4];
	unsigned count[64] = { 0 }, order[4];
	uint32_t hcr;

	setup(2, 64);
	spi(40, 0, 0x80, true);
	spi(41, 0, 0x80, false);
	vgic_pulse(&D, 0, 40);
	vgic_set_level(&D, 0, 41, true);
	wr(1, GICD_SGIR, 4, (0x01u << 16) | 3);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 3);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 3);
	CHECK_EQ(lr_cpuid(lrs[0]), 1); /* SGI 3, priority 0, first */
	/* Moved meanwhile: the re-flush lets it go to vCPU 1. */
	memset(kicks, 0, sizeof(kicks));
	wr(1, GICD_ITARGETSR + 40, 1, 0x02);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 4, &hcr), 2);
	CHECK_EQ(kicks[1], 1);
	vgic_sync_lrs(&D, 0, lrs, 2);
	CHECK_EQ(D.priv[0][3].sgi_sources, 0x2);
	CHECK(vgic_get_irq(&D, 0, 40)->pending_latch);
	CHECK(vgic_irq_pending(vgic_get_irq(&D, 0, 41)));
	vgic_set_level(&D, 0, 41, false); /* or it would fire forever */
	CHECK_EQ(drain(0, 4, count, order, 4), 1);
	CHECK_EQ(drain(1, 4, count, order, 4), 1);
	CHECK_EQ(count[3], 1);
	CHECK_EQ(count[40], 1);
	CHECK_EQ(count[41], 0);
}

static void test_uniprocessor_spi_goes_to_vcpu0(void)
{
	uint32_t lrs[2];
	uint32_t hcr;

	setup(1, 64);
	wr(0, GICD_ISENABLER + 4, 4, 1u << 15);
	vgic_set_level(&D, 0, 47, true);
	CHECK_EQ(vgic_get_irq(&D, 0, 47)->targets, 0);
	CHECK_EQ(vgic_flush_lrs(&D, 0, lrs, 2, &hcr), 1);
	CHECK_EQ(lr_id(lrs[0]), 47);
}

int main(void)
{
	RUN(flush_priority_order_and_encoding);
	RUN(active_first_but_best_pending_gets_an_lr);
	RUN(more_than_lrs_each_once_in_order);
	RUN(edge_retriggered_while_in_lr);
	RUN(level_refires_while_high);
	RUN(level_latch_consumed_by_ack);
	RUN(sgi_two_sources);
	RUN(sgi_active_keeps_its_source);
	RUN(not_in_two_vcpus_lrs);
	RUN(disabled_and_group_disabled);
	RUN(hw_mapped);
	RUN(lr_count_and_zero_fill);
	RUN(sync_ignores_foreign_lrs);
	RUN(reflush_without_sync);
	RUN(uniprocessor_spi_goes_to_vcpu0);
	return check_exit();
}

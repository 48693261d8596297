/* More interrupts than list registers, against a simulated virtual CPU interface
 * (tests/vif_sim.h): nesting deeper than the LRs, the LR reserved for the best pending
 * interrupt, active-and-pending interrupts held back behind better ones, EOIs and
 * deactivations of interrupts outside the LRs (EOICount, trapped GICV_DIR), and never a
 * maintenance condition that already holds at entry. */
#define CHECK_SUITE "vgic_overflow"
#include "check.h"

#include <string.h>

#include "gic/vgic.h"
#include "vif_sim.h"

static struct vgic_dist D;
static struct vif F;

static void setup(unsigned nr_vcpus, unsigned nr_lrs)
{
	vgic_dist_init(&D, nr_vcpus, 128);
	vgic_dist_write(&D, 0, GICD_CTLR, 4, 3);
	memset(&F, 0, sizeof(F));
	F.nr_lrs = nr_lrs;
	F.pmr = 0xff;
}

static void wr(uint32_t off, unsigned len, uint32_t val) { vgic_dist_write(&D, 0, off, len, val); }

static void spi(unsigned intid, uint8_t prio)
{
	wr(GICD_ITARGETSR + intid, 1, 1);
	wr(GICD_IPRIORITYR + intid, 1, prio);
	wr(GICD_ICFGR + intid / 16 * 4, 4, 0xaaaaaaaau); /* edge */
	wr(GICD_ISENABLER + intid / 32 * 4, 4, 1u << (intid % 32));
}

static bool active(unsigned intid) { return vgic_get_irq(&D, 0, intid)->active; }

/* A trapping distributor access: exit, then enter with fresh LRs. No maintenance
 * condition may hold at that entry, in either model. */
#define TRAP()                                                       \
	do {                                                         \
		vif_exit(&D, 0, &F);                                 \
		vif_enter(&D, 0, &F);                                \
		CHECK_EQ(vif_misr(&F, MISR_ARCH), 0);                \
		CHECK_EQ(vif_misr(&F, MISR_QEMU), 0);                \
	} while (0)
#define SETTLE() CHECK(vif_settle(&D, 0, &F))

/* Interrupt k of n nests on top of k-1: each has a higher priority than the last, and is
 * made pending only after the one before was acknowledged. Then all unwind in reverse,
 * with EOImode 0 (EOIR) or 1 (EOIR, and GICV_DIR in the order given). */
static void nest(unsigned n, bool eoimode, const unsigned *dir_order)
{
	uint32_t iar[32];

	setup(1, 4);
	F.eoimode = eoimode;
	for (unsigned k = 0; k < n; k++)
		spi(64 + k, (uint8_t)(0xf8 - 8 * k));
	TRAP();
	for (unsigned k = 0; k < n; k++) {
		vgic_pulse(&D, 0, 64 + k); /* GICD_ISPENDR: traps */
		TRAP();
		iar[k] = vif_ack(&F);
		CHECK_EQ_AT(iar[k], 64 + k, k);
		CHECK_EQ_AT(vif_running_prio(&F), 0xf8 - 8 * k, k);
		SETTLE();
	}
	/* Nothing more to take; every one is active exactly once. */
	CHECK_EQ(vif_ack(&F), 1023);
	TRAP(); /* the guest reads GICD_ISACTIVER */
	for (unsigned k = 0; k < n; k++)
		CHECK_EQ_AT(active(64 + k), 1, k);
	for (unsigned k = n; k-- > 0;) {
		vif_eoi(&F, iar[k]);
		SETTLE();
		CHECK_EQ_AT(vif_running_prio(&F), k ? 0xf8 - 8 * (k - 1) : 0x100, k);
	}
	if (eoimode)
		for (unsigned k = 0; k < n; k++) {
			vif_dir(&D, 0, &F, 64 + dir_order[k]);
			SETTLE();
		}
	TRAP(); /* the guest reads GICD_ISACTIVER */
	for (unsigned k = 0; k < n; k++)
		CHECK_EQ_AT(active(64 + k), 0, k);
	CHECK_EQ(vif_ack(&F), 1023);
	CHECK_EQ(F.apr, 0);
}

static void test_nested_8_eoimode0(void) { nest(8, false, NULL); }
static void test_nested_16_eoimode0(void) { nest(16, false, NULL); }

static void test_nested_16_eoimode1_dir_lowest_first(void)
{
	unsigned order[16];

	for (unsigned k = 0; k < 16; k++)
		order[k] = k;
	nest(16, true, order);
	CHECK(F.dir_traps > 0); /* some were outside the LRs: their DIR trapped */
}

static void test_nested_8_eoimode1_dir_scrambled(void)
{
	static const unsigned order[8] = { 3, 0, 7, 5, 1, 6, 2, 4 };

	nest(8, true, order);
}

/* Each GICV_DIR of an interrupt outside the LRs deactivates exactly that one. */
static void test_dir_of_evicted_is_exact(void)
{
	uint32_t iar[6];

	setup(1, 4);
	F.eoimode = true;
	for (unsigned k = 0; k < 6; k++)
		spi(64 + k, (uint8_t)(0xc0 - 8 * k));
	for (unsigned k = 0; k < 6; k++) {
		vgic_pulse(&D, 0, 64 + k);
		TRAP();
		iar[k] = vif_ack(&F);
		CHECK_EQ_AT(iar[k], 64 + k, k);
	}
	/* 64 and 65 (the lowest priorities) are out of the LRs. */
	TRAP();
	CHECK(F.hcr & GICH_HCR_LRENPIE);
	vif_dir(&D, 0, &F, 65);
	CHECK(!active(65));
	for (unsigned k = 0; k < 6; k++)
		if (k != 1)
			CHECK_EQ_AT(active(64 + k), 1, k);
	vif_dir(&D, 0, &F, 68);
	TRAP();
	CHECK(!active(68));
	CHECK(active(64) && active(66) && active(67) && active(69));
}

/* The first EOI (EOImode 0) that finds no LR is the highest-priority active interrupt
 * outside the LRs; a hardware-mapped one is reported for the physical deactivation. */
static void test_eoicount_highest_priority_first(void)
{
	uint16_t hw[4];

	setup(1, 4);
	spi(40, 0x80);
	spi(41, 0x40);
	spi(42, 0x60);
	vgic_map_hw(&D, 0, 42, 99);
	wr(GICD_ISACTIVER + 4, 4, 7u << 8); /* 40, 41, 42 active, in no LR */
	CHECK_EQ(vgic_fold_eoicount(&D, 0, 1, hw, 4), 0);
	CHECK(!active(41) && active(40) && active(42));
	CHECK_EQ(vgic_fold_eoicount(&D, 0, 5, hw, 4), 1);
	CHECK_EQ(hw[0], 99);
	CHECK(!active(40) && !active(42));
	/* In an LR of this vCPU: not an "outside" one. */
	wr(GICD_ISACTIVER + 4, 4, 1u << 8);
	vif_enter(&D, 0, &F);
	CHECK_EQ(vgic_fold_eoicount(&D, 0, 1, hw, 4), 0);
	CHECK(active(40));
}

static void test_deactivate_only_own_active(void)
{
	unsigned hwirq;

	setup(2, 4);
	spi(40, 0x80);
	spi(41, 0x80);
	wr(GICD_ITARGETSR + 41, 1, 2); /* vCPU 1's */
	vgic_map_hw(&D, 0, 40, 77);
	CHECK(!vgic_deactivate(&D, 0, 40, &hwirq)); /* not active */
	CHECK_EQ(hwirq, VGIC_NO_HWIRQ);
	wr(GICD_ISACTIVER + 4, 4, 3u << 8);
	CHECK(!vgic_deactivate(&D, 0, 41, &hwirq));
	CHECK(active(41));
	CHECK(vgic_deactivate(&D, 0, 40, &hwirq));
	CHECK_EQ(hwirq, 77);
	CHECK(!active(40));
	CHECK(!vgic_deactivate(&D, 0, 1023, &hwirq));
	/* SGIs and PPIs are banked: vCPU 1 cannot deactivate vCPU 0's. */
	vgic_dist_write(&D, 0, GICD_ISACTIVER, 4, 1u << 5);
	CHECK(!vgic_deactivate(&D, 1, 5, &hwirq));
	CHECK(vgic_deactivate(&D, 0, 5, &hwirq));
}

/* With every LR active and more waiting, one LR goes to the best pending interrupt: the
 * lowest-priority active one waits in the model. */
static void test_best_pending_evicts_lowest_active(void)
{
	static const uint8_t prio[4] = { 0x40, 0x50, 0x60, 0x70 };
	uint32_t bits;

	setup(1, 4);
	for (unsigned k = 0; k < 4; k++)
		spi(40 + k, prio[k]);
	spi(50, 0x10);
	wr(GICD_ISACTIVER + 4, 4, 0xfu << 8);
	vgic_pulse(&D, 0, 50);
	CHECK_EQ(vgic_flush_lrs(&D, 0, F.lr, 4, &bits), 4);
	CHECK_EQ(vif_lr_id(F.lr[0]), 40);
	CHECK_EQ(vif_lr_id(F.lr[1]), 41);
	CHECK_EQ(vif_lr_id(F.lr[2]), 42);
	CHECK_EQ(F.lr[3], GICH_LR_PENDING | (0x10u >> 3) << GICH_LR_PRIORITY_SHIFT | 50);
	CHECK_EQ(vgic_get_irq(&D, 0, 43)->lr_vcpu, -1);
	CHECK(active(43));
	/* 43 waits: an EOI of it must come back (LRENP), and so must room (U). Nothing
	 * pending waits, so no NP. */
	CHECK_EQ(bits, GICH_HCR_LRENPIE | GICH_HCR_UIE);
	/* With one LR, the pending one takes it; U would hold at once, so not U. */
	vgic_sync_lrs(&D, 0, F.lr, 4);
	CHECK_EQ(vgic_flush_lrs(&D, 0, F.lr, 1, &bits), 1);
	CHECK_EQ(vif_lr_id(F.lr[0]), 50);
	CHECK_EQ(bits, GICH_HCR_LRENPIE);
}

/* The list registers of the maintenance storm a hostile guest caused (SGI 6, PPI 19 and
 * SGI 2 active, SGI 3 active and pending, more waiting): NP held at entry on QEMU. */
static void test_no_maintenance_due_at_entry_storm_state(void)
{
	setup(1, 4);
	for (unsigned id = 0; id < 32; id++)
		wr(GICD_IPRIORITYR + id, 1, 0x80);
	wr(GICD_ISENABLER, 4, 1u << 19);
	vgic_dist_write(&D, 0, GICD_ISACTIVER, 4, (1u << 6) | (1u << 19) | (1u << 2) | (1u << 3));
	vgic_dist_write(&D, 0, GICD_SPENDSGIR, 4, 1u << 24); /* SGI 3 from vCPU 0 */
	for (unsigned k = 0; k < 4; k++) {
		spi(40 + k, 0xa0);
		vgic_pulse(&D, 0, 40 + k);
	}
	TRAP();
	/* The guest runs: it takes the pending SPIs one by one, each time with nothing due. */
	for (unsigned k = 0; k < 4; k++) {
		CHECK_EQ_AT(vif_ack(&F), 40 + k, k);
		SETTLE();
		vif_eoi(&F, 40 + k);
		SETTLE();
		TRAP();
	}
	CHECK_EQ(vif_ack(&F), 1023);
}

/* Three active interrupts, one of them (SPI 63, priority 0x60) pending again; higher
 * priorities (0x20-0x58) wait beyond the LRs. The guest completes the three and unmasks:
 * it must take every waiting one, in priority order, before SPI 63 again. */
static void held_behind_waiting(bool eoimode)
{
	static const unsigned first[3] = { 60, 61, 63 };
	static const uint8_t first_prio[3] = { 0x70, 0x68, 0x60 };
	uint32_t iar[3], got;
	unsigned n = 0;

	setup(1, 4);
	F.eoimode = eoimode;
	for (unsigned k = 0; k < 3; k++)
		spi(first[k], first_prio[k]);
	for (unsigned k = 0; k < 8; k++)
		spi(50 + k, (uint8_t)(0x20 + 8 * k));
	for (unsigned k = 0; k < 3; k++) {
		vgic_pulse(&D, 0, first[k]);
		TRAP();
		iar[k] = vif_ack(&F);
		CHECK_EQ_AT(iar[k], first[k], k);
	}
	vgic_pulse(&D, 0, 63);
	for (unsigned k = 0; k < 8; k++)
		vgic_pulse(&D, 0, 50 + k);
	TRAP();
	for (unsigned k = 3; k-- > 0;) {
		vif_eoi(&F, iar[k]);
		SETTLE();
		if (eoimode) {
			vif_dir(&D, 0, &F, iar[k]);
			SETTLE();
		}
	}
	while ((got = vif_ack(&F)) != 1023) {
		CHECK_EQ_AT(got, n < 8 ? 50 + n : 63, n);
		n++;
		SETTLE();
		vif_eoi(&F, got);
		SETTLE();
		if (eoimode) {
			vif_dir(&D, 0, &F, got);
			SETTLE();
		}
	}
	CHECK_EQ(n, 9);
}

static void test_held_behind_waiting_eoimode0(void) { held_behind_waiting(false); }
static void test_held_behind_waiting_eoimode1(void) { held_behind_waiting(true); }

/* An active-and-pending LR goes in whole when nothing better waits. */
static void test_active_pending_whole_when_best(void)
{
	uint32_t bits;

	setup(1, 4);
	spi(40, 0x20);
	spi(41, 0x80);
	wr(GICD_ISACTIVER + 4, 4, 1u << 8);
	vgic_pulse(&D, 0, 40);
	CHECK_EQ(vgic_flush_lrs(&D, 0, F.lr, 4, &bits), 1);
	CHECK_EQ(vif_lr_state(F.lr[0]), GICH_LR_PENDING | GICH_LR_ACTIVE);
	CHECK_EQ(bits, 0);
	vgic_sync_lrs(&D, 0, F.lr, 1);
	/* One LR, 41 waits but ranks below 40: still whole. */
	vgic_pulse(&D, 0, 41);
	CHECK_EQ(vgic_flush_lrs(&D, 0, F.lr, 1, &bits), 1);
	CHECK_EQ(vif_lr_id(F.lr[0]), 41); /* the reserved pending LR */
	vgic_sync_lrs(&D, 0, F.lr, 1);
	CHECK_EQ(vgic_flush_lrs(&D, 0, F.lr, 2, &bits), 2);
	CHECK_EQ(F.lr[0], GICH_LR_ACTIVE | GICH_LR_PENDING | (0x20u >> 3) << GICH_LR_PRIORITY_SHIFT | 40);
	CHECK_EQ(bits, 0);
}

int main(void)
{
	RUN(nested_8_eoimode0);
	RUN(nested_16_eoimode0);
	RUN(nested_16_eoimode1_dir_lowest_first);
	RUN(nested_8_eoimode1_dir_scrambled);
	RUN(dir_of_evicted_is_exact);
	RUN(eoicount_highest_priority_first);
	RUN(deactivate_only_own_active);
	RUN(best_pending_evicts_lowest_active);
	RUN(no_maintenance_due_at_entry_storm_state);
	RUN(held_behind_waiting_eoimode0);
	RUN(held_behind_waiting_eoimode1);
	RUN(active_pending_whole_when_best);
	return check_exit();
}

/* The virtual distributor's registers as a guest sees them through the trap path: reset
 * values, read/write, set/clear semantics, byte and word accesses, and what must be
 * ignored. One vCPU: the architecture's uniprocessor rules apply. */
#include "gic.h"
#include "guest.h"

#define SPI 40 /* an SPI nothing drives */

static uint32_t bit(unsigned id) { return 1u << (id % 32); }
static uint32_t reg(uint32_t base, unsigned id) { return base + 4 * (id / 32); }

int main(void)
{
	test_suite = "vgic_regs";

	test_begin("typer-iidr-identification");
	EXPECT_EQ(gicd_r(GICD_TYPER), 160 / 32 - 1); /* ITLinesNumber 4, CPUNumber 0, no security */
	EXPECT_EQ(gicd_r(GICD_IIDR), 0x0200143b);
	EXPECT_EQ(gicd_r(0xfe8), 0x2b); /* PIDR2: GICv2 */
	EXPECT_EQ(gicd_r(0xff0), 0x0d);
	EXPECT_EQ(gicd_r(0xffc), 0xb1);
	gicd_w(GICD_TYPER, 0xffffffff); /* read-only */
	EXPECT_EQ(gicd_r(GICD_TYPER), 4);
	test_end();

	test_begin("ctlr-read-write");
	gicd_w(GICD_CTLR, 0);
	EXPECT_EQ(gicd_r(GICD_CTLR), 0);
	gicd_w(GICD_CTLR, 0xffffffff);
	EXPECT_EQ(gicd_r(GICD_CTLR), 3); /* EnableGrp0, EnableGrp1; the rest RAZ/WI */
	gicd_w(GICD_CTLR, 1);
	EXPECT_EQ(gicd_r(GICD_CTLR), 1);
	test_end();

	test_begin("enable-set-clear");
	gicd_w(reg(GICD_ICENABLER, SPI), ~0u);
	EXPECT_EQ(gicd_r(reg(GICD_ISENABLER, SPI)), 0);
	gicd_w(reg(GICD_ISENABLER, SPI), bit(SPI));
	gicd_w(reg(GICD_ISENABLER, SPI), 0); /* zeros do nothing */
	EXPECT_EQ(gicd_r(reg(GICD_ISENABLER, SPI)), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ICENABLER, SPI)), bit(SPI));
	gicd_w(reg(GICD_ICENABLER, SPI), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ISENABLER, SPI)), 0);
	/* SGIs are always enabled (GIC-400 behaviour, docs/vgic.md). */
	gicd_w(GICD_ICENABLER, 0xffff);
	EXPECT_EQ(gicd_r(GICD_ISENABLER) & 0xffff, 0xffff);
	test_end();

	test_begin("pending-set-clear-visible-while-disabled");
	gicd_w(reg(GICD_ICENABLER, SPI), bit(SPI));
	gicd_w(reg(GICD_ISPENDR, SPI), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ISPENDR, SPI)), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ICPENDR, SPI)), bit(SPI));
	gicd_w(reg(GICD_ICPENDR, SPI), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ISPENDR, SPI)), 0);
	/* SGI pending bits are read-only here. */
	gicd_w(GICD_ISPENDR, 0xffff);
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & 0xffff, 0);
	test_end();

	test_begin("active-set-clear");
	gicd_w(reg(GICD_ISACTIVER, SPI), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ISACTIVER, SPI)), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ICACTIVER, SPI)), bit(SPI));
	gicd_w(reg(GICD_ICACTIVER, SPI), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_ISACTIVER, SPI)), 0);
	test_end();

	test_begin("priority-byte-and-word");
	gicd_wb(GICD_IPRIORITYR + SPI, 0xff);
	EXPECT_EQ(gicd_rb(GICD_IPRIORITYR + SPI), 0xf8); /* 5 priority bits */
	gicd_w(GICD_IPRIORITYR + (SPI & ~3u), 0x12345678);
	EXPECT_EQ(gicd_r(GICD_IPRIORITYR + (SPI & ~3u)), 0x10305078);
	EXPECT_EQ(gicd_rb(GICD_IPRIORITYR + (SPI & ~3u) + 2), 0x30);
	test_end();

	test_begin("itargetsr-uniprocessor-raz-wi");
	EXPECT_EQ(gicd_r(GICD_ITARGETSR), 0);
	gicd_wb(GICD_ITARGETSR + SPI, 0x01);
	EXPECT_EQ(gicd_rb(GICD_ITARGETSR + SPI), 0);
	test_end();

	test_begin("icfgr-sgi-ppi-read-only-spi-rw");
	EXPECT_EQ(gicd_r(GICD_ICFGR), 0xaaaaaaaa);
	gicd_w(GICD_ICFGR, 0);
	EXPECT_EQ(gicd_r(GICD_ICFGR), 0xaaaaaaaa);
	EXPECT_EQ(gicd_r(GICD_ICFGR + 4), 0);
	gicd_w(GICD_ICFGR + 4, 0xffffffff);
	EXPECT_EQ(gicd_r(GICD_ICFGR + 4), 0);
	gicd_w(GICD_ICFGR + 4 * (SPI / 16), 0xffffffff);
	EXPECT_EQ(gicd_r(GICD_ICFGR + 4 * (SPI / 16)), 0xaaaaaaaa); /* Int_config[0] reserved */
	gicd_w(GICD_ICFGR + 4 * (SPI / 16), 0);
	EXPECT_EQ(gicd_r(GICD_ICFGR + 4 * (SPI / 16)), 0);
	test_end();

	test_begin("group-read-write");
	gicd_w(reg(GICD_IGROUPR, SPI), bit(SPI));
	EXPECT_EQ(gicd_r(reg(GICD_IGROUPR, SPI)), bit(SPI));
	gicd_w(reg(GICD_IGROUPR, SPI), 0);
	EXPECT_EQ(gicd_r(reg(GICD_IGROUPR, SPI)), 0);
	test_end();

	test_begin("sgi-pending-set-clear-by-source");
	gicd_wb(GICD_SPENDSGIR + 5, 0x01); /* SGI 5 from vCPU 0 */
	EXPECT_EQ(gicd_rb(GICD_SPENDSGIR + 5), 0x01);
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & 0xffff, 1u << 5);
	gicd_wb(GICD_SPENDSGIR + 5, 0x80); /* no vCPU 7: ignored */
	EXPECT_EQ(gicd_rb(GICD_CPENDSGIR + 5), 0x01);
	gicd_w(GICD_CPENDSGIR + 4, 0x0000ff00);
	EXPECT_EQ(gicd_r(GICD_SPENDSGIR + 4), 0);
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & 0xffff, 0);
	test_end();

	test_begin("reserved-and-beyond-lines-raz-wi");
	gicd_w(0x00c, 0xffffffff);
	EXPECT_EQ(gicd_r(0x00c), 0);
	gicd_w(0xd00, 0xffffffff);
	EXPECT_EQ(gicd_r(0xd00), 0);
	gicd_w(GICD_ISENABLER + 4 * 5, 0xffffffff); /* INTIDs 160-191 do not exist */
	EXPECT_EQ(gicd_r(GICD_ISENABLER + 4 * 5), 0);
	gicd_w(GICD_IPRIORITYR + 200, 0xffffffff);
	EXPECT_EQ(gicd_r(GICD_IPRIORITYR + 200), 0);
	EXPECT_EQ(gicd_r(GICD_SGIR), 0); /* write-only */
	test_end();

	test_begin("halfword-access-ignored");
	gicd_w(GICD_IPRIORITYR + (SPI & ~3u), 0);
	*(volatile uint16_t *)(GICD + GICD_IPRIORITYR + (SPI & ~3u)) = 0xffff;
	EXPECT_EQ(gicd_r(GICD_IPRIORITYR + (SPI & ~3u)), 0);
	EXPECT_EQ(*(volatile uint16_t *)(GICD + GICD_TYPER), 0);
	test_end();

	test_begin("cpu-interface-is-gicv-no-trap");
	{
		uint32_t before = hyp_stat(HYP_STAT_EXITS);
		gicc_w(GICC_PMR, 0xa0);
		uint32_t pmr = gicc_r(GICC_PMR);
		uint32_t iar = gicc_r(GICC_IAR);
		EXPECT_EQ(pmr, 0xa0);
		EXPECT_EQ(iar & 0x3ff, SPURIOUS);
		EXPECT_EQ(hyp_stat(HYP_STAT_EXITS) - before, 1); /* only the STAT call itself */
		gicc_w(GICC_PMR, 0xff);
	}
	test_end();
	return 0;
}

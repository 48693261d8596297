/* Interrupts nested deeper than the list registers (QEMU has 4), as the guest sees them:
 * interrupt k+1 has a higher priority than k and is made pending only once k is
 * acknowledged, so each preempts the one before and all are active at once. Every level
 * must be delivered at once, in order, with GICC_RPR following, each interrupt exactly
 * once; then they unwind with EOImode 0 (EOIR) or EOImode 1 (EOIR, then GICC_DIR in any
 * order), and the distributor must show exactly the ones not yet deactivated as active.
 * Odd levels are SGIs to self, even ones SPIs: both kinds leave and re-enter the LRs. */
#include "gic.h"
#include "guest.h"

#define MAX_LEVELS 16
#define SPI_BASE 64

static unsigned level_id(unsigned k) { return k & 1 ? 1 + k / 2 : SPI_BASE + k; }
static uint8_t level_prio(unsigned k) { return (uint8_t)(0xf0 - 8 * k); }

static void raise(unsigned k)
{
	if (k & 1)
		gic_sgi(2, 0, level_id(k)); /* to self: source CPUID 0 */
	else
		gic_set_pending(level_id(k));
}

static bool is_active(unsigned id) { return gicd_r(GICD_ISACTIVER + 4 * (id / 32)) >> (id % 32) & 1; }

/* Exactly the levels in `mask` are active in the distributor's view. */
static void expect_active(uint32_t mask, unsigned n, unsigned step)
{
	for (unsigned k = 0; k < n; k++)
		if (is_active(level_id(k)) != ((mask >> k) & 1))
			test_fail(__FILE__, __LINE__, "after step %u: INTID %u %sactive", step, level_id(k),
				  is_active(level_id(k)) ? "" : "not ");
}

static void nest(const char *name, unsigned n, bool eoimode, const unsigned *dir_order)
{
	uint32_t iar[MAX_LEVELS], got, mask = 0;

	test_begin(name);
	gic_setup();
	gicc_w(GICC_CTLR, 1 | (eoimode ? GICC_CTLR_EOIMODE : 0));
	for (unsigned k = 0; k < n; k++) {
		gic_set_priority(level_id(k), level_prio(k));
		gic_enable(level_id(k));
	}
	for (unsigned k = 0; k < n; k++) {
		raise(k);
		iar[k] = gicc_r(GICC_IAR);
		EXPECT_EQ(iar[k], level_id(k)); /* SGIs: CPUID 0, ourselves */
		EXPECT_EQ(gicc_r(GICC_RPR), level_prio(k));
		mask |= 1u << k;
	}
	got = gicc_r(GICC_IAR);
	EXPECT_EQ(got, SPURIOUS); /* each was taken once; nothing else waits */
	expect_active(mask, n, 0);
	for (unsigned k = n; k-- > 0;) {
		gicc_w(GICC_EOIR, iar[k]);
		EXPECT_EQ(gicc_r(GICC_RPR), k ? level_prio(k - 1) : 0xff);
		if (!eoimode)
			mask &= ~(1u << k);
	}
	expect_active(mask, n, 100);
	for (unsigned i = 0; eoimode && i < n; i++) {
		gicc_w(GICC_DIR, level_id(dir_order[i]));
		mask &= ~(1u << dir_order[i]);
		expect_active(mask, n, 200 + i);
	}
	EXPECT_EQ(mask, 0);
	/* Nothing comes back: not in the CPU interface, not as an interrupt. */
	EXPECT_EQ(gicc_r(GICC_IAR), SPURIOUS);
	gic_irq_count = 0;
	irqs_on();
	hyp_stat(HYP_STAT_EXITS);
	for (volatile int i = 0; i < 1000; i++)
		;
	irqs_off();
	EXPECT_EQ(gic_irq_count, 0);
	for (unsigned k = 0; k < n; k++)
		gic_disable(level_id(k));
	gicc_w(GICC_CTLR, 1);
	test_end();
}

int main(void)
{
	static const unsigned in_order16[16] = { 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
	static const unsigned lowest_first16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	static const unsigned scrambled8[8] = { 3, 0, 7, 5, 1, 6, 2, 4 };

	test_suite = "vgic_nested";
	irqs_off();
	set_exc_handler(EXC_IRQ, gic_log_irq);
	nest("8-levels-eoimode0", 8, false, 0);
	nest("16-levels-eoimode0", 16, false, 0);
	nest("8-levels-eoimode1-dir-scrambled", 8, true, scrambled8);
	nest("16-levels-eoimode1-dir-innermost-first", 16, true, in_order16);
	nest("16-levels-eoimode1-dir-outermost-first", 16, true, lowest_first16);
	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

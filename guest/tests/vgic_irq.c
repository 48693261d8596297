/* Delivery through the virtual GIC as the guest observes it: which interrupts arrive, in
 * which order, how many times, with which source, and what priority masking and
 * preemption do. Polling GICC_IAR with CPSR.I set shows the CPU interface's decisions
 * without taking exceptions; the IRQ-handler tests show real delivery. */
#include "gic.h"
#include "guest.h"

static void reset_log(void) { gic_irq_count = 0; }

/* Let pending interrupts in, then close again; a HVC in between forces an exit/entry. */
static void open_window(void)
{
	hyp_stat(HYP_STAT_EXITS);
	irqs_on();
	for (volatile int i = 0; i < 1000; i++)
		;
	irqs_off();
}

static uint32_t iar_poll(void) { return gicc_r(GICC_IAR); }

int main(void)
{
	test_suite = "vgic_irq";
	irqs_off();
	gic_setup();
	set_exc_handler(EXC_IRQ, gic_log_irq);

	test_begin("sgi-to-self-once-with-source");
	reset_log();
	gic_sgi(2, 0, 3);
	open_window();
	EXPECT_EQ(gic_irq_count, 1);
	EXPECT_EQ(gic_irq_log[0], 3); /* INTID 3, CPUID 0 */
	test_end();

	test_begin("sgi-all-but-self-and-absent-targets-not-delivered");
	reset_log();
	gic_sgi(1, 0, 4);
	gic_sgi(0, 0xfe, 4); /* vCPUs 1-7 do not exist */
	gic_sgi(3, 0xff, 4); /* reserved filter */
	open_window();
	EXPECT_EQ(gic_irq_count, 0);
	test_end();

	test_begin("edge-merges-while-pending");
	reset_log();
	gic_sgi(2, 0, 6);
	gic_sgi(2, 0, 6);
	gic_sgi(0, 1, 6);
	open_window();
	EXPECT_EQ(gic_irq_count, 1);
	test_end();

	test_begin("priority-order-highest-first");
	{
		static const uint8_t prio[] = { 0x80, 0x40, 0xc0, 0x20 };
		for (unsigned i = 0; i < 4; i++) {
			gic_set_priority(40 + i, prio[i]);
			gic_enable(40 + i);
			gic_set_pending(40 + i);
		}
		reset_log();
		open_window();
		EXPECT_EQ(gic_irq_count, 4);
		EXPECT_EQ(gic_irq_log[0], 43);
		EXPECT_EQ(gic_irq_log[1], 41);
		EXPECT_EQ(gic_irq_log[2], 40);
		EXPECT_EQ(gic_irq_log[3], 42);
	}
	test_end();

	test_begin("more-pending-than-list-registers-each-once-in-order");
	{
		enum { N = 12 };
		for (unsigned i = 0; i < N; i++) {
			gic_set_priority(64 + i, (uint8_t)(0xb0 - 8 * i)); /* later INTID, higher priority */
			gic_enable(64 + i);
		}
		for (unsigned i = 0; i < N; i++)
			gic_set_pending(64 + i);
		reset_log();
		open_window();
		EXPECT_EQ(gic_irq_count, N);
		for (unsigned i = 0; i < N && i < gic_irq_count; i++)
			EXPECT_EQ(gic_irq_log[i], 64 + N - 1 - i);
		for (unsigned i = 0; i < N; i++)
			gic_disable(64 + i);
	}
	test_end();

	test_begin("disabled-not-delivered-until-enabled");
	reset_log();
	gic_disable(45);
	gic_set_pending(45);
	open_window();
	EXPECT_EQ(gic_irq_count, 0);
	gic_enable(45);
	open_window();
	EXPECT_EQ(gic_irq_count, 1);
	EXPECT_EQ(gic_irq_log[0], 45);
	test_end();

	test_begin("distributor-disabled-holds-everything");
	reset_log();
	gicd_w(GICD_CTLR, 0);
	gic_set_pending(45);
	open_window();
	EXPECT_EQ(gic_irq_count, 0);
	gicd_w(GICD_CTLR, 1);
	open_window();
	EXPECT_EQ(gic_irq_count, 1);
	test_end();

	test_begin("pmr-masks-lower-priorities");
	reset_log();
	gic_set_priority(46, 0x90);
	gic_enable(46);
	gicc_w(GICC_PMR, 0x90); /* only priorities < 0x90 get through */
	gic_set_pending(46);
	open_window();
	EXPECT_EQ(gic_irq_count, 0);
	gicc_w(GICC_PMR, 0xa0);
	open_window();
	EXPECT_EQ(gic_irq_count, 1);
	gicc_w(GICC_PMR, 0xff);
	test_end();

	test_begin("preemption-by-higher-priority-only");
	{
		uint32_t a, b, c, spurious1, spurious2;
		gic_set_priority(50, 0x80);
		gic_set_priority(51, 0x40);
		gic_set_priority(52, 0xc0);
		gic_enable(50);
		gic_enable(51);
		gic_enable(52);
		gic_set_pending(50);
		hyp_stat(HYP_STAT_EXITS);
		a = iar_poll();                /* 50 active, running priority 0x80 */
		gic_set_pending(51);
		gic_set_pending(52);
		b = iar_poll();                /* 51 preempts */
		spurious1 = iar_poll();        /* 52 is lower than the running priority */
		gicc_w(GICC_EOIR, b);
		spurious2 = iar_poll();        /* still below 50's priority */
		gicc_w(GICC_EOIR, a);
		c = iar_poll();
		gicc_w(GICC_EOIR, c);
		EXPECT_EQ(a & 0x3ff, 50);
		EXPECT_EQ(b & 0x3ff, 51);
		EXPECT_EQ(spurious1 & 0x3ff, SPURIOUS);
		EXPECT_EQ(spurious2 & 0x3ff, SPURIOUS);
		EXPECT_EQ(c & 0x3ff, 52);
	}
	test_end();

	test_begin("binary-point-groups-priorities-no-preemption");
	{
		uint32_t a, b, c;
		gicc_w(GICC_BPR, 7); /* one group priority: nothing preempts */
		gic_set_pending(50);
		hyp_stat(HYP_STAT_EXITS);
		a = iar_poll();
		gic_set_pending(51);
		b = iar_poll();
		gicc_w(GICC_EOIR, a);
		c = iar_poll();
		gicc_w(GICC_EOIR, c);
		gicc_w(GICC_BPR, 0);
		EXPECT_EQ(a & 0x3ff, 50);
		EXPECT_EQ(b & 0x3ff, SPURIOUS);
		EXPECT_EQ(c & 0x3ff, 51);
	}
	test_end();

	test_begin("active-state-visible-in-distributor");
	{
		uint32_t iar;
		gic_set_pending(50);
		hyp_stat(HYP_STAT_EXITS);
		iar = iar_poll();
		EXPECT_EQ(iar & 0x3ff, 50);
		EXPECT_EQ(gicd_r(GICD_ISACTIVER + 4) & (1u << 18), 1u << 18);
		EXPECT_EQ(gicd_r(GICD_ISPENDR + 4) & (1u << 18), 0);
		gicc_w(GICC_EOIR, iar);
		EXPECT_EQ(gicd_r(GICD_ISACTIVER + 4) & (1u << 18), 0);
	}
	test_end();

	test_begin("clear-pending-reaches-list-register");
	gic_set_pending(50);
	hyp_stat(HYP_STAT_EXITS);        /* an entry: 50 is now in a list register */
	gicd_w(GICD_ICPENDR + 4, 1u << 18);
	EXPECT_EQ(iar_poll() & 0x3ff, SPURIOUS);
	test_end();

	test_begin("disable-reaches-list-register");
	gic_set_pending(50);
	hyp_stat(HYP_STAT_EXITS);
	gic_disable(50);
	EXPECT_EQ(iar_poll() & 0x3ff, SPURIOUS);
	gicd_w(GICD_ICPENDR + 4, 1u << 18);
	gic_enable(50);
	test_end();

	test_begin("priority-change-reaches-list-register");
	gic_set_pending(50);
	hyp_stat(HYP_STAT_EXITS);
	gicc_w(GICC_PMR, 0x90);
	gic_set_priority(50, 0xa0);      /* now masked by PMR */
	EXPECT_EQ(iar_poll() & 0x3ff, SPURIOUS);
	gicc_w(GICC_PMR, 0xff);
	EXPECT_EQ(iar_poll() & 0x3ff, 50);
	gicc_w(GICC_EOIR, 50);
	test_end();

	test_begin("spendsgir-source-in-iar-and-cpendsgir-cancels");
	reset_log();
	gicd_wb(GICD_SPENDSGIR + 9, 0x01);
	open_window();
	EXPECT_EQ(gic_irq_count, 1);
	EXPECT_EQ(gic_irq_log[0], 9);
	reset_log();
	gicd_wb(GICD_SPENDSGIR + 9, 0x01);
	gicd_wb(GICD_CPENDSGIR + 9, 0x01);
	open_window();
	EXPECT_EQ(gic_irq_count, 0);
	test_end();

	test_begin("level-latch-delivered-once");
	reset_log();
	gic_set_pending(47); /* level-sensitive SPI, line low: the latch is one event */
	gic_enable(47);
	open_window();
	open_window();
	EXPECT_EQ(gic_irq_count, 1);
	EXPECT_EQ(gicd_r(GICD_ISPENDR + 4) & (1u << 15), 0);
	test_end();

	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

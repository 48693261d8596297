/* Held list registers (gic/vgic_hw.c): an exit on which the guest moved nothing in its
 * LRs leaves them as they are, unfolded, and the next entry rebuilds nothing. Every
 * scenario here runs twice, with the fast path and with HYP_CALL_FOLD_EVERY_EXIT (every
 * exit folds and rebuilds, as before), and what the guest observes must be the same and
 * right both times: interrupts taken once each, in priority order, with the state that
 * GICD and GICC registers report between exits. */
#include "gic.h"
#include "guest.h"

#define SPI0 40
#define NSPI 6 /* more than the 4 list registers */

/* Exits that touch no interrupt state: hypercalls and emulated MMIO. */
static void exits(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		hyp_stat(HYP_STAT_EXITS);
		(void)mmio_r32(TESTDEV_IPA);
	}
}

static void settle(void)
{
	for (volatile int i = 0; i < 2000; i++)
		;
}

static void knob(bool every_exit)
{
	EXPECT_EQ(hvc_call(HYP_CALL_FOLD_EVERY_EXIT, every_exit, 0, 0).r0, 0);
}

/* Six SPIs pending while CPSR.I masks them, so the LRs hold four pending ones across
 * many exits; then taken in priority order, each once. */
static void masked_pending(bool every_exit)
{
	test_begin(every_exit ? "fold-every-exit/masked-pending-taken-once-in-order"
			      : "held/masked-pending-taken-once-in-order");
	knob(every_exit);
	gic_setup();
	for (unsigned k = 0; k < NSPI; k++) {
		gic_set_priority(SPI0 + k, (uint8_t)(0x60 - 8 * k)); /* the last is the best */
		gicd_wb(GICD_ITARGETSR + SPI0 + k, 1);
		gic_enable(SPI0 + k);
		gic_set_pending(SPI0 + k);
	}
	exits(50);
	/* A distributor read between the exits sees all six pending. */
	EXPECT_EQ((gicd_r(GICD_ISPENDR + 4) >> (SPI0 - 32)) & 0x3f, 0x3f);
	exits(50);
	gic_irq_count = 0;
	irqs_on();
	settle();
	irqs_off();
	EXPECT_EQ(gic_irq_count, NSPI);
	for (unsigned k = 0; k < NSPI && k < gic_irq_count; k++)
		EXPECT_EQ(gic_irq_log[k], SPI0 + NSPI - 1 - k);
	EXPECT_EQ(gicd_r(GICD_ISPENDR + 4) & (0x3fu << (SPI0 - 32)), 0);
	for (unsigned k = 0; k < NSPI; k++)
		gic_disable(SPI0 + k);
	test_end();
}

/* An interrupt active in its LR while its handler makes exits: the running priority and
 * ISACTIVER say so between them, and once it is completed nothing is left. */
static volatile uint32_t rpr_in_handler, active_in_handler, handled;

static void active_handler(enum exc_kind k, struct exc_frame *f)
{
	uint32_t iar = gicc_r(GICC_IAR);

	(void)k;
	(void)f;
	if ((iar & 0x3ff) == SPURIOUS)
		return;
	exits(20);
	rpr_in_handler = gicc_r(GICC_RPR);
	exits(20);
	active_in_handler = gicd_r(GICD_ISACTIVER + 4);
	exits(20);
	gicc_w(GICC_EOIR, iar);
	handled++;
}

static void active_across_exits(bool every_exit)
{
	test_begin(every_exit ? "fold-every-exit/active-in-lr-across-exits"
			      : "held/active-in-lr-across-exits");
	knob(every_exit);
	gic_setup();
	set_exc_handler(EXC_IRQ, active_handler);
	handled = 0;
	gic_set_priority(SPI0, 0x50);
	gicd_wb(GICD_ITARGETSR + SPI0, 1);
	gic_enable(SPI0);
	gic_set_pending(SPI0);
	irqs_on();
	settle();
	irqs_off();
	EXPECT_EQ(handled, 1);
	EXPECT_EQ(rpr_in_handler, 0x50);
	EXPECT_EQ((active_in_handler >> (SPI0 - 32)) & 1, 1);
	EXPECT_EQ(gicd_r(GICD_ISACTIVER + 4) & (1u << (SPI0 - 32)), 0);
	EXPECT_EQ(gicc_r(GICC_RPR), 0xff);
	gic_disable(SPI0);
	set_exc_handler(EXC_IRQ, gic_log_irq);
	test_end();
}

/* A pending SGI the LRs hold: WFI returns at once (there is something to take), and the
 * SGI is taken once after more exits. */
static void sgi_then_wfi(bool every_exit)
{
	test_begin(every_exit ? "fold-every-exit/held-sgi-wfi-returns-taken-once"
			      : "held/held-sgi-wfi-returns-taken-once");
	knob(every_exit);
	gic_setup();
	gic_set_priority(5, 0x40);
	gic_enable(5);
	gic_sgi(2, 0, 5);
	exits(10);
	__asm__ volatile("dsb\n\twfi" ::: "memory"); /* traps; must not sleep */
	exits(10);
	gic_irq_count = 0;
	irqs_on();
	settle();
	irqs_off();
	EXPECT_EQ(gic_irq_count, 1);
	if (gic_irq_count)
		EXPECT_EQ(gic_irq_log[0] & 0x3ff, 5);
	test_end();
}

/* The virtual timer fires while masked: its HW LR is held across exits, and the guest
 * takes it once (the handler stops the timer before completing it). */
static volatile unsigned timer_taken;

static void timer_handler(enum exc_kind k, struct exc_frame *f)
{
	uint32_t iar = gicc_r(GICC_IAR);

	(void)k;
	(void)f;
	if ((iar & 0x3ff) == SPURIOUS)
		return;
	if ((iar & 0x3ff) == 27) {
		SYSREG_WRITE(0, c14, c3, 1, 0); /* CNTV_CTL off */
		timer_taken++;
	}
	gicc_w(GICC_EOIR, iar);
}

static void timer_held(bool every_exit)
{
	uint64_t now;

	test_begin(every_exit ? "fold-every-exit/virtual-timer-held-taken-once"
			      : "held/virtual-timer-held-taken-once");
	knob(every_exit);
	gic_setup();
	set_exc_handler(EXC_IRQ, timer_handler);
	timer_taken = 0;
	gic_enable(27);
	now = read_cntvct();
	__asm__ volatile("mcrr p15, 3, %0, %1, c14" ::"r"((uint32_t)now), "r"((uint32_t)(now >> 32)));
	SYSREG_WRITE(0, c14, c3, 1, 1);
	exits(50);
	irqs_on();
	settle();
	irqs_off();
	exits(10);
	EXPECT_EQ(timer_taken, 1);
	gic_disable(27);
	set_exc_handler(EXC_IRQ, gic_log_irq);
	test_end();
}

int main(void)
{
	test_suite = "vgic_held";
	irqs_off();
	set_exc_handler(EXC_IRQ, gic_log_irq);
	for (int every_exit = 0; every_exit < 2; every_exit++) {
		masked_pending(every_exit);
		active_across_exits(every_exit);
		sgi_then_wfi(every_exit);
		timer_held(every_exit);
	}
	knob(false);
	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

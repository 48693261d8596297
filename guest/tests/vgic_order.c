/* Delivery in priority order after deactivations that do not trap. Three interrupts are
 * active, nested (SPI 60 at 0x70, SPI 61 at 0x68, SPI 63 at 0x60), and SPI 63 is pending
 * again; eight SPIs of higher priority (50-57, 0x20-0x58) wait, more than the list
 * registers hold. With IRQs masked the guest completes the three (EOIR, and GICC_DIR
 * with EOImode 1), sets PMR to 0xff and unmasks: it must take the eight in priority
 * order and SPI 63 last, each once, as native hardware delivers them.
 * (vgic_order_2vcpu.c runs the same with a second vCPU busy beside it.) */
#include "gic.h"
#include "guest.h"

#ifndef ORDER_VCPUS
#define ORDER_VCPUS 1
#endif

static volatile uint32_t second_up, second_stop;

/* The other vCPU keeps running (and exiting) meanwhile. */
static void second(uint32_t ctx)
{
	(void)ctx;
	second_up = 1;
	while (!second_stop)
		hyp_stat(HYP_STAT_EXITS);
}

static void order(const char *name, bool eoimode)
{
	static const unsigned first[3] = { 60, 61, 63 };
	static const uint8_t first_prio[3] = { 0x70, 0x68, 0x60 };
	uint32_t iar[3];

	test_begin(name);
	gic_setup();
	gicc_w(GICC_CTLR, 1 | (eoimode ? GICC_CTLR_EOIMODE : 0));
	/* Edge-triggered, so no deactivation traps for a line to be sampled again. */
	gicd_w(GICD_ICFGR + 4 * (48 / 16), 0xaaaaaaaau);
	for (unsigned k = 0; k < 3; k++) {
		gic_set_priority(first[k], first_prio[k]);
		gicd_wb(GICD_ITARGETSR + first[k], 1);
		gic_enable(first[k]);
	}
	for (unsigned k = 0; k < 8; k++) {
		gic_set_priority(50 + k, (uint8_t)(0x20 + 8 * k));
		gicd_wb(GICD_ITARGETSR + 50 + k, 1);
		gic_enable(50 + k);
	}
	for (unsigned k = 0; k < 3; k++) {
		gic_set_pending(first[k]);
		iar[k] = gicc_r(GICC_IAR);
		EXPECT_EQ(iar[k], first[k]);
	}
	gic_set_pending(63); /* active and pending */
	for (unsigned k = 0; k < 8; k++)
		gic_set_pending(50 + k);
	for (unsigned k = 3; k-- > 0;) {
		gicc_w(GICC_EOIR, iar[k]);
		if (eoimode)
			gicc_w(GICC_DIR, iar[k]);
	}
	gicc_w(GICC_PMR, 0xff);
	gic_irq_count = 0;
	irqs_on();
	for (volatile int i = 0; i < 2000; i++)
		;
	irqs_off();
	EXPECT_EQ(gic_irq_count, 9);
	for (unsigned k = 0; k < 8 && k < gic_irq_count; k++)
		EXPECT_EQ(gic_irq_log[k], 50 + k);
	if (gic_irq_count >= 9)
		EXPECT_EQ(gic_irq_log[8], 63);
	EXPECT_EQ(gicc_r(GICC_IAR), SPURIOUS);
	for (unsigned k = 0; k < 3; k++)
		gic_disable(first[k]);
	for (unsigned k = 0; k < 8; k++)
		gic_disable(50 + k);
	gicc_w(GICC_CTLR, 1);
	test_end();
}

int main(void)
{
	test_suite = ORDER_VCPUS == 1 ? "vgic_order" : "vgic_order_2vcpu";
	irqs_off();
	set_exc_handler(EXC_IRQ, gic_log_irq);
	if (ORDER_VCPUS > 1) {
		secondary_fn[1] = second;
		psci_cpu_on(1, 0);
		wait_until(&second_up, 1, 1000);
	}
	/* Several rounds: the sequence must come out right every time. */
	for (unsigned round = 0; round < 3; round++) {
		order("eoimode0-waiting-ones-first-in-priority-order", false);
		order("eoimode1-waiting-ones-first-in-priority-order", true);
	}
	second_stop = 1;
	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

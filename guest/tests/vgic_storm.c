/* No maintenance-interrupt storm, whatever the guest does to its distributor. First the
 * list-register state a hostile guest once reached (SGI 6, PPI 19 and SGI 2 active,
 * SGI 3 active and pending, more interrupts waiting), where a refill condition held at
 * every entry and the vCPU never ran another instruction; then thousands of random
 * distributor accesses of every width with the same kind of values. Each time the guest
 * must keep running with only a handful of maintenance interrupts, and still get its
 * interrupts afterwards. */
#include "gic.h"
#include "guest.h"

static uint32_t rng = 0x1234567;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Maintenance interrupts while the guest runs `n` loop iterations with IRQs masked. */
static uint32_t maintenance_during_work(unsigned n)
{
	uint32_t before = hyp_stat(HYP_STAT_MAINTENANCE);

	for (volatile unsigned i = 0; i < n; i++)
		;
	return hyp_stat(HYP_STAT_MAINTENANCE) - before;
}

/* Everything off and inactive, nothing pending: the distributor as gic_setup leaves it. */
static void calm_down(void)
{
	gic_setup();
	/* Constant offsets: a loop would compile to post-indexed stores, which have no
	 * syndrome and earn a data abort. */
	gicd_w(GICD_CPENDSGIR + 0, ~0u);
	gicd_w(GICD_CPENDSGIR + 4, ~0u);
	gicd_w(GICD_CPENDSGIR + 8, ~0u);
	gicd_w(GICD_CPENDSGIR + 12, ~0u);
	while ((gicc_r(GICC_IAR) & 0x3ff) != SPURIOUS)
		; /* anything already in the list registers */
	gic_setup();
	gicd_w(GICD_CTLR, 1);
}

/* After all that, an SGI to self still arrives once. */
static void expect_sgi_delivered(void)
{
	gic_irq_count = 0;
	gic_set_priority(7, 0x80);
	gic_sgi(2, 0, 7);
	irqs_on();
	for (volatile int i = 0; i < 1000; i++)
		;
	irqs_off();
	EXPECT_EQ(gic_irq_count, 1);
}

int main(void)
{
	test_suite = "vgic_storm";
	irqs_off();
	set_exc_handler(EXC_IRQ, gic_log_irq);
	gic_setup();

	test_begin("issue-state-three-active-one-active-pending-more-waiting");
	for (unsigned id = 0; id < 32; id++)
		gic_set_priority(id, 0x80);
	gic_enable(19);
	gicd_w(GICD_ISACTIVER, (1u << 6) | (1u << 19) | (1u << 2) | (1u << 3));
	gicd_wb(GICD_SPENDSGIR + 3, 0x01); /* SGI 3 pending again, from vCPU 0 */
	for (unsigned k = 0; k < 6; k++) {
		gic_set_priority(40 + k, 0xa0);
		gic_enable(40 + k);
		gic_set_pending(40 + k);
	}
	EXPECT(maintenance_during_work(20000) < 10);
	/* The waiting ones are delivered, in INTID order (equal priority), each once. */
	for (unsigned k = 0; k < 6; k++) {
		uint32_t iar = gicc_r(GICC_IAR);
		EXPECT_EQ(iar, 40 + k);
		gicc_w(GICC_EOIR, iar);
	}
	EXPECT_EQ(gicc_r(GICC_IAR), SPURIOUS);
	gicd_w(GICD_ICACTIVER, (1u << 6) | (1u << 19) | (1u << 2) | (1u << 3));
	EXPECT_EQ(gicc_r(GICC_IAR), 3); /* SGI 3's pending instance, now inactive */
	gicc_w(GICC_EOIR, 3);
	EXPECT(maintenance_during_work(20000) < 10);
	calm_down();
	expect_sgi_delivered();
	test_end();

	test_begin("random-distributor-accesses-keep-the-vcpu-running");
	{
		/* Offsets where a storm could come from, and the rest of the frame. */
		static const uint16_t regs[] = { GICD_ISACTIVER, GICD_ISPENDR, GICD_SPENDSGIR,
						 GICD_IPRIORITYR, GICD_ICFGR, GICD_ISENABLER,
						 GICD_ICACTIVER, GICD_ICPENDR, GICD_CPENDSGIR, GICD_SGIR };
		uint32_t worst = 0, m;

		for (unsigned round = 0; round < 40; round++) {
			for (unsigned i = 0; i < 100; i++) {
				uint32_t r = next(), off, val = next();
				unsigned len = 1u << (r % 3);

				off = (r >> 8) % 3 ? regs[(r >> 4) % 10] + (r >> 12) % 0x20
						   : (r >> 12) % GICD_SIZE;
				off &= ~(len - 1);
				if (off == GICD_CTLR)
					continue; /* keep the distributor on */
				if (len == 4)
					gicd_w(off, val);
				else if (len == 2)
					*(volatile uint16_t *)(GICD + off) = (uint16_t)val;
				else
					gicd_wb(off, (uint8_t)val);
			}
			/* The guest also takes and completes some of what arrived. */
			for (unsigned i = 0; i < 4; i++) {
				uint32_t iar = gicc_r(GICC_IAR);
				if ((iar & 0x3ff) == SPURIOUS)
					break;
				gicc_w(GICC_EOIR, iar);
			}
			m = maintenance_during_work(5000);
			if (m > worst)
				worst = m;
		}
		EXPECT(worst < 10);
		calm_down();
		expect_sgi_delivered();
	}
	test_end();

	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

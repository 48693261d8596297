#include "gic.h"

void gic_setup(void)
{
	for (unsigned i = 0; i < 160; i += 32) {
		gicd_w(GICD_ICENABLER + i / 8, ~0u);
		gicd_w(GICD_ICPENDR + i / 8, ~0u);
		gicd_w(GICD_ICACTIVER + i / 8, ~0u);
	}
	gicd_w(GICD_CTLR, 1);
	gicc_w(GICC_PMR, 0xff);
	gicc_w(GICC_BPR, 0);
	gicc_w(GICC_CTLR, 1);
}

void gic_enable(unsigned id) { gicd_w(GICD_ISENABLER + 4 * (id / 32), 1u << (id % 32)); }
void gic_disable(unsigned id) { gicd_w(GICD_ICENABLER + 4 * (id / 32), 1u << (id % 32)); }
void gic_set_pending(unsigned id) { gicd_w(GICD_ISPENDR + 4 * (id / 32), 1u << (id % 32)); }
void gic_set_priority(unsigned id, uint8_t prio) { gicd_wb(GICD_IPRIORITYR + id, prio); }
void gic_sgi(unsigned filter, unsigned targets, unsigned id)
{
	gicd_w(GICD_SGIR, (filter << 24) | ((targets & 0xff) << 16) | (id & 0xf));
}

volatile uint32_t gic_irq_log[GIC_LOG_MAX];
volatile unsigned gic_irq_count;

void gic_log_irq(enum exc_kind k, struct exc_frame *f)
{
	uint32_t iar = gicc_r(GICC_IAR);

	(void)k;
	(void)f;
	if ((iar & 0x3ff) == SPURIOUS)
		return;
	if (gic_irq_count < GIC_LOG_MAX)
		gic_irq_log[gic_irq_count] = iar;
	gic_irq_count++;
	gicc_w(GICC_EOIR, iar);
	if (gicc_r(GICC_CTLR) & GICC_CTLR_EOIMODE)
		gicc_w(GICC_DIR, iar);
}

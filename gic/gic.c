#include "gic/gic.h"
#include "arm/gicv2.h"
#include "arm/sysreg.h"
#include "platform.h"

uintptr_t gic_base;

static uintptr_t gicd(uint32_t off) { return gic_base + GICD_OFFSET + off; }
static uintptr_t gicc(uint32_t off) { return gic_base + GICC_OFFSET + off; }

unsigned gic_lines(void) { return 32 * ((mmio_read32(gicd(GICD_TYPER)) & 0x1f) + 1); }
unsigned gic_cpu_count(void) { return ((mmio_read32(gicd(GICD_TYPER)) >> 5) & 7) + 1; }

void gic_dist_init(void)
{
	unsigned lines = gic_lines();

	mmio_write32(gicd(GICD_CTLR), 0);
	for (unsigned i = 32; i < lines; i += 32) {
		mmio_write32(gicd(GICD_ICENABLER + i / 8), ~0u);
		mmio_write32(gicd(GICD_ICPENDR + i / 8), ~0u);
	}
	mmio_write32(gicd(GICD_CTLR), 1);
}

void gic_cpu_init(void)
{
	/* Banked SGI/PPI state of this CPU: all off until a user asks for one. */
	mmio_write32(gicd(GICD_ICENABLER), ~0u);
	/* But the wake-up SGI, at the monitor's priority so an idle CPU's mask lets it in. */
	mmio_write8(gicd(GICD_IPRIORITYR + SGI_WAKE), 0x40);
	mmio_write32(gicd(GICD_ISENABLER), 1u << SGI_WAKE);
	mmio_write32(gicc(GICC_PMR), 0xff);
	mmio_write32(gicc(GICC_BPR), 0);
	mmio_write32(gicc(GICC_CTLR), GICC_CTLR_ENABLE | GICC_CTLR_EOIMODE);
}

/* Any CPU interface write makes QEMU recompute; PMR is rewritten with its own value. */
void gic_refresh(void) { mmio_write32(gicc(GICC_PMR), 0xff); }

void gic_set_pmr(uint8_t pmr) { mmio_write32(gicc(GICC_PMR), pmr); }
uint32_t gic_ack(void) { return mmio_read32(gicc(GICC_IAR)); }
void gic_eoi(uint32_t iar) { mmio_write32(gicc(GICC_EOIR), iar); }
void gic_deactivate(uint32_t iar) { mmio_write32(gicc(GICC_DIR), iar); }

void gic_enable_irq(unsigned intid) { mmio_write32(gicd(GICD_ISENABLER + 4 * (intid / 32)), 1u << (intid % 32)); }
void gic_disable_irq(unsigned intid) { mmio_write32(gicd(GICD_ICENABLER + 4 * (intid / 32)), 1u << (intid % 32)); }
void gic_set_priority(unsigned intid, uint8_t prio) { mmio_write8(gicd(GICD_IPRIORITYR + intid), prio); }
void gic_route_spi(unsigned intid, unsigned cpu) { mmio_write8(gicd(GICD_ITARGETSR + intid), 1u << cpu); }

void gic_send_sgi(unsigned cpu_mask, unsigned intid)
{
	dsb(); /* make the state the SGI announces visible first */
	mmio_write32(gicd(GICD_SGIR), ((cpu_mask & 0xff) << 16) | (intid & 0xf));
}

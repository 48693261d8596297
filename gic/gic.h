/* Physical GICv2 (GIC-400 / QEMU's a15mpcore GIC) for the hypervisor's own use. */
#ifndef GIC_GIC_H
#define GIC_GIC_H
#include <stdint.h>

#define GIC_SPURIOUS 1023

/* The interrupts the hypervisor itself uses. */
#define SGI_KICK 0          /* "re-evaluate your vCPU's interrupts" */
#define SGI_WAKE 1          /* "stop sleeping: there is work" (hyp/pcpu_idle.c) */
#define PPI_MAINTENANCE 25  /* GICH maintenance interrupt */
#define PPI_HYP_TIMER 26    /* CNTHP: drives the guests' emulated physical timers */
#define PPI_VIRT_TIMER 27   /* CNTV: the guest's own, injected with the LR HW bit */
#define PPI_PHYS_TIMER 30

extern uintptr_t gic_base; /* private peripheral base, from CBAR */

/* CPU 0, once: distributor off-limits to guests, every interrupt disabled. */
void gic_dist_init(void);
/* Every CPU: its interface on, EOImode=1 (priority drop and deactivation split). */
void gic_cpu_init(void);
unsigned gic_cpu_count(void);
unsigned gic_lines(void);
void gic_enable_irq(unsigned intid);
void gic_disable_irq(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t prio);
/* Send SPI `intid` to CPU `cpu` (GICD_ITARGETSR; RAZ/WI on a uniprocessor GIC). */
void gic_route_spi(unsigned intid, unsigned cpu);
/* SGI `intid` to the CPUs in `cpu_mask` (GICD_SGIR, TargetListFilter 0). */
void gic_send_sgi(unsigned cpu_mask, unsigned intid);
/* Make the CPU interface look at the distributor again. Works around QEMU 7.2, which
 * does not re-evaluate the highest pending interrupt when a guest's EOI deactivates a
 * hardware-mapped interrupt through the GICV: a level interrupt already asserted again
 * then stays invisible (GICC_HPPIR 1023) for ever. Harmless on real hardware. */
void gic_refresh(void);
void gic_set_pmr(uint8_t pmr);   /* GICC_PMR: only priorities below it are signalled */
uint32_t gic_ack(void);          /* GICC_IAR */
void gic_eoi(uint32_t iar);      /* priority drop (GICC_EOIR) */
void gic_deactivate(uint32_t iar); /* GICC_DIR */
#endif

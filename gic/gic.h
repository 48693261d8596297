/* Physical GICv2 (GIC-400 / QEMU's a15mpcore GIC) for the hypervisor's own use. */
#ifndef GIC_GIC_H
#define GIC_GIC_H
#include <stdint.h>

#define GIC_SPURIOUS 1023

extern uintptr_t gic_base; /* private peripheral base, from CBAR */

/* CPU 0, once: distributor off-limits to guests, every interrupt disabled. */
void gic_dist_init(void);
/* Every CPU: its interface on, EOImode=1 (priority drop and deactivation split). */
void gic_cpu_init(void);
unsigned gic_cpu_count(void);
unsigned gic_lines(void);
uint32_t gic_ack(void);          /* GICC_IAR */
void gic_eoi(uint32_t iar);      /* priority drop (GICC_EOIR) */
void gic_deactivate(uint32_t iar); /* GICC_DIR */
#endif

/* The guest's view of its interrupt controller: the emulated GICD and the GICC (backed by
 * the GICV), at the TC2's addresses. */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H
#include <stdint.h>

#define GICD 0x2c001000u
#define GICC 0x2c002000u

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20

#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_BPR 0x008
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define GICC_RPR 0x014
#define GICC_HPPIR 0x018
#define GICC_IIDR 0x0fc
#define GICC_DIR 0x1000

#define SPURIOUS 1023

static inline uint32_t gicd_r(uint32_t off) { return *(volatile uint32_t *)(GICD + off); }
static inline void gicd_w(uint32_t off, uint32_t v) { *(volatile uint32_t *)(GICD + off) = v; }
static inline uint8_t gicd_rb(uint32_t off) { return *(volatile uint8_t *)(GICD + off); }
static inline void gicd_wb(uint32_t off, uint8_t v) { *(volatile uint8_t *)(GICD + off) = v; }
static inline uint32_t gicc_r(uint32_t off) { return *(volatile uint32_t *)(GICC + off); }
static inline void gicc_w(uint32_t off, uint32_t v) { *(volatile uint32_t *)(GICC + off) = v; }

static inline void irqs_on(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void irqs_off(void) { __asm__ volatile("cpsid i" ::: "memory"); }

/* Distributor and CPU interface on, nothing masked by priority, no interrupt enabled. */
void gic_setup(void);
void gic_enable(unsigned intid);
void gic_disable(unsigned intid);
void gic_set_pending(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t prio);
/* SGI `id` through GICD_SGIR: filter 0 = list, 1 = all but self, 2 = self. */
void gic_sgi(unsigned filter, unsigned targets, unsigned id);
#endif

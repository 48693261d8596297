/* The guest's view of its interrupt controller: the emulated GICD and the GICC (backed by
 * the GICV), at the TC2's addresses. */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H
#include <stdint.h>
#include "arm/gicv2.h"
#include "guest.h"

#define GICD 0x2c001000u
#define GICC 0x2c002000u

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

/* An IRQ handler for tests (set_exc_handler(EXC_IRQ, gic_log_irq)): acknowledges, records
 * the IAR in gic_irq_log[gic_irq_count++] (the first GIC_LOG_MAX of them), and completes
 * it: GICC_EOIR, and GICC_DIR too when GICC_CTLR.EOImode is set. Spurious: nothing. */
#define GIC_LOG_MAX 64
extern volatile uint32_t gic_irq_log[GIC_LOG_MAX];
extern volatile unsigned gic_irq_count;
void gic_log_irq(enum exc_kind k, struct exc_frame *f);
#endif

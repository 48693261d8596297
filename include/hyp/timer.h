/* The guest's two timers. The virtual timer is the guest's own hardware (CNTV_*), its
 * PPI 27 injected with the LR HW bit; the physical timer is emulated on top of the Hyp
 * timer (CNTHP), its PPI 30 injected as a virtual level interrupt. */
#ifndef HYP_TIMER_H
#define HYP_TIMER_H
#include <stdbool.h>
#include "hyp/vcpu.h"

/* CNT{V,P,HP}_CTL bits. */
#define CNT_CTL_ENABLE (1u << 0)
#define CNT_CTL_IMASK (1u << 1)
#define CNT_CTL_ISTATUS (1u << 2)

/* A timer with this control value asserts its interrupt once its compare value is due. */
static inline bool cnt_ctl_armed(uint32_t ctl)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE;
}

/* Physical PPI 27 fired (already acknowledged; `iar` for the priority drop). */
void vtimer_phys_irq(struct vcpu *v, uint32_t iar);
/* After the LRs were folded back: follow the guest's acknowledge/EOI of PPI 27 and the
 * timer's output (the guest may have masked, disabled or reprogrammed it). `deactivated`
 * says the guest's EOI deactivated the physical interrupt through an HW list register. */
void vtimer_sync(struct vcpu *v, bool deactivated);

/* The vCPU runs again on its CPU after a pause or restore: output and Hyp timer anew. */
void ptimer_resume(struct vcpu *v);
/* Physical PPI 26 (Hyp timer) fired. */
void ptimer_hyp_irq(struct vcpu *v);
/* When v's emulated physical timer will assert its output, if it is armed and has not. */
bool ptimer_deadline(const struct vcpu *v, uint64_t *when);
/* Emulated CNTP_* access; returns false if `reg` is not a physical timer register. */
enum ptimer_reg { PTIMER_CTL, PTIMER_TVAL, PTIMER_CVAL };
uint64_t ptimer_read(struct vcpu *v, enum ptimer_reg reg);
void ptimer_write(struct vcpu *v, enum ptimer_reg reg, uint64_t val);
#endif

/* What the guest's CPU would do on taking an exception. Host and target. */
#ifndef HYP_INJECT_H
#define HYP_INJECT_H

#include <stdbool.h>
#include <stdint.h>

enum guest_exc { GEXC_UNDEF, GEXC_PABT, GEXC_DABT };

/* The guest state the entry depends on. */
struct exc_in {
	uint32_t cpsr;  /* guest CPSR when the exception happened */
	uint32_t pc;    /* address of the faulting or undefined instruction */
	uint32_t sctlr; /* guest SCTLR (V, TE, EE) */
	uint32_t vbar;
};

/* The guest state after the entry. */
struct exc_out {
	uint32_t cpsr; /* new CPSR: mode, masks, T and E from SCTLR */
	uint32_t pc;   /* vector address */
	uint32_t lr;   /* LR of the new mode */
	uint32_t spsr; /* SPSR of the new mode (the old CPSR) */
};

void exc_compute(enum guest_exc kind, const struct exc_in *in, struct exc_out *out);

/* Fault status the guest sees for an external abort on an IPA with nothing behind it,
 * in the format its TTBCR.EAE selects. */
uint32_t exc_abort_fsr(bool lpae, bool s1ptw, bool wnr);

#endif

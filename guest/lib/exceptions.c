#include "guest.h"

static const char *const names[] = { "?", "undefined instruction", "SVC", "prefetch abort",
				     "data abort", "?", "IRQ", "FIQ" };
static exc_handler handlers[8];

exc_handler set_exc_handler(enum exc_kind kind, exc_handler h)
{
	exc_handler old = handlers[kind];
	handlers[kind] = h;
	return old;
}

/* From the vector stubs in start.S. */
void guest_exception(unsigned kind, struct exc_frame *f)
{
	uint32_t dfsr = SYSREG_READ(0, c5, c0, 0), dfar = SYSREG_READ(0, c6, c0, 0);

	if (kind < 8 && handlers[kind]) {
		handlers[kind](kind, f);
		return;
	}
	gprintf("FAIL: %s/unexpected-exception: %s, lr %08x spsr %08x DFSR %08x DFAR %08x\n",
		test_suite, kind < 8 ? names[kind] : "?", f->lr, f->spsr, dfsr, dfar);
	power_off();
}

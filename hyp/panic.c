/* The panic path: say everything a post-mortem needs, then stop the machine. */
#include <stdarg.h>

#include "arm/sysreg.h"
#include "drivers/pl011.h"
#include "drivers/vexpress_sysreg.h"
#include "hyp/log.h"
#include "hyp/pcpu.h"
#include "hyp/vcpu.h"
#include "lib/fmt.h"
#include "boot/boot.h"

static int panicking;

static void out(const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* No lock: the holder may be the CPU that died. Both consoles: the user watches
	 * the guest's, the log is on the other. */
	pl011_puts(UART0_PA, line);
	if (log_console != UART0_PA)
		pl011_puts(log_console, line);
}

static void dump_state(void)
{
	struct vcpu *v = (struct vcpu *)read_HTPIDR();

	out("  HSR %08x  HDFAR %08x  HIFAR %08x  HPFAR %08x\n", read_HSR(), read_HDFAR(), read_HIFAR(),
	    read_HPFAR());
	out("  ELR_hyp %08x  SPSR_hyp %08x\n", read_elr_hyp(), read_spsr_hyp());
	if (!v) {
		out("  no vCPU on this CPU\n");
		return;
	}
	out("  guest vcpu%u registers:\n", v->id);
	for (int i = 0; i < 12; i += 4)
		out("    r%-2d %08x  r%-2d %08x  r%-2d %08x  r%-2d %08x\n", i, v->gpr[i], i + 1,
		    v->gpr[i + 1], i + 2, v->gpr[i + 2], i + 3, v->gpr[i + 3]);
	out("    r12 %08x\n", v->gpr[12]);
	vcpu_banked_save(&v->ctx.banked);
	out("    sp_usr %08x lr_usr %08x  sp_svc %08x lr_svc %08x spsr_svc %08x\n", v->ctx.banked.sp_usr,
	    v->lr_usr, v->ctx.banked.sp_svc, v->ctx.banked.lr_svc, v->ctx.banked.spsr_svc);
	out("    sp_abt %08x lr_abt %08x spsr_abt %08x  sp_und %08x lr_und %08x spsr_und %08x\n",
	    v->ctx.banked.sp_abt, v->ctx.banked.lr_abt, v->ctx.banked.spsr_abt, v->ctx.banked.sp_und,
	    v->ctx.banked.lr_und, v->ctx.banked.spsr_und);
	out("    sp_irq %08x lr_irq %08x spsr_irq %08x\n", v->ctx.banked.sp_irq, v->ctx.banked.lr_irq,
	    v->ctx.banked.spsr_irq);
	out("    guest SCTLR %08x TTBCR %08x DFSR %08x DFAR %08x VBAR %08x\n", read_SCTLR(), read_TTBCR(),
	    read_DFSR(), read_DFAR(), read_VBAR());
}

static void __attribute__((noreturn)) stop(void)
{
	out("HYP PANIC: stopping the machine\n");
	vexpress_power_off();
}

void panic(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		park_forever();
	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	out("\nHYP PANIC on cpu%u: %s", this_cpu_id(), msg);
	dump_state();
	stop();
}

static const char *const kinds[] = { "reset", "undefined instruction", "HVC", "prefetch abort",
				     "data abort" };

/* From hyp/entry.S: an exception taken in Hyp mode itself. frame: r0-r12, lr. */
void hyp_exception_panic(unsigned kind, const uint32_t *frame)
{
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		park_forever();
	out("\nHYP PANIC on cpu%u: %s in Hyp mode\n", this_cpu_id(), kind < 5 ? kinds[kind] : "?");
	for (int i = 0; i < 12; i += 4)
		out("  r%-2d %08x  r%-2d %08x  r%-2d %08x  r%-2d %08x\n", i, frame[i], i + 1, frame[i + 1],
		    i + 2, frame[i + 2], i + 3, frame[i + 3]);
	out("  r12 %08x\n", frame[12]);
	out("  lr  %08x (the faulting code is at ELR_hyp)\n", frame[13]);
	dump_state();
	stop();
}

/* Defence in depth against maintenance-interrupt storms.
 *
 * A maintenance condition that already holds when the guest is entered fires again at
 * once, on every entry: the vCPU never runs another instruction. The flush never asks
 * for one (the host fuzzer checks that against the architecture's and QEMU's rules), but
 * should a case slip through, it must cost a log line, not the CPU: the condition is
 * read back from GICH_MISR right after GICH_HCR is written and dropped if it holds. And a
 * run of maintenance exits at one guest PC is reported with the condition that repeats.
 * The monitor's UART outranks every interrupt the hypervisor takes, so it answers
 * through any storm. */
#include "gic/gich.h"
#include "gic/vgic.h"
#include "gic/vgic_hw.h"
#include "hyp/log.h"
#include "arm/sysreg.h"

#define STORM_RUN 10000 /* maintenance exits in a row at one PC: surely no progress */

/* "U NP" etc. for the MISR bits this hypervisor enables (and EOI). */
static const char *misr_names(uint32_t misr, char *buf, unsigned size)
{
	static const char *const names[4] = { "EOI", "U", "LRENP", "NP" };
	unsigned n = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < 4 && n + 8 < size; i++) {
		if (!(misr & (1u << i)))
			continue;
		if (n)
			buf[n++] = ' ';
		for (const char *p = names[i]; *p; p++)
			buf[n++] = *p;
		buf[n] = 0;
	}
	if (misr & ~0xfu && n + 8 < size) {
		for (const char *p = n ? " other" : "other"; *p; p++)
			buf[n++] = *p;
		buf[n] = 0;
	}
	return buf;
}

uint32_t vgic_guard_entry(struct vcpu *v, uint32_t hcr)
{
	uint32_t misr = gich_read(GICH_MISR), drop = 0;
	char names[32];

	if (!misr)
		return hcr;
	if (misr & GICH_MISR_U)
		drop |= GICH_HCR_UIE;
	if (misr & GICH_MISR_NP)
		drop |= GICH_HCR_NPIE;
	if (misr & GICH_MISR_LRENP)
		drop |= GICH_HCR_LRENPIE;
	v->storm.dropped++;
	log_once(LOG_WARN, "vcpu%u: maintenance condition %s held at entry (GICH_MISR %#x, GICH_HCR %#x, %u LRs): not enabled, or it would fire on every entry\n",
		 v->id, misr_names(misr, names, sizeof(names)), misr, hcr, v->lrs.used);
	if (drop) {
		hcr &= ~drop;
		gich_write(GICH_HCR, hcr);
	}
	return hcr;
}

void vgic_guard_maintenance(struct vcpu *v)
{
	struct vcpu_storm *s = &v->storm;
	uint32_t misr = gich_read(GICH_MISR), pc = read_elr_hyp();
	char names[32];

	if (s->exit + 1 == v->stats.exits && s->pc == pc && s->misr == misr) {
		s->run++;
	} else {
		s->run = 1;
		s->reported = 0;
	}
	s->pc = pc;
	s->misr = misr;
	s->exit = v->stats.exits;
	/* At STORM_RUN, then every tenfold: a storm stays visible without flooding the log. */
	if (s->run >= STORM_RUN && s->run >= 10 * s->reported) {
		s->reported = s->run;
		log_warn("vcpu%u: %u maintenance interrupts in a row at PC %08x, the guest is not progressing: condition %s (GICH_MISR %#x), GICH_HCR %#x, %u LRs\n",
			 v->id, s->run, pc, misr_names(misr, names, sizeof(names)), misr, v->lrs.hcr,
			 v->lrs.used);
	}
}

/* The guest's own exceptions stay the guest's: SVC and undefined instructions from PL1
 * and PL0 reach the guest's vectors (the hypervisor never sees them), and the guest's PL1
 * use of the PMU works for it (HDCR.HPMN gives it every counter; nothing traps). */
#include "guest.h"

static volatile uint32_t hits, last_kind, last_spsr, last_svc_imm;

/* SVC: note it; when it came from User mode, return to SVC mode (the test's way back). */
static void on_exc(enum exc_kind k, struct exc_frame *f)
{
	hits++;
	last_kind = k;
	last_spsr = f->spsr;
	if (k == EXC_SVC)
		last_svc_imm = *(volatile uint32_t *)(f->lr - 4) & 0xffffff;
	if ((f->spsr & 0x1f) == 0x10)
		f->spsr = (f->spsr & ~0x1fu) | 0x13;
}

/* Drop to User mode (same stack for simplicity: SYS/USR share it), then run `insn`. */
#define IN_USER_MODE(insn)                                                              \
	__asm__ volatile("mov r4, sp\n\tcps #0x1f\n\tmov sp, r4\n\tcps #0x10\n\t" insn  \
			 "\n\tmov sp, r4" ::: "r4", "memory")

int main(void)
{
	uint32_t exits;

	test_suite = "exceptions";
	set_exc_handler(EXC_SVC, on_exc);
	set_exc_handler(EXC_UND, on_exc);

	test_begin("svc-from-pl1-reaches-guest-vector");
	hits = 0;
	exits = hyp_stat(HYP_STAT_EXITS);
	__asm__ volatile("svc #0x42" ::: "memory");
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_kind, EXC_SVC);
	EXPECT_EQ(last_svc_imm, 0x42);
	EXPECT_EQ(last_spsr & 0x1f, 0x13);
	EXPECT_EQ(hyp_stat(HYP_STAT_EXITS) - exits, 1); /* the STAT call only */
	test_end();

	test_begin("svc-from-pl0-reaches-guest-vector");
	hits = 0;
	IN_USER_MODE("svc #0x77");
	EXPECT_EQ(hits, 1);
	EXPECT_EQ(last_kind, EXC_SVC);
	EXPECT_EQ(last_svc_imm, 0x77);
	EXPECT_EQ(last_spsr & 0x1f, 0x10);
	test_end();

	test_begin("undefined-from-pl0-reaches-guest-vector");
	hits = 0;
	exits = hyp_stat(HYP_STAT_UNDEF_INJECTED);
	IN_USER_MODE(".word 0xe7f000f0\n\tsvc #1"); /* UDF, then back to SVC mode */
	EXPECT_EQ(hits, 2);
	EXPECT_EQ(hyp_stat(HYP_STAT_UNDEF_INJECTED) - exits, 0); /* not the hypervisor's doing */
	test_end();

	test_begin("pmu-belongs-to-the-guest");
	{
		uint32_t pmcr = SYSREG_READ(0, c9, c12, 0), n = (pmcr >> 11) & 0x1f, cnt;
		exits = hyp_stat(HYP_STAT_EXITS);
		EXPECT(n > 0);
		SYSREG_WRITE(0, c9, c12, 2, 0xffffffff); /* PMCNTENCLR: counters stopped */
		SYSREG_WRITE(0, c9, c12, 5, 0);          /* PMSELR: counter 0 */
		SYSREG_WRITE(0, c9, c13, 2, 0x12345);    /* PMXEVCNTR */
		SYSREG_WRITE(0, c9, c13, 1, 0x08);       /* PMXEVTYPER: instructions */
		cnt = SYSREG_READ(0, c9, c13, 2);
		EXPECT_EQ(cnt, 0x12345);
		EXPECT_EQ(SYSREG_READ(0, c9, c13, 1) & 0xff, 0x08);
		SYSREG_WRITE(0, c9, c13, 0, 0xabcd);     /* PMCCNTR */
		EXPECT_EQ(SYSREG_READ(0, c9, c13, 0), 0xabcd);
		EXPECT_EQ(hyp_stat(HYP_STAT_EXITS) - exits, 1); /* no PMU access trapped */
	}
	test_end();
	return 0;
}

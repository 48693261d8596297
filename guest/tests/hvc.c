/* Hypercalls: the SMCCC round trip, PSCI's informational calls, what SMC does, and a full vCPU context surviving a trip through the hypervisor's memory. */
#include "guest.h"

/* Set r4-r12 and LR to known values, HVC (ECHO), and report which changed: bit n for
 * rn, bit 14 for LR, bit 13 for SP. */
uint32_t hvc_preserves_regs(void);
__asm__(".arch_extension virt\n"
	".global hvc_preserves_regs\n"
	"hvc_preserves_regs:\n"
	"	push	{r4-r12, lr}\n"
	"	mov	r12, sp\n"
	"	push	{r12}\n"
	"	ldr	r4, =0x44444444\n ldr r5, =0x55555555\n ldr r6, =0x66666666\n"
	"	ldr	r7, =0x77777777\n ldr r8, =0x88888888\n ldr r9, =0x99999999\n"
	"	ldr	r10, =0xaaaaaaaa\n ldr r11, =0xbbbbbbbb\n ldr r12, =0xcccccccc\n"
	"	ldr	lr, =0xeeeeeeee\n"
	"	ldr	r0, =0x86000001\n mov r1, #1\n mov r2, #2\n mov r3, #3\n"
	"	hvc	#0\n"
	"	mov	r0, #0\n"
	"	ldr	r1, =0x44444444\n cmp r4, r1\n orrne r0, r0, #(1 << 4)\n"
	"	ldr	r1, =0x55555555\n cmp r5, r1\n orrne r0, r0, #(1 << 5)\n"
	"	ldr	r1, =0x66666666\n cmp r6, r1\n orrne r0, r0, #(1 << 6)\n"
	"	ldr	r1, =0x77777777\n cmp r7, r1\n orrne r0, r0, #(1 << 7)\n"
	"	ldr	r1, =0x88888888\n cmp r8, r1\n orrne r0, r0, #(1 << 8)\n"
	"	ldr	r1, =0x99999999\n cmp r9, r1\n orrne r0, r0, #(1 << 9)\n"
	"	ldr	r1, =0xaaaaaaaa\n cmp r10, r1\n orrne r0, r0, #(1 << 10)\n"
	"	ldr	r1, =0xbbbbbbbb\n cmp r11, r1\n orrne r0, r0, #(1 << 11)\n"
	"	ldr	r1, =0xcccccccc\n cmp r12, r1\n orrne r0, r0, #(1 << 12)\n"
	"	ldr	r1, =0xeeeeeeee\n cmp lr, r1\n orrne r0, r0, #(1 << 14)\n"
	"	pop	{r12}\n"
	"	cmp	r12, sp\n orrne r0, r0, #(1 << 13)\n"
	"	pop	{r4-r12, pc}\n"
	".ltorg\n");

static uint32_t hvc_imm1(void)
{
	register uint32_t r0 __asm__("r0") = HYP_CALL_VERSION;
	__asm__ volatile(".arch_extension virt\n\thvc #1" : "+r"(r0)::"r1", "r2", "r3", "memory");
	return r0;
}

static volatile uint32_t und_count, und_lr_offset;

/* The SMC is the instruction before the return address of smc_call's asm: find it. */
static void count_und(enum exc_kind kind, struct exc_frame *f)
{
	(void)kind;
	und_count++;
	/* 0xe1600070 is "smc #0" in ARM state. */
	und_lr_offset = *(volatile uint32_t *)(f->lr - 4) == 0xe1600070 ? 4 : 0;
}

/* ---- context round trip ---- */
#define BANKED(X)                                                                       \
	X(SP_usr) X(LR_usr) X(SP_abt) X(LR_abt) X(SPSR_abt) X(SP_und) X(LR_und) X(SPSR_und) \
	X(SP_irq) X(LR_irq) X(SPSR_irq) X(r8_fiq) X(r9_fiq) X(r10_fiq) X(r11_fiq) X(r12_fiq) \
	X(SP_fiq) X(LR_fiq) X(SPSR_fiq)
#define COUNT_ONE(r) +1
enum { NBANKED = 0 BANKED(COUNT_ONE) };
static const char *const banked_names[] = {
#define NAME(r) #r,
	BANKED(NAME)
};

static void banked_write(const uint32_t *v)
{
	int i = 0;
#define WR(r) __asm__ volatile(".arch_extension virt\n\tmsr " #r ", %0" ::"r"(v[i++]));
	BANKED(WR)
}

static void banked_read(uint32_t *v)
{
	int i = 0;
#define RD(r) __asm__ volatile(".arch_extension virt\n\tmrs %0, " #r : "=r"(v[i++]));
	BANKED(RD)
}

static void vfp_enable(void)
{
	SYSREG_WRITE(0, c1, c0, 2, SYSREG_READ(0, c1, c0, 2) | (0xf << 20)); /* CPACR cp10/11 */
	__asm__ volatile(".fpu neon-vfpv4\n\tvmsr fpexc, %0\n\tisb" ::"r"(1u << 30));
}

static void vfp_write(const uint64_t *d)
{
	__asm__ volatile(".fpu neon-vfpv4\n\tvldmia %0!, {d0-d15}\n\tvldmia %0!, {d16-d31}"
			 : "+r"(d)::"memory", "d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8",
			   "d9", "d10", "d11", "d12", "d13", "d14", "d15");
}

static void vfp_read(uint64_t *d)
{
	__asm__ volatile(".fpu neon-vfpv4\n\tvstmia %0!, {d0-d15}\n\tvstmia %0!, {d16-d31}"
			 : "+r"(d)::"memory");
}

static void test_context_roundtrip(void)
{
	uint32_t want[NBANKED], got[NBANKED];
	uint64_t dwant[32], dgot[32];
	uint32_t fpscr;

	test_begin("full-context-survives-save-scrub-restore");
	for (int i = 0; i < NBANKED; i++)
		want[i] = 0x10000000u * (i % 15 + 1) + 0x1111u * i;
	/* SPSRs hold only what a CPSR can: keep the values architecturally sensible. */
	want[4] = 0x600001d7; want[7] = 0x200001db; want[10] = 0x80000192; want[18] = 0x10000191;
	banked_write(want);
	vfp_enable();
	for (int i = 0; i < 32; i++)
		dwant[i] = 0x0123456789abcdefull ^ ((uint64_t)i << 56) ^ i;
	vfp_write(dwant);
	__asm__ volatile(".fpu neon-vfpv4\n\tvmsr fpscr, %0" ::"r"(0x03c00000u));
	SYSREG_WRITE(0, c13, c0, 2, 0xabcd0002); /* TPIDRURW */
	SYSREG_WRITE(0, c13, c0, 3, 0xabcd0003); /* TPIDRURO */
	SYSREG_WRITE(0, c13, c0, 4, 0xabcd0004); /* TPIDRPRW */
	SYSREG_WRITE(0, c13, c0, 1, 0x00000042); /* CONTEXTIDR */
	SYSREG_WRITE(0, c3, c0, 0, 0x55555555);  /* DACR */
	SYSREG_WRITE(0, c6, c0, 0, 0xdfa0dfa0);  /* DFAR */
	SYSREG_WRITE(0, c6, c0, 2, 0x1fa01fa0);  /* IFAR */
	SYSREG_WRITE(0, c2, c0, 0, 0x8765c000);  /* TTBR0 (MMU off: unused) */

	EXPECT_EQ(hvc_call(HYP_CALL_CTX_CHECK, 0, 0, 0).r0, 0);

	banked_read(got);
	for (int i = 0; i < NBANKED; i++)
		if (got[i] != want[i])
			test_fail(__FILE__, __LINE__, "%s = %#x, expected %#x", banked_names[i], got[i], want[i]);
	vfp_read(dgot);
	for (int i = 0; i < 32; i++)
		if (dgot[i] != dwant[i])
			test_fail(__FILE__, __LINE__, "d%d = %#llx, expected %#llx", i, dgot[i], dwant[i]);
	__asm__ volatile(".fpu neon-vfpv4\n\tvmrs %0, fpscr" : "=r"(fpscr));
	EXPECT_EQ(fpscr, 0x03c00000);
	EXPECT_EQ(SYSREG_READ(0, c13, c0, 2), 0xabcd0002);
	EXPECT_EQ(SYSREG_READ(0, c13, c0, 3), 0xabcd0003);
	EXPECT_EQ(SYSREG_READ(0, c13, c0, 4), 0xabcd0004);
	EXPECT_EQ(SYSREG_READ(0, c13, c0, 1), 0x00000042);
	EXPECT_EQ(SYSREG_READ(0, c3, c0, 0), 0x55555555);
	EXPECT_EQ(SYSREG_READ(0, c6, c0, 0), 0xdfa0dfa0);
	EXPECT_EQ(SYSREG_READ(0, c6, c0, 2), 0x1fa01fa0);
	EXPECT_EQ(SYSREG_READ(0, c2, c0, 0), 0x8765c000);
	test_end();
}

int main(void)
{
	struct smccc_res r;
	uint32_t before;

	test_suite = "hvc";

	test_begin("echo-arguments-and-results");
	r = hvc_call(HYP_CALL_ECHO, 0x12345678, 0x11111111, 0xf0f0f0f0);
	EXPECT_EQ(r.r0, 0);
	EXPECT_EQ(r.r1, 0x12345678 + 0x11111111);
	EXPECT_EQ(r.r2, 0x11111111 ^ 0xf0f0f0f0);
	EXPECT_EQ(r.r3, ~0x12345678u);
	test_end();

	test_begin("version");
	EXPECT_EQ(hvc_call(HYP_CALL_VERSION, 0, 0, 0).r0, 0x00000001);
	test_end();

	test_begin("callee-registers-preserved");
	EXPECT_EQ(hvc_preserves_regs(), 0);
	test_end();

	test_begin("unknown-function-not-supported");
	EXPECT_EQ(hvc_call(0x8600fff0, 1, 2, 3).r0, SMCCC_NOT_SUPPORTED);
	EXPECT_EQ(hvc_call(0xc4000003, 1, 2, 3).r0, SMCCC_NOT_SUPPORTED); /* SMC64 CPU_ON */
	EXPECT_EQ(hvc_call(0x12345678, 1, 2, 3).r0, SMCCC_NOT_SUPPORTED);
	EXPECT_EQ(hvc_call(HYP_CALL_INFO, 0x7fff, 0, 0).r0, SMCCC_NOT_SUPPORTED);
	EXPECT_EQ(hvc_call(HYP_CALL_STAT, HYP_STAT_COUNT, 0, 0).r0, SMCCC_NOT_SUPPORTED);
	test_end();

	test_begin("nonzero-immediate-not-supported");
	EXPECT_EQ(hvc_imm1(), SMCCC_NOT_SUPPORTED);
	test_end();

	test_begin("psci-informational-calls");
	EXPECT_EQ(hvc_call(PSCI_VERSION, 0, 0, 0).r0, 0x00010000);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_VERSION, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_FEATURES, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_SYSTEM_OFF, 0, 0).r0, 0);
	EXPECT_EQ(hvc_call(PSCI_FEATURES, 0x8400ffff, 0, 0).r0, PSCI_RET_NOT_SUPPORTED);
	EXPECT_EQ(hvc_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0).r0, PSCI_MIGRATE_INFO_NO_TOS);
	test_end();

	test_begin("hvc-counted-exactly");
	before = hyp_stat(HYP_STAT_HVC);
	for (int i = 0; i < 10; i++)
		hvc_call(HYP_CALL_ECHO, i, 0, 0);
	EXPECT_EQ(hyp_stat(HYP_STAT_HVC) - before, 11); /* ten echoes and the STAT call itself */
	test_end();

	/* With secure=off the machine has no Security Extensions (no EL3), and then SMC is
	 * UNDEFINED: it reaches the guest's own undefined-instruction vector and never the
	 * hypervisor (docs/guest-platform.md). With EL3 (secure=on, the TC2) it traps via
	 * HCR.TSC and is served like HVC, returning to the instruction after it. make test
	 * runs this suite both ways and checks each took its own branch. */
	if (has_security_extensions()) {
		test_begin("smc-trapped-and-served-with-security-extensions");
		before = hyp_stat(HYP_STAT_SMC);
		und_count = 0;
		set_exc_handler(EXC_UND, count_und);
		r = smc_call(HYP_CALL_ECHO, 7, 8, 9);
		EXPECT_EQ(r.r0, 0);
		EXPECT_EQ(r.r1, 15);
		EXPECT_EQ(r.r2, 8 ^ 9);
		EXPECT_EQ(r.r3, ~7u);
		EXPECT_EQ(smc_call(PSCI_VERSION, 0, 0, 0).r0, 0x00010000);
		EXPECT_EQ(smc_call(0x8600fff0, 1, 2, 3).r0, SMCCC_NOT_SUPPORTED);
		set_exc_handler(EXC_UND, 0);
		EXPECT_EQ(und_count, 0);
		EXPECT_EQ(hyp_stat(HYP_STAT_SMC) - before, 3);
		test_end();
		test_context_roundtrip();
		return 0;
	}
	test_begin("smc-undefined-without-security-extensions");
	before = hyp_stat(HYP_STAT_SMC);
	und_count = 0;
	set_exc_handler(EXC_UND, count_und);
	r = smc_call(HYP_CALL_ECHO, 7, 8, 9);
	set_exc_handler(EXC_UND, 0);
	EXPECT_EQ(und_count, 1);
	EXPECT_EQ(und_lr_offset, 4); /* LR_und = the SMC + 4 in ARM state */
	EXPECT_EQ(r.r0, HYP_CALL_ECHO); /* untouched: nobody served the call */
	EXPECT_EQ(hyp_stat(HYP_STAT_SMC) - before, 0);
	test_end();

	test_context_roundtrip();
	return 0;
}

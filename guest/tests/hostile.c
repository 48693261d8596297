/* A hostile guest: thousands of random loads and stores of every width to random
 * addresses, random hypercall IDs, trapped IMPLEMENTATION DEFINED register accesses. Every one must end
 * as hardware would end it (done, or an exception in the guest), counted exactly, and the
 * hypervisor must still serve the guest correctly afterwards. */
#include "guest.h"

#define ROUNDS 3000

static uint32_t rng = 0x2545f491;
static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static volatile uint32_t dabts, unds, last_dfar;

/* Every access below is one ARM instruction: resume after it (LR_abt = insn + 8). */
static void on_dabt(enum exc_kind k, struct exc_frame *f)
{
	(void)k;
	dabts++;
	last_dfar = SYSREG_READ(0, c6, c0, 0);
	f->lr -= 4;
}

static void on_und(enum exc_kind k, struct exc_frame *f)
{
	(void)k;
	(void)f; /* LR_und = insn + 4 in ARM state: already the next instruction */
	unds++;
}

static void access(uint32_t addr, unsigned kind)
{
	uint32_t a, b;

	switch (kind) {
	case 0: __asm__ volatile("ldrb %0, [%1]" : "=r"(a) : "r"(addr) : "memory"); break;
	case 1: __asm__ volatile("ldrsh %0, [%1]" : "=r"(a) : "r"(addr & ~1u) : "memory"); break;
	case 2: __asm__ volatile("ldr %0, [%1]" : "=r"(a) : "r"(addr & ~3u) : "memory"); break;
	case 3: __asm__ volatile("strb %0, [%1]" ::"r"(next()), "r"(addr) : "memory"); break;
	case 4: __asm__ volatile("strh %0, [%1]" ::"r"(next()), "r"(addr & ~1u) : "memory"); break;
	case 5: __asm__ volatile("str %0, [%1]" ::"r"(next()), "r"(addr & ~3u) : "memory"); break;
	case 6: /* no syndrome (HSR.ISV=0) */
		__asm__ volatile("ldrd r2, r3, [%0]" ::"r"(addr & ~7u) : "r2", "r3", "memory");
		break;
	default:
		__asm__ volatile("ldm %2, {%0, %1}" : "=r"(a), "=r"(b) : "r"(addr & ~3u) : "memory");
		break;
	}
	(void)a;
	(void)b;
}

/* Addresses the guest may not scribble on with random data: its RAM, the console, and
 * its own CPU interface (the GICV is hardware: random writes there only hurt the guest). */
static int off_limits(uint32_t a, uint32_t ram, uint32_t size)
{
	return a - ram < size || (a >> 12) == (0x1c090000u >> 12) || a - 0x2c002000u < 0x2000;
}

int main(void)
{
	uint32_t ram = hyp_info(HYP_INFO_RAM_IPA), size = hyp_info(HYP_INFO_RAM_SIZE);
	uint32_t before, expected_aborts = 0, n = 0;
	struct smccc_res r;
	int bad;

	test_suite = "hostile";
	set_exc_handler(EXC_DABT, on_dabt);
	set_exc_handler(EXC_UND, on_und);

	test_begin("random-accesses-every-width");
	before = hyp_stat(HYP_STAT_DABT_INJECTED);
	dabts = 0;
	bad = 0;
	for (int i = 0; i < ROUNDS; i++) {
		/* Half anywhere, a quarter in the diagnostics page, a quarter in the GIC's
		 * window (mostly the emulated GICD). */
		uint32_t addr = next(), kind = next() % 8, d0 = dabts;
		bool emulated;
		if (i % 4 == 1)
			addr = TESTDEV_IPA | (addr & 0xfff);
		else if (i % 4 == 3)
			addr = (next() & 1 ? 0x2c001000 : 0x2c000000) | (addr & 0x7fff);
		if (off_limits(addr, ram, size))
			continue;
		access(addr, kind);
		n++;
		/* Only the emulated devices answer (GICD: RAZ/WI where the architecture says
		 * so), and only accesses with a syndrome. */
		emulated = (addr >> 12) == (TESTDEV_IPA >> 12) || (addr >> 12) == (0x2c001000 >> 12);
		uint32_t want = emulated && kind < 6 ? 0 : 1;
		expected_aborts += want;
		if (dabts - d0 != want && !bad++)
			test_fail(__FILE__, __LINE__, "access kind %u at %#x: %u aborts, expected %u", kind,
				  addr, dabts - d0, want);
	}
	EXPECT_EQ(dabts, expected_aborts);
	EXPECT_EQ(hyp_stat(HYP_STAT_DABT_INJECTED) - before, expected_aborts);
	EXPECT(n > ROUNDS / 2);
	test_end();

	test_begin("random-hypercalls-not-supported");
	bad = 0;
	for (int i = 0; i < 500; i++) {
		uint32_t fid = next();
		/* Leave PSCI's power calls and the known vendor calls alone. */
		if ((fid & 0xbfffff00u) == 0x84000000u || (fid & 0xffffff00u) == 0x86000000u)
			continue;
		r = hvc_call(fid, next(), next(), next());
		if (r.r0 != SMCCC_NOT_SUPPORTED && !bad++)
			test_fail(__FILE__, __LINE__, "hvc %#x returned %#x", fid, r.r0);
	}
	test_end();

	test_begin("trapped-impdef-registers-are-undefined");
	unds = 0;
	before = hyp_stat(HYP_STAT_UNDEF_INJECTED);
	for (int i = 0; i < 50; i++) {
		uint32_t v;
		/* c15 is trapped (HSTR.T15) and only CBAR has a value there. */
		__asm__ volatile("mrc p15, 0, %0, c15, c0, 0" : "=r"(v));
		__asm__ volatile("mcr p15, 1, %0, c15, c1, 2" ::"r"(next()));
		__asm__ volatile("mrrc p15, 0, %0, %1, c15" : "=r"(v), "=r"(v));
	}
	EXPECT_EQ(unds, 150);
	/* The 64-bit access is UNDEFINED before HSTR can trap it on QEMU (see abort.c). */
	before = hyp_stat(HYP_STAT_UNDEF_INJECTED) - before;
	EXPECT(before >= 100 && before <= 150);
	test_end();

	test_begin("hypervisor-still-serves-after-all-that");
	r = hvc_call(HYP_CALL_ECHO, 0xdead, 0xbeef, 0x1234);
	EXPECT_EQ(r.r0, 0);
	EXPECT_EQ(r.r1, 0xdead + 0xbeef);
	EXPECT_EQ(r.r2, 0xbeef ^ 0x1234);
	EXPECT_EQ(r.r3, ~0xdeadu);
	mmio_w32(TESTDEV_IPA + 0x10, 0x600df00d);
	EXPECT_EQ(mmio_r32(TESTDEV_IPA + 0x10), 0x600df00d);
	test_end();

	set_exc_handler(EXC_DABT, 0);
	set_exc_handler(EXC_UND, 0);
	return 0;
}

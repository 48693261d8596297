/* Condition checks, ITSTATE advance and instruction skip (ARM ARM A8.3, A2.5.2 ITAdvance). */
#define CHECK_SUITE "insn"
#include "check.h"

#include "arm/psr.h"
#include "hyp/insn.h"

/* Every PSR bit that is not a flag, so a condition check that looks past NZCV fails. */
#define PSR_Q_ (1u << 27)
#define PSR_GE_ (0xfu << 16)
#define NOISE (PSR_Q_ | PSR_GE_ | PSR_IT_MASK | PSR_J | PSR_E | PSR_A | PSR_I | PSR_F | PSR_T | 0x1f)

/* ARM ARM table A8-1, one line per condition, written independently of hyp/insn.c. */
static int ref_cond(unsigned cond, int n, int z, int c, int v)
{
	switch (cond) {
	case 0x0: return z;               /* EQ */
	case 0x1: return !z;              /* NE */
	case 0x2: return c;               /* CS */
	case 0x3: return !c;              /* CC */
	case 0x4: return n;               /* MI */
	case 0x5: return !n;              /* PL */
	case 0x6: return v;               /* VS */
	case 0x7: return !v;              /* VC */
	case 0x8: return c && !z;         /* HI */
	case 0x9: return !c || z;         /* LS */
	case 0xa: return n == v;          /* GE */
	case 0xb: return n != v;          /* LT */
	case 0xc: return !z && n == v;    /* GT */
	case 0xd: return z || n != v;     /* LE */
	default: return 1;                /* AL, and 0b1111 (ConditionPassed() is TRUE) */
	}
}

static uint32_t flags(int n, int z, int c, int v)
{
	return (n ? PSR_N : 0) | (z ? PSR_Z : 0) | (c ? PSR_C : 0) | (v ? PSR_V : 0);
}

static void test_cond_all_codes_all_flags(void)
{
	unsigned cond, f;

	for (cond = 0; cond < 16; cond++) {
		for (f = 0; f < 16; f++) {
			int n = f >> 3 & 1, z = f >> 2 & 1, c = f >> 1 & 1, v = f & 1;
			uint32_t psr = flags(n, z, c, v);
			int want = ref_cond(cond, n, z, c, v);

			CHECK_EQ_AT(insn_cond_passed(cond, psr), want, cond << 4 | f);
			/* The other PSR bits must not matter. */
			CHECK_EQ_AT(insn_cond_passed(cond, psr | NOISE), want, cond << 4 | f);
		}
	}
}

/* After CMP r0, r1 with r0=1, r1=2: N=1 Z=0 C=0 (borrow) V=0. Signed and unsigned
 * "less than" both hold. */
static void test_cond_after_cmp_less(void)
{
	uint32_t psr = PSR_N | PSR_MODE_SVC;

	CHECK(insn_cond_passed(0xb, psr));  /* LT */
	CHECK(!insn_cond_passed(0xa, psr)); /* GE */
	CHECK(insn_cond_passed(0x3, psr));  /* CC/LO */
	CHECK(!insn_cond_passed(0x8, psr)); /* HI */
	CHECK(insn_cond_passed(0x9, psr));  /* LS */
	CHECK(insn_cond_passed(0xd, psr));  /* LE */
	CHECK(!insn_cond_passed(0xc, psr)); /* GT */
	CHECK(insn_cond_passed(0x1, psr));  /* NE */
}

/* CMP of equal values: Z=1 C=1. HI must fail though C is set; LS and GE/LE pass. */
static void test_cond_after_cmp_equal(void)
{
	uint32_t psr = PSR_Z | PSR_C;

	CHECK(insn_cond_passed(0x0, psr));
	CHECK(!insn_cond_passed(0x8, psr));
	CHECK(insn_cond_passed(0x9, psr));
	CHECK(insn_cond_passed(0xa, psr));
	CHECK(insn_cond_passed(0xd, psr));
	CHECK(!insn_cond_passed(0xc, psr));
}

/* Signed overflow: 0x7fffffff - (-1): N=1 V=1 -> GE and GT hold despite N being set. */
static void test_cond_signed_overflow(void)
{
	uint32_t psr = PSR_N | PSR_V;

	CHECK(insn_cond_passed(0xa, psr));
	CHECK(insn_cond_passed(0xc, psr));
	CHECK(!insn_cond_passed(0xb, psr));
	CHECK(insn_cond_passed(0x6, psr));
	CHECK(!insn_cond_passed(0x7, psr));
}

static void test_cond_al_and_0b1111_always_pass(void)
{
	unsigned f;

	for (f = 0; f < 16; f++) {
		uint32_t psr = flags(f >> 3 & 1, f >> 2 & 1, f >> 1 & 1, f & 1);
		CHECK_EQ_AT(insn_cond_passed(0xe, psr), 1, f);
		CHECK_EQ_AT(insn_cond_passed(0xf, psr), 1, f);
	}
}

/* ITSTATE is split: IT[7:2] in CPSR[15:10], IT[1:0] in CPSR[26:25]. */
static uint32_t with_it(uint32_t psr, uint32_t it)
{
	return (psr & ~PSR_IT_MASK) | (it >> 2 & 0x3f) << 10 | (it & 3) << 25;
}

static uint32_t it_of(uint32_t psr)
{
	return (psr >> 10 & 0x3f) << 2 | (psr >> 25 & 3);
}

/* Bits ITAdvance() must leave alone. */
#define KEEP (PSR_N | PSR_C | PSR_Q_ | PSR_GE_ | PSR_E | PSR_A | PSR_F | PSR_T | PSR_MODE_USR)

/* Step an IT block through insn_it_advance; before each step ITSTATE[7:4] must be the
 * condition of the instruction about to execute, and after the last step ITSTATE is 0. */
static void run_it_block(uint32_t it0, const uint32_t *states, const unsigned *conds, unsigned n)
{
	uint32_t psr = with_it(KEEP, it0);
	unsigned i;

	for (i = 0; i < n; i++) {
		CHECK_EQ_AT(it_of(psr), states[i], i);
		CHECK_EQ_AT(it_of(psr) >> 4, conds[i], i);
		psr = insn_it_advance(psr);
		CHECK_EQ_AT(psr & ~PSR_IT_MASK, KEEP, i);
	}
	CHECK_EQ(it_of(psr), 0);
	CHECK_EQ(psr, KEEP);
}

/* ITTE EQ: firstcond=0000, mask=0110 -> ITSTATE 0x06; conditions EQ, EQ, NE. */
static void test_it_itte_eq(void)
{
	static const uint32_t st[] = { 0x06, 0x0c, 0x18 };
	static const unsigned cc[] = { 0x0, 0x0, 0x1 };

	run_it_block(0x06, st, cc, 3);
}

/* ITTE NE: firstcond=0001, mask=1010 -> 0x1a; conditions NE, NE, EQ. firstcond[0]
 * travels through the mask, so this differs from ITTE EQ beyond the top nibble. */
static void test_it_itte_ne(void)
{
	static const uint32_t st[] = { 0x1a, 0x14, 0x08 };
	static const unsigned cc[] = { 0x1, 0x1, 0x0 };

	run_it_block(0x1a, st, cc, 3);
}

/* ITETE GT: firstcond=1100, mask=1011 -> 0xcb; conditions GT, LE, GT, LE. A four-
 * instruction block exercises IT[1:0] in CPSR[26:25]. */
static void test_it_itete_gt(void)
{
	static const uint32_t st[] = { 0xcb, 0xd6, 0xcc, 0xd8 };
	static const unsigned cc[] = { 0xc, 0xd, 0xc, 0xd };

	run_it_block(0xcb, st, cc, 4);
}

/* Single-instruction IT MI: mask=1000 -> 0x48; one step ends the block. */
static void test_it_single(void)
{
	static const uint32_t st[] = { 0x48 };
	static const unsigned cc[] = { 0x4 };

	run_it_block(0x48, st, cc, 1);
}

/* ITTTT AL: firstcond=1110, mask=0001 -> 0xe1. */
static void test_it_tttt_al(void)
{
	static const uint32_t st[] = { 0xe1, 0xe2, 0xe4, 0xe8 };
	static const unsigned cc[] = { 0xe, 0xe, 0xe, 0xe };

	run_it_block(0xe1, st, cc, 4);
}

/* Outside an IT block the PSR passes through unchanged. */
static void test_it_outside_block(void)
{
	uint32_t psr = PSR_N | PSR_Z | PSR_C | PSR_V | PSR_T | PSR_MODE_SVC | PSR_GE_;

	CHECK_EQ(insn_it_advance(psr), psr);
	CHECK_EQ(insn_it_advance(0), 0);
}

/* Raw CPSR bit positions, independent of the with_it() helper: ITSTATE 0xcb is
 * IT[7:2]=110010 at CPSR[15:10] (0xc800) and IT[1:0]=11 at CPSR[26:25] (0x06000000);
 * after one step, ITSTATE 0xd6 is 0xd400 | 0x04000000. */
static void test_it_raw_bit_positions(void)
{
	CHECK_EQ(insn_it_advance(0x0600c800 | PSR_T), 0x0400d400 | PSR_T);
}

/* ARM state: always 4 bytes, and nothing in the PSR changes. */
static void test_skip_arm(void)
{
	uint32_t psr = PSR_MODE_SVC | PSR_Z | PSR_I;
	uint32_t pc = insn_skip(0x80001000, &psr, true);

	CHECK_EQ(pc, 0x80001004);
	CHECK_EQ(psr, PSR_MODE_SVC | PSR_Z | PSR_I);
}

static void test_skip_thumb16(void)
{
	uint32_t psr = PSR_MODE_USR | PSR_T;
	uint32_t pc = insn_skip(0x8000, &psr, false);

	CHECK_EQ(pc, 0x8002);
	CHECK_EQ(psr, PSR_MODE_USR | PSR_T);
}

/* 32-bit Thumb instructions can sit at a halfword-aligned address. */
static void test_skip_thumb32(void)
{
	uint32_t psr = PSR_MODE_USR | PSR_T;
	uint32_t pc = insn_skip(0x8002, &psr, true);

	CHECK_EQ(pc, 0x8006);
	CHECK_EQ(psr, PSR_MODE_USR | PSR_T);
}

/* A trapped instruction inside an IT block retires like any other: ITSTATE moves on,
 * whatever the instruction width. ITTE EQ with a 32-bit, a 16-bit and a 32-bit insn. */
static void test_skip_thumb_advances_it(void)
{
	uint32_t psr = with_it(PSR_T | PSR_Z | PSR_MODE_SVC, 0x06);
	uint32_t pc = 0x1000;

	pc = insn_skip(pc, &psr, true);
	CHECK_EQ(pc, 0x1004);
	CHECK_EQ(it_of(psr), 0x0c);
	pc = insn_skip(pc, &psr, false);
	CHECK_EQ(pc, 0x1006);
	CHECK_EQ(it_of(psr), 0x18);
	pc = insn_skip(pc, &psr, true);
	CHECK_EQ(pc, 0x100a);
	CHECK_EQ(it_of(psr), 0);
	CHECK_EQ(psr, PSR_T | PSR_Z | PSR_MODE_SVC);
}

int main(void)
{
	RUN(cond_all_codes_all_flags);
	RUN(cond_after_cmp_less);
	RUN(cond_after_cmp_equal);
	RUN(cond_signed_overflow);
	RUN(cond_al_and_0b1111_always_pass);
	RUN(it_itte_eq);
	RUN(it_itte_ne);
	RUN(it_itete_gt);
	RUN(it_single);
	RUN(it_tttt_al);
	RUN(it_outside_block);
	RUN(it_raw_bit_positions);
	RUN(skip_arm);
	RUN(skip_thumb16);
	RUN(skip_thumb32);
	RUN(skip_thumb_advances_it);
	return check_exit();
}

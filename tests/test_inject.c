/* Guest exception entry (ARM ARM B1.9: TakeUndefInstrException, TakePrefetchAbortException,
 * TakeDataAbortException with the Virtualization Extensions) and the fault status codes. */
#define CHECK_SUITE "inject"
#include "check.h"

#include "arm/psr.h"
#include "hyp/inject.h"

static struct exc_out enter(enum guest_exc kind, uint32_t cpsr, uint32_t pc, uint32_t sctlr,
			    uint32_t vbar)
{
	struct exc_in in = { .cpsr = cpsr, .pc = pc, .sctlr = sctlr, .vbar = vbar };
	struct exc_out out = { 0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef };

	exc_compute(kind, &in, &out);
	return out;
}

/* Expected values are worked out by hand from the pseudocode:
 *   LR  = preferred return + offset (table B1-7): undef ARM +4 / Thumb +2,
 *         prefetch abort +4 / +4, data abort +8 / +8
 *   PC  = (SCTLR.V ? 0xffff0000 : VBAR) + 0x04 / 0x0c / 0x10
 *   CPSR: M = 0b11011 / 0b10111, I = 1, A = 1 for aborts only, F untouched,
 *         IT = 0, J = 0, T = SCTLR.TE, E = SCTLR.EE, NZCVQ and GE untouched. */
static const struct row {
	const char *what;
	enum guest_exc kind;
	uint32_t cpsr, pc, sctlr, vbar;
	uint32_t want_cpsr, want_pc, want_lr;
} rows[] = {
	{ "undef ARM from USR", GEXC_UNDEF, 0xa80f0010, 0x80001230, 0, 0x80000000,
	  0xa80f009b, 0x80000004, 0x80001234 },
	/* Thumb, SVC, ITSTATE 0x06, A and F already set: both stay set, IT and T go. */
	{ "undef Thumb from SVC in IT block", GEXC_UNDEF, 0xac0f0573, 0x80001232, 0, 0x80000000,
	  0xa80f01db, 0x80000004, 0x80001234 },
	{ "pabt ARM", GEXC_PABT, 0xa80f0010, 0x00008000, 0, 0xc0000000,
	  0xa80f0197, 0xc000000c, 0x00008004 },
	{ "pabt Thumb, F set", GEXC_PABT, 0xa80f0070, 0x00008002, 0, 0xc0000000,
	  0xa80f01d7, 0xc000000c, 0x00008006 },
	{ "dabt ARM from SVC, I set", GEXC_DABT, 0x60000093, 0x80002000, 0, 0x80000000,
	  0x60000197, 0x80000010, 0x80002008 },
	/* ITSTATE 0xcb: IT[7:2] at 15:10 and IT[1:0] at 26:25 both cleared. */
	{ "dabt Thumb in IT block", GEXC_DABT, 0x6600c830, 0x80002002, 0, 0x80000000,
	  0x60000197, 0x80000010, 0x8000200a },
	{ "undef hivecs", GEXC_UNDEF, 0x00000010, 0x00010000, SCTLR_V, 0x80000000,
	  0x0000009b, 0xffff0004, 0x00010004 },
	{ "pabt hivecs Thumb", GEXC_PABT, 0x00000030, 0x00010002, SCTLR_V, 0x80000000,
	  0x00000197, 0xffff000c, 0x00010006 },
	{ "dabt hivecs", GEXC_DABT, 0x00000010, 0x00010000, SCTLR_V, 0x80000000,
	  0x00000197, 0xffff0010, 0x00010008 },
	/* SCTLR.TE/EE pick the handler's instruction set and endianness. */
	{ "undef ARM, TE and EE", GEXC_UNDEF, 0x00000010, 0x9000, SCTLR_TE | SCTLR_EE, 0x1000,
	  0x000002bb, 0x00001004, 0x00009004 },
	{ "dabt Thumb with E set, TE only", GEXC_DABT, 0x00000230, 0x9002, SCTLR_TE, 0x1000,
	  0x000001b7, 0x00001010, 0x0000900a },
	{ "pabt Thumb, EE only", GEXC_PABT, 0x00000030, 0x9002, SCTLR_EE, 0x1000,
	  0x00000397, 0x0000100c, 0x00009006 },
	/* Jazelle state (J=1, T=0): J is cleared on entry. */
	{ "dabt with J set", GEXC_DABT, 0x01000010, 0x9000, 0, 0x1000,
	  0x00000197, 0x00001010, 0x00009008 },
	/* SYS (0b11111) has every mode bit set: the mode must be replaced, not ORed. */
	{ "undef from SYS", GEXC_UNDEF, 0x0000001f, 0x9000, 0, 0x1000,
	  0x0000009b, 0x00001004, 0x00009004 },
	{ "pabt from SYS", GEXC_PABT, 0x0000001f, 0x9000, 0, 0x1000,
	  0x00000197, 0x0000100c, 0x00009004 },
};

static void test_entry_table(void)
{
	unsigned i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct exc_out o = enter(r->kind, r->cpsr, r->pc, r->sctlr, r->vbar);

		CHECK_EQ_AT(o.cpsr, r->want_cpsr, i);
		CHECK_EQ_AT(o.pc, r->want_pc, i);
		CHECK_EQ_AT(o.lr, r->want_lr, i);
		CHECK_EQ_AT(o.spsr, r->cpsr, i);
	}
}

/* The undefined-instruction LR offset is 2 in Thumb even for a 32-bit instruction: the
 * handler, not the CPU, works out the instruction length. */
static void test_undef_lr_offsets(void)
{
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_USR, 0x1000, 0, 0).lr, 0x1004);
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_USR | PSR_T, 0x1000, 0, 0).lr, 0x1002);
}

static void test_pabt_lr_offsets(void)
{
	CHECK_EQ(enter(GEXC_PABT, PSR_MODE_USR, 0x1000, 0, 0).lr, 0x1004);
	CHECK_EQ(enter(GEXC_PABT, PSR_MODE_USR | PSR_T, 0x1000, 0, 0).lr, 0x1004);
}

static void test_dabt_lr_offsets(void)
{
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_USR, 0x1000, 0, 0).lr, 0x1008);
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_USR | PSR_T, 0x1000, 0, 0).lr, 0x1008);
}

static void test_modes(void)
{
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_SVC, 0, 0, 0).cpsr & PSR_MODE_MASK, PSR_MODE_UND);
	CHECK_EQ(enter(GEXC_PABT, PSR_MODE_SVC, 0, 0, 0).cpsr & PSR_MODE_MASK, PSR_MODE_ABT);
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_SVC, 0, 0, 0).cpsr & PSR_MODE_MASK, PSR_MODE_ABT);
	/* A nested abort from Abort mode stays in Abort mode. */
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_ABT, 0, 0, 0).cpsr & PSR_MODE_MASK, PSR_MODE_ABT);
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_IRQ, 0, 0, 0).cpsr & PSR_MODE_MASK, PSR_MODE_UND);
}

/* Vector offsets, from VBAR and from the high vectors; SCTLR.V wins over VBAR. */
static void test_vectors(void)
{
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_USR, 0, 0, 0x12345600).pc, 0x12345604);
	CHECK_EQ(enter(GEXC_PABT, PSR_MODE_USR, 0, 0, 0x12345600).pc, 0x1234560c);
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_USR, 0, 0, 0x12345600).pc, 0x12345610);
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_USR, 0, SCTLR_V, 0x12345600).pc, 0xffff0004);
	CHECK_EQ(enter(GEXC_PABT, PSR_MODE_USR, 0, SCTLR_V, 0x12345600).pc, 0xffff000c);
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_USR, 0, SCTLR_V, 0x12345600).pc, 0xffff0010);
	/* VBAR = 0 is a valid base, not "unset". */
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_USR, 0, 0, 0).pc, 0x10);
}

/* VBAR[4:0] are reserved (UNK/SBZP): whatever the guest wrote there is not part of the base. */
static void test_vbar_low_bits_ignored(void)
{
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_USR, 0, 0, 0x8000001f).pc, 0x80000010);
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_USR, 0, 0, 0x80000001).pc, 0x80000004);
}

/* F is only set by FIQ and reset entry: undef and aborts leave it as it was. */
static void test_f_unchanged(void)
{
	enum guest_exc k;

	for (k = GEXC_UNDEF; k <= GEXC_DABT; k++) {
		CHECK_EQ_AT(enter(k, PSR_MODE_USR, 0, 0, 0).cpsr & PSR_F, 0, k);
		CHECK_EQ_AT(enter(k, PSR_MODE_USR | PSR_F, 0, 0, 0).cpsr & PSR_F, PSR_F, k);
	}
}

static void test_i_always_set(void)
{
	enum guest_exc k;

	for (k = GEXC_UNDEF; k <= GEXC_DABT; k++) {
		CHECK_EQ_AT(enter(k, PSR_MODE_USR, 0, 0, 0).cpsr & PSR_I, PSR_I, k);
		CHECK_EQ_AT(enter(k, PSR_MODE_USR | PSR_I, 0, 0, 0).cpsr & PSR_I, PSR_I, k);
	}
}

/* With the Virtualization Extensions CPSR.A is set on every abort entry (no SCR.AW
 * condition), and undef entry does not touch it. */
static void test_a_mask(void)
{
	CHECK_EQ(enter(GEXC_PABT, PSR_MODE_USR, 0, 0, 0).cpsr & PSR_A, PSR_A);
	CHECK_EQ(enter(GEXC_DABT, PSR_MODE_USR, 0, 0, 0).cpsr & PSR_A, PSR_A);
	CHECK_EQ(enter(GEXC_PABT, PSR_MODE_USR | PSR_A, 0, 0, 0).cpsr & PSR_A, PSR_A);
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_USR, 0, 0, 0).cpsr & PSR_A, 0);
	CHECK_EQ(enter(GEXC_UNDEF, PSR_MODE_USR | PSR_A, 0, 0, 0).cpsr & PSR_A, PSR_A);
}

/* T and E come from SCTLR.TE/EE, whatever the old state was, in all four combinations. */
static void test_te_ee_propagation(void)
{
	static const uint32_t old[] = { PSR_MODE_USR, PSR_MODE_USR | PSR_T,
					PSR_MODE_USR | PSR_E, PSR_MODE_USR | PSR_T | PSR_E };
	enum guest_exc k;
	unsigned i, s;

	for (k = GEXC_UNDEF; k <= GEXC_DABT; k++) {
		for (i = 0; i < 4; i++) {
			for (s = 0; s < 4; s++) {
				uint32_t sctlr = (s & 1 ? SCTLR_TE : 0) | (s & 2 ? SCTLR_EE : 0);
				uint32_t c = enter(k, old[i], 0, sctlr | SCTLR_M, 0).cpsr;
				unsigned at = k << 8 | i << 4 | s;

				CHECK_EQ_AT(c & PSR_T, s & 1 ? PSR_T : 0, at);
				CHECK_EQ_AT(c & PSR_E, s & 2 ? PSR_E : 0, at);
			}
		}
	}
}

/* IT and J are cleared; NZCV, Q and GE[3:0] survive. */
static void test_it_j_cleared_flags_kept(void)
{
	uint32_t in = 0xf8000000 | 0x000f0000 | PSR_IT_MASK | PSR_J | PSR_T | PSR_MODE_USR;
	enum guest_exc k;

	for (k = GEXC_UNDEF; k <= GEXC_DABT; k++) {
		struct exc_out o = enter(k, in, 0x4000, 0, 0);

		CHECK_EQ_AT(o.cpsr & PSR_IT_MASK, 0, k);
		CHECK_EQ_AT(o.cpsr & PSR_J, 0, k);
		CHECK_EQ_AT(o.cpsr & 0xf80f0000, 0xf80f0000, k);
		CHECK_EQ_AT(o.spsr, in, k);
	}
}

/* Short-descriptor DFSR: FS[4] at bit 10, FS[3:0] at 3:0, WnR at 11, LPAE (bit 9) clear.
 * 0b01000 = synchronous external abort (not on a walk); 0b01100 = on a first-level walk. */
static void test_fsr_short(void)
{
	CHECK_EQ(exc_abort_fsr(false, false, false), 0x008);
	CHECK_EQ(exc_abort_fsr(false, false, true), 0x808);
	CHECK_EQ(exc_abort_fsr(false, true, false), 0x00c);
	CHECK_EQ(exc_abort_fsr(false, true, true), 0x80c);
	CHECK_EQ(exc_abort_fsr(false, false, false) & (1u << 10 | 1u << 9), 0);
}

/* Long-descriptor DFSR: LPAE bit 9 set, STATUS[5:0] = 0b010000 (synchronous external),
 * 0b0101LL on a walk at level LL; WnR at 11. */
static void test_fsr_long(void)
{
	CHECK_EQ(exc_abort_fsr(true, false, false), 0x210);
	CHECK_EQ(exc_abort_fsr(true, false, true), 0xa10);
	CHECK_EQ(exc_abort_fsr(true, true, false), 0x215);
	CHECK_EQ(exc_abort_fsr(true, true, true), 0xa15);
	CHECK_EQ(exc_abort_fsr(true, false, false) & 0x3f, 0x10);
}

int main(void)
{
	RUN(entry_table);
	RUN(undef_lr_offsets);
	RUN(pabt_lr_offsets);
	RUN(dabt_lr_offsets);
	RUN(modes);
	RUN(vectors);
	RUN(vbar_low_bits_ignored);
	RUN(f_unchanged);
	RUN(i_always_set);
	RUN(a_mask);
	RUN(te_ee_propagation);
	RUN(it_j_cleared_flags_kept);
	RUN(fsr_short);
	RUN(fsr_long);
	return check_exit();
}

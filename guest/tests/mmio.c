/* MMIO emulation through the trap path: every access width and signedness, byte lanes
 * and endianness, the transfer register in every bank, the length of the retired
 * instruction in ARM and Thumb state, and accesses the hypervisor cannot emulate
 * (no valid syndrome) turning into a data abort instead of a crash. All through the
 * emulated diagnostics device (TESTDEV_*), which records what it was handed. */
#include "guest.h"

#define TD(off) (TESTDEV_IPA + (off))
#define LAST(off, len, wr) ((uint32_t)(off) | ((uint32_t)(len) << 12) | ((uint32_t)(wr) << 16))

/* ---- single accesses, exactly one instruction each. Loads first fill the destination
 * with the opposite of what a correct load leaves in the upper bits. ---- */
static inline uint32_t ld32(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("mov %0, #0x5a\n\tldr %0, [%1]" : "=&r"(v) : "r"(a) : "memory");
	return v;
}
static inline uint32_t ldh(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("mvn %0, #0\n\tldrh %0, [%1]" : "=&r"(v) : "r"(a) : "memory");
	return v;
}
static inline uint32_t ldsh(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("mov %0, #0x5a0000\n\tldrsh %0, [%1]" : "=&r"(v) : "r"(a) : "memory");
	return v;
}
static inline uint32_t ldb(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("mvn %0, #0\n\tldrb %0, [%1]" : "=&r"(v) : "r"(a) : "memory");
	return v;
}
static inline uint32_t ldsb(uint32_t a)
{
	uint32_t v;
	__asm__ volatile("mov %0, #0x5a00\n\tldrsb %0, [%1]" : "=&r"(v) : "r"(a) : "memory");
	return v;
}
static inline void st32(uint32_t a, uint32_t v) { __asm__ volatile("str %0, [%1]" ::"r"(v), "r"(a) : "memory"); }
static inline void sth(uint32_t a, uint32_t v) { __asm__ volatile("strh %0, [%1]" ::"r"(v), "r"(a) : "memory"); }
static inline void stb(uint32_t a, uint32_t v) { __asm__ volatile("strb %0, [%1]" ::"r"(v), "r"(a) : "memory"); }

static uint32_t td_last(void) { return ld32(TD(TESTDEV_LAST)); }
static uint32_t td_count(void) { return ld32(TD(TESTDEV_COUNT)); }

/* ---- data-abort catcher: records the abort, resumes at `ab_resume` if set, else
 * after the faulting ARM instruction (LR_abt - 8 + 4). ---- */
static volatile uint32_t ab_count, ab_dfar, ab_dfsr, ab_lr, ab_spsr, ab_resume;

static void catch_abort(enum exc_kind kind, struct exc_frame *f)
{
	(void)kind;
	ab_count++;
	ab_dfar = SYSREG_READ(0, c6, c0, 0);
	ab_dfsr = SYSREG_READ(0, c5, c0, 0);
	ab_lr = f->lr;
	ab_spsr = f->spsr;
	f->lr = ab_resume ? ab_resume : f->lr - 8 + 4;
}

static void catch_begin(void)
{
	ab_count = 0;
	ab_dfar = ab_dfsr = ab_lr = ab_spsr = 0xdeadbeef;
	ab_resume = 0;
	set_exc_handler(EXC_DABT, catch_abort);
}

static void catch_end(void) { set_exc_handler(EXC_DABT, 0); }

/* ---- Thumb snippets (called with interworking: the linker turns BL into BLX) ---- */
uint32_t t16_ldr(uint32_t addr, uint32_t *marker);
uint32_t t16_ldrsh(uint32_t addr, uint32_t *marker);
uint32_t t16_ldrsb(uint32_t addr, uint32_t *marker);
void t16_strh(uint32_t addr, uint32_t val, uint32_t *marker);
uint32_t t32_ldr(uint32_t addr, uint32_t *marker);
uint32_t t32_ldrsb(uint32_t addr, uint32_t *marker);
void t32_str(uint32_t addr, uint32_t val, uint32_t *marker);
uint32_t t16_it_ldr(uint32_t addr, uint32_t *marker);

/* Each snippet does one access and then adds 1 and 2 to a marker register with two
 * 16-bit instructions: the marker ends up 3 only if execution resumed exactly after the
 * access (a 2-byte skip of a 32-bit instruction would run its second half instead). */
__asm__(
	"	.syntax unified\n"
	"	.text\n"
	"	.thumb\n"
	"	.align 2\n"
	"	.global t16_ldr\n"
	"	.type t16_ldr, %function\n"
	"	.thumb_func\n"
	"t16_ldr:\n"
	"	movs r2, #0\n"
	"	ldr.n r0, [r0]\n"
	"	adds.n r2, #1\n"
	"	adds.n r2, #2\n"
	"	str r2, [r1]\n"
	"	bx lr\n"
	"	.size t16_ldr, . - t16_ldr\n"

	"	.global t16_ldrsh\n"
	"	.type t16_ldrsh, %function\n"
	"	.thumb_func\n"
	"t16_ldrsh:\n"
	"	movs r2, #0\n"
	"	movs r3, #0\n"
	"	ldrsh.n r0, [r0, r3]\n"
	"	adds.n r2, #1\n"
	"	adds.n r2, #2\n"
	"	str r2, [r1]\n"
	"	bx lr\n"
	"	.size t16_ldrsh, . - t16_ldrsh\n"

	"	.global t16_ldrsb\n"
	"	.type t16_ldrsb, %function\n"
	"	.thumb_func\n"
	"t16_ldrsb:\n"
	"	movs r2, #0\n"
	"	movs r3, #0\n"
	"	ldrsb.n r0, [r0, r3]\n"
	"	adds.n r2, #1\n"
	"	adds.n r2, #2\n"
	"	str r2, [r1]\n"
	"	bx lr\n"
	"	.size t16_ldrsb, . - t16_ldrsb\n"

	"	.global t16_strh\n"
	"	.type t16_strh, %function\n"
	"	.thumb_func\n"
	"t16_strh:\n"
	"	movs r3, #0\n"
	"	strh.n r1, [r0]\n"
	"	adds.n r3, #1\n"
	"	adds.n r3, #2\n"
	"	str r3, [r2]\n"
	"	bx lr\n"
	"	.size t16_strh, . - t16_strh\n"

	"	.global t32_ldr\n"
	"	.type t32_ldr, %function\n"
	"	.thumb_func\n"
	"t32_ldr:\n"
	"	movs r2, #0\n"
	"	mov.w r12, #0x5a\n"
	"	ldr.w r12, [r0]\n"
	"	adds.n r2, #1\n"
	"	adds.n r2, #2\n"
	"	str r2, [r1]\n"
	"	mov r0, r12\n"
	"	bx lr\n"
	"	.size t32_ldr, . - t32_ldr\n"

	"	.global t32_ldrsb\n"
	"	.type t32_ldrsb, %function\n"
	"	.thumb_func\n"
	"t32_ldrsb:\n"
	"	movs r2, #0\n"
	"	ldrsb.w r0, [r0, #1]\n"
	"	adds.n r2, #1\n"
	"	adds.n r2, #2\n"
	"	str r2, [r1]\n"
	"	bx lr\n"
	"	.size t32_ldrsb, . - t32_ldrsb\n"

	"	.global t32_str\n"
	"	.type t32_str, %function\n"
	"	.thumb_func\n"
	"t32_str:\n"
	"	movs r3, #0\n"
	"	str.w r1, [r0, #4]\n"
	"	adds.n r3, #1\n"
	"	adds.n r3, #2\n"
	"	str r3, [r2]\n"
	"	bx lr\n"
	"	.size t32_str, . - t32_str\n"

	/* A load as the first instruction of an ITET block: after it the ITSTATE must have
	 * advanced, so MOVNE is skipped and ADDEQ runs: marker = 0 + 1 + 2 = 3. */
	"	.global t16_it_ldr\n"
	"	.type t16_it_ldr, %function\n"
	"	.thumb_func\n"
	"t16_it_ldr:\n"
	"	movs r2, #0\n"
	"	cmp r2, #0\n"
	"	itet eq\n"
	"	ldreq.n r0, [r0]\n"
	"	movne.n r2, #5\n"
	"	addeq.n r2, #1\n"
	"	adds.n r2, #2\n"
	"	str r2, [r1]\n"
	"	bx lr\n"
	"	.size t16_it_ldr, . - t16_it_ldr\n"
	"	.arm\n");

/* ---- tests ---- */

static void test_word_roundtrip(void)
{
	test_begin("word-roundtrip");
	st32(TD(0x10), 0xdeadbeef);
	st32(TD(0x14), 0x12345678);
	EXPECT_EQ(ld32(TD(0x10)), 0xdeadbeef);
	EXPECT_EQ(ld32(TD(0x14)), 0x12345678);
	st32(TD(0x10), 0x00000000);
	EXPECT_EQ(ld32(TD(0x10)), 0);
	EXPECT_EQ(ld32(TD(0x14)), 0x12345678);
	st32(TD(0xfc), 0xcafef00d); /* last scratch word */
	EXPECT_EQ(ld32(TD(0xfc)), 0xcafef00d);
	test_end();
}

static void test_half_roundtrip(void)
{
	test_begin("halfword-roundtrip");
	st32(TD(0x20), 0);
	sth(TD(0x20), 0xbeef);
	sth(TD(0x22), 0x1234);
	EXPECT_EQ(ldh(TD(0x20)), 0xbeef);
	EXPECT_EQ(ldh(TD(0x22)), 0x1234);
	EXPECT_EQ(ld32(TD(0x20)), 0x1234beef);
	test_end();
}

static void test_byte_roundtrip(void)
{
	test_begin("byte-roundtrip");
	st32(TD(0x30), 0);
	stb(TD(0x30), 0x11);
	stb(TD(0x31), 0x22);
	stb(TD(0x32), 0x33);
	stb(TD(0x33), 0xc4);
	EXPECT_EQ(ldb(TD(0x30)), 0x11);
	EXPECT_EQ(ldb(TD(0x31)), 0x22);
	EXPECT_EQ(ldb(TD(0x32)), 0x33);
	EXPECT_EQ(ldb(TD(0x33)), 0xc4);
	EXPECT_EQ(ld32(TD(0x30)), 0xc4332211);
	test_end();
}

static void test_ldrsb(void)
{
	test_begin("ldrsb-sign-extends");
	st32(TD(0x40), 0);
	stb(TD(0x40), 0x80);
	stb(TD(0x41), 0xff);
	EXPECT_EQ(ldsb(TD(0x40)), 0xffffff80);
	EXPECT_EQ(ldb(TD(0x40)), 0x80);
	EXPECT_EQ(ldsb(TD(0x41)), 0xffffffff);
	EXPECT_EQ(ldb(TD(0x41)), 0xff);
	test_end();
}

static void test_ldrsh(void)
{
	test_begin("ldrsh-sign-extends");
	sth(TD(0x44), 0x8001);
	sth(TD(0x46), 0xffff);
	EXPECT_EQ(ldsh(TD(0x44)), 0xffff8001);
	EXPECT_EQ(ldh(TD(0x44)), 0x8001);
	EXPECT_EQ(ldsh(TD(0x46)), 0xffffffff);
	EXPECT_EQ(ldh(TD(0x46)), 0xffff);
	test_end();
}

static void test_signed_positive(void)
{
	test_begin("ldrs-positive-not-extended");
	/* bytes 7f 7f 80 80: the sign of a neighbouring byte must not leak in */
	st32(TD(0x48), 0x80807f7f);
	EXPECT_EQ(ldsb(TD(0x48)), 0x7f);
	EXPECT_EQ(ldsb(TD(0x49)), 0x7f);
	EXPECT_EQ(ldsh(TD(0x48)), 0x7f7f);
	EXPECT_EQ(ldsb(TD(0x4a)), 0xffffff80);
	EXPECT_EQ(ldsh(TD(0x4a)), 0xffff8080);
	st32(TD(0x4c), 0x00017fff);
	EXPECT_EQ(ldsh(TD(0x4c)), 0x7fff);
	EXPECT_EQ(ldsh(TD(0x4e)), 0x0001);
	EXPECT_EQ(ldsb(TD(0x4e)), 0x01);
	test_end();
}

static void test_narrow_stores(void)
{
	test_begin("narrow-store-low-part-only");
	st32(TD(0x60), 0xa5a5a5a5);
	st32(TD(0x64), 0xa5a5a5a5);
	st32(TD(0x68), 0xa5a5a5a5);
	stb(TD(0x61), 0x12345678);
	EXPECT_EQ(ld32(TD(0x60)), 0xa5a578a5);
	sth(TD(0x66), 0x12345678);
	EXPECT_EQ(ld32(TD(0x64)), 0x5678a5a5);
	EXPECT_EQ(ld32(TD(0x68)), 0xa5a5a5a5);
	stb(TD(0x6b), 0xffffff00);
	EXPECT_EQ(ld32(TD(0x68)), 0x00a5a5a5);
	sth(TD(0x68), 0xffff0000);
	EXPECT_EQ(ld32(TD(0x68)), 0x00a50000);
	test_end();
}

static void test_little_endian(void)
{
	test_begin("little-endian-byte-order");
	st32(TD(0x70), 0x11223344);
	EXPECT_EQ(ldb(TD(0x70)), 0x44);
	EXPECT_EQ(ldb(TD(0x71)), 0x33);
	EXPECT_EQ(ldb(TD(0x72)), 0x22);
	EXPECT_EQ(ldb(TD(0x73)), 0x11);
	EXPECT_EQ(ldh(TD(0x70)), 0x3344);
	EXPECT_EQ(ldh(TD(0x72)), 0x1122);
	test_end();
}

/* CPSR.E = 1 (SETEND BE): the device's bytes land in the register the other way round. */
static void test_big_endian(void)
{
	uint32_t w, h, sh, a = TD(0x78);

	test_begin("big-endian-setend");
	st32(a, 0x11223344); /* bytes 44 33 22 11 */
	st32(a + 4, 0);
	__asm__ volatile("setend be\n\t"
			 "ldr %0, [%3]\n\t"
			 "ldrh %1, [%3]\n\t"
			 "ldrsh %2, [%3, #2]\n\t"
			 "str %4, [%3, #4]\n\t"
			 "setend le"
			 : "=&r"(w), "=&r"(h), "=&r"(sh)
			 : "r"(a), "r"(0xa1b2c3d4)
			 : "memory");
	EXPECT_EQ(w, 0x44332211);
	EXPECT_EQ(h, 0x4433);
	EXPECT_EQ(sh, 0x2211);
	EXPECT_EQ(ld32(a + 4), 0xd4c3b2a1); /* BE store wrote a1 b2 c3 d4 */
	st32(a, 0x0000ff80);                /* bytes 80 ff 00 00 */
	__asm__ volatile("setend be\n\t"
			 "ldrsh %0, [%2]\n\t"
			 "strh %3, [%2, #2]\n\t"
			 "setend le"
			 : "=&r"(sh), "=&r"(h)
			 : "r"(a), "r"(0x1234)
			 : "memory");
	EXPECT_EQ(sh, 0xffff80ff);
	EXPECT_EQ(ld32(a), 0x3412ff80);
	test_end();
}

static void test_last(void)
{
	test_begin("last-reports-access");
	stb(TD(0x13), 1);
	EXPECT_EQ(td_last(), LAST(0x13, 1, 1));
	EXPECT_EQ(td_last(), LAST(0x13, 1, 1)); /* reading LAST does not replace it */
	ldb(TD(0x17));
	EXPECT_EQ(td_last(), LAST(0x17, 1, 0));
	ldsb(TD(0x19));
	EXPECT_EQ(td_last(), LAST(0x19, 1, 0));
	sth(TD(0x22), 2);
	EXPECT_EQ(td_last(), LAST(0x22, 2, 1));
	ldh(TD(0x26));
	EXPECT_EQ(td_last(), LAST(0x26, 2, 0));
	ldsh(TD(0x2a));
	EXPECT_EQ(td_last(), LAST(0x2a, 2, 0));
	st32(TD(0x44), 3);
	EXPECT_EQ(td_last(), LAST(0x44, 4, 1));
	ld32(TD(0xfc));
	EXPECT_EQ(td_last(), LAST(0xfc, 4, 0));
	td_count();
	EXPECT_EQ(td_last(), LAST(0xfc, 4, 0)); /* nor does reading COUNT */
	ld32(TD(0x800)); /* past the scratch area, still in the device */
	EXPECT_EQ(td_last(), LAST(0x800, 4, 0));
	test_end();
}

static void test_count(void)
{
	uint32_t c0;

	test_begin("count-one-per-access");
	c0 = td_count();
	EXPECT_EQ(td_count(), c0); /* reads of COUNT are not counted */
	td_last();
	EXPECT_EQ(td_count(), c0); /* nor reads of LAST */
	ldb(TD(0x10));
	EXPECT_EQ(td_count(), c0 + 1);
	st32(TD(0x10), 5);
	EXPECT_EQ(td_count(), c0 + 2);
	ldsh(TD(0x10));
	EXPECT_EQ(td_count(), c0 + 3);
	stb(TD(0x11), 5);
	sth(TD(0x12), 5);
	ld32(TD(0x10));
	EXPECT_EQ(td_count(), c0 + 6);
	test_end();
}

static void test_reg_r12(void)
{
	uint32_t out, a = TD(0x50), v = 0x9abcdef0;

	test_begin("transfer-reg-r12");
	__asm__ volatile("mov r12, %1\n\t"
			 "str r12, [%2]\n\t"
			 "mov r12, #0\n\t"
			 "ldr r12, [%2, #0]\n\t"
			 "mov %0, r12"
			 : "=r"(out)
			 : "r"(v), "r"(a)
			 : "r12", "memory");
	EXPECT_EQ(out, v);
	EXPECT_EQ(ld32(a), v);
	/* a high register that is not the one just stored: r11, then r10 via ldrsh */
	st32(a, 0xffff8765);
	__asm__ volatile("mov r11, #0\n\t"
			 "ldrsh r11, [%1]\n\t"
			 "mov %0, r11"
			 : "=r"(out)
			 : "r"(a)
			 : "r11", "memory");
	EXPECT_EQ(out, 0xffff8765);
	test_end();
}

static void test_reg_lr(void)
{
	uint32_t out, a = TD(0x54), v = 0x13579bdf;

	test_begin("transfer-reg-lr-svc");
	__asm__ volatile("mov lr, %1\n\t"
			 "str lr, [%2]\n\t"
			 "mov lr, #0\n\t"
			 "ldr lr, [%2]\n\t"
			 "mov %0, lr"
			 : "=r"(out)
			 : "r"(v), "r"(a)
			 : "lr", "memory");
	EXPECT_EQ(out, v);
	EXPECT_EQ(ld32(a), v);
	test_end();
}

/* SVC's SP: a different banked register from LR. The real SP is kept in r4. */
static void test_reg_sp(void)
{
	uint32_t out, stored, sp_now, a = TD(0x58), v = 0x2468ace0;

	test_begin("transfer-reg-sp-svc");
	__asm__ volatile("mov r4, sp\n\t"
			 "mov %2, sp\n\t"
			 "str sp, [%4]\n\t"
			 "ldr %1, [%4]\n\t"
			 "str %3, [%4]\n\t"
			 "ldr sp, [%4]\n\t"
			 "mov %0, sp\n\t"
			 "mov sp, r4"
			 : "=&r"(out), "=&r"(stored), "=&r"(sp_now)
			 : "r"(v), "r"(a)
			 : "r4", "memory");
	EXPECT_EQ(stored, sp_now);
	EXPECT_EQ(out, v);
	test_end();
}

/* In SYS mode LR is LR_usr, which the hypervisor keeps apart from the SVC bank. */
static void test_reg_sys_lr(void)
{
	uint32_t out, svc_lr, a = TD(0x5c), v = 0x0badf00d;

	test_begin("transfer-reg-lr-sys");
	__asm__ volatile("mov lr, #0x77\n\t"
			 "cps #0x1f\n\t"
			 "mov lr, %2\n\t"
			 "str lr, [%3]\n\t"
			 "mov lr, #0\n\t"
			 "ldr lr, [%3]\n\t"
			 "mov %0, lr\n\t"
			 "cps #0x13\n\t"
			 "mov %1, lr"
			 : "=&r"(out), "=&r"(svc_lr)
			 : "r"(v), "r"(a)
			 : "lr", "memory");
	EXPECT_EQ(out, v);
	EXPECT_EQ(svc_lr, 0x77); /* SVC's LR untouched */
	EXPECT_EQ(ld32(a), v);
	test_end();
}

/* In FIQ mode r8-r12 are banked: the hypervisor must use the FIQ copies. All operands
 * are pinned to r0-r4, which FIQ mode shares. */
static void test_reg_fiq(void)
{
	register uint32_t v __asm__("r0");
	register uint32_t a __asm__("r1");
	register uint32_t out8 __asm__("r2"), out12 __asm__("r3"), usr __asm__("r4");

	test_begin("transfer-reg-fiq-banked");
	st32(TD(0x64), 0x27182818);
	/* no calls between these assignments and the asm: they would clobber r0/r1 */
	v = 0x31415926;
	a = TD(0x60);
	__asm__ volatile("push {r8, r12}\n\t"
			 "mov r8, #0x11\n\t"
			 "mov r12, #0x22\n\t"
			 "cps #0x11\n\t"
			 "mov r8, r0\n\t"
			 "str r8, [r1]\n\t"
			 "mov r8, #0\n\t"
			 "ldr r8, [r1]\n\t"
			 "mov r12, #0\n\t"
			 "ldr r12, [r1, #4]\n\t"
			 "mov r2, r8\n\t"
			 "mov r3, r12\n\t"
			 "cps #0x13\n\t"
			 "add r4, r8, r12, lsl #8\n\t"
			 "pop {r8, r12}"
			 : "=&r"(out8), "=&r"(out12), "=&r"(usr)
			 : "r"(v), "r"(a)
			 : "memory");
	EXPECT_EQ(out8, 0x31415926);
	EXPECT_EQ(out12, 0x27182818);
	EXPECT_EQ(usr, 0x2211); /* the SVC/USR r8, r12 untouched */
	EXPECT_EQ(ld32(TD(0x60)), 0x31415926);
	test_end();
}

/* STR PC stores the instruction's address + 8 (ARMv7 PCStoreValue). If the CPU gives no
 * syndrome for it, the hypervisor must inject an abort instead; either is correct. */
static void test_reg_pc(void)
{
	uint32_t insn, a = TD(0x68);

	test_begin("transfer-reg-pc-store");
	st32(a, 0);
	catch_begin();
	__asm__ volatile("adr %0, 1f\n"
			 "1:\tstr pc, [%1]"
			 : "=&r"(insn)
			 : "r"(a)
			 : "memory");
	catch_end();
	if (ab_count == 0) {
		EXPECT_EQ(ld32(a), insn + 8);
	} else {
		gprintf("  (str pc to the testdev gave a data abort, DFSR %#x)\n", ab_dfsr);
		EXPECT_EQ(ab_count, 1);
		EXPECT_EQ(ab_dfar, a);
		EXPECT_EQ(ab_dfsr, 0x808);
		EXPECT_EQ(ab_lr, insn + 8);
		EXPECT_EQ(ld32(a), 0); /* nothing was stored */
	}
	test_end();
}

/* LDR PC from the device: a branch to the loaded address. Architecturally there is no
 * syndrome for it (R15 as the transfer register), so an injected abort is correct too;
 * what must not happen is the load being "emulated" and execution falling through. */
static void test_reg_pc_load(void)
{
	uint32_t insn, fell_through, a = TD(0x6c);

	test_begin("transfer-reg-pc-load");
	catch_begin();
	__asm__ volatile("adr r2, 2f\n\t"
			 "str r2, [%2]\n\t"
			 "mov %1, #0\n\t"
			 "adr %0, 1f\n"
			 "1:\tldr pc, [%2]\n\t"
			 "mov %1, #1\n"
			 "2:"
			 : "=&r"(insn), "=&r"(fell_through)
			 : "r"(a)
			 : "r2", "memory");
	catch_end();
	if (ab_count == 0) {
		EXPECT_EQ(fell_through, 0);
	} else {
		gprintf("  (ldr pc from the testdev gave a data abort, DFSR %#x)\n", ab_dfsr);
		EXPECT_EQ(ab_count, 1);
		EXPECT_EQ(ab_dfar, a);
		EXPECT_EQ(ab_dfsr, 0x008);
		EXPECT_EQ(ab_lr, insn + 8);
		EXPECT_EQ(fell_through, 1); /* the handler resumed after the LDR */
	}
	test_end();
}

static void test_thumb16(void)
{
	uint32_t marker, v;

	test_begin("thumb16-ldr-resumes-after-2-bytes");
	st32(TD(0x80), 0xfeedface);
	marker = 0;
	v = t16_ldr(TD(0x80), &marker);
	EXPECT_EQ(v, 0xfeedface);
	EXPECT_EQ(marker, 3);
	EXPECT_EQ(td_last(), LAST(0x80, 4, 0));
	test_end();

	test_begin("thumb16-ldrsh-ldrsb-strh");
	sth(TD(0x84), 0x8123);
	marker = 0;
	EXPECT_EQ(t16_ldrsh(TD(0x84), &marker), 0xffff8123);
	EXPECT_EQ(marker, 3);
	marker = 0;
	EXPECT_EQ(t16_ldrsb(TD(0x85), &marker), 0xffffff81);
	EXPECT_EQ(marker, 3);
	st32(TD(0x88), 0xa5a5a5a5);
	marker = 0;
	t16_strh(TD(0x8a), 0xdeadbeef, &marker);
	EXPECT_EQ(marker, 3);
	EXPECT_EQ(ld32(TD(0x88)), 0xbeefa5a5);
	test_end();

	test_begin("thumb-it-block-advances");
	st32(TD(0x8c), 0x600dcafe);
	marker = 0;
	EXPECT_EQ(t16_it_ldr(TD(0x8c), &marker), 0x600dcafe);
	EXPECT_EQ(marker, 3);
	test_end();
}

static void test_thumb32(void)
{
	uint32_t marker, v;

	test_begin("thumb32-ldr-w-resumes-after-4-bytes");
	st32(TD(0x90), 0x0ddba11);
	marker = 0;
	v = t32_ldr(TD(0x90), &marker);
	EXPECT_EQ(v, 0x0ddba11);
	EXPECT_EQ(marker, 3);
	st32(TD(0x94), 0x00008000);
	marker = 0;
	EXPECT_EQ(t32_ldrsb(TD(0x94), &marker), 0xffffff80);
	EXPECT_EQ(marker, 3);
	marker = 0;
	t32_str(TD(0x94), 0x5eed5eed, &marker);
	EXPECT_EQ(marker, 3);
	EXPECT_EQ(ld32(TD(0x98)), 0x5eed5eed);
	test_end();
}

static void test_stat_mmio(void)
{
	uint32_t s0, s1;

	test_begin("stat-mmio-counts-emulated");
	s0 = hyp_stat(HYP_STAT_MMIO);
	st32(TD(0x10), 1);
	ld32(TD(0x10));
	stb(TD(0x10), 1);
	ldsb(TD(0x10));
	sth(TD(0x10), 1);
	ldh(TD(0x10));
	td_count(); /* emulated too, just not counted by the device */
	s1 = hyp_stat(HYP_STAT_MMIO);
	EXPECT_EQ(s1 - s0, 7);
	ld32(0x1c090018); /* UARTFR: the UART is passed through, not emulated */
	EXPECT_EQ(hyp_stat(HYP_STAT_MMIO), s1);
	test_end();
}

static void test_no_syndrome(void)
{
	uint32_t insn, lo, hi, c0, mmio0, dabt0, a = TD(0xa0);

	test_begin("ldrd-strd-no-syndrome-abort");
	st32(a, 0x11111111);
	st32(a + 4, 0x22222222);
	c0 = td_count();
	mmio0 = hyp_stat(HYP_STAT_MMIO);
	dabt0 = hyp_stat(HYP_STAT_DABT_INJECTED);

	catch_begin();
	__asm__ volatile("ldr r2, =0xaaaaaaaa\n\t"
			 "ldr r3, =0xbbbbbbbb\n\t"
			 "adr %0, 1f\n"
			 "1:\tldrd r2, r3, [%3]\n\t"
			 "mov %1, r2\n\t"
			 "mov %2, r3"
			 : "=&r"(insn), "=&r"(lo), "=&r"(hi)
			 : "r"(a)
			 : "r2", "r3", "memory");
	EXPECT_EQ(ab_count, 1);
	EXPECT_EQ(ab_dfar, a);
	EXPECT_EQ(ab_dfsr, 0x008);
	EXPECT_EQ(ab_lr, insn + 8);
	EXPECT_EQ(ab_spsr & 0x3f, 0x13); /* from SVC, ARM */
	EXPECT_EQ(lo, 0xaaaaaaaa);        /* not loaded */
	EXPECT_EQ(hi, 0xbbbbbbbb);

	ab_count = 0;
	__asm__ volatile("mov r2, #0x33\n\t"
			 "mov r3, #0x44\n\t"
			 "adr %0, 1f\n"
			 "1:\tstrd r2, r3, [%1]"
			 : "=&r"(insn)
			 : "r"(a)
			 : "r2", "r3", "memory");
	EXPECT_EQ(ab_count, 1);
	EXPECT_EQ(ab_dfar, a);
	EXPECT_EQ(ab_dfsr, 0x808);
	EXPECT_EQ(ab_lr, insn + 8);

	/* LDM: also no syndrome */
	ab_count = 0;
	__asm__ volatile("mov r2, #0\n\t"
			 "adr %0, 1f\n"
			 "1:\tldm %2, {r2, r3}\n\t"
			 "mov %1, r2"
			 : "=&r"(insn), "=&r"(lo)
			 : "r"(a)
			 : "r2", "r3", "memory");
	EXPECT_EQ(ab_count, 1);
	EXPECT_EQ(ab_dfar, a);
	EXPECT_EQ(ab_dfsr, 0x008);
	EXPECT_EQ(ab_lr, insn + 8);
	EXPECT_EQ(lo, 0);
	catch_end();

	EXPECT_EQ(hyp_stat(HYP_STAT_DABT_INJECTED) - dabt0, 3);
	EXPECT_EQ(hyp_stat(HYP_STAT_MMIO) - mmio0, 0); /* none emulated... */
	EXPECT_EQ(td_count(), c0);                     /* ...the device saw none of them */
	/* the scratch is as before, and the device still works */
	EXPECT_EQ(ld32(a), 0x11111111);
	EXPECT_EQ(ld32(a + 4), 0x22222222);
	test_end();
}

/* A load with base writeback has no syndrome on most CPUs: it must either abort with
 * the base unchanged, or be emulated completely (value and new base). */
static void test_writeback(void)
{
	uint32_t base, v, a = TD(0xb0);

	test_begin("writeback-load-abort-or-complete");
	st32(a, 0x7e57da7a);
	catch_begin();
	base = a;
	v = 0x5a5a5a5a;
	__asm__ volatile("ldr %0, [%1], #4" : "+r"(v), "+r"(base) : : "memory");
	catch_end();
	if (ab_count) {
		EXPECT_EQ(ab_count, 1);
		EXPECT_EQ(ab_dfar, a);
		EXPECT_EQ(base, a);
		EXPECT_EQ(v, 0x5a5a5a5a);
	} else {
		EXPECT_EQ(v, 0x7e57da7a);
		EXPECT_EQ(base, a + 4);
	}
	/* and the guest carries on */
	EXPECT_EQ(ld32(a), 0x7e57da7a);
	test_end();
}

int main(void)
{
	test_suite = "mmio";
	test_word_roundtrip();
	test_half_roundtrip();
	test_byte_roundtrip();
	test_ldrsb();
	test_ldrsh();
	test_signed_positive();
	test_narrow_stores();
	test_little_endian();
	test_big_endian();
	test_last();
	test_count();
	test_reg_r12();
	test_reg_lr();
	test_reg_sp();
	test_reg_sys_lr();
	test_reg_fiq();
	test_reg_pc();
	test_reg_pc_load();
	test_thumb16();
	test_thumb32();
	test_stat_mmio();
	test_no_syndrome();
	test_writeback();
	return 0;
}

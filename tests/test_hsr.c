/* HSR decoding against hand-built syndromes (ARM ARM B3.13.6).
 *
 * The hex literals below are assembled by hand from the field layout, not with the
 * decoder's own shifts, so a wrong shift or mask in hyp/hsr.c shows up here. */
#define CHECK_SUITE "hsr"
#include "check.h"

#include <string.h>

#include "arm/hsr.h"

/* Decode into a struct pre-filled with junk, so a field the decoder forgets to clear
 * is caught too. */
static struct hsr_info dec(uint32_t hsr)
{
	struct hsr_info h;

	memset(&h, 0xa5, sizeof(h));
	hsr_decode(hsr, &h);
	return h;
}

/* Field layout used for the loops: EC[31:26] IL[25] ISS[24:0]. */
static uint32_t mk(uint32_t ec, int il, uint32_t iss)
{
	return ec << 26 | (il ? 1u << 25 : 0) | iss;
}

/* Field by field: struct copies need not preserve padding, so no memcmp. */
static int same_info(const struct hsr_info *a, const struct hsr_info *b)
{
	return a->ec == b->ec && a->il32 == b->il32 && a->cv == b->cv && a->cond == b->cond &&
	       a->isv == b->isv && a->sas_bytes == b->sas_bytes && a->sse == b->sse &&
	       a->srt == b->srt && a->wnr == b->wnr && a->s1ptw == b->s1ptw && a->ea == b->ea &&
	       a->cm == b->cm && a->fsc == b->fsc && a->read == b->read && a->opc1 == b->opc1 &&
	       a->opc2 == b->opc2 && a->crn == b->crn && a->crm == b->crm && a->rt == b->rt &&
	       a->rt2 == b->rt2 && a->wfe == b->wfe && a->imm16 == b->imm16;
}

/* LDRB r3, [..] faulting at stage 2 with a level-2 translation fault:
 * EC=0x24 IL=1 ISV=1 SAS=00 SSE=0 SRT=3 WnR=0 FSC=0b000110. */
static void test_dabt_byte_load(void)
{
	struct hsr_info h = dec(0x93030006);

	CHECK_EQ(h.ec, EC_DABT_LOW);
	CHECK(h.il32);
	CHECK(h.isv);
	CHECK_EQ(h.sas_bytes, 1);
	CHECK(!h.sse);
	CHECK_EQ(h.srt, 3);
	CHECK(!h.wnr);
	CHECK(!h.s1ptw);
	CHECK(!h.ea);
	CHECK(!h.cm);
	CHECK_EQ(h.fsc, 0x06);
}

/* LDRSH r12: SAS=01 SSE=1 SRT=12, level-3 translation fault. */
static void test_dabt_signed_halfword_load(void)
{
	struct hsr_info h = dec(0x936c0007);

	CHECK(h.isv);
	CHECK_EQ(h.sas_bytes, 2);
	CHECK(h.sse);
	CHECK_EQ(h.srt, 12);
	CHECK(!h.wnr);
	CHECK_EQ(h.fsc, 0x07);
}

/* STR r0: SAS=10 WnR=1 SRT=0, level-1 translation fault. */
static void test_dabt_word_store(void)
{
	struct hsr_info h = dec(0x93800045);

	CHECK(h.isv);
	CHECK_EQ(h.sas_bytes, 4);
	CHECK(!h.sse);
	CHECK_EQ(h.srt, 0);
	CHECK(h.wnr);
	CHECK_EQ(h.fsc, 0x05);
}

static void test_dabt_each_sas(void)
{
	static const unsigned bytes[3] = { 1, 2, 4 };
	unsigned sas;

	for (sas = 0; sas < 3; sas++) {
		struct hsr_info h = dec(mk(EC_DABT_LOW, 1, 1u << 24 | sas << 22 | 7u << 16));
		CHECK_EQ_AT(h.sas_bytes, bytes[sas], sas);
		CHECK_EQ_AT(h.srt, 7, sas);
		CHECK_EQ_AT(h.sse, 0, sas);
	}
}

static void test_dabt_every_srt(void)
{
	unsigned r;

	for (r = 0; r < 16; r++) {
		struct hsr_info h = dec(mk(EC_DABT_LOW, 1, 1u << 24 | 2u << 22 | r << 16 | 1u << 6));
		CHECK_EQ_AT(h.srt, r, r);
		CHECK_EQ_AT(h.wnr, 1, r);
	}
}

/* ISS bit 20 sits between SSE and SRT and is reserved: it must not leak into SRT
 * (a 5-bit SRT mask would turn r15 into "r31"). */
static void test_dabt_reserved_bit20_ignored(void)
{
	/* ISV, SAS=10, SSE=1, bit 20=1, SRT=15 */
	struct hsr_info h = dec(0x93bf0000);

	CHECK_EQ(h.srt, 15);
	CHECK(h.sse);
	CHECK_EQ(h.sas_bytes, 4);
}

/* With ISV=0 (e.g. LDM, or a load with writeback) ISS[23:16] carry no access
 * information; the decoder must not report a size or register the trap path could act on. */
static void test_dabt_isv_clear(void)
{
	/* ISV=0, junk in 23:16, WnR=1, FSC=0b000110 */
	struct hsr_info h = dec(0x92ef0046);

	CHECK_EQ(h.ec, EC_DABT_LOW);
	CHECK(!h.isv);
	CHECK_EQ(h.sas_bytes, 0);
	CHECK(!h.sse);
	CHECK_EQ(h.srt, 0);
	CHECK(h.wnr);
	CHECK_EQ(h.fsc, 0x06);
}

/* Stage-2 fault on the guest's stage-1 walk: S1PTW=1, plus EA and CM set. */
static void test_dabt_s1ptw_ea_cm(void)
{
	/* ISV=0, EA=1 (bit 9), CM=1 (bit 8), S1PTW=1 (bit 7), WnR=0, FSC=0b000101 */
	struct hsr_info h = dec(0x92000385);

	CHECK(h.s1ptw);
	CHECK(h.ea);
	CHECK(h.cm);
	CHECK(!h.wnr);
	CHECK_EQ(h.fsc, 0x05);

	/* Each bit on its own, so swapped positions are caught. */
	h = dec(mk(EC_DABT_LOW, 1, 1u << 7));
	CHECK(h.s1ptw && !h.ea && !h.cm && !h.wnr);
	h = dec(mk(EC_DABT_LOW, 1, 1u << 8));
	CHECK(!h.s1ptw && !h.ea && h.cm && !h.wnr);
	h = dec(mk(EC_DABT_LOW, 1, 1u << 9));
	CHECK(!h.s1ptw && h.ea && !h.cm && !h.wnr);
	h = dec(mk(EC_DABT_LOW, 1, 1u << 6));
	CHECK(!h.s1ptw && !h.ea && !h.cm && h.wnr);
}

static void test_dabt_every_fsc(void)
{
	unsigned fsc;

	for (fsc = 0; fsc < 64; fsc++) {
		struct hsr_info h = dec(mk(EC_DABT_LOW, 1, 1u << 24 | fsc));
		CHECK_EQ_AT(h.fsc, fsc, fsc);
		CHECK_EQ_AT(h.wnr, 0, fsc);
		CHECK_EQ_AT(h.s1ptw, 0, fsc);
	}
	/* The FSC_* helpers classify the long-descriptor codes. */
	CHECK_EQ(0x07 & FSC_TRANS_MASK, FSC_TRANS);
	CHECK_EQ(0x04 & FSC_TRANS_MASK, FSC_TRANS);
	CHECK((0x0f & FSC_TRANS_MASK) != FSC_TRANS);
	CHECK_EQ(0x0f & FSC_TRANS_MASK, FSC_PERM);
	CHECK_EQ(0x09 & FSC_TRANS_MASK, FSC_ACCESS);
}

/* Data abort taken to Hyp mode itself uses the same ISS. */
static void test_dabt_hyp(void)
{
	struct hsr_info h = dec(0x97030046); /* EC=0x25 IL ISV SRT=3 WnR FSC=6 */

	CHECK_EQ(h.ec, EC_DABT_HYP);
	CHECK(h.isv);
	CHECK_EQ(h.srt, 3);
	CHECK(h.wnr);
	CHECK_EQ(h.fsc, 0x06);
}

/* Prefetch abort: EA, S1PTW and IFSC exist; bits 24 and 6 are reserved there and must
 * not show up as ISV or WnR. */
static void test_iabt(void)
{
	/* EC=0x20 IL=1, bit24=1, EA=1, S1PTW=1, bit6=1, IFSC=0b001111 */
	struct hsr_info h = dec(0x830002cf);

	CHECK_EQ(h.ec, EC_IABT_LOW);
	CHECK(h.il32);
	CHECK(h.ea);
	CHECK(h.s1ptw);
	CHECK_EQ(h.fsc, 0x0f);
	CHECK(!h.isv);
	CHECK(!h.wnr);
	CHECK_EQ(h.sas_bytes, 0);

	h = dec(0x86000010); /* EC=0x21 IL=1 IFSC=0b010000 */
	CHECK_EQ(h.ec, EC_IABT_HYP);
	CHECK(!h.ea);
	CHECK(!h.s1ptw);
	CHECK_EQ(h.fsc, FSC_SEA);
}

/* HVC #0xabcd from ARM state: EC=0x12 IL=1 imm16=0xabcd. */
static void test_hvc_imm16(void)
{
	struct hsr_info h = dec(0x4a00abcd);

	CHECK_EQ(h.ec, EC_HVC);
	CHECK(h.il32);
	CHECK_EQ(h.imm16, 0xabcd);

	/* ISS[24:16] are reserved for HVC: not part of the immediate. */
	h = dec(0x4bff0000 | 0x1234);
	CHECK_EQ(h.imm16, 0x1234);
	h = dec(mk(EC_HVC, 1, 0xffff));
	CHECK_EQ(h.imm16, 0xffff);
	h = dec(mk(EC_HVC, 1, 0));
	CHECK_EQ(h.imm16, 0);
}

/* WFI, unconditional ARM encoding: CV=1 COND=0b1110 TI=0. */
static void test_wfi(void)
{
	struct hsr_info h = dec(0x07e00000);

	CHECK_EQ(h.ec, EC_WFI_WFE);
	CHECK(h.il32);
	CHECK(!h.wfe);
	CHECK(h.cv);
	CHECK_EQ(h.cond, 0xe);
}

/* WFENE: CV=1 COND=0b0001 TI=1. */
static void test_wfe_conditional(void)
{
	struct hsr_info h = dec(0x07100001);

	CHECK(h.wfe);
	CHECK(h.cv);
	CHECK_EQ(h.cond, 0x1);
}

/* 16-bit Thumb WFE: IL=0, and CV=0 (the condition comes from ITSTATE, not the HSR). */
static void test_wfe_thumb16_no_cv(void)
{
	struct hsr_info h = dec(0x04e00001);

	CHECK_EQ(h.ec, EC_WFI_WFE);
	CHECK(!h.il32);
	CHECK(h.wfe);
	CHECK(!h.cv);
}

static void test_wfx_every_cond(void)
{
	unsigned c;

	for (c = 0; c < 16; c++) {
		struct hsr_info h = dec(mk(EC_WFI_WFE, 1, 1u << 24 | c << 20));
		CHECK_EQ_AT(h.cond, c, c);
		CHECK_EQ_AT(h.cv, 1, c);
		CHECK_EQ_AT(h.wfe, 0, c);
	}
}

/* MCR p15, 0, r5, c1, c0, 0 (SCTLR write):
 * CV=1 COND=1110 Opc2=000 Opc1=000 CRn=0001 Rt=0101 CRm=0000 Direction=0. */
static void test_mcr_sctlr(void)
{
	struct hsr_info h = dec(0x0fe004a0);

	CHECK_EQ(h.ec, EC_CP15_32);
	CHECK(h.il32);
	CHECK(h.cv);
	CHECK_EQ(h.cond, 0xe);
	CHECK_EQ(h.opc1, 0);
	CHECK_EQ(h.opc2, 0);
	CHECK_EQ(h.crn, 1);
	CHECK_EQ(h.crm, 0);
	CHECK_EQ(h.rt, 5);
	CHECK(!h.read);
}

/* MRC p15, 0, r0, c0, c0, 5 (MPIDR read): Opc2=101, Direction=1. */
static void test_mrc_mpidr(void)
{
	struct hsr_info h = dec(0x0fea0001);

	CHECK_EQ(h.opc2, 5);
	CHECK_EQ(h.opc1, 0);
	CHECK_EQ(h.crn, 0);
	CHECK_EQ(h.crm, 0);
	CHECK_EQ(h.rt, 0);
	CHECK(h.read);
}

/* MRCGE p15, 7, r14, c13, c11, 6: every field distinct and non-zero, so a swap of any
 * two is caught. Reserved ISS bit 9 is set and must not reach Rt or CRn.
 * ISS = CV 1<<24 | GE 0xa<<20 | 6<<17 | 7<<14 | 13<<10 | 1<<9 | 14<<5 | 11<<1 | 1 */
static void test_mrc_all_fields(void)
{
	struct hsr_info h = dec(0x0fadf7d7);

	CHECK_EQ(h.ec, EC_CP15_32);
	CHECK(h.cv);
	CHECK_EQ(h.cond, 0xa);
	CHECK_EQ(h.opc2, 6);
	CHECK_EQ(h.opc1, 7);
	CHECK_EQ(h.crn, 13);
	CHECK_EQ(h.rt, 14);
	CHECK_EQ(h.crm, 11);
	CHECK(h.read);
	CHECK_EQ(h.rt2, 0);
}

/* CP14 MCR/MRC share the CP15 ISS layout. */
static void test_cp14_32(void)
{
	/* MRC p14, 0, r3, c0, c1, 0 (DBGDSCRint): EC=0x05 Rt=3 CRm=1 Direction=1 */
	struct hsr_info h = dec(0x17e00063);

	CHECK_EQ(h.ec, EC_CP14_32);
	CHECK_EQ(h.rt, 3);
	CHECK_EQ(h.crm, 1);
	CHECK_EQ(h.crn, 0);
	CHECK(h.read);
}

/* MCRR p15, 6, r2, r3, c2 (VTTBR write):
 * CV=1 COND=1110 Opc1=0110 Rt2=0011 Rt=0010 CRm=0010 Direction=0. */
static void test_mcrr_vttbr(void)
{
	struct hsr_info h = dec(0x13e60c44);

	CHECK_EQ(h.ec, EC_CP15_64);
	CHECK(h.cv);
	CHECK_EQ(h.cond, 0xe);
	CHECK_EQ(h.opc1, 6);
	CHECK_EQ(h.rt2, 3);
	CHECK_EQ(h.rt, 2);
	CHECK_EQ(h.crm, 2);
	CHECK(!h.read);
	CHECK_EQ(h.crn, 0);
	CHECK_EQ(h.opc2, 0);
}

/* MRRC p15, 1, r10, r11, c14 (CNTVCT read), with reserved ISS[15:14] set: they must
 * not reach Opc1 (ISS[19:16]) or Rt2 (ISS[13:10]). */
static void test_mrrc_cntvct(void)
{
	struct hsr_info h = dec(0x13e1ed5d);

	CHECK_EQ(h.opc1, 1);
	CHECK_EQ(h.rt2, 11);
	CHECK_EQ(h.rt, 10);
	CHECK_EQ(h.crm, 14);
	CHECK(h.read);

	/* Opc1 is 4 bits wide in MCRR, unlike MCR's 3. */
	h = dec(mk(EC_CP15_64, 1, 0xfu << 16));
	CHECK_EQ(h.opc1, 15);
	h = dec(mk(EC_CP14_64, 1, 0xfu << 10 | 1));
	CHECK_EQ(h.ec, EC_CP14_64);
	CHECK_EQ(h.rt2, 15);
	CHECK(h.read);
}

/* IL only says how wide the trapped instruction was; nothing else changes with it. */
static void test_il_bit(void)
{
	struct hsr_info a = dec(0x0fe004a0), b = dec(0x0fe004a0 & ~HSR_IL);

	CHECK(a.il32);
	CHECK(!b.il32);
	b.il32 = true;
	CHECK(same_info(&a, &b));

	a = dec(mk(EC_DABT_LOW, 0, 1u << 24 | 1u << 22 | 4u << 16));
	CHECK(!a.il32);
	CHECK_EQ(a.sas_bytes, 2);
	CHECK_EQ(a.srt, 4);
}

/* Classes without a decoded ISS leave every field zero (the decoder memsets first). */
static void test_undecoded_class_is_zeroed(void)
{
	struct hsr_info h = dec(mk(EC_SMC, 1, HSR_ISS_MASK)), z;

	memset(&z, 0, sizeof(z));
	z.ec = EC_SMC;
	z.il32 = true;
	CHECK(same_info(&h, &z));

	h = dec(0xffffffff);
	CHECK_EQ(h.ec, 0x3f);
	CHECK(h.il32);
	CHECK(!h.isv && !h.cv && h.rt == 0 && h.fsc == 0);
}

static void test_ec_names(void)
{
	CHECK(strcmp(hsr_ec_name(EC_HVC), "HVC") == 0);
	CHECK(strcmp(hsr_ec_name(EC_DABT_LOW), "data abort (guest)") == 0);
	CHECK(strcmp(hsr_ec_name(EC_CP15_32), "MCR/MRC cp15") == 0);
	CHECK(strcmp(hsr_ec_name(EC_UNKNOWN), "unknown") == 0);
	CHECK(strcmp(hsr_ec_name(0x02), "reserved") == 0);
	CHECK(strcmp(hsr_ec_name(0x3f), "reserved") == 0);
	CHECK(strcmp(hsr_ec_name(64), "reserved") == 0);
	CHECK(strcmp(hsr_ec_name(255), "reserved") == 0);
}

int main(void)
{
	RUN(dabt_byte_load);
	RUN(dabt_signed_halfword_load);
	RUN(dabt_word_store);
	RUN(dabt_each_sas);
	RUN(dabt_every_srt);
	RUN(dabt_reserved_bit20_ignored);
	RUN(dabt_isv_clear);
	RUN(dabt_s1ptw_ea_cm);
	RUN(dabt_every_fsc);
	RUN(dabt_hyp);
	RUN(iabt);
	RUN(hvc_imm16);
	RUN(wfi);
	RUN(wfe_conditional);
	RUN(wfe_thumb16_no_cv);
	RUN(wfx_every_cond);
	RUN(mcr_sctlr);
	RUN(mrc_mpidr);
	RUN(mrc_all_fields);
	RUN(cp14_32);
	RUN(mcrr_vttbr);
	RUN(mrrc_cntvct);
	RUN(il_bit);
	RUN(undecoded_class_is_zeroed);
	RUN(ec_names);
	return check_exit();
}

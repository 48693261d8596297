/* Hyp Syndrome Register (ARM ARM B3.13.6). Host and target. */
#ifndef ARM_HSR_H
#define ARM_HSR_H

#include <stdbool.h>
#include <stdint.h>

#define HSR_EC_SHIFT 26
#define HSR_IL (1u << 25)
#define HSR_ISS_MASK 0x01ffffffu

enum hsr_ec {
	EC_UNKNOWN = 0x00,
	EC_WFI_WFE = 0x01,
	EC_CP15_32 = 0x03,
	EC_CP15_64 = 0x04,
	EC_CP14_32 = 0x05,
	EC_CP14_LS = 0x06,
	EC_HCPTR = 0x07,
	EC_CP10_ID = 0x08,
	EC_CP14_64 = 0x0c,
	EC_SVC_HYP = 0x11,
	EC_HVC = 0x12,
	EC_SMC = 0x13,
	EC_IABT_LOW = 0x20,
	EC_IABT_HYP = 0x21,
	EC_DABT_LOW = 0x24,
	EC_DABT_HYP = 0x25,
};

/* Fault status codes in HSR.ISS[5:0] (long-descriptor form, B3.13.6). */
#define FSC_TRANS_MASK 0x3cu /* 0b0001LL: translation fault at level LL */
#define FSC_TRANS 0x04u
#define FSC_ACCESS 0x08u
#define FSC_PERM 0x0cu
#define FSC_SEA 0x10u /* synchronous external abort */

/* An HSR taken apart. Only the fields of the syndrome's own class are meaningful. */
struct hsr_info {
	/* Bit-fields: the whole struct is three words, cleared with three stores on every
	 * exit (byte fields made GCC call memset there). */
	unsigned ec : 6;
	bool il32 : 1;      /* the trapped instruction was 32 bits wide */
	bool cv : 1;        /* cond is valid */
	unsigned cond : 4;
	/* data/instruction aborts */
	bool isv : 1;       /* sas/sse/srt are valid */
	unsigned sas_bytes : 3; /* access size: 1, 2 or 4 */
	bool sse : 1;       /* sign-extend the loaded value */
	unsigned srt : 4;   /* transfer register */
	bool wnr : 1;       /* write, not read */
	bool s1ptw : 1;     /* fault on a stage-1 table walk */
	bool ea : 1;        /* external abort type */
	bool cm : 1;        /* cache maintenance */
	unsigned fsc : 6;
	/* MCR/MRC and MCRR/MRRC */
	bool read : 1;      /* MRC/MRRC: system register to core register */
	unsigned opc1 : 4, opc2 : 3, crn : 4, crm : 4, rt : 4, rt2 : 4;
	/* WFI/WFE */
	bool wfe : 1;
	/* HVC */
	unsigned imm16 : 16;
};

/* The fields every exit needs before it knows what it is. */
static inline unsigned hsr_ec(uint32_t hsr) { return hsr >> HSR_EC_SHIFT; }
static inline bool hsr_cv(uint32_t hsr) { return (hsr >> 24) & 1; }
static inline unsigned hsr_cond(uint32_t hsr) { return (hsr >> 20) & 0xf; }

/* Data/instruction abort fields, read straight from the syndrome by the MMIO path. */
static inline bool hsr_abt_isv(uint32_t hsr) { return (hsr >> 24) & 1; }
static inline unsigned hsr_abt_sas_bytes(uint32_t hsr) { return 1u << ((hsr >> 22) & 3); }
static inline bool hsr_abt_sse(uint32_t hsr) { return (hsr >> 21) & 1; }
static inline unsigned hsr_abt_srt(uint32_t hsr) { return (hsr >> 16) & 0xf; }
static inline bool hsr_abt_ea(uint32_t hsr) { return (hsr >> 9) & 1; }
static inline bool hsr_abt_cm(uint32_t hsr) { return (hsr >> 8) & 1; }
static inline bool hsr_abt_s1ptw(uint32_t hsr) { return (hsr >> 7) & 1; }
static inline bool hsr_abt_wnr(uint32_t hsr) { return (hsr >> 6) & 1; }
static inline unsigned hsr_abt_fsc(uint32_t hsr) { return hsr & 0x3f; }

static inline void hsr_decode_cond(uint32_t iss, struct hsr_info *h)
{
	h->cv = hsr_cv(iss);
	h->cond = hsr_cond(iss);
}

/* One pass from the raw syndrome into named fields. Inline, and zeroing the struct
 * with stores rather than a memset call: it runs on every exit. */
static inline void hsr_decode(uint32_t hsr, struct hsr_info *h)
{
	uint32_t iss = hsr & HSR_ISS_MASK;

	*h = (struct hsr_info){ 0 };
	h->ec = hsr_ec(hsr);
	h->il32 = (hsr & HSR_IL) != 0;

	switch (h->ec) {
	case EC_WFI_WFE:
		hsr_decode_cond(iss, h);
		h->wfe = iss & 1;
		break;
	case EC_CP15_32:
	case EC_CP14_32:
		hsr_decode_cond(iss, h);
		h->opc2 = (iss >> 17) & 7;
		h->opc1 = (iss >> 14) & 7;
		h->crn = (iss >> 10) & 0xf;
		h->rt = (iss >> 5) & 0xf;
		h->crm = (iss >> 1) & 0xf;
		h->read = iss & 1;
		break;
	case EC_CP15_64:
	case EC_CP14_64:
		hsr_decode_cond(iss, h);
		h->opc1 = (iss >> 16) & 0xf;
		h->rt2 = (iss >> 10) & 0xf;
		h->rt = (iss >> 5) & 0xf;
		h->crm = (iss >> 1) & 0xf;
		h->read = iss & 1;
		break;
	case EC_HVC:
		h->imm16 = iss & 0xffff;
		break;
	case EC_DABT_LOW:
	case EC_DABT_HYP:
		h->isv = hsr_abt_isv(iss);
		if (h->isv) {
			h->sas_bytes = hsr_abt_sas_bytes(iss);
			h->sse = hsr_abt_sse(iss);
			h->srt = hsr_abt_srt(iss);
		}
		h->cm = hsr_abt_cm(iss);
		h->wnr = hsr_abt_wnr(iss);
		/* the rest is shared with instruction aborts */
		__attribute__((fallthrough));
	case EC_IABT_LOW:
	case EC_IABT_HYP:
		h->ea = hsr_abt_ea(iss);
		h->s1ptw = hsr_abt_s1ptw(iss);
		h->fsc = hsr_abt_fsc(iss);
		break;
	default:
		break;
	}
}

const char *hsr_ec_name(uint8_t ec);

#endif

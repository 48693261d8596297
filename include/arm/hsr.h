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
	uint8_t ec;
	bool il32;      /* the trapped instruction was 32 bits wide */
	bool cv;        /* cond is valid */
	uint8_t cond;
	/* data/instruction aborts */
	bool isv;       /* sas/sse/srt are valid */
	uint8_t sas_bytes; /* access size: 1, 2 or 4 */
	bool sse;       /* sign-extend the loaded value */
	uint8_t srt;    /* transfer register */
	bool wnr;       /* write, not read */
	bool s1ptw;     /* fault on a stage-1 table walk */
	bool ea;        /* external abort type */
	bool cm;        /* cache maintenance */
	uint8_t fsc;
	/* MCR/MRC and MCRR/MRRC */
	bool read;      /* MRC/MRRC: system register to core register */
	uint8_t opc1, opc2, crn, crm, rt, rt2;
	/* WFI/WFE */
	bool wfe;
	/* HVC */
	uint16_t imm16;
};

void hsr_decode(uint32_t hsr, struct hsr_info *out);
const char *hsr_ec_name(uint8_t ec);

#endif

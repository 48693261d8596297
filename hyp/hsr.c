/* HSR decoding: one pass from the raw syndrome into named fields. */
#include "arm/hsr.h"

#include <string.h>

static void decode_cond(uint32_t iss, struct hsr_info *h)
{
	h->cv = (iss >> 24) & 1;
	h->cond = (iss >> 20) & 0xf;
}

void hsr_decode(uint32_t hsr, struct hsr_info *h)
{
	uint32_t iss = hsr & HSR_ISS_MASK;

	memset(h, 0, sizeof(*h));
	h->ec = hsr >> HSR_EC_SHIFT;
	h->il32 = (hsr & HSR_IL) != 0;

	switch (h->ec) {
	case EC_WFI_WFE:
		decode_cond(iss, h);
		h->wfe = iss & 1;
		break;
	case EC_CP15_32:
	case EC_CP14_32:
		decode_cond(iss, h);
		h->opc2 = (iss >> 17) & 7;
		h->opc1 = (iss >> 14) & 7;
		h->crn = (iss >> 10) & 0xf;
		h->rt = (iss >> 5) & 0xf;
		h->crm = (iss >> 1) & 0xf;
		h->read = iss & 1;
		break;
	case EC_CP15_64:
	case EC_CP14_64:
		decode_cond(iss, h);
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
		h->isv = (iss >> 24) & 1;
		if (h->isv) {
			h->sas_bytes = 1u << ((iss >> 22) & 3);
			h->sse = (iss >> 21) & 1;
			h->srt = (iss >> 16) & 0xf;
		}
		h->cm = (iss >> 8) & 1;
		h->wnr = (iss >> 6) & 1;
		/* the rest is shared with instruction aborts */
		__attribute__((fallthrough));
	case EC_IABT_LOW:
	case EC_IABT_HYP:
		h->ea = (iss >> 9) & 1;
		h->s1ptw = (iss >> 7) & 1;
		h->fsc = iss & 0x3f;
		break;
	default:
		break;
	}
}

static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "unknown", [EC_WFI_WFE] = "WFI/WFE", [EC_CP15_32] = "MCR/MRC cp15",
	[EC_CP15_64] = "MCRR/MRRC cp15", [EC_CP14_32] = "MCR/MRC cp14", [EC_CP14_LS] = "LDC/STC cp14",
	[EC_HCPTR] = "cp access (HCPTR)", [EC_CP10_ID] = "VMRS cp10", [EC_CP14_64] = "MRRC cp14",
	[EC_SVC_HYP] = "SVC", [EC_HVC] = "HVC", [EC_SMC] = "SMC",
	[EC_IABT_LOW] = "prefetch abort (guest)", [EC_IABT_HYP] = "prefetch abort (Hyp)",
	[EC_DABT_LOW] = "data abort (guest)", [EC_DABT_HYP] = "data abort (Hyp)",
};

const char *hsr_ec_name(uint8_t ec)
{
	const char *n = ec < 64 ? ec_names[ec] : 0;
	return n ? n : "reserved";
}

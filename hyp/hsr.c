/* HSR exception class names, for the log (the decoder is inline in arm/hsr.h). */
#include "arm/hsr.h"

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

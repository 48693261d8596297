#ifndef HYP_HVC_H
#define HYP_HVC_H
#include "hyp/vcpu.h"
/* Serve the SMCCC call in the vCPU's r0-r3 (from HVC, or SMC trapped by HCR.TSC). */
void hvc_dispatch(struct vcpu *v);
/* SMC32 and SMC64 calls of the Standard Secure Service range: PSCI's. */
static inline bool psci_fid(uint32_t fid) { return (fid & 0xbf000000u) == 0x84000000u; }
/* PSCI function `fid` (psci_fid(fid) holds): serves it, results in r0-r3. */
void psci_call(struct vcpu *v, uint32_t fid);
#endif

#ifndef HYP_SYSREG_TRAP_H
#define HYP_SYSREG_TRAP_H
#include <stdbool.h>
#include "arm/hsr.h"
#include "hyp/vcpu.h"
/* Emulate a trapped CP15 access; false if the register is not emulated. */
bool sysreg_trap(struct vcpu *v, const struct hsr_info *h);
#endif

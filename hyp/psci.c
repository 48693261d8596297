/* PSCI 1.0 for the guest. The hypervisor is the guest's firmware: there is no PSCI
 * implementation below it to forward to. */
#include "hyp/hvc.h"
#include "hyp/hvc_abi.h"
#include "hyp/log.h"
#include "drivers/vexpress_sysreg.h"

static uint32_t psci_features(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_FEATURES:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
		return 0;
	default:
		return PSCI_RET_NOT_SUPPORTED;
	}
}

int psci_call(struct vcpu *v, uint32_t fid)
{
	uint32_t *r = v->gpr;

	if ((fid & 0xff000000u) != 0x84000000u && (fid & 0xff000000u) != 0xc4000000u)
		return 0;
	switch (fid) {
	case PSCI_VERSION:
		r[0] = 0x00010000; /* 1.0 */
		break;
	case PSCI_FEATURES:
		r[0] = psci_features(r[1]);
		break;
	case PSCI_MIGRATE_INFO_TYPE:
		r[0] = PSCI_MIGRATE_INFO_NO_TOS;
		break;
	case PSCI_SYSTEM_OFF:
		log_info("vcpu%u: PSCI SYSTEM_OFF: powering off\n", v->id);
		vexpress_power_off();
	default: /* SMC64 IDs too: an AArch32 guest has no use for them */
		r[0] = PSCI_RET_NOT_SUPPORTED;
		break;
	}
	return 1;
}

/* Versatile Express motherboard system registers: the configuration bus is how the
 * board (and QEMU's model of it) is powered off or reset. */
#include "drivers/vexpress_sysreg.h"
#include "arm/sysreg.h"
#include "platform.h"

#define SYS_CFGCTRL 0xa4
#define SYS_CFGCTRL_START (1u << 31)
#define SYS_CFGCTRL_WRITE (1u << 30)
#define SYS_CFG_FUNC(f) ((uint32_t)(f) << 20)
#define SYS_CFG_SHUTDOWN 8
#define SYS_CFG_REBOOT 9

static void __attribute__((noreturn)) cfg_request(unsigned func)
{
	/* Site 0 (motherboard), position 0, device 0. */
	mmio_write32(SYSREGS_PA + SYS_CFGCTRL, SYS_CFGCTRL_START | SYS_CFGCTRL_WRITE | SYS_CFG_FUNC(func));
	dsb();
	for (;;)
		wfi();
}

void vexpress_power_off(void) { cfg_request(SYS_CFG_SHUTDOWN); }
void vexpress_reboot(void) { cfg_request(SYS_CFG_REBOOT); }

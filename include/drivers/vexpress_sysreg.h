#ifndef DRIVERS_VEXPRESS_SYSREG_H
#define DRIVERS_VEXPRESS_SYSREG_H
void vexpress_power_off(void) __attribute__((noreturn));
void vexpress_reboot(void) __attribute__((noreturn));
#endif

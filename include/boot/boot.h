#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#include <stdbool.h>
#include <stdint.h>

void mmu_build_hyp_tables(void);
void mmu_enable_hyp(void);

void boot_primary(unsigned cpu) __attribute__((noreturn));
void boot_secondary(unsigned cpu) __attribute__((noreturn));
void park_forever(void) __attribute__((noreturn));

extern volatile uint32_t secondary_go;
/* Nonzero when the CPUs came from Secure SVC through boot/secure.S. */
extern volatile uint32_t entered_secure;

#endif

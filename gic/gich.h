/* GIC virtual interface control (GICH), banked per physical CPU. */
#ifndef GIC_GICH_H
#define GIC_GICH_H
#include <stdint.h>

#include "arm/gicv2.h"

uint32_t gich_read(uint32_t off);
void gich_write(uint32_t off, uint32_t val);
/* List registers this CPU implements (GICH_VTR.ListRegs + 1). */
unsigned gich_nr_lrs(void);
/* Implemented priority bits (GICH_VTR.PRIbits + 1). */
unsigned gich_prio_bits(void);
#endif

/* GIC virtual interface control (GICH), banked per physical CPU. */
#ifndef GIC_GICH_H
#define GIC_GICH_H
#include <stdint.h>

#define GICH_HCR 0x000
#define GICH_VTR 0x004
#define GICH_VMCR 0x008
#define GICH_MISR 0x010
#define GICH_EISR0 0x020
#define GICH_ELRSR0 0x030
#define GICH_APR 0x0f0
#define GICH_LR0 0x100

#define GICH_HCR_EN (1u << 0)
#define GICH_HCR_UIE (1u << 1)
#define GICH_HCR_NPIE (1u << 3)

uint32_t gich_read(uint32_t off);
void gich_write(uint32_t off, uint32_t val);
/* List registers this CPU implements (GICH_VTR.ListRegs + 1). */
unsigned gich_nr_lrs(void);
/* Implemented priority bits (GICH_VTR.PRIbits + 1). */
unsigned gich_prio_bits(void);
#endif

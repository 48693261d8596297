#include "gic/gich.h"
#include "gic/gic.h"
#include "arm/sysreg.h"
#include "platform.h"

uint32_t gich_read(uint32_t off) { return mmio_read32(gic_base + GICH_OFFSET + off); }
void gich_write(uint32_t off, uint32_t val) { mmio_write32(gic_base + GICH_OFFSET + off, val); }
unsigned gich_nr_lrs(void) { return (gich_read(GICH_VTR) & 0x3f) + 1; }
unsigned gich_prio_bits(void) { return ((gich_read(GICH_VTR) >> 29) & 7) + 1; }

/* Trapped CP15 accesses (HSR EC 0x03 MCR/MRC, 0x04 MCRR/MRRC), looked up in a table by
 * their encoding. What is not in the table is UNDEFINED for the guest. The traps come
 * from CNTHCTL.PL1PCEN=0 (the physical timer, emulated) and HSTR.T15 (c15, the
 * IMPLEMENTATION DEFINED space: only CBAR is given a value). */
#include "arm/hsr.h"
#include "hyp/sysreg_trap.h"
#include "hyp/timer.h"
#include "hyp/vm.h"

struct sysreg_entry {
	bool wide;      /* MCRR/MRRC */
	uint8_t opc1, crn, crm, opc2;
	uint64_t (*read)(struct vcpu *v, unsigned arg);
	void (*write)(struct vcpu *v, unsigned arg, uint64_t val); /* NULL: read-only */
	unsigned arg;
};

static uint64_t ptimer_rd(struct vcpu *v, unsigned reg) { return ptimer_read(v, reg); }
static void ptimer_wr(struct vcpu *v, unsigned reg, uint64_t val) { ptimer_write(v, reg, val); }
/* The guest's private peripheral base: where its GICD (+0x1000) and GICC (+0x2000) are. */
static uint64_t cbar_rd(struct vcpu *v, unsigned arg)
{
	(void)arg;
	return v->vm->vgic_dev.dist_base - 0x1000;
}

static const struct sysreg_entry table[] = {
	{ false, 0, 14, 2, 0, ptimer_rd, ptimer_wr, PTIMER_TVAL }, /* CNTP_TVAL */
	{ false, 0, 14, 2, 1, ptimer_rd, ptimer_wr, PTIMER_CTL },  /* CNTP_CTL */
	{ true, 2, 0, 14, 0, ptimer_rd, ptimer_wr, PTIMER_CVAL },  /* CNTP_CVAL */
	{ false, 4, 15, 0, 0, cbar_rd, 0, 0 },                      /* CBAR */
};

bool sysreg_trap(struct vcpu *v, const struct hsr_info *h)
{
	bool wide = h->ec == EC_CP15_64;

	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct sysreg_entry *e = &table[i];
		if (e->wide != wide || e->opc1 != h->opc1 || e->crm != h->crm ||
		    (!wide && (e->crn != h->crn || e->opc2 != h->opc2)))
			continue;
		if (!h->read && !e->write)
			return false;
		v->stats.sysreg++;
		if (h->read) {
			uint64_t val = e->read(v, e->arg);
			vcpu_reg_write(v, h->rt, (uint32_t)val);
			if (wide)
				vcpu_reg_write(v, h->rt2, (uint32_t)(val >> 32));
		} else {
			uint64_t val = vcpu_reg_read(v, h->rt);
			if (wide)
				val |= (uint64_t)vcpu_reg_read(v, h->rt2) << 32;
			e->write(v, e->arg, val);
		}
		return true;
	}
	return false;
}

/* The VGIC's part of a snapshot: every piece of its state as a device-API attribute, read
 * with vgic_dev_get_attr and written back with vgic_dev_set_attr, nothing else. Host and
 * target.
 *
 * What is saved: per vCPU its banked distributor words (interrupts 0-31), its SGI
 * sources (GICD_SPENDSGIR) and the sources of its active SGIs (our attribute), its
 * PPIs' line levels, and its CPU interface (GICC_CTLR/PMR/BPR/ABPR/APRn); once, the
 * distributor's other registers and the SPIs' line levels. GICD_IIDR and GICD_TYPER come
 * first: the restore refuses a snapshot of another GIC revision or size. */
#include <errno.h>

#include "hyp/snap_vcpu.h"
#include "lib/fmt.h"

static void put(struct snap_writer *w, struct vgic_dev *dev, uint32_t group, uint64_t attr)
{
	uint32_t v;

	if (!vgic_dev_get_attr(dev, group, attr, &v))
		snap_put_vgic(w, group, attr, v);
}

/* A register range of `bits` bits per interrupt: the words of interrupts 0-31 for each
 * vCPU, then the shared ones up to nr_irqs. */
static void put_range(struct snap_writer *w, struct vgic_dev *dev, uint32_t base, unsigned bits)
{
	unsigned per_word = 32 / bits, private_words = 32 / per_word;
	unsigned words = dev->d->nr_irqs / per_word;

	for (unsigned v = 0; v < dev->nr_vcpus; v++)
		for (unsigned i = 0; i < private_words; i++)
			put(w, dev, VGIC_GRP_DIST_REGS, VGIC_ATTR(v, base + 4 * i));
	for (unsigned i = private_words; i < words; i++)
		put(w, dev, VGIC_GRP_DIST_REGS, base + 4 * i);
}

static const uint32_t cpu_regs[] = {
	GICC_CTLR, GICC_PMR, GICC_BPR, GICC_ABPR, GICC_APR0, GICC_APR0 + 4, GICC_APR0 + 8,
	GICC_APR0 + 12, GICC_IIDR,
};

void snap_vgic_save(struct snap_writer *w, struct vgic_dev *dev)
{
	put(w, dev, VGIC_GRP_DIST_REGS, GICD_IIDR);
	put(w, dev, VGIC_GRP_DIST_REGS, GICD_TYPER);
	put(w, dev, VGIC_GRP_DIST_REGS, GICD_CTLR);
	/* Configuration before state: a line or a latch means what the configuration says. */
	put_range(w, dev, GICD_IGROUPR, 1);
	put_range(w, dev, GICD_ICFGR, 2);
	put_range(w, dev, GICD_IPRIORITYR, 8);
	put_range(w, dev, GICD_ITARGETSR, 8);
	put_range(w, dev, GICD_ISENABLER, 1);
	for (unsigned v = 0; v < dev->nr_vcpus; v++)
		put(w, dev, VGIC_GRP_LEVEL_INFO, VGIC_ATTR(v, 0));
	for (unsigned i = 32; i < dev->d->nr_irqs; i += 32)
		put(w, dev, VGIC_GRP_LEVEL_INFO, i);
	put_range(w, dev, GICD_ISPENDR, 1);
	for (unsigned v = 0; v < dev->nr_vcpus; v++)
		for (unsigned i = 0; i < 16; i += 4)
			put(w, dev, VGIC_GRP_DIST_REGS, VGIC_ATTR(v, GICD_SPENDSGIR + i));
	put_range(w, dev, GICD_ISACTIVER, 1);
	for (unsigned v = 0; v < dev->nr_vcpus; v++) {
		for (unsigned i = 0; i < 16; i += 4)
			put(w, dev, VGIC_GRP_SGI_ACTIVE_SOURCE, VGIC_ATTR(v, i));
		for (unsigned i = 0; i < sizeof(cpu_regs) / sizeof(cpu_regs[0]); i++)
			put(w, dev, VGIC_GRP_CPU_REGS, VGIC_ATTR(v, cpu_regs[i]));
	}
}

/* A set register is restored exactly: what the saved word lacks is cleared first through
 * its clear twin. */
static uint32_t clear_twin(uint32_t group, uint32_t off)
{
	if (group != VGIC_GRP_DIST_REGS)
		return 0;
	if (off >= GICD_ISENABLER && off < GICD_ISENABLER + 0x80)
		return off - GICD_ISENABLER + GICD_ICENABLER;
	if (off >= GICD_ISACTIVER && off < GICD_ISACTIVER + 0x80)
		return off - GICD_ISACTIVER + GICD_ICACTIVER;
	if (off >= GICD_SPENDSGIR && off < GICD_SPENDSGIR + 0x10)
		return off - GICD_SPENDSGIR + GICD_CPENDSGIR;
	return 0;
}

int snap_vgic_restore(struct vgic_dev *dev, const struct snap_section_ref *s, char *why,
		      size_t why_len)
{
	uint32_t group, value, twin;
	uint64_t attr;
	int r;

	for (unsigned n = 0; !snap_vgic_rec(s, n, &group, &attr, &value); n++) {
		twin = clear_twin(group, (uint32_t)attr);
		r = 0;
		if (twin) {
			uint32_t clear = ~value;
			r = vgic_dev_set_attr(dev, group, (attr & VGIC_ATTR_VCPU_MASK) | twin, &clear);
		}
		if (!r)
			r = vgic_dev_set_attr(dev, group, attr, &value);
		if (r) {
			fmt_snprintf(why, why_len,
				     "VGIC record %u (group %u, vCPU %u, offset %#x, value %#x): refused (%d)",
				     n, group, (unsigned)(attr >> VGIC_ATTR_VCPU_SHIFT), (unsigned)attr,
				     value, r);
			return r;
		}
	}
	return 0;
}

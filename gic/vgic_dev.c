/* The VGIC device API (gic/vgic_dev.h): groups and attributes on top of the model, with
 * the seeds' ordering rules and error codes. Host and target. */
#include "gic/vgic_dev.h"

#include <errno.h>
#include <stddef.h>

#define SZ_4K 0x1000u

static unsigned attr_vcpu(uint64_t attr) { return (unsigned)((attr & VGIC_ATTR_VCPU_MASK) >> VGIC_ATTR_VCPU_SHIFT); }
static uint32_t attr_off(uint64_t attr) { return (uint32_t)(attr & VGIC_ATTR_OFFSET_MASK); }

int vgic_dev_create(struct vgic_dev *dev, struct vgic_dist *d, unsigned nr_vcpus)
{
	if (dev->created)
		return -EEXIST;
	if (dev->has_run && dev->has_run(dev->ctx))
		return -EBUSY;
	if (nr_vcpus == 0 || nr_vcpus > VGIC_MAX_VCPUS)
		return -EINVAL;
	dev->d = d;
	dev->created = true;
	dev->initialized = false;
	dev->nr_vcpus = nr_vcpus;
	dev->nr_irqs = 0;
	dev->dist_base = dev->cpu_base = VGIC_ADDR_UNDEF;
	if (!dev->ipa_limit)
		dev->ipa_limit = 1ull << 32;
	return 0;
}

/* ---- GRP_ADDR ---- */

static uint64_t *addr_slot(struct vgic_dev *dev, uint64_t attr, uint64_t *size, uint64_t **other,
			   uint64_t *other_size)
{
	switch (attr) {
	case VGIC_ADDR_TYPE_DIST:
		*size = VGIC_DIST_SIZE, *other = &dev->cpu_base, *other_size = VGIC_CPU_SIZE;
		return &dev->dist_base;
	case VGIC_ADDR_TYPE_CPU:
		*size = VGIC_CPU_SIZE, *other = &dev->dist_base, *other_size = VGIC_DIST_SIZE;
		return &dev->cpu_base;
	default:
		return NULL;
	}
}

static int addr_access(struct vgic_dev *dev, uint64_t attr, void *val, bool write)
{
	uint64_t size, other_size, *other, *slot = addr_slot(dev, attr, &size, &other, &other_size);
	uint64_t a;

	if (!slot)
		return -ENXIO;
	if (!write) {
		*(uint64_t *)val = *slot;
		return 0;
	}
	a = *(const uint64_t *)val;
	if (dev->has_run && dev->has_run(dev->ctx))
		return -EBUSY;
	if (a & (SZ_4K - 1))
		return -EINVAL;
	if (a >= dev->ipa_limit || size > dev->ipa_limit - a)
		return -E2BIG;
	if (*slot != VGIC_ADDR_UNDEF)
		return -EEXIST;
	/* The two frames may not overlap: accesses could not tell them apart. */
	if (*other != VGIC_ADDR_UNDEF && a < *other + other_size && *other < a + size)
		return -EINVAL;
	*slot = a;
	return 0;
}

/* ---- GRP_NR_IRQS, GRP_CTRL ---- */

static int nr_irqs_access(struct vgic_dev *dev, uint64_t attr, void *val, bool write)
{
	uint32_t n;

	if (attr)
		return -ENXIO;
	if (!write) {
		*(uint32_t *)val = dev->initialized ? dev->d->nr_irqs : dev->nr_irqs;
		return 0;
	}
	n = *(const uint32_t *)val;
	if (dev->initialized || dev->nr_irqs)
		return -EBUSY;
	if (n < 64 || n > 1024 || n % 32)
		return -EINVAL;
	dev->nr_irqs = n;
	return 0;
}

static int ctrl_access(struct vgic_dev *dev, uint64_t attr, void *val, bool write)
{
	int r;

	(void)val;
	if (attr != VGIC_CTRL_INIT || !write)
		return -ENXIO;
	if (dev->initialized)
		return 0;
	if (dev->has_run && dev->has_run(dev->ctx))
		return -EBUSY;
	r = vgic_dist_init(dev->d, dev->nr_vcpus, dev->nr_irqs ? dev->nr_irqs : VGIC_DEV_DEFAULT_IRQS);
	if (!r)
		dev->initialized = true;
	return r;
}

/* ---- Register groups: state, so only with every vCPU stopped ---- */

static int regs_ready(struct vgic_dev *dev, uint64_t attr)
{
	if (!dev->initialized)
		return -ENXIO; /* not configured yet: GRP_CTRL/CTRL_INIT first */
	if (dev->running && dev->running(dev->ctx))
		return -EBUSY;
	return attr_vcpu(attr) < dev->nr_vcpus ? 0 : -EINVAL;
}

static int dist_access(struct vgic_dev *dev, uint64_t attr, void *val, bool write)
{
	int r;

	if (!vgic_dist_is_reg(attr_off(attr)))
		return -ENXIO;
	r = regs_ready(dev, attr);
	return r ? r : vgic_dist_uaccess(dev->d, attr_vcpu(attr), attr_off(attr), write, val);
}

/* GICC registers as the GICV shows them, kept in GICH_VMCR / GICH_APR (seed 000). */
struct vmcr_field {
	uint32_t off, shift, mask; /* mask: of the register value */
};

static const struct vmcr_field vmcr_fields[] = {
	{ GICC_CTLR, 0, GICH_VMCR_CTLR_MASK },
	{ GICC_PMR, GICH_VMCR_PRIMASK_SHIFT - 3, 0xf8 },
	{ GICC_BPR, GICH_VMCR_BP_SHIFT, 7 },
	{ GICC_ABPR, GICH_VMCR_ABP_SHIFT, 7 },
};

static int cpu_reg(struct vgic_dev *dev, unsigned vcpu, uint32_t off, uint32_t *val, bool write)
{
	uint32_t *vmcr = dev->vmcr[vcpu], *apr = dev->apr[vcpu];

	for (unsigned i = 0; i < sizeof(vmcr_fields) / sizeof(vmcr_fields[0]); i++) {
		const struct vmcr_field *f = &vmcr_fields[i];
		uint32_t in_vmcr = f->mask << f->shift;

		if (off != f->off)
			continue;
		if (!vmcr)
			return -ENXIO;
		if (write)
			*vmcr = (*vmcr & ~in_vmcr) | ((*val & f->mask) << f->shift);
		else
			*val = (*vmcr & in_vmcr) >> f->shift;
		return 0;
	}
	if (off >= GICC_APR0 && off < GICC_APR0 + 16 && !(off & 3)) {
		/* 5 priority bits: 32 preemption levels, all in APR0; level X is bit X. */
		if (off != GICC_APR0) {
			if (!write)
				*val = 0;
			return write && *val ? -EINVAL : 0;
		}
		if (!apr)
			return -ENXIO;
		if (write)
			*apr = *val;
		else
			*val = *apr;
		return 0;
	}
	if (off == GICC_IIDR) {
		if (!write)
			*val = dev->gicc_iidr;
		return write && *val != dev->gicc_iidr ? -EINVAL : 0;
	}
	return -ENXIO;
}

static bool is_cpu_reg(uint32_t off)
{
	return off == GICC_CTLR || off == GICC_PMR || off == GICC_BPR || off == GICC_ABPR ||
	       off == GICC_IIDR || (off >= GICC_APR0 && off < GICC_APR0 + 16 && !(off & 3));
}

static int cpu_access(struct vgic_dev *dev, uint64_t attr, void *val, bool write)
{
	int r;

	if (!is_cpu_reg(attr_off(attr)))
		return -ENXIO;
	r = regs_ready(dev, attr);
	return r ? r : cpu_reg(dev, attr_vcpu(attr), attr_off(attr), val, write);
}

/* LEVEL_INFO: the input lines of 32 interrupts; SGIs and INTIDs beyond nr_irqs RAZ/WI. */
static int level_access(struct vgic_dev *dev, uint64_t attr, void *val, bool write)
{
	uint32_t off = attr_off(attr), base = off & 0x3ff, bits = 0;
	unsigned vcpu = attr_vcpu(attr);
	int r;

	if (off >> 10 != VGIC_LEVEL_INFO_LINE_LEVEL || base % 32)
		return -EINVAL;
	r = regs_ready(dev, attr);
	if (r)
		return r;
	for (unsigned i = 0; i < 32; i++) {
		struct vgic_irq *irq = vgic_get_irq(dev->d, vcpu, base + i);

		if (!irq || base + i < 16)
			continue;
		if (write)
			vgic_set_line_raw(dev->d, vcpu, base + i, (*(const uint32_t *)val >> i) & 1);
		else if (irq->line_level)
			bits |= 1u << i;
	}
	if (!write)
		*(uint32_t *)val = bits;
	return 0;
}

static int active_source_access(struct vgic_dev *dev, uint64_t attr, void *val, bool write)
{
	uint32_t off = attr_off(attr), v = 0;
	unsigned vcpu = attr_vcpu(attr);
	int r;

	if (off > 12 || off & 3)
		return -ENXIO;
	r = regs_ready(dev, attr);
	if (r)
		return r;
	if (write) {
		v = *(const uint32_t *)val;
		for (unsigned i = 0; i < 4; i++) /* all or nothing */
			if (((v >> (8 * i)) & 0xff) >= dev->nr_vcpus)
				return -EINVAL;
	}
	for (unsigned i = 0; i < 4; i++) {
		struct vgic_irq *irq = &dev->d->priv[vcpu][off + i];

		if (write)
			irq->active_source = (uint8_t)(v >> (8 * i));
		else
			v |= (uint32_t)irq->active_source << (8 * i);
	}
	if (!write)
		*(uint32_t *)val = v;
	return 0;
}

typedef int (*group_fn)(struct vgic_dev *dev, uint64_t attr, void *val, bool write);

static group_fn group_of(uint32_t group)
{
	switch (group) {
	case VGIC_GRP_ADDR: return addr_access;
	case VGIC_GRP_DIST_REGS: return dist_access;
	case VGIC_GRP_CPU_REGS: return cpu_access;
	case VGIC_GRP_NR_IRQS: return nr_irqs_access;
	case VGIC_GRP_CTRL: return ctrl_access;
	case VGIC_GRP_LEVEL_INFO: return level_access;
	case VGIC_GRP_SGI_ACTIVE_SOURCE: return active_source_access;
	default: return NULL;
	}
}

static int access(struct vgic_dev *dev, uint32_t group, uint64_t attr, void *val, bool write)
{
	group_fn fn = group_of(group);

	if (!dev->created || !fn)
		return -ENXIO;
	if (!val && group != VGIC_GRP_CTRL)
		return -EFAULT;
	return fn(dev, attr, val, write);
}

int vgic_dev_set_attr(struct vgic_dev *dev, uint32_t group, uint64_t attr, const void *val)
{
	return access(dev, group, attr, (void *)val, true);
}

int vgic_dev_get_attr(struct vgic_dev *dev, uint32_t group, uint64_t attr, void *val)
{
	return access(dev, group, attr, val, false);
}

int vgic_dev_has_attr(struct vgic_dev *dev, uint32_t group, uint64_t attr)
{
	uint32_t off = attr_off(attr);

	if (!dev->created)
		return -ENXIO;
	switch (group) {
	case VGIC_GRP_ADDR:
		return attr == VGIC_ADDR_TYPE_DIST || attr == VGIC_ADDR_TYPE_CPU ? 0 : -ENXIO;
	case VGIC_GRP_DIST_REGS:
		return vgic_dist_is_reg(off) ? 0 : -ENXIO;
	case VGIC_GRP_CPU_REGS:
		return is_cpu_reg(off) ? 0 : -ENXIO;
	case VGIC_GRP_NR_IRQS:
		return attr ? -ENXIO : 0;
	case VGIC_GRP_CTRL:
		return attr == VGIC_CTRL_INIT ? 0 : -ENXIO;
	case VGIC_GRP_LEVEL_INFO:
		return off >> 10 == VGIC_LEVEL_INFO_LINE_LEVEL && !(off & 31) ? 0 : -ENXIO;
	case VGIC_GRP_SGI_ACTIVE_SOURCE:
		return off <= 12 && !(off & 3) ? 0 : -ENXIO;
	default:
		return -ENXIO;
	}
}

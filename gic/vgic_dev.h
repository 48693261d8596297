/* The VGIC device API: what KVM_DEV_TYPE_ARM_VGIC_V2 gives user space (seeds 000, 002,
 * 003), as a C API inside the hypervisor. VM creation sets the VGIC up through it, and the
 * snapshot code reads and writes the VGIC through it alone, so the API is complete by
 * construction: whatever a restore needs and the API cannot express is a bug here.
 * Host and target; plain data, calls made with the VM's vgic lock held.
 *
 * Attributes of the register groups: vCPU index in bits 39:32, offset in bits 31:0.
 * Values: uint64_t for GRP_ADDR, uint32_t for every other group. Errors as the seeds
 * give them: -ENXIO unknown group/attribute (or not a register), -EINVAL bad value or
 * vCPU, -EEXIST set twice, -E2BIG outside the IPA space, -EBUSY too late or while a
 * vCPU runs, -EFAULT no value pointer. docs/vgic.md has the table. */
#ifndef GIC_VGIC_DEV_H
#define GIC_VGIC_DEV_H

#include <stdbool.h>
#include <stdint.h>

#include "gic/vgic.h"

#define VGIC_GRP_ADDR 0
#define VGIC_GRP_DIST_REGS 1
#define VGIC_GRP_CPU_REGS 2
#define VGIC_GRP_NR_IRQS 3
#define VGIC_GRP_CTRL 4
#define VGIC_GRP_LEVEL_INFO 7
/* Ours: state the guest can observe that no GICv2 register holds. */
#define VGIC_GRP_SGI_ACTIVE_SOURCE 0x80 /* offset 0-12: one byte per SGI, the source CPU of
					 * its active instance (as GICD_SPENDSGIR is laid out) */

#define VGIC_ADDR_TYPE_DIST 0 /* 4 KiB */
#define VGIC_ADDR_TYPE_CPU 1  /* 8 KiB */
#define VGIC_CTRL_INIT 0
#define VGIC_LEVEL_INFO_LINE_LEVEL 0 /* attr bits 31:10; bits 9:0 the first INTID of 32 */
#define VGIC_ATTR_VCPU_SHIFT 32
#define VGIC_ATTR_VCPU_MASK (0xffull << VGIC_ATTR_VCPU_SHIFT)
#define VGIC_ATTR_OFFSET_MASK 0xffffffffull
#define VGIC_ATTR(vcpu, off) ((uint64_t)(vcpu) << VGIC_ATTR_VCPU_SHIFT | (uint32_t)(off))
#define VGIC_ADDR_UNDEF UINT64_MAX
#define VGIC_DIST_SIZE 0x1000u
#define VGIC_CPU_SIZE 0x2000u

/* GICH_VMCR fields, where the GICC_CTLR/PMR/BPR/ABPR the API shows are kept. */
#define GICH_VMCR_CTLR_MASK 0x21fu /* EnableGrp0/1, AckCtl, FIQEn, CBPR, EOImode */
#define GICH_VMCR_ABP_SHIFT 18
#define GICH_VMCR_BP_SHIFT 21
#define GICH_VMCR_PRIMASK_SHIFT 27
#define GICC_ABPR 0x01c
#define GICC_APR0 0x0d0

struct vgic_dev {
	struct vgic_dist *d;
	bool created, initialized;
	unsigned nr_vcpus;
	unsigned nr_irqs;          /* 0: not set (CTRL_INIT then takes VGIC_DEV_DEFAULT_IRQS) */
	uint64_t dist_base, cpu_base;
	uint64_t ipa_limit;        /* bases and regions must end at or below this */
	/* Each vCPU's virtual CPU interface as last saved from GICH (the glue points these at
	 * its vCPUs' saved GICH_VMCR and GICH_APR). */
	uint32_t *vmcr[VGIC_MAX_VCPUS], *apr[VGIC_MAX_VCPUS];
	uint32_t gicc_iidr;        /* what the guest reads in GICC_IIDR */
	/* From the VM: is any vCPU running now (register access is -EBUSY), has any ever
	 * run (creation and GRP_ADDR are -EBUSY). */
	bool (*running)(void *ctx);
	bool (*has_run)(void *ctx);
	void *ctx;
};

#define VGIC_DEV_DEFAULT_IRQS 160

/* Create the VGIC of a VM whose nr_vcpus vCPUs exist, on the model `d`, with the callbacks
 * and CPU-interface pointers already filled in `dev` (the rest is reset here). -EEXIST for
 * a second one, -EBUSY once a vCPU ran, -EINVAL for a bad vCPU count. */
int vgic_dev_create(struct vgic_dev *dev, struct vgic_dist *d, unsigned nr_vcpus);
int vgic_dev_set_attr(struct vgic_dev *dev, uint32_t group, uint64_t attr, const void *val);
int vgic_dev_get_attr(struct vgic_dev *dev, uint32_t group, uint64_t attr, void *val);
/* 0 when the group and attribute exist, -ENXIO otherwise. */
int vgic_dev_has_attr(struct vgic_dev *dev, uint32_t group, uint64_t attr);

#endif

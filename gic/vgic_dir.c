/* The guest's GICC_DIR, trapped while active interrupts wait outside the list registers.
 *
 * With EOImode 1 the guest deactivates with GICC_DIR, in any order. A DIR for an interrupt
 * in no LR only bumps GICH_HCR.EOICount, which does not say which interrupt it was. So
 * while any vCPU of the VM has active interrupts the flush left out of its LRs, the page
 * holding GICC_DIR (the GICV's second 4 KiB) is unmapped from stage 2: each DIR traps, its
 * value names the interrupt, and the model (the LRs folded back by then) deactivates it.
 * The rest of the time the page is the hardware's and a DIR costs nothing. */
#include "arm/sysreg.h"
#include "gic/gich.h"
#include "gic/vgic.h"
#include "gic/vgic_hw.h"
#include "hyp/log.h"
#include "hyp/vm.h"

/* Called by the flush, with the vgic lock held: does this vCPU have such interrupts? */
void vgic_dir_trap_update(struct vcpu *v, bool out_active)
{
	struct vm *vm = v->vm;
	uint32_t old = vm->dir_trap_vcpus, bit = 1u << v->id;

	vm->dir_trap_vcpus = out_active ? old | bit : old & ~bit;
	if (!old == !vm->dir_trap_vcpus)
		return;
	if (stage2_page_set_valid(&vm->s2, vm->vgic_dev.cpu_base + GICC_DIR, !vm->dir_trap_vcpus))
		log_once(LOG_ERROR, "GICC_DIR page at IPA %#x is not a 4 KiB page mapping: GICC_DIR cannot trap\n",
			 (unsigned)vm->vgic_dev.cpu_base + GICC_DIR);
	/* Before this vCPU enters, no CPU may still hold the page in its TLB. */
	dsb_ish();
	tlbi_nsnh_all_is();
	dsb_ish();
	isb();
}

static int dir_read(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t *val)
{
	(void)dev, (void)v, (void)off, (void)len;
	*val = 0; /* GICC_DIR is write-only; the rest of the page is reserved */
	return 0;
}

static int dir_write(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t val)
{
	struct vm *vm = dev;
	unsigned hwirq;
	bool done;

	if (off != 0 || len != 4)
		return 0; /* reserved, or a width GICC_DIR does not take: ignored, as the GICV does */
	/* With EOImode 0 a GICC_DIR write is UNPREDICTABLE; the GICV ignores it, so do we. */
	if (!(gich_read(GICH_VMCR) & GICH_VMCR_VEM))
		return 0;
	vgic_lock(vm);
	done = vgic_deactivate(&vm->vgic, v->id, val & GICH_LR_VIRTUAL_ID_MASK, &hwirq);
	vgic_unlock(vm);
	if (done && hwirq != VGIC_NO_HWIRQ)
		vgic_hw_deactivate_for_guest(v, hwirq);
	return 0;
}

const struct mmio_ops vgic_gicc_dir_ops = { dir_read, dir_write };

#include <errno.h>

#include "arm/sysreg.h"
#include "gic/gic.h"
#include "gic/gich.h"
#include "gic/vgic.h"
#include "gic/vgic_hw.h"
#include "hyp/log.h"
#include "hyp/pcpu.h"
#include "hyp/sched.h"
#include "hyp/timer.h"
#include "hyp/vm.h"
#include "platform.h"

static unsigned nr_lrs;

static struct vcpu *current_vcpu(void) { return this_pcpu()->vcpu; }

/* From the model, with the lock held: `vcpu` must look at its interrupts again. */
static void kick(void *ctx, unsigned vcpu)
{
	struct vm *vm = ctx;
	struct vcpu *v = &vm->vcpus[vcpu];
	struct vcpu *self = current_vcpu();

	v->lrs.dirty = true;
	if (v->blocked) /* switched out in WFI: make it runnable (hyp/sched.c) */
		sched_wake(v);
	else if (v != self && v->running) {
		if (self)
			self->stats.kicks++;
		gic_send_sgi(1u << v->pcpu, SGI_KICK);
	}
}

static void log_bad_access(const char *what, uint32_t off, unsigned len)
{
	log_once(LOG_WARN, "GICD: %s at offset %#x, %u bytes: RAZ/WI\n", what, off, len);
}

int vgic_gicd_access(struct vcpu *v, uint32_t off, unsigned len, bool write, uint32_t *data)
{
	struct vm *vm = v->vm;
	int r;

	vgic_fold(v); /* the guest sees its own LRs' state exactly */
	vgic_lock(vm);
	if (write)
		r = vgic_dist_write(&vm->vgic, v->id, off, len, *data);
	else
		r = vgic_dist_read(&vm->vgic, v->id, off, len, data);
	vgic_unlock(vm);
	return r;
}

static int gicd_read(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t *val)
{
	(void)dev;
	return vgic_gicd_access(v, off, len, false, val);
}

static int gicd_write(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t val)
{
	(void)dev;
	return vgic_gicd_access(v, off, len, true, &val);
}

const struct mmio_ops vgic_gicd_ops = { gicd_read, gicd_write };

/* The model's hooks and hardware mappings: what the hypervisor adds to a VGIC reset. */
static void attach(struct vm *vm)
{
	vm->vgic.kick = kick;
	vm->vgic.kick_ctx = vm;
	vm->vgic.log_once = log_bad_access;
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vgic_map_hw(&vm->vgic, i, PPI_VIRT_TIMER, PPI_VIRT_TIMER);
	for (unsigned i = 0; i < vm->nr_hwirqs; i++)
		vgic_map_hw(&vm->vgic, 0, vm->hwirqs[i].virt, vm->hwirqs[i].phys);
}

/* ran: has any vCPU ever run; else: is any in the guest now (running, not paused). */
static bool any_vcpu(const struct vm *vm, bool ran)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];
		if (ran ? v->ran : v->running && !v->parked)
			return true;
	}
	return false;
}

static bool vm_running(void *ctx) { return any_vcpu(ctx, false); }
static bool vm_has_run(void *ctx) { return any_vcpu(ctx, true); }

/* Create the VM's VGIC through its device API, then build what the addresses it was given
 * imply: the GICD region (trapped), the GICC mapped onto the GICV (IAR/EOIR/DIR/PMR/BPR
 * cost no trap), and the GICC_DIR page's region for when it traps (gic/vgic_dir.c). */
int vgic_vm_init(struct vm *vm, uint64_t dist, uint64_t cpu, uint32_t nr_irqs)
{
	struct vgic_dev *dev = &vm->vgic_dev;
	int r;

	dev->running = vm_running;
	dev->has_run = vm_has_run;
	dev->ctx = vm;
	dev->gicc_iidr = mmio_read32(gic_base + GICV_OFFSET + GICC_IIDR);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		dev->vmcr[i] = &vm->vcpus[i].ctx.irq.vmcr;
		dev->apr[i] = &vm->vcpus[i].ctx.irq.apr;
	}
	r = vgic_dev_create(dev, &vm->vgic, vm->nr_vcpus);
	if (!r)
		r = vgic_dev_set_attr(dev, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_DIST, &dist);
	if (!r)
		r = vgic_dev_set_attr(dev, VGIC_GRP_ADDR, VGIC_ADDR_TYPE_CPU, &cpu);
	if (!r)
		r = vgic_dev_set_attr(dev, VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (!r)
		r = vgic_dev_set_attr(dev, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL);
	if (!r)
		r = stage2_map(&vm->s2, dev->cpu_base, gic_base + GICV_OFFSET, VGIC_CPU_SIZE, S2_DEVICE);
	if (!r)
		r = mmio_register(&vm->mmio, (uint32_t)dev->dist_base, VGIC_DIST_SIZE, &vgic_gicd_ops, vm,
				  "GICD");
	if (!r)
		r = mmio_register(&vm->mmio, (uint32_t)dev->cpu_base + GICC_DIR, PAGE_SIZE,
				  &vgic_gicc_dir_ops, vm, "GICC_DIR page, when it traps");
	if (r)
		return r;
	/* CTRL_INIT reset the model: the hypervisor's hooks go in after. */
	attach(vm);
	return 0;
}

void vgic_vm_reset(struct vm *vm)
{
	vgic_dist_init(&vm->vgic, vm->nr_vcpus, vm->vgic.nr_irqs);
	attach(vm);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].lrs.dirty = true;
}

void vgic_cpu_start(struct vcpu *v)
{
	nr_lrs = gich_nr_lrs();
	if (nr_lrs > sizeof(v->lrs.lr) / sizeof(v->lrs.lr[0]))
		nr_lrs = sizeof(v->lrs.lr) / sizeof(v->lrs.lr[0]);
	for (unsigned i = 0; i < nr_lrs; i++)
		gich_write(GICH_LR0 + 4 * i, 0);
	gich_write(GICH_VMCR, v->ctx.irq.vmcr);
	gich_write(GICH_APR, v->ctx.irq.apr);
	gich_write(GICH_HCR, GICH_HCR_EN);
	v->lrs.used = 0;
	v->lrs.held = false;
	v->lrs.hcr = GICH_HCR_EN;
	v->lrs.dirty = true;
	/* The hypervisor's own interrupts below the monitor's UART (hyp/monitor.c), so the
	 * monitor is served even when a vCPU keeps its CPU busy with exits. */
	for (unsigned id = 0; id < 16; id++) /* SGIs that kick this CPU; SGI_WAKE keeps 0x40 */
		if (id != SGI_WAKE)
			gic_set_priority(id, 0x80);
	gic_set_priority(PPI_MAINTENANCE, 0x80);
	gic_set_priority(PPI_HYP_TIMER, 0x80);
	gic_set_priority(PPI_VIRT_TIMER, 0x80);
	gic_enable_irq(SGI_KICK);
	gic_enable_irq(PPI_MAINTENANCE);
	gic_enable_irq(PPI_HYP_TIMER);
	gic_enable_irq(PPI_VIRT_TIMER);
}

void vgic_cpu_stop(struct vcpu *v)
{
	/* What the LRs hold goes back to the model; the hardware copies go. */
	vgic_fold(v);
	for (unsigned i = 0; i < nr_lrs; i++)
		gich_write(GICH_LR0 + 4 * i, 0);
	gich_write(GICH_HCR, 0);
	v->lrs.used = 0;
	v->lrs.held = false;
	v->lrs.hcr = 0;
	vgic_lock(v->vm);
	vgic_dir_trap_update(v, false);
	vgic_unlock(v->vm);
	/* Its timers stop with it; a physical PPI 27 left active would never fire again. */
	write_CNTV_CTL(0);
	write_CNTHP_CTL(0);
	if (v->vtimer_phys_active) {
		v->vtimer_phys_active = false;
		gic_deactivate(PPI_VIRT_TIMER);
	}
	vgic_lock(v->vm);
	vgic_set_level(&v->vm->vgic, v->id, PPI_VIRT_TIMER, false);
	vgic_set_level(&v->vm->vgic, v->id, PPI_PHYS_TIMER, false);
	vgic_unlock(v->vm);
}

void vgic_flush(struct vcpu *v)
{
	unsigned used, prev = v->lrs.used;
	uint32_t bits = 0, hcr;

	if (!v->lrs.dirty)
		return;
	vgic_lock(v->vm);
	v->lrs.dirty = false;
	used = vgic_flush_lrs(&v->vm->vgic, v->id, v->lrs.lr, nr_lrs, &bits);
	/* LRENPIE: active interrupts wait outside the LRs; their GICC_DIR must trap. */
	vgic_dir_trap_update(v, bits & GICH_HCR_LRENPIE);
	vgic_unlock(v->vm);
	/* Rewrite what this flush uses and clear what the last one left behind. */
	for (unsigned i = 0; i < (used > prev ? used : prev); i++)
		gich_write(GICH_LR0 + 4 * i, i < used ? v->lrs.lr[i] : 0);
	v->lrs.used = used;
	v->lrs.held = used != 0;
	/* EOICount starts from 0 (vgic_sync consumed it). */
	hcr = GICH_HCR_EN | bits;
	gich_write(GICH_HCR, hcr);
	if (bits)
		hcr = vgic_guard_entry(v, hcr);
	v->lrs.hcr = hcr;
}

/* Which VM each passed-through physical SPI belongs to: it may arrive on a CPU that runs
 * another VM's vCPU, or none. */
static struct vm *hw_owner[1020];

int vgic_passthrough_spi(struct vm *vm, unsigned virt, unsigned phys, unsigned pcpu)
{
	if (vm->nr_hwirqs == sizeof(vm->hwirqs) / sizeof(vm->hwirqs[0]) || virt < 32 ||
	    virt >= vm->vgic.nr_irqs || phys < 32 || phys >= gic_lines() || hw_owner[phys])
		return -EINVAL;
	vm->hwirqs[vm->nr_hwirqs++] = (struct vm_hwirq){ (uint16_t)virt, (uint16_t)phys, false };
	hw_owner[phys] = vm;
	vgic_map_hw(&vm->vgic, 0, virt, phys);
	gic_route_spi(phys, pcpu);
	gic_set_priority(phys, 0xa0);
	gic_enable_irq(phys);
	return 0;
}

static struct vm_hwirq *find_hwirq(struct vm *vm, unsigned phys)
{
	for (unsigned i = 0; i < vm->nr_hwirqs; i++)
		if (vm->hwirqs[i].phys == phys)
			return &vm->hwirqs[i];
	return 0;
}

bool vgic_hw_irq(uint32_t iar)
{
	unsigned phys = iar & 0x3ff;
	struct vm *vm = phys < 1020 ? hw_owner[phys] : 0;
	struct vm_hwirq *h = vm ? find_hwirq(vm, phys) : 0;

	if (!h)
		return false;
	gic_eoi(iar); /* priority drop only: the guest's EOI deactivates it */
	vgic_lock(vm);
	h->phys_active = true;
	vgic_set_level(&vm->vgic, 0, h->virt, true); /* SPIs: no vCPU's own (vCPU 0's) */
	vgic_unlock(vm);
	return true;
}

/* The guest's EOI deactivated the physical interrupt behind an HW list register: the
 * device's line is sampled again by the GIC, and raised anew through vgic_hw_irq. */
static void hw_deactivated(struct vcpu *v, unsigned phys)
{
	struct vm_hwirq *h = find_hwirq(v->vm, phys);

	if (!h)
		return;
	h->phys_active = false;
	vgic_set_level(&v->vm->vgic, v->id, h->virt, false);
}

void vgic_hw_deactivate_for_guest(struct vcpu *v, unsigned phys)
{
	gic_deactivate(phys);
	if (phys == PPI_VIRT_TIMER) {
		vtimer_sync(v, true);
		return;
	}
	vgic_lock(v->vm);
	hw_deactivated(v, phys);
	vgic_unlock(v->vm);
}

/* EOIs the guest wrote for interrupts outside its LRs (GICH_HCR.EOICount). Only with
 * EOImode 0: with EOImode 1 such an EOI only drops the priority and counts nothing, and
 * a GICC_DIR of an interrupt outside the LRs traps instead (gic/vgic_dir.c), so a count
 * then means DIRs of interrupts that were not active. */
static unsigned eoi_count(struct vcpu *v)
{
	unsigned n;

	if (!(v->lrs.hcr & GICH_HCR_LRENPIE))
		return 0;
	n = (gich_read(GICH_HCR) & GICH_HCR_EOICOUNT_MASK) >> GICH_HCR_EOICOUNT_SHIFT;
	if (n && (gich_read(GICH_VMCR) & GICH_VMCR_VEM))
		n = 0;
	return n;
}

/* Read the LRs back and fold them into the model. Unless `force`, an exit on which the
 * guest moved nothing (every LR reads back as the flush wrote it, no EOI counted) folds
 * nothing: the LRs stay held, the model keeps them as in this vCPU's LRs (as it does
 * while the guest runs), and no flush is due. Returns whether the guest deactivated the
 * virtual timer's HW interrupt. */
static bool fold_lrs(struct vcpu *v, bool force)
{
	unsigned used = v->lrs.used, nr_done = 0, nr_eoi = 0, eois;
	uint16_t done[sizeof(v->lrs.lr) / sizeof(v->lrs.lr[0])]; /* HW INTIDs the guest deactivated */
	uint16_t eoi_hw[GICH_HCR_EOICOUNT_MASK >> GICH_HCR_EOICOUNT_SHIFT]; /* ... outside the LRs */
	uint32_t now[sizeof(v->lrs.lr) / sizeof(v->lrs.lr[0])];
	bool vtimer_deactivated = false, moved = force;

	for (unsigned i = 0; i < used; i++) {
		now[i] = gich_read(GICH_LR0 + 4 * i);
		moved |= now[i] != v->lrs.lr[i];
	}
	eois = eoi_count(v);
	if (!moved && !eois)
		return false;
	for (unsigned i = 0; i < used; i++) {
		uint32_t lr = now[i];
		if ((lr & GICH_LR_HW) && !(lr & GICH_LR_STATE_MASK)) {
			if (GICH_LR_PHYS_ID(lr) == PPI_VIRT_TIMER)
				vtimer_deactivated = true;
			else
				done[nr_done++] = GICH_LR_PHYS_ID(lr);
		}
		v->lrs.lr[i] = lr;
	}
	vgic_lock(v->vm);
	/* Before the LRs are folded: "outside the LRs" is still known. */
	if (eois)
		nr_eoi = vgic_fold_eoicount(&v->vm->vgic, v->id, eois, eoi_hw,
					    sizeof(eoi_hw) / sizeof(eoi_hw[0]));
	vgic_sync_lrs(&v->vm->vgic, v->id, v->lrs.lr, used);
	for (unsigned i = 0; i < nr_done; i++)
		hw_deactivated(v, done[i]);
	vgic_unlock(v->vm);
	for (unsigned i = 0; i < nr_eoi; i++)
		vgic_hw_deactivate_for_guest(v, eoi_hw[i]);
	if (vtimer_deactivated || nr_done)
		gic_refresh(); /* a still-asserted line must be seen again (gic.h) */
	/* The hardware LRs still hold these: the next flush must rewrite them. */
	v->lrs.held = false;
	v->lrs.dirty = true;
	return vtimer_deactivated;
}

void vgic_sync(struct vcpu *v)
{
	bool vtimer_deactivated = false;

	if (v->lrs.held) /* the VM's knob: the slow path on every exit, to compare (hvc.c) */
		vtimer_deactivated = fold_lrs(v, v->vm->fold_every_exit);
	vtimer_sync(v, vtimer_deactivated);
}

void vgic_fold(struct vcpu *v)
{
	if (v->lrs.held && fold_lrs(v, true))
		vtimer_sync(v, true);
}

void vgic_park(struct vcpu *v)
{
	vgic_fold(v); /* the model must hold the whole state: a snapshot may read it */
	if (v->vtimer_phys_active) {
		v->vtimer_phys_active = false;
		gic_deactivate(PPI_VIRT_TIMER);
	}
	if (v->id != 0)
		return; /* passed-through SPIs are vCPU 0's */
	for (unsigned i = 0; i < v->vm->nr_hwirqs; i++) {
		struct vm_hwirq *h = &v->vm->hwirqs[i];
		if (h->phys_active) {
			h->phys_active = false;
			gic_deactivate(h->phys);
		}
	}
}

void vgic_unpark(struct vcpu *v)
{
	/* Whatever the model says of their lines (a restore may have set them), the
	 * devices raise them again if they still assert them. */
	vgic_lock(v->vm);
	vgic_set_level(&v->vm->vgic, v->id, PPI_VIRT_TIMER, false);
	if (v->id == 0)
		for (unsigned i = 0; i < v->vm->nr_hwirqs; i++) {
			struct vm_hwirq *h = &v->vm->hwirqs[i];
			/* Taken while the vCPU was switched out (hyp/sched.c): hand it back too. */
			if (h->phys_active) {
				h->phys_active = false;
				gic_deactivate(h->phys);
			}
			vgic_set_level(&v->vm->vgic, 0, h->virt, false);
		}
	vgic_unlock(v->vm);
	v->lrs.dirty = true;
	gic_refresh();
}

void vgic_wait_for_interrupt(struct vcpu *v)
{
	bool pending;

	vgic_fold(v); /* a pending interrupt the LRs still hold is one the guest can take */
	vgic_lock(v->vm);
	pending = vgic_has_deliverable(&v->vm->vgic, v->id);
	/* Under the lock, with the check: a kick for it after this finds it blocked. */
	if (!pending && sched_block(v))
		pending = true; /* it leaves its CPU to another vCPU instead of waiting here */
	vgic_unlock(v->vm);
	if (pending)
		return;
	gic_refresh(); /* nothing pending may hide in the physical GIC (gic.h) */
	wfi();
}

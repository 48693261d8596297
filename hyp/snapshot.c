/* Whole-VM snapshots in memory (docs/snapshot-format.md), taken and restored with the VM
 * paused (hyp/vm_pause.c): every vCPU's context is then in memory and its list registers
 * folded back into the model.
 *
 * A snapshot holds: the VM's virtual counter; per vCPU every register of every mode, the
 * PL1 CP15 state, VFP/NEON, the performance monitors, both timers and its PSCI state; the
 * VGIC through its device API alone; the configuration the guest gave its UART; the
 * diagnostics device; guest RAM without its zero pages. A restore checks all of it first
 * (format, CRCs, shape, every register id, every VGIC attribute applied to a scratch
 * VGIC) and refuses with the reason before it changes anything; then it resets the vCPUs,
 * the VGIC and the timers and rebuilds them from the bytes alone. */
#include <errno.h>
#include <string.h>

#include "arm/cache.h"
#include "arm/psr.h"
#include "arm/sysreg.h"
#include "drivers/pl011.h"
#include "gic/vgic_hw.h"
#include "hyp/log.h"
#include "hyp/pcpu.h"
#include "hyp/sched.h"
#include "hyp/snap_vcpu.h"
#include "hyp/snap_vcpu_ids.h"
#include "hyp/snapshot.h"
#include "hyp/vm.h"
#include "lib/fmt.h"
#include "platform.h"

void snap_shape_of(const struct vm *vm, struct snap_shape *s)
{
	s->vcpus = vm->nr_vcpus;
	s->nr_irqs = vm->vgic.nr_irqs;
	s->ram_ipa = vm->ram_ipa;
	s->ram_size = vm->ram_size;
	s->gicd_ipa = (uint32_t)vm->vgic_dev.dist_base;
	s->gicc_ipa = (uint32_t)vm->vgic_dev.cpu_base;
}

/* The virtual counter as it stood when the VM stopped. */
static uint64_t vcount_at_pause(const struct vm *vm) { return vm->paused_at - vm->cntvoff; }

/* A vCPU that is on (or, restored, will be) runs with its data cache off (SCTLR.C clear):
 * it reads and writes guest RAM in memory, past the caches the hypervisor goes through. */
static bool uncached_vcpu(const struct vm *vm, const bool *on)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if ((on ? on[i] : vm->vcpus[i].power != VCPU_OFF) && !(vm->vcpus[i].ctx.cp15.sctlr & SCTLR_C))
			return true;
	return false;
}

long snap_take(struct vm *vm, char *why, size_t why_len)
{
	struct snap_writer w;
	struct snap_shape shape;
	uint32_t uart[PL011_NR_CONFIG];
	long size;

	if (!vm->pause_req) {
		fmt_snprintf(why, why_len, "the VM is not paused");
		return -EBUSY;
	}
	if (!vm->snap_cap) {
		fmt_snprintf(why, why_len, "no memory for a snapshot: QEMU was given %#x bytes (scripts/run-guest gives room for one)",
			     vm->host_mem);
		return -ENOMEM;
	}
	snap_shape_of(vm, &shape);
	snap_start(&w, vm->snap_buf, vm->snap_cap, &shape);
	snap_section(&w, SNAP_VM, 0);
	snap_put_rec(&w, SNAP_VM_VCOUNT, (uint32_t)vcount_at_pause(vm));
	snap_put_rec(&w, SNAP_VM_VCOUNT + 1, (uint32_t)(vcount_at_pause(vm) >> 32));
	snap_end_section(&w);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		snap_section(&w, SNAP_VCPU, i);
		snap_vcpu_save(&w, &vm->vcpus[i]);
		snap_end_section(&w);
	}
	snap_section(&w, SNAP_VGIC, 0);
	vgic_lock(vm);
	snap_vgic_save(&w, &vm->vgic_dev);
	vgic_unlock(vm);
	snap_end_section(&w);
	snap_section(&w, SNAP_UART, 0);
	pl011_config_read(vm->console_pa, uart);
	for (unsigned i = 0; i < PL011_NR_CONFIG; i++)
		snap_put_rec(&w, pl011_config_regs[i], uart[i]);
	snap_end_section(&w);
	snap_section(&w, SNAP_TESTDEV, 0);
	snap_put(&w, &vm->testdev, sizeof(vm->testdev));
	snap_end_section(&w);
	/* Lines the hypervisor holds from earlier (a snapshot before) would hide what such a
	 * vCPU wrote to memory since. */
	if (uncached_vcpu(vm, NULL))
		dcache_clean_inval_to_poc((void *)vm->ram_pa, vm->ram_size);
	snap_section(&w, SNAP_RAM, 0);
	snap_put_ram(&w, (const void *)vm->ram_pa, vm->ram_size);
	snap_end_section(&w);
	size = snap_finish(&w);
	if (size < 0) {
		vm->snap_len = 0;
		fmt_snprintf(why, why_len, "the snapshot needs %u bytes, there is room for %u",
			     (unsigned)w.need, (unsigned)vm->snap_cap);
		return size;
	}
	vm->snap_len = (uint32_t)size;
	return size;
}

/* ---- Checking everything before anything changes ---- */

static struct vgic_dist scratch_dist;
static struct vgic_dev scratch_dev;
static uint32_t scratch_vmcr[VGIC_MAX_VCPUS], scratch_apr[VGIC_MAX_VCPUS];

/* The VGIC section applied to a fresh VGIC of the same shape: whatever the device API
 * would refuse is refused here, with the VM untouched. */
static int check_vgic(const struct vm *vm, const struct snap_section_ref *s, char *why,
		      size_t why_len)
{
	uint32_t irqs = vm->vgic.nr_irqs;
	int r;

	memset(&scratch_dev, 0, sizeof(scratch_dev));
	scratch_dev.gicc_iidr = vm->vgic_dev.gicc_iidr;
	for (unsigned i = 0; i < VGIC_MAX_VCPUS; i++) {
		scratch_dev.vmcr[i] = &scratch_vmcr[i];
		scratch_dev.apr[i] = &scratch_apr[i];
	}
	r = vgic_dev_create(&scratch_dev, &scratch_dist, vm->nr_vcpus);
	if (!r)
		r = vgic_dev_set_attr(&scratch_dev, VGIC_GRP_NR_IRQS, 0, &irqs);
	if (!r)
		r = vgic_dev_set_attr(&scratch_dev, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL);
	if (r) {
		fmt_snprintf(why, why_len, "cannot build a scratch VGIC (%d)", r);
		return r;
	}
	return snap_vgic_restore(&scratch_dev, s, why, why_len);
}

static int check_records(const struct snap_section_ref *s, const char *what, uint32_t want_id0,
			 unsigned want, const uint16_t *ids, char *why, size_t why_len)
{
	uint32_t id, val;
	unsigned n;

	for (n = 0; !snap_rec(s, n, &id, &val); n++)
		if (n >= want || id != (ids ? ids[n] : want_id0 + n)) {
			fmt_snprintf(why, why_len, "%s record %u: id %#x unexpected", what, n, id);
			return -EINVAL;
		}
	if (n != want) {
		fmt_snprintf(why, why_len, "%s: %u records, %u expected", what, n, want);
		return -EINVAL;
	}
	return 0;
}

static int check_all(const struct vm *vm, const struct snap_index *idx, char *why, size_t why_len)
{
	const struct snap_section_ref *s;
	int r;

	r = check_records(snap_find(idx, SNAP_VM, 0), "VM", SNAP_VM_VCOUNT, 2, NULL, why, why_len);
	if (!r)
		r = check_records(snap_find(idx, SNAP_UART, 0), "UART", 0, PL011_NR_CONFIG,
				  pl011_config_regs, why, why_len);
	for (unsigned i = 0; !r && i < vm->nr_vcpus; i++)
		r = snap_vcpu_check(snap_find(idx, SNAP_VCPU, i), why, why_len);
	s = snap_find(idx, SNAP_TESTDEV, 0);
	if (!r && s->length != sizeof(vm->testdev)) {
		fmt_snprintf(why, why_len, "diagnostics device: %u bytes, %u expected", s->length,
			     (unsigned)sizeof(vm->testdev));
		r = -EINVAL;
	}
	if (!r)
		r = check_vgic(vm, snap_find(idx, SNAP_VGIC, 0), why, why_len);
	return r;
}

/* ---- Rebuilding the VM from the bytes ---- */

int snap_restore(struct vm *vm, char *why, size_t why_len)
{
	static struct snap_index idx;
	struct snap_shape shape;
	uint32_t id, val, uart[PL011_NR_CONFIG];
	uint64_t vcount = 0;
	bool on[MAX_VCPUS];
	int r;

	if (!vm->pause_req) {
		fmt_snprintf(why, why_len, "the VM is not paused");
		return -EBUSY;
	}
	if (!vm->snap_len) {
		fmt_snprintf(why, why_len, "no snapshot taken");
		return -ENOENT;
	}
	snap_shape_of(vm, &shape);
	r = snap_parse(vm->snap_buf, vm->snap_len, &shape, &idx, why, why_len);
	if (!r)
		r = check_all(vm, &idx, why, why_len);
	if (r)
		return r;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		static struct vcpu probe;
		bool want_on = false;

		snap_vcpu_load(snap_find(&idx, SNAP_VCPU, i), &probe, &want_on);
		if (want_on && !pcpus[vm->vcpus[i].pcpu].online) {
			fmt_snprintf(why, why_len, "vCPU %u was on, and CPU %u is not online", i,
				     vm->vcpus[i].pcpu);
			return -ENODEV;
		}
	}

	/* From here on nothing can fail: reset, then rebuild (the VGIC's CPU interface
	 * registers live in the vCPUs' contexts: those are reset first). */
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vcpu_reset_all(&vm->vcpus[i]);
	vgic_lock(vm);
	vgic_vm_reset(vm);
	r = snap_vgic_restore(&vm->vgic_dev, snap_find(&idx, SNAP_VGIC, 0), why, why_len);
	vgic_unlock(vm);
	if (r)
		log_err("snapshot: VGIC restore failed after its check passed: %s\n", why);
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		on[i] = false;
		snap_vcpu_load(snap_find(&idx, SNAP_VCPU, i), &vm->vcpus[i], &on[i]);
	}
	for (unsigned n = 0; !snap_rec(snap_find(&idx, SNAP_VM, 0), n, &id, &val); n++)
		vcount |= (uint64_t)val << (id == SNAP_VM_VCOUNT ? 0 : 32);
	/* The virtual counter resumes from where it stood at the snapshot. */
	vm->cntvoff = vm->paused_at - vcount;
	for (unsigned n = 0; !snap_rec(snap_find(&idx, SNAP_UART, 0), n, &id, &val); n++)
		uart[n] = val;
	pl011_config_write(vm->console_pa, uart);
	memcpy(&vm->testdev, snap_find(&idx, SNAP_TESTDEV, 0)->payload, sizeof(vm->testdev));
	snap_get_ram(snap_find(&idx, SNAP_RAM, 0), (void *)vm->ram_pa, vm->ram_size);
	/* RAM rewritten behind the guest's back: to the point of coherency, and out of the
	 * caches, if a vCPU runs on with its data cache off (a SYSTEM_SUSPEND's wake-up state;
	 * with it on, the guest reads through the caches the hypervisor wrote into, and going
	 * over all of RAM would cost as much as the restore); and no instruction fetched nor
	 * translation cached before the restore survives it on any CPU (the vCPU parked in
	 * the monitor's exit path re-enters without a switch-in's invalidation). */
	if (uncached_vcpu(vm, on))
		dcache_clean_inval_to_poc((void *)vm->ram_pa, vm->ram_size);
	icache_invalidate_all();
	tlbi_nsnh_all_is();
	dsb();
	isb();
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vcpu_set_power(&vm->vcpus[i], on[i]);
	return r;
}

uint32_t snap_crc(const struct vm *vm)
{
	return vm->snap_len ? snap_content_crc(vm->snap_buf) : 0;
}

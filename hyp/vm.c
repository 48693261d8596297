/* VM creation: check what the runner asked for, build the whole stage-2 map, register
 * the emulated devices, reset the boot vCPU. */
#include <errno.h>
#include <string.h>

#include "arm/sysreg.h"
#include "bootdesc.h"
#include "gic/gic.h"
#include "gic/vgic_hw.h"
#include "hyp/hvc_abi.h"
#include "hyp/log.h"
#include "hyp/page_pool.h"
#include "hyp/sched.h"
#include "hyp/testdev.h"
#include "hyp/vm.h"

/* The diagnostics device is per VM and its vCPUs may hit it at once: serialise. */
static int testdev_read_locked(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t *val)
{
	struct vm *vm = dev;
	int r;

	spin_lock(&vm->testdev_lock);
	r = testdev_ops.read(&vm->testdev, v, off, len, val);
	spin_unlock(&vm->testdev_lock);
	return r;
}

static int testdev_write_locked(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t val)
{
	struct vm *vm = dev;
	int r;

	spin_lock(&vm->testdev_lock);
	r = testdev_ops.write(&vm->testdev, v, off, len, val);
	spin_unlock(&vm->testdev_lock);
	return r;
}

static const struct mmio_ops testdev_locked_ops = { testdev_read_locked, testdev_write_locked };
static uint8_t next_vmid = 1;

int bootdesc_check(const struct bootdesc *bd)
{
	if (bd->magic != BOOTDESC_MAGIC) {
		log_err("no guest to run: no boot descriptor at %#x (magic %08x). Start the hypervisor with scripts/run-guest, which loads the guest and writes it.\n",
			BOOTDESC_PA, bd->magic);
		return -ENOENT;
	}
	if (bd->version != BOOTDESC_VERSION) {
		log_err("boot descriptor version %u, this hypervisor reads version %u\n", bd->version,
			BOOTDESC_VERSION);
		return -EINVAL;
	}
	if (bd->nr_vms == 0 || bd->nr_vms > BOOTDESC_MAX_VMS) {
		log_err("%u VMs asked for: 1 to %u\n", bd->nr_vms, BOOTDESC_MAX_VMS);
		return -EINVAL;
	}
	return 0;
}

/* Where VM k's RAM must start: right after the VMs before it (scripts/run-guest's layout). */
static uint64_t ram_pa_of(const struct bootdesc *bd, unsigned k)
{
	uint64_t pa = GUEST_RAM_PA;

	for (unsigned j = 0; j < k; j++)
		pa += bd->vm[j].guest_mem;
	return pa;
}

#define SNAP_ROOM_EXTRA 0x200000u /* beyond guest RAM: registers, VGIC, bookkeeping */

/* The end of a VM's pristine image copies (kernel, initrd, DTB, each 4 KiB aligned). */
static uint64_t pristine_end(const struct bootdesc_vm *d)
{
	return (uint64_t)d->pristine_pa + PAGE_ALIGN(d->kernel_size) + PAGE_ALIGN(d->initrd_size) +
	       PAGE_ALIGN(d->dtb_size);
}

static int check_vm(const struct bootdesc *bd, unsigned k, unsigned nr_cpus)
{
	const struct bootdesc_vm *d = &bd->vm[k];
	uint64_t host_end = (uint64_t)HYP_PA + bd->host_mem;

	if (d->guest_mem < 0x100000 || (d->guest_mem & (PAGE_SIZE - 1)) || d->ram_pa != ram_pa_of(bd, k) ||
	    (uint64_t)d->ram_pa + d->guest_mem > host_end) {
		log_err("VM %u: guest RAM of %#x bytes at PA %#x does not fit: host RAM ends at %#llx, the VM's RAM must follow the VMs before it at %#llx (min 1 MiB, 4 KiB multiple)\n",
			k, d->guest_mem, d->ram_pa, host_end, ram_pa_of(bd, k));
		return -E2BIG;
	}
	if (d->nr_irqs % 32 || d->nr_irqs > 1024 || (d->nr_irqs && d->nr_irqs < 64)) {
		log_err("VM %u: %u interrupt lines asked for: the virtual GIC has 64 to 1024, a multiple of 32\n",
			k, d->nr_irqs);
		return -EINVAL;
	}
	if (d->vcpus == 0 || d->vcpus > MAX_VCPUS || nr_cpus == 0) {
		log_err("VM %u: %u vCPUs asked for: 1 to %u (they share the %u physical CPUs online)\n", k,
			d->vcpus, MAX_VCPUS, nr_cpus);
		return -EINVAL;
	}
	if (d->flags & ~BOOTDESC_VM_KNOWN_FLAGS) {
		log_err("VM %u: flags %#x: unknown bits %#x\n", k, d->flags, d->flags & ~BOOTDESC_VM_KNOWN_FLAGS);
		return -EINVAL;
	}
	for (unsigned i = 0; (d->flags & BOOTDESC_VM_PINNED) && i < d->vcpus; i++) {
		if (BOOTDESC_VM_PIN_CPU(d->flags, i) >= nr_cpus) {
			log_err("VM %u: vCPU %u pinned to CPU %u: the CPUs online are 0 to %u\n", k, i,
				BOOTDESC_VM_PIN_CPU(d->flags, i), nr_cpus - 1);
			return -EINVAL;
		}
	}
	return 0;
}

/* Each VM's console: UART0 at its usual address and interrupt in every VM, backed by the
 * board's UART0, 2 and 3 (UART1 is the hypervisor's log and monitor). */
static const uint32_t console_pa[BOOTDESC_MAX_VMS] = { 0x1c090000u, 0x1c0b0000u, 0x1c0c0000u };
static const uint16_t console_intid[BOOTDESC_MAX_VMS] = { 37, 39, 40 }; /* SPIs 5, 7, 8 */

int vm_create(struct vm *vm, const struct bootdesc *bd, unsigned k, unsigned nr_cpus)
{
	const struct bootdesc_vm *d = &bd->vm[k];
	/* After all guest RAM: the image copies, then the snapshot rooms (scripts/run-guest). */
	uint64_t room = ram_pa_of(bd, bd->nr_vms), host_end = (uint64_t)HYP_PA + bd->host_mem;
	int err, pin[MAX_VCPUS];

	memset(vm, 0, sizeof(*vm));
	err = check_vm(bd, k, nr_cpus);
	if (err)
		return err;
	vm->index = k;
	vm->vmid = next_vmid++;
	vm->created_at = read_CNTPCT();
	vm->nr_vcpus = d->vcpus;
	vm->ram_ipa = GUEST_RAM_IPA;
	vm->ram_pa = d->ram_pa;
	vm->ram_size = d->guest_mem;
	vm->entry_ipa = d->entry_ipa;
	vm->host_mem = bd->host_mem;
	vm->console_pa = console_pa[k];
	vm->pristine_pa = d->pristine_pa;
	vm->kernel_size = d->kernel_size;
	vm->initrd_ipa = d->initrd_ipa;
	vm->initrd_size = d->initrd_size;
	vm->dtb_size = d->dtb_size;
	for (unsigned j = 0; j < bd->nr_vms; j++)
		if (bd->vm[j].pristine_pa && pristine_end(&bd->vm[j]) > room)
			room = pristine_end(&bd->vm[j]);
	if (d->pristine_pa && (d->pristine_pa < ram_pa_of(bd, bd->nr_vms) || pristine_end(d) > host_end)) {
		log_err("VM %u: the copies of its images at %#x are not in host RAM after all guest RAM\n", k,
			d->pristine_pa);
		return -EINVAL;
	}
	/* Room for each VM's in-memory snapshot, one after the other: its RAM and 2 MiB, the
	 * last one taking what is left. */
	for (unsigned j = 0; j < k; j++)
		room += bd->vm[j].guest_mem + SNAP_ROOM_EXTRA;
	if (host_end > room) {
		uint64_t cap = host_end - room;
		if (k + 1 < bd->nr_vms && cap > d->guest_mem + SNAP_ROOM_EXTRA)
			cap = d->guest_mem + SNAP_ROOM_EXTRA;
		vm->snap_buf = (void *)(uint32_t)room;
		vm->snap_cap = (uint32_t)cap;
	}
	vm->dtb_ipa = d->dtb_ipa;
	vm->resume = d->flags & BOOTDESC_VM_RESUME;
	if (!vm->resume &&
	    (!vm_ipa_in_ram(vm, vm->entry_ipa) || (vm->dtb_ipa && !vm_ipa_in_ram(vm, vm->dtb_ipa)))) {
		log_err("VM %u: guest entry %#x or DTB %#x outside guest RAM [%#x, +%#x)\n", k, vm->entry_ipa,
			vm->dtb_ipa, vm->ram_ipa, vm->ram_size);
		return -EINVAL;
	}

	err = stage2_init(&vm->s2, &hyp_page_pool, vm->vmid);
	if (!err)
		err = stage2_map(&vm->s2, vm->ram_ipa, vm->ram_pa, vm->ram_size, S2_NORMAL);
	/* The console UART is passed through, at UART0's address whichever it is (VM 0's is
	 * UART0 itself, which the hypervisor's log shares until the guest starts). */
	if (!err)
		err = stage2_map(&vm->s2, UART0_PA, vm->console_pa, PAGE_SIZE, S2_DEVICE);
	if (err) {
		log_err("building the stage-2 tables failed: %d\n", err);
		return err;
	}
	err = mmio_register(&vm->mmio, TESTDEV_IPA, TESTDEV_SIZE, &testdev_locked_ops, vm, "testdev");
	if (err)
		return err;

	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		v->vm = vm;
		v->id = i;
		v->vmpidr = (1u << 31) | i; /* multiprocessor format, cluster 0, CPU i */
		pin[i] = d->flags & BOOTDESC_VM_PINNED ? (int)BOOTDESC_VM_PIN_CPU(d->flags, i) : -1;
	}
	sched_place(vm, nr_cpus, pin);
	/* The VGIC through its device API, at the board's addresses; its GICD and GICC are
	 * mapped where it was told. */
	err = vgic_vm_init(vm, VGIC_GICD_IPA, VGIC_GICC_IPA, d->nr_irqs ? d->nr_irqs : VM_NR_IRQS_DEFAULT);
	if (!err) /* the UART is the guest's: so is its interrupt (as UART0's), on vCPU 0's CPU */
		err = vgic_passthrough_spi(vm, UART0_INTID, console_intid[k], vm->vcpus[0].pcpu);
	if (err) {
		log_err("virtual GIC: %d\n", err);
		return err;
	}
	if (vm->resume)
		return 0; /* its vCPUs come from the snapshot (hyp/main.c) */
	vcpu_reset(&vm->vcpus[0], vm->entry_ipa, 0, 0xffffffffu, vm->dtb_ipa);
	vm->vcpus[0].power = VCPU_ON; /* the others wait for PSCI CPU_ON */
	return 0;
}

void vm_print_map(const struct vm *vm)
{
	console_printf("VM %u (VMID %u) guest-physical map (%u vCPU%s, stage-2: %u table pages):\n", vm->index, vm->vmid,
		       vm->nr_vcpus, vm->nr_vcpus > 1 ? "s" : "", vm->s2.pages);
	console_printf("  %08x-%08x  RAM -> PA %08x\n", vm->ram_ipa, vm->ram_ipa + vm->ram_size - 1, vm->ram_pa);
	console_printf("  %08x-%08x  UART0 (PL011 at %08x, passed through)\n", UART0_PA, UART0_PA + PAGE_SIZE - 1,
		       vm->console_pa);
	console_printf("  %08x-%08x  GICC -> GICV %08x (mapped)\n", (unsigned)vm->vgic_dev.cpu_base,
		       (unsigned)vm->vgic_dev.cpu_base + VGIC_CPU_SIZE - 1, (unsigned)(gic_base + GICV_OFFSET));
	for (unsigned i = 0; i < vm->mmio.count; i++) {
		const struct mmio_region *r = &vm->mmio.r[i];
		console_printf("  %08x-%08x  %s (emulated)\n", r->base, r->base + r->size - 1, r->name);
	}
	console_printf("  everything else: data/prefetch abort\n");
	console_printf("  entry %08x, r2 (DTB) %08x\n", vm->entry_ipa, vm->dtb_ipa);
}

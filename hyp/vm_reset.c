/* PSCI SYSTEM_RESET of one VM among several: the board cannot reset (the other VMs run
 * on), so the hypervisor does for this VM what a reset and QEMU's loader do for the
 * board: the VM's images go back into its RAM from the pristine copies the runner loaded
 * beside it, its VGIC, timers and vCPUs go back to their reset state, and vCPU 0 starts
 * at the entry point with the boot protocol's registers; the others are off. RAM outside
 * the images keeps what it had (as QEMU's reset keeps RAM). */
#include <string.h>

#include "arm/cache.h"
#include "gic/vgic_hw.h"
#include "hyp/log.h"
#include "hyp/vm.h"

/* Copy one image back, and make it visible to a guest that starts with its MMU and caches
 * off (the hypervisor's writes may still sit in its data cache), leaving no line of it
 * cached to hide what the guest writes there next. */
static void restore(struct vm *vm, uint32_t ipa, uint32_t size, uint32_t from)
{
	void *to = (void *)(vm->ram_pa + (ipa - vm->ram_ipa));

	if (!size)
		return;
	memcpy(to, (const void *)from, size);
	dcache_clean_inval_to_poc(to, size);
}

int vm_reset(struct vcpu *v)
{
	struct vm *vm = v->vm;
	uint32_t at = vm->pristine_pa;

	if (!at) {
		log_warn("VM %u: no copies of its images to reset it from\n", vm->index);
		return -1;
	}
	if (vm_pause(vm, v))
		return -1;
	restore(vm, vm->entry_ipa, vm->kernel_size, at);
	at += PAGE_ALIGN(vm->kernel_size);
	restore(vm, vm->initrd_ipa, vm->initrd_size, at);
	at += PAGE_ALIGN(vm->initrd_size);
	restore(vm, vm->dtb_ipa, vm->dtb_size, at);
	icache_invalidate_all();
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vcpu_reset_all(&vm->vcpus[i]);
	vgic_lock(vm);
	vgic_vm_reset(vm);
	vgic_unlock(vm);
	memset(&vm->testdev, 0, sizeof(vm->testdev));
	vcpu_reset(&vm->vcpus[0], vm->entry_ipa, 0, 0xffffffffu, vm->dtb_ipa);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		vcpu_set_power(&vm->vcpus[i], i == 0);
	vm->resets++;
	vm_continue(vm); /* the caller's own reset state into the hardware, if it is vCPU 0 */
	return 0;
}

#ifndef HYP_VM_H
#define HYP_VM_H

#include <stdint.h>

#include "hyp/mmio.h"
#include "hyp/stage2.h"
#include "hyp/vcpu.h"
#include "platform.h"

struct bootdesc;

/* One kind of region in a VM's guest-physical map. */
enum vm_region_kind { VMR_RAM, VMR_DEVICE, VMR_EMULATED };

struct vm {
	uint8_t vmid;
	unsigned nr_vcpus;
	uint32_t ram_ipa, ram_pa, ram_size;
	uint32_t entry_ipa, dtb_ipa;
	struct stage2 s2;
	struct mmio_bus mmio;
	struct vcpu vcpus[MAX_CPUS];
};

/* 0, or a negative errno with the reason logged: the VM is not created. */
int vm_create(struct vm *vm, const struct bootdesc *bd, unsigned nr_cpus);
void vm_print_map(const struct vm *vm);

#endif

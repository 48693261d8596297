/* The boot descriptor: what the runner (scripts/run-guest) asks the hypervisor to run.
 * QEMU's generic loader writes it at BOOTDESC_PA (scripts/layout.sh), one word per field. */
#ifndef BOOTDESC_H
#define BOOTDESC_H

#include <stdint.h>

#define BOOTDESC_MAGIC 0x54534748u /* "HGST" */
#define BOOTDESC_VERSION 4u
/* bootdesc_vm.flags */
#define BOOTDESC_VM_RESUME 1u /* run the VM from the newest snapshot on its disk */
#define BOOTDESC_VM_PINNED 2u /* vCPU i on the physical CPU in bits 16 + 2i (run-guest --pin) */
#define BOOTDESC_VM_KNOWN_FLAGS 0xffff0003u
#define BOOTDESC_VM_PIN_CPU(flags, i) (((flags) >> (16 + 2 * (i))) & 3u)
#define BOOTDESC_MAX_VMS 3 /* one per console UART the board has for guests: 0, 2, 3 */

/* One VM (words 8 + 12 * k onwards). */
struct bootdesc_vm {
	uint32_t ram_pa;      /* host RAM behind its guest RAM at GUEST_RAM_IPA */
	uint32_t guest_mem;   /* bytes of guest RAM */
	uint32_t entry_ipa;   /* first guest instruction */
	uint32_t dtb_ipa;     /* r2 at entry; 0: none */
	uint32_t initrd_ipa;
	uint32_t initrd_size;
	uint32_t vcpus;
	uint32_t nr_irqs;     /* interrupt lines of the virtual GIC: 32 + SPIs, multiple of 32 */
	/* With several VMs: pristine copies of its kernel, initrd and DTB, one after the
	 * other (4 KiB aligned) from pristine_pa, for a SYSTEM_RESET of this VM alone; 0:
	 * none (one VM: its reset resets the board, and QEMU reloads the images). */
	uint32_t pristine_pa;
	uint32_t kernel_size;
	uint32_t dtb_size;
	uint32_t flags; /* BOOTDESC_VM_* */
};

struct bootdesc {
	uint32_t magic;
	uint32_t version;
	uint32_t host_mem;    /* bytes of RAM QEMU was given (-m) */
	uint32_t unused;      /* 0 (version 3's flags: now each VM's own) */
	uint32_t boot_time;   /* seconds since 1970 when the runner started QEMU */
	uint32_t nr_vms;      /* 1 to BOOTDESC_MAX_VMS */
	uint32_t reserved[2];
	struct bootdesc_vm vm[BOOTDESC_MAX_VMS];
};

#endif

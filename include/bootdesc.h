/* The boot descriptor: what the runner (scripts/run-guest) asks the hypervisor to run.
 * QEMU's generic loader writes it at BOOTDESC_PA (scripts/layout.sh), one word per field. */
#ifndef BOOTDESC_H
#define BOOTDESC_H

#include <stdint.h>

#define BOOTDESC_MAGIC 0x54534748u /* "HGST" */
#define BOOTDESC_VERSION 2u
#define BOOTDESC_RESUME 1u /* flags: run the newest snapshot on the snapshot disk, no kernel */

struct bootdesc {
	uint32_t magic;
	uint32_t version;
	uint32_t host_mem;    /* bytes of RAM QEMU was given (-m) */
	uint32_t guest_mem;   /* bytes of guest RAM at GUEST_RAM_IPA */
	uint32_t entry_ipa;   /* first guest instruction */
	uint32_t dtb_ipa;     /* r2 at entry; 0: none */
	uint32_t initrd_ipa;
	uint32_t initrd_size;
	uint32_t vcpus;
	uint32_t nr_irqs;     /* interrupt lines of the virtual GIC: 32 + SPIs, multiple of 32 */
	uint32_t flags;       /* BOOTDESC_RESUME */
	uint32_t boot_time;   /* seconds since 1970 when the runner started QEMU */
};

#endif

#ifndef HYP_VM_H
#define HYP_VM_H

#include <stdint.h>

#include "gic/vgic.h"
#include "gic/vgic_dev.h"
#include "hyp/mmio.h"
#include "hyp/spinlock.h"
#include "hyp/stage2.h"
#include "hyp/testdev.h"
#include "hyp/vcpu.h"
#include "platform.h"

struct bootdesc;

/* One kind of region in a VM's guest-physical map. */
enum vm_region_kind { VMR_RAM, VMR_DEVICE, VMR_EMULATED };

struct vm {
	uint8_t vmid;
	unsigned index;      /* its place in the boot descriptor: VM 0, 1, 2 */
	uint32_t console_pa; /* the board UART behind its UART0 */
	/* Its images as loaded, for a reset of this VM alone (hyp/vm_reset.c); 0: none. */
	uint32_t pristine_pa, kernel_size, initrd_ipa, initrd_size, dtb_size;
	uint32_t resets; /* how many times it was reset alone */
	volatile bool off;   /* PSCI SYSTEM_OFF: stopped for good (hyp/psci.c) */
	uint64_t created_at; /* CNTPCT: the base of the vCPUs' CPU-time shares */
	unsigned nr_vcpus;
	uint32_t ram_ipa, ram_pa, ram_size;
	uint32_t entry_ipa, dtb_ipa;
	struct stage2 s2;
	struct mmio_bus mmio;
	struct testdev testdev;
	spinlock_t testdev_lock;
	struct vgic_dist vgic;
	struct vgic_dev vgic_dev; /* the device API over `vgic`: creation, snapshots */
	spinlock_t vgic_lock; /* the VGIC model is single-threaded: every call holds this */
	/* vCPUs with active interrupts waiting outside their LRs: while any has, the guest's
	 * GICC_DIR page traps (gic/vgic_dir.c). Under vgic_lock. */
	uint32_t dir_trap_vcpus;
	/* Pausing (hyp/vm_pause.c): asked for, since when; the VM's virtual counter offset
	 * (CNTVOFF on every CPU that runs one of its vCPUs), which grows by every pause. */
	volatile bool pause_req;
	bool fold_every_exit; /* HYP_CALL_FOLD_EVERY_EXIT: no held LRs (tests compare both) */
	uint64_t paused_at;
	uint64_t cntvoff;
	/* Room for one in-memory snapshot after guest RAM (hyp/snapshot.c), and its length
	 * (0: none taken). host_mem: the RAM QEMU was given. */
	void *snap_buf;
	uint32_t snap_cap, snap_len, host_mem;
	bool resume; /* started from the snapshot disk, not from a kernel */
	/* Suspended to its snapshot disk while other VMs run: paused, not counted among the
	 * live VMs, until the monitor's resume reads the disk back (hyp/vm_suspend.c). */
	volatile bool on_disk;
	/* PSCI SYSTEM_SUSPEND (hyp/vm_suspend.c): asleep; the monitor's resume wakes it. */
	volatile bool system_suspended, wake_req;
	/* Physical SPIs of devices passed through, injected with the LR HW bit. */
	struct vm_hwirq {
		uint16_t virt;     /* the INTID the guest sees */
		uint16_t phys;     /* the physical one (VM 1's console: UART2's SPI as UART0's) */
		bool phys_active;  /* taken by the hypervisor, not yet deactivated by the guest */
	} hwirqs[4];
	unsigned nr_hwirqs;
	struct vcpu vcpus[MAX_VCPUS];
};

static inline void vgic_lock(struct vm *vm) { spin_lock(&vm->vgic_lock); }
static inline void vgic_unlock(struct vm *vm) { spin_unlock(&vm->vgic_lock); }

/* Guest-physical addresses the VM's interrupt controller is created at (the TC2's). */
#define VGIC_GICD_IPA 0x2c001000u
#define VGIC_GICC_IPA 0x2c002000u
/* UART0's interrupt (SPI 5), passed through with the UART. */
#define UART0_INTID 37
/* Interrupt lines of a VM unless the runner asks otherwise: 32 private + 128 SPIs, as
 * the TC2's GIC. */
#define VM_NR_IRQS_DEFAULT 160

static inline bool vm_ipa_in_ram(const struct vm *vm, uint32_t ipa) { return ipa - vm->ram_ipa < vm->ram_size; }

/* Stop every vCPU of the VM at an exit, its context in memory (hyp/vm_pause.c). `self`:
 * the vCPU whose exit path this runs in, or NULL. 0, or -ETIMEDOUT (logged, nothing
 * stopped) when a vCPU did not stop in time. */
int vm_pause(struct vm *vm, struct vcpu *self);
void vm_continue(struct vm *vm);
/* PSCI SYSTEM_RESET of v's VM among several (hyp/vm_reset.c): its images back from the
 * pristine copies, its VGIC and vCPUs reset, vCPU 0 at the entry point; the other VMs
 * run on. 0, or -1 (logged) when it cannot: no copies, or the VM would not pause. */
int vm_reset(struct vcpu *v);
/* PSCI SYSTEM_SUSPEND by `v`, the only vCPU on: 0 once woken (v is then at the entry
 * point, r0 = context), -1 if no snapshot could be taken (logged; v as it was). */
int vm_system_suspend(struct vcpu *v, uint32_t entry, uint32_t context);
/* The paused VM's snapshot is on its disk: it stays paused until vm_wake_from_disk. True
 * when no other VM runs: the caller then powers the board off (--resume in a new QEMU
 * brings the VM back). */
bool vm_rest_on_disk(struct vm *vm);
/* The monitor's resume of a VM resting on its disk: the newest whole snapshot there is
 * read back and restored, and the VM runs on. 0, or why not (the VM stays on its disk). */
int vm_wake_from_disk(struct vm *vm, char *why, size_t why_len);

/* hyp/main.c: how many VMs run (the boot descriptor's); a VM powered off for good, true
 * when it was the last one (the board then powers off). */
unsigned vm_count(void);
bool vm_last_off(void);
void vm_live_again(void); /* one that was off or on its disk runs again */
/* 0, or a negative errno with the reason logged: there is nothing to run. */
int bootdesc_check(const struct bootdesc *bd);
/* VM k of the boot descriptor; 0, or a negative errno with the reason logged: the VM is
 * not created. */
int vm_create(struct vm *vm, const struct bootdesc *bd, unsigned k, unsigned nr_cpus);
void vm_print_map(const struct vm *vm);

#endif

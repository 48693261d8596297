/* The VGIC on the hardware: the emulated distributor's MMIO region, the list registers
 * around every guest entry and exit, and kicking vCPUs on other CPUs. */
#ifndef GIC_VGIC_HW_H
#define GIC_VGIC_HW_H
#include "hyp/vcpu.h"
#include "hyp/mmio.h"

struct vm;
extern const struct mmio_ops vgic_gicd_ops; /* dev = struct vm * */
/* A guest access to its distributor at `off` (the trap path calls it straight, without
 * the region lookup: the distributor is the emulated device guests use most). */
int vgic_gicd_access(struct vcpu *v, uint32_t off, unsigned len, bool write, uint32_t *data);
/* The GICC_DIR page while it traps (gic/vgic_dir.c); dev = struct vm *. */
extern const struct mmio_ops vgic_gicc_dir_ops;

/* The VM's VGIC, through the device API: distributor and CPU interface at these IPAs,
 * nr_irqs lines; stage 2 and the MMIO regions follow. 0 or the API's error. */
int vgic_vm_init(struct vm *vm, uint64_t dist, uint64_t cpu, uint32_t nr_irqs);
/* Back to the reset state (vgic lock held, VM paused), hooks and hardware mappings kept. */
void vgic_vm_reset(struct vm *vm);
/* On this CPU before the vCPU's first entry: virtual interface on, PPIs enabled. */
void vgic_cpu_start(struct vcpu *v);
/* When the vCPU powers off: nothing of it stays in this CPU's virtual interface. */
void vgic_cpu_stop(struct vcpu *v);
/* Before entry: rebuild the list registers from the model if anything changed. */
void vgic_flush(struct vcpu *v);
/* After exit: fold the list registers back into the model, unless the guest moved
 * nothing in them (they are then held, as while the guest runs). */
void vgic_sync(struct vcpu *v);
/* Fold the held LRs back now: before the model is read or written for this vCPU's own
 * sake (its distributor accesses, its WFI, a pause, powering off). */
void vgic_fold(struct vcpu *v);
/* Pass the physical SPI `phys` through to the VM as its SPI `virt` (hardware-mapped),
 * taken on CPU `pcpu`. A physical SPI belongs to one VM. */
int vgic_passthrough_spi(struct vm *vm, unsigned virt, unsigned phys, unsigned pcpu);
/* A physical interrupt arrived, on any CPU: if it is a passed-through one, inject it into
 * the VM it belongs to and return true (it stays active until that guest's EOI). */
bool vgic_hw_irq(uint32_t iar);
/* The guest completed hardware-mapped `phys` while it was in no LR (EOICount, trapped
 * GICC_DIR): deactivate the physical interrupt as the LR's HW bit would have. */
void vgic_hw_deactivate_for_guest(struct vcpu *v, unsigned phys);
/* gic/vgic_dir.c: with the vgic lock held, from the flush: whether this vCPU has active
 * interrupts outside its LRs, so GICC_DIR must trap. */
void vgic_dir_trap_update(struct vcpu *v, bool out_active);
/* gic/vgic_guard.c: right after the flush wrote `hcr` with maintenance enables: drop any
 * whose condition already holds (it would fire on every entry) and log which. Returns
 * the GICH_HCR now in force. */
uint32_t vgic_guard_entry(struct vcpu *v, uint32_t hcr);
/* A maintenance-interrupt exit: note it; log when they repeat with no guest progress. */
void vgic_guard_maintenance(struct vcpu *v);
/* The VM pauses (hyp/vm_pause.c): nothing of this vCPU stays active in the physical GIC;
 * the hardware-mapped interrupts' physical side is handed back. */
void vgic_park(struct vcpu *v);
/* ... and goes on: lines of hardware-mapped interrupts follow their devices anew. */
void vgic_unpark(struct vcpu *v);
/* WFI for the vCPU: unless an interrupt is already deliverable to it, wait in Hyp (IRQs
 * masked) for a physical interrupt, which then exits the guest at once on return; or,
 * where another vCPU of its CPU can run, block it (hyp/sched.c). */
void vgic_wait_for_interrupt(struct vcpu *v);
#endif

/* The VGIC on the hardware: the emulated distributor's MMIO region, the list registers
 * around every guest entry and exit, and kicking vCPUs on other CPUs. */
#ifndef GIC_VGIC_HW_H
#define GIC_VGIC_HW_H
#include "hyp/vcpu.h"
#include "hyp/mmio.h"

struct vm;
extern const struct mmio_ops vgic_gicd_ops; /* dev = struct vm * */

int vgic_vm_init(struct vm *vm, unsigned nr_irqs);
/* On this CPU before the vCPU's first entry: virtual interface on, PPIs enabled. */
void vgic_cpu_start(struct vcpu *v);
/* When the vCPU powers off: nothing of it stays in this CPU's virtual interface. */
void vgic_cpu_stop(struct vcpu *v);
/* Before entry: rebuild the list registers from the model if anything changed. */
void vgic_flush(struct vcpu *v);
/* After exit: fold the list registers back into the model. */
void vgic_sync(struct vcpu *v);
/* Pass the physical SPI `intid` through to the VM (same INTID), taken on CPU `pcpu`. */
int vgic_passthrough_spi(struct vm *vm, unsigned intid, unsigned pcpu);
/* A physical interrupt arrived: if it is a passed-through one, inject it and return true. */
bool vgic_hw_irq(struct vcpu *v, uint32_t iar);
/* WFI for the vCPU: unless an interrupt is already deliverable to it, wait in Hyp (IRQs
 * masked) for a physical interrupt, which then exits the guest at once on return. */
void vgic_wait_for_interrupt(struct vcpu *v);
#endif

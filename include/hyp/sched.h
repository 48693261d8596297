/* Sharing physical CPUs between vCPUs (hyp/sched.c).
 *
 * Each vCPU is placed on one physical CPU when its VM is created (vCPU i on CPU i modulo
 * the CPUs online) and stays there. A CPU runs its placed vCPUs in turn: one that can run
 * has the CPU for a time slice when another waits, until it blocks (WFI or CPU_SUSPEND
 * with nothing deliverable, while another of the CPU's vCPUs can run) or powers off. The
 * Hyp timer (CNTHP) ends slices and wakes blocked vCPUs whose timers fire; an interrupt
 * for a blocked vCPU (the VGIC's kick) wakes it from any CPU. A CPU with one vCPU never
 * switches: its vCPU waits for interrupts in place, as it always did. */
#ifndef HYP_SCHED_H
#define HYP_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct vm;
struct vcpu;
struct pcpu;

/* Place the VM's vCPUs on the nr_cpus CPUs online, for good: vCPU i on CPU pin[i], or,
 * where that is -1, on the least loaded (hyp/sched.c). */
void sched_place(struct vm *vm, unsigned nr_cpus, const int *pin);
/* The next vCPU this CPU should run, or NULL; turns vCPUs a restore stopped OFF. */
struct vcpu *sched_pick(struct pcpu *p);
/* Nothing to run: wait for one interrupt and serve it in Hyp mode. */
void sched_idle(struct pcpu *p);
/* v starts running on this CPU: its slice, if another vCPU waits, and the Hyp timer. */
void sched_switched_in(struct vcpu *v);
/* v left this CPU still on (blocked or preempted): when its timers would wake it. */
void sched_switched_out(struct vcpu *v);
/* From WFI, with the vgic lock held and nothing deliverable: block v (true) if another
 * vCPU of its CPU can run meanwhile; else it waits in place (false). */
bool sched_block(struct vcpu *v);
/* WFE: give the CPU to another of its vCPUs that can run (true), if there is one. */
bool sched_yield(struct vcpu *v);
/* An interrupt, CPU_ON or restore for v: if blocked or newly on, make it runnable and
 * tell its CPU. Any CPU; under the vgic lock when from the VGIC. */
void sched_wake(struct vcpu *v);
/* On v's CPU: a vCPU of this CPU became runnable (SGI_WAKE, a timer): start a slice. */
void sched_note_runnable(void);
/* The Hyp timer fired: slices, blocked vCPUs' timers and the running vCPU's emulated
 * physical timer (ptimer_hyp_irq); then arm it anew. */
void sched_hyp_timer(void);
/* Arm the Hyp timer for the earliest of: the running vCPU's emulated physical timer,
 * the slice's end, the blocked vCPUs' wake-ups. */
void sched_timer_update(void);
/* Whether this vCPU's CPU is shared with other vCPUs (WFE then traps, HCR.TWE). */
bool sched_shared(const struct vcpu *v);

#endif

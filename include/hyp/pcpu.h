/* Per-physical-CPU state. */
#ifndef HYP_PCPU_H
#define HYP_PCPU_H

#include <stdbool.h>
#include "bootdesc.h"
#include "platform.h"
#include "arm/sysreg.h"

struct vcpu;

struct pcpu {
	unsigned id;
	volatile bool online;     /* reached the hypervisor in Hyp mode, MMU on */
	struct vcpu *volatile vcpu; /* the vCPU loaded on this CPU now, or NULL */
	/* The scheduler's (hyp/sched.c): the vCPUs placed here, the last one picked, a
	 * request to leave the running vCPU at its next exit, and the slice's end (0: none,
	 * no other vCPU waits). Only this CPU writes them once the VM runs. */
	struct vcpu *placed[MAX_VCPUS * BOOTDESC_MAX_VMS]; /* all of every VM's, with one CPU */
	unsigned nr_placed, last;
	volatile bool resched;
	uint64_t slice_start, slice_end;
};

extern struct pcpu pcpus[MAX_CPUS];

static inline unsigned this_cpu_id(void) { return read_MPIDR() & 0xff; }
static inline struct pcpu *this_pcpu(void) { return &pcpus[this_cpu_id()]; }
unsigned pcpu_online_count(void);

/* hyp/pcpu_idle.c: sleeping until there is work. Between enter and exit only SGI_WAKE
 * and the monitor's UART reach the CPU; each wait is one WFI and serves what woke it. */
void pcpu_idle_enter(void);
void pcpu_idle_wait(void);
void pcpu_idle_exit(void);
/* Wake `cpu` from pcpu_idle_wait once the state it waits on is written. */
void pcpu_wake(unsigned cpu);

#endif

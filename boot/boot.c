/* From the entry stub to C: Hyp MMU on, per-CPU Hyp configuration, secondaries released
 * and parked until a vCPU is assigned to them. */
#include "arm/sysreg.h"
#include "boot/boot.h"
#include "gic/gic.h"
#include "hyp/log.h"
#include "hyp/pcpu.h"
#include "hyp/vcpu.h"

void hyp_main(void) __attribute__((noreturn));

struct pcpu pcpus[MAX_CPUS];

unsigned pcpu_online_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		n += pcpus[i].online;
	return n;
}

/* Hyp controls that hold whatever a CPU runs. Most reset to UNKNOWN values. */
static void cpu_setup(unsigned cpu)
{
	uint32_t pmcr_n;

	pcpus[cpu].id = cpu;
	write_HCR(0);
	write_HSTR(1u << 15); /* c15: IMPLEMENTATION DEFINED registers trap (sysreg_trap.c) */
	write_HCPTR(0x33ff); /* RES1 bits only: no trap of CP10/CP11 (VFP/NEON) or trace */
	__asm__ volatile("mrc p15, 0, %0, c9, c12, 0" : "=r"(pmcr_n));
	write_HDCR((pmcr_n >> 11) & 0x1f); /* HPMN: the guest owns every event counter */
	/* PL1PCTEN: the guest may read the physical counter; PL1PCEN=0: its physical timer
	 * accesses trap (the hypervisor keeps the physical timer). */
	write_CNTHCTL(1u << 0);
	write_CNTVOFF(0);
	write_CNTHP_CTL(0);
	isb();
	gic_cpu_init();
}

void boot_primary(unsigned cpu)
{
	mmu_build_hyp_tables();
	mmu_enable_hyp();
	gic_base = read_CBAR() & 0xffff8000u;
	gic_dist_init();
	cpu_setup(cpu);
	pcpus[cpu].online = true;
	dsb();
	secondary_go = 1;
	dsb();
	sev();
	hyp_main();
}

void boot_secondary(unsigned cpu)
{
	mmu_enable_hyp();
	cpu_setup(cpu);
	pcpus[cpu].online = true;
	dsb();
	sev();
	/* Parked: ready for a vCPU (PSCI CPU_ON gives it one). */
	pcpu_serve(cpu);
}

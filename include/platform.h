/* Versatile Express (CoreTile A15) physical platform, as the hypervisor sees it. */
#ifndef PLATFORM_H
#define PLATFORM_H

#define MAX_CPUS 4
#define MAX_VCPUS 8 /* per VM: the GICv2 limit; more than CPUs share them (hyp/sched.c) */
#define HYP_STACK_SIZE 0x4000
#define HYP_STACK_SHIFT 14

#define UART0_PA 0x1c090000u
#define UART1_PA 0x1c0a0000u /* the hypervisor's log and monitor once a guest runs */
#define UART1_INTID 38       /* SPI 6 */
#define SYSREGS_PA 0x1c010000u
/* Offsets of the GIC blocks from the private peripheral base (CBAR). */
#define GICD_OFFSET 0x1000u
#define GICC_OFFSET 0x2000u
#define GICH_OFFSET 0x4000u
#define GICV_OFFSET 0x6000u

#define PAGE_SIZE 4096u
#define PAGE_ALIGN(n) (((n) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

#endif

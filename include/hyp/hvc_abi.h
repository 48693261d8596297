/* The hypercall ABI (SMC Calling Convention, 32-bit fast calls): function ID in r0,
 * arguments in r1-r3, results in r0-r3. Shared by the hypervisor and the test guests. */
#ifndef HYP_HVC_ABI_H
#define HYP_HVC_ABI_H

#define SMCCC_SUCCESS 0
#define SMCCC_NOT_SUPPORTED 0xffffffffu /* -1 */

/* PSCI 1.0 (ARM DEN 0022D) */
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_SYSTEM_SUSPEND 0x8400000eu
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED 0xffffffffu      /* -1 */
#define PSCI_RET_INVALID_PARAMETERS 0xfffffffeu /* -2 */
#define PSCI_RET_DENIED 0xfffffffdu             /* -3 */
#define PSCI_RET_ALREADY_ON 0xfffffffcu         /* -4 */
#define PSCI_RET_ON_PENDING 0xfffffffbu         /* -5 */
#define PSCI_RET_INVALID_ADDRESS 0xfffffff7u    /* -9 */
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_MIGRATE_INFO_NO_TOS 2 /* no Trusted OS: nothing to migrate */

/* Vendor-specific hypervisor service calls (OEN 6). */
#define HYP_CALL_VERSION 0x86000000u   /* -> r0 = (major << 16) | minor */
#define HYP_CALL_ECHO 0x86000001u      /* (a,b,c) -> r0=0, r1=a+b, r2=b^c, r3=~a */
#define HYP_CALL_INFO 0x86000002u      /* (item) -> r0=0, r1=value; NOT_SUPPORTED for unknown */
#define HYP_CALL_STAT 0x86000003u      /* (item) -> r0=0, r1=this vCPU's counter */
#define HYP_CALL_CTX_CHECK 0x86000004u /* save context, scrub the hardware, reload: r0=0 if intact */
/* (on) -> r0=0: with on != 0 every exit folds the LRs back and the next entry rebuilds
 * them, as before held LRs (gic/vgic_hw.c): tests run a scenario both ways and compare. */
#define HYP_CALL_FOLD_EVERY_EXIT 0x86000005u

enum hyp_info_item {
	HYP_INFO_CPUS_IN_HYP, /* physical CPUs that entered in Hyp mode and came online */
	HYP_INFO_CPUS_PRESENT, /* CPU interfaces the physical GIC reports */
	HYP_INFO_VCPUS,
	HYP_INFO_RAM_IPA,
	HYP_INFO_RAM_SIZE,
	HYP_INFO_VCPU_ID,
	HYP_INFO_VM_ID, /* the VM's number: 0, 1, 2 as run-guest's --vm counts them */
	HYP_INFO_COUNT
};

enum hyp_stat_item {
	HYP_STAT_EXITS, HYP_STAT_HVC, HYP_STAT_SMC, HYP_STAT_WFI, HYP_STAT_WFE, HYP_STAT_MMIO,
	HYP_STAT_DABT_INJECTED, HYP_STAT_PABT_INJECTED, HYP_STAT_UNDEF_INJECTED, HYP_STAT_IRQ,
	HYP_STAT_MAINTENANCE, HYP_STAT_KICKS, HYP_STAT_VTIMER_IRQS, HYP_STAT_PTIMER_IRQS,
	HYP_STAT_SYSREG, HYP_STAT_COUNT
};

/* The hypervisor's diagnostics device, emulated in every VM (docs/guest-platform.md). */
#define TESTDEV_IPA 0x1f000000u
#define TESTDEV_SIZE 0x1000u
#define TESTDEV_SCRATCH 0x000 /* 256 bytes of storage, any width */
#define TESTDEV_SCRATCH_SIZE 0x100
#define TESTDEV_LAST 0x100    /* RO: last access: offset[11:0], len[15:12], write[16] */
#define TESTDEV_COUNT 0x104   /* RO: accesses so far (reads of LAST/COUNT excluded) */

#endif

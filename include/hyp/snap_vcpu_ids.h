/* Record ids of a snapshot's VCPU section (docs/snapshot-format.md): one 32-bit value
 * each; 64-bit registers are two records, low word first. A restore wants every id
 * below exactly once, and refuses an id it does not know. */
#ifndef HYP_SNAP_VCPU_IDS_H
#define HYP_SNAP_VCPU_IDS_H

#define SNAP_R(n) (0x000 + (n))     /* r0-r12, as every mode but FIQ sees them */
#define SNAP_LR_USR 0x00d           /* LR of User and System modes */
/* Banked registers, in struct vcpu_banked's order: */
#define SNAP_SP_USR 0x010
#define SNAP_SP_SVC 0x011
#define SNAP_LR_SVC 0x012
#define SNAP_SPSR_SVC 0x013
#define SNAP_SP_ABT 0x014
#define SNAP_LR_ABT 0x015
#define SNAP_SPSR_ABT 0x016
#define SNAP_SP_UND 0x017
#define SNAP_LR_UND 0x018
#define SNAP_SPSR_UND 0x019
#define SNAP_SP_IRQ 0x01a
#define SNAP_LR_IRQ 0x01b
#define SNAP_SPSR_IRQ 0x01c
#define SNAP_R8_FIQ 0x01d /* ... r12_fiq 0x021 */
#define SNAP_SP_FIQ 0x022
#define SNAP_LR_FIQ 0x023
#define SNAP_SPSR_FIQ 0x024
#define SNAP_PC 0x025   /* where the guest resumes (ELR_hyp) */
#define SNAP_CPSR 0x026 /* its CPSR (SPSR_hyp) */
/* PL1 CP15 state, in struct vcpu_cp15's order (32-bit ones, then 64-bit ones lo/hi): */
#define SNAP_CP15 0x100 /* SCTLR 0x100 ... CNTKCTL 0x115; TTBR0 0x116/0x117, TTBR1, PAR */
#define SNAP_CP15_COUNT 28
/* VFP/NEON: d0-d31 as lo/hi pairs, then FPSCR and FPEXC. */
#define SNAP_VFP_D 0x200 /* d(n) low word 0x200 + 2n, high word 0x201 + 2n */
#define SNAP_FPSCR 0x240
#define SNAP_FPEXC 0x241
/* Performance monitors (the guest owns them): PMCR first; then the rest. */
#define SNAP_PMU 0x280 /* PMCR, PMCNTENSET, PMINTENSET, PMOVSSET, PMUSERENR, PMSELR, PMCCNTR */
#define SNAP_PMU_EVTYPER 0x2a0 /* + n, n < PMCR.N (31 at most) */
#define SNAP_PMU_EVCNTR 0x2c0  /* + n */
/* Timers: the virtual one (CNTV_CTL, CNTV_CVAL lo/hi; the count is the VM's) and the
 * emulated physical one (CTL as written, CVAL lo/hi). */
#define SNAP_CNTV_CTL 0x300
#define SNAP_CNTV_CVAL 0x301 /* 0x302 high */
#define SNAP_PTIMER_CTL 0x310
#define SNAP_PTIMER_CVAL 0x311 /* 0x312 high */
/* PSCI: 1 on, 0 off (an off vCPU's registers are saved but never used). */
#define SNAP_POWER 0x320

/* VM section ids. */
#define SNAP_VM_VCOUNT 0x001 /* the virtual counter when the VM stopped, lo; 0x002 hi */

#endif

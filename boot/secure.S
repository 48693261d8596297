/* Booting from Secure SVC: what a boot-wrapper does on the real board, once per CPU.
 *
 * QEMU's vexpress-a15 with secure=on (its default) and the TC2's firmware start the CPUs
 * in Secure SVC. The hypervisor needs Non-secure Hyp mode, and a Non-secure world that
 * can use the GIC, VFP/NEON and HVC; only the Secure world can arrange that. This code
 * does the least of it (docs/architecture.md, "What stays Secure") and enters _start
 * again in Non-secure Hyp mode, where the boot goes on as when QEMU starts us there.
 * Afterwards the Secure world is a monitor that answers every SMC with NOT_SUPPORTED:
 * the hypervisor never calls it, and a guest's SMC traps to Hyp (HCR.TSC). */
#include "platform.h"

#define ID_PFR1_SECURITY	0x000000f0
#define ID_PFR1_VIRT		0x0000f000
#define SCR_NS			(1 << 0)	/* lower ELs Non-secure */
#define SCR_FW			(1 << 4)	/* CPSR.F writable in Non-secure state */
#define SCR_AW			(1 << 5)	/* CPSR.A writable in Non-secure state */
#define SCR_HCE			(1 << 8)	/* HVC enabled */
#define NSACR_CP10		(1 << 10)	/* VFP/NEON usable in Non-secure state */
#define NSACR_CP11		(1 << 11)
#define NSACR_NS_SMP		(1 << 18)	/* ACTLR.SMP writable in Non-secure state */
#define ACTLR_SMP		(1 << 6)
#define SCTLR_V			(1 << 13)
#define PSR_HYP_AIF		0x1da		/* Hyp mode, A, I and F masked */
#define GICD_TYPER		0x004
#define GICD_IGROUPR		0x080
#define GICC_PMR		0x004
#define SYS_FLAGSSET		0x030
#define SYS_FLAGSCLR		0x034
#define TC2_CNTFRQ		24000000	/* the TC2's reference clock, if firmware left CNTFRQ 0 */

	.syntax unified
	.arm
	.section .text.boot, "ax"

/* Entered from _start in a mode other than Hyp, MMU off. Does not return. */
	.global secure_boot
secure_boot:
	mrc	p15, 0, r0, c0, c1, 1	@ ID_PFR1
	tst	r0, #ID_PFR1_SECURITY
	beq	no_way
	tst	r0, #ID_PFR1_VIRT
	beq	no_way
	mrs	r0, cpsr
	and	r0, r0, #0x1f
	cmp	r0, #0x13		@ SVC: what reset and the board's firmware give
	bne	no_way

	/* A Non-secure SVC entry would find SCR UNDEFINED: let that land in no_way too. */
	mrc	p15, 0, r0, c1, c0, 0	@ SCTLR
	bic	r0, r0, #SCTLR_V
	mcr	p15, 0, r0, c1, c0, 0
	adr	r0, entry_vectors
	mcr	p15, 0, r0, c12, c0, 0	@ VBAR
	isb
	mrc	p15, 0, r0, c1, c1, 0	@ SCR: Secure only

	mrc	p15, 0, r5, c0, c0, 5	@ MPIDR
	and	r5, r5, #0xff
	cmp	r5, #MAX_CPUS
	bhs	park_forever

	adr	r0, monitor_vectors
	mcr	p15, 0, r0, c12, c0, 1	@ MVBAR

	/* The GIC's Secure-only set-up. Every interrupt goes to Group 1, the Non-secure
	 * world's (Non-secure accesses to Group 0 interrupts read as zero and ignore
	 * writes); a Non-secure write to GICC_PMR is ignored while the Secure mask is
	 * below 0x80, so open it. IGROUPR0 and GICC_PMR are banked per CPU. */
	mrc	p15, 4, r6, c15, c0, 0	@ CBAR: the private peripheral base
	add	r1, r6, #GICD_OFFSET
	mvn	r0, #0
	str	r0, [r1, #GICD_IGROUPR]
	add	r2, r6, #GICC_OFFSET
	mov	r0, #0xff
	str	r0, [r2, #GICC_PMR]
	cmp	r5, #0
	bne	1f
	ldr	r2, [r1, #GICD_TYPER]
	and	r2, r2, #0x1f		@ ITLinesNumber: IGROUPR1..N cover the SPIs
	add	r3, r1, #GICD_IGROUPR + 4
	mvn	r0, #0
2:	subs	r2, r2, #1
	strpl	r0, [r3], #4
	bpl	2b
	/* Secondaries that the board's firmware holds in its boot loop wait for an entry
	 * point in the motherboard's SYS_FLAGS and an event. */
	ldr	r1, =SYSREGS_PA
	mvn	r0, #0
	str	r0, [r1, #SYS_FLAGSCLR]
	ldr	r0, =_start
	str	r0, [r1, #SYS_FLAGSSET]
	dsb
	sev
	ldr	r1, =entered_secure	@ for the banner: the boot went through here
	mov	r0, #1
	str	r0, [r1]
1:
	/* The counter's frequency is the Secure world's to set. */
	mrc	p15, 0, r0, c14, c0, 0	@ CNTFRQ
	cmp	r0, #0
	ldreq	r0, =TC2_CNTFRQ
	mcreq	p15, 0, r0, c14, c0, 0
	/* The CPU's own Secure-only controls. */
	mrc	p15, 0, r0, c1, c0, 1	@ ACTLR: coherent with the other cores
	orr	r0, r0, #ACTLR_SMP
	mcr	p15, 0, r0, c1, c0, 1
	ldr	r0, =(NSACR_CP10 | NSACR_CP11 | NSACR_NS_SMP)
	mcr	p15, 0, r0, c1, c1, 2	@ NSACR
	isb
	smc	#0			@ to the monitor, which enters Non-secure Hyp

/* Monitor mode. An SMC from the Secure world is secure_boot's: leave for Non-secure Hyp
 * at _start. From the Non-secure world: no service, r0 = -1 (SMCCC NOT_SUPPORTED). */
monitor_smc:
	mrc	p15, 0, r0, c1, c1, 0	@ SCR
	tst	r0, #SCR_NS
	mvnne	r0, #0
	movsne	pc, lr
	ldr	r0, =(SCR_NS | SCR_FW | SCR_AW | SCR_HCE)
	mcr	p15, 0, r0, c1, c1, 0
	isb
	mov	r0, #PSR_HYP_AIF
	msr	spsr_cxsf, r0
	ldr	lr, =_start
	movs	pc, lr

/* Any other exception in the monitor or in Secure SVC before it: nothing to do but stop. */
	.align	5
monitor_vectors:
	b	park_forever		@ (not used)
	b	park_forever		@ undefined
	b	monitor_smc		@ SMC
	b	park_forever		@ prefetch abort
	b	park_forever		@ data abort
	b	park_forever
	b	park_forever		@ IRQ
	b	park_forever		@ FIQ

	.align	5
entry_vectors:
	b	park_forever
	b	no_way			@ undefined: SCR in Non-secure SVC
	b	park_forever
	b	park_forever
	b	park_forever
	b	park_forever
	b	park_forever
	b	park_forever
	.ltorg

	.data
	.global entered_secure
entered_secure:			@ in .data: CPU 0's BSS clear in Hyp must not erase it
	.word	0

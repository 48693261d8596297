/* Test-guest entry: keep the boot-protocol registers for the tests, install the vectors,
 * give every mode a stack, clear BSS, run main(). */
	.syntax unified
	.arch	armv7ve
	.arm

#define MAX_CPUS 4

/* VBAR and a stack for every mode, for CPU r4 (r5 scratch). */
.macro setup_cpu
	ldr	r0, =guest_vectors
	mcr	p15, 0, r0, c12, c0, 0	@ VBAR
	add	r5, r4, #1
	cps	#0x11			@ FIQ
	ldr	sp, =stack_fiq
	add	sp, sp, r5, lsl #10	@ 1 KiB each
	cps	#0x12			@ IRQ
	ldr	sp, =stack_irq
	add	sp, sp, r5, lsl #12	@ 4 KiB each
	cps	#0x17			@ ABT
	ldr	sp, =stack_abt
	add	sp, sp, r5, lsl #12
	cps	#0x1b			@ UND
	ldr	sp, =stack_und
	add	sp, sp, r5, lsl #12
	cps	#0x1f			@ SYS (and USR)
	ldr	sp, =stack_usr
	add	sp, sp, r5, lsl #13	@ 8 KiB each
	cps	#0x13			@ SVC
	ldr	sp, =stack_svc
	add	sp, sp, r5, lsl #14	@ 16 KiB each
.endm

	.section .text.start, "ax"
	.global	_start
_start:
	ldr	r4, =boot_regs
	str	r0, [r4]
	str	r1, [r4, #4]
	str	r2, [r4, #8]
	mrs	r5, cpsr
	str	r5, [r4, #12]

	mov	r4, #0
	setup_cpu
	ldr	r0, =__bss_start
	ldr	r1, =__bss_end
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b

	bl	guest_main
2:	wfi
	b	2b

/* Where PSCI CPU_ON starts a secondary vCPU: r0 = the context ID. */
	.global	secondary_entry
secondary_entry:
	mov	r6, r0
	mrc	p15, 0, r4, c0, c0, 5	@ MPIDR
	and	r4, r4, #0xff
	setup_cpu
	mov	r0, r6
	bl	guest_secondary
3:	wfi
	b	3b

	.align	5
	.global	guest_vectors
guest_vectors:
	b	_start
	b	und_entry
	b	svc_entry
	b	pabt_entry
	b	dabt_entry
	nop
	b	irq_entry
	b	fiq_entry

/* Frame handed to C (struct exc_frame): spsr, pad, r0-r12, lr. The handler may rewrite
 * any of it; lr is where the exception returns to. For IRQ and FIQ that is LR - 4 in
 * both instruction sets, so the stub adjusts it; the synchronous exceptions keep the
 * raw LR (handlers decide whether to retry or skip). */
.macro exc_stub kind, lr_adjust=0
	sub	lr, lr, #\lr_adjust
	push	{r0-r12, lr}
	mrs	r0, spsr
	push	{r0, r1}
	mov	r0, #\kind
	mov	r1, sp
	bl	guest_exception
	pop	{r0, r1}
	msr	spsr_cxsf, r0
	pop	{r0-r12, lr}
	movs	pc, lr
.endm
und_entry:	exc_stub 1
svc_entry:	exc_stub 2
pabt_entry:	exc_stub 3
dabt_entry:	exc_stub 4
irq_entry:	exc_stub 6, 4
fiq_entry:	exc_stub 7, 4

	.data
	.global	boot_regs
boot_regs:
	.word	0, 0, 0, 0		@ r0, r1, r2, CPSR at entry

	.bss
	.align	3
stack_fiq:	.space	1024 * MAX_CPUS
stack_irq:	.space	4096 * MAX_CPUS
stack_abt:	.space	4096 * MAX_CPUS
stack_und:	.space	4096 * MAX_CPUS
stack_usr:	.space	8192 * MAX_CPUS
stack_svc:	.space	16384 * MAX_CPUS

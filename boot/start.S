/* Entry point of every CPU. QEMU starts all of them here at once, MMU off: in Hyp mode
 * with secure=off, in Secure SVC with secure=on (the default), which boot/secure.S turns
 * into Non-secure Hyp before coming back here. CPU 0 prepares the hypervisor; the others
 * wait for it. */
#include "platform.h"

	.syntax unified
	.arm
	.section .text.boot, "ax"
	.global _start
_start:
	mrs	r4, cpsr
	and	r4, r4, #0x1f
	cmp	r4, #0x1a		@ Hyp
	bne	secure_boot

	mrc	p15, 0, r5, c0, c0, 5	@ MPIDR
	and	r5, r5, #0xff		@ Aff0: the CPU within the (only) cluster
	cmp	r5, #MAX_CPUS
	bhs	park_forever

	ldr	sp, =hyp_stacks + HYP_STACK_SIZE
	add	sp, sp, r5, lsl #HYP_STACK_SHIFT

	ldr	r0, =hyp_vectors
	mcr	p15, 4, r0, c12, c0, 0	@ HVBAR

	cmp	r5, #0
	bne	1f

	ldr	r0, =__bss_start	@ only CPU 0 clears BSS; the others wait below first
	ldr	r1, =__bss_end
	mov	r2, #0
2:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	2b
	mov	r0, r5
	bl	boot_primary		@ does not return

1:	ldr	r1, =secondary_go	@ in .data, so CPU 0's BSS clear cannot race with it
3:	wfe
	ldr	r0, [r1]
	cmp	r0, #0
	beq	3b
	dmb
	mov	r0, r5
	bl	boot_secondary		@ does not return
	b	park_forever

/* Neither in Hyp mode nor in a Secure SVC that can get there: say so on UART0 (MMU off,
 * so its physical address works) and power off. */
	.global no_way
no_way:
	mrc	p15, 0, r5, c0, c0, 5
	ands	r5, r5, #0xff
	bne	park_forever
	adr	r1, not_hyp_msg
	ldr	r2, =UART0_PA
4:	ldrb	r0, [r1], #1
	cmp	r0, #0
	beq	6f
5:	ldr	r3, [r2, #0x18]		@ UARTFR
	tst	r3, #0x20		@ TXFF
	bne	5b
	str	r0, [r2]
	b	4b
	/* Once the UART has sent it all, power the board off, as when there is no guest. */
6:	ldr	r3, [r2, #0x18]		@ UARTFR
	tst	r3, #0x08		@ BUSY
	bne	6b
	ldr	r2, =SYSREGS_PA
	ldr	r0, =0xc0800000		@ SYS_CFGCTRL: start, write, function 8 (shutdown), site 0
	str	r0, [r2, #0xa4]
	dsb
	b	park_forever

	.global park_forever
park_forever:
	wfi
	b	park_forever

not_hyp_msg:
	.asciz	"hyp: FATAL: CPU entered neither in Hyp mode nor in Secure SVC with the Virtualization Extensions; the hypervisor needs them. Start QEMU with -M vexpress-a15,virtualization=on\r\n"
	.align	2

	.data
	.global secondary_go
secondary_go:
	.word	0

	.bss
	.align	12
	.global hyp_stacks
hyp_stacks:
	.space	HYP_STACK_SIZE * MAX_CPUS

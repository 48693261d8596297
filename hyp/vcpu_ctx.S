/* Banked core registers and VFP/NEON state of a vCPU, moved between the hardware and
 * memory with the Virtualization Extensions' banked MRS/MSR (no mode changes). The
 * field order matches struct vcpu_banked / struct vcpu_vfp. LR_usr is not banked from
 * Hyp mode (it is Hyp's own LR): hyp/entry.S saves it on every trap. */
	.syntax unified
	.arch	armv7ve
	.arm
	.fpu	neon-vfpv4
	.text

	.global	vcpu_banked_save
vcpu_banked_save:
	mrs	r1, SP_usr
	str	r1, [r0], #4
	mrs	r1, SP_svc
	str	r1, [r0], #4
	mrs	r1, LR_svc
	str	r1, [r0], #4
	mrs	r1, SPSR_svc
	str	r1, [r0], #4
	mrs	r1, SP_abt
	str	r1, [r0], #4
	mrs	r1, LR_abt
	str	r1, [r0], #4
	mrs	r1, SPSR_abt
	str	r1, [r0], #4
	mrs	r1, SP_und
	str	r1, [r0], #4
	mrs	r1, LR_und
	str	r1, [r0], #4
	mrs	r1, SPSR_und
	str	r1, [r0], #4
	mrs	r1, SP_irq
	str	r1, [r0], #4
	mrs	r1, LR_irq
	str	r1, [r0], #4
	mrs	r1, SPSR_irq
	str	r1, [r0], #4
	mrs	r1, r8_fiq
	str	r1, [r0], #4
	mrs	r1, r9_fiq
	str	r1, [r0], #4
	mrs	r1, r10_fiq
	str	r1, [r0], #4
	mrs	r1, r11_fiq
	str	r1, [r0], #4
	mrs	r1, r12_fiq
	str	r1, [r0], #4
	mrs	r1, SP_fiq
	str	r1, [r0], #4
	mrs	r1, LR_fiq
	str	r1, [r0], #4
	mrs	r1, SPSR_fiq
	str	r1, [r0], #4
	mrs	r1, ELR_hyp
	str	r1, [r0], #4
	mrs	r1, spsr		@ SPSR_hyp
	str	r1, [r0]
	bx	lr

	.global	vcpu_banked_load
vcpu_banked_load:
	ldr	r1, [r0], #4
	msr	SP_usr, r1
	ldr	r1, [r0], #4
	msr	SP_svc, r1
	ldr	r1, [r0], #4
	msr	LR_svc, r1
	ldr	r1, [r0], #4
	msr	SPSR_svc, r1
	ldr	r1, [r0], #4
	msr	SP_abt, r1
	ldr	r1, [r0], #4
	msr	LR_abt, r1
	ldr	r1, [r0], #4
	msr	SPSR_abt, r1
	ldr	r1, [r0], #4
	msr	SP_und, r1
	ldr	r1, [r0], #4
	msr	LR_und, r1
	ldr	r1, [r0], #4
	msr	SPSR_und, r1
	ldr	r1, [r0], #4
	msr	SP_irq, r1
	ldr	r1, [r0], #4
	msr	LR_irq, r1
	ldr	r1, [r0], #4
	msr	SPSR_irq, r1
	ldr	r1, [r0], #4
	msr	r8_fiq, r1
	ldr	r1, [r0], #4
	msr	r9_fiq, r1
	ldr	r1, [r0], #4
	msr	r10_fiq, r1
	ldr	r1, [r0], #4
	msr	r11_fiq, r1
	ldr	r1, [r0], #4
	msr	r12_fiq, r1
	ldr	r1, [r0], #4
	msr	SP_fiq, r1
	ldr	r1, [r0], #4
	msr	LR_fiq, r1
	ldr	r1, [r0], #4
	msr	SPSR_fiq, r1
	ldr	r1, [r0], #4
	msr	ELR_hyp, r1
	ldr	r1, [r0]
	msr	spsr_cxsf, r1		@ SPSR_hyp (msr spsr_hyp is UNPREDICTABLE)
	bx	lr

/* FPEXC.EN gates access to the other VFP registers, so it is switched on around the
 * transfer and the guest's own FPEXC is saved/restored last. */
	.global	vcpu_vfp_save
vcpu_vfp_save:
	vmrs	r2, fpexc
	orr	r1, r2, #(1 << 30)
	vmsr	fpexc, r1
	isb
	vstmia	r0!, {d0-d15}
	vstmia	r0!, {d16-d31}
	vmrs	r1, fpscr
	stm	r0, {r1, r2}
	vmsr	fpexc, r2
	bx	lr

	.global	vcpu_vfp_load
vcpu_vfp_load:
	mov	r1, #(1 << 30)
	vmsr	fpexc, r1
	isb
	vldmia	r0!, {d0-d15}
	vldmia	r0!, {d16-d31}
	ldm	r0, {r1, r2}
	vmsr	fpscr, r1
	vmsr	fpexc, r2
	isb
	bx	lr

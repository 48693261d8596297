/* Hyp vectors and the world switch's core-register half.
 *
 * While a guest runs, SP_hyp points just past vcpu->lr_usr, so a trap saves r0-r12
 * and LR (Hyp mode's LR is the guest's LR_usr) into the vCPU with one push and finds
 * the Hyp stack in vcpu->hyp_sp right below: four instructions from vector to C. */
#include "hyp/vcpu_offsets.h"

	.syntax unified
	.arm
	.text

	.align	5
	.global	hyp_vectors
hyp_vectors:
	b	hyp_bad_reset		@ 0x00: not used in Hyp mode
	b	hyp_bad_undef		@ 0x04: undefined instruction in Hyp
	b	hyp_bad_hvc		@ 0x08: HVC executed in Hyp
	b	hyp_bad_pabt		@ 0x0c: prefetch abort in Hyp
	b	hyp_bad_dabt		@ 0x10: data abort in Hyp
	b	hyp_trap		@ 0x14: Hyp trap from the guest
	b	hyp_irq			@ 0x18: IRQ (the hypervisor never unmasks IRQs itself)
	b	hyp_fiq			@ 0x1c: FIQ

.macro guest_exit code
	push	{r0-r12, lr}		@ into vcpu->gpr[0..12], vcpu->lr_usr
	ldr	sp, [sp, #-4]		@ vcpu->hyp_sp
	mov	r0, #\code
	pop	{r4-r12, pc}		@ return from guest_enter
.endm

hyp_trap:
	guest_exit EXIT_TRAP
hyp_irq:
	guest_exit EXIT_IRQ
hyp_fiq:
	guest_exit EXIT_FIQ

/* unsigned guest_enter(struct vcpu *v): ELR_hyp, SPSR_hyp and the rest of the guest
 * context are already in the hardware. */
	.global	guest_enter
guest_enter:
	push	{r4-r12, lr}
	str	sp, [r0, #VCPU_OFF_HYP_SP]
	add	sp, r0, #VCPU_OFF_GPR
	pop	{r0-r12, lr}		@ leaves SP_hyp just past lr_usr, ready for the next trap
	eret

/* An exception taken from Hyp mode itself is a hypervisor bug: dump and stop. */
.macro bad_exception kind
	push	{r0-r12, lr}
	mov	r0, #\kind
	mov	r1, sp
	b	hyp_exception_panic
.endm
hyp_bad_reset:	bad_exception 0
hyp_bad_undef:	bad_exception 1
hyp_bad_hvc:	bad_exception 2
hyp_bad_pabt:	bad_exception 3
hyp_bad_dabt:	bad_exception 4

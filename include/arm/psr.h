/* Program status register fields (ARM ARM B1.3.3). Host and target. */
#ifndef ARM_PSR_H
#define ARM_PSR_H

#define PSR_MODE_MASK 0x1fu
#define PSR_MODE_USR 0x10u
#define PSR_MODE_FIQ 0x11u
#define PSR_MODE_IRQ 0x12u
#define PSR_MODE_SVC 0x13u
#define PSR_MODE_MON 0x16u
#define PSR_MODE_ABT 0x17u
#define PSR_MODE_HYP 0x1au
#define PSR_MODE_UND 0x1bu
#define PSR_MODE_SYS 0x1fu

#define PSR_T (1u << 5)
#define PSR_F (1u << 6)
#define PSR_I (1u << 7)
#define PSR_A (1u << 8)
#define PSR_E (1u << 9)
#define PSR_J (1u << 24)
#define PSR_IT_MASK 0x0600fc00u /* IT[1:0] at 26:25, IT[7:2] at 15:10 */
#define PSR_N (1u << 31)
#define PSR_Z (1u << 30)
#define PSR_C (1u << 29)
#define PSR_V (1u << 28)

/* SCTLR bits that shape exception entry (B4.1.130). */
#define SCTLR_M (1u << 0)
#define SCTLR_C (1u << 2)
#define SCTLR_V (1u << 13)
#define SCTLR_EE (1u << 25)
#define SCTLR_TE (1u << 30)

#define TTBCR_EAE (1u << 31)

#endif

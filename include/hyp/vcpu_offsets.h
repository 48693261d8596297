/* Offsets into struct vcpu used from assembly; hyp/vcpu.c checks them at compile time. */
#ifndef HYP_VCPU_OFFSETS_H
#define HYP_VCPU_OFFSETS_H
#define VCPU_OFF_HYP_SP 0
#define VCPU_OFF_GPR 4
#define VCPU_OFF_LR_USR 56
#define EXIT_TRAP 0
#define EXIT_IRQ 1
#define EXIT_FIQ 2
#endif

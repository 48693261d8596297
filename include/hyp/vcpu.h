/* A virtual CPU: every register the guest can see.
 *
 * r0-r12 and LR_usr (which Hyp mode shares) are saved on every trap straight into
 * `gpr` and `lr_usr` (hyp/entry.S). The rest - banked
 * registers, PL1 CP15 state and VFP - stays in the hardware while the vCPU owns its
 * physical CPU (one vCPU per CPU, no migration), so the trap path never touches it;
 * vcpu_ctx_save/vcpu_ctx_load move it to and from `ctx` when the hypervisor needs it
 * in memory (reset, panic dump, snapshot, context check). */
#ifndef HYP_VCPU_H
#define HYP_VCPU_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* Banked core registers (the order is the one hyp/vcpu_ctx.S uses). LR_usr is not
 * here: Hyp mode shares it, so the trap path saves it with r0-r12. */
struct vcpu_banked {
	uint32_t sp_usr;
	uint32_t sp_svc, lr_svc, spsr_svc;
	uint32_t sp_abt, lr_abt, spsr_abt;
	uint32_t sp_und, lr_und, spsr_und;
	uint32_t sp_irq, lr_irq, spsr_irq;
	uint32_t r8_fiq, r9_fiq, r10_fiq, r11_fiq, r12_fiq, sp_fiq, lr_fiq, spsr_fiq;
	uint32_t elr_hyp, spsr_hyp; /* guest PC and CPSR */
};

/* The PL1 CP15 state a Linux guest programs. */
struct vcpu_cp15 {
	uint32_t sctlr, actlr, cpacr, ttbcr, dacr;
	uint32_t dfsr, ifsr, adfsr, aifsr, dfar, ifar;
	uint32_t prrr, nmrr, amair0, amair1, vbar, contextidr;
	uint32_t tpidrurw, tpidruro, tpidrprw, csselr, cntkctl;
	uint64_t ttbr0, ttbr1, par;
};

struct vcpu_vfp {
	uint64_t d[32];
	uint32_t fpscr, fpexc;
};

/* Virtual CPU interface and virtual timer state (GICH_VMCR, GICH_APR, CNTV_*). */
struct vcpu_irqctx {
	uint32_t vmcr, apr;
	uint32_t cntv_ctl;
	uint64_t cntv_cval;
};

/* The performance monitors, which the guest owns (HDCR traps nothing). Only saved and
 * loaded when the VM pauses: they are not part of what every context switch moves. */
struct vcpu_pmu {
	uint32_t pmcr, cntenset, intenset, ovsr, userenr, selr, ccntr;
	uint32_t evtyper[31], evcntr[31];
};

struct vcpu_ctx {
	struct vcpu_banked banked;
	struct vcpu_cp15 cp15;
	struct vcpu_vfp vfp;
	struct vcpu_irqctx irq;
};

/* The list registers as the hypervisor last wrote them. */
struct vcpu_lrs {
	uint32_t lr[16];
	unsigned used;  /* LRs filled by the last flush (the rest are 0) */
	bool held;      /* they hold what that flush wrote, not folded back yet (vgic_sync) */
	uint32_t hcr;   /* GICH_HCR as the last flush wrote it */
	bool dirty;     /* the model changed for this vCPU: rebuild the LRs before entry */
};

/* Maintenance interrupts that repeat without the guest moving on (gic/vgic_guard.c). */
struct vcpu_storm {
	uint32_t pc, misr;   /* of the last maintenance exit */
	uint32_t exit;       /* stats.exits at that exit */
	uint32_t run;        /* maintenance exits in a row at that PC with that MISR */
	uint32_t reported;   /* the run length last logged */
	uint32_t dropped;    /* conditions found holding at entry and not enabled */
};

/* The guest's view of the physical timer, emulated (CNTHCTL.PL1PCEN=0). */
struct vcpu_ptimer {
	uint32_t ctl;  /* ENABLE, IMASK as written */
	uint64_t cval;
};

#include "hyp/vcpu_offsets.h" /* EXIT_TRAP, EXIT_IRQ, EXIT_FIQ */

struct vcpu_stats {
	uint32_t exits, hvc, smc, wfi, wfe, mmio, dabt_injected, pabt_injected, undef_injected, irq,
		maintenance, kicks, vtimer_irqs, ptimer_irqs, sysreg;
};

/* PSCI's view of a vCPU. Each transition has one writer: CPU_ON (OFF -> ON, by compare and
 * swap), the vCPU's own CPU_OFF (ON -> STOPPING), and its CPU's run loop once it has let
 * go of the vCPU (STOPPING -> OFF, by compare and swap). So OFF means the vCPU is no
 * longer anywhere, and a CPU_ON that sees it cannot revive a vCPU whose CPU is still on
 * its way out. A reset or restore of a paused VM sets what its snapshot or reset says: a
 * vCPU switched out goes straight to OFF (nothing of it is loaded anywhere), one still on
 * its way out back to ON (the let-go's compare and swap then leaves it so). */
enum vcpu_power { VCPU_OFF, VCPU_ON, VCPU_STOPPING };

struct vcpu {
	uint32_t hyp_sp;  /* offset 0: the Hyp stack to return to on a trap */
	uint32_t gpr[13]; /* offset 4: r0-r12 (r8-r12 of every mode but FIQ) */
	uint32_t lr_usr;  /* offset 56: LR of User and System modes */
	struct vcpu_ctx ctx;
	struct vm *vm;
	unsigned id;
	uint32_t vmpidr;
	unsigned pcpu;             /* the physical CPU it is placed on (hyp/sched.c) */
	volatile bool running;     /* its context is loaded on its CPU */
	volatile bool blocked;     /* switched out waiting for an interrupt (hyp/sched.c) */
	volatile bool woken;       /* woken from that: its CPU runs it next */
	uint64_t wake_at;          /* then: CNTPCT when one of its timers fires (~0: never) */
	/* CPU time: counter ticks it had its CPU, since when it has it now, its turns. */
	uint64_t run_ticks, run_since;
	uint32_t turns;
	bool ran;                  /* has entered the guest at least once */
	volatile bool parked;      /* stopped by vm_pause, its context in `ctx` */
	volatile int power;        /* enum vcpu_power: PSCI's view of this vCPU */
	struct vcpu_lrs lrs;
	struct vcpu_storm storm;
	struct vcpu_pmu pmu;
	bool vtimer_phys_active;   /* PPI 27 acked by us, not yet deactivated */
	struct vcpu_ptimer ptimer;
	struct vcpu_stats stats;
};


/* hyp/entry.S: run the guest until it traps; returns an enum vcpu_exit. */
unsigned guest_enter(struct vcpu *v);

/* hyp/vcpu_ctx.S and hyp/vcpu_cp15.c */
void vcpu_banked_save(struct vcpu_banked *b);
void vcpu_banked_load(const struct vcpu_banked *b);
void vcpu_vfp_save(struct vcpu_vfp *f);
void vcpu_vfp_load(const struct vcpu_vfp *f);
void vcpu_cp15_save(struct vcpu_cp15 *c);
void vcpu_cp15_load(const struct vcpu_cp15 *c);
void vcpu_irqctx_save(struct vcpu_irqctx *c);
void vcpu_irqctx_load(const struct vcpu_irqctx *c);
void vcpu_ctx_save(struct vcpu *v);
void vcpu_ctx_load(const struct vcpu *v);
void vcpu_pmu_save(struct vcpu_pmu *p);
void vcpu_pmu_load(const struct vcpu_pmu *p);

/* Guest register n (0-15) as the guest's current mode sees it. */
uint32_t vcpu_reg_read(struct vcpu *v, unsigned n);
void vcpu_reg_write(struct vcpu *v, unsigned n, uint32_t val);

/* Put the vCPU in the Linux boot state: SVC, MMU off, r0=0, r1=~0, r2=dtb. */
void vcpu_reset(struct vcpu *v, uint32_t entry, uint32_t r0, uint32_t r1, uint32_t r2);
/* ... with r0-r2 and the entry 0, and its PMU state cleared (a restore or VM reset). */
void vcpu_reset_all(struct vcpu *v);
/* A STOPPING vCPU that nothing of is loaded any more is OFF: written only here, by the
 * run loop that let it go, its CPU's scheduler, or a reset or restore of its paused VM
 * (enum vcpu_power). */
void vcpu_let_go(struct vcpu *v);
/* Power it on or off as a snapshot or a VM reset says, the VM paused (hyp/vcpu.c). */
void vcpu_set_power(struct vcpu *v, bool on);
/* Run the vCPU on this CPU until it is powered off (PSCI CPU_OFF). */
void vcpu_run(struct vcpu *v);
/* Park this CPU until a vCPU is given to it, run it, and again, for ever. */
void pcpu_serve(unsigned cpu) __attribute__((noreturn));
void vcpu_handle_exit(struct vcpu *v, unsigned exit);

#endif

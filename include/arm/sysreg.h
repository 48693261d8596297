/* CP15 / banked register accessors for Hyp mode (target only). */
#ifndef ARM_SYSREG_H
#define ARM_SYSREG_H

#include <stdint.h>

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

/* One accessor pair per 32-bit register: NAME, opc1, CRn, CRm, opc2. */
#define SYSREG32(name, op1, crn, crm, op2)                                         \
	static inline uint32_t read_##name(void)                                   \
	{                                                                          \
		uint32_t v;                                                        \
		__asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 \
				 : "=r"(v));                                       \
		return v;                                                          \
	}                                                                          \
	static inline void write_##name(uint32_t v)                                \
	{                                                                          \
		__asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 \
				 ::"r"(v) : "memory");                             \
	}

#define SYSREG64(name, op1, crm)                                                   \
	static inline uint64_t read_##name(void)                                   \
	{                                                                          \
		uint32_t lo, hi;                                                   \
		__asm__ volatile("mrrc p15, " #op1 ", %0, %1, " #crm               \
				 : "=r"(lo), "=r"(hi));                            \
		return ((uint64_t)hi << 32) | lo;                                  \
	}                                                                          \
	static inline void write_##name(uint64_t v)                                \
	{                                                                          \
		__asm__ volatile("mcrr p15, " #op1 ", %0, %1, " #crm               \
				 ::"r"((uint32_t)v), "r"((uint32_t)(v >> 32))      \
				 : "memory");                                      \
	}

/* Performance monitors (PMUv2) */
SYSREG32(PMCR, 0, c9, c12, 0)
SYSREG32(PMCNTENSET, 0, c9, c12, 1)
SYSREG32(PMCNTENCLR, 0, c9, c12, 2)
SYSREG32(PMOVSR, 0, c9, c12, 3)
SYSREG32(PMSELR, 0, c9, c12, 5)
SYSREG32(PMCCNTR, 0, c9, c13, 0)
SYSREG32(PMXEVTYPER, 0, c9, c13, 1)
SYSREG32(PMXEVCNTR, 0, c9, c13, 2)
SYSREG32(PMUSERENR, 0, c9, c14, 0)
SYSREG32(PMINTENSET, 0, c9, c14, 1)
SYSREG32(PMINTENCLR, 0, c9, c14, 2)
/* Identification */
SYSREG32(MIDR, 0, c0, c0, 0)
SYSREG32(MPIDR, 0, c0, c0, 5)
SYSREG32(CBAR, 4, c15, c0, 0)
/* Hyp configuration */
SYSREG32(HSCTLR, 4, c1, c0, 0)
SYSREG32(HACTLR, 4, c1, c0, 1)
SYSREG32(HCR, 4, c1, c1, 0)
SYSREG32(HDCR, 4, c1, c1, 1)
SYSREG32(HCPTR, 4, c1, c1, 2)
SYSREG32(HSTR, 4, c1, c1, 3)
SYSREG32(HTCR, 4, c2, c0, 2)
SYSREG32(VTCR, 4, c2, c1, 2)
SYSREG32(HSR, 4, c5, c2, 0)
SYSREG32(HDFAR, 4, c6, c0, 0)
SYSREG32(HIFAR, 4, c6, c0, 2)
SYSREG32(HPFAR, 4, c6, c0, 4)
SYSREG32(HMAIR0, 4, c10, c2, 0)
SYSREG32(HMAIR1, 4, c10, c2, 1)
SYSREG32(HVBAR, 4, c12, c0, 0)
SYSREG32(HTPIDR, 4, c13, c0, 2)
SYSREG32(VPIDR, 4, c0, c0, 0)
SYSREG32(VMPIDR, 4, c0, c0, 5)
SYSREG64(HTTBR, 4, c2)
SYSREG64(VTTBR, 6, c2)
/* PL1 state a guest owns (saved/restored per vCPU) */
SYSREG32(SCTLR, 0, c1, c0, 0)
SYSREG32(ACTLR, 0, c1, c0, 1)
SYSREG32(CPACR, 0, c1, c0, 2)
SYSREG32(TTBCR, 0, c2, c0, 2)
SYSREG32(DACR, 0, c3, c0, 0)
SYSREG32(DFSR, 0, c5, c0, 0)
SYSREG32(IFSR, 0, c5, c0, 1)
SYSREG32(ADFSR, 0, c5, c1, 0)
SYSREG32(AIFSR, 0, c5, c1, 1)
SYSREG32(DFAR, 0, c6, c0, 0)
SYSREG32(IFAR, 0, c6, c0, 2)
SYSREG32(PRRR, 0, c10, c2, 0)
SYSREG32(NMRR, 0, c10, c2, 1)
SYSREG32(AMAIR0, 0, c10, c3, 0)
SYSREG32(AMAIR1, 0, c10, c3, 1)
SYSREG32(VBAR, 0, c12, c0, 0)
SYSREG32(CONTEXTIDR, 0, c13, c0, 1)
SYSREG32(TPIDRURW, 0, c13, c0, 2)
SYSREG32(TPIDRURO, 0, c13, c0, 3)
SYSREG32(TPIDRPRW, 0, c13, c0, 4)
SYSREG32(CSSELR, 2, c0, c0, 0)
SYSREG32(CNTKCTL, 0, c14, c1, 0)
SYSREG64(TTBR0, 0, c2)
SYSREG64(TTBR1, 1, c2)
SYSREG64(PAR, 0, c7)
/* Generic timer */
SYSREG32(CNTFRQ, 0, c14, c0, 0)
SYSREG32(CNTHCTL, 4, c14, c1, 0)
SYSREG32(CNTV_CTL, 0, c14, c3, 1)
SYSREG32(CNTP_CTL, 0, c14, c2, 1)
SYSREG32(CNTHP_CTL, 4, c14, c2, 1)
SYSREG64(CNTPCT, 0, c14)
SYSREG64(CNTVCT, 1, c14)
SYSREG64(CNTP_CVAL, 2, c14)
SYSREG64(CNTV_CVAL, 3, c14)
SYSREG64(CNTVOFF, 4, c14)
SYSREG64(CNTHP_CVAL, 6, c14)

/* Milliseconds of the physical counter since t0 (a CNTPCT value): for timings in the log. */
static inline uint32_t counter_ms_since(uint64_t t0)
{
	return (uint32_t)((read_CNTPCT() - t0) * 1000 / read_CNTFRQ());
}

static inline uint32_t read_elr_hyp(void)
{
	uint32_t v;
	__asm__ volatile("mrs %0, ELR_hyp" : "=r"(v));
	return v;
}
static inline void write_elr_hyp(uint32_t v)
{
	__asm__ volatile("msr ELR_hyp, %0" ::"r"(v));
}
/* In Hyp mode SPSR means SPSR_hyp; "msr spsr_hyp" is UNPREDICTABLE (brief). */
static inline uint32_t read_spsr_hyp(void)
{
	uint32_t v;
	__asm__ volatile("mrs %0, spsr" : "=r"(v));
	return v;
}
static inline void write_spsr_hyp(uint32_t v)
{
	__asm__ volatile("msr spsr_cxsf, %0" ::"r"(v));
}
static inline uint32_t read_cpsr(void)
{
	uint32_t v;
	__asm__ volatile("mrs %0, cpsr" : "=r"(v));
	return v;
}

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dmb(void) { __asm__ volatile("dmb sy" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void wfe(void) { __asm__ volatile("wfe" ::: "memory"); }
static inline void sev(void) { __asm__ volatile("sev" ::: "memory"); }

/* TLB maintenance, Inner Shareable so every CPU sees it. */
static inline void tlbi_hyp_all_is(void) { __asm__ volatile("mcr p15, 4, %0, c8, c3, 0" ::"r"(0) : "memory"); }
static inline void tlbi_nsnh_all_is(void) { __asm__ volatile("mcr p15, 4, %0, c8, c3, 4" ::"r"(0) : "memory"); }
static inline void tlbi_nsnh_all(void) { __asm__ volatile("mcr p15, 4, %0, c8, c7, 4" ::"r"(0) : "memory"); }
static inline void icache_inv_all(void) { __asm__ volatile("mcr p15, 0, %0, c7, c5, 0" ::"r"(0) : "memory"); }
static inline void bp_inv_all(void) { __asm__ volatile("mcr p15, 0, %0, c7, c5, 6" ::"r"(0) : "memory"); }

static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint8_t mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline void mmio_write8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }

#endif

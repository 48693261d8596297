/* Hyp stage-1 translation: an identity map of the 4 GiB address space in 1 GiB LPAE
 * blocks. Below 2 GiB is device memory (peripherals), above is RAM, cacheable. Every
 * CPU uses the same table. */
#include <stdint.h>

#include "arm/sysreg.h"
#include "boot/boot.h"

#define HMAIR_DEVICE_IDX 0 /* Device-nGnRnE (Strongly-ordered) */
#define HMAIR_NORMAL_IDX 1 /* Normal, Inner/Outer Write-Back Read/Write-Allocate */
#define HMAIR0_VALUE ((0x00u << (8 * HMAIR_DEVICE_IDX)) | (0xffu << (8 * HMAIR_NORMAL_IDX)))

#define PTE_BLOCK 0x1ull
#define PTE_ATTRIDX(i) ((uint64_t)(i) << 2)
#define PTE_AP_RW_PL2 (1ull << 6) /* AP[1] is SBO in Hyp tables; AP[2]=0: read/write */
#define PTE_SH_INNER (3ull << 8)
#define PTE_AF (1ull << 10)
#define PTE_XN (1ull << 54)

/* With T0SZ=0 the walk starts at level 1, whose 4 entries need 32-byte alignment. */
static uint64_t hyp_l1[4] __attribute__((aligned(32)));

void mmu_build_hyp_tables(void)
{
	for (uint64_t i = 0; i < 4; i++) {
		uint64_t d = (i << 30) | PTE_BLOCK | PTE_AF | PTE_AP_RW_PL2;
		if (i < 2)
			d |= PTE_ATTRIDX(HMAIR_DEVICE_IDX) | PTE_XN;
		else
			d |= PTE_ATTRIDX(HMAIR_NORMAL_IDX) | PTE_SH_INNER;
		hyp_l1[i] = d;
	}
	dsb();
}

void mmu_enable_hyp(void)
{
	/* HTCR: bit 31 and 23 RES1; SH0=inner, ORGN0=IRGN0=WBWA; T0SZ=0. */
	write_HTCR((1u << 31) | (1u << 23) | (3u << 12) | (1u << 10) | (1u << 8));
	write_HMAIR0(HMAIR0_VALUE);
	write_HMAIR1(0);
	write_HTTBR((uint32_t)hyp_l1);
	isb();
	tlbi_hyp_all_is();
	icache_inv_all();
	bp_inv_all();
	dsb();
	isb();
	/* M, C, I on; A (alignment checks) off; WXN off; exceptions in ARM state, little-endian. */
	write_HSCTLR((read_HSCTLR() | (1u << 0) | (1u << 2) | (1u << 12)) &
		     ~((1u << 1) | (1u << 19) | (1u << 25) | (1u << 30)));
	isb();
}

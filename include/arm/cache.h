/* Cache maintenance the hypervisor needs around memory a guest reads or writes with its
 * caches off. */
#ifndef ARM_CACHE_H
#define ARM_CACHE_H
#include <stddef.h>
#include <stdint.h>

#define DCACHE_LINE 64 /* Cortex-A15 (and A7): the smallest line of either cluster */

/* Clean and invalidate [p, p + n) to the point of coherency (DCCIMVAC by line), then DSB:
 * what is in memory is what is there, and no line of it stays in the caches. */
static inline void dcache_clean_inval_to_poc(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(DCACHE_LINE - 1), end = (uintptr_t)p + n;

	for (; a < end; a += DCACHE_LINE)
		__asm__ volatile("mcr p15, 0, %0, c7, c14, 1" ::"r"(a) : "memory");
	__asm__ volatile("dsb" ::: "memory");
}

/* Invalidate every instruction cache of the Inner Shareable domain (ICIALLUIS). */
static inline void icache_invalidate_all(void)
{
	__asm__ volatile("mcr p15, 0, %0, c7, c1, 0\n\tdsb\n\tisb" ::"r"(0) : "memory");
}
#endif

#include <string.h>

#include "hyp/page_pool.h"
#include "hyp/spinlock.h"
#include "platform.h"

/* 128 pages cover a 4 GiB IPA space in 2 MiB blocks plus plenty of 4 KiB detail. */
#define POOL_PAGES 128

static uint8_t pool[POOL_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned used;
static spinlock_t lock;

static void *alloc_page(void *ctx)
{
	void *p = 0;

	(void)ctx;
	spin_lock(&lock);
	if (used < POOL_PAGES)
		p = pool[used++];
	spin_unlock(&lock);
	if (p)
		memset(p, 0, PAGE_SIZE);
	return p;
}

static uint64_t pa_of(void *ctx, const void *p) { (void)ctx; return (uintptr_t)p; }
static void *va_of(void *ctx, uint64_t pa) { (void)ctx; return (void *)(uintptr_t)pa; }

const struct s2_pool hyp_page_pool = { alloc_page, pa_of, va_of, 0 };

unsigned page_pool_free(void) { return POOL_PAGES - used; }

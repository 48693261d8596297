/* Building stage-2 tables from a VM's memory map. */
#include "hyp/stage2.h"

#include <errno.h>

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

static uint64_t *table_of(const struct stage2 *s2, uint64_t desc)
{
	return s2->pool->va_of(s2->pool->ctx, desc & S2_ADDR_MASK);
}

static uint64_t leaf_attrs(enum s2_mem type)
{
	if (type == S2_DEVICE)
		return S2_MEMATTR_DEVICE | S2_S2AP_RW | S2_AF | S2_XN;
	return S2_MEMATTR_NORMAL | S2_S2AP_RW | S2_SH_INNER | S2_AF;
}

static uint64_t *new_table(struct stage2 *s2, uint64_t *slot)
{
	uint64_t *t = s2->pool->alloc_page(s2->pool->ctx);

	if (!t)
		return 0;
	s2->pages++;
	*slot = s2->pool->pa_of(s2->pool->ctx, t) | S2_VALID | S2_TABLE;
	return t;
}

int stage2_init(struct stage2 *s2, const struct s2_pool *pool, uint8_t vmid)
{
	s2->pool = pool;
	s2->vmid = vmid;
	s2->pages = 0;
	s2->l1 = pool->alloc_page(pool->ctx);
	if (!s2->l1)
		return -ENOMEM;
	s2->pages = 1;
	return 0;
}

/* Is nothing mapped in [ipa, ipa+size)? Walks 2 MiB at a time where it can. */
static int range_is_free(const struct stage2 *s2, uint64_t ipa, uint64_t size)
{
	uint64_t end = ipa + size;

	while (ipa < end) {
		uint64_t l1e = s2->l1[ipa >> 30], l2e;
		uint64_t next;

		if (!(l1e & S2_VALID)) {
			ipa = (ipa & ~(SZ_1G - 1)) + SZ_1G;
			continue;
		}
		l2e = table_of(s2, l1e)[(ipa >> 21) & 511];
		next = (ipa & ~(SZ_2M - 1)) + SZ_2M;
		if (l2e & S2_VALID) {
			if (!(l2e & S2_TABLE))
				return 0;
			if (table_of(s2, l2e)[(ipa >> 12) & 511] & S2_VALID)
				return 0;
			next = ipa + SZ_4K;
		}
		ipa = next;
	}
	return 1;
}

/* One pass over [ipa, ipa+size): with write=0 it only creates the tables the range needs
 * (the one step that can fail), with write=1 it fills in the leaves (which cannot fail).
 * Both passes make the same block-or-pages choice, so a failed allocation leaves every
 * mapping as it was. */
static int map_pass(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, uint64_t attrs,
		    int write)
{
	while (size) {
		uint64_t *l1e = &s2->l1[ipa >> 30], *l2, *l2e, *l3;

		l2 = (*l1e & S2_VALID) ? table_of(s2, *l1e) : new_table(s2, l1e);
		if (!l2)
			return -ENOMEM;
		l2e = &l2[(ipa >> 21) & 511];
		if (!(*l2e & S2_VALID) && !((ipa | pa) & (SZ_2M - 1)) && size >= SZ_2M) {
			if (write)
				*l2e = pa | attrs | S2_VALID; /* block */
			ipa += SZ_2M, pa += SZ_2M, size -= SZ_2M;
			continue;
		}
		l3 = (*l2e & S2_VALID) ? table_of(s2, *l2e) : new_table(s2, l2e);
		if (!l3)
			return -ENOMEM;
		do {
			if (write)
				l3[(ipa >> 12) & 511] = pa | attrs | S2_VALID | S2_TABLE;
			ipa += SZ_4K, pa += SZ_4K, size -= SZ_4K;
		} while (size && (ipa & (SZ_2M - 1)));
	}
	return 0;
}

int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum s2_mem type)
{
	int err;

	if (size == 0 || ((ipa | pa | size) & (SZ_4K - 1)) || ipa >= S2_IPA_LIMIT ||
	    size > S2_IPA_LIMIT - ipa || pa >= S2_PA_LIMIT || size > S2_PA_LIMIT - pa)
		return -EINVAL;
	if (!range_is_free(s2, ipa, size))
		return -EEXIST;
	err = map_pass(s2, ipa, pa, size, leaf_attrs(type), 0);
	return err ? err : map_pass(s2, ipa, pa, size, leaf_attrs(type), 1);
}

int stage2_page_set_valid(struct stage2 *s2, uint64_t ipa, int valid)
{
	uint64_t l1e, l2e, *l3e;

	if (ipa >= S2_IPA_LIMIT || (ipa & (SZ_4K - 1)))
		return -ENOENT;
	l1e = s2->l1[ipa >> 30];
	if (!(l1e & S2_VALID))
		return -ENOENT;
	l2e = table_of(s2, l1e)[(ipa >> 21) & 511];
	if (!(l2e & S2_VALID) || !(l2e & S2_TABLE))
		return -ENOENT; /* nothing, or a 2 MiB block */
	l3e = &table_of(s2, l2e)[(ipa >> 12) & 511];
	if (!(*l3e & S2_TABLE))
		return -ENOENT; /* never mapped (page descriptors keep bit 1 while invalid) */
	*l3e = valid ? *l3e | S2_VALID : *l3e & ~S2_VALID;
	return 0;
}

int stage2_lookup(const struct stage2 *s2, uint64_t ipa, uint64_t *pa, enum s2_mem *type,
		  unsigned *level)
{
	uint64_t d, mask = SZ_1G - 1;
	unsigned lvl = 1;

	if (ipa >= S2_IPA_LIMIT)
		return -ENOENT;
	d = s2->l1[ipa >> 30];
	while ((d & S2_VALID) && (d & S2_TABLE) && lvl < 3) {
		lvl++;
		mask >>= 9;
		d = table_of(s2, d)[(ipa >> (lvl == 2 ? 21 : 12)) & 511];
	}
	if (!(d & S2_VALID) || (lvl == 3 && !(d & S2_TABLE)))
		return -ENOENT;
	*pa = (d & S2_ADDR_MASK & ~mask) | (ipa & mask);
	*type = (d & S2_MEMATTR_MASK) == S2_MEMATTR_NORMAL ? S2_NORMAL : S2_DEVICE;
	*level = lvl;
	return 0;
}

uint64_t stage2_vttbr(const struct stage2 *s2)
{
	return s2->pool->pa_of(s2->pool->ctx, s2->l1) | ((uint64_t)s2->vmid << 48);
}

uint32_t stage2_vtcr(void)
{
	/* bit 31 RES1; SH0=11, ORGN0=01, IRGN0=01, SL0=01, S=0, T0SZ=0 */
	return (1u << 31) | (3u << 12) | (1u << 10) | (1u << 8) | (1u << 6);
}

/* Stage-2 LPAE tables (ARM ARM B3.6): layout, attributes, errors, and a software walk.
 *
 * Table pages come from a static array and are given fake physical addresses above 4 GiB
 * (but below 2^40), so descriptor address bits 39:32 are exercised and a table address
 * that went through a host pointer by mistake cannot resolve. */
#define CHECK_SUITE "stage2"
#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/stage2.h"

#define SZ_4K 0x1000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

#define POOL_PAGES 16
#define FAKE_PA_BASE 0xf840000000ull

/* Descriptor fields as ARM ARM B3.6.2 lays them out, spelled independently of stage2.h. */
#define D_TYPE_MASK 3ull
#define D_BLOCK 1ull       /* levels 1-2 */
#define D_TABLE_OR_PAGE 3ull
#define D_OA_MASK 0x000000fffffff000ull /* bits 39:12 */
#define D_MEMATTR(d) ((d) >> 2 & 0xf)
#define D_S2AP(d) ((d) >> 6 & 3)
#define D_SH(d) ((d) >> 8 & 3)
#define D_AF(d) ((d) >> 10 & 1)
#define D_XN(d) ((d) >> 54 & 1)
#define D_RES_HI_MASK 0xff80000000000000ull /* 63:55: ignored by hardware; nothing to set */
#define D_RES_MID_MASK 0x003fff0000000000ull /* 53:40: reserved, Contiguous hint, OA above 39 */

static _Alignas(4096) uint8_t pool_mem[POOL_PAGES][4096];

struct tpool {
	unsigned used, limit;
};

static struct tpool tp;

static void *tp_alloc(void *ctx)
{
	struct tpool *p = ctx;

	if (p->used >= p->limit)
		return 0;
	memset(pool_mem[p->used], 0, 4096);
	return pool_mem[p->used++];
}

static uint64_t tp_pa_of(void *ctx, const void *page)
{
	const uint8_t *b = page;
	size_t idx;

	(void)ctx;
	if (b < pool_mem[0] || b >= pool_mem[POOL_PAGES] || (b - pool_mem[0]) % 4096) {
		fprintf(stderr, "pa_of: %p is not a pool page\n", page);
		abort();
	}
	idx = (size_t)(b - pool_mem[0]) / 4096;
	return FAKE_PA_BASE + idx * 4096;
}

static void *tp_va_of(void *ctx, uint64_t pa)
{
	struct tpool *p = ctx;

	if (pa < FAKE_PA_BASE || pa >= FAKE_PA_BASE + (uint64_t)p->used * 4096 || pa % 4096) {
		fprintf(stderr, "va_of: 0x%llx is not an allocated table page\n",
			(unsigned long long)pa);
		abort();
	}
	return pool_mem[(pa - FAKE_PA_BASE) / 4096];
}

static const struct s2_pool pool = { tp_alloc, tp_pa_of, tp_va_of, &tp };

static void pool_reset(unsigned limit)
{
	tp.used = 0;
	tp.limit = limit;
}

/* A fresh stage 2 with `limit` table pages available in total (L1 included). */
static int fresh(struct stage2 *s2, unsigned limit, uint8_t vmid)
{
	pool_reset(limit);
	return stage2_init(s2, &pool, vmid);
}

/* Walk the raw tables by hand: the leaf (or invalid) descriptor for ipa and its level. */
static uint64_t raw_leaf(const struct stage2 *s2, uint64_t ipa, unsigned *level)
{
	const uint64_t *t;
	uint64_t d = s2->l1[ipa >> 30];

	*level = 1;
	if ((d & D_TYPE_MASK) != D_TABLE_OR_PAGE)
		return d;
	t = tp_va_of(&tp, d & D_OA_MASK);
	d = t[(ipa >> 21) & 511];
	*level = 2;
	if ((d & D_TYPE_MASK) != D_TABLE_OR_PAGE)
		return d;
	t = tp_va_of(&tp, d & D_OA_MASK);
	*level = 3;
	return t[(ipa >> 12) & 511];
}

/* The expect_* checks are macros so that a failure reports the caller's line and ends
 * the test there. */

/* Lookup of ipa must give pa, type and level. */
#define expect_map(s2, ipa, pa, type, level)                                                 \
	do {                                                                                 \
		uint64_t ipa_ = (ipa), em_pa_ = ~0ull;                                    \
		enum s2_mem em_type_ = (type) == S2_NORMAL ? S2_DEVICE : S2_NORMAL;          \
		unsigned em_level_ = 0;                                                      \
		CHECK_EQ_AT(stage2_lookup((s2), ipa_, &em_pa_, &em_type_, &em_level_), 0, \
			    ipa_);                                                        \
		CHECK_EQ_AT(em_pa_, (pa), ipa_);                                          \
		CHECK_EQ_AT(em_type_, (type), ipa_);                                      \
		CHECK_EQ_AT(em_level_, (level), ipa_);                                    \
	} while (0)

#define expect_unmapped(s2, ipa)                                                             \
	do {                                                                                 \
		uint64_t ipa_ = (ipa), eu_pa_;                                            \
		enum s2_mem eu_type_;                                                        \
		unsigned eu_level_;                                                          \
		CHECK_EQ_AT(stage2_lookup((s2), ipa_, &eu_pa_, &eu_type_, &eu_level_),    \
			    -ENOENT, ipa_);                                               \
	} while (0)

/* Stage-2 Normal memory: MemAttr 0b1111 (Outer and Inner Write-Back), S2AP read/write,
 * Inner Shareable, AF set, executable. */
#define expect_normal_attrs(d, ipa)                                                          \
	do {                                                                                 \
		uint64_t ea_d_ = (d);                                                        \
		CHECK_EQ_AT(D_MEMATTR(ea_d_), 0xf, (ipa));                                   \
		CHECK_EQ_AT(D_S2AP(ea_d_), 3, (ipa));                                        \
		CHECK_EQ_AT(D_SH(ea_d_), 3, (ipa));                                          \
		CHECK_EQ_AT(D_AF(ea_d_), 1, (ipa));                                          \
		CHECK_EQ_AT(D_XN(ea_d_), 0, (ipa));                                          \
		CHECK_EQ_AT(ea_d_ & (D_RES_HI_MASK | D_RES_MID_MASK), 0, (ipa));             \
	} while (0)

/* Stage-2 Device memory: MemAttr[3:2]=00 with [1:0]=01 (Device, not Strongly-ordered),
 * S2AP read/write, AF set, never executable. */
#define expect_device_attrs(d, ipa)                                                          \
	do {                                                                                 \
		uint64_t ea_d_ = (d);                                                        \
		CHECK_EQ_AT(D_MEMATTR(ea_d_), 0x1, (ipa));                                   \
		CHECK_EQ_AT(D_S2AP(ea_d_), 3, (ipa));                                        \
		CHECK_EQ_AT(D_AF(ea_d_), 1, (ipa));                                          \
		CHECK_EQ_AT(D_XN(ea_d_), 1, (ipa));                                          \
		CHECK_EQ_AT(ea_d_ & (D_RES_HI_MASK | D_RES_MID_MASK), 0, (ipa));             \
	} while (0)

static void test_init(void)
{
	struct stage2 s2;
	unsigned i;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 7), 0);
	CHECK_EQ(s2.pages, 1);
	CHECK_EQ(s2.vmid, 7);
	CHECK(s2.l1 == (uint64_t *)pool_mem[0]);
	for (i = 0; i < 512; i++)
		CHECK_EQ_AT(s2.l1[i], 0, i);
	expect_unmapped(&s2, 0);
	expect_unmapped(&s2, 0x80000000);
	expect_unmapped(&s2, 0xfffff000);
}

static void test_init_no_memory(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, 0, 1), -ENOMEM);
}

/* VTTBR: BADDR = the L1 table's PA, VMID in bits 55:48 (B4.1.161). */
static void test_vttbr(void)
{
	struct stage2 s2;
	uint64_t v;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 0xa5), 0);
	v = stage2_vttbr(&s2);
	CHECK_EQ(v, 0x00a5000000000000ull | FAKE_PA_BASE);
	CHECK_EQ(v >> 48 & 0xff, 0xa5);
	CHECK_EQ(v & 0xffffffffffull, FAKE_PA_BASE);
	CHECK_EQ(v & 0xff00ff0000000000ull, 0);

	/* The L1 need not be the pool's first page. */
	pool_reset(POOL_PAGES);
	tp.used = 3;
	CHECK_EQ(stage2_init(&s2, &pool, 0xff), 0);
	CHECK_EQ(stage2_vttbr(&s2), 0x00ff000000000000ull | (FAKE_PA_BASE + 3 * 4096));
	CHECK_EQ(fresh(&s2, POOL_PAGES, 0), 0);
	CHECK_EQ(stage2_vttbr(&s2), FAKE_PA_BASE);
}

/* VTCR (B4.1.159): T0SZ=0 and S=0 for a 32-bit IPA, SL0=01 (start at level 1),
 * IRGN0=ORGN0=01 (write-back write-allocate), SH0=11, bit 31 RES1. */
static void test_vtcr(void)
{
	uint32_t v = stage2_vtcr();

	CHECK_EQ(v & 0xf, 0);      /* T0SZ */
	CHECK_EQ(v >> 4 & 1, 0);   /* S */
	CHECK_EQ(v >> 6 & 3, 1);   /* SL0 */
	CHECK_EQ(v >> 8 & 3, 1);   /* IRGN0 */
	CHECK_EQ(v >> 10 & 3, 1);  /* ORGN0 */
	CHECK_EQ(v >> 12 & 3, 3);  /* SH0 */
	CHECK_EQ(v >> 31, 1);
	CHECK_EQ(v, 0x80003540);
}

/* 2 MiB-aligned IPA, PA and size: one level-2 block, no level-3 table. */
static void test_block_2m(void)
{
	struct stage2 s2;
	uint64_t d;
	unsigned lvl;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x90000000, SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 2);

	/* L1 entry 2 is a table descriptor pointing at the second pool page. */
	CHECK_EQ(s2.l1[2], (FAKE_PA_BASE + 4096) | D_TABLE_OR_PAGE);
	d = raw_leaf(&s2, 0x80000000, &lvl);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(d & D_TYPE_MASK, D_BLOCK);
	CHECK_EQ(d & D_OA_MASK, 0x90000000);
	expect_normal_attrs(d, 0x80000000);
	CHECK_EQ(d, 0x90000000ull | 0xf << 2 | 3 << 6 | 3 << 8 | 1 << 10 | D_BLOCK);

	expect_map(&s2, 0x80000000, 0x90000000, S2_NORMAL, 2);
	expect_map(&s2, 0x80001000, 0x90001000, S2_NORMAL, 2);
	expect_map(&s2, 0x80123456, 0x90123456, S2_NORMAL, 2);
	expect_map(&s2, 0x801fffff, 0x901fffff, S2_NORMAL, 2);
	expect_unmapped(&s2, 0x7ffff000);
	expect_unmapped(&s2, 0x80200000);
}

/* 4 KiB-aligned only: level-3 pages, one per 4 KiB, each with bits[1:0]=11. */
static void test_pages_4k(void)
{
	struct stage2 s2;
	uint64_t ipa;
	unsigned lvl;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80001000, 0x90005000, 3 * SZ_4K, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 3);
	for (ipa = 0x80001000; ipa < 0x80004000; ipa += SZ_4K) {
		uint64_t d = raw_leaf(&s2, ipa, &lvl);

		CHECK_EQ_AT(lvl, 3, ipa);
		CHECK_EQ_AT(d & D_TYPE_MASK, D_TABLE_OR_PAGE, ipa);
		CHECK_EQ_AT(d & D_OA_MASK, ipa - 0x80001000 + 0x90005000, ipa);
		expect_normal_attrs(d, ipa);
		expect_map(&s2, ipa, ipa - 0x80001000 + 0x90005000, S2_NORMAL, 3);
		expect_map(&s2, ipa + 0xffc, ipa - 0x80001000 + 0x90005ffc, S2_NORMAL, 3);
	}
	expect_unmapped(&s2, 0x80000000);
	expect_unmapped(&s2, 0x80000fff);
	expect_unmapped(&s2, 0x80004000);
	/* The neighbouring, untouched level-3 entries are invalid descriptors. */
	CHECK_EQ(raw_leaf(&s2, 0x80000000, &lvl), 0);
	CHECK_EQ(raw_leaf(&s2, 0x80004000, &lvl), 0);
}

/* IPA 2 MiB-aligned but PA not: a block would map the wrong PA, so 512 pages instead. */
static void test_pa_misaligned_uses_pages(void)
{
	struct stage2 s2;
	uint64_t off;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x90001000, SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 3);
	for (off = 0; off < SZ_2M; off += SZ_4K)
		expect_map(&s2, 0x80000000 + off, 0x90001000 + off, S2_NORMAL, 3);
	expect_unmapped(&s2, 0x80200000);
}

/* 2 MiB + 4 KiB starting 4 KiB below a 2 MiB boundary: one page, then one block. */
static void test_mixed_page_then_block(void)
{
	struct stage2 s2;
	uint64_t d, off;
	unsigned lvl;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x801ff000, 0x901ff000, SZ_2M + SZ_4K, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 3); /* L1, L2, one L3 */
	expect_map(&s2, 0x801ff000, 0x901ff000, S2_NORMAL, 3);
	expect_map(&s2, 0x801fffff, 0x901fffff, S2_NORMAL, 3);
	for (off = 0; off < SZ_2M; off += SZ_4K)
		expect_map(&s2, 0x80200000 + off, 0x90200000 + off, S2_NORMAL, 2);
	d = raw_leaf(&s2, 0x80200000, &lvl);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(d & D_TYPE_MASK, D_BLOCK);
	expect_unmapped(&s2, 0x801fe000);
	expect_unmapped(&s2, 0x80400000);
}

/* 2 MiB + 4 KiB starting on a 2 MiB boundary: one block, then one page. */
static void test_mixed_block_then_page(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x90000000, SZ_2M + SZ_4K, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 3);
	expect_map(&s2, 0x80000000, 0x90000000, S2_NORMAL, 2);
	expect_map(&s2, 0x801ff000, 0x901ff000, S2_NORMAL, 2);
	expect_map(&s2, 0x80200000, 0x90200000, S2_NORMAL, 3);
	expect_unmapped(&s2, 0x80201000);
}

/* A range with partial 2 MiB pieces at both ends and whole ones in the middle: every page
 * boundary maps to the right PA at the level its alignment allows. */
static void test_every_page_of_mixed_range(void)
{
	const uint64_t ipa0 = 0x40180000, pa0 = 0x2340180000ull, size = 3 * SZ_2M + 0x9000;
	struct stage2 s2;
	uint64_t off;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 3), 0);
	CHECK_EQ(stage2_map(&s2, ipa0, pa0, size, S2_DEVICE), 0);
	for (off = 0; off < size; off += SZ_4K) {
		uint64_t ipa = ipa0 + off;
		/* Whole 2 MiB pieces are [0x40200000, 0x40600000). */
		unsigned want = (ipa >= 0x40200000 && ipa < 0x40600000) ? 2 : 3;

		expect_map(&s2, ipa, pa0 + off, S2_DEVICE, want);
		expect_map(&s2, ipa + 0xfff, pa0 + off + 0xfff, S2_DEVICE, want);
	}
	expect_unmapped(&s2, ipa0 - 1);
	expect_unmapped(&s2, ipa0 + size);
	CHECK_EQ(s2.pages, 4); /* L1, L2, two L3 */
}

static void test_device_attrs(void)
{
	struct stage2 s2;
	uint64_t d;
	unsigned lvl;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x1c000000, 0x1c000000, SZ_2M, S2_DEVICE), 0);
	CHECK_EQ(stage2_map(&s2, 0x2c002000, 0x2c006000, SZ_4K, S2_DEVICE), 0);

	d = raw_leaf(&s2, 0x1c000000, &lvl);
	CHECK_EQ(lvl, 2);
	CHECK_EQ(d & D_TYPE_MASK, D_BLOCK);
	expect_device_attrs(d, 0x1c000000);
	expect_map(&s2, 0x1c000010, 0x1c000010, S2_DEVICE, 2);

	d = raw_leaf(&s2, 0x2c002000, &lvl);
	CHECK_EQ(lvl, 3);
	CHECK_EQ(d & D_TYPE_MASK, D_TABLE_OR_PAGE);
	CHECK_EQ(d & D_OA_MASK, 0x2c006000);
	expect_device_attrs(d, 0x2c002000);
	expect_map(&s2, 0x2c002000, 0x2c006000, S2_DEVICE, 3);
}

static void test_normal_attrs_page_and_block(void)
{
	struct stage2 s2;
	uint64_t d;
	unsigned lvl;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x80000000, SZ_2M + SZ_4K, S2_NORMAL), 0);
	d = raw_leaf(&s2, 0x80000000, &lvl);
	CHECK_EQ(lvl, 2);
	expect_normal_attrs(d, 0x80000000);
	d = raw_leaf(&s2, 0x80200000, &lvl);
	CHECK_EQ(lvl, 3);
	expect_normal_attrs(d, 0x80200000);
	CHECK_EQ(d, 0x80200000ull | 0xf << 2 | 3 << 6 | 3 << 8 | 1 << 10 | D_TABLE_OR_PAGE);
}

/* Table descriptors carry only the next table's address and type bits 11. */
static void test_table_descriptors(void)
{
	struct stage2 s2;
	uint64_t l2e;
	const uint64_t *l2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0xc0005000, 0x5000, SZ_4K, S2_NORMAL), 0);
	CHECK_EQ(s2.l1[3], (FAKE_PA_BASE + 1 * 4096) | 3);
	l2 = tp_va_of(&tp, FAKE_PA_BASE + 4096);
	l2e = l2[0];
	CHECK_EQ(l2e, (FAKE_PA_BASE + 2 * 4096) | 3);
	CHECK_EQ(s2.l1[0] | s2.l1[1] | s2.l1[2], 0);
}

/* Later mappings in the same 1 GiB / 2 MiB reuse the existing L2 / L3 tables. */
static void test_tables_shared(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x10000000, SZ_4K, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 3);
	CHECK_EQ(stage2_map(&s2, 0x801ff000, 0x20000000, SZ_4K, S2_DEVICE), 0);
	CHECK_EQ(s2.pages, 3);
	CHECK_EQ(stage2_map(&s2, 0xbfe00000, 0x30000000, SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 3);
	CHECK_EQ(tp.used, 3);
	expect_map(&s2, 0x80000000, 0x10000000, S2_NORMAL, 3);
	expect_map(&s2, 0x801ff000, 0x20000000, S2_DEVICE, 3);
	expect_map(&s2, 0xbfe00000, 0x30000000, S2_NORMAL, 2);
	expect_unmapped(&s2, 0x80001000);
}

/* A range from 1 GiB - 2 MiB to 1 GiB + 2 MiB uses two L1 entries and two L2 tables. */
static void test_cross_1g_blocks(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, SZ_1G - SZ_2M, 0x100000000ull, 2 * SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 3);
	CHECK(s2.l1[0] & 1);
	CHECK(s2.l1[1] & 1);
	expect_map(&s2, SZ_1G - SZ_2M, 0x100000000ull, S2_NORMAL, 2);
	expect_map(&s2, SZ_1G - 1, 0x1001fffffull, S2_NORMAL, 2);
	expect_map(&s2, SZ_1G, 0x100200000ull, S2_NORMAL, 2);
	expect_map(&s2, SZ_1G + SZ_2M - 1, 0x1003fffffull, S2_NORMAL, 2);
	expect_unmapped(&s2, SZ_1G + SZ_2M);
	expect_unmapped(&s2, SZ_1G - SZ_2M - 1);
}

/* Same crossing at page granularity: two L2 and two L3 tables. */
static void test_cross_1g_pages(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 2 * SZ_1G - 2 * SZ_4K, 0x7000, 4 * SZ_4K, S2_DEVICE), 0);
	CHECK_EQ(s2.pages, 5);
	expect_map(&s2, 2 * SZ_1G - 2 * SZ_4K, 0x7000, S2_DEVICE, 3);
	expect_map(&s2, 2 * SZ_1G - SZ_4K, 0x8000, S2_DEVICE, 3);
	expect_map(&s2, 2 * SZ_1G, 0x9000, S2_DEVICE, 3);
	expect_map(&s2, 2 * SZ_1G + SZ_4K, 0xa000, S2_DEVICE, 3);
	expect_unmapped(&s2, 2 * SZ_1G + 2 * SZ_4K);
	expect_unmapped(&s2, 2 * SZ_1G - 3 * SZ_4K);
}

/* The whole 4 GiB IPA space in one call: 2048 blocks in four L2 tables. */
static void test_whole_ipa_space(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0, 0x8000000000ull, S2_IPA_LIMIT, S2_NORMAL), 0);
	CHECK_EQ(s2.pages, 5);
	expect_map(&s2, 0, 0x8000000000ull, S2_NORMAL, 2);
	expect_map(&s2, 0xffffffff, 0x80ffffffffull, S2_NORMAL, 2);
	expect_map(&s2, 0x9abcdef0, 0x809abcdef0ull, S2_NORMAL, 2);
	CHECK_EQ(stage2_map(&s2, 0x1000, 0x1000, SZ_4K, S2_NORMAL), -EEXIST);
}

/* Output addresses use all of bits 39:12. */
static void test_pa_top_of_40_bits(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0xffffe00000ull, SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(stage2_map(&s2, 0x80200000, 0xfffffff000ull, SZ_4K, S2_NORMAL), 0);
	expect_map(&s2, 0x80000000, 0xffffe00000ull, S2_NORMAL, 2);
	expect_map(&s2, 0x801fffff, 0xffffffffffull, S2_NORMAL, 2);
	expect_map(&s2, 0x80200fff, 0xffffffffffull, S2_NORMAL, 3);
}

/* The last page of IPA space, and the last page below the PA limit, are mappable. */
static void test_range_edges_accepted(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0xfffff000, 0x1000, SZ_4K, S2_NORMAL), 0);
	expect_map(&s2, 0xffffffff, 0x1fff, S2_NORMAL, 3);
	CHECK_EQ(stage2_map(&s2, 0x1000, S2_PA_LIMIT - SZ_4K, SZ_4K, S2_NORMAL), 0);
	expect_map(&s2, 0x1000, S2_PA_LIMIT - SZ_4K, S2_NORMAL, 3);
}

static void test_invalid_arguments(void)
{
	static const struct { uint64_t ipa, pa, size; } bad[] = {
		{ 0x80000000, 0x90000000, 0 },                 /* empty */
		{ 0x80000800, 0x90000000, SZ_4K },             /* IPA misaligned */
		{ 0x80000000, 0x90000010, SZ_4K },             /* PA misaligned */
		{ 0x80000000, 0x90000000, SZ_4K + 1 },         /* size misaligned */
		{ 0x80000000, 0x90000000, 0x800 },             /* size below a page */
		{ S2_IPA_LIMIT, 0x90000000, SZ_4K },           /* IPA beyond 32 bits */
		{ 0xfffff000, 0x90000000, 2 * SZ_4K },         /* runs past 2^32 */
		{ 0x1000, 0, S2_IPA_LIMIT },                   /* runs past 2^32 */
		{ 0x80000000, S2_PA_LIMIT, SZ_4K },            /* PA beyond 40 bits */
		{ 0x80000000, S2_PA_LIMIT - SZ_4K, 2 * SZ_4K },/* runs past 2^40 */
		{ 0x80000000, ~0xfffull, SZ_4K },              /* PA with high bits */
		{ 0xfffffffffffff000ull, 0, 2 * SZ_4K },       /* IPA + size wraps 64 bits */
		{ 0x1000, 0x1000, ~0xfffull },                 /* size wraps 64 bits */
	};
	struct stage2 s2;
	unsigned i;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_AT(stage2_map(&s2, bad[i].ipa, bad[i].pa, bad[i].size, S2_NORMAL), -EINVAL, i);
	expect_unmapped(&s2, 0x80000000);
	expect_unmapped(&s2, 0xfffff000);
}

/* Every kind of overlap is refused, and neither the old mapping nor the free part of the
 * new range changes. */
static void test_overlap_rejected(void)
{
	static const struct { uint64_t ipa, size; } bad[] = {
		{ 0x80000000, SZ_2M },            /* the block exactly */
		{ 0x80100000, SZ_4K },            /* a page inside the block */
		{ 0x7ffff000, 2 * SZ_4K },        /* ends in the block */
		{ 0x801ff000, 2 * SZ_4K },        /* block's last page and the free page after */
		{ 0x7fe00000, 8 * SZ_2M },        /* covers everything */
		{ 0x80205000, SZ_4K },            /* the page mapping exactly */
		{ 0x80204000, 2 * SZ_4K },        /* starts free, ends on the page */
		{ 0x80205000, SZ_2M },            /* starts on the page */
		{ 0x80400000 - SZ_4K, SZ_4K + SZ_2M }, /* free page, then the second block */
		{ 0x80000000, 0x600000 },         /* aligned, 3 blocks' worth, hits the page */
	};
	struct stage2 s2;
	unsigned i;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x10000000, SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(stage2_map(&s2, 0x80205000, 0x20000000, SZ_4K, S2_DEVICE), 0);
	CHECK_EQ(stage2_map(&s2, 0x80400000, 0x30000000, SZ_2M, S2_NORMAL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_AT(stage2_map(&s2, bad[i].ipa, 0x50000000, bad[i].size, S2_DEVICE), -EEXIST, i);

	expect_map(&s2, 0x80000000, 0x10000000, S2_NORMAL, 2);
	expect_map(&s2, 0x801ff000, 0x101ff000, S2_NORMAL, 2);
	expect_map(&s2, 0x80205000, 0x20000000, S2_DEVICE, 3);
	expect_map(&s2, 0x80400000, 0x30000000, S2_NORMAL, 2);
	/* Free pages that some rejected ranges covered are still free. */
	expect_unmapped(&s2, 0x7ffff000);
	expect_unmapped(&s2, 0x80200000);
	expect_unmapped(&s2, 0x80204000);
	expect_unmapped(&s2, 0x80206000);
	expect_unmapped(&s2, 0x803ff000);
	expect_unmapped(&s2, 0x80600000);

	/* The gaps themselves are still mappable. */
	CHECK_EQ(stage2_map(&s2, 0x80200000, 0x60000000, 5 * SZ_4K, S2_NORMAL), 0);
	CHECK_EQ(stage2_map(&s2, 0x80206000, 0x60006000, SZ_2M - 6 * SZ_4K, S2_NORMAL), 0);
	expect_map(&s2, 0x803ff000, 0x601ff000, S2_NORMAL, 3);
}

static void test_unmapped_lookup(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x80000000, SZ_4K, S2_NORMAL), 0);
	expect_unmapped(&s2, 0x00000000);          /* L1 entry invalid */
	expect_unmapped(&s2, 0x80200000);          /* L2 entry invalid */
	expect_unmapped(&s2, 0x80001000);          /* L3 entry invalid */
	expect_unmapped(&s2, 0xffffffff);
	expect_unmapped(&s2, S2_IPA_LIMIT);        /* beyond the IPA space */
	expect_unmapped(&s2, 0x180000000ull);      /* would alias 0x80000000 if truncated */
	expect_map(&s2, 0x80000fff, 0x80000fff, S2_NORMAL, 3);
}

/* Out of table pages: -ENOMEM, no mapping. */
static void test_no_memory(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, 1, 1), 0); /* room for the L1 only */
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x80000000, SZ_2M, S2_NORMAL), -ENOMEM);
	expect_unmapped(&s2, 0x80000000);

	CHECK_EQ(fresh(&s2, 2, 1), 0); /* L1 and L2, but no L3 */
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x80000000, SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(stage2_map(&s2, 0x80200000, 0x80200000, SZ_4K, S2_NORMAL), -ENOMEM);
	expect_unmapped(&s2, 0x80200000);
	expect_map(&s2, 0x80000000, 0x80000000, S2_NORMAL, 2);
}

/* stage2.h: "A failed call changes no mapping". Here the pool runs dry part-way through:
 * the first 2 MiB of pages fit in the one L3 table available, the second 2 MiB needs
 * another. None of the range may be left mapped, and once memory is available again the
 * same call must succeed rather than collide with its own leftovers. */
static void test_no_memory_midway_maps_nothing(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, 3, 1), 0); /* L1, L2, one L3 */
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x90001000, 2 * SZ_2M, S2_NORMAL), -ENOMEM);
	expect_unmapped(&s2, 0x80000000);
	expect_unmapped(&s2, 0x801ff000);
	expect_unmapped(&s2, 0x80200000);

	tp.limit = POOL_PAGES;
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x90001000, 2 * SZ_2M, S2_NORMAL), 0);
	expect_map(&s2, 0x80000000, 0x90001000, S2_NORMAL, 3);
	expect_map(&s2, 0x803ff000, 0x90400000, S2_NORMAL, 3);
}

/* The same contract when a block was already written before the pool ran dry. */
static void test_no_memory_after_block_maps_nothing(void)
{
	struct stage2 s2;

	CHECK_EQ(fresh(&s2, 2, 1), 0); /* L1, L2: the block fits, the trailing page does not */
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x90000000, SZ_2M + SZ_4K, S2_NORMAL), -ENOMEM);
	expect_unmapped(&s2, 0x80000000);
	expect_unmapped(&s2, 0x80200000);
}

/* Two VMs from one pool have separate tables and VMIDs. */
static void test_two_vms(void)
{
	struct stage2 a, b;

	pool_reset(POOL_PAGES);
	CHECK_EQ(stage2_init(&a, &pool, 1), 0);
	CHECK_EQ(stage2_init(&b, &pool, 2), 0);
	CHECK_EQ(stage2_map(&a, 0x80000000, 0x10000000, SZ_2M, S2_NORMAL), 0);
	CHECK_EQ(stage2_map(&b, 0x80000000, 0x20000000, SZ_2M, S2_DEVICE), 0);
	expect_map(&a, 0x80000000, 0x10000000, S2_NORMAL, 2);
	expect_map(&b, 0x80000000, 0x20000000, S2_DEVICE, 2);
	CHECK(stage2_vttbr(&a) != stage2_vttbr(&b));
	CHECK_EQ(stage2_vttbr(&b) >> 48, 2);
	CHECK_EQ(stage2_vttbr(&b) & D_OA_MASK, FAKE_PA_BASE + 4096);
}

/* A trapped-some-of-the-time page: invalid and valid again, same PA and attributes, no
 * table allocated; only 4 KiB page mappings can do that. */
static void test_page_set_valid(void)
{
	struct stage2 s2;
	unsigned level, pages;
	uint64_t d;

	CHECK_EQ(fresh(&s2, POOL_PAGES, 1), 0);
	CHECK_EQ(stage2_map(&s2, 0x2c002000, 0x2c006000, 2 * SZ_4K, S2_DEVICE), 0);
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x82000000, SZ_2M, S2_NORMAL), 0);
	pages = s2.pages;
	d = raw_leaf(&s2, 0x2c003000, &level);
	CHECK_EQ(stage2_page_set_valid(&s2, 0x2c003000, 0), 0);
	expect_unmapped(&s2, 0x2c003000);
	expect_map(&s2, 0x2c002000, 0x2c006000, S2_DEVICE, 3);
	CHECK_EQ(raw_leaf(&s2, 0x2c003000, &level) & D_TYPE_MASK, 2); /* invalid: bit 0 clear */
	CHECK_EQ(stage2_page_set_valid(&s2, 0x2c003000, 0), 0);
	CHECK_EQ(stage2_page_set_valid(&s2, 0x2c003000, 1), 0);
	CHECK_EQ(raw_leaf(&s2, 0x2c003000, &level), d);
	expect_map(&s2, 0x2c003000, 0x2c007000, S2_DEVICE, 3);
	CHECK_EQ(s2.pages, pages);
	CHECK_EQ(stage2_page_set_valid(&s2, 0x2c004000, 0), -ENOENT); /* never mapped */
	CHECK_EQ(stage2_page_set_valid(&s2, 0x80000000, 0), -ENOENT); /* a block */
	CHECK_EQ(stage2_page_set_valid(&s2, 0x40000000, 0), -ENOENT); /* no L2 table */
	CHECK_EQ(stage2_page_set_valid(&s2, 0x2c002800, 0), -ENOENT); /* not page aligned */
	CHECK_EQ(stage2_page_set_valid(&s2, S2_IPA_LIMIT, 0), -ENOENT);
	expect_map(&s2, 0x80000000, 0x82000000, S2_NORMAL, 2);
}

int main(void)
{
	RUN(init);
	RUN(init_no_memory);
	RUN(vttbr);
	RUN(vtcr);
	RUN(block_2m);
	RUN(pages_4k);
	RUN(pa_misaligned_uses_pages);
	RUN(mixed_page_then_block);
	RUN(mixed_block_then_page);
	RUN(every_page_of_mixed_range);
	RUN(device_attrs);
	RUN(normal_attrs_page_and_block);
	RUN(table_descriptors);
	RUN(tables_shared);
	RUN(cross_1g_blocks);
	RUN(cross_1g_pages);
	RUN(whole_ipa_space);
	RUN(pa_top_of_40_bits);
	RUN(range_edges_accepted);
	RUN(invalid_arguments);
	RUN(overlap_rejected);
	RUN(unmapped_lookup);
	RUN(no_memory);
	RUN(no_memory_midway_maps_nothing);
	RUN(no_memory_after_block_maps_nothing);
	RUN(two_vms);
	RUN(page_set_valid);
	return check_exit();
}

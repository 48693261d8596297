/* Stage-2 (IPA -> PA) LPAE translation tables. Host and target.
 *
 * A VM's tables are built whole before it first runs (see docs/architecture.md): no
 * demand faulting, so vCPUs never race on table updates. IPA space is 32 bits
 * (VTCR.T0SZ=0, walks start at level 1); mappings use 2 MiB blocks where IPA, PA and
 * length allow, 4 KiB pages elsewhere. */
#ifndef HYP_STAGE2_H
#define HYP_STAGE2_H

#include <stdint.h>

/* Where table pages come from; pa_of/va_of let the host tests use fake PAs. */
struct s2_pool {
	void *(*alloc_page)(void *ctx); /* zeroed, 4 KiB aligned, or NULL */
	uint64_t (*pa_of)(void *ctx, const void *page);
	void *(*va_of)(void *ctx, uint64_t pa);
	void *ctx;
};

enum s2_mem { S2_NORMAL, S2_DEVICE };

struct stage2 {
	uint64_t *l1;
	const struct s2_pool *pool;
	uint8_t vmid;
	unsigned pages; /* table pages in use, for the banner and tests */
};

#define S2_IPA_LIMIT (1ull << 32)
#define S2_PA_LIMIT (1ull << 40)

/* Descriptor bits (ARM ARM B3.6.2, stage-2 attributes). */
#define S2_VALID (1ull << 0)
#define S2_TABLE (1ull << 1) /* at levels 1-2: table; at level 3: must be set (page) */
#define S2_MEMATTR_NORMAL (0xfull << 2) /* Outer and Inner Write-Back */
#define S2_MEMATTR_DEVICE (0x1ull << 2)
#define S2_MEMATTR_MASK (0xfull << 2)
#define S2_S2AP_RW (3ull << 6)
#define S2_SH_INNER (3ull << 8)
#define S2_AF (1ull << 10)
#define S2_XN (1ull << 54)
#define S2_ADDR_MASK 0x000000fffffff000ull

int stage2_init(struct stage2 *s2, const struct s2_pool *pool, uint8_t vmid);
/* 0, or -EINVAL (alignment, range), -EEXIST (overlaps a mapping), -ENOMEM. A failed call
 * changes no mapping (it may leave empty tables allocated). */
int stage2_map(struct stage2 *s2, uint64_t ipa, uint64_t pa, uint64_t size, enum s2_mem type);
/* Make the 4 KiB page mapping at `ipa` (one stage2_map made) fault, or map it again,
 * without touching the tables: for a page the hypervisor traps only some of the time. The
 * caller invalidates the TLBs. 0, or -ENOENT when ipa is not a 4 KiB page mapping. */
int stage2_page_set_valid(struct stage2 *s2, uint64_t ipa, int valid);
/* Software walk: 0 and the PA/type/level of the leaf, or -ENOENT. */
int stage2_lookup(const struct stage2 *s2, uint64_t ipa, uint64_t *pa, enum s2_mem *type,
		  unsigned *level);
uint64_t stage2_vttbr(const struct stage2 *s2);
/* VTCR for these tables: T0SZ=0, SL0=1 (level 1), WBWA inner-shareable walks. */
uint32_t stage2_vtcr(void);

#endif

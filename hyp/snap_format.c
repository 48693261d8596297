/* The snapshot byte format: writer, parser and CRC32 (docs/snapshot-format.md).
 *
 * Hardware-independent and freestanding: no allocation, no stdio; built into the
 * hypervisor and, unchanged, into the host tests and the libFuzzer target
 * (tests/fuzz_snap.c). Every multi-byte field is little-endian whatever the host.
 *
 * Two hot paths, both over all of guest RAM: snap_put_ram() (zero-page scan, then copy
 * and CRC of the copy) and the parser's CRC check. The CRC is slicing-by-8 with tables
 * built on first use (the hypervisor runs no constructors; the snapshot code runs on one
 * CPU at a time). docs/snapshot-format.md has what they cost per byte. */
#include "hyp/snap_format.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/fmt.h"
#include "lib/le.h"

#define CRC_POLY 0xedb88320u /* IEEE 802.3, reflected */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SNAP_LE_HOST 1
#else
#define SNAP_LE_HOST 0
#endif

/* A 32-bit load/store through a pointer the caller has checked is 4-byte aligned, into
 * memory whose declared type may be anything (guest RAM, the caller's buffer). */
typedef uint32_t __attribute__((may_alias)) u32_alias;

/* ---- CRC32 ---- */

static uint32_t crc_tab[8][256]; /* crc_tab[k][b]: b followed by k zero bytes */
static uint32_t x2n_tab[32];     /* x^(2^n) mod P, for combining CRCs */
static int crc_ready;

/* a(x) * b(x) mod P(x), in the reflected bit order (x^0 is bit 31). */
static uint32_t mult_mod_p(uint32_t a, uint32_t b)
{
	uint32_t m = 1u << 31, p = 0;

	for (; m && a; m >>= 1) {
		if (a & m) {
			p ^= b;
			a &= ~m;
		}
		b = b & 1 ? (b >> 1) ^ CRC_POLY : b >> 1;
	}
	return p;
}

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC_POLY : c >> 1;
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int k = 1; k < 8; k++)
			crc_tab[k][i] = crc_tab[k - 1][i] >> 8 ^ crc_tab[0][crc_tab[k - 1][i] & 0xff];
	x2n_tab[0] = 1u << 30; /* x^1 */
	for (int n = 1; n < 32; n++)
		x2n_tab[n] = mult_mod_p(x2n_tab[n - 1], x2n_tab[n - 1]);
	/* Two CPUs may get here at once (two VMs suspending themselves): both write the
	 * same tables, and neither reads them before its own or the other's are whole. */
	__atomic_store_n(&crc_ready, 1, __ATOMIC_RELEASE);
}

/* x^(8 * len) mod P: the operator that moves a CRC past len zero bytes. */
static uint32_t x8n_mod_p(uint64_t len)
{
	uint32_t p = 1u << 31; /* x^0 */

	for (unsigned k = 3; len; len >>= 1, k++)
		if (len & 1)
			p = mult_mod_p(x2n_tab[k & 31], p);
	return p;
}

/* The CRC of A followed by B from crc(A), crc(B) and B's length (the usual
 * zlib-style combination; CRC32 is affine in its input). */
static uint32_t crc_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();
	return mult_mod_p(x8n_mod_p(len_b), crc_a) ^ crc_b;
}

static inline uint32_t crc_byte(uint32_t c, uint8_t b)
{
	return c >> 8 ^ crc_tab[0][(c ^ b) & 0xff];
}

/* Slicing-by-8 (eight table lookups per 8 bytes, all independent) over s[0..len), len a
 * multiple of 8, s 4-byte aligned; c is the register, not inverted.
 *
 * The empty asm statements make each table's address opaque so that the compiler keeps
 * the eight bases in registers and indexes them with a scaled register (ldr rX, [tK,
 * rY, lsl #2]): without them GCC for ARM folds the tables into one base plus a constant
 * and spends an extra add per byte (36 instructions per 8 bytes instead of 28). Not
 * inlined, so that its caller's live values do not push the bases onto the stack. */
#if SNAP_LE_HOST
__attribute__((noinline))
static uint32_t crc_slice8(uint32_t c, const u32_alias *s, size_t len)
{
	const uint32_t *t0 = crc_tab[0], *t1 = crc_tab[1], *t2 = crc_tab[2], *t3 = crc_tab[3];
	const uint32_t *t4 = crc_tab[4], *t5 = crc_tab[5], *t6 = crc_tab[6], *t7 = crc_tab[7];
	const u32_alias *end = s + len / 4;

	__asm__("" : "+r"(t1), "+r"(t2), "+r"(t3), "+r"(t4));
	__asm__("" : "+r"(t5), "+r"(t6), "+r"(t7));
	for (; s != end; s += 2) {
		uint32_t lo = s[0] ^ c, hi = s[1];

		c = t7[lo & 0xff] ^ t6[lo >> 8 & 0xff] ^ t5[lo >> 16 & 0xff] ^ t4[lo >> 24] ^
		    t3[hi & 0xff] ^ t2[hi >> 8 & 0xff] ^ t1[hi >> 16 & 0xff] ^ t0[hi >> 24];
	}
	return c;
}
#endif

/* The register after `len` bytes at p (no inversion at either end). */
static uint32_t crc_run(uint32_t c, const uint8_t *p, size_t len)
{
	if (!__atomic_load_n(&crc_ready, __ATOMIC_ACQUIRE))
		crc_init();
	for (; len && ((uintptr_t)p & 3); len--)
		c = crc_byte(c, *p++);
#if SNAP_LE_HOST
	if (len >= 8) {
		c = crc_slice8(c, (const u32_alias *)(const void *)p, len & ~(size_t)7);
		p += len & ~(size_t)7;
		len &= 7;
	}
#endif
	for (; len; len--)
		c = crc_byte(c, *p++);
	return c;
}

uint32_t snap_crc32(uint32_t crc, const void *data, size_t len)
{
	return ~crc_run(~crc, data, len);
}

/* Header offsets. */
#define H_MAGIC 0
#define H_VERSION 8
#define H_HSIZE 12
#define H_TOTAL 16
#define H_COUNT 20
#define H_VCPUS 24
#define H_NR_IRQS 28
#define H_RAM_IPA 32
#define H_RAM_SIZE 36
#define H_GICD_IPA 40
#define H_GICC_IPA 44
#define H_CONTENT 48  /* CRC32 of every section's CRC, in order: the snapshot's identity */
#define H_RESERVED 52 /* to 59 */
#define H_CRC 60

uint32_t snap_content_crc(const void *snap) { return le32_get((const uint8_t *)snap + H_CONTENT); }

int snap_shape_equal(const struct snap_shape *a, const struct snap_shape *b)
{
	return a->vcpus == b->vcpus && a->nr_irqs == b->nr_irqs && a->ram_ipa == b->ram_ipa &&
	       a->ram_size == b->ram_size && a->gicd_ipa == b->gicd_ipa && a->gicc_ipa == b->gicc_ipa;
}

/* Section header offsets. */
#define S_TYPE 0
#define S_INSTANCE 4
#define S_LENGTH 8
#define S_CRC 12

/* Sections every snapshot has besides the VCPU ones: VM, VGIC, UART, TESTDEV, RAM, END. */
#define SNAP_FIXED_SECTIONS 6
#define SNAP_MAX_VCPUS (SNAP_MAX_SECTIONS - SNAP_FIXED_SECTIONS)

/* ---- Writing ---- */

/* need + n, saturating (a 32-bit size_t cannot overflow into a small "need"). */
static size_t add_sat(size_t a, uint64_t n)
{
	return n > (uint64_t)(SIZE_MAX - a) ? SIZE_MAX : a + (size_t)n;
}

/* Whether the writer has run out of room: from then on only `need` moves. */
static inline int w_full(const struct snap_writer *w)
{
	return w->need != w->len;
}

/* Room for n more bytes at w->len? If not, the writer is full from now on, and n is
 * counted in need. */
static int w_room(struct snap_writer *w, uint64_t n)
{
	if (w_full(w) || n > w->cap - w->len) {
		w->need = add_sat(w->need, n);
		return 0;
	}
	return 1;
}

/* Appends without touching the running CRC (headers, padding). */
static void w_raw(struct snap_writer *w, const void *data, size_t n)
{
	if (!w_room(w, n))
		return;
	if (n)
		memcpy(w->buf + w->len, data, n);
	w->len += n;
	w->need = w->len;
}

void snap_start(struct snap_writer *w, void *buf, size_t cap, const struct snap_shape *shape)
{
	uint8_t h[SNAP_HEADER_SIZE];
	struct snap_shape none = { 0, 0, 0, 0, 0, 0 };

	if (!shape)
		shape = &none;
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->len = w->need = 0;
	w->section = 0;
	w->sections = 0;
	w->crc = 0;
	w->content = 0;
	memset(h, 0, sizeof(h));
	memcpy(h + H_MAGIC, SNAP_MAGIC, 8);
	le32_put(h + H_VERSION, SNAP_VERSION);
	le32_put(h + H_HSIZE, SNAP_HEADER_SIZE);
	le32_put(h + H_VCPUS, shape->vcpus);
	le32_put(h + H_NR_IRQS, shape->nr_irqs);
	le32_put(h + H_RAM_IPA, shape->ram_ipa);
	le32_put(h + H_RAM_SIZE, shape->ram_size);
	le32_put(h + H_GICD_IPA, shape->gicd_ipa);
	le32_put(h + H_GICC_IPA, shape->gicc_ipa);
	/* total, count and CRC: snap_finish() */
	w_raw(w, h, sizeof(h));
}

void snap_section(struct snap_writer *w, enum snap_type type, uint32_t instance)
{
	uint8_t h[SNAP_SECTION_HEADER_SIZE];

	if (w->section)
		snap_end_section(w);
	memset(h, 0, sizeof(h));
	le32_put(h + S_TYPE, (uint32_t)type);
	le32_put(h + S_INSTANCE, instance);
	w->section = w->need; /* == len while it fits; never 0 (the header is before it) */
	w->crc = 0;
	w_raw(w, h, sizeof(h));
}

void snap_put(struct snap_writer *w, const void *data, size_t len)
{
	if (!w->section || !w_room(w, len))
		return;
	if (len) {
		/* Copy, then CRC what was written: the section is self-consistent even if the
		 * source changes meanwhile. */
		memcpy(w->buf + w->len, data, len);
		w->crc = ~crc_run(~w->crc, w->buf + w->len, len);
	}
	w->len += len;
	w->need = w->len;
}

void snap_put_rec(struct snap_writer *w, uint32_t id, uint32_t value)
{
	uint8_t r[8];

	le32_put(r, id);
	le32_put(r + 4, value);
	snap_put(w, r, sizeof(r));
}

void snap_put_vgic(struct snap_writer *w, uint32_t group, uint64_t attr, uint32_t value)
{
	uint8_t r[16];

	le32_put(r, group);
	le32_put(r + 4, (uint32_t)attr);
	le32_put(r + 8, (uint32_t)(attr >> 32));
	le32_put(r + 12, value);
	snap_put(w, r, sizeof(r));
}

/* Whether the 4 KiB page at p is all zero. Scans from the start and stops at the first
 * non-zero word: a data page usually answers within its first few words. */
static int page_is_zero(const uint8_t *p)
{
	if (((uintptr_t)p & 3) == 0) {
		const u32_alias *w = (const u32_alias *)(const void *)p;
		const u32_alias *end = w + SNAP_PAGE_SIZE / 4;

		for (; w != end; w += 8)
			if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])
				return 0;
		return 1;
	}
	for (unsigned i = 0; i < SNAP_PAGE_SIZE; i++)
		if (p[i])
			return 0;
	return 1;
}

void snap_put_ram(struct snap_writer *w, const void *ram, uint32_t size)
{
	const uint8_t *src = ram;
	uint32_t pages = size / SNAP_PAGE_SIZE, words = (pages + 31) / 32, present = 0;
	uint64_t meta = 8 + 4 * (uint64_t)words, total;
	uint8_t *bitmap = NULL, head[8];
	uint32_t c;

	if (!w->section)
		return;
	/* Pass 1: which pages are there. The bitmap goes straight into the buffer when the
	 * section's fixed part fits (it is written before the pages, and CRC'd before them). */
	if (!w_full(w) && meta <= w->cap - w->len)
		bitmap = w->buf + w->len + 8;
	for (uint32_t i = 0; i < words; i++) {
		uint32_t bits = 0, n = pages - 32 * i < 32 ? pages - 32 * i : 32;

		for (uint32_t b = 0; b < n; b++)
			if (!page_is_zero(src + ((size_t)i * 32 + b) * SNAP_PAGE_SIZE)) {
				bits |= 1u << b;
				present++;
			}
		if (bitmap)
			le32_put(bitmap + 4 * i, bits);
	}
	total = meta + (uint64_t)present * SNAP_PAGE_SIZE;
	if (!bitmap) {
		w->need = add_sat(w->need, total);
		return;
	}
	if (!w_room(w, total))
		return;
	/* Pass 2: the fixed part's CRC, then each present page copied and CRC'd. */
	le32_put(head, SNAP_PAGE_SIZE);
	le32_put(head + 4, pages);
	memcpy(w->buf + w->len, head, 8);
	c = crc_run(~w->crc, w->buf + w->len, (size_t)meta);
	w->len += (size_t)meta;
	for (uint32_t i = 0; i < words; i++) {
		uint32_t bits = le32_get(bitmap + 4 * i);

		for (uint32_t b = 0; bits; b++, bits >>= 1) {
			uint8_t *dst = w->buf + w->len;

			if (!(bits & 1))
				continue;
			/* CRC the copy (in cache by now), not guest RAM: what is stored is
			 * what is checked, whatever the source does meanwhile. */
			memcpy(dst, src + ((size_t)i * 32 + b) * SNAP_PAGE_SIZE, SNAP_PAGE_SIZE);
			c = crc_run(c, dst, SNAP_PAGE_SIZE);
			w->len += SNAP_PAGE_SIZE;
		}
	}
	w->crc = ~c;
	w->need = w->len;
}

void snap_end_section(struct snap_writer *w)
{
	static const uint8_t zeros[8];
	uint64_t plen;
	size_t pad;

	if (!w->section)
		return;
	plen = (uint64_t)(w->need - w->section) - SNAP_SECTION_HEADER_SIZE;
	pad = (size_t)(-plen & 7);
	if (!w_full(w)) {
		uint8_t *h = w->buf + w->section;

		/* (A payload over 4 GiB cannot be described; snap_finish() refuses it.) */
		if (plen <= UINT32_MAX) {
			le32_put(h + S_LENGTH, (uint32_t)plen);
			le32_put(h + S_CRC, crc_combine(snap_crc32(0, h, 12), w->crc, plen));
		}
	}
	if (!w_full(w) && plen <= UINT32_MAX) {
		uint8_t c[4];
		le32_put(c, le32_get(w->buf + w->section + S_CRC));
		w->content = snap_crc32(w->content, c, 4);
	}
	w_raw(w, zeros, pad);
	w->section = 0;
	w->crc = 0;
	w->sections++;
}

/* A size the header (u32) and snap_finish()'s return value (long) can both express. */
static int size_ok(uint64_t n)
{
	return n <= UINT32_MAX && n <= (uint64_t)__LONG_MAX__;
}

long snap_finish(struct snap_writer *w)
{
	if (w->section)
		snap_end_section(w);
	snap_section(w, SNAP_END, 0);
	snap_end_section(w);
	/* The format counts in u32, and the size is returned as a long. */
	if (w_full(w) || !size_ok(w->len))
		return -E2BIG;
	le32_put(w->buf + H_TOTAL, (uint32_t)w->len);
	le32_put(w->buf + H_COUNT, w->sections);
	le32_put(w->buf + H_CONTENT, w->content);
	le32_put(w->buf + H_CRC, snap_crc32(0, w->buf, H_CRC));
	return (long)w->len;
}

/* ---- Reading ---- */

static const char *const type_names[SNAP_TYPE_MAX + 1] = {
	[SNAP_VM] = "VM",     [SNAP_VCPU] = "VCPU",       [SNAP_VGIC] = "VGIC",
	[SNAP_UART] = "UART", [SNAP_TESTDEV] = "TESTDEV", [SNAP_RAM] = "RAM",
	[SNAP_END] = "END",
};

static int known_type(uint32_t type)
{
	return type >= 1 && type <= SNAP_TYPE_MAX;
}

/* "3 (VCPU 1)", "1 (VM)", "5 (type 9)": how a section is named in reasons; numbered from
 * 1, the first section after the header being section 1. */
static void section_name(char *buf, size_t len, unsigned n, uint32_t type, uint32_t instance)
{
	if (!known_type(type))
		fmt_snprintf(buf, len, "%u (type %u)", n, type);
	else if (type == SNAP_VCPU || instance)
		fmt_snprintf(buf, len, "%u (%s %u)", n, type_names[type], instance);
	else
		fmt_snprintf(buf, len, "%u (%s)", n, type_names[type]);
}

static uint32_t popcount32(uint32_t v)
{
	v = v - (v >> 1 & 0x55555555u);
	v = (v & 0x33333333u) + (v >> 2 & 0x33333333u);
	v = (v + (v >> 4)) & 0x0f0f0f0fu;
	return (v * 0x01010101u) >> 24;
}

/* A RAM payload's structure against the number of pages it should hold: 0, or why not
 * (message without the section name). */
static int ram_check(const uint8_t *p, uint32_t length, uint32_t want_pages, char *why,
		     size_t why_len)
{
	uint32_t psize, pages, words, present = 0;
	uint64_t want;

	if (length < 8) {
		fmt_snprintf(why, why_len, "payload of %u bytes, shorter than its page size and count",
			     length);
		return -EINVAL;
	}
	psize = le32_get(p);
	pages = le32_get(p + 4);
	if (psize != SNAP_PAGE_SIZE) {
		fmt_snprintf(why, why_len, "page size %u, expected %u", psize, SNAP_PAGE_SIZE);
		return -EINVAL;
	}
	if (pages != want_pages) {
		fmt_snprintf(why, why_len, "%u pages, expected %u", pages, want_pages);
		return -EINVAL;
	}
	words = pages / 32 + (pages % 32 != 0);
	if ((length - 8) / 4 < words) {
		fmt_snprintf(why, why_len, "length %u, too short for the bitmap of %u pages", length,
			     pages);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < words; i++)
		present += popcount32(le32_get(p + 8 + 4 * i));
	if (pages % 32 && le32_get(p + 8 + 4 * (words - 1)) >> (pages % 32)) {
		fmt_snprintf(why, why_len, "bitmap has bits set past page %u", pages - 1);
		return -EINVAL;
	}
	want = 8 + 4 * (uint64_t)words + (uint64_t)present * SNAP_PAGE_SIZE;
	if (length != want) {
		fmt_snprintf(why, why_len, "length %u, but the bitmap's %u present pages take %llu",
			     length, present, (unsigned long long)want);
		return -EINVAL;
	}
	return 0;
}

struct shape_field {
	uint32_t off;
	const char *fmt; /* snapshot's value, then this VM's */
};

int snap_parse(const void *buf, size_t len, const struct snap_shape *expect,
	       struct snap_index *idx, char *why, size_t why_len)
{
	const uint8_t *b = buf;
	uint32_t version, hsize, total, count, crc, off, n, content = 0;
	uint32_t seen_types = 0;
	uint64_t seen_vcpus = 0;
	struct snap_shape *sh = &idx->shape;
	char name[48], sub[96];
	int err;

	memset(idx, 0, sizeof(*idx));
	if (why && why_len)
		why[0] = '\0';
	if (!why)
		why_len = 0;
#define REFUSE(e, ...)                                            \
	do {                                                      \
		fmt_snprintf(why, why_len, __VA_ARGS__);          \
		return (e);                                       \
	} while (0)

	/* Magic, version, then everything the header CRC covers. */
	if (!b || !len)
		REFUSE(-E2BIG, "truncated: 0 bytes given, the header alone is %u", SNAP_HEADER_SIZE);
	if (memcmp(b, SNAP_MAGIC, len < 8 ? len : 8))
		REFUSE(-EINVAL, "not a snapshot (bad magic)");
	if (len < SNAP_HEADER_SIZE)
		REFUSE(-E2BIG, "truncated: %llu bytes given, the header alone is %u",
		       (unsigned long long)len, SNAP_HEADER_SIZE);
	version = le32_get(b + H_VERSION);
	if (version != SNAP_VERSION)
		REFUSE(-EPROTO, "version %u, this hypervisor reads version %u", version, SNAP_VERSION);
	crc = snap_crc32(0, b, H_CRC);
	if (le32_get(b + H_CRC) != crc)
		REFUSE(-EINVAL, "header: CRC mismatch (stored %08x, computed %08x)", le32_get(b + H_CRC),
		       crc);
	hsize = le32_get(b + H_HSIZE);
	if (hsize != SNAP_HEADER_SIZE)
		REFUSE(-EINVAL, "header: header size %u, expected %u", hsize, SNAP_HEADER_SIZE);
	for (unsigned i = H_RESERVED; i < H_CRC; i++)
		if (b[i])
			REFUSE(-EINVAL, "header: reserved byte %u is not zero", i);
	total = le32_get(b + H_TOTAL);
	count = le32_get(b + H_COUNT);
	sh->vcpus = le32_get(b + H_VCPUS);
	sh->nr_irqs = le32_get(b + H_NR_IRQS);
	sh->ram_ipa = le32_get(b + H_RAM_IPA);
	sh->ram_size = le32_get(b + H_RAM_SIZE);
	sh->gicd_ipa = le32_get(b + H_GICD_IPA);
	sh->gicc_ipa = le32_get(b + H_GICC_IPA);
	idx->total = total;
	idx->crc = le32_get(b + H_CONTENT);
	if (total < SNAP_HEADER_SIZE + SNAP_SECTION_HEADER_SIZE || total % 8)
		REFUSE(-EINVAL, "header: total size %u is not a multiple of 8 of at least %u", total,
		       SNAP_HEADER_SIZE + SNAP_SECTION_HEADER_SIZE);
	if (count > SNAP_MAX_SECTIONS)
		REFUSE(-EINVAL, "header: %u sections, more than the %u a snapshot can have", count,
		       SNAP_MAX_SECTIONS);
	if (sh->vcpus < 1 || sh->vcpus > SNAP_MAX_VCPUS)
		REFUSE(-EINVAL, "header: %u vCPUs, the format holds 1 to %u", sh->vcpus,
		       SNAP_MAX_VCPUS);
	if (!sh->ram_size || sh->ram_size % SNAP_PAGE_SIZE)
		REFUSE(-EINVAL, "header: RAM size 0x%x is not a non-zero multiple of %u", sh->ram_size,
		       SNAP_PAGE_SIZE);
	if (len < total)
		REFUSE(-E2BIG, "truncated: the header says %u bytes, %llu given", total,
		       (unsigned long long)len);

	/* The sections, up to END. */
	for (off = SNAP_HEADER_SIZE, n = 0;; n++) {
		const uint8_t *h = b + off;
		uint32_t type, inst, length, pad, scrc;
		struct snap_section_ref *s;

		if (off == total)
			REFUSE(-EINVAL, "the sections end at the total size %u without an END section",
			       total);
		/* (Unreachable while vCPUs are capped at 58: the 64th distinct section can only
		 * be END. It keeps idx->s[] safe whatever the other checks become.) */
		if (n == SNAP_MAX_SECTIONS)
			REFUSE(-EINVAL, "more than %u sections", SNAP_MAX_SECTIONS);
		if (total - off < SNAP_SECTION_HEADER_SIZE)
			REFUSE(-EINVAL, "section %u at offset %u: its header runs past the total size %u",
			       n + 1, off, total);
		type = le32_get(h + S_TYPE);
		inst = le32_get(h + S_INSTANCE);
		length = le32_get(h + S_LENGTH);
		section_name(name, sizeof(name), n + 1, type, inst);
		pad = -length & 7;
		if (length > total - off - SNAP_SECTION_HEADER_SIZE ||
		    pad > total - off - SNAP_SECTION_HEADER_SIZE - length)
			REFUSE(-EINVAL,
			       "section %s at offset %u: its %u bytes run past the total size %u", name,
			       off, length, total);
		crc = snap_crc32(snap_crc32(0, h, 12), h + SNAP_SECTION_HEADER_SIZE, length);
		scrc = le32_get(h + S_CRC);
		if (scrc != crc)
			REFUSE(-EINVAL, "section %s: CRC mismatch (stored %08x, computed %08x)", name,
			       scrc, crc);
		content = snap_crc32(content, h + S_CRC, 4);
		for (uint32_t i = 0; i < pad; i++)
			if (h[SNAP_SECTION_HEADER_SIZE + length + i])
				REFUSE(-EINVAL, "section %s: padding byte %u is not zero", name, i);
		if (!known_type(type))
			REFUSE(-EINVAL, "section %s: unknown type %u", name, type);
		if (type == SNAP_VCPU) {
			if (inst >= sh->vcpus)
				REFUSE(-EINVAL, "section %s: instance %u, the snapshot has %u vCPUs", name,
				       inst, sh->vcpus);
			if (seen_vcpus >> inst & 1)
				REFUSE(-EINVAL, "section %s: a second VCPU %u section", name, inst);
			seen_vcpus |= 1ull << inst;
		} else {
			if (inst)
				REFUSE(-EINVAL, "section %s: instance %u, a %s section is instance 0", name,
				       inst, type_names[type]);
			if (seen_types >> type & 1)
				REFUSE(-EINVAL, "section %s: a second %s section", name, type_names[type]);
			seen_types |= 1u << type;
		}
		switch (type) {
		case SNAP_VM:
		case SNAP_VCPU:
		case SNAP_UART:
			if (length % 8)
				REFUSE(-EINVAL, "section %s: length %u is not a whole number of 8-byte records",
				       name, length);
			break;
		case SNAP_VGIC:
			if (length % 16)
				REFUSE(-EINVAL,
				       "section %s: length %u is not a whole number of 16-byte records", name,
				       length);
			break;
		case SNAP_RAM:
			err = ram_check(h + SNAP_SECTION_HEADER_SIZE, length,
					sh->ram_size / SNAP_PAGE_SIZE, sub, sizeof(sub));
			if (err)
				REFUSE(err, "section %s: %s", name, sub);
			break;
		case SNAP_END:
			if (length)
				REFUSE(-EINVAL, "section %s: length %u, END is empty", name, length);
			break;
		}
		s = &idx->s[n];
		s->type = type;
		s->instance = inst;
		s->length = length;
		s->payload = h + SNAP_SECTION_HEADER_SIZE;
		idx->count = n + 1;
		off += SNAP_SECTION_HEADER_SIZE + length + pad;
		if (type == SNAP_END)
			break;
	}
	if (off != total)
		REFUSE(-EINVAL, "section %s ends at offset %u, but the header's total size is %u",
		       name, off, total);
	if (content != idx->crc)
		REFUSE(-EINVAL, "header: content CRC %08x, the sections' CRCs give %08x", idx->crc,
		       content);
	if (n + 1 != count)
		REFUSE(-EINVAL, "header: %u sections, but there are %u", count, n + 1);
	for (uint32_t t = SNAP_VM; t < SNAP_END; t++)
		if (t != SNAP_VCPU && !(seen_types >> t & 1))
			REFUSE(-EINVAL, "no %s section", type_names[t]);
	for (uint32_t v = 0; v < sh->vcpus; v++)
		if (!(seen_vcpus >> v & 1))
			REFUSE(-EINVAL, "no VCPU section for vCPU %u", v);

	/* A sound snapshot: is it of this VM? */
	if (expect) {
		if (sh->vcpus != expect->vcpus)
			REFUSE(-ENODEV, "VM shape: snapshot has %u vCPUs, this VM has %u", sh->vcpus,
			       expect->vcpus);
		if (sh->nr_irqs != expect->nr_irqs)
			REFUSE(-ENODEV,
			       "VM shape: snapshot has %u interrupt lines (nr_irqs), this VM has %u",
			       sh->nr_irqs, expect->nr_irqs);
		if (sh->ram_ipa != expect->ram_ipa)
			REFUSE(-ENODEV,
			       "VM shape: snapshot's RAM is at IPA 0x%08x (ram_ipa), this VM's at 0x%08x",
			       sh->ram_ipa, expect->ram_ipa);
		if (sh->ram_size != expect->ram_size)
			REFUSE(-ENODEV,
			       "VM shape: snapshot has 0x%x bytes of RAM (ram_size), this VM has 0x%x",
			       sh->ram_size, expect->ram_size);
		if (sh->gicd_ipa != expect->gicd_ipa)
			REFUSE(-ENODEV,
			       "VM shape: snapshot's GIC distributor is at IPA 0x%08x (gicd_ipa), this "
			       "VM's at 0x%08x",
			       sh->gicd_ipa, expect->gicd_ipa);
		if (sh->gicc_ipa != expect->gicc_ipa)
			REFUSE(-ENODEV,
			       "VM shape: snapshot's GIC CPU interface is at IPA 0x%08x (gicc_ipa), this "
			       "VM's at 0x%08x",
			       sh->gicc_ipa, expect->gicc_ipa);
	}
#undef REFUSE
	return 0;
}

const struct snap_section_ref *snap_find(const struct snap_index *idx, enum snap_type type,
					 uint32_t instance)
{
	for (unsigned i = 0; i < idx->count && i < SNAP_MAX_SECTIONS; i++)
		if (idx->s[i].type == (uint32_t)type && idx->s[i].instance == instance)
			return &idx->s[i];
	return NULL;
}

int snap_rec(const struct snap_section_ref *s, unsigned n, uint32_t *id, uint32_t *value)
{
	const uint8_t *r;

	if (!s || (s->type != SNAP_VM && s->type != SNAP_VCPU && s->type != SNAP_UART))
		return -EINVAL;
	if (n >= s->length / 8)
		return -ENOENT;
	r = s->payload + (size_t)n * 8;
	*id = le32_get(r);
	*value = le32_get(r + 4);
	return 0;
}

int snap_vgic_rec(const struct snap_section_ref *s, unsigned n, uint32_t *group, uint64_t *attr,
		  uint32_t *value)
{
	const uint8_t *r;

	if (!s || s->type != SNAP_VGIC)
		return -EINVAL;
	if (n >= s->length / 16)
		return -ENOENT;
	r = s->payload + (size_t)n * 16;
	*group = le32_get(r);
	*attr = (uint64_t)le32_get(r + 8) << 32 | le32_get(r + 4);
	*value = le32_get(r + 12);
	return 0;
}

int snap_get_ram(const struct snap_section_ref *s, void *ram, uint32_t size)
{
	uint8_t *dst = ram;
	const uint8_t *src;
	uint32_t pages = size / SNAP_PAGE_SIZE, words;

	if (!s || s->type != SNAP_RAM || size % SNAP_PAGE_SIZE ||
	    ram_check(s->payload, s->length, pages, NULL, 0))
		return -EINVAL;
	words = pages / 32 + (pages % 32 != 0);
	src = s->payload + 8 + 4 * (size_t)words;
	for (uint32_t i = 0; i < pages; i++, dst += SNAP_PAGE_SIZE) {
		if (le32_get(s->payload + 8 + 4 * (i / 32)) >> (i % 32) & 1) {
			memcpy(dst, src, SNAP_PAGE_SIZE);
			src += SNAP_PAGE_SIZE;
		} else {
			memset(dst, 0, SNAP_PAGE_SIZE);
		}
	}
	return 0;
}

/* The snapshot byte format (hyp/snap_format.c, docs/snapshot-format.md): CRC32 against a
 * bitwise reference, the exact byte layout of a small snapshot, write/parse/read-back
 * round trips, zero-page elision, every refusal the parser has (each single-bit flip,
 * truncations, versions, shapes, section lists, padding, reserved bytes), the writer
 * running out of room (exact `need`, nothing past `cap`), the record and RAM readers, and
 * a deterministic mutation fuzz loop (ASan/UBSan watch the accesses). */
#define CHECK_SUITE "snap_format"
#include "check.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/snap_format.h"
#include "snap_ref.h"

#define PAGE 4096u
#define FULL_PAGES 64
#define BIG (FULL_PAGES * PAGE + 16384) /* room for the full snapshot */

/* A failed check that also prints the parser's reason. */
#define CHECK_WHY(cond, why)                                                                 \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			check_fail_(__FILE__, __LINE__, "%s (reason: \"%s\")", #cond, (why)); \
			return;                                                              \
		}                                                                            \
	} while (0)

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* The header CRC recomputed after an edit. */
static void fix_header(uint8_t *b)
{
	put_le32(b + 60, ref_crc(b, 60));
}

/* Every section CRC recomputed, walking lengths as far as they stay inside len, then the
 * header's. */
static void fix_all(uint8_t *b, size_t len)
{
	size_t off = SNAP_HEADER_SIZE;

	while (off + SNAP_SECTION_HEADER_SIZE <= len) {
		uint32_t length = le32(b + off + 8);

		if (length > len - off - SNAP_SECTION_HEADER_SIZE)
			break;
		put_le32(b + off + 12,
			 snap_crc32(snap_crc32(0, b + off, 12), b + off + SNAP_SECTION_HEADER_SIZE,
				    length));
		off += SNAP_SECTION_HEADER_SIZE + align8(length);
	}
	if (len >= SNAP_HEADER_SIZE)
		fix_header(b);
}

/* Offset of the n-th section (0-based) of a well-formed snapshot. */
static size_t section_off(const uint8_t *b, unsigned n)
{
	size_t off = SNAP_HEADER_SIZE;

	while (n--)
		off += SNAP_SECTION_HEADER_SIZE + align8(le32(b + off + 8));
	return off;
}

/* The content CRC by the reference: CRC32 of every section's stored CRC, in order, END
 * included (the header's count says how many). */
static uint32_t content_crc(const uint8_t *b)
{
	uint32_t c = 0, sections = le32(b + 20);

	for (unsigned i = 0; i < sections; i++)
		c = ref_crc_update(c, b + section_off(b, i) + 12, 4);
	return c;
}

/* ---- Test data ---- */

static const struct snap_shape SHAPE2 = {
	.vcpus = 2, .nr_irqs = 160, .ram_ipa = 0x80000000, .ram_size = FULL_PAGES * PAGE,
	.gicd_ipa = 0x2c001000, .gicc_ipa = 0x2c002000,
};

static _Alignas(4096) uint8_t ram_src[FULL_PAGES * PAGE];
static _Alignas(4096) uint8_t ram_dst[FULL_PAGES * PAGE + PAGE];
static _Alignas(8) uint8_t snap_a[BIG], snap_b[BIG];

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Pages 0, 3, 6, ... and 40-49 all zero; page 1 non-zero only in its last byte, page 2
 * only in its first; the rest random. */
static int page_present(unsigned i)
{
	return !(i % 3 == 0 || (i >= 40 && i < 50));
}

static unsigned fill_ram(uint8_t *ram, unsigned pages)
{
	unsigned present = 0;

	memset(ram, 0, (size_t)pages * PAGE);
	for (unsigned i = 0; i < pages; i++) {
		uint8_t *p = ram + (size_t)i * PAGE;

		if (!page_present(i))
			continue;
		present++;
		if (i == 1)
			p[PAGE - 1] = 0x80;
		else if (i == 2)
			p[0] = 1;
		else
			for (unsigned k = 0; k < PAGE; k++)
				p[k] = (uint8_t)rnd();
	}
	return present;
}

#define NREC_VCPU 40
#define NREC_VGIC 20
static const uint8_t testdev_bytes[5] = { 't', 'e', 's', 't', 0xff };

static uint32_t vcpu_val(unsigned v, unsigned i)
{
	return 0x10000u * v + 7 * i + 0x80000000u * (i & 1);
}

static uint64_t vgic_attr(unsigned i)
{
	return (uint64_t)(i % 3) << 32 | (0x100 + 4 * i);
}

/* A snapshot with records in every section and RAM from `ram`. */
static long write_full(struct snap_writer *w, void *buf, size_t cap, const struct snap_shape *sh,
		       const uint8_t *ram)
{
	snap_start(w, buf, cap, sh);
	snap_section(w, SNAP_VM, 0);
	snap_put_rec(w, 1, 0x11111111);
	snap_put_rec(w, 2, 0x22222222);
	for (unsigned v = 0; v < sh->vcpus; v++) {
		snap_section(w, SNAP_VCPU, v);
		for (unsigned i = 0; i < NREC_VCPU; i++)
			snap_put_rec(w, i, vcpu_val(v, i));
		snap_end_section(w);
	}
	snap_section(w, SNAP_VGIC, 0);
	for (unsigned i = 0; i < NREC_VGIC; i++)
		snap_put_vgic(w, 1 + i % 3, vgic_attr(i), 0xa0000000u + i);
	snap_end_section(w);
	snap_section(w, SNAP_UART, 0);
	snap_put_rec(w, 0x24, 1);
	snap_put_rec(w, 0x30, 0x301);
	snap_end_section(w);
	snap_section(w, SNAP_TESTDEV, 0);
	snap_put(w, testdev_bytes, sizeof(testdev_bytes)); /* 5 bytes: 3 of padding */
	snap_end_section(w);
	snap_section(w, SNAP_RAM, 0);
	snap_put_ram(w, ram, sh->ram_size);
	snap_end_section(w);
	return snap_finish(w);
}

/* The size write_full() must produce for `present` non-zero pages. */
static size_t full_size(const struct snap_shape *sh, unsigned present)
{
	unsigned pages = sh->ram_size / PAGE;

	return SNAP_HEADER_SIZE + (16 + 16) + sh->vcpus * (16 + 8 * NREC_VCPU) +
	       (16 + 16 * NREC_VGIC) + (16 + 16) + (16 + 8) +
	       (16 + align8(8 + 4 * ((pages + 31) / 32) + (size_t)PAGE * present)) + 16;
}

/* A small valid snapshot: 1 vCPU, 2 pages of RAM (the second present). */
static const struct snap_shape SHAPE1 = {
	.vcpus = 1, .nr_irqs = 64, .ram_ipa = 0x80000000, .ram_size = 2 * PAGE,
	.gicd_ipa = 0x2c001000, .gicc_ipa = 0x2c002000,
};

static long write_small(struct snap_writer *w, void *buf, size_t cap)
{
	static _Alignas(4096) uint8_t ram[2 * PAGE];

	memset(ram, 0, PAGE);
	for (unsigned k = 0; k < PAGE; k++)
		ram[PAGE + k] = (uint8_t)(k * 7 + 1);
	snap_start(w, buf, cap, &SHAPE1);
	snap_section(w, SNAP_VM, 0);
	snap_put_rec(w, 1, 2);
	snap_section(w, SNAP_VCPU, 0);
	snap_put_rec(w, 0x25, 0x80008000);
	snap_put_rec(w, 0x26, 0x1d3);
	snap_section(w, SNAP_VGIC, 0);
	snap_put_vgic(w, 1, 0x100, 0xffff);
	snap_put_vgic(w, 2, 0x100000004ull, 0xf0);
	snap_section(w, SNAP_UART, 0);
	snap_put_rec(w, 0x30, 0x301);
	snap_section(w, SNAP_TESTDEV, 0);
	snap_put(w, "abcde", 5);
	snap_section(w, SNAP_RAM, 0);
	snap_put_ram(w, ram, sizeof(ram));
	return snap_finish(w);
}

static struct snap_index IDX;
static char why[256];

static int parse(const void *buf, size_t len, const struct snap_shape *expect)
{
	memset(why, 0, sizeof(why));
	return snap_parse(buf, len, expect, &IDX, why, sizeof(why));
}

/* ---- CRC32 ---- */

static void test_crc32_check_values(void)
{
	static uint8_t big[100003];

	CHECK_EQ(snap_crc32(0, "", 0), 0);
	CHECK_EQ(snap_crc32(0, NULL, 0), 0);
	CHECK_EQ(snap_crc32(0x12345678, NULL, 0), 0x12345678);
	CHECK_EQ(snap_crc32(0, "123456789", 9), 0xcbf43926);
	CHECK_EQ(snap_crc32(0, "a", 1), 0xe8b7be43);
	CHECK_EQ(ref_crc("123456789", 9), 0xcbf43926); /* the reference itself */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)rnd();
	CHECK_EQ(snap_crc32(0, big, sizeof(big)), ref_crc(big, sizeof(big)));
	/* Every alignment and short length (head, 8-byte body and tail paths). */
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n < 80; n++)
			CHECK_EQ_AT(snap_crc32(0, big + off, n), ref_crc(big + off, n), off * 1000 + n);
	/* Chaining: crc(A then B) from crc(A), at every split of a short buffer. */
	for (size_t split = 0; split <= 100; split++)
		CHECK_EQ_AT(snap_crc32(snap_crc32(0, big + 3, split), big + 3 + split, 100 - split),
			    ref_crc(big + 3, 100), split);
	/* All-zero and all-one data. */
	memset(big, 0, 4096);
	CHECK_EQ(snap_crc32(0, big, 4096), ref_crc(big, 4096));
	memset(big, 0xff, 4096);
	CHECK_EQ(snap_crc32(0, big, 4096), ref_crc(big, 4096));
}

/* ---- Layout ---- */

/* Every byte of a small snapshot, against the format as docs/snapshot-format.md gives it,
 * with CRCs from the bitwise reference. */
static void test_exact_layout(void)
{
	static _Alignas(4096) uint8_t zero_page[PAGE];
	const struct snap_shape sh = { 1, 96, 0x80000000, PAGE, 0x2c001000, 0x2c002000 };
	struct snap_writer w;
	uint8_t *b = snap_a, *s;
	long n;
	size_t off;

	memset(b, 0xee, 1024);
	snap_start(&w, b, 1024, &sh);
	snap_section(&w, SNAP_VM, 0);
	snap_put_rec(&w, 1, 2);
	snap_section(&w, SNAP_VCPU, 0);
	snap_put_rec(&w, 3, 4);
	snap_section(&w, SNAP_VGIC, 0);
	snap_put_vgic(&w, 5, 0x0000000700000006ull, 8);
	snap_section(&w, SNAP_UART, 0);
	snap_put_rec(&w, 9, 10);
	snap_section(&w, SNAP_TESTDEV, 0);
	snap_put(&w, "abc", 3);
	snap_section(&w, SNAP_RAM, 0);
	snap_put_ram(&w, zero_page, PAGE);
	n = snap_finish(&w);
	/* 64 + VM 24 + VCPU 24 + VGIC 32 + UART 24 + TESTDEV 16+3+5 + RAM 16+12+4 + END 16 */
	CHECK_EQ(n, 64 + 24 + 24 + 32 + 24 + 24 + 32 + 16);
	CHECK_EQ(w.len, (size_t)n);
	CHECK_EQ(w.need, (size_t)n);
	CHECK_EQ(w.sections, 7);
	/* Header. */
	CHECK(!memcmp(b, "HYPSNAP\0", 8));
	CHECK_EQ(le32(b + 8), SNAP_VERSION);
	CHECK_EQ(le32(b + 12), 64);
	CHECK_EQ(le32(b + 16), (uint32_t)n);
	CHECK_EQ(le32(b + 20), 7);
	CHECK_EQ(le32(b + 24), 1);
	CHECK_EQ(le32(b + 28), 96);
	CHECK_EQ(le32(b + 32), 0x80000000);
	CHECK_EQ(le32(b + 36), PAGE);
	CHECK_EQ(le32(b + 40), 0x2c001000);
	CHECK_EQ(le32(b + 44), 0x2c002000);
	CHECK_EQ(le32(b + 48), content_crc(b));
	for (int i = 52; i < 60; i++)
		CHECK_EQ_AT(b[i], 0, i);
	CHECK_EQ(le32(b + 60), ref_crc(b, 60));
	/* Sections: type, instance, length, CRC over the 12 bytes and the payload, payload,
	 * zero padding to 8. */
	{
		static const struct {
			uint32_t type, length;
			uint8_t payload[16];
		} want[] = {
			{ SNAP_VM, 8, { 1, 0, 0, 0, 2, 0, 0, 0 } },
			{ SNAP_VCPU, 8, { 3, 0, 0, 0, 4, 0, 0, 0 } },
			{ SNAP_VGIC, 16, { 5, 0, 0, 0, 6, 0, 0, 0, 7, 0, 0, 0, 8, 0, 0, 0 } },
			{ SNAP_UART, 8, { 9, 0, 0, 0, 10, 0, 0, 0 } },
			{ SNAP_TESTDEV, 3, { 'a', 'b', 'c' } },
			{ SNAP_RAM, 12, { 0, 0x10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 } },
			{ SNAP_END, 0, { 0 } },
		};

		off = 64;
		for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			s = b + off;
			CHECK_EQ_AT(off % 8, 0, i);
			CHECK_EQ_AT(le32(s), want[i].type, i);
			CHECK_EQ_AT(le32(s + 4), 0, i);
			CHECK_EQ_AT(le32(s + 8), want[i].length, i);
			CHECK_EQ_AT(memcmp(s + 16, want[i].payload, want[i].length), 0, i);
			CHECK_EQ_AT(le32(s + 12),
				    ref_crc_update(ref_crc(s, 12), s + 16, want[i].length), i);
			for (size_t p = want[i].length; p < align8(want[i].length); p++)
				CHECK_EQ_AT(s[16 + p], 0, i * 100 + p);
			off += 16 + align8(want[i].length);
		}
		CHECK_EQ(off, (size_t)n);
	}
	CHECK_EQ(b[n], 0xee); /* nothing written past the end */
	CHECK_EQ(parse(b, (size_t)n, &sh), 0);
}

/* ---- Round trip ---- */

static void test_round_trip(void)
{
	struct snap_writer w;
	unsigned present = fill_ram(ram_src, FULL_PAGES);
	const struct snap_section_ref *s;
	uint32_t id, val, grp;
	uint64_t attr;
	long n;

	n = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	CHECK_EQ(n, full_size(&SHAPE2, present));
	CHECK_EQ(w.need, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, &SHAPE2), 0);
	CHECK_EQ(why[0], 0);
	CHECK(!memcmp(&IDX.shape, &SHAPE2, sizeof(SHAPE2)));
	CHECK_EQ(IDX.total, (uint32_t)n);
	CHECK_EQ(IDX.crc, content_crc(snap_a));
	CHECK_EQ(IDX.crc, le32(snap_a + 48));
	CHECK_EQ(IDX.count, 2 + 6);
	/* Every section where it was written, every CRC right by the reference. */
	for (unsigned i = 0; i < IDX.count; i++) {
		size_t off = section_off(snap_a, i);

		CHECK_EQ_AT(IDX.s[i].payload, snap_a + off + 16, i);
		CHECK_EQ_AT(le32(snap_a + off + 12),
			    ref_crc_update(ref_crc(snap_a + off, 12), snap_a + off + 16,
					   IDX.s[i].length),
			    i);
	}
	CHECK_EQ(IDX.s[IDX.count - 1].type, SNAP_END);
	/* VM. */
	s = snap_find(&IDX, SNAP_VM, 0);
	CHECK(s && s->length == 16);
	CHECK_EQ(snap_rec(s, 0, &id, &val), 0);
	CHECK(id == 1 && val == 0x11111111);
	CHECK_EQ(snap_rec(s, 1, &id, &val), 0);
	CHECK(id == 2 && val == 0x22222222);
	CHECK_EQ(snap_rec(s, 2, &id, &val), -ENOENT);
	/* vCPUs. */
	for (unsigned v = 0; v < 2; v++) {
		s = snap_find(&IDX, SNAP_VCPU, v);
		CHECK(s != NULL);
		CHECK_EQ(s->instance, v);
		for (unsigned i = 0; i < NREC_VCPU; i++) {
			CHECK_EQ(snap_rec(s, i, &id, &val), 0);
			CHECK_EQ_AT(id, i, i);
			CHECK_EQ_AT(val, vcpu_val(v, i), i);
		}
		CHECK_EQ(snap_rec(s, NREC_VCPU, &id, &val), -ENOENT);
	}
	CHECK(snap_find(&IDX, SNAP_VCPU, 2) == NULL);
	/* VGIC. */
	s = snap_find(&IDX, SNAP_VGIC, 0);
	CHECK(s != NULL);
	for (unsigned i = 0; i < NREC_VGIC; i++) {
		CHECK_EQ(snap_vgic_rec(s, i, &grp, &attr, &val), 0);
		CHECK_EQ_AT(grp, 1 + i % 3, i);
		CHECK_EQ_AT(attr, vgic_attr(i), i);
		CHECK_EQ_AT(val, 0xa0000000u + i, i);
	}
	CHECK_EQ(snap_vgic_rec(s, NREC_VGIC, &grp, &attr, &val), -ENOENT);
	/* UART, TESTDEV. */
	s = snap_find(&IDX, SNAP_UART, 0);
	CHECK(s != NULL);
	CHECK_EQ(snap_rec(s, 1, &id, &val), 0);
	CHECK(id == 0x30 && val == 0x301);
	s = snap_find(&IDX, SNAP_TESTDEV, 0);
	CHECK(s && s->length == sizeof(testdev_bytes));
	CHECK(!memcmp(s->payload, testdev_bytes, sizeof(testdev_bytes)));
	/* RAM, over garbage: absent pages come back zero. */
	s = snap_find(&IDX, SNAP_RAM, 0);
	CHECK(s != NULL);
	memset(ram_dst, 0xcc, sizeof(ram_dst));
	CHECK_EQ(snap_get_ram(s, ram_dst, SHAPE2.ram_size), 0);
	CHECK(!memcmp(ram_dst, ram_src, SHAPE2.ram_size));
	CHECK_EQ(ram_dst[SHAPE2.ram_size], 0xcc); /* and nothing past it */
	/* The same snapshot from a misaligned buffer and RAM source. */
	memmove(snap_b + 1, snap_a, (size_t)n);
	CHECK_EQ(parse(snap_b + 1, (size_t)n, &SHAPE2), 0);
	memset(ram_dst, 0xcc, sizeof(ram_dst));
	CHECK_EQ(snap_get_ram(snap_find(&IDX, SNAP_RAM, 0), ram_dst + 3, SHAPE2.ram_size), 0);
	CHECK(!memcmp(ram_dst + 3, ram_src, SHAPE2.ram_size));
	memmove(ram_dst + 1, ram_src, SHAPE2.ram_size);
	CHECK_EQ(write_full(&w, snap_b + 5, sizeof(snap_b) - 5, &SHAPE2, ram_dst + 1), n);
	CHECK(!memcmp(snap_b + 5, snap_a, (size_t)n));
}

static void test_zero_page_elision(void)
{
	struct snap_writer w;
	const size_t ram_payload_max = 8 + 4 * 2 + (size_t)FULL_PAGES * PAGE;
	long all, none, mixed;
	unsigned present;

	memset(ram_src, 0, sizeof(ram_src));
	none = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	CHECK_EQ(none, full_size(&SHAPE2, 0));
	CHECK_EQ(parse(snap_a, (size_t)none, &SHAPE2), 0);
	CHECK_EQ(snap_find(&IDX, SNAP_RAM, 0)->length, 8 + 4 * 2);
	memset(ram_src, 0x5a, sizeof(ram_src));
	all = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	CHECK_EQ(all, full_size(&SHAPE2, FULL_PAGES));
	CHECK_EQ(parse(snap_a, (size_t)all, &SHAPE2), 0);
	CHECK_EQ(snap_find(&IDX, SNAP_RAM, 0)->length, ram_payload_max);
	CHECK_EQ(le32(snap_find(&IDX, SNAP_RAM, 0)->payload + 8), 0xffffffff);
	CHECK_EQ(all - none, (long)FULL_PAGES * PAGE);
	present = fill_ram(ram_src, FULL_PAGES);
	mixed = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	CHECK_EQ(mixed - none, (long)present * PAGE);
	CHECK_EQ(parse(snap_a, (size_t)mixed, &SHAPE2), 0);
	/* The bitmap says exactly which pages are there (pages 1 and 2 only have one
	 * non-zero byte, at the end and at the start). */
	for (unsigned i = 0; i < FULL_PAGES; i++)
		CHECK_EQ_AT(le32(snap_find(&IDX, SNAP_RAM, 0)->payload + 8 + 4 * (i / 32)) >> (i % 32) & 1,
			    page_present(i), i);
	/* One non-zero byte anywhere makes a page present. */
	for (unsigned k = 0; k < PAGE; k += 97) {
		memset(ram_src, 0, 2 * PAGE);
		ram_src[PAGE + k] = 1;
		snap_start(&w, snap_a, sizeof(snap_a), &SHAPE1);
		snap_section(&w, SNAP_RAM, 0);
		snap_put_ram(&w, ram_src, 2 * PAGE);
		snap_end_section(&w);
		CHECK_EQ_AT(w.len, 64 + 16 + 8 + 4 + PAGE + 4, k);
		CHECK_EQ_AT(le32(snap_a + 64 + 16 + 8), 2, k);
	}
}

/* ---- Refusals ---- */

/* Every single-bit change of a small snapshot is refused, with a reason. */
static void test_every_bit_flip_refused(void)
{
	struct snap_writer w;
	long n = write_small(&w, snap_a, sizeof(snap_a));
	unsigned sections_hit = 0;

	CHECK(n > 0);
	CHECK_EQ(parse(snap_a, (size_t)n, &SHAPE1), 0);
	for (size_t bit = 0; bit < (size_t)n * 8; bit++) {
		int r, r2;

		snap_a[bit / 8] ^= (uint8_t)(1u << bit % 8);
		r = parse(snap_a, (size_t)n, NULL);
		CHECK_WHY(r != 0 && why[0], why);
		CHECK_EQ_AT(r == -EINVAL || r == -E2BIG || r == -EPROTO, 1, bit);
		r2 = parse(snap_a, (size_t)n, &SHAPE1);
		CHECK_EQ_AT(r2, r, bit);
		if (bit % 8 == 0 && strstr(why, "CRC mismatch") && strstr(why, "section "))
			sections_hit++;
		snap_a[bit / 8] ^= (uint8_t)(1u << bit % 8);
	}
	CHECK_EQ(parse(snap_a, (size_t)n, &SHAPE1), 0);
	CHECK(sections_hit > 0);
}

static void test_crc_reasons(void)
{
	struct snap_writer w;
	long n = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	size_t off = section_off(snap_a, 2); /* VM, VCPU 0, VCPU 1 */
	uint32_t stored, computed;
	char want[128];

	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	CHECK_EQ(le32(snap_a + off), SNAP_VCPU);
	CHECK_EQ(le32(snap_a + off + 4), 1);
	snap_a[off + 16 + 13] ^= 0x40;
	stored = le32(snap_a + off + 12);
	computed = ref_crc_update(ref_crc(snap_a + off, 12), snap_a + off + 16, le32(snap_a + off + 8));
	snprintf(want, sizeof(want), "section 3 (VCPU 1): CRC mismatch (stored %08x, computed %08x)",
		 stored, computed);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(!strcmp(why, want), why);
	snap_a[off + 16 + 13] ^= 0x40;
	/* The header's. */
	snap_a[36] ^= 1;
	snprintf(want, sizeof(want), "header: CRC mismatch (stored %08x, computed %08x)",
		 le32(snap_a + 60), ref_crc(snap_a, 60));
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(!strcmp(why, want), why);
	snap_a[36] ^= 1;
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
}

static void test_truncation_refused(void)
{
	struct snap_writer w;
	long n = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	size_t cuts[64 + 16];
	unsigned nc = 0;
	char want[96];

	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	/* Every section boundary, and inside headers and payloads. */
	for (unsigned i = 0; i < IDX.count; i++) {
		size_t off = section_off(snap_a, i);

		cuts[nc++] = off;
		cuts[nc++] = off + 1;
		cuts[nc++] = off + 15;
		cuts[nc++] = off + 16;
		if (IDX.s[i].length > 8)
			cuts[nc++] = off + 16 + IDX.s[i].length / 2;
	}
	cuts[nc++] = 0;
	cuts[nc++] = 1;
	cuts[nc++] = 7;
	cuts[nc++] = 8;
	cuts[nc++] = 63;
	cuts[nc++] = (size_t)n - 1;
	for (unsigned i = 0; i < nc; i++) {
		int r;

		if (cuts[i] >= (size_t)n) /* END's end */
			continue;
		r = parse(snap_a, cuts[i], NULL);
		CHECK_EQ_AT(r == -E2BIG || r == -EINVAL, 1, cuts[i]);
		CHECK_WHY(strstr(why, "truncated"), why);
	}
	snprintf(want, sizeof(want), "truncated: the header says %ld bytes, %ld given", n, n - 100);
	CHECK_EQ(parse(snap_a, (size_t)n - 100, NULL), -E2BIG);
	CHECK_WHY(!strcmp(why, want), why);
}

/* The header's total size governs: bytes after it in the buffer are not looked at (a
 * snapshot in a bigger buffer or a padded file); bytes before it after END are refused. */
static void test_bytes_after_total(void)
{
	struct snap_writer w;
	long n = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);

	memset(snap_a + n, 0xa5, 100);
	CHECK_EQ(parse(snap_a, (size_t)n + 100, &SHAPE2), 0);
	CHECK_EQ(IDX.total, (uint32_t)n);
	CHECK_EQ(IDX.s[IDX.count - 1].payload, snap_a + n);
	memset(snap_a + n, 0, 8);
	put_le32(snap_a + 16, (uint32_t)n + 8);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n + 100, &SHAPE2), -EINVAL);
	CHECK_WHY(strstr(why, "(END) ends at offset"), why);
}

static void test_magic_and_version(void)
{
	struct snap_writer w;
	long n = write_small(&w, snap_a, sizeof(snap_a));

	snap_a[3] = 'X';
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(!strcmp(why, "not a snapshot (bad magic)"), why);
	CHECK_EQ(parse(snap_a, 5, NULL), -EINVAL); /* even when short */
	CHECK_WHY(!strcmp(why, "not a snapshot (bad magic)"), why);
	snap_a[3] = 'S';
	snap_a[7] = '!'; /* the NUL is part of the magic */
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	snap_a[7] = 0;
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	/* Another version: refused as such, whether or not its header CRC is right. */
	put_le32(snap_a + 8, 2);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EPROTO);
	CHECK_WHY(!strcmp(why, "version 2, this hypervisor reads version 1"), why);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, &SHAPE1), -EPROTO);
	CHECK_WHY(!strcmp(why, "version 2, this hypervisor reads version 1"), why);
	put_le32(snap_a + 8, 0);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EPROTO);
	CHECK_WHY(!strcmp(why, "version 0, this hypervisor reads version 1"), why);
	/* A bigger header of a future version is still "version N". */
	put_le32(snap_a + 8, 7);
	put_le32(snap_a + 12, 128);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EPROTO);
}

static void test_shape_mismatch(void)
{
	static const struct {
		size_t off;
		uint32_t other;
		const char *field, *snap_val, *vm_val;
	} f[] = {
		{ offsetof(struct snap_shape, vcpus), 1, "vCPUs", "snapshot has 2 vCPUs", "this VM has 1" },
		{ offsetof(struct snap_shape, nr_irqs), 128, "interrupt lines", "160", "128" },
		{ offsetof(struct snap_shape, ram_ipa), 0x40000000, "RAM is at", "0x80000000", "0x40000000" },
		{ offsetof(struct snap_shape, ram_size), 0x100000, "bytes of RAM", "0x40000", "0x100000" },
		{ offsetof(struct snap_shape, gicd_ipa), 0x2c010000, "distributor", "0x2c001000", "0x2c010000" },
		{ offsetof(struct snap_shape, gicc_ipa), 0x2c020000, "CPU interface", "0x2c002000", "0x2c020000" },
	};
	struct snap_writer w;
	long n = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);

	CHECK_EQ(parse(snap_a, (size_t)n, &SHAPE2), 0);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	CHECK_EQ(parse(snap_a, (size_t)n, &SHAPE2), 0);
	for (unsigned i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		struct snap_shape vm = SHAPE2;

		memcpy((uint8_t *)&vm + f[i].off, &f[i].other, 4);
		CHECK_EQ_AT(parse(snap_a, (size_t)n, &vm), -ENODEV, i);
		CHECK_WHY(!strncmp(why, "VM shape: ", 10), why);
		CHECK_WHY(strstr(why, f[i].field), why);
		CHECK_WHY(strstr(why, f[i].snap_val), why);
		CHECK_WHY(strstr(why, f[i].vm_val), why);
	}
	{
		struct snap_shape vm = SHAPE2;

		vm.vcpus = 1;
		CHECK_EQ(parse(snap_a, (size_t)n, &vm), -ENODEV);
		CHECK_WHY(!strcmp(why, "VM shape: snapshot has 2 vCPUs, this VM has 1"), why);
	}
}

/* A 2-vCPU snapshot with one record per section and 4 pages of zero RAM, with one thing
 * wrong: `skip` a type (VCPU: vCPU 1's), `dup` one type twice, `extra` a section of that
 * unknown type, `early_end` an END in the middle, `vcpu_inst` for vCPU 1's instance,
 * `vm_inst` for the VM section's. */
struct variant {
	int skip, dup, extra, early_end, vcpu_inst, vm_inst;
};

static long write_variant(uint8_t *buf, size_t cap, const struct variant *v)
{
	static _Alignas(4096) uint8_t zram[4 * PAGE];
	const struct snap_shape sh = { 2, 160, 0x80000000, 4 * PAGE, 0x2c001000, 0x2c002000 };
	struct snap_writer w;

	snap_start(&w, buf, cap, &sh);
	for (int t = SNAP_VM; t < SNAP_END; t++) {
		for (int rep = 0; rep < (v->dup == t ? 2 : 1); rep++) {
			for (unsigned inst = 0; inst < (t == SNAP_VCPU ? 2u : 1u); inst++) {
				uint32_t as = inst; /* the instance written */

				if (v->skip == t && (t != SNAP_VCPU || inst == 1))
					continue;
				if (t == SNAP_VCPU && inst == 1 && v->vcpu_inst)
					as = (uint32_t)v->vcpu_inst;
				if (t == SNAP_VM)
					as = (uint32_t)v->vm_inst;
				snap_section(&w, (enum snap_type)t, as);
				if (t == SNAP_RAM)
					snap_put_ram(&w, zram, sizeof(zram));
				else if (t == SNAP_VGIC)
					snap_put_vgic(&w, 1, 2, 3);
				else
					snap_put_rec(&w, 1, 2);
			}
		}
		if (v->extra && t == SNAP_UART) {
			snap_section(&w, (enum snap_type)v->extra, 0);
			snap_put_rec(&w, 1, 2);
		}
		if (v->early_end && t == SNAP_VGIC)
			snap_section(&w, SNAP_END, 0);
	}
	return snap_finish(&w);
}

static void test_section_list_refusals(void)
{
	static const char *const names[] = { "", "VM", "VCPU", "VGIC", "UART", "TESTDEV", "RAM" };
	struct variant v;
	char want[64];
	long n;

	memset(&v, 0, sizeof(v));
	n = write_variant(snap_a, sizeof(snap_a), &v);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	/* Missing. */
	for (int t = SNAP_VM; t < SNAP_END; t++) {
		memset(&v, 0, sizeof(v));
		v.skip = t;
		n = write_variant(snap_a, sizeof(snap_a), &v);
		CHECK_EQ_AT(parse(snap_a, (size_t)n, NULL), -EINVAL, t);
		if (t == SNAP_VCPU)
			snprintf(want, sizeof(want), "no VCPU section for vCPU 1");
		else
			snprintf(want, sizeof(want), "no %s section", names[t]);
		CHECK_WHY(!strcmp(why, want), why);
	}
	/* Twice. */
	for (int t = SNAP_VM; t < SNAP_END; t++) {
		memset(&v, 0, sizeof(v));
		v.dup = t;
		n = write_variant(snap_a, sizeof(snap_a), &v);
		CHECK_EQ_AT(parse(snap_a, (size_t)n, NULL), -EINVAL, t);
		CHECK_WHY(strstr(why, "a second"), why);
		CHECK_WHY(strstr(why, names[t]), why);
	}
	/* Unknown types. */
	for (int t = 0; t < 12; t += 8) {
		memset(&v, 0, sizeof(v));
		v.extra = t ? 9 : 0x7fffffff;
		n = write_variant(snap_a, sizeof(snap_a), &v);
		CHECK_EQ_AT(parse(snap_a, (size_t)n, NULL), -EINVAL, t);
		CHECK_WHY(strstr(why, "unknown type"), why);
	}
	/* END not last. */
	memset(&v, 0, sizeof(v));
	v.early_end = 1;
	n = write_variant(snap_a, sizeof(snap_a), &v);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "(END) ends at offset"), why);
	/* Instances out of range. */
	memset(&v, 0, sizeof(v));
	v.vcpu_inst = 2;
	n = write_variant(snap_a, sizeof(snap_a), &v);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "instance 2, the snapshot has 2 vCPUs"), why);
	memset(&v, 0, sizeof(v));
	v.vm_inst = 1;
	n = write_variant(snap_a, sizeof(snap_a), &v);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "(VM 1): instance 1"), why);
}

static void test_header_refusals(void)
{
	struct snap_writer w;
	long n = write_small(&w, snap_a, sizeof(snap_a));
	size_t end_off;

	memcpy(snap_b, snap_a, (size_t)n);
	/* The content CRC: the sections' CRCs must give it. */
	memcpy(snap_a, snap_b, (size_t)n);
	snap_a[48] ^= 1;
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "content CRC"), why);
	/* Reserved bytes, one at a time. */
	for (int i = 52; i < 60; i++) {
		memcpy(snap_a, snap_b, (size_t)n);
		snap_a[i] = 0x10;
		fix_header(snap_a);
		CHECK_EQ_AT(parse(snap_a, (size_t)n, NULL), -EINVAL, i);
		CHECK_WHY(strstr(why, "reserved"), why);
	}
	/* Header size. */
	memcpy(snap_a, snap_b, (size_t)n);
	put_le32(snap_a + 12, 72);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "header size 72"), why);
	/* Section count, off by one either way, and beyond the limit. */
	for (int d = -1; d <= 1; d += 2) {
		memcpy(snap_a, snap_b, (size_t)n);
		put_le32(snap_a + 20, le32(snap_a + 20) + (uint32_t)d);
		fix_header(snap_a);
		CHECK_EQ_AT(parse(snap_a, (size_t)n, NULL), -EINVAL, d);
		CHECK_WHY(strstr(why, "sections, but there are 7"), why);
	}
	memcpy(snap_a, snap_b, (size_t)n);
	put_le32(snap_a + 20, SNAP_MAX_SECTIONS + 1);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "more than the 64"), why);
	/* Total size: larger than the sections (zero bytes after END, inside the total). */
	memcpy(snap_a, snap_b, (size_t)n);
	memset(snap_a + n, 0, 8);
	put_le32(snap_a + 16, (uint32_t)n + 8);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n + 8, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "but the header's total size is"), why);
	/* Not a multiple of 8, or too small for anything. */
	memcpy(snap_a, snap_b, (size_t)n);
	put_le32(snap_a + 16, (uint32_t)n - 4);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "total size"), why);
	put_le32(snap_a + 16, 72);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	/* Smaller: the sections run past it. */
	memcpy(snap_a, snap_b, (size_t)n);
	put_le32(snap_a + 16, (uint32_t)n - 16);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "without an END") || strstr(why, "past the total"), why);
	/* No END at all (the header adjusted to match). */
	memcpy(snap_a, snap_b, (size_t)n);
	end_off = (size_t)n - 16;
	CHECK_EQ(le32(snap_a + end_off), SNAP_END);
	put_le32(snap_a + 16, (uint32_t)end_off);
	put_le32(snap_a + 20, 6);
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, end_off, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "without an END section"), why);
	/* vCPU count and RAM size the format cannot hold. */
	for (int i = 0; i < 5; i++) {
		static const uint32_t off[] = { 24, 24, 36, 36, 36 };
		static const uint32_t val[] = { 0, SNAP_MAX_SECTIONS - 5, 0, 4095, 0x1800 };

		memcpy(snap_a, snap_b, (size_t)n);
		put_le32(snap_a + off[i], val[i]);
		fix_header(snap_a);
		CHECK_EQ_AT(parse(snap_a, (size_t)n, NULL), -EINVAL, i);
		CHECK_WHY(strstr(why, "header: "), why);
	}
}

static void test_section_content_refusals(void)
{
	struct snap_writer w;
	long n = write_small(&w, snap_a, sizeof(snap_a));
	/* write_small's order: VM, VCPU 0, VGIC, UART, TESTDEV (5 bytes), RAM, END */
	size_t testdev = section_off(snap_a, 4), ram = section_off(snap_a, 5);
	uint8_t *big = snap_b;
	long m;

	CHECK_EQ(le32(snap_a + testdev), SNAP_TESTDEV);
	CHECK_EQ(le32(snap_a + ram), SNAP_RAM);
	/* Padding: not covered by the CRC, checked on its own. */
	snap_a[testdev + 16 + 6] = 1;
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "section 5 (TESTDEV): padding byte 1 is not zero"), why);
	snap_a[testdev + 16 + 6] = 0;
	/* A section header that runs past the total: length too big. */
	put_le32(snap_a + testdev + 8, 1u << 20);
	fix_all(snap_a, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "run past the total size"), why);
	put_le32(snap_a + testdev + 8, 0xfffffffc); /* wraps if added carelessly */
	fix_header(snap_a);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "run past the total size"), why);
	put_le32(snap_a + testdev + 8, 5);
	fix_all(snap_a, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	/* RAM: page size, page count, bitmap bits past the count, length. */
	put_le32(snap_a + ram + 16, 8192);
	fix_all(snap_a, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "(RAM): page size 8192"), why);
	put_le32(snap_a + ram + 16, PAGE);
	put_le32(snap_a + ram + 20, 3);
	fix_all(snap_a, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "(RAM): 3 pages, expected 2"), why);
	put_le32(snap_a + ram + 20, 2);
	CHECK_EQ(le32(snap_a + ram + 24), 2); /* page 1 present */
	put_le32(snap_a + ram + 24, 2 | 1u << 5);
	fix_all(snap_a, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "past page 1"), why);
	put_le32(snap_a + ram + 24, 3); /* two present pages, one page of data */
	fix_all(snap_a, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "2 present pages take"), why);
	put_le32(snap_a + ram + 24, 2);
	fix_all(snap_a, (size_t)n);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	/* Record sections that are not whole records; a RAM section with more after it; an
	 * END with a payload; a RAM section of the wrong size for the header. */
	for (int k = 0; k < 5; k++) {
		static _Alignas(4096) uint8_t zram[2 * PAGE];
		static const char *const want[] = {
			"(VM): length 12 is not a whole number of 8-byte records",
			"(VGIC): length 8 is not a whole number of 16-byte records",
			"(RAM): length 20, but the bitmap's 0 present pages take 12",
			"(END): length 8, END is empty",
			"(RAM): 1 pages, expected 2",
		};

		snap_start(&w, big, BIG, &SHAPE1);
		snap_section(&w, SNAP_VM, 0);
		snap_put(&w, "twelve bytes", k == 0 ? 12 : 8);
		snap_section(&w, SNAP_VCPU, 0);
		snap_section(&w, SNAP_VGIC, 0);
		snap_put(&w, "16 bytes of VGIC", k == 1 ? 8 : 16);
		snap_section(&w, SNAP_UART, 0);
		snap_section(&w, SNAP_TESTDEV, 0);
		snap_section(&w, SNAP_RAM, 0);
		snap_put_ram(&w, zram, k == 4 ? PAGE : 2 * PAGE);
		if (k == 2)
			snap_put(&w, "12345678", 8);
		if (k == 3) {
			snap_section(&w, SNAP_END, 0);
			snap_put(&w, "12345678", 8);
		}
		m = snap_finish(&w);
		CHECK(m > 0);
		CHECK_EQ_AT(parse(big, (size_t)m, NULL), -EINVAL, k);
		CHECK_WHY(strstr(why, want[k]), why);
	}
	/* More sections than the format has room for, from the writer. */
	snap_start(&w, big, BIG, &SHAPE1);
	for (int i = 0; i < SNAP_MAX_SECTIONS; i++)
		snap_section(&w, SNAP_TESTDEV, 0);
	m = snap_finish(&w);
	CHECK_EQ(w.sections, SNAP_MAX_SECTIONS + 1);
	CHECK_EQ(parse(big, (size_t)m, NULL), -EINVAL);
	CHECK_WHY(strstr(why, "65 sections, more than"), why);
}

/* ---- Writer ---- */

static uint8_t room_buf[BIG + 256];

/* Writing into every capacity around the snapshot's boundaries (and many others): -E2BIG
 * until it fits, need always the full size, nothing written at or past cap. */
static void test_writer_out_of_room(void)
{
	struct snap_writer w;
	long full, small;
	size_t caps[4096];
	unsigned nc = 0;

	fill_ram(ram_src, FULL_PAGES);
	full = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	CHECK(full > 0);
	CHECK_EQ(parse(snap_a, (size_t)full, &SHAPE2), 0);
	for (size_t c = 0; c < 200; c++)
		caps[nc++] = c;
	for (unsigned i = 0; i < IDX.count; i++) {
		size_t off = section_off(snap_a, i);

		for (size_t d = 0; d < 34; d++)
			caps[nc++] = off + d - 9;
		if (IDX.s[i].length > 64)
			for (int k = 1; k < 64; k++)
				caps[nc++] = off + 16 + IDX.s[i].length / 64 * (size_t)k + (size_t)k % 5;
	}
	for (size_t d = 0; d < 10; d++)
		caps[nc++] = (size_t)full + d - 5;
	caps[nc++] = (size_t)full + 1000;
	for (unsigned i = 0; i < nc; i++) {
		size_t cap = caps[i];
		long r;

		memset(room_buf, 0xa5, sizeof(room_buf));
		r = write_full(&w, room_buf, cap, &SHAPE2, ram_src);
		CHECK_EQ_AT(w.need, (size_t)full, cap);
		if (cap < (size_t)full) {
			CHECK_EQ_AT(r, -E2BIG, cap);
		} else {
			CHECK_EQ_AT(r, full, cap);
			CHECK_EQ_AT(memcmp(room_buf, snap_a, (size_t)full), 0, cap);
		}
		for (size_t k = cap < (size_t)full ? cap : (size_t)full; k < cap + 256; k++)
			if (room_buf[k] != 0xa5)
				CHECK_EQ_AT(room_buf[k], 0xa5, k);
	}
	/* Every capacity of the small one. */
	small = write_small(&w, snap_b, BIG);
	for (size_t cap = 0; cap <= (size_t)small + 8; cap++) {
		long r;

		memset(room_buf, 0xa5, (size_t)small + 300);
		r = write_small(&w, room_buf, cap);
		CHECK_EQ_AT(r, cap < (size_t)small ? -E2BIG : small, cap);
		CHECK_EQ_AT(w.need, (size_t)small, cap);
		for (size_t k = cap < (size_t)small ? cap : (size_t)small; k < (size_t)small + 300; k++)
			if (room_buf[k] != 0xa5)
				CHECK_EQ_AT(room_buf[k], 0xa5, k);
	}
	/* Measuring: no buffer at all. */
	CHECK_EQ(write_full(&w, NULL, 0, &SHAPE2, ram_src), -E2BIG);
	CHECK_EQ(w.need, (size_t)full);
	CHECK_EQ(w.len, 0);
	CHECK_EQ(write_full(&w, NULL, 12345, &SHAPE2, ram_src), -E2BIG);
	CHECK_EQ(w.need, (size_t)full);
}

/* What the writer does with calls out of order (docs/snapshot-format.md, "Writer"). */
static void test_writer_usage(void)
{
	struct snap_writer w;
	long ref = write_small(&w, snap_a, BIG), n;
	static _Alignas(4096) uint8_t ram[2 * PAGE];

	CHECK(ref > 0);
	memset(ram, 0, PAGE);
	for (unsigned k = 0; k < PAGE; k++)
		ram[PAGE + k] = (uint8_t)(k * 7 + 1);
	/* Explicit snap_end_section() calls (also doubled) change nothing; data outside a
	 * section is ignored; records split across snap_put() calls are the same bytes. */
	snap_start(&w, snap_b, BIG, &SHAPE1);
	snap_put_rec(&w, 0xdead, 0xbeef); /* no section open: ignored */
	snap_put(&w, "ignored", 7);
	snap_put_ram(&w, ram, sizeof(ram));
	snap_end_section(&w);
	CHECK_EQ(w.len, SNAP_HEADER_SIZE);
	CHECK_EQ(w.sections, 0);
	snap_section(&w, SNAP_VM, 0);
	snap_put(&w, "\x01\x00\x00", 3);
	snap_put(&w, "\x00\x02\x00\x00\x00", 5);
	snap_end_section(&w);
	snap_end_section(&w);
	snap_section(&w, SNAP_VCPU, 0);
	snap_put_rec(&w, 0x25, 0x80008000);
	snap_put_rec(&w, 0x26, 0x1d3);
	snap_section(&w, SNAP_VGIC, 0); /* closes VCPU 0 */
	snap_put_vgic(&w, 1, 0x100, 0xffff);
	snap_put_vgic(&w, 2, 0x100000004ull, 0xf0);
	snap_section(&w, SNAP_UART, 0);
	snap_put_rec(&w, 0x30, 0x301);
	snap_section(&w, SNAP_TESTDEV, 0);
	for (int i = 0; i < 5; i++)
		snap_put(&w, &"abcde"[i], 1);
	snap_put(&w, NULL, 0);
	snap_section(&w, SNAP_RAM, 0);
	snap_put_ram(&w, ram, sizeof(ram));
	n = snap_finish(&w); /* closes RAM */
	CHECK_EQ(n, ref);
	CHECK(!memcmp(snap_a, snap_b, (size_t)n));
	/* A RAM size that is not whole pages: the partial page is left out. */
	snap_start(&w, snap_b, BIG, &SHAPE1);
	snap_section(&w, SNAP_RAM, 0);
	snap_put_ram(&w, ram, PAGE + 100);
	snap_end_section(&w);
	CHECK_EQ(le32(snap_b + 64 + 8), 12);
	CHECK_EQ(le32(snap_b + 64 + 16 + 4), 1);
	CHECK_EQ(le32(snap_b + 64 + 16 + 8), 0);
	/* No shape: all zero, which the parser refuses. */
	snap_start(&w, snap_b, BIG, NULL);
	n = snap_finish(&w);
	CHECK_EQ(n, 64 + 16);
	CHECK_EQ(le32(snap_b + 24), 0);
	CHECK_EQ(parse(snap_b, (size_t)n, NULL), -EINVAL);
}

/* ---- Readers ---- */

static void test_record_readers(void)
{
	struct snap_writer w;
	long n = write_small(&w, snap_a, sizeof(snap_a));
	const struct snap_section_ref *vm, *vcpu, *vgic, *ram;
	uint32_t id = 0x1234, val = 0x5678, grp;
	uint64_t attr;

	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	vm = snap_find(&IDX, SNAP_VM, 0);
	vcpu = snap_find(&IDX, SNAP_VCPU, 0);
	vgic = snap_find(&IDX, SNAP_VGIC, 0);
	ram = snap_find(&IDX, SNAP_RAM, 0);
	CHECK(vm && vcpu && vgic && ram);
	CHECK(snap_find(&IDX, SNAP_VCPU, 1) == NULL);
	CHECK(snap_find(&IDX, SNAP_VM, 1) == NULL);
	CHECK(snap_find(&IDX, (enum snap_type)0, 0) == NULL);
	CHECK(snap_find(&IDX, SNAP_END, 0) == &IDX.s[IDX.count - 1]);
	CHECK_EQ(snap_rec(vcpu, 0, &id, &val), 0);
	CHECK(id == 0x25 && val == 0x80008000);
	CHECK_EQ(snap_rec(vcpu, 1, &id, &val), 0);
	CHECK(id == 0x26 && val == 0x1d3);
	id = val = 7;
	CHECK_EQ(snap_rec(vcpu, 2, &id, &val), -ENOENT);
	CHECK(id == 7 && val == 7); /* untouched */
	CHECK_EQ(snap_rec(vcpu, 0xffffffffu, &id, &val), -ENOENT);
	CHECK_EQ(snap_rec(vcpu, 0x20000000u, &id, &val), -ENOENT); /* n * 8 wraps in 32 bits */
	CHECK_EQ(snap_vgic_rec(vgic, 1, &grp, &attr, &val), 0);
	CHECK(grp == 2 && attr == 0x100000004ull && val == 0xf0);
	CHECK_EQ(snap_vgic_rec(vgic, 2, &grp, &attr, &val), -ENOENT);
	CHECK_EQ(snap_vgic_rec(vgic, 0x10000000u, &grp, &attr, &val), -ENOENT);
	/* The wrong reader for the section. */
	CHECK_EQ(snap_rec(vgic, 0, &id, &val), -EINVAL);
	CHECK_EQ(snap_rec(ram, 0, &id, &val), -EINVAL);
	CHECK_EQ(snap_rec(NULL, 0, &id, &val), -EINVAL);
	CHECK_EQ(snap_vgic_rec(vm, 0, &grp, &attr, &val), -EINVAL);
	CHECK_EQ(snap_vgic_rec(NULL, 0, &grp, &attr, &val), -EINVAL);
	/* Empty record sections. */
	{
		struct snap_section_ref e = { SNAP_UART, 0, 0, snap_a };

		CHECK_EQ(snap_rec(&e, 0, &id, &val), -ENOENT);
	}
}

static void test_get_ram_sizes(void)
{
	struct snap_writer w;
	long n;
	const struct snap_section_ref *ram;

	fill_ram(ram_src, FULL_PAGES);
	n = write_full(&w, snap_a, sizeof(snap_a), &SHAPE2, ram_src);
	CHECK_EQ(parse(snap_a, (size_t)n, NULL), 0);
	ram = snap_find(&IDX, SNAP_RAM, 0);
	memset(ram_dst, 0xcc, sizeof(ram_dst));
	CHECK_EQ(snap_get_ram(ram, ram_dst, SHAPE2.ram_size - PAGE), -EINVAL);
	CHECK_EQ(snap_get_ram(ram, ram_dst, SHAPE2.ram_size + PAGE), -EINVAL);
	CHECK_EQ(snap_get_ram(ram, ram_dst, SHAPE2.ram_size + 1), -EINVAL);
	CHECK_EQ(snap_get_ram(ram, ram_dst, 0), -EINVAL);
	CHECK_EQ(snap_get_ram(snap_find(&IDX, SNAP_VM, 0), ram_dst, SHAPE2.ram_size), -EINVAL);
	CHECK_EQ(snap_get_ram(NULL, ram_dst, SHAPE2.ram_size), -EINVAL);
	for (size_t i = 0; i < sizeof(ram_dst); i++) /* refusals write nothing */
		if (ram_dst[i] != 0xcc)
			CHECK_EQ_AT(ram_dst[i], 0xcc, i);
	/* A hand-made section whose length disagrees with its bitmap. */
	{
		struct snap_section_ref bad = *ram;

		bad.length -= PAGE;
		CHECK_EQ(snap_get_ram(&bad, ram_dst, SHAPE2.ram_size), -EINVAL);
		bad.length = 4;
		CHECK_EQ(snap_get_ram(&bad, ram_dst, SHAPE2.ram_size), -EINVAL);
	}
	CHECK_EQ(snap_get_ram(ram, ram_dst, SHAPE2.ram_size), 0);
	CHECK(!memcmp(ram_dst, ram_src, SHAPE2.ram_size));
}

/* The parser's reason buffer: truncated safely, optional. */
static void test_reason_buffer(void)
{
	struct snap_writer w;
	long n = write_small(&w, snap_a, sizeof(snap_a));
	char small[8];

	snap_a[0] ^= 1;
	memset(small, 'x', sizeof(small));
	CHECK_EQ(snap_parse(snap_a, (size_t)n, NULL, &IDX, small, sizeof(small)), -EINVAL);
	CHECK(!strcmp(small, "not a s"));
	CHECK_EQ(snap_parse(snap_a, (size_t)n, NULL, &IDX, NULL, 0), -EINVAL);
	CHECK_EQ(snap_parse(snap_a, (size_t)n, NULL, &IDX, small, 0), -EINVAL);
	snap_a[0] ^= 1;
	memset(small, 'x', sizeof(small));
	CHECK_EQ(snap_parse(snap_a, (size_t)n, NULL, &IDX, small, sizeof(small)), 0);
	CHECK_EQ(small[0], 0);
	CHECK_EQ(snap_parse(NULL, 0, NULL, &IDX, small, sizeof(small)), -E2BIG);
}

/* ---- Mutation fuzz ---- */

static int accepted_walk_ok(const uint8_t *buf, size_t len)
{
	const uint8_t *end = buf + IDX.total;
	uint32_t id, val, grp;
	uint64_t attr;

	if (IDX.total > len || IDX.count < 7 || IDX.count > SNAP_MAX_SECTIONS)
		return 0;
	for (unsigned i = 0; i < IDX.count; i++) {
		const struct snap_section_ref *s = &IDX.s[i];
		unsigned nrec = 0;

		if (s->payload < buf + SNAP_HEADER_SIZE + 16 || s->payload > end ||
		    s->length > (size_t)(end - s->payload))
			return 0;
		if (snap_find(&IDX, s->type, s->instance) != s)
			return 0;
		switch (s->type) {
		case SNAP_VM:
		case SNAP_VCPU:
		case SNAP_UART:
			while (!snap_rec(s, nrec, &id, &val))
				nrec++;
			if (nrec != s->length / 8)
				return 0;
			break;
		case SNAP_VGIC:
			while (!snap_vgic_rec(s, nrec, &grp, &attr, &val))
				nrec++;
			if (nrec != s->length / 16)
				return 0;
			break;
		case SNAP_RAM:
			if (IDX.shape.ram_size <= 1u << 20) {
				uint8_t *ram = malloc(IDX.shape.ram_size);

				if (!ram || snap_get_ram(s, ram, IDX.shape.ram_size)) {
					free(ram);
					return 0;
				}
				free(ram);
			}
			if (!snap_get_ram(s, ram_dst, IDX.shape.ram_size + PAGE))
				return 0;
			break;
		}
	}
	return 1;
}

static void test_mutation_fuzz(void)
{
	struct snap_writer w;
	static _Alignas(4096) uint8_t ram[8 * PAGE];
	static const uint32_t interesting[] = { 0, 1, 7, 8, 16, 63, 64, 0x7fffffff, 0x80000000,
						0xfffffff8, 0xffffffff, PAGE, SNAP_MAX_SECTIONS };
	const struct snap_shape sh = { 2, 96, 0x80000000, 8 * PAGE, 0x2c001000, 0x2c002000 };
	uint8_t *base = snap_b;
	long n;
	unsigned accepted = 0, iters = 50000;

	memset(ram, 0, sizeof(ram));
	for (unsigned k = 0; k < 64; k++)
		ram[3 * PAGE + k * 61] = (uint8_t)(k + 1);
	memset(ram + 6 * PAGE + 100, 0x77, 300);
	rng = 12345;
	n = write_full(&w, base, BIG, &sh, ram);
	CHECK(n > 0);
	CHECK_EQ(parse(base, (size_t)n, &sh), 0);
	for (unsigned it = 0; it < iters; it++) {
		size_t len = (size_t)n, cap = (size_t)n + 64;
		uint8_t *buf = malloc(cap);
		unsigned muts = 1 + rnd() % 4;
		int r;

		CHECK(buf != NULL);
		memcpy(buf, base, len);
		for (unsigned m = 0; m < muts; m++) {
			size_t at = len ? rnd() % len : 0;

			switch (rnd() % 8) {
			case 0: /* a bit */
				if (len)
					buf[at] ^= (uint8_t)(1u << rnd() % 8);
				break;
			case 1: /* a byte */
				if (len)
					buf[at] = (uint8_t)rnd();
				break;
			case 2: /* a header or section field: an interesting value */
				at = rnd() % 2 ? 8 + 4 * (rnd() % 13)
					       : section_off(base, rnd() % 9) + 4 * (rnd() % 4);
				if (at + 4 <= len)
					put_le32(buf + at, interesting[rnd() % 13] +
								   (rnd() % 4 == 0 ? rnd() % 17 - 8 : 0));
				break;
			case 3: /* insert garbage */
				if (len < cap) {
					size_t k = 1 + rnd() % (cap - len);

					memmove(buf + at + k, buf + at, len - at);
					for (size_t i = 0; i < k; i++)
						buf[at + i] = (uint8_t)rnd();
					len += k;
				}
				break;
			case 4: /* delete */
				if (len) {
					size_t k = 1 + rnd() % (len - at < 40 ? len - at : 40);

					memmove(buf + at, buf + at + k, len - at - k);
					len -= k;
				}
				break;
			case 5: /* truncate */
				len = at;
				break;
			case 6: /* copy a 16-byte range over another (sections, headers) */
				if (len >= 32) {
					size_t from = rnd() % (len - 16);

					at = rnd() % (len - 16);
					memmove(buf + at, buf + from, 16);
				}
				break;
			case 7: /* a record's value (stays valid after fix-up) */
				if (len >= 96)
					put_le32(buf + 64 + 16 + 4 + 8 * (rnd() % 2), rnd());
				break;
			}
		}
		if (rnd() % 2)
			fix_all(buf, len);
		r = snap_parse(buf, len, rnd() % 2 ? &sh : NULL, &IDX, why, sizeof(why));
		if (r) {
			CHECK_EQ_AT(r == -EINVAL || r == -E2BIG || r == -EPROTO || r == -ENODEV, 1, it);
			CHECK_EQ_AT(why[0] != 0, 1, it);
		} else {
			accepted++;
			CHECK_EQ_AT(accepted_walk_ok(buf, len), 1, it);
		}
		free(buf);
	}
	/* Enough got through to exercise the readers. */
	CHECK(accepted > iters / 100);
}

int main(void)
{
	RUN(crc32_check_values);
	RUN(exact_layout);
	RUN(round_trip);
	RUN(zero_page_elision);
	RUN(every_bit_flip_refused);
	RUN(crc_reasons);
	RUN(truncation_refused);
	RUN(bytes_after_total);
	RUN(magic_and_version);
	RUN(shape_mismatch);
	RUN(section_list_refusals);
	RUN(header_refusals);
	RUN(section_content_refusals);
	RUN(writer_out_of_room);
	RUN(writer_usage);
	RUN(record_readers);
	RUN(get_ram_sizes);
	RUN(reason_buffer);
	RUN(mutation_fuzz);
	return check_exit();
}

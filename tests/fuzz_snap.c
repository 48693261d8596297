/* libFuzzer target for the snapshot codec (hyp/snap_format.c, docs/snapshot-format.md).
 * Not a tests/test_*.c file on purpose: the Makefile builds those with gcc as host tests.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -I. -Itests tests/fuzz_snap.c hyp/snap_format.c hyp/snap_disk.c lib/fmt.c -o /tmp/fuzz_snap
 *   /tmp/fuzz_snap -max_total_time=120 [CORPUS_DIR]
 *
 * The first input byte picks what the rest is:
 *   bit 1 clear: raw bytes given to snap_parse() (bit 0 set: every CRC recomputed first,
 *                so the structural checks behind the CRCs get explored too);
 *   bit 1 set:   a recipe for the writer (shape, records, RAM contents, buffer capacity);
 *                what it writes must parse and read back as written, the writer must not
 *                touch a byte at or past its capacity, and `need` must be exact. The rest
 *                of the recipe then mutates the written snapshot (bit 0: CRCs fixed after)
 *                and the parser gets that too.
 * Bit 3 set: the bytes are a disk size (8 bytes) and a block given to the snapshot disk's
 * header and slot-header decoders (bit 0: their CRCs fixed first); what they accept must
 * encode back to itself.
 * Bit 2 picks whether snap_parse() is given an expected shape. Whenever the parser accepts,
 * every section is walked with snap_rec(), snap_vgic_rec() and snap_get_ram() (into a
 * buffer of exactly the RAM size), so ASan sees every byte the readers touch. Any broken
 * expectation aborts. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hyp/snap_disk.h"
#include "hyp/snap_format.h"
#include "snap_ref.h"

#define PAGE SNAP_PAGE_SIZE
#define MAX_RESTORE (16u << 20) /* larger RAM: only the wrong-size refusal is checked */

#define EXPECT(cond)                                                                     \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "fuzz_snap: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                         \
		}                                                                        \
	} while (0)

/* Recompute the section CRCs as far as the lengths stay inside len, then the header's. */
static void fix_crcs(uint8_t *b, size_t len)
{
	size_t off = SNAP_HEADER_SIZE;
	uint32_t content = 0;

	while (off + SNAP_SECTION_HEADER_SIZE <= len) {
		uint32_t length = le32(b + off + 8);

		if (length > len - off - SNAP_SECTION_HEADER_SIZE)
			break;
		put_le32(b + off + 12, snap_crc32(snap_crc32(0, b + off, 12),
						  b + off + SNAP_SECTION_HEADER_SIZE, length));
		content = snap_crc32(content, b + off + 12, 4);
		off += SNAP_SECTION_HEADER_SIZE + (((size_t)length + 7) & ~(size_t)7);
	}
	if (len >= SNAP_HEADER_SIZE) {
		put_le32(b + 48, content); /* the content CRC: of the section CRCs, in order */
		put_le32(b + 60, snap_crc32(0, b, 60));
	}
}

/* The snapshot disk's two headers (hyp/snap_disk.c): whatever the bytes, no access
 * outside the block; whatever is accepted encodes back to the same fields. With mode
 * bit 0 the CRCs are fixed first, so the checks behind them are reached. */
static void disk_headers(const uint8_t *data, size_t size, int fix)
{
	static uint8_t b[SNAP_DISK_BLOCK], again[SNAP_DISK_BLOCK];
	struct snap_disk d, d2;
	struct snap_slot sl, sl2;
	uint64_t bytes = size >= 8 ? le32(data) | (uint64_t)le32(data + 4) << 32 : 0;
	char why[160];

	memset(b, 0, sizeof(b));
	if (size > 8)
		memcpy(b, data + 8, size - 8 < sizeof(b) ? size - 8 : sizeof(b));
	if (fix)
		put_le32(b + 64, snap_crc32(0, b, 64));
	if (!snap_disk_decode(b, bytes, &d, why, sizeof(why))) {
		EXPECT(snap_disk_size(&d) <= bytes);
		snap_disk_encode(&d, again);
		EXPECT(!snap_disk_decode(again, bytes, &d2, why, sizeof(why)));
		EXPECT(!memcmp(&d, &d2, sizeof(d)));
	} else {
		EXPECT(why[0]);
		snap_disk_layout(&d, &(struct snap_shape){ 2, 160, 0x80000000u, 16 * PAGE, 0x2c001000u, 0x2c002000u });
	}
	if (fix)
		put_le32(b + 40, snap_crc32(0, b, 40));
	if (!snap_slot_decode(b, &d, &sl, why, sizeof(why))) {
		EXPECT(sl.generation && sl.length >= SNAP_HEADER_SIZE && sl.length <= d.slot_size - SNAP_DISK_BLOCK);
		snap_slot_encode(&sl, again);
		EXPECT(!snap_slot_decode(again, &d, &sl2, why, sizeof(why)));
		EXPECT(!memcmp(&sl, &sl2, sizeof(sl)));
	}
}

/* The parser's index of an accepted snapshot, checked and read through. */
static void walk(const uint8_t *buf, size_t len, const struct snap_index *idx)
{
	const uint8_t *end = buf + idx->total;
	uint32_t id, val, grp;
	uint64_t attr;
	int have_ram = 0;

	EXPECT(idx->total <= len && idx->total >= SNAP_HEADER_SIZE);
	EXPECT(idx->count >= 7 && idx->count <= SNAP_MAX_SECTIONS);
	EXPECT(idx->s[idx->count - 1].type == SNAP_END);
	EXPECT(idx->shape.vcpus >= 1 && idx->shape.ram_size && idx->shape.ram_size % PAGE == 0);
	for (unsigned i = 0; i < idx->count; i++) {
		const struct snap_section_ref *s = &idx->s[i];
		unsigned n = 0;

		EXPECT(s->payload >= buf + SNAP_HEADER_SIZE + SNAP_SECTION_HEADER_SIZE);
		EXPECT(s->payload <= end && s->length <= (size_t)(end - s->payload));
		EXPECT(snap_find(idx, s->type, s->instance) == s);
		switch (s->type) {
		case SNAP_VM:
		case SNAP_VCPU:
		case SNAP_UART:
			while (!snap_rec(s, n, &id, &val))
				n++;
			EXPECT(n == s->length / 8 && s->length % 8 == 0);
			EXPECT(snap_rec(s, n, &id, &val) == -ENOENT);
			EXPECT(snap_vgic_rec(s, 0, &grp, &attr, &val) == -EINVAL);
			break;
		case SNAP_VGIC:
			while (!snap_vgic_rec(s, n, &grp, &attr, &val))
				n++;
			EXPECT(n == s->length / 16 && s->length % 16 == 0);
			EXPECT(snap_rec(s, 0, &id, &val) == -EINVAL);
			break;
		case SNAP_RAM: {
			uint32_t size = idx->shape.ram_size;

			have_ram = 1;
			EXPECT(snap_get_ram(s, NULL, size - PAGE) == -EINVAL);
			if (size <= MAX_RESTORE) {
				uint8_t *ram = malloc(size);

				EXPECT(ram != NULL);
				memset(ram, 0xcc, size);
				EXPECT(snap_get_ram(s, ram, size) == 0);
				free(ram);
			}
			break;
		}
		case SNAP_TESTDEV: { /* opaque: every byte readable */
			volatile uint8_t sum = 0;

			for (uint32_t k = 0; k < s->length; k++)
				sum ^= s->payload[k];
			(void)sum;
			break;
		}
		case SNAP_END:
			EXPECT(s->length == 0 && i == idx->count - 1);
			break;
		default:
			EXPECT(0 && "unknown type accepted");
		}
	}
	EXPECT(have_ram);
	for (uint32_t v = 0; v < idx->shape.vcpus; v++)
		EXPECT(snap_find(idx, SNAP_VCPU, v) != NULL);
}

static void parse_and_walk(const uint8_t *buf, size_t len, const struct snap_shape *expect)
{
	static struct snap_index idx;
	char why[160];
	int r = snap_parse(buf, len, expect, &idx, why, sizeof(why));

	if (r) {
		EXPECT(r == -EINVAL || r == -E2BIG || r == -EPROTO || r == -ENODEV);
		EXPECT(why[0] != '\0' && strlen(why) < sizeof(why));
		EXPECT(r != -ENODEV || expect);
		return;
	}
	EXPECT(why[0] == '\0');
	if (expect)
		EXPECT(!memcmp(&idx.shape, expect, sizeof(*expect)));
	walk(buf, len, &idx);
}

/* ---- Recipes ---- */

struct cursor {
	const uint8_t *p;
	size_t n;
};

static uint32_t take(struct cursor *c, unsigned bytes)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < bytes; i++) {
		v = v << 8 | (c->n ? *c->p : 0);
		if (c->n) {
			c->p++;
			c->n--;
		}
	}
	return v;
}

/* Writes the recipe's snapshot into buf[0..cap) (buf may be NULL); RAM and records come
 * from the recipe, so the same cursor state gives the same bytes. */
static long write_recipe(struct cursor c, struct snap_writer *w, uint8_t *buf, size_t cap,
			 const struct snap_shape *sh, const uint8_t *ram)
{
	unsigned nvm = take(&c, 1) % 8, nvgic = take(&c, 1) % 24, nuart = take(&c, 1) % 8;
	unsigned ntest = take(&c, 1) % 40;
	uint8_t testdev[40];

	for (unsigned i = 0; i < ntest; i++)
		testdev[i] = (uint8_t)take(&c, 1);
	snap_start(w, buf, cap, sh);
	snap_section(w, SNAP_VM, 0);
	for (unsigned i = 0; i < nvm; i++)
		snap_put_rec(w, i, take(&c, 4));
	for (unsigned v = 0; v < sh->vcpus; v++) {
		unsigned nrec = take(&c, 1) % 48;

		snap_section(w, SNAP_VCPU, v);
		for (unsigned i = 0; i < nrec; i++)
			snap_put_rec(w, take(&c, 2), take(&c, 4));
	}
	snap_section(w, SNAP_VGIC, 0);
	for (unsigned i = 0; i < nvgic; i++) {
		uint32_t grp = take(&c, 1);
		uint64_t attr = (uint64_t)take(&c, 1) << 32 | take(&c, 4);

		snap_put_vgic(w, grp, attr, take(&c, 4));
	}
	snap_section(w, SNAP_UART, 0);
	for (unsigned i = 0; i < nuart; i++)
		snap_put_rec(w, 4 * i, take(&c, 2));
	snap_section(w, SNAP_TESTDEV, 0);
	/* in pieces, to exercise the running CRC over odd lengths */
	for (unsigned i = 0; i < ntest; i += 3)
		snap_put(w, testdev + i, ntest - i < 3 ? ntest - i : 3);
	snap_section(w, SNAP_RAM, 0);
	snap_put_ram(w, ram, sh->ram_size);
	return snap_finish(w);
}

/* Offsets of the first `max` sections of b[0..len), following lengths while they stay
 * inside; returns how many. off[k] is where section k starts, off[k+1] where it ends. */
static unsigned sections_of(const uint8_t *b, size_t len, size_t *off, unsigned max)
{
	unsigned k = 0;

	off[0] = SNAP_HEADER_SIZE;
	while (k < max && off[k] + SNAP_SECTION_HEADER_SIZE <= len) {
		uint32_t length = le32(b + off[k] + 8);

		if (length > len - off[k] - SNAP_SECTION_HEADER_SIZE)
			break;
		off[k + 1] = off[k] + SNAP_SECTION_HEADER_SIZE + (((size_t)length + 7) & ~(size_t)7);
		if (off[k + 1] > len)
			break;
		k++;
	}
	return k;
}

/* One mutation of b[0..*len) (room bytes available), chosen and parametrised by the
 * recipe: byte changes, header and section fields, whole sections deleted, duplicated or
 * moved (with the header's total and count kept in step, so that the checks behind them
 * are reached), truncation, bytes appended inside the total. */
static void mutate(struct cursor *c, uint8_t *b, size_t *len, size_t room)
{
	static const uint32_t vals[] = { 0, 1, 2, 7, 8, 9, 16, 63, 64, 65, 4096, 0x7fffffff,
					 0x80000000u, 0xfffffff0u, 0xffffffffu };
	size_t off[SNAP_MAX_SECTIONS + 2];
	unsigned op = take(c, 1) % 9, ns = sections_of(b, *len, off, SNAP_MAX_SECTIONS);
	uint32_t v = take(c, 1), i = ns ? take(c, 1) % ns : 0;

	v = v & 0x80 ? take(c, 4) : vals[v % (sizeof(vals) / sizeof(vals[0]))];
	switch (op) {
	case 0: /* a byte */
		if (*len)
			b[take(c, 3) % *len] ^= (uint8_t)(1 + take(c, 1));
		break;
	case 1: /* a header field */
		if (*len >= SNAP_HEADER_SIZE)
			put_le32(b + 4 * (take(c, 1) % 16), v);
		break;
	case 2: /* a section header field, or a payload word */
		if (ns) {
			size_t at = off[i] + 4 * (take(c, 1) % 6);

			if (at + 4 <= off[i + 1])
				put_le32(b + at, v);
		}
		break;
	case 3: /* delete section i */
		if (ns) {
			size_t sz = off[i + 1] - off[i];

			memmove(b + off[i], b + off[i + 1], *len - off[i + 1]);
			*len -= sz;
			put_le32(b + 16, le32(b + 16) - (uint32_t)sz);
			put_le32(b + 20, le32(b + 20) - 1);
		}
		break;
	case 4: /* duplicate section i */
		if (ns && *len + (off[i + 1] - off[i]) <= room) {
			size_t sz = off[i + 1] - off[i];

			memmove(b + off[i + 1] + sz, b + off[i + 1], *len - off[i + 1]);
			memcpy(b + off[i + 1], b + off[i], sz);
			*len += sz;
			put_le32(b + 16, le32(b + 16) + (uint32_t)sz);
			put_le32(b + 20, le32(b + 20) + 1);
		}
		break;
	case 5: /* swap sections i and j > i (what is between them stays between) */
		if (ns >= 2 && i + 1 < ns) {
			uint32_t j = i + 1 + take(c, 1) % (ns - i - 1);
			size_t si = off[i + 1] - off[i], sj = off[j + 1] - off[j];
			size_t mid = off[j] - off[i + 1];
			uint8_t *tmp = malloc(off[j + 1] - off[i]);

			EXPECT(tmp != NULL);
			memcpy(tmp, b + off[j], sj);
			memcpy(tmp + sj, b + off[i + 1], mid);
			memcpy(tmp + sj + mid, b + off[i], si);
			memcpy(b + off[i], tmp, si + mid + sj);
			free(tmp);
		}
		break;
	case 6: /* truncate */
		*len = *len ? take(c, 3) % *len : 0;
		break;
	case 7: /* bytes after the last section, inside the total */
		if (*len + 8 <= room) {
			memset(b + *len, (int)take(c, 1), 8);
			*len += 8;
			if (*len >= SNAP_HEADER_SIZE)
				put_le32(b + 16, le32(b + 16) + 8);
		}
		break;
	case 8: /* a bitmap word of the RAM section, its length kept in step */
		for (unsigned k = 0; k < ns; k++)
			if (le32(b + off[k]) == SNAP_RAM && off[k + 1] - off[k] >= 32) {
				put_le32(b + off[k] + 24, le32(b + off[k] + 24) ^ (1u << (v & 31)));
				break;
			}
		break;
	}
}

static void recipe(const uint8_t *data, size_t size, int fix, int with_expect)
{
	struct cursor c = { data, size }, body;
	struct snap_shape sh;
	struct snap_writer w;
	uint32_t pages, cap_sel;
	uint8_t *ram, *buf;
	long full, n;
	size_t cap;

	sh.vcpus = 1 + take(&c, 1) % 8;
	sh.nr_irqs = 32 * (1 + take(&c, 1) % 32);
	sh.ram_ipa = 0x80000000u;
	pages = 1 + take(&c, 1) % 70;
	sh.ram_size = pages * PAGE;
	sh.gicd_ipa = 0x2c001000u;
	sh.gicc_ipa = 0x2c002000u;
	cap_sel = take(&c, 2);
	/* RAM: each page zero, one byte set somewhere, or a fill. */
	ram = calloc(pages, PAGE);
	EXPECT(ram != NULL);
	for (uint32_t i = 0; i < pages; i++) {
		uint32_t k = take(&c, 1);

		if (k % 4 == 1)
			ram[(size_t)i * PAGE + (take(&c, 2) % PAGE)] = (uint8_t)(1 + k);
		else if (k % 4 == 2)
			memset(ram + (size_t)i * PAGE, (int)k, PAGE);
	}
	body = c;
	/* Measure, then write with enough room, then (sometimes) with too little. */
	EXPECT(write_recipe(body, &w, NULL, 0, &sh, ram) == -E2BIG);
	full = (long)w.need;
	buf = malloc((size_t)full + 64);
	EXPECT(buf != NULL);
	memset(buf, 0xa5, (size_t)full + 64);
	n = write_recipe(body, &w, buf, (size_t)full, &sh, ram);
	EXPECT(n == full && w.need == (size_t)full);
	for (size_t k = (size_t)full; k < (size_t)full + 64; k++)
		EXPECT(buf[k] == 0xa5);
	if (cap_sel & 0x8000) {
		uint8_t *small;

		cap = (cap_sel & 0x7fff) % (size_t)full;
		small = malloc(cap + 64);
		EXPECT(small != NULL);
		memset(small, 0xa5, cap + 64);
		EXPECT(write_recipe(body, &w, small, cap, &sh, ram) == -E2BIG);
		EXPECT(w.need == (size_t)full);
		for (size_t k = cap; k < cap + 64; k++)
			EXPECT(small[k] == 0xa5);
		free(small);
	}
	/* What was written parses, against its own shape, and reads back. */
	{
		static struct snap_index idx;
		char why[160];
		uint8_t *back = malloc(sh.ram_size);

		EXPECT(back != NULL);
		if (snap_parse(buf, (size_t)n, &sh, &idx, why, sizeof(why))) {
			fprintf(stderr, "fuzz_snap: own snapshot refused: %s\n", why);
			abort();
		}
		walk(buf, (size_t)n, &idx);
		memset(back, 0xcc, sh.ram_size);
		EXPECT(snap_get_ram(snap_find(&idx, SNAP_RAM, 0), back, sh.ram_size) == 0);
		EXPECT(!memcmp(back, ram, sh.ram_size));
		free(back);
	}
	/* The rest of the input: mutations of the written snapshot, then the parser. */
	{
		size_t len = (size_t)n, room = 2 * (size_t)n + 64;
		uint8_t *copy = malloc(room);
		unsigned muts = take(&c, 1) % 6;

		EXPECT(copy != NULL);
		memcpy(copy, buf, len);
		for (unsigned i = 0; i < muts; i++)
			mutate(&c, copy, &len, room);
		if (muts || fix) {
			uint8_t *exact = malloc(len ? len : 1); /* so ASan sees any over-read */

			EXPECT(exact != NULL);
			memcpy(exact, copy, len);
			if (fix)
				fix_crcs(exact, len);
			parse_and_walk(exact, len, with_expect ? &sh : NULL);
			free(exact);
		}
		free(copy);
	}
	free(buf);
	free(ram);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct snap_shape any = { 2, 160, 0x80000000u, 16 * PAGE, 0x2c001000u,
					       0x2c002000u };
	uint8_t mode;

	if (!size)
		return 0;
	mode = data[0];
	data++;
	size--;
	if (mode & 8) {
		disk_headers(data, size, mode & 1);
	} else if (mode & 2) {
		recipe(data, size, mode & 1, mode & 4);
	} else if (mode & 1) {
		uint8_t *copy = malloc(size ? size : 1);

		EXPECT(copy != NULL);
		memcpy(copy, data, size);
		fix_crcs(copy, size);
		parse_and_walk(copy, size, mode & 4 ? &any : NULL);
		free(copy);
	} else {
		parse_and_walk(data, size, mode & 4 ? &any : NULL);
	}
	return 0;
}

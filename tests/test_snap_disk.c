/* The snapshot disk's layout (hyp/snap_disk.c, docs/snapshot-format.md "The snapshot
 * disk"): the layout a shape gets, the exact bytes of both headers against the document,
 * round trips, every refusal (each single-bit flip of a header, a version, a layout that
 * is not its shape's, a short disk, a slot never written, out-of-range fields) and which
 * slot the next snapshot goes to. */
#define CHECK_SUITE "snap_disk"
#include "check.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "hyp/snap_disk.h"
#include "snap_ref.h"

#define MIB (1ull << 20)

static const struct snap_shape shape_256 = {
	.vcpus = 2, .nr_irqs = 160, .ram_ipa = 0x80000000u, .ram_size = 256u << 20,
	.gicd_ipa = 0x2c001000u, .gicc_ipa = 0x2c002000u,
};

static void test_layout_of_a_shape(void)
{
	struct snap_disk d;

	snap_disk_layout(&d, &shape_256);
	/* a slot: its header block, RAM, 2 MiB, rounded up to a MiB */
	CHECK_EQ(snap_max_size(&shape_256), (256 + 2) * MIB);
	CHECK_EQ(d.slot_size, 259 * MIB);
	CHECK_EQ(d.slot_offset[0], MIB);
	CHECK_EQ(d.slot_offset[1], MIB + 259 * MIB);
	CHECK_EQ(snap_disk_size(&d), 519 * MIB);
	CHECK(!memcmp(&d.shape, &shape_256, sizeof(shape_256)));
}

static void test_disk_header_bytes(void)
{
	static uint8_t b[SNAP_DISK_BLOCK];
	struct snap_disk d;

	snap_disk_layout(&d, &shape_256);
	memset(b, 0xee, sizeof(b));
	snap_disk_encode(&d, b);
	CHECK(!memcmp(b, "HYPDISK", 8));
	CHECK_EQ(le32(b + 8), 1);
	CHECK_EQ(le32(b + 12), 2);
	CHECK_EQ(le32(b + 16), 160);
	CHECK_EQ(le32(b + 20), 0x80000000u);
	CHECK_EQ(le32(b + 24), 256u << 20);
	CHECK_EQ(le32(b + 28), 0x2c001000u);
	CHECK_EQ(le32(b + 32), 0x2c002000u);
	CHECK_EQ(le32(b + 36), 0);
	CHECK_EQ(le64(b + 40), 259 * MIB);
	CHECK_EQ(le64(b + 48), MIB);
	CHECK_EQ(le64(b + 56), 260 * MIB);
	CHECK_EQ(le32(b + 64), ref_crc(b, 64));
	for (unsigned i = 68; i < sizeof(b); i++)
		CHECK_EQ_AT(b[i], 0, i);
}

static void test_slot_header_bytes(void)
{
	static uint8_t b[SNAP_DISK_BLOCK];
	const struct snap_slot s = { 0x100000002ull, 37669368, 0xdeadbeef, 1796112000ull };

	memset(b, 0xee, sizeof(b));
	snap_slot_encode(&s, b);
	CHECK(!memcmp(b, "HYPSLOT", 8));
	CHECK_EQ(le32(b + 8), 1);
	CHECK_EQ(le32(b + 12), 0);
	CHECK_EQ(le64(b + 16), 0x100000002ull);
	CHECK_EQ(le32(b + 24), 37669368);
	CHECK_EQ(le32(b + 28), 0xdeadbeef);
	CHECK_EQ(le64(b + 32), 1796112000ull);
	CHECK_EQ(le32(b + 40), ref_crc(b, 40));
	for (unsigned i = 44; i < sizeof(b); i++)
		CHECK_EQ_AT(b[i], 0, i);
}

static void test_round_trips(void)
{
	static uint8_t b[SNAP_DISK_BLOCK];
	struct snap_disk d, back;
	struct snap_slot s = { 7, 4096, 0x12345678, 42 }, sback;
	char why[120] = "";

	snap_disk_layout(&d, &shape_256);
	snap_disk_encode(&d, b);
	CHECK_EQ(snap_disk_decode(b, snap_disk_size(&d), &back, why, sizeof(why)), 0);
	CHECK(!memcmp(&back, &d, sizeof(d)));
	snap_slot_encode(&s, b);
	CHECK_EQ(snap_slot_decode(b, &d, &sback, why, sizeof(why)), 0);
	CHECK(!memcmp(&sback, &s, sizeof(s)));
}

/* Every single bit of the 68 meaningful bytes, flipped: refused, whatever the field. */
static void test_disk_header_every_bit_flip_refused(void)
{
	static uint8_t b[SNAP_DISK_BLOCK];
	struct snap_disk d, back;
	char why[120];

	snap_disk_layout(&d, &shape_256);
	snap_disk_encode(&d, b);
	for (unsigned bit = 0; bit < 68 * 8; bit++) {
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		why[0] = 0;
		CHECK_EQ_AT(snap_disk_decode(b, snap_disk_size(&d), &back, why, sizeof(why)), -EINVAL, bit);
		CHECK_EQ_AT(why[0] != 0, 1, bit);
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}

static void test_slot_header_every_bit_flip_refused(void)
{
	static uint8_t b[SNAP_DISK_BLOCK];
	struct snap_disk d;
	struct snap_slot s = { 3, 100000, 0xcafef00d, 99 }, back;
	char why[120];

	snap_disk_layout(&d, &shape_256);
	snap_slot_encode(&s, b);
	for (unsigned bit = 0; bit < 44 * 8; bit++) {
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		why[0] = 0;
		CHECK_EQ_AT(snap_slot_decode(b, &d, &back, why, sizeof(why)), -EINVAL, bit);
		CHECK_EQ_AT(why[0] != 0, 1, bit);
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
}

/* A header whose CRC is right but says something no writer writes. */
static void test_disk_header_refusals(void)
{
	static uint8_t b[SNAP_DISK_BLOCK];
	struct snap_disk d, back;
	char why[120];

	snap_disk_layout(&d, &shape_256);
	snap_disk_encode(&d, b);
	CHECK_EQ(snap_disk_decode(b, snap_disk_size(&d) - 1, &back, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "bytes") != NULL);

	memcpy(b, "NOTADISK", 8);
	CHECK_EQ(snap_disk_decode(b, snap_disk_size(&d), &back, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "not a snapshot disk") != NULL);

	snap_disk_encode(&d, b);
	put_le32(b + 8, 2);
	put_le32(b + 64, ref_crc(b, 64));
	CHECK_EQ(snap_disk_decode(b, snap_disk_size(&d), &back, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "version 2") != NULL);

	/* another slot size than the shape's */
	snap_disk_encode(&d, b);
	put_le32(b + 40, (uint32_t)(d.slot_size + MIB));
	put_le32(b + 64, ref_crc(b, 64));
	CHECK_EQ(snap_disk_decode(b, UINT64_MAX, &back, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "layout") != NULL);

	/* RAM that is not whole pages */
	snap_disk_encode(&d, b);
	put_le32(b + 24, (256u << 20) + 1);
	put_le32(b + 64, ref_crc(b, 64));
	CHECK_EQ(snap_disk_decode(b, UINT64_MAX, &back, why, sizeof(why)), -EINVAL);

	/* no vCPUs */
	snap_disk_encode(&d, b);
	put_le32(b + 12, 0);
	put_le32(b + 64, ref_crc(b, 64));
	CHECK_EQ(snap_disk_decode(b, UINT64_MAX, &back, why, sizeof(why)), -EINVAL);
}

static void test_slot_header_refusals(void)
{
	static uint8_t b[SNAP_DISK_BLOCK];
	struct snap_disk d;
	struct snap_slot s, back;
	char why[120];

	snap_disk_layout(&d, &shape_256);
	memset(b, 0, sizeof(b));
	CHECK_EQ(snap_slot_decode(b, &d, &back, why, sizeof(why)), -ENOENT);
	CHECK_EQ(back.generation, 0);

	s = (struct snap_slot){ 0, 4096, 1, 1 }; /* generation 0 is "never written" */
	snap_slot_encode(&s, b);
	CHECK_EQ(snap_slot_decode(b, &d, &back, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "out of range") != NULL);

	s = (struct snap_slot){ 1, 63, 1, 1 }; /* shorter than a snapshot header */
	snap_slot_encode(&s, b);
	CHECK_EQ(snap_slot_decode(b, &d, &back, why, sizeof(why)), -EINVAL);

	/* the largest snapshot that fits the slot, and one byte more */
	s = (struct snap_slot){ 1, (uint32_t)(d.slot_size - SNAP_DISK_BLOCK), 1, 1 };
	snap_slot_encode(&s, b);
	CHECK_EQ(snap_slot_decode(b, &d, &back, why, sizeof(why)), 0);
	s.length++;
	snap_slot_encode(&s, b);
	CHECK_EQ(snap_slot_decode(b, &d, &back, why, sizeof(why)), -EINVAL);

	s = (struct snap_slot){ 1, 4096, 1, 1 };
	snap_slot_encode(&s, b);
	memcpy(b, "HYPDISK", 8); /* a disk header where a slot header belongs */
	put_le32(b + 40, ref_crc(b, 40));
	CHECK_EQ(snap_slot_decode(b, &d, &back, why, sizeof(why)), -EINVAL);
	CHECK(strstr(why, "not a slot header") != NULL);
}

/* The next snapshot never goes over the newest whole one. */
static void test_next_slot(void)
{
	struct snap_slot s[2] = { { 0 }, { 0 } };
	int valid[2] = { 0, 0 };

	CHECK_EQ(snap_slot_next(s, valid), 0); /* a new disk */
	s[0].generation = 1, valid[0] = 1;
	CHECK_EQ(snap_slot_next(s, valid), 1);
	s[1].generation = 2, valid[1] = 1;
	CHECK_EQ(snap_slot_next(s, valid), 0);
	s[0].generation = 3;
	CHECK_EQ(snap_slot_next(s, valid), 1);
	/* the newest header damaged: the older whole one is kept, the damaged slot reused */
	valid[0] = 0;
	CHECK_EQ(snap_slot_next(s, valid), 0);
	valid[0] = 1, valid[1] = 0;
	CHECK_EQ(snap_slot_next(s, valid), 1);
}

int main(void)
{
	RUN(layout_of_a_shape);
	RUN(disk_header_bytes);
	RUN(slot_header_bytes);
	RUN(round_trips);
	RUN(disk_header_every_bit_flip_refused);
	RUN(slot_header_every_bit_flip_refused);
	RUN(disk_header_refusals);
	RUN(slot_header_refusals);
	RUN(next_slot);
	return check_exit();
}

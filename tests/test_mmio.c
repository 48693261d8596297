/* MMIO region registry, access dispatch and the width/sign/endianness helpers. */
#define CHECK_SUITE "mmio"
#include "check.h"

#include <errno.h>
#include <string.h>

#include "hyp/mmio.h"

/* A device that records what reached it. */
struct fake {
	unsigned reads, writes;
	uint32_t off, val;
	unsigned len;
	uint32_t val_on_entry; /* *val as the read callback found it */
	int set_value;         /* the read callback stores read_value */
	uint32_t read_value;
	int ret;
};

static int fake_read(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t *val)
{
	struct fake *f = dev;

	(void)v;
	f->reads++;
	f->off = off;
	f->len = len;
	f->val_on_entry = *val;
	if (f->set_value)
		*val = f->read_value;
	return f->ret;
}

static int fake_write(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t val)
{
	struct fake *f = dev;

	(void)v;
	f->writes++;
	f->off = off;
	f->len = len;
	f->val = val;
	return f->ret;
}

static const struct mmio_ops fake_ops = { fake_read, fake_write };
static const struct mmio_ops no_ops = { 0, 0 };

static void bus_init(struct mmio_bus *b)
{
	memset(b, 0, sizeof(*b));
}

static void test_register_keeps_sorted(void)
{
	static const uint32_t bases[] = { 0x3000, 0x1000, 0x9000, 0x2000, 0x0, 0x5000 };
	struct mmio_bus b;
	unsigned i;

	bus_init(&b);
	for (i = 0; i < 6; i++)
		CHECK_EQ_AT(mmio_register(&b, bases[i], 0x100, &fake_ops, 0, "r"), 0, i);
	CHECK_EQ(b.count, 6);
	for (i = 1; i < b.count; i++)
		CHECK_EQ_AT(b.r[i - 1].base < b.r[i].base, 1, i);
	CHECK_EQ(b.r[0].base, 0x0);
	CHECK_EQ(b.r[5].base, 0x9000);
}

/* The registry keeps everything the caller gave it. */
static void test_register_stores_fields(void)
{
	struct mmio_bus b;
	struct fake f;
	const struct mmio_region *r;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1c090000, 0x1000, &fake_ops, &f, "uart"), 0);
	r = mmio_find(&b, 0x1c090000);
	CHECK(r != 0);
	CHECK_EQ(r->base, 0x1c090000);
	CHECK_EQ(r->size, 0x1000);
	CHECK(r->ops == &fake_ops);
	CHECK(r->dev == &f);
	CHECK(strcmp(r->name, "uart") == 0);
}

/* Regions that touch but do not share a byte are fine, in either registration order. */
static void test_register_adjacent_allowed(void)
{
	struct mmio_bus b;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x2000, 0x1000, &fake_ops, 0, "b"), 0);
	CHECK_EQ(mmio_register(&b, 0x3000, 0x1000, &fake_ops, 0, "c"), 0);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x1000, &fake_ops, 0, "a"), 0);
	CHECK_EQ(mmio_register(&b, 0x0fff, 1, &fake_ops, 0, "byte"), 0);
	CHECK_EQ(b.count, 4);
}

static void test_register_overlap_rejected(void)
{
	static const struct { uint32_t base, size; } bad[] = {
		{ 0x2000, 0x1000 }, /* identical */
		{ 0x1800, 0x1000 }, /* overlaps the start */
		{ 0x2800, 0x1000 }, /* overlaps the end */
		{ 0x2400, 0x0100 }, /* inside */
		{ 0x1000, 0x3000 }, /* contains */
		{ 0x2fff, 0x0001 }, /* the last byte */
		{ 0x1000, 0x1001 }, /* up to and including the first byte */
		{ 0x0000, 0xffffffff }, /* everything */
	};
	struct mmio_bus b;
	unsigned i;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x2000, 0x1000, &fake_ops, 0, "dev"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_AT(mmio_register(&b, bad[i].base, bad[i].size, &fake_ops, 0, "x"), -EEXIST, i);
	CHECK_EQ(b.count, 1);
	CHECK_EQ(b.r[0].base, 0x2000);
	CHECK_EQ(b.r[0].size, 0x1000);
}

/* The last page of the address space is a legal region; running past 2^32 is not. */
static void test_register_top_of_address_space(void)
{
	struct mmio_bus b;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0xfffff000, 0x1001, &fake_ops, 0, "wrap"), -EINVAL);
	CHECK_EQ(mmio_register(&b, 0xffffffff, 2, &fake_ops, 0, "wrap"), -EINVAL);
	CHECK_EQ(mmio_register(&b, 0x80000000, 0x80000001, &fake_ops, 0, "wrap"), -EINVAL);
	CHECK_EQ(mmio_register(&b, 0x00000002, 0xffffffff, &fake_ops, 0, "wrap"), -EINVAL);
	CHECK_EQ(b.count, 0);
	CHECK_EQ(mmio_register(&b, 0xfffff000, 0x1000, &fake_ops, 0, "top"), 0);
	CHECK(mmio_find(&b, 0xffffffff) != 0);
	CHECK(mmio_find(&b, 0xfffff000) != 0);
	CHECK(mmio_find(&b, 0xffffefff) == 0);
	/* Overlap detection must not be fooled by a region that ends at 0xffffffff. */
	CHECK_EQ(mmio_register(&b, 0xffffffff, 1, &fake_ops, 0, "x"), -EEXIST);
	CHECK_EQ(mmio_register(&b, 0xffffe000, 0x1000, &fake_ops, 0, "below"), 0);
}

static void test_register_invalid(void)
{
	struct mmio_bus b;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1000, 0, &fake_ops, 0, "empty"), -EINVAL);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x100, 0, 0, "no ops"), -EINVAL);
	CHECK_EQ(b.count, 0);
	/* 2^32 - 1 bytes from 1 ends exactly at 0xffffffff: no wrap. */
	CHECK_EQ(mmio_register(&b, 1, 0xffffffff, &fake_ops, 0, "all"), 0);
	CHECK(mmio_find(&b, 0xffffffff) != 0);
	CHECK(mmio_find(&b, 0) == 0);
}

/* Sixteen fit; the seventeenth fails with -E2BIG and changes nothing. */
static void test_register_full(void)
{
	struct mmio_bus b;
	unsigned i;

	bus_init(&b);
	for (i = 0; i < MMIO_MAX_REGIONS; i++)
		CHECK_EQ_AT(mmio_register(&b, 0x10000000 - i * 0x10000, 0x1000, &fake_ops, 0, "r"), 0, i);
	CHECK_EQ(mmio_register(&b, 0x20000000, 0x1000, &fake_ops, 0, "extra"), -E2BIG);
	CHECK_EQ(b.count, MMIO_MAX_REGIONS);
	CHECK(mmio_find(&b, 0x20000000) == 0);
	for (i = 0; i < MMIO_MAX_REGIONS; i++) {
		const struct mmio_region *r = mmio_find(&b, 0x10000000 - i * 0x10000 + 0xfff);
		CHECK_EQ_AT(r != 0, 1, i);
		CHECK_EQ_AT(r->base, 0x10000000 - i * 0x10000, i);
	}
}

/* Every region of a full bus at its first and last byte, and the gaps around it, so each
 * branch of the binary search is taken. */
static void test_find_first_last_byte(void)
{
	struct mmio_bus b;
	unsigned i;

	bus_init(&b);
	/* Registered in an interleaved order; region i is [0x1000 * (2i+1), +0x800 + i). */
	for (i = 0; i < MMIO_MAX_REGIONS; i++) {
		unsigned k = (i * 7) % MMIO_MAX_REGIONS;
		CHECK_EQ_AT(mmio_register(&b, 0x1000 * (2 * k + 1), 0x800 + k, &fake_ops, 0, "r"), 0, k);
	}
	for (i = 0; i < MMIO_MAX_REGIONS; i++) {
		uint32_t base = 0x1000 * (2 * i + 1), last = base + 0x800 + i - 1;
		const struct mmio_region *r;

		r = mmio_find(&b, base);
		CHECK_EQ_AT(r ? r->base : 0, base, base);
		r = mmio_find(&b, last);
		CHECK_EQ_AT(r ? r->base : 0, base, last);
		CHECK_EQ_AT(mmio_find(&b, base - 1) == 0, 1, base - 1);
		CHECK_EQ_AT(mmio_find(&b, last + 1) == 0, 1, last + 1);
	}
	CHECK(mmio_find(&b, 0) == 0);
	CHECK(mmio_find(&b, 0xffffffff) == 0);
}

static void test_find_empty_bus(void)
{
	struct mmio_bus b;

	bus_init(&b);
	CHECK(mmio_find(&b, 0) == 0);
	CHECK(mmio_find(&b, 0x1000) == 0);
}

static void test_access_write_dispatch(void)
{
	struct mmio_bus b;
	struct fake f = { 0 };
	uint32_t data = 0xcafef00d;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x2c001000, 0x1000, &fake_ops, &f, "gicd"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x2c001104, 4, true, &data), 0);
	CHECK_EQ(f.writes, 1);
	CHECK_EQ(f.reads, 0);
	CHECK_EQ(f.off, 0x104);
	CHECK_EQ(f.len, 4);
	CHECK_EQ(f.val, 0xcafef00d);
	CHECK_EQ(data, 0xcafef00d);
}

static void test_access_read_dispatch(void)
{
	struct mmio_bus b;
	struct fake f = { .set_value = 1, .read_value = 0x5a };
	uint32_t data = 0;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1c090000, 0x1000, &fake_ops, &f, "uart"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x1c090018, 1, false, &data), 0);
	CHECK_EQ(f.reads, 1);
	CHECK_EQ(f.writes, 0);
	CHECK_EQ(f.off, 0x18);
	CHECK_EQ(f.len, 1);
	CHECK_EQ(data, 0x5a);
}

/* Devices see a zero-extended value: stale caller data must not reach them or come back
 * when a device only fills in some of it (or none). */
static void test_access_read_zeroed_before_device(void)
{
	struct mmio_bus b;
	struct fake f = { 0 };
	uint32_t data = 0xffffffff;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x100, &fake_ops, &f, "dev"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x1000, 2, false, &data), 0);
	CHECK_EQ(f.reads, 1);
	CHECK_EQ(f.val_on_entry, 0);
	CHECK_EQ(data, 0);
}

/* An access running past the region's last byte is not the region's: no device call. */
static void test_access_straddling_end(void)
{
	struct mmio_bus b;
	struct fake f = { 0 };
	uint32_t data = 0;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x100, &fake_ops, &f, "dev"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x10fe, 4, false, &data), -ENOENT);
	CHECK_EQ(mmio_access(&b, 0, 0x10ff, 2, true, &data), -ENOENT);
	CHECK_EQ(mmio_access(&b, 0, 0x10fd, 4, false, &data), -ENOENT);
	CHECK_EQ(f.reads + f.writes, 0);
	/* Right up to the end is fine. */
	CHECK_EQ(mmio_access(&b, 0, 0x10fc, 4, false, &data), 0);
	CHECK_EQ(f.off, 0xfc);
	CHECK_EQ(mmio_access(&b, 0, 0x10ff, 1, true, &data), 0);
	CHECK_EQ(f.off, 0xff);
	CHECK_EQ(f.reads, 1);
	CHECK_EQ(f.writes, 1);
}

/* Straddling into an adjacent region is refused too, not split across two devices. */
static void test_access_straddling_into_neighbour(void)
{
	struct mmio_bus b;
	struct fake f1 = { 0 }, f2 = { 0 };
	uint32_t data = 1;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x100, &fake_ops, &f1, "a"), 0);
	CHECK_EQ(mmio_register(&b, 0x1100, 0x100, &fake_ops, &f2, "b"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x10fe, 4, true, &data), -ENOENT);
	CHECK_EQ(f1.writes + f2.writes, 0);
	CHECK_EQ(mmio_access(&b, 0, 0x1100, 4, true, &data), 0);
	CHECK_EQ(f2.writes, 1);
	CHECK_EQ(f2.off, 0);
	CHECK_EQ(f1.writes, 0);
}

/* Region ending at 0xffffffff: the last word is reachable, a 4-byte access at the last
 * halfword is not (it would wrap to address 0). */
static void test_access_at_top_of_address_space(void)
{
	struct mmio_bus b;
	struct fake f = { 0 };
	uint32_t data = 0;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0xfffff000, 0x1000, &fake_ops, &f, "top"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0xfffffffc, 4, false, &data), 0);
	CHECK_EQ(f.off, 0xffc);
	CHECK_EQ(mmio_access(&b, 0, 0xfffffffe, 4, false, &data), -ENOENT);
	CHECK_EQ(f.reads, 1);
}

/* A region covering [0, 0xfffffffe]: a word access at 0xfffffffe needs the byte at
 * 0xffffffff, which is outside the region. The straddle check computes off + len in
 * 32 bits (0xfffffffe + 4 wraps to 2), so it must still say -ENOENT. */
static void test_access_straddle_check_does_not_wrap(void)
{
	struct mmio_bus b;
	struct fake f = { 0 };
	uint32_t data = 0;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0, 0xffffffff, &fake_ops, &f, "huge"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0xfffffffc, 2, false, &data), 0);
	CHECK_EQ(mmio_access(&b, 0, 0xfffffffe, 4, false, &data), -ENOENT);
	CHECK_EQ(f.reads, 1);
}

static void test_access_no_region(void)
{
	struct mmio_bus b;
	struct fake f = { 0 };
	uint32_t data = 0x1234;

	bus_init(&b);
	CHECK_EQ(mmio_access(&b, 0, 0x1000, 4, false, &data), -ENOENT);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x100, &fake_ops, &f, "dev"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x0ffc, 4, false, &data), -ENOENT);
	CHECK_EQ(mmio_access(&b, 0, 0x1100, 4, true, &data), -ENOENT);
	CHECK_EQ(f.reads + f.writes, 0);
}

/* A device error goes back to the caller unchanged (it becomes an external abort). */
static void test_access_device_error(void)
{
	struct mmio_bus b;
	struct fake f = { .ret = -EIO };
	uint32_t data = 0;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x100, &fake_ops, &f, "dev"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x1000, 4, false, &data), -EIO);
	CHECK_EQ(mmio_access(&b, 0, 0x1000, 4, true, &data), -EIO);
	CHECK_EQ(f.reads, 1);
	CHECK_EQ(f.writes, 1);
}

/* A device without callbacks is RAZ/WI. */
static void test_access_missing_callbacks(void)
{
	struct mmio_bus b;
	uint32_t data = 0xffffffff;

	bus_init(&b);
	CHECK_EQ(mmio_register(&b, 0x1000, 0x100, &no_ops, 0, "raz/wi"), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x1000, 4, true, &data), 0);
	CHECK_EQ(mmio_access(&b, 0, 0x1000, 4, false, &data), 0);
	CHECK_EQ(data, 0);
}

static void test_store_data_little_endian(void)
{
	CHECK_EQ(mmio_store_data(0x12345678, 1, false), 0x78);
	CHECK_EQ(mmio_store_data(0x12345678, 2, false), 0x5678);
	CHECK_EQ(mmio_store_data(0x12345678, 4, false), 0x12345678);
	CHECK_EQ(mmio_store_data(0xffffffff, 1, false), 0xff);
}

/* BE-8: STRH of 0x5678 puts 0x56 at the lower address, which is the low byte of the
 * little-endian bus value the device sees. */
static void test_store_data_big_endian(void)
{
	CHECK_EQ(mmio_store_data(0x12345678, 1, true), 0x78);
	CHECK_EQ(mmio_store_data(0x12345678, 2, true), 0x7856);
	CHECK_EQ(mmio_store_data(0x12345678, 4, true), 0x78563412);
}

/* Loads are zero-extended unless SSE; bus bits above the access size are dropped. */
static void test_load_zero_extend(void)
{
	CHECK_EQ(mmio_load_value(0xabcdef80, 1, false, false), 0x80);
	CHECK_EQ(mmio_load_value(0xabcd8001, 2, false, false), 0x8001);
	CHECK_EQ(mmio_load_value(0x80000001, 4, false, false), 0x80000001);
}

static void test_load_sign_extend(void)
{
	CHECK_EQ(mmio_load_value(0x80, 1, true, false), 0xffffff80);
	CHECK_EQ(mmio_load_value(0xff, 1, true, false), 0xffffffff);
	CHECK_EQ(mmio_load_value(0x7f, 1, true, false), 0x7f);
	CHECK_EQ(mmio_load_value(0xabcdef7f, 1, true, false), 0x7f);
	CHECK_EQ(mmio_load_value(0x8001, 2, true, false), 0xffff8001);
	CHECK_EQ(mmio_load_value(0x7fff, 2, true, false), 0x7fff);
	CHECK_EQ(mmio_load_value(0x12348000, 2, true, false), 0xffff8000);
	CHECK_EQ(mmio_load_value(0x80000000, 4, true, false), 0x80000000);
}

static void test_load_big_endian(void)
{
	CHECK_EQ(mmio_load_value(0x3412, 2, false, true), 0x1234);
	CHECK_EQ(mmio_load_value(0x78563412, 4, false, true), 0x12345678);
	CHECK_EQ(mmio_load_value(0xab, 1, false, true), 0xab);
	CHECK_EQ(mmio_load_value(0xffff3412, 2, false, true), 0x1234);
}

/* The sign bit is the top bit of the value the register gets, i.e. after the byte swap:
 * bus bytes {0x80, 0x00} are +0x80 little-endian but -0x8000 big-endian. */
static void test_load_sign_extend_after_swap(void)
{
	CHECK_EQ(mmio_load_value(0x0080, 2, true, false), 0x80);
	CHECK_EQ(mmio_load_value(0x0080, 2, true, true), 0xffff8000);
	CHECK_EQ(mmio_load_value(0x8000, 2, true, true), 0x80);
}

/* What a big-endian guest stores it loads back. */
static void test_store_load_round_trip(void)
{
	static const uint32_t vals[] = { 0, 0x7f, 0x80, 0x1234, 0x8765, 0xdeadbeef };
	static const unsigned lens[] = { 1, 2, 4 };
	unsigned i, l, be;

	for (i = 0; i < 6; i++)
		for (l = 0; l < 3; l++)
			for (be = 0; be < 2; be++) {
				unsigned len = lens[l];
				uint32_t mask = len == 4 ? 0xffffffff : (1u << 8 * len) - 1;
				uint32_t bus = mmio_store_data(vals[i], len, be);

				CHECK_EQ_AT(bus & ~mask, 0, i << 8 | len << 4 | be);
				CHECK_EQ_AT(mmio_load_value(bus, len, false, be), vals[i] & mask,
					    i << 8 | len << 4 | be);
			}
}

int main(void)
{
	RUN(register_keeps_sorted);
	RUN(register_stores_fields);
	RUN(register_adjacent_allowed);
	RUN(register_overlap_rejected);
	RUN(register_top_of_address_space);
	RUN(register_invalid);
	RUN(register_full);
	RUN(find_first_last_byte);
	RUN(find_empty_bus);
	RUN(access_write_dispatch);
	RUN(access_read_dispatch);
	RUN(access_read_zeroed_before_device);
	RUN(access_straddling_end);
	RUN(access_straddling_into_neighbour);
	RUN(access_at_top_of_address_space);
	RUN(access_straddle_check_does_not_wrap);
	RUN(access_no_region);
	RUN(access_device_error);
	RUN(access_missing_callbacks);
	RUN(store_data_little_endian);
	RUN(store_data_big_endian);
	RUN(load_zero_extend);
	RUN(load_sign_extend);
	RUN(load_big_endian);
	RUN(load_sign_extend_after_swap);
	RUN(store_load_round_trip);
	return check_exit();
}

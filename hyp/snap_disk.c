/* The snapshot disk's layout: encoding and checking the disk header and the slot headers
 * (include/hyp/snap_disk.h). Host and target. */
#include "hyp/snap_disk.h"

#include <errno.h>
#include <string.h>

#include "lib/fmt.h"

#define MIB (1ull << 20)

static void put32(uint8_t *p, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

uint64_t snap_max_size(const struct snap_shape *shape)
{
	/* Guest RAM with every page present, plus a generous 2 MiB for everything else (a
	 * vCPU is about 1.7 KiB, the VGIC at 1024 lines about 40 KiB). */
	return (uint64_t)shape->ram_size + 2 * MIB;
}

void snap_disk_layout(struct snap_disk *d, const struct snap_shape *shape)
{
	uint64_t slot = SNAP_DISK_BLOCK + snap_max_size(shape);

	d->shape = *shape;
	d->slot_size = (slot + MIB - 1) / MIB * MIB;
	d->slot_offset[0] = MIB; /* the disk header's block, then room to grow */
	d->slot_offset[1] = MIB + d->slot_size;
}

uint64_t snap_disk_size(const struct snap_disk *d) { return d->slot_offset[1] + d->slot_size; }

/* Disk header: magic, version, shape (6 words), slot size, slot offsets, CRC. */
void snap_disk_encode(const struct snap_disk *d, uint8_t *b)
{
	memset(b, 0, SNAP_DISK_BLOCK);
	memcpy(b, SNAP_DISK_MAGIC, 8);
	put32(b + 8, SNAP_DISK_VERSION);
	put32(b + 12, d->shape.vcpus);
	put32(b + 16, d->shape.nr_irqs);
	put32(b + 20, d->shape.ram_ipa);
	put32(b + 24, d->shape.ram_size);
	put32(b + 28, d->shape.gicd_ipa);
	put32(b + 32, d->shape.gicc_ipa);
	put64(b + 40, d->slot_size);
	put64(b + 48, d->slot_offset[0]);
	put64(b + 56, d->slot_offset[1]);
	put32(b + 64, snap_crc32(0, b, 64));
}

int snap_disk_decode(const uint8_t *b, uint64_t disk_bytes, struct snap_disk *d, char *why,
		     size_t why_len)
{
	struct snap_disk want;

	if (memcmp(b, SNAP_DISK_MAGIC, 8)) {
		fmt_snprintf(why, why_len, "not a snapshot disk (bad magic)");
		return -EINVAL;
	}
	if (get32(b + 8) != SNAP_DISK_VERSION) {
		fmt_snprintf(why, why_len, "snapshot disk version %u, this reads version %u",
			     get32(b + 8), SNAP_DISK_VERSION);
		return -EINVAL;
	}
	if (get32(b + 64) != snap_crc32(0, b, 64)) {
		fmt_snprintf(why, why_len, "disk header CRC mismatch");
		return -EINVAL;
	}
	d->shape.vcpus = get32(b + 12);
	d->shape.nr_irqs = get32(b + 16);
	d->shape.ram_ipa = get32(b + 20);
	d->shape.ram_size = get32(b + 24);
	d->shape.gicd_ipa = get32(b + 28);
	d->shape.gicc_ipa = get32(b + 32);
	d->slot_size = get64(b + 40);
	d->slot_offset[0] = get64(b + 48);
	d->slot_offset[1] = get64(b + 56);
	/* The layout must be the one this shape gets: nothing else is ever written. */
	snap_disk_layout(&want, &d->shape);
	if (d->shape.ram_size % SNAP_PAGE_SIZE || !d->shape.ram_size || !d->shape.vcpus ||
	    d->slot_size != want.slot_size || d->slot_offset[0] != want.slot_offset[0] ||
	    d->slot_offset[1] != want.slot_offset[1]) {
		fmt_snprintf(why, why_len, "snapshot disk layout does not match its VM shape");
		return -EINVAL;
	}
	if (disk_bytes < snap_disk_size(d)) {
		fmt_snprintf(why, why_len, "snapshot disk of %llu bytes, %llu needed",
			     (unsigned long long)disk_bytes, (unsigned long long)snap_disk_size(d));
		return -EINVAL;
	}
	return 0;
}

/* Slot header: magic, version, generation, length, snapshot CRC, time, CRC. */
void snap_slot_encode(const struct snap_slot *s, uint8_t *b)
{
	memset(b, 0, SNAP_DISK_BLOCK);
	memcpy(b, SNAP_SLOT_MAGIC, 8);
	put32(b + 8, SNAP_DISK_VERSION);
	put64(b + 16, s->generation);
	put32(b + 24, s->length);
	put32(b + 28, s->snap_crc);
	put64(b + 32, s->time);
	put32(b + 40, snap_crc32(0, b, 40));
}

int snap_slot_decode(const uint8_t *b, const struct snap_disk *d, struct snap_slot *s, char *why,
		     size_t why_len)
{
	static const uint8_t zero[8];

	memset(s, 0, sizeof(*s));
	if (!memcmp(b, zero, 8)) {
		fmt_snprintf(why, why_len, "empty");
		return -ENOENT;
	}
	if (memcmp(b, SNAP_SLOT_MAGIC, 8) || get32(b + 8) != SNAP_DISK_VERSION) {
		fmt_snprintf(why, why_len, "not a slot header");
		return -EINVAL;
	}
	if (get32(b + 40) != snap_crc32(0, b, 40)) {
		fmt_snprintf(why, why_len, "slot header CRC mismatch");
		return -EINVAL;
	}
	s->generation = get64(b + 16);
	s->length = get32(b + 24);
	s->snap_crc = get32(b + 28);
	s->time = get64(b + 32);
	if (!s->generation || s->length < SNAP_HEADER_SIZE ||
	    (uint64_t)s->length > d->slot_size - SNAP_DISK_BLOCK) {
		fmt_snprintf(why, why_len, "slot header: generation %llu, length %u out of range",
			     (unsigned long long)s->generation, s->length);
		return -EINVAL;
	}
	return 0;
}

unsigned snap_slot_next(const struct snap_slot *slots, const int *valid)
{
	if (valid[0] && (!valid[1] || slots[0].generation > slots[1].generation))
		return 1;
	return 0;
}

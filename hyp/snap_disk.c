/* The snapshot disk's layout: encoding and checking the disk header and the slot headers
 * (include/hyp/snap_disk.h). Host and target. */
#include "hyp/snap_disk.h"

#include <errno.h>
#include <string.h>

#include "lib/fmt.h"
#include "lib/le.h"

#define MIB (1ull << 20)

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
	le32_put(b + 8, SNAP_DISK_VERSION);
	le32_put(b + 12, d->shape.vcpus);
	le32_put(b + 16, d->shape.nr_irqs);
	le32_put(b + 20, d->shape.ram_ipa);
	le32_put(b + 24, d->shape.ram_size);
	le32_put(b + 28, d->shape.gicd_ipa);
	le32_put(b + 32, d->shape.gicc_ipa);
	le64_put(b + 40, d->slot_size);
	le64_put(b + 48, d->slot_offset[0]);
	le64_put(b + 56, d->slot_offset[1]);
	le32_put(b + 64, snap_crc32(0, b, 64));
}

int snap_disk_decode(const uint8_t *b, uint64_t disk_bytes, struct snap_disk *d, char *why,
		     size_t why_len)
{
	struct snap_disk want;

	if (memcmp(b, SNAP_DISK_MAGIC, 8)) {
		fmt_snprintf(why, why_len, "not a snapshot disk (bad magic)");
		return -EINVAL;
	}
	if (le32_get(b + 8) != SNAP_DISK_VERSION) {
		fmt_snprintf(why, why_len, "snapshot disk version %u, this reads version %u",
			     le32_get(b + 8), SNAP_DISK_VERSION);
		return -EINVAL;
	}
	if (le32_get(b + 64) != snap_crc32(0, b, 64)) {
		fmt_snprintf(why, why_len, "disk header CRC mismatch");
		return -EINVAL;
	}
	d->shape.vcpus = le32_get(b + 12);
	d->shape.nr_irqs = le32_get(b + 16);
	d->shape.ram_ipa = le32_get(b + 20);
	d->shape.ram_size = le32_get(b + 24);
	d->shape.gicd_ipa = le32_get(b + 28);
	d->shape.gicc_ipa = le32_get(b + 32);
	d->slot_size = le64_get(b + 40);
	d->slot_offset[0] = le64_get(b + 48);
	d->slot_offset[1] = le64_get(b + 56);
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
	le32_put(b + 8, SNAP_DISK_VERSION);
	le64_put(b + 16, s->generation);
	le32_put(b + 24, s->length);
	le32_put(b + 28, s->snap_crc);
	le64_put(b + 32, s->time);
	le32_put(b + 40, snap_crc32(0, b, 40));
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
	if (memcmp(b, SNAP_SLOT_MAGIC, 8) || le32_get(b + 8) != SNAP_DISK_VERSION) {
		fmt_snprintf(why, why_len, "not a slot header");
		return -EINVAL;
	}
	if (le32_get(b + 40) != snap_crc32(0, b, 40)) {
		fmt_snprintf(why, why_len, "slot header CRC mismatch");
		return -EINVAL;
	}
	s->generation = le64_get(b + 16);
	s->length = le32_get(b + 24);
	s->snap_crc = le32_get(b + 28);
	s->time = le64_get(b + 32);
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

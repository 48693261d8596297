/* The snapshot disk's layout (docs/snapshot-format.md, "The snapshot disk"): a disk header
 * naming the VM shape it is for, then two slots, each a slot header and room for one
 * snapshot. A new snapshot goes to the slot that is not current, is flushed, and only
 * then gets its slot header (with the next generation), flushed last: whatever moment
 * the writing stops, the newest slot whose header and snapshot check out is whole.
 * Encoding and checking only; hardware-independent, built for the host too (the host
 * tool, the runner's checks). */
#ifndef HYP_SNAP_DISK_H
#define HYP_SNAP_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "hyp/snap_format.h"

#define SNAP_DISK_MAGIC "HYPDISK" /* 8 bytes with its NUL */
#define SNAP_SLOT_MAGIC "HYPSLOT"
#define SNAP_DISK_VERSION 1
#define SNAP_DISK_BLOCK 4096u    /* header and slot headers: one block each */
#define SNAP_DISK_SLOTS 2

struct snap_disk {
	struct snap_shape shape;
	uint64_t slot_size;                 /* bytes per slot, its header included */
	uint64_t slot_offset[SNAP_DISK_SLOTS];
};

struct snap_slot {
	uint64_t generation; /* 0: never written */
	uint32_t length;     /* of the snapshot after the slot header */
	uint32_t snap_crc;   /* the snapshot's header CRC: its identity */
	uint64_t time;       /* seconds since 1970 when it was written (as the runner said) */
};

/* The layout for a VM of this shape: room for its largest snapshot in each slot. */
void snap_disk_layout(struct snap_disk *d, const struct snap_shape *shape);
/* The disk's size in bytes. */
uint64_t snap_disk_size(const struct snap_disk *d);
/* The largest snapshot a VM of this shape can take (RAM all data, every section). */
uint64_t snap_max_size(const struct snap_shape *shape);

/* One block each. Encoding fills all SNAP_DISK_BLOCK bytes. */
void snap_disk_encode(const struct snap_disk *d, uint8_t *block);
void snap_slot_encode(const struct snap_slot *s, uint8_t *block);
/* 0, or -EINVAL with the reason ("not a snapshot disk", "disk header CRC mismatch", ...). */
int snap_disk_decode(const uint8_t *block, uint64_t disk_bytes, struct snap_disk *d, char *why,
		     size_t why_len);
/* 0, or -ENOENT for a slot never written, -EINVAL for a damaged header, with the reason. */
int snap_slot_decode(const uint8_t *block, const struct snap_disk *d, struct snap_slot *s,
		     char *why, size_t why_len);
/* Which slot a new snapshot goes to: the one that is not the newest valid. */
unsigned snap_slot_next(const struct snap_slot *slots, const int *valid);

#endif

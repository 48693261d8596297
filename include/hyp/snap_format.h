/* The snapshot byte format (docs/snapshot-format.md): a header with the VM's shape, then
 * sections of (type, instance, length, CRC32, payload), little-endian, 8-byte aligned,
 * ending with an END section. Writing and validating it is hardware-independent C, built
 * for the host too (tests/test_snap_format.c, and a libFuzzer target on the parser).
 *
 * The writer never truncates: running out of room makes every later call a no-op and
 * snap_finish() return -E2BIG with the size that was needed. The parser checks the
 * whole snapshot (magic, version, sizes, every CRC, the shape against the VM's, the
 * section list) before anything is restored from it, and says why it refuses. */
#ifndef HYP_SNAP_FORMAT_H
#define HYP_SNAP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define SNAP_MAGIC "HYPSNAP" /* 8 bytes with its NUL */
#define SNAP_VERSION 1
#define SNAP_HEADER_SIZE 64
#define SNAP_SECTION_HEADER_SIZE 16
#define SNAP_PAGE_SIZE 4096u

/* Section types. Per-vCPU ones carry the vCPU index as their instance. */
enum snap_type {
	SNAP_VM = 1,      /* VM-wide records (u32 id, u32 value): virtual counter, ... */
	SNAP_VCPU = 2,    /* per vCPU: records (u32 id, u32 value), ids in snap_vcpu_ids.h */
	SNAP_VGIC = 3,    /* records (u32 group, u32 attr_lo, u32 attr_hi, u32 value) */
	SNAP_UART = 4,    /* records (u32 register offset, u32 value) */
	SNAP_TESTDEV = 5, /* the diagnostics device, raw */
	SNAP_RAM = 6,     /* u32 page size, u32 pages, presence bitmap, the present pages */
	SNAP_END = 7,     /* empty, last */
};
#define SNAP_TYPE_MAX SNAP_END

/* What the snapshot is of: must match the VM it is restored into. */
struct snap_shape {
	uint32_t vcpus, nr_irqs;
	uint32_t ram_ipa, ram_size;
	uint32_t gicd_ipa, gicc_ipa;
};

uint32_t snap_crc32(uint32_t crc, const void *data, size_t len); /* start with crc = 0 */
/* Whether two shapes are the same VM's. */
int snap_shape_equal(const struct snap_shape *a, const struct snap_shape *b);
/* The content CRC in a snapshot's header (its identity), read as it is: snap_parse checks it. */
uint32_t snap_content_crc(const void *snap);

/* ---- Writing ---- */
struct snap_writer {
	uint8_t *buf;
	size_t cap, len;
	size_t need;       /* bytes it would have taken: len while it fits */
	size_t section;    /* offset of the open section's header, or 0 */
	uint32_t sections; /* closed so far, END included */
	uint32_t crc;      /* running CRC of the open section's payload */
	uint32_t content;  /* CRC of the closed sections' CRCs: the snapshot's identity */
};

void snap_start(struct snap_writer *w, void *buf, size_t cap, const struct snap_shape *shape);
void snap_section(struct snap_writer *w, enum snap_type type, uint32_t instance);
void snap_put(struct snap_writer *w, const void *data, size_t len);
void snap_put_rec(struct snap_writer *w, uint32_t id, uint32_t value);
void snap_put_vgic(struct snap_writer *w, uint32_t group, uint64_t attr, uint32_t value);
/* A RAM section of `size` bytes (a multiple of SNAP_PAGE_SIZE) at `ram`: pages that are all
 * zero are left out (the bitmap says which are there). */
void snap_put_ram(struct snap_writer *w, const void *ram, uint32_t size);
void snap_end_section(struct snap_writer *w);
/* Writes END and the header's totals. Returns the snapshot's size, or -E2BIG (then
 * w->need is the size it needed). */
long snap_finish(struct snap_writer *w);

/* ---- Reading ---- */
#define SNAP_MAX_SECTIONS 64
struct snap_section_ref {
	uint32_t type, instance, length;
	const uint8_t *payload;
};
struct snap_index {
	struct snap_shape shape;
	uint32_t total, crc; /* the whole snapshot's size; its content CRC (the CRC of every
			      * section's CRC in order: its identity) */
	unsigned count;
	struct snap_section_ref s[SNAP_MAX_SECTIONS];
};

/* Validate buf[0..len) against the VM's shape `expect` (NULL: any shape) and index its
 * sections. 0, or a negative errno with the reason in why[0..why_len): -EINVAL for what
 * is corrupt or not a snapshot, -EPROTO for another version, -ENODEV for another VM's
 * shape, -E2BIG for a snapshot larger than len (truncated). */
int snap_parse(const void *buf, size_t len, const struct snap_shape *expect,
	       struct snap_index *idx, char *why, size_t why_len);
/* The section of this type and instance, or NULL. */
const struct snap_section_ref *snap_find(const struct snap_index *idx, enum snap_type type,
					 uint32_t instance);
/* Record sections: the n-th record, 0 or -ENOENT past the end. */
int snap_rec(const struct snap_section_ref *s, unsigned n, uint32_t *id, uint32_t *value);
int snap_vgic_rec(const struct snap_section_ref *s, unsigned n, uint32_t *group, uint64_t *attr,
		  uint32_t *value);
/* A RAM section back into `ram` (size bytes; absent pages become zero). -EINVAL if the
 * section does not describe exactly `size` bytes (snap_parse has checked its structure). */
int snap_get_ram(const struct snap_section_ref *s, void *ram, uint32_t size);

#endif

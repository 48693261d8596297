/* A virtio block device on a virtio-mmio transport (legacy interface), polled. */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_BLK_SECTOR 512u
#define VIRTIO_BLK_PAGE 4096u
#define VIRTIO_BLK_QSIZE 4

/* The legacy layout of the one queue: descriptors and the available ring in the first
 * page, the used ring at the next QueueAlign (page) boundary. */
struct virtio_blk_vq {
	struct virtio_blk_desc {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} desc[VIRTIO_BLK_QSIZE];
	uint16_t avail_flags, avail_idx, avail_ring[VIRTIO_BLK_QSIZE], used_event;
	uint8_t pad[VIRTIO_BLK_PAGE - VIRTIO_BLK_QSIZE * 16 - 6 - 2 * VIRTIO_BLK_QSIZE];
	uint16_t used_flags;
	volatile uint16_t used_idx;
	struct {
		uint32_t id, len;
	} used_ring[VIRTIO_BLK_QSIZE];
	uint16_t avail_event;
	uint8_t tail[VIRTIO_BLK_PAGE - 4 - 8 * VIRTIO_BLK_QSIZE - 2];
};

/* One device: its queue (which the device reads and writes in RAM) and its one request
 * in flight. */
struct virtio_blk {
	struct virtio_blk_vq vq __attribute__((aligned(VIRTIO_BLK_PAGE)));
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} header;
	volatile uint8_t status;
	bool can_flush;
	uint16_t last_used;
	uintptr_t base; /* 0: not set up, or given up on (a request that never finished) */
	uint64_t capacity; /* sectors */
};

/* A virtio block device answers at this transport. */
bool virtio_blk_present(uintptr_t transport);
/* Set the device up (reset, features, one queue). 0 or -ENODEV. */
int virtio_blk_init(struct virtio_blk *d, uintptr_t transport);
/* The device's size in bytes. */
uint64_t virtio_blk_bytes(const struct virtio_blk *d);
/* Whole sectors at byte offsets: 0, -EINVAL (not sector-aligned), -ENOSPC (past the end),
 * -EIO (the device said so), -ENODEV (no device). */
int virtio_blk_read(struct virtio_blk *d, uint64_t offset, void *buf, size_t len);
int virtio_blk_write(struct virtio_blk *d, uint64_t offset, const void *buf, size_t len);
/* What was written is on stable storage (VIRTIO_BLK_T_FLUSH, when the device offers it). */
int virtio_blk_flush(struct virtio_blk *d);
#endif

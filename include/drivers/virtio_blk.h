/* A virtio block device on a virtio-mmio transport (legacy interface), polled. */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_BLK_SECTOR 512u

/* The first of the n transports that has a block device: 0, or -ENODEV. */
int virtio_blk_probe(const uintptr_t *transports, unsigned n, uintptr_t *found);
/* Set the device up (reset, features, one queue). 0 or -ENODEV. */
int virtio_blk_init(uintptr_t transport);
/* The device's size in bytes. */
uint64_t virtio_blk_bytes(void);
/* Whole sectors at byte offsets: 0, -EINVAL (not sector-aligned), -ENOSPC (past the end),
 * -EIO (the device said so), -ENODEV (no device). */
int virtio_blk_read(uint64_t offset, void *buf, size_t len);
int virtio_blk_write(uint64_t offset, const void *buf, size_t len);
/* What was written is on stable storage (VIRTIO_BLK_T_FLUSH, when the device offers it). */
int virtio_blk_flush(void);
#endif

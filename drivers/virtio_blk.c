/* A virtio block device on a virtio-mmio transport (the legacy interface, version 1,
 * which QEMU's virtio-mmio speaks by default), polled: one request at a time, three
 * descriptors (header, data, status), no interrupts. One struct virtio_blk per device;
 * knows nothing of VMs: the hypervisor keeps each VM's snapshot disk on one
 * (hyp/snap_disk_io.c). */
#include "drivers/virtio_blk.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "arm/sysreg.h"

#define VIRTIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_ID_BLOCK 2

#define VMMIO_MAGIC 0x000
#define VMMIO_VERSION 0x004
#define VMMIO_DEVICE_ID 0x008
#define VMMIO_HOST_FEATURES 0x010
#define VMMIO_HOST_FEATURES_SEL 0x014
#define VMMIO_GUEST_FEATURES 0x020
#define VMMIO_GUEST_FEATURES_SEL 0x024
#define VMMIO_GUEST_PAGE_SIZE 0x028
#define VMMIO_QUEUE_SEL 0x030
#define VMMIO_QUEUE_NUM_MAX 0x034
#define VMMIO_QUEUE_NUM 0x038
#define VMMIO_QUEUE_ALIGN 0x03c
#define VMMIO_QUEUE_PFN 0x040
#define VMMIO_QUEUE_NOTIFY 0x050
#define VMMIO_INTERRUPT_STATUS 0x060
#define VMMIO_INTERRUPT_ACK 0x064
#define VMMIO_STATUS 0x070
#define VMMIO_CONFIG 0x100 /* virtio-blk: u64 capacity in 512-byte sectors */

#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER 2u
#define STATUS_DRIVER_OK 4u
#define STATUS_FAILED 128u

#define BLK_F_FLUSH (1u << 9)
#define BLK_T_IN 0u
#define BLK_T_OUT 1u
#define BLK_T_FLUSH 4u

#define DESC_F_NEXT 1u
#define DESC_F_WRITE 2u

#define PAGE VIRTIO_BLK_PAGE
#define MAX_CHUNK (4u << 20) /* bytes per request */

_Static_assert(offsetof(struct virtio_blk_vq, used_flags) == PAGE, "the used ring at the second page");
_Static_assert(sizeof(struct virtio_blk_vq) == 2 * PAGE, "the queue: two pages");

static uint32_t rd(const struct virtio_blk *d, uint32_t off) { return mmio_read32(d->base + off); }
static void wr(const struct virtio_blk *d, uint32_t off, uint32_t v) { mmio_write32(d->base + off, v); }

bool virtio_blk_present(uintptr_t b)
{
	return mmio_read32(b + VMMIO_MAGIC) == VIRTIO_MAGIC && mmio_read32(b + VMMIO_VERSION) == 1 &&
	       mmio_read32(b + VMMIO_DEVICE_ID) == VIRTIO_ID_BLOCK;
}

int virtio_blk_init(struct virtio_blk *d, uintptr_t transport)
{
	uint32_t features;

	d->base = transport;
	wr(d, VMMIO_STATUS, 0); /* reset */
	wr(d, VMMIO_STATUS, STATUS_ACKNOWLEDGE);
	wr(d, VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	wr(d, VMMIO_HOST_FEATURES_SEL, 0);
	features = rd(d, VMMIO_HOST_FEATURES);
	d->can_flush = features & BLK_F_FLUSH;
	wr(d, VMMIO_GUEST_FEATURES_SEL, 0);
	wr(d, VMMIO_GUEST_FEATURES, features & BLK_F_FLUSH);
	wr(d, VMMIO_GUEST_PAGE_SIZE, PAGE);
	wr(d, VMMIO_QUEUE_SEL, 0);
	if (rd(d, VMMIO_QUEUE_NUM_MAX) < VIRTIO_BLK_QSIZE) {
		wr(d, VMMIO_STATUS, STATUS_FAILED);
		d->base = 0;
		return -ENODEV;
	}
	memset(&d->vq, 0, sizeof(d->vq));
	d->last_used = 0;
	wr(d, VMMIO_QUEUE_NUM, VIRTIO_BLK_QSIZE);
	wr(d, VMMIO_QUEUE_ALIGN, PAGE);
	wr(d, VMMIO_QUEUE_PFN, (uint32_t)((uintptr_t)&d->vq / PAGE));
	wr(d, VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
	d->capacity = (uint64_t)rd(d, VMMIO_CONFIG) | (uint64_t)rd(d, VMMIO_CONFIG + 4) << 32;
	return 0;
}

uint64_t virtio_blk_bytes(const struct virtio_blk *d) { return d->capacity * VIRTIO_BLK_SECTOR; }

/* One request: header, optional data, status; wait for the device to use it. */
static int request(struct virtio_blk *d, uint32_t type, uint64_t sector, void *data, uint32_t len)
{
	struct virtio_blk_vq *vq = &d->vq;
	unsigned n;
	uint64_t t0;

	d->header.type = type;
	d->header.reserved = 0;
	d->header.sector = sector;
	d->status = 0xff;
	vq->desc[0] = (struct virtio_blk_desc){ (uintptr_t)&d->header, sizeof(d->header), DESC_F_NEXT, 1 };
	n = 1;
	if (len) {
		vq->desc[1] = (struct virtio_blk_desc){ (uintptr_t)data, len,
					       (uint16_t)(DESC_F_NEXT | (type == BLK_T_IN ? DESC_F_WRITE : 0)), 2 };
		n = 2;
		vq->desc[0].next = 1;
	}
	vq->desc[n] = (struct virtio_blk_desc){ (uintptr_t)&d->status, 1, DESC_F_WRITE, 0 };
	if (!len)
		vq->desc[0].next = (uint16_t)n;
	vq->avail_ring[vq->avail_idx % VIRTIO_BLK_QSIZE] = 0;
	dsb();
	vq->avail_idx++;
	dsb();
	wr(d, VMMIO_QUEUE_NOTIFY, 0);
	/* A device that never answers must not hang the hypervisor: 30 s, then an error
	 * (the queue is then unusable; the caller reports it and the VM runs on). */
	t0 = read_CNTPCT();
	while (vq->used_idx == d->last_used) {
		if (read_CNTPCT() - t0 > 30ull * read_CNTFRQ()) {
			d->base = 0;
			return -ETIMEDOUT;
		}
	}
	dsb();
	d->last_used = vq->used_idx;
	wr(d, VMMIO_INTERRUPT_ACK, rd(d, VMMIO_INTERRUPT_STATUS));
	return d->status == 0 ? 0 : -EIO;
}

static int transfer(struct virtio_blk *d, uint32_t type, uint64_t offset, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (!d->base)
		return -ENODEV;
	if (offset % VIRTIO_BLK_SECTOR || len % VIRTIO_BLK_SECTOR)
		return -EINVAL;
	if (offset > virtio_blk_bytes(d) || len > virtio_blk_bytes(d) - offset)
		return -ENOSPC;
	while (len) {
		uint32_t n = len > MAX_CHUNK ? MAX_CHUNK : (uint32_t)len;
		int r = request(d, type, offset / VIRTIO_BLK_SECTOR, p, n);

		if (r)
			return r;
		p += n, offset += n, len -= n;
	}
	return 0;
}

int virtio_blk_read(struct virtio_blk *d, uint64_t offset, void *buf, size_t len)
{
	return transfer(d, BLK_T_IN, offset, buf, len);
}

int virtio_blk_write(struct virtio_blk *d, uint64_t offset, const void *buf, size_t len)
{
	return transfer(d, BLK_T_OUT, offset, (void *)buf, len);
}

int virtio_blk_flush(struct virtio_blk *d)
{
	if (!d->base)
		return -ENODEV;
	return d->can_flush ? request(d, BLK_T_FLUSH, 0, NULL, 0) : 0;
}

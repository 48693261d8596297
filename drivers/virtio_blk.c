/* A virtio block device on a virtio-mmio transport (the legacy interface, version 1,
 * which QEMU's virtio-mmio speaks by default), polled: one request at a time, three
 * descriptors (header, data, status), no interrupts. Knows nothing of VMs; the
 * hypervisor keeps its snapshot disk on it (hyp/snap_disk_io.c). */
#include "drivers/virtio_blk.h"

#include <errno.h>
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

#define QSIZE 4
#define PAGE 4096u
#define MAX_CHUNK (4u << 20) /* bytes per request */

struct vq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* The legacy layout: descriptors and the available ring in the first page, the used
 * ring at the next QueueAlign boundary. */
static struct vq {
	struct vq_desc desc[QSIZE];
	uint16_t avail_flags, avail_idx, avail_ring[QSIZE], used_event;
	uint8_t pad[PAGE - QSIZE * 16 - 6 - 2 * QSIZE];
	uint16_t used_flags;
	volatile uint16_t used_idx;
	struct {
		uint32_t id, len;
	} used_ring[QSIZE];
	uint16_t avail_event;
} vq __attribute__((aligned(PAGE)));

static struct {
	uint32_t type, reserved;
	uint64_t sector;
} req_header;
static volatile uint8_t req_status;
static uintptr_t base;
static uint16_t last_used;
static bool can_flush;
static uint64_t capacity;

static uint32_t rd(uint32_t off) { return mmio_read32(base + off); }
static void wr(uint32_t off, uint32_t v) { mmio_write32(base + off, v); }

int virtio_blk_probe(const uintptr_t *transports, unsigned n, uintptr_t *found)
{
	for (unsigned i = 0; i < n; i++) {
		uintptr_t b = transports[i];

		if (mmio_read32(b + VMMIO_MAGIC) == VIRTIO_MAGIC && mmio_read32(b + VMMIO_VERSION) == 1 &&
		    mmio_read32(b + VMMIO_DEVICE_ID) == VIRTIO_ID_BLOCK) {
			*found = b;
			return 0;
		}
	}
	return -ENODEV;
}

int virtio_blk_init(uintptr_t transport)
{
	uint32_t features;

	base = transport;
	wr(VMMIO_STATUS, 0); /* reset */
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE);
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	wr(VMMIO_HOST_FEATURES_SEL, 0);
	features = rd(VMMIO_HOST_FEATURES);
	can_flush = features & BLK_F_FLUSH;
	wr(VMMIO_GUEST_FEATURES_SEL, 0);
	wr(VMMIO_GUEST_FEATURES, features & BLK_F_FLUSH);
	wr(VMMIO_GUEST_PAGE_SIZE, PAGE);
	wr(VMMIO_QUEUE_SEL, 0);
	if (rd(VMMIO_QUEUE_NUM_MAX) < QSIZE) {
		wr(VMMIO_STATUS, STATUS_FAILED);
		return -ENODEV;
	}
	memset(&vq, 0, sizeof(vq));
	last_used = 0;
	wr(VMMIO_QUEUE_NUM, QSIZE);
	wr(VMMIO_QUEUE_ALIGN, PAGE);
	wr(VMMIO_QUEUE_PFN, (uint32_t)((uintptr_t)&vq / PAGE));
	wr(VMMIO_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
	capacity = (uint64_t)rd(VMMIO_CONFIG) | (uint64_t)rd(VMMIO_CONFIG + 4) << 32;
	return 0;
}

uint64_t virtio_blk_bytes(void) { return capacity * VIRTIO_BLK_SECTOR; }

/* One request: header, optional data, status; wait for the device to use it. */
static int request(uint32_t type, uint64_t sector, void *data, uint32_t len)
{
	unsigned d = 0;
	uint64_t t0;

	req_header.type = type;
	req_header.reserved = 0;
	req_header.sector = sector;
	req_status = 0xff;
	vq.desc[0] = (struct vq_desc){ (uintptr_t)&req_header, sizeof(req_header), DESC_F_NEXT, 1 };
	d = 1;
	if (len) {
		vq.desc[1] = (struct vq_desc){ (uintptr_t)data, len,
					       (uint16_t)(DESC_F_NEXT | (type == BLK_T_IN ? DESC_F_WRITE : 0)), 2 };
		d = 2;
		vq.desc[0].next = 1;
	}
	vq.desc[d] = (struct vq_desc){ (uintptr_t)&req_status, 1, DESC_F_WRITE, 0 };
	if (!len)
		vq.desc[0].next = (uint16_t)d;
	vq.avail_ring[vq.avail_idx % QSIZE] = 0;
	dsb();
	vq.avail_idx++;
	dsb();
	wr(VMMIO_QUEUE_NOTIFY, 0);
	/* A device that never answers must not hang the hypervisor: 30 s, then an error
	 * (the queue is then unusable; the caller reports it and the VM runs on). */
	t0 = read_CNTPCT();
	while (vq.used_idx == last_used) {
		if (read_CNTPCT() - t0 > 30ull * read_CNTFRQ()) {
			base = 0;
			return -ETIMEDOUT;
		}
	}
	dsb();
	last_used = vq.used_idx;
	wr(VMMIO_INTERRUPT_ACK, rd(VMMIO_INTERRUPT_STATUS));
	return req_status == 0 ? 0 : -EIO;
}

static int transfer(uint32_t type, uint64_t offset, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (!base)
		return -ENODEV;
	if (offset % VIRTIO_BLK_SECTOR || len % VIRTIO_BLK_SECTOR)
		return -EINVAL;
	if (offset > virtio_blk_bytes() || len > virtio_blk_bytes() - offset)
		return -ENOSPC;
	while (len) {
		uint32_t n = len > MAX_CHUNK ? MAX_CHUNK : (uint32_t)len;
		int r = request(type, offset / VIRTIO_BLK_SECTOR, p, n);

		if (r)
			return r;
		p += n, offset += n, len -= n;
	}
	return 0;
}

int virtio_blk_read(uint64_t offset, void *buf, size_t len) { return transfer(BLK_T_IN, offset, buf, len); }
int virtio_blk_write(uint64_t offset, const void *buf, size_t len)
{
	return transfer(BLK_T_OUT, offset, (void *)buf, len);
}

int virtio_blk_flush(void)
{
	if (!base)
		return -ENODEV;
	return can_flush ? request(BLK_T_FLUSH, 0, NULL, 0) : 0;
}

/* The hypervisor's snapshot disk: a virtio block device on one of vexpress-a15's
 * virtio-mmio transports, which no guest can reach (their page is not in any stage 2).
 * Layout and the crash-safe order of writes: include/hyp/snap_disk.h. */
#include <errno.h>
#include <string.h>

#include "arm/sysreg.h"
#include "drivers/virtio_blk.h"
#include "hyp/log.h"
#include "hyp/snap_disk.h"
#include "hyp/snapshot.h"
#include "hyp/vm.h"
#include "lib/fmt.h"

#define TRANSPORTS 4
#define TRANSPORT_BASE 0x1c130000u
#define TRANSPORT_STRIDE 0x200u

static struct {
	bool present;
	struct snap_disk layout;
	struct snap_slot slot[SNAP_DISK_SLOTS];
	int valid[SNAP_DISK_SLOTS];
	uint32_t boot_time; /* seconds since 1970 when QEMU started (the runner's word) */
} disk;
static uint8_t block[SNAP_DISK_BLOCK] __attribute__((aligned(8)));

static void read_slots(void)
{
	char why[80];

	for (unsigned i = 0; i < SNAP_DISK_SLOTS; i++) {
		int r = virtio_blk_read(disk.layout.slot_offset[i], block, sizeof(block));

		if (r)
			fmt_snprintf(why, sizeof(why), "cannot read it (%d)", r);
		else
			r = snap_slot_decode(block, &disk.layout, &disk.slot[i], why, sizeof(why));
		disk.valid[i] = !r;
		/* A slot never written is no news; a damaged header is, whichever slot it is. */
		if (r && r != -ENOENT)
			log_warn("snapshot disk: slot %u's header is damaged (%s); that slot is not used\n", i, why);
	}
}

int snap_disk_present(void) { return disk.present; }

int snap_disk_attach(const struct snap_shape *shape, uint32_t boot_time)
{
	static const uintptr_t transports[TRANSPORTS] = {
		TRANSPORT_BASE, TRANSPORT_BASE + TRANSPORT_STRIDE, TRANSPORT_BASE + 2 * TRANSPORT_STRIDE,
		TRANSPORT_BASE + 3 * TRANSPORT_STRIDE,
	};
	uintptr_t t;
	char why[120];
	int r;

	disk.boot_time = boot_time;
	if (virtio_blk_probe(transports, TRANSPORTS, &t))
		return -ENODEV; /* no disk attached: snapshots stay in memory */
	r = virtio_blk_init(t);
	if (!r)
		r = virtio_blk_read(0, block, sizeof(block));
	if (!r)
		r = snap_disk_decode(block, virtio_blk_bytes(), &disk.layout, why, sizeof(why));
	else
		fmt_snprintf(why, sizeof(why), "cannot read it (%d)", r);
	if (!r && !snap_shape_equal(&disk.layout.shape, shape)) {
		fmt_snprintf(why, sizeof(why), "it is for another VM shape");
		r = -EINVAL;
	}
	if (r) {
		log_err("snapshot disk at %#x: %s; not used\n", (unsigned)t, why);
		return r;
	}
	read_slots();
	disk.present = true;
	log_info("snapshot disk at %#x: %llu bytes, slots of generation %llu and %llu\n", (unsigned)t,
		 (unsigned long long)virtio_blk_bytes(), (unsigned long long)(disk.valid[0] ? disk.slot[0].generation : 0),
		 (unsigned long long)(disk.valid[1] ? disk.slot[1].generation : 0));
	return 0;
}

static uint64_t now_seconds(void)
{
	return disk.boot_time + read_CNTPCT() / read_CNTFRQ();
}

int snap_disk_write(struct vm *vm, char *why, size_t why_len)
{
	unsigned i = snap_slot_next(disk.slot, disk.valid);
	uint64_t gen = 0, data = disk.layout.slot_offset[i] + SNAP_DISK_BLOCK;
	uint32_t len = (vm->snap_len + VIRTIO_BLK_SECTOR - 1) / VIRTIO_BLK_SECTOR * VIRTIO_BLK_SECTOR;
	struct snap_slot s;
	uint64_t t0;
	int r;

	if (!disk.present) {
		fmt_snprintf(why, why_len, "no snapshot disk");
		return -ENODEV;
	}
	for (unsigned k = 0; k < SNAP_DISK_SLOTS; k++)
		if (disk.valid[k] && disk.slot[k].generation > gen)
			gen = disk.slot[k].generation;
	if (len > vm->snap_cap || len > disk.layout.slot_size - SNAP_DISK_BLOCK) {
		fmt_snprintf(why, why_len, "a snapshot of %u bytes does not fit a slot", vm->snap_len);
		return -E2BIG;
	}
	t0 = read_CNTPCT();
	/* The sector-rounding tail is zero, for the CRCs' sake of nobody but neatness. */
	memset((uint8_t *)vm->snap_buf + vm->snap_len, 0, len - vm->snap_len);
	/* Data first, flushed; the header that makes it current last, flushed. */
	r = virtio_blk_write(data, vm->snap_buf, len);
	if (!r)
		r = virtio_blk_flush();
	if (!r) {
		s = (struct snap_slot){ gen + 1, vm->snap_len, snap_crc(vm), now_seconds() };
		snap_slot_encode(&s, block);
		r = virtio_blk_write(disk.layout.slot_offset[i], block, sizeof(block));
	}
	if (!r)
		r = virtio_blk_flush();
	if (r) {
		fmt_snprintf(why, why_len, "writing slot %u failed (%d)", i, r);
		read_slots();
		return r;
	}
	disk.slot[i] = s;
	disk.valid[i] = 1;
	/* make bench reads this line (docs/benchmarks.md, "The snapshot disk"). */
	log_info("snapshot disk: generation %llu, %u bytes to slot %u in %u ms\n",
		 (unsigned long long)s.generation, vm->snap_len, i, counter_ms_since(t0));
	return 0;
}

/* Read slot i's snapshot into the VM's snapshot memory and check it whole. */
static int load_slot(struct vm *vm, unsigned i, char *why, size_t why_len)
{
	static struct snap_index idx;
	const struct snap_slot *s = &disk.slot[i];
	uint32_t len = (s->length + VIRTIO_BLK_SECTOR - 1) / VIRTIO_BLK_SECTOR * VIRTIO_BLK_SECTOR;
	struct snap_shape shape = disk.layout.shape;
	uint64_t t0;
	int r;

	if (len > vm->snap_cap) {
		fmt_snprintf(why, why_len, "%u bytes, no room for them", s->length);
		return -E2BIG;
	}
	t0 = read_CNTPCT();
	r = virtio_blk_read(disk.layout.slot_offset[i] + SNAP_DISK_BLOCK, vm->snap_buf, len);
	if (r) {
		fmt_snprintf(why, why_len, "cannot read it (%d)", r);
		return r;
	}
	r = snap_parse(vm->snap_buf, s->length, &shape, &idx, why, why_len);
	if (!r && idx.crc != s->snap_crc) {
		fmt_snprintf(why, why_len, "not the snapshot its slot header names");
		r = -EINVAL;
	}
	vm->snap_len = r ? 0 : s->length;
	if (!r)
		log_info("snapshot disk: generation %llu, %u bytes read from slot %u and checked in %u ms\n",
			 (unsigned long long)s->generation, s->length, i, counter_ms_since(t0));
	return r;
}

int snap_disk_load(struct vm *vm, char *why, size_t why_len)
{
	unsigned order[SNAP_DISK_SLOTS], n = 0;
	char first[120] = "";
	int r = -ENOENT;

	if (!disk.present) {
		fmt_snprintf(why, why_len, "no snapshot disk");
		return -ENODEV;
	}
	/* Newest first. */
	if (disk.valid[0])
		order[n++] = 0;
	if (disk.valid[1])
		order[n++] = 1;
	if (n == 2 && disk.slot[1].generation > disk.slot[0].generation)
		order[0] = 1, order[1] = 0;
	for (unsigned k = 0; k < n; k++) {
		r = load_slot(vm, order[k], why, why_len);
		if (!r) {
			if (k)
				log_warn("snapshot disk: slot %u (generation %llu) is damaged (%s); resuming slot %u (generation %llu)\n",
					 order[0], (unsigned long long)disk.slot[order[0]].generation, first,
					 order[k], (unsigned long long)disk.slot[order[k]].generation);
			return 0;
		}
		if (!k)
			fmt_snprintf(first, sizeof(first), "%s", why);
		log_warn("snapshot disk: slot %u (generation %llu): %s\n", order[k],
			 (unsigned long long)disk.slot[order[k]].generation, why);
	}
	if (!n)
		fmt_snprintf(why, why_len, "no snapshot on the disk");
	else if (n > 1)
		fmt_snprintf(why, why_len, "both slots are damaged (newest: %s)", first);
	return r ? r : -ENOENT;
}

long snap_save(struct vm *vm, char *why, size_t why_len)
{
	uint64_t t0 = read_CNTPCT();
	long size = snap_take(vm, why, why_len);

	if (size < 0)
		return size;
	/* make bench reads this line */
	log_info("snapshot of %ld bytes taken in %u ms\n", size, counter_ms_since(t0));
	if (disk.present && snap_disk_write(vm, why, why_len))
		return -EIO;
	return size;
}

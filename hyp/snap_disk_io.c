/* The VMs' snapshot disks: each a virtio block device on one of vexpress-a15's
 * virtio-mmio transports, which no guest can reach (their page is not in any stage 2).
 * Layout and the crash-safe order of writes: include/hyp/snap_disk.h. */
#include <errno.h>
#include <string.h>

#include "arm/sysreg.h"
#include "bootdesc.h"
#include "drivers/virtio_blk.h"
#include "hyp/log.h"
#include "hyp/snap_disk.h"
#include "hyp/snapshot.h"
#include "hyp/vm.h"
#include "lib/fmt.h"

#define TRANSPORT_BASE 0x1c130000u
#define TRANSPORT_STRIDE 0x200u

/* VM k's disk is on transport k (run-guest puts it on QEMU's virtio-mmio-bus.k), so a
 * disk can never be taken for another VM's. */
static struct disk {
	struct virtio_blk dev;
	uint8_t block[SNAP_DISK_BLOCK] __attribute__((aligned(8))); /* a header on its way */
	bool present;
	struct snap_disk layout;
	struct snap_slot slot[SNAP_DISK_SLOTS];
	int valid[SNAP_DISK_SLOTS];
} disks[BOOTDESC_MAX_VMS];
static uint32_t boot_time; /* seconds since 1970 when QEMU started (the runner's word) */

static struct disk *disk_of(const struct vm *vm)
{
	return vm->index < BOOTDESC_MAX_VMS ? &disks[vm->index] : NULL;
}

static void read_slots(const struct vm *vm, struct disk *disk)
{
	char why[80];

	for (unsigned i = 0; i < SNAP_DISK_SLOTS; i++) {
		int r = virtio_blk_read(&disk->dev, disk->layout.slot_offset[i], disk->block, sizeof(disk->block));

		if (r)
			fmt_snprintf(why, sizeof(why), "cannot read it (%d)", r);
		else
			r = snap_slot_decode(disk->block, &disk->layout, &disk->slot[i], why, sizeof(why));
		disk->valid[i] = !r;
		/* A slot never written is no news; a damaged header is, whichever slot it is. */
		if (r && r != -ENOENT)
			log_warn("VM %u: snapshot disk: slot %u's header is damaged (%s); that slot is not used\n",
				 vm->index, i, why);
	}
}

bool snap_disk_present(const struct vm *vm)
{
	const struct disk *disk = disk_of(vm);

	return disk && disk->present;
}

int snap_disk_attach(const struct vm *vm, uint32_t time)
{
	struct disk *disk = disk_of(vm);
	uintptr_t t = TRANSPORT_BASE + TRANSPORT_STRIDE * vm->index;
	struct snap_shape shape;
	char why[120];
	int r;

	boot_time = time;
	if (!disk || !virtio_blk_present(t))
		return -ENODEV; /* no disk for this VM: its snapshots stay in memory */
	snap_shape_of(vm, &shape);
	r = virtio_blk_init(&disk->dev, t);
	if (!r)
		r = virtio_blk_read(&disk->dev, 0, disk->block, sizeof(disk->block));
	if (!r)
		r = snap_disk_decode(disk->block, virtio_blk_bytes(&disk->dev), &disk->layout, why, sizeof(why));
	else
		fmt_snprintf(why, sizeof(why), "cannot read it (%d)", r);
	if (!r && !snap_shape_equal(&disk->layout.shape, &shape)) {
		fmt_snprintf(why, sizeof(why), "it is for another VM shape");
		r = -EINVAL;
	}
	if (r) {
		log_err("VM %u: snapshot disk at %#x: %s; not used\n", vm->index, (unsigned)t, why);
		return r;
	}
	read_slots(vm, disk);
	disk->present = true;
	log_info("VM %u: snapshot disk at %#x: %llu bytes, slots of generation %llu and %llu\n", vm->index,
		 (unsigned)t, (unsigned long long)virtio_blk_bytes(&disk->dev),
		 (unsigned long long)(disk->valid[0] ? disk->slot[0].generation : 0),
		 (unsigned long long)(disk->valid[1] ? disk->slot[1].generation : 0));
	return 0;
}

static uint64_t now_seconds(void)
{
	return boot_time + read_CNTPCT() / read_CNTFRQ();
}

int snap_disk_write(struct vm *vm, char *why, size_t why_len)
{
	struct disk *disk = disk_of(vm);
	unsigned i;
	uint64_t gen = 0, data;
	uint32_t len = (vm->snap_len + VIRTIO_BLK_SECTOR - 1) / VIRTIO_BLK_SECTOR * VIRTIO_BLK_SECTOR;
	struct snap_slot s;
	uint64_t t0;
	int r;

	if (!snap_disk_present(vm)) {
		fmt_snprintf(why, why_len, "no snapshot disk");
		return -ENODEV;
	}
	i = snap_slot_next(disk->slot, disk->valid);
	data = disk->layout.slot_offset[i] + SNAP_DISK_BLOCK;
	for (unsigned k = 0; k < SNAP_DISK_SLOTS; k++)
		if (disk->valid[k] && disk->slot[k].generation > gen)
			gen = disk->slot[k].generation;
	if (len > vm->snap_cap || len > disk->layout.slot_size - SNAP_DISK_BLOCK) {
		fmt_snprintf(why, why_len, "a snapshot of %u bytes does not fit a slot", vm->snap_len);
		return -E2BIG;
	}
	t0 = read_CNTPCT();
	/* The sector-rounding tail is zero, for the CRCs' sake of nobody but neatness. */
	memset((uint8_t *)vm->snap_buf + vm->snap_len, 0, len - vm->snap_len);
	/* Data first, flushed; the header that makes it current last, flushed. */
	r = virtio_blk_write(&disk->dev, data, vm->snap_buf, len);
	if (!r)
		r = virtio_blk_flush(&disk->dev);
	if (!r) {
		s = (struct snap_slot){ gen + 1, vm->snap_len, snap_crc(vm), now_seconds() };
		snap_slot_encode(&s, disk->block);
		r = virtio_blk_write(&disk->dev, disk->layout.slot_offset[i], disk->block, sizeof(disk->block));
	}
	if (!r)
		r = virtio_blk_flush(&disk->dev);
	if (r) {
		fmt_snprintf(why, why_len, "writing slot %u failed (%d)", i, r);
		read_slots(vm, disk);
		return r;
	}
	disk->slot[i] = s;
	disk->valid[i] = 1;
	/* make bench reads this line (docs/benchmarks.md, "The snapshot disk"). */
	log_info("VM %u: snapshot disk: generation %llu, %u bytes to slot %u in %u ms\n", vm->index,
		 (unsigned long long)s.generation, vm->snap_len, i, counter_ms_since(t0));
	return 0;
}

/* Read slot i's snapshot into the VM's snapshot memory and check it whole. */
static int load_slot(struct vm *vm, unsigned i, char *why, size_t why_len)
{
	static struct snap_index idx; /* loads run on CPU 0 only: the boot's, the monitor's */
	struct disk *disk = disk_of(vm);
	const struct snap_slot *s = &disk->slot[i];
	uint32_t len = (s->length + VIRTIO_BLK_SECTOR - 1) / VIRTIO_BLK_SECTOR * VIRTIO_BLK_SECTOR;
	struct snap_shape shape = disk->layout.shape;
	uint64_t t0;
	int r;

	if (len > vm->snap_cap) {
		fmt_snprintf(why, why_len, "%u bytes, no room for them", s->length);
		return -E2BIG;
	}
	t0 = read_CNTPCT();
	r = virtio_blk_read(&disk->dev, disk->layout.slot_offset[i] + SNAP_DISK_BLOCK, vm->snap_buf, len);
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
		log_info("VM %u: snapshot disk: generation %llu, %u bytes read from slot %u and checked in %u ms\n",
			 vm->index, (unsigned long long)s->generation, s->length, i, counter_ms_since(t0));
	return r;
}

int snap_disk_load(struct vm *vm, char *why, size_t why_len)
{
	struct disk *disk = disk_of(vm);
	unsigned order[SNAP_DISK_SLOTS], n = 0;
	char first[120] = "";
	int r = -ENOENT;

	if (!snap_disk_present(vm)) {
		fmt_snprintf(why, why_len, "no snapshot disk");
		return -ENODEV;
	}
	/* Newest first. */
	if (disk->valid[0])
		order[n++] = 0;
	if (disk->valid[1])
		order[n++] = 1;
	if (n == 2 && disk->slot[1].generation > disk->slot[0].generation)
		order[0] = 1, order[1] = 0;
	for (unsigned k = 0; k < n; k++) {
		r = load_slot(vm, order[k], why, why_len);
		if (!r) {
			if (k)
				log_warn("VM %u: snapshot disk: slot %u (generation %llu) is damaged (%s); resuming slot %u (generation %llu)\n",
					 vm->index, order[0], (unsigned long long)disk->slot[order[0]].generation, first,
					 order[k], (unsigned long long)disk->slot[order[k]].generation);
			return 0;
		}
		if (!k)
			fmt_snprintf(first, sizeof(first), "%s", why);
		log_warn("VM %u: snapshot disk: slot %u (generation %llu): %s\n", vm->index, order[k],
			 (unsigned long long)disk->slot[order[k]].generation, why);
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
	if (snap_disk_present(vm) && snap_disk_write(vm, why, why_len))
		return -EIO;
	return size;
}

/* The host's view of snapshots (scripts/snapshot wraps it; docs/snapshot-format.md):
 *
 *   snapshot list DISK          slots, generations, which is current, VM shape, when taken
 *   snapshot verify DISK|FILE   every CRC and every value a restore would check
 *   snapshot show DISK|FILE     sections and sizes, each vCPU's PC/CPSR/mode/PSCI state,
 *                               the VGIC's registers by device-API attribute, timers
 *   snapshot extract DISK -o FILE   the current snapshot as a file
 *   snapshot create DISK --vcpus N --mem BYTES --irqs N
 *                               a new snapshot disk for that shape (kept if it is one)
 *   snapshot check DISK [--vcpus N --mem BYTES --irqs N]
 *                               the newest whole snapshot's shape, for --resume
 *   snapshot import FILE DISK   a disk holding that snapshot (resuming from a file)
 *
 * Built by make from the hypervisor's own codec (hyp/snap_format.c, hyp/snap_disk.c,
 * hyp/snap_vcpu.c, hyp/snap_vgic.c, gic/vgic_*.c): what it accepts, a restore accepts.
 * Exit status: 0 fine, 1 the snapshot or disk is refused (the reason on stderr), 2 usage
 * or file errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gic/vgic_dev.h"
#include "hyp/snap_disk.h"
#include "hyp/snap_vcpu.h"
#include "hyp/snap_vcpu_ids.h"

/* The board's addresses, as vm_create gives them (hyp/vm.h, scripts/layout.sh). */
#define RAM_IPA 0x80000000u
#define GICD_IPA 0x2c001000u
#define GICC_IPA 0x2c002000u

static const char *const type_name[] = { "?", "VM", "VCPU", "VGIC", "UART", "TESTDEV", "RAM", "END" };
static char why[256];

static void die(int code, const char *what) __attribute__((noreturn));
static void die(int code, const char *what)
{
	fprintf(stderr, "snapshot: %s\n", what);
	exit(code);
}

/* The whole file, mapped (a disk is twice guest RAM, mostly never read); private, so
 * nothing done to the bytes reaches the file. */
static uint8_t *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	void *m;

	if (fd < 0 || fstat(fd, &st)) {
		snprintf(why, sizeof(why), "cannot read '%s': %s", path, strerror(errno));
		die(2, why);
	}
	*len = (size_t)st.st_size;
	if (!st.st_size) {
		close(fd);
		return calloc(1, 8);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		snprintf(why, sizeof(why), "cannot map '%s': %s", path, strerror(errno));
		die(2, why);
	}
	return m;
}

static int is_disk(const uint8_t *b, size_t len) { return len >= 8 && !memcmp(b, SNAP_DISK_MAGIC, 8); }

struct disk_view {
	struct snap_disk d;
	struct snap_slot slot[SNAP_DISK_SLOTS];
	int valid[SNAP_DISK_SLOTS], whole[SNAP_DISK_SLOTS];
	char slot_why[SNAP_DISK_SLOTS][160];
	struct snap_index idx[SNAP_DISK_SLOTS]; /* of each whole slot's snapshot */
	int current; /* the newest whole slot, or -1 */
};

static const uint8_t *slot_data(const uint8_t *disk, const struct disk_view *v, unsigned i)
{
	return disk + v->d.slot_offset[i] + SNAP_DISK_BLOCK;
}

static void view_disk(const uint8_t *disk, size_t len, struct disk_view *v)
{
	memset(v, 0, sizeof(*v));
	v->current = -1;
	if (snap_disk_decode(disk, len, &v->d, why, sizeof(why)))
		die(1, why);
	for (unsigned i = 0; i < SNAP_DISK_SLOTS; i++) {
		v->valid[i] = !snap_slot_decode(disk + v->d.slot_offset[i], &v->d, &v->slot[i], v->slot_why[i],
						 sizeof(v->slot_why[i]));
		if (!v->valid[i])
			continue;
		v->whole[i] = !snap_parse(slot_data(disk, v, i), v->slot[i].length, &v->d.shape, &v->idx[i],
					  v->slot_why[i], sizeof(v->slot_why[i]));
		if (v->whole[i] && v->idx[i].crc != v->slot[i].snap_crc) {
			snprintf(v->slot_why[i], sizeof(v->slot_why[i]),
				 "not the snapshot its slot header names (content CRC %08x, header says %08x)",
				 v->idx[i].crc, v->slot[i].snap_crc);
			v->whole[i] = 0;
		}
		if (v->whole[i] && (v->current < 0 || v->slot[i].generation > v->slot[v->current].generation))
			v->current = (int)i;
	}
}

/* The snapshot a command works on: a disk's current one, or a file's. */
static const uint8_t *pick(const char *path, uint32_t *len, const struct snap_index **idx)
{
	static struct disk_view v;
	static struct snap_index file_idx;
	size_t n;
	uint8_t *b = read_file(path, &n);

	if (!is_disk(b, n)) {
		if (snap_parse(b, n, NULL, &file_idx, why, sizeof(why)))
			die(1, why);
		*len = (uint32_t)n;
		*idx = &file_idx;
		return b;
	}
	view_disk(b, n, &v);
	if (v.current < 0)
		die(1, "no whole snapshot on the disk");
	*len = v.slot[v.current].length;
	*idx = &v.idx[v.current];
	return slot_data(b, &v, (unsigned)v.current);
}

/* Everything a restore checks besides the format: each vCPU's register ids, the VM and
 * UART records, and every VGIC record applied to a fresh VGIC through the device API. */
static int verify_content(const struct snap_index *idx)
{
	static struct vgic_dist dist;
	static struct vgic_dev dev;
	static uint32_t vmcr[VGIC_MAX_VCPUS], apr[VGIC_MAX_VCPUS];
	uint32_t irqs = idx->shape.nr_irqs, id, val, iidr = 0;
	int r;

	for (unsigned i = 0; i < idx->shape.vcpus; i++)
		if ((r = snap_vcpu_check(snap_find(idx, SNAP_VCPU, i), why, sizeof(why))))
			return r;
	memset(&dev, 0, sizeof(dev));
	for (unsigned i = 0; i < VGIC_MAX_VCPUS; i++)
		dev.vmcr[i] = &vmcr[i], dev.apr[i] = &apr[i];
	/* GICC_IIDR is the host GIC's: take the snapshot's own value. */
	for (unsigned n = 0;; n++) {
		uint64_t attr;
		if (snap_vgic_rec(snap_find(idx, SNAP_VGIC, 0), n, &id, &attr, &val))
			break;
		if (id == VGIC_GRP_CPU_REGS && (attr & VGIC_ATTR_OFFSET_MASK) == GICC_IIDR)
			iidr = val;
	}
	dev.gicc_iidr = iidr;
	r = vgic_dev_create(&dev, &dist, idx->shape.vcpus);
	if (!r)
		r = vgic_dev_set_attr(&dev, VGIC_GRP_NR_IRQS, 0, &irqs);
	if (!r)
		r = vgic_dev_set_attr(&dev, VGIC_GRP_CTRL, VGIC_CTRL_INIT, NULL);
	if (r) {
		snprintf(why, sizeof(why), "the shape's VGIC cannot be built (%d)", r);
		return r;
	}
	return snap_vgic_restore(&dev, snap_find(idx, SNAP_VGIC, 0), why, sizeof(why));
}

static int cmd_verify(const char *path)
{
	const struct snap_index *idx;
	uint32_t len;
	size_t n;
	uint8_t *b = read_file(path, &n);

	if (is_disk(b, n)) {
		static struct disk_view v;
		int bad = 0;

		view_disk(b, n, &v);
		for (unsigned i = 0; i < SNAP_DISK_SLOTS; i++) {
			if (!v.valid[i] || !v.whole[i]) {
				printf("slot %u: %s\n", i, v.valid[i] || v.slot_why[i][0] ? v.slot_why[i] : "empty");
				continue;
			}
			if (verify_content(&v.idx[i])) {
				printf("slot %u: generation %llu: %s\n", i, (unsigned long long)v.slot[i].generation, why);
				bad = 1;
			} else {
				printf("slot %u: generation %llu: whole%s\n", i, (unsigned long long)v.slot[i].generation,
				       (int)i == v.current ? " (current)" : "");
			}
		}
		if (v.current < 0)
			die(1, "no whole snapshot on the disk");
		return bad;
	}
	pick(path, &len, &idx);
	if (verify_content(idx))
		die(1, why);
	printf("whole: %u bytes, %u sections, crc %08x\n", idx->total, idx->count, idx->crc);
	return 0;
}

static int cmd_list(const char *path)
{
	struct disk_view v;
	size_t n;
	uint8_t *b = read_file(path, &n);

	if (!is_disk(b, n))
		die(1, "not a snapshot disk (bad magic)");
	view_disk(b, n, &v);
	printf("VM shape: %u vCPUs, %u MiB of RAM at %#x, %u interrupt lines, GICD %#x, GICC %#x\n",
	       v.d.shape.vcpus, v.d.shape.ram_size >> 20, v.d.shape.ram_ipa, v.d.shape.nr_irqs,
	       v.d.shape.gicd_ipa, v.d.shape.gicc_ipa);
	for (unsigned i = 0; i < SNAP_DISK_SLOTS; i++) {
		char when[40] = "?";
		time_t t;

		if (!v.valid[i]) {
			printf("slot %u: %s\n", i, v.slot_why[i]);
			continue;
		}
		t = (time_t)v.slot[i].time;
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
		printf("slot %u: generation %llu, %u bytes, crc %08x, taken %s%s%s%s\n", i,
		       (unsigned long long)v.slot[i].generation, v.slot[i].length, v.slot[i].snap_crc, when,
		       v.whole[i] ? "" : ", DAMAGED: ", v.whole[i] ? "" : v.slot_why[i],
		       (int)i == v.current ? " (current)" : "");
	}
	return v.current < 0;
}

static const char *mode_name(uint32_t cpsr)
{
	switch (cpsr & 0x1f) {
	case 0x10: return "usr";
	case 0x11: return "fiq";
	case 0x12: return "irq";
	case 0x13: return "svc";
	case 0x17: return "abt";
	case 0x1b: return "und";
	case 0x1f: return "sys";
	default: return "?";
	}
}

static uint32_t rec_of(const struct snap_section_ref *s, uint32_t want)
{
	uint32_t id, val;

	for (unsigned n = 0; !snap_rec(s, n, &id, &val); n++)
		if (id == want)
			return val;
	return 0;
}

static int cmd_show(const char *path)
{
	const struct snap_index *idx;
	uint32_t len, group, val;
	uint64_t attr;

	pick(path, &len, &idx);
	printf("snapshot: %u bytes, crc %08x; %u vCPUs, %u MiB of RAM, %u interrupt lines\n", idx->total,
	       idx->crc, idx->shape.vcpus, idx->shape.ram_size >> 20, idx->shape.nr_irqs);
	for (unsigned i = 0; i < idx->count; i++)
		printf("  section %-2u %-7s %u: %u bytes\n", i + 1, type_name[idx->s[i].type <= SNAP_TYPE_MAX ? idx->s[i].type : 0],
		       idx->s[i].instance, idx->s[i].length);
	printf("virtual counter when it stopped: %#llx\n",
	       (unsigned long long)rec_of(snap_find(idx, SNAP_VM, 0), SNAP_VM_VCOUNT) |
		       (unsigned long long)rec_of(snap_find(idx, SNAP_VM, 0), SNAP_VM_VCOUNT + 1) << 32);
	for (unsigned i = 0; i < idx->shape.vcpus; i++) {
		const struct snap_section_ref *v = snap_find(idx, SNAP_VCPU, i);
		uint32_t cpsr = rec_of(v, SNAP_CPSR);

		printf("vCPU %u: %s, PC %08x, CPSR %08x (%s), SCTLR %08x; CNTV_CTL %x CVAL %08x%08x; "
		       "CNTP_CTL %x CVAL %08x%08x\n",
		       i, rec_of(v, SNAP_POWER) ? "on" : "off", rec_of(v, SNAP_PC), cpsr, mode_name(cpsr),
		       rec_of(v, SNAP_CP15), rec_of(v, SNAP_CNTV_CTL), rec_of(v, SNAP_CNTV_CVAL + 1),
		       rec_of(v, SNAP_CNTV_CVAL), rec_of(v, SNAP_PTIMER_CTL), rec_of(v, SNAP_PTIMER_CVAL + 1),
		       rec_of(v, SNAP_PTIMER_CVAL));
	}
	printf("VGIC (device-API attributes: group, vCPU, offset = value):\n");
	for (unsigned n = 0; !snap_vgic_rec(snap_find(idx, SNAP_VGIC, 0), n, &group, &attr, &val); n++)
		if (val || group == VGIC_GRP_CPU_REGS)
			printf("  %u %u %#05x = %08x\n", group, (unsigned)(attr >> VGIC_ATTR_VCPU_SHIFT),
			       (unsigned)(attr & VGIC_ATTR_OFFSET_MASK), val);
	printf("(registers that read 0 not listed)\n");
	return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		snprintf(why, sizeof(why), "cannot write '%s': %s", path, strerror(errno));
		die(2, why);
	}
}

static int cmd_extract(const char *path, const char *out)
{
	const struct snap_index *idx;
	uint32_t len;
	const uint8_t *s = pick(path, &len, &idx);

	write_file(out, s, len);
	printf("%s: %u bytes\n", out, len);
	return 0;
}

/* A disk for `shape`: a new, sparse file with its header, or an existing one checked. */
static void make_disk(const char *path, const struct snap_shape *shape, const uint8_t *snap, uint32_t len,
		      uint32_t snap_crc)
{
	static uint8_t block[SNAP_DISK_BLOCK];
	struct snap_disk d;
	FILE *f;

	snap_disk_layout(&d, shape);
	f = fopen(path, "wb");
	if (!f) {
		snprintf(why, sizeof(why), "cannot create '%s': %s", path, strerror(errno));
		die(2, why);
	}
	snap_disk_encode(&d, block);
	fwrite(block, 1, sizeof(block), f);
	if (snap) {
		struct snap_slot slot = { 1, len, snap_crc, (uint64_t)time(NULL) };

		snap_slot_encode(&slot, block);
		fseek(f, (long)d.slot_offset[0], SEEK_SET);
		fwrite(block, 1, sizeof(block), f);
		fwrite(snap, 1, len, f);
	}
	/* Sparse up to its full size. */
	if (fseek(f, (long)(snap_disk_size(&d) - 1), SEEK_SET) || fputc(0, f) == EOF || fclose(f)) {
		snprintf(why, sizeof(why), "cannot write '%s': %s", path, strerror(errno));
		die(2, why);
	}
}

static void shape_from_args(int argc, char **argv, struct snap_shape *s, int *given)
{
	*given = 0;
	s->ram_ipa = RAM_IPA;
	s->gicd_ipa = GICD_IPA;
	s->gicc_ipa = GICC_IPA;
	for (int i = 0; i + 1 < argc; i++) {
		unsigned long v = strtoul(argv[i + 1], NULL, 0);
		if (!strcmp(argv[i], "--vcpus"))
			s->vcpus = (uint32_t)v, *given |= 1;
		else if (!strcmp(argv[i], "--mem"))
			s->ram_size = (uint32_t)v, *given |= 2;
		else if (!strcmp(argv[i], "--irqs"))
			s->nr_irqs = (uint32_t)v, *given |= 4;
	}
}

static int cmd_create(const char *path, int argc, char **argv)
{
	struct snap_shape shape = { 0 };
	struct snap_disk d;
	size_t n;
	FILE *f = fopen(path, "rb");
	int given;

	shape_from_args(argc, argv, &shape, &given);
	if (given != 7)
		die(2, "create needs --vcpus, --mem and --irqs");
	if (!f) {
		make_disk(path, &shape, NULL, 0, 0);
		snap_disk_layout(&d, &shape);
		printf("%s: a new snapshot disk of %llu bytes\n", path, (unsigned long long)snap_disk_size(&d));
		return 0;
	}
	fclose(f);
	{
		uint8_t *b = read_file(path, &n);
		struct disk_view v;

		if (!is_disk(b, n)) {
			snprintf(why, sizeof(why), "'%s' is not a snapshot disk (bad magic): not touching it", path);
			die(1, why);
		}
		view_disk(b, n, &v);
		if (!snap_shape_equal(&v.d.shape, &shape)) {
			snprintf(why, sizeof(why), "'%s' is for another VM shape: %u vCPUs, %u MiB, %u lines (asked: %u, %u MiB, %u)",
				 path, v.d.shape.vcpus, v.d.shape.ram_size >> 20, v.d.shape.nr_irqs, shape.vcpus,
				 shape.ram_size >> 20, shape.nr_irqs);
			die(1, why);
		}
	}
	return 0;
}

static int cmd_check(const char *path, int argc, char **argv)
{
	struct snap_shape want = { 0 }, shape;
	const struct snap_index *idx;
	uint32_t len;
	int given;

	shape_from_args(argc, argv, &want, &given);
	pick(path, &len, &idx);
	shape = idx->shape;
	if (((given & 1) && want.vcpus != shape.vcpus) || ((given & 2) && want.ram_size != shape.ram_size) ||
	    ((given & 4) && want.nr_irqs != shape.nr_irqs)) {
		char asked[100] = "";
		size_t n = 0;

		if (given & 1)
			n += (size_t)snprintf(asked + n, sizeof(asked) - n, "%u vCPUs", want.vcpus);
		if (given & 2)
			n += (size_t)snprintf(asked + n, sizeof(asked) - n, "%s%u MiB", n ? ", " : "",
					      want.ram_size >> 20);
		if (given & 4)
			snprintf(asked + n, sizeof(asked) - n, "%s%u lines", n ? ", " : "", want.nr_irqs);
		snprintf(why, sizeof(why),
			 "the snapshot is of %u vCPUs, %u MiB of RAM, %u interrupt lines (asked: %s)",
			 shape.vcpus, shape.ram_size >> 20, shape.nr_irqs, asked);
		die(1, why);
	}
	printf("vcpus=%u mem=%u irqs=%u\n", shape.vcpus, shape.ram_size, shape.nr_irqs);
	return 0;
}

static int cmd_import(const char *file, const char *disk)
{
	static struct snap_index idx;
	size_t n;
	uint8_t *b = read_file(file, &n);

	if (snap_parse(b, n, NULL, &idx, why, sizeof(why)) || verify_content(&idx))
		die(1, why);
	if (!access(disk, F_OK)) {
		snprintf(why, sizeof(why), "'%s' exists: not overwriting it", disk);
		die(1, why);
	}
	make_disk(disk, &idx.shape, b, idx.total, idx.crc);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "", *path = argc > 2 ? argv[2] : NULL;

	if (!path)
		die(2, "usage: snapshot list|verify|show|extract|create|check|import DISK|FILE ...");
	if (!strcmp(cmd, "list"))
		return cmd_list(path);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(path);
	if (!strcmp(cmd, "show"))
		return cmd_show(path);
	if (!strcmp(cmd, "extract") && argc == 5 && !strcmp(argv[3], "-o"))
		return cmd_extract(path, argv[4]);
	if (!strcmp(cmd, "create"))
		return cmd_create(path, argc - 3, argv + 3);
	if (!strcmp(cmd, "check"))
		return cmd_check(path, argc - 3, argv + 3);
	if (!strcmp(cmd, "import") && argc == 4)
		return cmd_import(path, argv[3]);
	die(2, "usage: snapshot list|verify|show|extract DISK -o FILE|create|check|import FILE DISK");
}

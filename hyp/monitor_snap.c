/* The monitor's snapshot commands (docs/monitor.md). Each answers one line: "ok ..." with
 * the snapshot's size and CRC, or "error: <reason>". They run on CPU 0, in vCPU 0's exit
 * path or, while the VM is paused, in the loop that serves the monitor. */
#include <string.h>

#include "arm/sysreg.h"

#include "hyp/log.h"
#include "hyp/monitor.h"
#include "hyp/pcpu.h"
#include "hyp/snap_format.h"
#include "hyp/snapshot.h"
#include "hyp/vm.h"

static char why[160];

static struct vcpu *current_vcpu(void) { return this_pcpu()->vcpu; }

/* Pause unless already paused; true when this command did the pausing. */
static int pause_for(struct vm *vm, bool *paused_here)
{
	int r;

	*paused_here = !vm->pause_req;
	if (!*paused_here)
		return 0;
	r = vm_pause(vm, current_vcpu());
	if (r)
		console_printf("error: a vCPU did not stop (%d); the VM runs on\n", r);
	return r;
}

static void answer_snapshot(const char *what, struct vm *vm, long size)
{
	console_printf("ok %s %ld bytes, crc %08x\n", what, size, snap_crc(vm));
}

void monitor_snapshot(struct vm *vm)
{
	bool paused_here;
	long size;

	if (pause_for(vm, &paused_here))
		return;
	size = snap_save(vm, why, sizeof(why));
	if (paused_here)
		vm_continue(vm);
	if (size < 0)
		console_printf("error: %s\n", why);
	else
		answer_snapshot(snap_disk_present(vm) ? "snapshot (on the disk)" : "snapshot", vm, size);
}

void monitor_suspend(struct vm *vm)
{
	bool paused_here;
	long size;

	if (pause_for(vm, &paused_here))
		return;
	size = snap_save(vm, why, sizeof(why));
	if (size < 0) {
		if (paused_here)
			vm_continue(vm);
		console_printf("error: %s; the VM runs on\n", why);
		return;
	}
	if (snap_disk_present(vm)) {
		/* Suspended to disk: with no other VM running the machine goes off and --resume
		 * brings the VM back; otherwise it rests there until `resume`. */
		if (vm_rest_on_disk(vm)) {
			answer_snapshot("suspended to the snapshot disk; powering off:", vm, size);
			monitor_power_off();
		}
		answer_snapshot("suspended to the snapshot disk; the other VMs run on:", vm, size);
		return;
	}
	answer_snapshot("suspended", vm, size);
}

/* Restore and let the VM run from there; refused, it goes on as it was. */
static void restore_and_continue(struct vm *vm, const char *what, bool paused_here)
{
	int r = snap_restore(vm, why, sizeof(why));

	if (r && !paused_here) {
		console_printf("error: %s; the VM stays paused\n", why);
		return;
	}
	vm_continue(vm);
	if (r)
		console_printf("error: %s; the VM runs on\n", why);
	else
		answer_snapshot(what, vm, vm->snap_len);
}

void monitor_restore(struct vm *vm)
{
	bool paused_here;

	if (pause_for(vm, &paused_here))
		return;
	restore_and_continue(vm, "restored", paused_here);
}

void monitor_resume(struct vm *vm)
{
	if (vm->system_suspended) {
		vm->wake_req = true; /* the guest's own SYSTEM_SUSPEND: it wakes at its entry point */
		console_printf("ok waking the VM from SYSTEM_SUSPEND\n");
		return;
	}
	if (vm->on_disk) {
		if (vm_wake_from_disk(vm, why, sizeof(why)))
			console_printf("error: %s; VM %u stays on its snapshot disk\n", why, vm->index);
		else
			answer_snapshot("resumed from the snapshot disk:", vm, vm->snap_len);
		return;
	}
	if (!vm->pause_req) {
		console_printf("error: the VM is not suspended\n");
		return;
	}
	restore_and_continue(vm, "resumed", false);
}

static unsigned parse_uint(const char **p)
{
	unsigned v = 0, base = 10;

	while (**p == ' ')
		(*p)++;
	if ((*p)[0] == '0' && ((*p)[1] == 'x' || (*p)[1] == 'X'))
		base = 16, *p += 2;
	for (;; (*p)++) {
		char c = **p;
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : base == 16 && c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
								: 99;
		if (d >= base)
			return v;
		v = v * base + d;
	}
}

/* The last snapshot's sections, one line each (what `corrupt` can aim at). */
void monitor_snapinfo(struct vm *vm)
{
	static struct snap_index idx;
	static const char *const names[] = { "?", "VM", "VCPU", "VGIC", "UART", "TESTDEV", "RAM", "END" };
	const uint8_t *base = vm->snap_buf;

	if (!vm->snap_len || snap_parse(vm->snap_buf, vm->snap_len, NULL, &idx, why, sizeof(why))) {
		console_printf("error: %s\n", vm->snap_len ? why : "no snapshot taken");
		return;
	}
	for (unsigned i = 0; i < idx.count; i++) {
		const struct snap_section_ref *s = &idx.s[i];
		console_printf("section %u: %s %u at offset %u, %u bytes\n", i + 1,
			       names[s->type <= SNAP_TYPE_MAX ? s->type : 0], s->instance,
			       (unsigned)(s->payload - base) - SNAP_SECTION_HEADER_SIZE, s->length);
	}
	console_printf("ok %u sections, %u bytes, crc %08x\n", idx.count, vm->snap_len, snap_crc(vm));
}

/* Flip one bit of the in-memory snapshot, or cut it short ("len N"): the tests' way to
 * show a corrupt one refused. */
void monitor_corrupt(struct vm *vm)
{
	const char *p = monitor_args();
	unsigned off, bit;

	if (p[0] == 'l' && p[1] == 'e' && p[2] == 'n') {
		p += 3;
		off = parse_uint(&p);
		if (!vm->snap_len || off > vm->snap_len) {
			console_printf("error: the snapshot has %u bytes\n", vm->snap_len);
			return;
		}
		vm->snap_len = off;
		console_printf("ok cut to %u bytes\n", off);
		return;
	}
	off = parse_uint(&p);
	bit = parse_uint(&p);

	if (!vm->snap_len || off >= vm->snap_len || bit > 7) {
		console_printf("error: no snapshot byte %u bit %u (the snapshot has %u bytes)\n", off, bit,
			       vm->snap_len);
		return;
	}
	((unsigned char *)vm->snap_buf)[off] ^= (unsigned char)(1u << bit);
	console_printf("ok flipped byte %u bit %u\n", off, bit);
}

/* make bench: what a snapshot, a restore and a plain memcpy of guest RAM cost, in counter
 * ticks (under -icount shift=0 one tick is 16 instructions). The restore is of the
 * snapshot just taken, so the VM goes on unchanged. */
void monitor_snapbench(struct vm *vm)
{
	uint64_t t0, t1, t2, t3;
	bool paused_here;
	long size;
	int r;

	if (pause_for(vm, &paused_here))
		return;
	t0 = read_CNTPCT();
	size = snap_take(vm, why, sizeof(why));
	t1 = read_CNTPCT();
	r = size < 0 ? (int)size : snap_restore(vm, why, sizeof(why));
	t2 = read_CNTPCT();
	if (!r && vm->snap_cap >= vm->ram_size) {
		memcpy(vm->snap_buf, (const void *)vm->ram_pa, vm->ram_size);
		vm->snap_len = 0; /* the snapshot is gone under the copy */
	}
	t3 = read_CNTPCT();
	if (paused_here)
		vm_continue(vm);
	if (r)
		console_printf("error: %s\n", why);
	else
		console_printf("ok snapbench snapshot %u ticks, restore %u ticks, memcpy %u ticks, %ld bytes, RAM %u bytes\n",
			       (unsigned)(t1 - t0), (unsigned)(t2 - t1), (unsigned)(t3 - t2), size, vm->ram_size);
}

/* The hypervisor proper, on CPU 0: banner, the VMs the runner asked for, and run them. */
#include "arm/sysreg.h"
#include "boot/boot.h"
#include "bootdesc.h"
#include "drivers/vexpress_sysreg.h"
#include "gic/gic.h"
#include "hyp/log.h"
#include "hyp/monitor.h"
#include "hyp/page_pool.h"
#include "hyp/pcpu.h"
#include "hyp/snapshot.h"
#include "hyp/vm.h"

#ifndef HYP_BUILD_ID
#define HYP_BUILD_ID "unknown"
#endif

extern char __hyp_start[], __hyp_end[], hyp_stacks[];

static struct vm vms[BOOTDESC_MAX_VMS];
static unsigned nr_vms;
static unsigned live_vms; /* not powered off by PSCI SYSTEM_OFF (hyp/psci.c) */

/* Secondaries come up in microseconds; give them 100 ms of counter time. */
static void wait_for_secondaries(unsigned expected)
{
	uint64_t freq = read_CNTFRQ(), start = read_CNTPCT();

	while (pcpu_online_count() < expected && read_CNTPCT() - start < freq / 10)
		wfe();
}

static void banner(unsigned present)
{
	console_printf("\n=== hyp %s: ARMv7-A Hyp-mode hypervisor (Cortex-A15, Versatile Express) ===\n",
		       HYP_BUILD_ID);
	console_printf("CPUs: %u of %u online in Hyp mode (entered %s); MIDR %08x; CNTFRQ %u Hz\n",
		       pcpu_online_count(), present, entered_secure ? "from Secure SVC" : "in Hyp",
		       read_MIDR(), read_CNTFRQ());
	console_printf("GIC: base %08x, %u interrupt lines\n", (unsigned)gic_base, gic_lines());
	console_printf("Host physical map:\n");
	console_printf("  %08x-%08x  hypervisor image + BSS (stacks at %08x, %u KiB per CPU)\n",
		       (unsigned)__hyp_start, (unsigned)__hyp_end - 1, (unsigned)hyp_stacks, HYP_STACK_SIZE / 1024);
	console_printf("  %08x-%08x  boot descriptor\n", BOOTDESC_PA, BOOTDESC_PA + PAGE_SIZE - 1);
	console_printf("  %08x-...       guest RAM\n", GUEST_RAM_PA);
	console_printf("  stage-2 table pool: %u pages free\n", page_pool_free());
}

/* Cold resume: the newest whole snapshot on the disk becomes the VM, as a restore does it
 * (the VM counts as paused until then). Its vCPUs that were on get their CPUs. */
static int resume_from_disk(struct vm *vm)
{
	static char why[160];
	uint64_t t0;
	int r;

	vm->pause_req = true;
	vm->paused_at = read_CNTPCT();
	r = snap_disk_load(vm, why, sizeof(why));
	t0 = read_CNTPCT();
	if (!r)
		r = snap_restore(vm, why, sizeof(why));
	if (r) {
		console_printf("hyp: VM %u: cannot resume from its snapshot disk: %s\n", vm->index, why);
		return r;
	}
	console_printf("hyp: VM %u: resuming the snapshot of %u bytes (crc %08x) from the snapshot disk (restored in %u ms)\n",
		       vm->index, vm->snap_len, snap_crc(vm), counter_ms_since(t0));
	vm_continue(vm);
	return 0;
}

/* PSCI SYSTEM_OFF of one VM among several: the board powers off with the last one. */
bool vm_last_off(void) { return __atomic_sub_fetch(&live_vms, 1, __ATOMIC_ACQ_REL) == 0; }
void vm_live_again(void) { __atomic_add_fetch(&live_vms, 1, __ATOMIC_ACQ_REL); }
unsigned vm_count(void) { return nr_vms; }

void hyp_main(void)
{
	const struct bootdesc *bd = (const struct bootdesc *)BOOTDESC_PA;
	unsigned present = gic_cpu_count();

	wait_for_secondaries(present);
	banner(present);
	if (bootdesc_check(bd)) {
		console_printf("hyp: no VM to run; powering off\n");
		vexpress_power_off();
	}
	for (nr_vms = 0; nr_vms < bd->nr_vms; nr_vms++) {
		if (vm_create(&vms[nr_vms], bd, nr_vms, pcpu_online_count())) {
			console_printf("hyp: no VM to run; powering off\n");
			vexpress_power_off();
		}
		vm_print_map(&vms[nr_vms]);
	}
	live_vms = nr_vms;
	/* Each VM's snapshot disk, if it has one; those asked to resume come from theirs. */
	for (unsigned k = 0; k < nr_vms; k++) {
		snap_disk_attach(&vms[k], bd->boot_time);
		if (vms[k].resume && resume_from_disk(&vms[k])) {
			console_printf("hyp: no VM to run; powering off\n");
			vexpress_power_off();
		}
	}
	console_printf("=== starting guest%s: the hypervisor's log and monitor continue on UART1 ===\n",
		       nr_vms > 1 ? "s" : "");
	log_set_console(UART1_PA);
	console_printf("\n=== hyp %s: log and monitor (the guest's console is UART0) ===\n", HYP_BUILD_ID);
	monitor_start(vms, nr_vms);
	/* Every VM's vCPU 0 is on (vm_create, or the snapshot): the CPUs pick what is theirs. */
	for (unsigned i = 1; i < MAX_CPUS; i++)
		if (pcpus[i].online)
			pcpu_wake(i);
	pcpu_serve(0);
}

/* run-guest: --driven --vcpus 2 */
/* PSCI 1.0 SYSTEM_SUSPEND as the guest sees it: advertised; DENIED while another vCPU is
 * on; INVALID_ADDRESS for an entry outside RAM; and a real suspend, woken by the guest's
 * own timer and then by the monitor's resume: each time the vCPU comes back at the entry
 * point in SVC with the MMU off and r0 = the context ID, its RAM as it left it.
 * (psci_suspend_disk.c: suspended to the snapshot disk, woken in a new QEMU.) */
#include <string.h>

#include "gic.h"
#include "guest.h"

#define MAGIC_TIMER 0x5eed0001u
#define MAGIC_MONITOR 0x5eed0002u
#define MAGIC_DISK 0x5eed0003u

static volatile uint32_t marker, sec_up, sec_go;
static uint64_t deadline;

static void second(uint32_t ctx)
{
	(void)ctx;
	sec_up = 1;
	while (!sec_go)
		;
}

/* Where a suspend wakes: the boot state, then here (secondary_entry's C side). */
static void expect_wake_state(uint32_t ctx, uint32_t want)
{
	uint32_t cpsr;

	__asm__ volatile("mrs %0, cpsr" : "=r"(cpsr));
	EXPECT_EQ(ctx, want);
	EXPECT_EQ(cpsr & 0x1f, 0x13);            /* SVC */
	EXPECT_EQ(SYSREG_READ(0, c1, c0, 0) & 1, 0); /* MMU off */
	EXPECT_EQ(marker, want);                  /* RAM kept */
}

static void suspend_or_fail(uint32_t magic)
{
	uint32_t r;

	marker = magic;
	r = hvc_call(PSCI_SYSTEM_SUSPEND, (uint32_t)secondary_entry, magic, 0).r0;
	test_fail(__FILE__, __LINE__, "SYSTEM_SUSPEND returned %#x instead of suspending", r);
	test_end();
	power_off();
}

static void __attribute__((unused)) after_disk(uint32_t ctx)
{
	char reply[40];

	test_begin("suspend-to-disk-wakes-in-a-new-qemu");
	expect_wake_state(ctx, MAGIC_DISK);
	EXPECT(gconsole_getline(reply, sizeof(reply), 5000));
	EXPECT(!strcmp(reply, "resume-from-disk ok"));
	test_end();
	gprintf("DONE %s\n", test_suite);
	power_off();
}

static void after_monitor(uint32_t ctx)
{
	char reply[40];

	test_begin("monitor-resume-wakes-it");
	expect_wake_state(ctx, MAGIC_MONITOR);
	EXPECT(gconsole_getline(reply, sizeof(reply), 5000));
	EXPECT(!strcmp(reply, "resume ok"));
	test_end();
	gprintf("DONE %s\n", test_suite);
	power_off();
}

static void after_timer(uint32_t ctx)
{
	test_begin("wakes-on-its-timer-at-the-entry-point");
	expect_wake_state(ctx, MAGIC_TIMER);
	EXPECT(read_cntvct() >= deadline);
	test_end();

	/* Asleep with nothing enabled: only the monitor's resume wakes it. */
	secondary_fn[0] = after_monitor;
	SYSREG_WRITE(0, c14, c3, 1, 0);
	gic_setup();
	gprintf("@host sleep 300; monitor resume\n");
	suspend_or_fail(MAGIC_MONITOR);
}

int main(void)
{
	uint32_t r;

#ifdef SUSPEND_TO_DISK
	test_suite = "psci_suspend_disk";
#else
	test_suite = "psci_suspend";
#endif
	irqs_off();
	test_begin("system-suspend-advertised");
	EXPECT_EQ(hvc_call(PSCI_FEATURES, PSCI_SYSTEM_SUSPEND, 0, 0).r0, 0);
	test_end();

	test_begin("denied-while-another-vcpu-is-on");
	secondary_fn[1] = second;
	EXPECT_EQ(psci_cpu_on(1, 0), PSCI_RET_SUCCESS);
	EXPECT(wait_until(&sec_up, 1, 1000));
	r = hvc_call(PSCI_SYSTEM_SUSPEND, (uint32_t)secondary_entry, 0, 0).r0;
	EXPECT_EQ(r, PSCI_RET_DENIED);
	sec_go = 1;
	for (uint64_t end = read_cntvct() + 62500000; read_cntvct() < end;)
		if (hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0 == PSCI_AFFINITY_OFF)
			break;
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0, PSCI_AFFINITY_OFF);
	test_end();

	test_begin("invalid-address");
	EXPECT_EQ(hvc_call(PSCI_SYSTEM_SUSPEND, 0x40000000, 0, 0).r0, PSCI_RET_INVALID_ADDRESS);
	test_end();

#ifdef SUSPEND_TO_DISK
	/* With a snapshot disk every SYSTEM_SUSPEND goes there and QEMU powers off; the driver
	 * starts a new one with --resume. */
	secondary_fn[0] = after_disk;
	gprintf("@host resume-from-disk\n");
	suspend_or_fail(MAGIC_DISK);
#endif
	/* Asleep with the virtual timer enabled in the GIC: it wakes the VM. */
	gic_setup();
	gic_enable(27);
	deadline = read_cntvct() + 62500 * 30;
	__asm__ volatile("mcrr p15, 3, %0, %1, c14" ::"r"((uint32_t)deadline), "r"((uint32_t)(deadline >> 32)));
	SYSREG_WRITE(0, c14, c3, 1, 1);
	secondary_fn[0] = after_timer;
	suspend_or_fail(MAGIC_TIMER);
	return 0;
}

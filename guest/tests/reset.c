/* run-guest: --vcpus 2 */
/* PSCI SYSTEM_RESET restarts the VM from its images: the guest runs a second time from
 * its entry point, with its image as loaded (initialised data back to its initial
 * value), the boot protocol's registers, and vCPUs other than the first off again. A word
 * of guest RAM outside the image (below the DTB) tells the two boots apart. */
#include "guest.h"

#define MAGIC 0x5e5e7001u

static volatile uint32_t image_word = 1234; /* .data: reloaded with the image */

static void sec_idle(uint32_t ctx)
{
	(void)ctx;
	for (;;)
		__asm__ volatile("wfi");
}

int main(void)
{
	uint32_t ram = hyp_info(HYP_INFO_RAM_IPA), size = hyp_info(HYP_INFO_RAM_SIZE);
	volatile uint32_t *marker = (volatile uint32_t *)(ram + size - (2u << 20) - 4096);

	test_suite = "reset";
	if (*marker != MAGIC) {
		gprintf("reset: first boot, resetting\n");
		*marker = MAGIC;
		image_word = 9999;
		secondary_fn[1] = sec_idle;
		psci_cpu_on(1, 0);
		hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		gprintf("FAIL: reset/system-reset-does-not-return: it returned\n");
		return 0;
	}
	*marker = 0;

	test_begin("restarted-from-entry-with-image-reloaded");
	EXPECT_EQ(image_word, 1234);
	EXPECT_EQ(boot_regs[0], 0);
	EXPECT_EQ(boot_regs[1], 0xffffffff);
	EXPECT_EQ(boot_regs[3] & 0x1f, 0x13);
	test_end();

	test_begin("secondaries-off-after-reset");
	EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0, PSCI_AFFINITY_OFF);
	test_end();
	return 0;
}

/* The demo guest `make run` boots: shows that it runs under the hypervisor and what
 * the hypervisor lets it see, then powers off through PSCI. */
#include "gic.h"
#include "guest.h"

int main(void)
{
	struct smccc_res r = hvc_call(HYP_CALL_VERSION, 0, 0, 0);
	uint32_t cpsr = boot_regs[3];

	test_suite = "demo";
	gprintf("\nHello from the demo guest!\n");
	gprintf("  entered in mode %#x (SVC is 0x13) with r0=%#x r1=%#x r2(DTB)=%#x\n", cpsr & 0x1f,
		boot_regs[0], boot_regs[1], boot_regs[2]);
	gprintf("  hypervisor version %u.%u, PSCI version %#x\n", r.r0 >> 16, r.r0 & 0xffff,
		hvc_call(PSCI_VERSION, 0, 0, 0).r0);
	gprintf("  guest RAM: %#x bytes at IPA %#x; physical CPUs in Hyp mode: %u\n",
		hyp_info(HYP_INFO_RAM_SIZE), hyp_info(HYP_INFO_RAM_IPA), hyp_info(HYP_INFO_CPUS_IN_HYP));
	mmio_w32(TESTDEV_IPA, 0xc0ffee);
	gprintf("  wrote 0xc0ffee to the emulated test device, read back %#x\n", mmio_r32(TESTDEV_IPA));
	/* Sleep on the virtual timer: 2 ms from now, interrupts masked (WFI still wakes). */
	{
		uint64_t t0 = read_cntvct(), cval = t0 + 125000, t1;
		irqs_off();
		gic_setup();
		gic_enable(27);
		__asm__ volatile("mcrr p15, 3, %0, %1, c14\n\tisb" ::"r"((uint32_t)cval), "r"((uint32_t)(cval >> 32)));
		SYSREG_WRITE(0, c14, c3, 1, 1); /* CNTV_CTL.ENABLE */
		__asm__ volatile("wfi");
		t1 = read_cntvct();
		SYSREG_WRITE(0, c14, c3, 1, 0);
		gprintf("  a WFI blocked in the hypervisor until the virtual timer fired: %u us later\n",
			(unsigned)((t1 - t0) / 62));
	}
	gprintf("Demo guest done; powering off through PSCI SYSTEM_OFF.\n");
	return 0;
}

/* The guest is entered as Linux's booting.rst says, on a vCPU whose identity the
 * hypervisor virtualises, and every physical CPU made it into Hyp mode. */
#include "guest.h"

extern char guest_vectors[];

static uint32_t be32(const volatile uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

int main(void)
{
	uint32_t ram = hyp_info(HYP_INFO_RAM_IPA), ram_size = hyp_info(HYP_INFO_RAM_SIZE);
	uint32_t dtb = boot_regs[2];

	test_suite = "boot";

	test_begin("svc-mode-interrupts-masked");
	EXPECT_EQ(boot_regs[3] & 0x1f, 0x13);
	EXPECT_EQ(boot_regs[3] & 0x1c0, 0x1c0); /* A, I, F */
	EXPECT_EQ(boot_regs[3] & 0x20, 0);      /* ARM state */
	test_end();

	test_begin("boot-protocol-registers");
	EXPECT_EQ(boot_regs[0], 0);
	EXPECT_EQ(boot_regs[1], 0xffffffff);
	EXPECT(dtb != 0);
	test_end();

	test_begin("dtb-in-ram-and-valid");
	EXPECT(dtb - ram < ram_size);
	EXPECT_EQ(dtb & 7, 0); /* booting.rst: 64-bit aligned */
	if (dtb - ram < ram_size) {
		const volatile uint8_t *fdt = (const volatile uint8_t *)dtb;
		EXPECT_EQ(be32(fdt), 0xd00dfeed);
		EXPECT(be32(fdt + 4) <= 2u << 20);      /* totalsize */
		EXPECT(dtb + be32(fdt + 4) <= ram + ram_size);
		EXPECT(be32(fdt + 20) >= 16);           /* version */
	}
	test_end();

	test_begin("mmu-and-caches-off");
	EXPECT_EQ(SYSREG_READ(0, c1, c0, 0) & 0x1005, 0); /* SCTLR.M, C, I */
	test_end();

	test_begin("every-cpu-reached-hyp-mode");
	EXPECT(hyp_info(HYP_INFO_CPUS_PRESENT) >= 2); /* run-guest's default -smp 2 */
	EXPECT_EQ(hyp_info(HYP_INFO_CPUS_IN_HYP), hyp_info(HYP_INFO_CPUS_PRESENT));
	test_end();

	test_begin("virtual-mpidr");
	EXPECT_EQ(SYSREG_READ(0, c0, c0, 5), 0x80000000 | hyp_info(HYP_INFO_VCPU_ID));
	EXPECT_EQ(hyp_info(HYP_INFO_VCPU_ID), 0);
	test_end();

	test_begin("midr-is-cortex-a15");
	EXPECT_EQ(SYSREG_READ(0, c0, c0, 0) & 0xff00fff0, 0x4100c0f0);
	test_end();

	test_begin("guest-ram-fully-usable");
	/* First and last word of RAM, and one in every MiB: all guest RAM is mapped. */
	for (uint32_t a = ram + ram_size - 4;; a -= 0x100000) {
		volatile uint32_t *p = (volatile uint32_t *)a;
		uint32_t old = *p;
		if (a < (uint32_t)guest_vectors - 0x10000 || a >= dtb) { /* below the image or past the DTB */
			*p = a ^ 0x5a5a5a5a;
			EXPECT_EQ(*p, a ^ 0x5a5a5a5a);
			*p = old;
		}
		if (a - ram < 0x100000)
			break;
	}
	test_end();
	return 0;
}

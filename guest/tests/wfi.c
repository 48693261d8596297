/* run-guest: --icount */
/* WFI traps to the hypervisor (HCR.TWI) and the guest carries on after it; WFE does not
 * trap; a WFI whose condition fails does nothing. A WFI traps only when it would
 * suspend (HCR.TWI), i.e. when no interrupt is pending, and the hypervisor then blocks
 * the vCPU until one is: so each WFI here is woken by the virtual timer, armed a little
 * in the future, and the timer interrupt is acknowledged (CPSR.I masked) afterwards. */
#include "gic.h"
#include "guest.h"

/* Thumb: a 16-bit WFI (HSR.IL=0) followed by an instruction that must run. */
uint32_t thumb_wfi_then_add(uint32_t x);
__asm__(".syntax unified\n.thumb\n"
	".thumb_func\n"
	".global thumb_wfi_then_add\n"
	"thumb_wfi_then_add:\n"
	"	wfi\n"
	"	adds	r0, r0, #1\n"
	"	adds	r0, r0, #1\n"
	"	bx	lr\n"
	".arm\n");

#define CNTV_SOON 31250 /* counter ticks: 0.5 ms, longer than QEMU takes to reach the WFI */

static void arm_timer(void)
{
	uint64_t cval = read_cntvct() + CNTV_SOON;
	__asm__ volatile("mcrr p15, 3, %0, %1, c14\n\tisb" ::"r"((uint32_t)cval), "r"((uint32_t)(cval >> 32)));
	SYSREG_WRITE(0, c14, c3, 1, 1); /* CNTV_CTL.ENABLE */
}

/* Take the timer interrupt the WFI woke on: acknowledge it while the timer still
 * asserts it (a level interrupt whose line drops first is withdrawn), turn the timer
 * off, then EOI (which deactivates the physical PPI 27 through the HW list register). */
static uint32_t ack_timer(void)
{
	uint32_t iar = gicc_r(GICC_IAR);
	SYSREG_WRITE(0, c14, c3, 1, 0);
	if ((iar & 0x3ff) != SPURIOUS)
		gicc_w(GICC_EOIR, iar);
	return iar & 0x3ff;
}

int main(void)
{
	uint32_t before;
	volatile uint32_t after_wfi = 0;

	test_suite = "wfi";
	irqs_off();
	gic_setup();
	gic_enable(27);

	test_begin("wfi-traps-and-resumes");
	before = hyp_stat(HYP_STAT_WFI);
	arm_timer();
	__asm__ volatile("wfi");
	after_wfi = 1;
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 1);
	EXPECT_EQ(after_wfi, 1);
	EXPECT_EQ(ack_timer(), 27);
	test_end();

	test_begin("hundred-wfis-hundred-traps");
	before = hyp_stat(HYP_STAT_WFI);
	for (int i = 0; i < 100; i++) {
		arm_timer();
		__asm__ volatile("wfi");
		if (ack_timer() != 27)
			test_fail(__FILE__, __LINE__, "WFI %d: not woken by the timer", i);
	}
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 100);
	test_end();

	test_begin("wfi-condition-failed-does-nothing");
	before = hyp_stat(HYP_STAT_WFI);
	__asm__ volatile("cmp %0, %0\n\twfine" ::"r"(0) : "cc"); /* Z set: NE fails */
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 0);
	test_end();

	test_begin("wfi-condition-passed-traps");
	before = hyp_stat(HYP_STAT_WFI);
	arm_timer();
	__asm__ volatile("cmp %0, %0\n\twfieq" ::"r"(0) : "cc");
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 1);
	EXPECT_EQ(ack_timer(), 27);
	test_end();

	test_begin("thumb16-wfi-resumes-at-next-instruction");
	before = hyp_stat(HYP_STAT_WFI);
	arm_timer();
	EXPECT_EQ(thumb_wfi_then_add(40), 42);
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 1);
	EXPECT_EQ(ack_timer(), 27);
	test_end();

	test_begin("wfe-not-trapped");
	before = hyp_stat(HYP_STAT_WFE);
	__asm__ volatile("sev\n\twfe"); /* the event is set, so WFE returns at once */
	EXPECT_EQ(hyp_stat(HYP_STAT_WFE) - before, 0);
	test_end();

	test_begin("wfi-with-interrupt-pending-does-not-trap");
	gic_sgi(2, 0, 15); /* pending, masked by CPSR.I: WFI completes at once */
	hyp_stat(HYP_STAT_EXITS);
	before = hyp_stat(HYP_STAT_WFI);
	__asm__ volatile("wfi");
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 0);
	EXPECT_EQ(gicc_r(GICC_IAR), 15);
	gicc_w(GICC_EOIR, 15);
	test_end();
	return 0;
}

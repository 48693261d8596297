/* WFI traps to the hypervisor (HCR.TWI) and the guest carries on after it; WFE does not
 * trap; a WFI whose condition fails does nothing. */
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

int main(void)
{
	uint32_t before;
	volatile uint32_t after_wfi = 0;

	test_suite = "wfi";

	test_begin("wfi-traps-and-resumes");
	before = hyp_stat(HYP_STAT_WFI);
	__asm__ volatile("wfi");
	after_wfi = 1;
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 1);
	EXPECT_EQ(after_wfi, 1);
	test_end();

	test_begin("hundred-wfis-hundred-traps");
	before = hyp_stat(HYP_STAT_WFI);
	for (int i = 0; i < 100; i++)
		__asm__ volatile("wfi");
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 100);
	test_end();

	test_begin("wfi-condition-failed-does-nothing");
	before = hyp_stat(HYP_STAT_WFI);
	__asm__ volatile("cmp %0, %0\n\twfine" ::"r"(0) : "cc"); /* Z set: NE fails */
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 0);
	test_end();

	test_begin("wfi-condition-passed-traps");
	before = hyp_stat(HYP_STAT_WFI);
	__asm__ volatile("cmp %0, %0\n\twfieq" ::"r"(0) : "cc");
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 1);
	test_end();

	test_begin("thumb16-wfi-resumes-at-next-instruction");
	before = hyp_stat(HYP_STAT_WFI);
	EXPECT_EQ(thumb_wfi_then_add(40), 42);
	EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - before, 1);
	test_end();

	test_begin("wfe-not-trapped");
	before = hyp_stat(HYP_STAT_WFE);
	__asm__ volatile("sev\n\twfe"); /* the event is set, so WFE returns at once */
	EXPECT_EQ(hyp_stat(HYP_STAT_WFE) - before, 0);
	test_end();
	return 0;
}

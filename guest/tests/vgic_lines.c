/* run-guest: --irqs 480 */
/* The number of interrupt lines is the VM's configuration: GICD_TYPER says it, the last
 * SPI works, and the registers of lines beyond it are RAZ/WI. */
#include "gic.h"
#include "guest.h"

static uint32_t bit(unsigned id) { return 1u << (id % 32); }

int main(void)
{
	test_suite = "vgic_lines";

	test_begin("typer-itlinesnumber-from-config");
	EXPECT_EQ(gicd_r(GICD_TYPER) & 0x1f, 480 / 32 - 1);
	test_end();

	test_begin("last-spi-works");
	irqs_off();
	gic_setup();
	gic_enable(479);
	gic_set_priority(479, 0x80);
	gic_set_pending(479);
	EXPECT_EQ(gicd_r(GICD_ISENABLER + 4 * (479 / 32)), bit(479));
	EXPECT_EQ(gicd_rb(GICD_IPRIORITYR + 479), 0x80);
	hyp_stat(HYP_STAT_EXITS);
	EXPECT_EQ(gicc_r(GICC_IAR), 479);
	gicc_w(GICC_EOIR, 479);
	test_end();

	test_begin("beyond-the-last-line-raz-wi");
	gicd_w(GICD_ISENABLER + 4 * (480 / 32), ~0u);
	EXPECT_EQ(gicd_r(GICD_ISENABLER + 4 * (480 / 32)), 0);
	gicd_wb(GICD_IPRIORITYR + 480, 0x80);
	EXPECT_EQ(gicd_rb(GICD_IPRIORITYR + 480), 0);
	test_end();
	return 0;
}

/* Idles for ever on its virtual timer (a tick every 10 ms, taken as an IRQ): the
 * monitor test talks to the hypervisor while this runs, and ends it with 'quit'. */
#include "gic.h"
#include "guest.h"

static volatile uint32_t ticks;

static void on_irq(enum exc_kind k, struct exc_frame *f)
{
	uint32_t iar = gicc_r(GICC_IAR);
	uint64_t next = read_cntvct() + 625000;
	(void)k;
	(void)f;
	if ((iar & 0x3ff) == 27) {
		ticks++;
		__asm__ volatile("mcrr p15, 3, %0, %1, c14" ::"r"((uint32_t)next), "r"((uint32_t)(next >> 32)));
	}
	if ((iar & 0x3ff) != SPURIOUS)
		gicc_w(GICC_EOIR, iar);
}

int main(void)
{
	uint64_t first = read_cntvct() + 625000;

	test_suite = "idle";
	irqs_off();
	gic_setup();
	set_exc_handler(EXC_IRQ, on_irq);
	gic_enable(27);
	gic_set_priority(27, 0x40);
	__asm__ volatile("mcrr p15, 3, %0, %1, c14" ::"r"((uint32_t)first), "r"((uint32_t)(first >> 32)));
	SYSREG_WRITE(0, c14, c3, 1, 1);
	gprintf("idle: ticking every 10 ms until the monitor's quit\n");
	irqs_on();
	for (;;)
		__asm__ volatile("wfi");
}

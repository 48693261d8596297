/* run-guest: --icount */
/* The guest's timers: the virtual timer (its own CNTV, PPI 27 injected with the HW bit)
 * and the physical timer (emulated by the hypervisor, PPI 30). Each must fire at its
 * compare value, once per expiry, with interrupts masked or not, and show its output as
 * pending in the distributor exactly while it is asserted. */
#include "gic.h"
#include "guest.h"

#define PPI_VTIMER 27
#define PPI_PTIMER 30
#define CTL_ENABLE 1u
#define CTL_IMASK 2u
#define CTL_ISTATUS 4u
#define TICKS_PER_MS 62500u

static inline void cntv_cval(uint64_t v)
{
	__asm__ volatile("mcrr p15, 3, %0, %1, c14\n\tisb" ::"r"((uint32_t)v), "r"((uint32_t)(v >> 32)));
}
static inline void cntv_ctl(uint32_t v) { SYSREG_WRITE(0, c14, c3, 1, v); }
static inline uint32_t cntv_ctl_r(void) { return SYSREG_READ(0, c14, c3, 1); }
static inline void cntp_ctl(uint32_t v) { SYSREG_WRITE(0, c14, c2, 1, v); }
static inline uint32_t cntp_ctl_r(void) { return SYSREG_READ(0, c14, c2, 1); }
static inline void cntp_tval(uint32_t v) { SYSREG_WRITE(0, c14, c2, 0, v); }
static inline uint32_t cntp_tval_r(void) { return SYSREG_READ(0, c14, c2, 0); }
static inline uint64_t cntpct(void)
{
	uint32_t lo, hi;
	__asm__ volatile("isb\n\tmrrc p15, 0, %0, %1, c14" : "=r"(lo), "=r"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t cntp_cval_r(void)
{
	uint32_t lo, hi;
	__asm__ volatile("mrrc p15, 2, %0, %1, c14" : "=r"(lo), "=r"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static volatile unsigned vt_count, pt_count, other;
static volatile uint64_t vt_when[8], vt_deadline[8];
static volatile unsigned vt_repeat; /* reprogram this many more times */
static volatile unsigned vt_stay_asserted; /* leave the timer expired this many more times */
static volatile int pt_mask_after;  /* mask the physical timer after this many */

static void on_irq(enum exc_kind k, struct exc_frame *f)
{
	uint32_t iar = gicc_r(GICC_IAR), id = iar & 0x3ff;
	(void)k;
	(void)f;
	if (id == SPURIOUS)
		return;
	if (id == PPI_VTIMER) {
		if (vt_count < 8)
			vt_when[vt_count] = read_cntvct();
		vt_count++;
		if (vt_stay_asserted) {
			vt_stay_asserted--;
			cntv_cval(read_cntvct() - 1); /* still expired at the EOI below */
		} else if (vt_repeat) {
			vt_repeat--;
			vt_deadline[vt_count] = read_cntvct() + TICKS_PER_MS;
			cntv_cval(vt_deadline[vt_count]);
		} else {
			cntv_ctl(CTL_IMASK);
		}
	} else if (id == PPI_PTIMER) {
		pt_count++;
		if ((int)pt_count >= pt_mask_after)
			cntp_ctl(CTL_ENABLE | CTL_IMASK);
	} else {
		other++;
	}
	gicc_w(GICC_EOIR, iar);
}

static void wait_for(volatile unsigned *count, unsigned n)
{
	uint64_t give_up = read_cntvct() + 2000 * TICKS_PER_MS;
	while (*count < n && read_cntvct() < give_up)
		__asm__ volatile("wfi");
}

int main(void)
{
	uint64_t t;

	test_suite = "timer";
	irqs_off();
	gic_setup();
	set_exc_handler(EXC_IRQ, on_irq);
	gic_enable(PPI_VTIMER);
	gic_enable(PPI_PTIMER);

	test_begin("vtimer-fires-at-compare-value");
	vt_count = 0;
	vt_repeat = 0;
	vt_deadline[0] = read_cntvct() + 5 * TICKS_PER_MS;
	cntv_cval(vt_deadline[0]);
	cntv_ctl(CTL_ENABLE);
	irqs_on();
	wait_for(&vt_count, 1);
	irqs_off();
	EXPECT_EQ(vt_count, 1);
	EXPECT(vt_when[0] >= vt_deadline[0]);
	EXPECT(vt_when[0] - vt_deadline[0] < 50 * TICKS_PER_MS);
	test_end();

	test_begin("vtimer-fires-repeatedly");
	vt_count = 0;
	vt_repeat = 4;
	vt_deadline[0] = read_cntvct() + TICKS_PER_MS;
	cntv_cval(vt_deadline[0]);
	cntv_ctl(CTL_ENABLE);
	irqs_on();
	wait_for(&vt_count, 5);
	irqs_off();
	EXPECT_EQ(vt_count, 5);
	for (unsigned i = 0; i < 5 && i < vt_count; i++)
		EXPECT(vt_when[i] >= vt_deadline[i]);
	t = read_cntvct();
	for (volatile int i = 0; i < 200000; i++) /* masked now: no sixth */
		;
	EXPECT_EQ(vt_count, 5);
	EXPECT(read_cntvct() > t);
	test_end();

	/* The timer is still asserted when the guest EOIs (it moved CVAL to the past): the
	 * physical interrupt must fire again at once. QEMU 7.2 needs the hypervisor's help
	 * here (gic_refresh); without it the second interrupt never comes. */
	test_begin("vtimer-refires-when-still-asserted-at-eoi");
	vt_count = 0;
	vt_repeat = 0;
	vt_stay_asserted = 4;
	cntv_cval(read_cntvct() + TICKS_PER_MS);
	cntv_ctl(CTL_ENABLE);
	irqs_on();
	wait_for(&vt_count, 5);
	irqs_off();
	EXPECT_EQ(vt_count, 5);
	EXPECT_EQ(vt_stay_asserted, 0);
	test_end();

	test_begin("vtimer-with-interrupts-masked-then-unmasked");
	vt_count = 0;
	vt_repeat = 0;
	cntv_cval(read_cntvct() + TICKS_PER_MS);
	cntv_ctl(CTL_ENABLE);
	while (!(cntv_ctl_r() & CTL_ISTATUS))
		;
	hyp_stat(HYP_STAT_EXITS);
	EXPECT_EQ(vt_count, 0);
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & (1u << PPI_VTIMER), 1u << PPI_VTIMER);
	irqs_on();
	for (volatile int i = 0; i < 1000; i++)
		;
	irqs_off();
	EXPECT_EQ(vt_count, 1);
	test_end();

	test_begin("vtimer-output-pending-while-disabled-drops-when-masked");
	gic_disable(PPI_VTIMER);
	vt_count = 0;
	cntv_cval(read_cntvct() + TICKS_PER_MS);
	cntv_ctl(CTL_ENABLE);
	while (!(cntv_ctl_r() & CTL_ISTATUS))
		;
	for (volatile int i = 0; i < 1000; i++) /* let the physical interrupt reach us */
		;
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & (1u << PPI_VTIMER), 1u << PPI_VTIMER);
	cntv_ctl(CTL_ENABLE | CTL_IMASK);
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & (1u << PPI_VTIMER), 0);
	cntv_ctl(CTL_ENABLE);
	hyp_stat(HYP_STAT_EXITS);
	for (volatile int i = 0; i < 1000; i++)
		;
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & (1u << PPI_VTIMER), 1u << PPI_VTIMER);
	cntv_cval(read_cntvct() + 1000 * TICKS_PER_MS); /* into the future */
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & (1u << PPI_VTIMER), 0);
	cntv_ctl(0);
	gic_enable(PPI_VTIMER);
	irqs_on();
	for (volatile int i = 0; i < 1000; i++)
		;
	irqs_off();
	EXPECT_EQ(vt_count, 0);
	test_end();

	test_begin("wfi-blocks-until-vtimer");
	{
		uint32_t wfis = hyp_stat(HYP_STAT_WFI);
		vt_count = 0;
		vt_repeat = 0;
		vt_deadline[0] = read_cntvct() + 20 * TICKS_PER_MS;
		cntv_cval(vt_deadline[0]);
		cntv_ctl(CTL_ENABLE);
		irqs_on();
		__asm__ volatile("wfi");
		irqs_off();
		t = read_cntvct();
		EXPECT_EQ(vt_count, 1);
		EXPECT(t >= vt_deadline[0]);
		EXPECT_EQ(hyp_stat(HYP_STAT_WFI) - wfis, 1);
	}
	test_end();

	test_begin("ptimer-emulated-registers");
	cntp_ctl(0);
	cntp_tval(10 * TICKS_PER_MS);
	{
		uint64_t now = cntpct(), cval = cntp_cval_r();
		uint32_t tval = cntp_tval_r();
		EXPECT(cval > now && cval - now <= 10 * TICKS_PER_MS);
		EXPECT(tval <= 10 * TICKS_PER_MS && tval > 0);
		EXPECT_EQ(cntp_ctl_r() & CTL_ISTATUS, 0);
		cntp_tval(0xffffff00u); /* negative: already expired */
		EXPECT_EQ(cntp_ctl_r(), CTL_ISTATUS);
		EXPECT((int32_t)cntp_tval_r() < 0);
	}
	test_end();

	test_begin("ptimer-fires-and-level-refires-until-masked");
	pt_count = 0;
	pt_mask_after = 3; /* the handler leaves the line high twice: it must fire again */
	cntp_tval(2 * TICKS_PER_MS);
	cntp_ctl(CTL_ENABLE);
	irqs_on();
	wait_for(&pt_count, 3);
	for (volatile int i = 0; i < 20000; i++)
		;
	irqs_off();
	EXPECT_EQ(pt_count, 3);
	EXPECT_EQ(cntp_ctl_r(), CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);
	EXPECT_EQ(gicd_r(GICD_ISPENDR) & (1u << PPI_PTIMER), 0);
	cntp_ctl(0);
	test_end();

	test_begin("no-stray-interrupts");
	EXPECT_EQ(other, 0);
	test_end();

	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

/* run-guest: --driven */
/* A snapshot restores the interrupt controller exactly, as the guest sees it. The guest
 * drives its VGIC into every kind of state (enabled and disabled, pending by edge and by
 * level, lines held high with no latch, active, active and pending, nested active
 * priorities in GICC_APR, EOImode 1 with a priority dropped but not deactivated, SGIs
 * pending from several sources, more pending than list registers, its timers armed),
 * records every register it can read, has the host take a snapshot, scrambles it all,
 * has the host restore: it must read every register back identically, and then take each
 * pending interrupt exactly once, in priority order, with the right SGI source.
 * (snapshot_vgic_smp.c: the same with a second vCPU running and a third one off;
 * snapshot_vgic_disk.c: suspended to the snapshot disk and resumed by a new QEMU.) */
#include <string.h>

#include "gic.h"
#include "guest.h"

#ifndef SNAP_VCPUS
#define SNAP_VCPUS 1
#endif

#define NSPI 64 /* SPIs 32..95 */
#define SNAP_WORDS (0x1000 / 4)

struct gic_view {
	uint32_t gicd[SNAP_WORDS];
	uint32_t ctlr, pmr, bpr, abpr, rpr, hppir, apr0;
	uint32_t cntv_ctl, cntp_ctl;
	uint64_t cntv_cval, cntp_cval;
};

static struct gic_view before, after;
static volatile uint32_t sec_phase, sec_count, sec_ok;

static uint32_t gicc_abpr(void) { return gicc_r(0x1c); }

static void cntv_arm(uint64_t cval, uint32_t ctl)
{
	__asm__ volatile("mcrr p15, 3, %0, %1, c14" ::"r"((uint32_t)cval), "r"((uint32_t)(cval >> 32)));
	SYSREG_WRITE(0, c14, c3, 1, ctl);
}

static void cntp_arm(uint64_t cval, uint32_t ctl)
{
	__asm__ volatile("mcrr p15, 2, %0, %1, c14" ::"r"((uint32_t)cval), "r"((uint32_t)(cval >> 32)));
	SYSREG_WRITE(0, c14, c2, 1, ctl);
}

static uint64_t cval_read(int phys)
{
	uint32_t lo, hi;

	if (phys)
		__asm__ volatile("mrrc p15, 2, %0, %1, c14" : "=r"(lo), "=r"(hi));
	else
		__asm__ volatile("mrrc p15, 3, %0, %1, c14" : "=r"(lo), "=r"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Every register the guest can read without changing anything. */
static void record(struct gic_view *v)
{
	for (unsigned i = 0; i < SNAP_WORDS; i++)
		v->gicd[i] = gicd_r(4 * i);
	v->ctlr = gicc_r(GICC_CTLR);
	v->pmr = gicc_r(GICC_PMR);
	v->bpr = gicc_r(GICC_BPR);
	v->abpr = gicc_abpr();
	v->rpr = gicc_r(GICC_RPR);
	v->hppir = gicc_r(GICC_HPPIR);
	v->apr0 = gicc_r(0xd0);
	v->cntv_ctl = SYSREG_READ(0, c14, c3, 1) & 3;
	v->cntp_ctl = SYSREG_READ(0, c14, c2, 1) & 3;
	v->cntv_cval = cval_read(0);
	v->cntp_cval = cval_read(1);
}

static void compare(const struct gic_view *a, const struct gic_view *b)
{
	unsigned diffs = 0;

	for (unsigned i = 0; i < SNAP_WORDS; i++)
		if (a->gicd[i] != b->gicd[i] && diffs++ < 4)
			test_fail(__FILE__, __LINE__, "GICD+%#x: %#x before, %#x after", 4 * i, a->gicd[i],
				  b->gicd[i]);
	EXPECT_EQ(b->ctlr, a->ctlr);
	EXPECT_EQ(b->pmr, a->pmr);
	EXPECT_EQ(b->bpr, a->bpr);
	EXPECT_EQ(b->abpr, a->abpr);
	EXPECT_EQ(b->rpr, a->rpr);
	EXPECT_EQ(b->hppir, a->hppir);
	EXPECT_EQ(b->apr0, a->apr0);
	EXPECT_EQ(b->cntv_ctl, a->cntv_ctl);
	EXPECT_EQ(b->cntp_ctl, a->cntp_ctl);
	EXPECT(b->cntv_cval == a->cntv_cval);
	EXPECT(b->cntp_cval == a->cntp_cval);
}

/* The second vCPU (SMP variant): its own banked state, then it counts for ever; it must
 * still be counting after the restore, with its state intact. */
static void second(uint32_t ctx)
{
	(void)ctx;
	gic_set_priority(20, 0x30);
	gic_enable(20);
	gic_set_priority(9, 0x58);
	gic_sgi(0, 1, 9); /* SGI 9 to vCPU 0, from vCPU 1 */
	gic_sgi(0, 1, 12);
	sec_phase = 1;
	while (sec_phase < 2)
		sec_count++;
	/* After the restore: the same banked state as before. */
	sec_ok = gicd_r(GICD_ISENABLER) == (0xffffu | 1u << 20) && gicd_rb(GICD_IPRIORITYR + 20) == 0x30;
	sec_phase = 3;
	while (sec_phase < 4)
		sec_count++;
}

static void third(uint32_t ctx) { (void)ctx; } /* starts, and powers off again */

static void setup(void)
{
	uint64_t now = read_cntvct();

	gic_setup();
	gicd_w(GICD_CTLR, 3);
	gicc_w(GICC_CTLR, 3 | GICC_CTLR_EOIMODE); /* both groups, EOImode 1 */
	gicd_w(GICD_IGROUPR + 8, 0x0000ff00u); /* SPIs 72-79 in group 1 */
	gicd_w(GICD_ICFGR + 8, 0xaaaaaaaau);   /* SPIs 32-47 edge */
	gicd_w(GICD_ICFGR + 12, 0xaaaa0000u);  /* SPIs 56-63 edge, 48-55 level */
	for (unsigned i = 0; i < NSPI; i++) {
		gic_set_priority(32 + i, (uint8_t)((i * 40) & 0xf8));
		gicd_wb(GICD_ITARGETSR + 32 + i, 1);
	}
	for (unsigned i = 0; i < 16; i++)
		gic_set_priority(i, (uint8_t)(0x80 + 8 * i));
	/* Nested actives first, while nothing else is pending: 80, 81 over it, 82 over that. */
	gic_set_priority(80, 0xa0);
	gic_set_priority(81, 0x60);
	gic_set_priority(82, 0x20);
	gic_enable(80);
	gic_enable(81);
	gic_enable(82);
	gicc_w(GICC_PMR, 0xff);
	gic_set_pending(80);
	EXPECT_EQ(gicc_r(GICC_IAR), 80);
	gic_set_pending(81);
	EXPECT_EQ(gicc_r(GICC_IAR), 81);
	gicc_w(GICC_EOIR, 81); /* EOImode 1: priority dropped, 81 still active */
	gic_set_pending(82);
	EXPECT_EQ(gicc_r(GICC_IAR), 82);
	gic_set_pending(80); /* 80 active and pending */
	/* Enabled ones and disabled ones, several pending of each (latches). */
	gicd_w(GICD_ISENABLER + 4, 0x0f0f3cffu);
	gicd_w(GICD_ISENABLER + 8, 0x00ff00f0u);
	gicd_w(GICD_ISPENDR + 4, 0x00300f0fu); /* disabled 48,49 among them */
	gicd_w(GICD_ISPENDR + 8, 0x00010030u);
	/* SGIs to self, one pending from several sources (SMP) and one active. */
	gic_sgi(2, 0, 3);
	gic_sgi(2, 0, 5);
	gic_sgi(2, 0, 9); /* SMP: SGI 9 is then pending from vCPU 1 and from us */
	gicd_w(GICD_ISACTIVER, 1u << 6);
	/* Timers: the virtual one due later, the emulated physical one already due
	 * with its interrupt disabled: a line held high with no latch (PPI 30). */
	cntv_arm(now + 62500 * 2000, 1); /* 2 s: not due yet when the registers are compared */
	cntp_arm(now - 10, 1);
	gic_disable(30);
	gic_enable(27);
	/* The priority mask and binary points the guest left. */
	gicc_w(GICC_BPR, 3);
	gicc_w(0x1c, 4);
	gicc_w(GICC_PMR, 0xe8);
}

static void __attribute__((unused)) scramble(void)
{
	for (unsigned i = 0; i < 3; i++) {
		gicd_w(GICD_ICENABLER + 4 * i, ~0u);
		gicd_w(GICD_ICPENDR + 4 * i, ~0u);
		gicd_w(GICD_ICACTIVER + 4 * i, ~0u);
		gicd_w(GICD_IGROUPR + 4 * i, 0);
	}
	/* Constant offsets: a loop would make post-indexed stores (no syndrome: aborts). */
	gicd_w(GICD_CPENDSGIR + 0, ~0u);
	gicd_w(GICD_CPENDSGIR + 4, ~0u);
	gicd_w(GICD_CPENDSGIR + 8, ~0u);
	gicd_w(GICD_CPENDSGIR + 12, ~0u);
	for (unsigned i = 0; i < 96; i++)
		gic_set_priority(i, 0);
	gicd_w(GICD_ICFGR + 8, 0);
	gicd_w(GICD_CTLR, 0);
	gicc_w(GICC_PMR, 0);
	gicc_w(GICC_BPR, 7);
	gicc_w(0xd0, 0);
	gicc_w(GICC_CTLR, 0);
	cntv_arm(0, 0);
	cntp_arm(0, 0);
}

static unsigned n9_sources_in(const uint32_t *iars, unsigned n)
{
	unsigned c = 0;

	for (unsigned i = 0; i < n; i++)
		c += (iars[i] & 0x3ff) == 9;
	return c;
}

/* The pending ones, taken with everything unmasked, each once and in priority order. */
static void take_everything(void)
{
	uint32_t last_prio = 0;
	unsigned dups = 0;

	gicc_w(GICC_PMR, 0xff);
	gicc_w(GICC_BPR, 0);
	/* Complete the actives: 82 (priority drop and deactivation), 81 (dropped already),
	 * 80 (its pending instance follows), SGI 6. */
	gicc_w(GICC_EOIR, 82);
	gicc_w(GICC_DIR, 82);
	gicc_w(GICC_DIR, 81);
	gicc_w(GICC_EOIR, 80);
	gicc_w(GICC_DIR, 80);
	gicd_w(GICD_ICACTIVER, 1u << 6);
	gic_disable(27); /* the virtual timer's own test is below */
	gic_irq_count = 0;
	irqs_on();
	for (volatile int i = 0; i < 20000; i++)
		;
	irqs_off();
	for (unsigned i = 0; i < gic_irq_count && i < GIC_LOG_MAX; i++) {
		uint32_t id = gic_irq_log[i] & 0x3ff, prio = gicd_rb(GICD_IPRIORITYR + id);
		if (prio < last_prio)
			test_fail(__FILE__, __LINE__, "INTID %u (priority %#x) after one of %#x", id, prio,
				  last_prio);
		last_prio = prio;
		for (unsigned j = 0; j < i; j++)
			dups += gic_irq_log[j] == gic_irq_log[i];
	}
	EXPECT_EQ(dups, 0);
}

int main(void)
{
	char reply[40];

#ifdef SNAP_TO_DISK
	test_suite = "snapshot_vgic_disk";
#else
	test_suite = SNAP_VCPUS == 1 ? "snapshot_vgic" : "snapshot_vgic_smp";
#endif
	irqs_off();
	set_exc_handler(EXC_IRQ, gic_log_irq);
	if (SNAP_VCPUS > 1) {
		secondary_fn[1] = second;
		secondary_fn[2] = third;
		psci_cpu_on(1, 0);
		wait_until(&sec_phase, 1, 1000);
		psci_cpu_on(2, 0);
		for (uint64_t end = read_cntvct() + 62500000; read_cntvct() < end;)
			if (hvc_call(PSCI_AFFINITY_INFO, 2, 0, 0).r0 == PSCI_AFFINITY_OFF)
				break;
	}
	test_begin("every-register-reads-back-after-restore");
	setup();
	record(&before);
#ifdef SNAP_TO_DISK
	/* Suspended to the snapshot disk, QEMU off; a new QEMU resumes it from there. */
	if (!host_request("monitor suspend; resume-from-disk", reply, sizeof(reply)))
		test_fail(__FILE__, __LINE__, "no answer from the host");
	else if (strcmp(reply, "resume-from-disk ok"))
		test_fail(__FILE__, __LINE__, "host said '%s'", reply);
#else
	if (!host_request("monitor snapshot", reply, sizeof(reply)))
		test_fail(__FILE__, __LINE__, "no answer from the host");
	if (!strcmp(reply, "snapshot ok")) {
		/* First time through: scramble everything, and go back. */
		scramble();
		host_request("monitor restore", reply, sizeof(reply));
		test_fail(__FILE__, __LINE__, "restore answered '%s' and we are still here", reply);
	} else if (strcmp(reply, "restore ok")) {
		test_fail(__FILE__, __LINE__, "host said '%s'", reply);
	}
#endif
	record(&after);
	compare(&before, &after);
	test_end();

	if (SNAP_VCPUS > 1) {
		test_begin("other-vcpus-as-they-were");
		EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 2, 0, 0).r0, PSCI_AFFINITY_OFF);
		EXPECT_EQ(hvc_call(PSCI_AFFINITY_INFO, 1, 0, 0).r0, PSCI_AFFINITY_ON);
		{
			/* vCPU 1 runs on: its counter moves (give its host thread a moment). */
			uint32_t c = sec_count;
			uint64_t end = read_cntvct() + 2 * 62500000ull;
			while (sec_count == c && read_cntvct() < end)
				;
			EXPECT(sec_count != c);
		}
		sec_phase = 2;
		EXPECT(wait_until(&sec_phase, 3, 1000));
		EXPECT_EQ(sec_ok, 1);
		sec_phase = 4;
		test_end();
	}

	test_begin("pending-ones-taken-once-in-priority-order");
	take_everything();
	{
		/* What the distributor showed pending and enabled before the snapshot: each
		 * SPI once, each SGI once per source (CPUID in GICC_IAR), nothing else. */
		uint32_t want[96 + 64], got_n = gic_irq_count < GIC_LOG_MAX ? gic_irq_count : GIC_LOG_MAX;
		unsigned n = 0, seen;

		for (unsigned id = 32; id < 96; id++)
			if ((before.gicd[GICD_ISPENDR / 4 + id / 32] & before.gicd[GICD_ISENABLER / 4 + id / 32]) >> (id % 32) & 1)
				want[n++] = id;
		for (unsigned sgi = 0; sgi < 16; sgi++)
			for (unsigned src = 0; src < 8; src++)
				if (before.gicd[GICD_SPENDSGIR / 4 + sgi / 4] >> (8 * (sgi % 4) + src) & 1)
					want[n++] = sgi | src << 10;
		EXPECT(n >= 10);
		EXPECT_EQ(got_n, n);
		for (unsigned i = 0; i < n; i++) {
			seen = 0;
			for (unsigned j = 0; j < got_n; j++)
				seen += gic_irq_log[j] == want[i];
			if (seen != 1)
				test_fail(__FILE__, __LINE__, "IAR %#x taken %u times", want[i], seen);
		}
		if (SNAP_VCPUS > 1)
			EXPECT(n9_sources_in(want, n) == 2); /* SGI 9 from vCPU 0 and vCPU 1 */
	}
	test_end();

	test_begin("virtual-timer-fires-once-after-restore");
	gic_irq_count = 0;
	gic_enable(27);
	irqs_on();
	for (uint64_t end = read_cntvct() + 62500 * 5000; read_cntvct() < end && !gic_irq_count;)
		;
	irqs_off();
	cntv_arm(0, 0);
	EXPECT_EQ(gic_irq_count, 1);
	EXPECT_EQ(gic_irq_log[0], 27);
	test_end();
	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

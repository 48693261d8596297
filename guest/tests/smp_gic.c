/* run-guest: --vcpus 2 */
/* The virtual GIC across two vCPUs on two physical CPUs: SGIs to another vCPU and to
 * all-but-self arrive there with the sender as source, SPIs follow ITARGETSR, the
 * banked registers are per vCPU, and a change to an interrupt held in the list register
 * of the other vCPU (running on the other CPU) takes effect there at once. */
#include "gic.h"
#include "guest.h"

#define LOG 16
struct irq_log {
	volatile uint32_t n, iar[LOG];
};
static struct irq_log logs[2];

static void on_irq(enum exc_kind k, struct exc_frame *f)
{
	struct irq_log *l = &logs[cpu_id() & 1];
	uint32_t iar = gicc_r(GICC_IAR);
	(void)k;
	(void)f;
	if ((iar & 0x3ff) == SPURIOUS)
		return;
	if (l->n < LOG)
		l->iar[l->n] = iar;
	l->n++;
	gicc_w(GICC_EOIR, iar);
}

/* vCPU 1's jobs, run on request from vCPU 0. */
enum job { JOB_NONE, JOB_IRQS_ON, JOB_IRQS_OFF, JOB_READ_ITARGETSR, JOB_SGI_ALL_BUT_SELF,
	   JOB_POLL_IAR, JOB_EOI, JOB_QUIT };
static volatile uint32_t job, job_done, job_arg, job_result;

static void sec_main(uint32_t ctx)
{
	(void)ctx;
	gicc_w(GICC_PMR, 0xff);
	gicc_w(GICC_CTLR, 1);
	for (;;) {
		uint32_t j = job;
		if (j == JOB_NONE)
			continue;
		switch (j) {
		case JOB_IRQS_ON: irqs_on(); break;
		case JOB_IRQS_OFF: irqs_off(); break;
		case JOB_READ_ITARGETSR: job_result = gicd_r(GICD_ITARGETSR + 4); break;
		case JOB_SGI_ALL_BUT_SELF: gic_sgi(1, 0, job_arg); break;
		case JOB_POLL_IAR: job_result = gicc_r(GICC_IAR); break;
		case JOB_EOI: gicc_w(GICC_EOIR, job_arg); break;
		case JOB_QUIT: job = JOB_NONE; job_done++; return;
		}
		job = JOB_NONE;
		job_done++;
	}
}

static bool run_job(uint32_t j, uint32_t arg)
{
	uint32_t d = job_done;
	job_arg = arg;
	job = j;
	return wait_until(&job_done, d + 1, 1000);
}

static void settle(void)
{
	for (volatile int i = 0; i < 20000; i++)
		;
}

int main(void)
{
	test_suite = "smp_gic";
	irqs_off();
	gic_setup();
	set_exc_handler(EXC_IRQ, on_irq);
	secondary_fn[1] = sec_main;
	if (psci_cpu_on(1, 0) != PSCI_RET_SUCCESS) {
		gprintf("FAIL: smp_gic/cpu-on: could not start vCPU 1\n");
		return 0;
	}

	test_begin("typer-counts-two-cpus");
	EXPECT_EQ(gicd_r(GICD_TYPER), (160 / 32 - 1) | (1 << 5));
	test_end();

	test_begin("itargetsr-banked-reads-own-bit");
	EXPECT_EQ(gicd_r(GICD_ITARGETSR + 4), 0x01010101);
	EXPECT(run_job(JOB_READ_ITARGETSR, 0));
	EXPECT_EQ(job_result, 0x02020202);
	test_end();

	test_begin("sgi-to-other-vcpu-with-source");
	EXPECT(run_job(JOB_IRQS_ON, 0));
	logs[0].n = logs[1].n = 0;
	gic_sgi(0, 1u << 1, 5);
	EXPECT(wait_until(&logs[1].n, 1, 1000));
	EXPECT_EQ(logs[1].iar[0], 5); /* CPUID 0: from vCPU 0 */
	settle();
	EXPECT_EQ(logs[1].n, 1);
	EXPECT_EQ(logs[0].n, 0);
	test_end();

	test_begin("sgi-all-but-self-from-vcpu1");
	logs[0].n = logs[1].n = 0;
	EXPECT(run_job(JOB_SGI_ALL_BUT_SELF, 6));
	irqs_on();
	settle();
	irqs_off();
	EXPECT_EQ(logs[0].n, 1);
	EXPECT_EQ(logs[0].iar[0], 6 | (1u << 10)); /* CPUID 1 */
	EXPECT_EQ(logs[1].n, 0);
	test_end();

	test_begin("sgi-list-both-each-once");
	logs[0].n = logs[1].n = 0;
	gic_sgi(0, 3, 7);
	irqs_on();
	settle();
	irqs_off();
	EXPECT(wait_until(&logs[1].n, 1, 1000));
	EXPECT_EQ(logs[0].n, 1);
	EXPECT_EQ(logs[0].iar[0], 7);
	EXPECT_EQ(logs[1].iar[0], 7);
	test_end();

	test_begin("spi-follows-itargetsr");
	logs[0].n = logs[1].n = 0;
	gicd_wb(GICD_ITARGETSR + 40, 0x02);
	EXPECT_EQ(gicd_rb(GICD_ITARGETSR + 40), 0x02);
	gicd_wb(GICD_ITARGETSR + 41, 0x0c); /* no vCPUs 2 and 3: masked away */
	EXPECT_EQ(gicd_rb(GICD_ITARGETSR + 41), 0x00);
	gic_enable(40);
	gic_set_pending(40);
	irqs_on();
	EXPECT(wait_until(&logs[1].n, 1, 1000));
	settle();
	irqs_off();
	EXPECT_EQ(logs[1].iar[0], 40);
	EXPECT_EQ(logs[0].n, 0);
	test_end();

	test_begin("disable-reaches-other-cpus-list-register");
	{
		uint32_t kicks = hyp_stat(HYP_STAT_KICKS);
		EXPECT(run_job(JOB_IRQS_OFF, 0));
		logs[1].n = 0;
		gic_set_pending(40);      /* to vCPU 1, which holds it in an LR, masked */
		settle();
		gic_disable(40);          /* must reach vCPU 1's LR on the other CPU */
		settle();
		EXPECT(run_job(JOB_POLL_IAR, 0));
		EXPECT_EQ(job_result & 0x3ff, SPURIOUS);
		gic_enable(40);
		settle();
		/* Back into vCPU 1's LR after a kick: poll until it is there, bounded. */
		for (unsigned tries = 0; tries < 100; tries++) {
			EXPECT(run_job(JOB_POLL_IAR, 0));
			if ((job_result & 0x3ff) != SPURIOUS)
				break;
			settle();
		}
		EXPECT_EQ(job_result & 0x3ff, 40);
		EXPECT(run_job(JOB_EOI, 40));
		/* With a CPU each, vCPU 1 runs meanwhile and is kicked; sharing one CPU (make
		 * test runs this suite with --smp 1 too) it is switched out, and the change
		 * waits in the model for its next turn, with no kick. */
		if (hyp_info(HYP_INFO_CPUS_IN_HYP) >= 2)
			EXPECT(hyp_stat(HYP_STAT_KICKS) - kicks >= 2);
		EXPECT_EQ(logs[1].n, 0);
	}
	test_end();

	test_begin("retarget-moves-pending-spi");
	{
		logs[0].n = logs[1].n = 0;
		gic_set_pending(40);      /* to vCPU 1 (IRQs off there) */
		settle();
		gicd_wb(GICD_ITARGETSR + 40, 0x01);
		irqs_on();
		/* The move takes two kicks between the CPUs (vCPU 1 lets it go, vCPU 0 takes
		 * it): how long depends on the host's threads, so wait for it, bounded. */
		wait_until(&logs[0].n, 1, 1000);
		settle(); /* and a while more: it must not come twice */
		irqs_off();
		EXPECT_EQ(logs[0].n, 1);
		EXPECT_EQ(logs[0].iar[0], 40);
		EXPECT(run_job(JOB_POLL_IAR, 0));
		EXPECT_EQ(job_result & 0x3ff, SPURIOUS);
	}
	test_end();

	run_job(JOB_QUIT, 0);
	set_exc_handler(EXC_IRQ, 0);
	return 0;
}

/* Benchmarks, in guest instructions per operation (deterministic under QEMU's
 * -icount shift=0,sleep=off: 1 ns of virtual time per instruction, and the generic
 * counter's 62.5 MHz makes one tick 16 instructions).
 *
 * The same image runs under the hypervisor and natively (QEMU -kernel, no EL2): natively
 * HVC is UNDEFINED, which is how it tells where it runs. The GIC is at the same addresses
 * in both (the guest platform copies the TC2's), so the interrupt benchmarks compare the
 * virtual GIC with QEMU's real one. Loops report (ticks with the operation - ticks of the
 * empty loop) / N; latencies report the mean from the triggering write to the first
 * instruction of the C handler. Output: BENCH <where> <name> <instructions, 1 decimal>. */
#include "gic.h"
#include "guest.h"

#ifndef N /* scripts/profile.sh builds it with fewer */
#define N 20000
#endif
#ifndef NLAT
#define NLAT 2000
#endif
#define NS_PER_TICK 16 /* 1e9 / 62.5e6 */
#define SYS_ID 0x1c010000u  /* vexpress motherboard: read-only ID register */
#define SYS_LED 0x1c010008u /* LEDs: harmless to write */

static const char *where;
static uint64_t empty_ticks;

#ifdef PROFILE
/* scripts/profile.sh splits its instruction trace where the guest enters this. */
__attribute__((noinline)) void bench_mark(void) { __asm__ volatile(""); }
#define MARK() bench_mark()
#else
#define MARK() ((void)0)
#endif

/* Run `body` N times; returns counter ticks. */
#define TIME_LOOP(body)                                                  \
	({                                                               \
		MARK();                                                  \
		uint64_t t0_ = read_cntvct();                            \
		for (int i_ = 0; i_ < N; i_++) {                         \
			body;                                            \
			__asm__ volatile("" ::: "memory");               \
		}                                                        \
		read_cntvct() - t0_;                                     \
	})

static void print_tenths(const char *name, long long tenths)
{
	gprintf("BENCH %s %s %lld.%lld\n", where, name, tenths / 10, tenths % 10);
}

static void report(const char *name, uint64_t ticks)
{
	print_tenths(name, (long long)((ticks - empty_ticks) * NS_PER_TICK * 10) / N);
}

static void hvc_version(void)
{
	register uint32_t r0 __asm__("r0") = HYP_CALL_VERSION;
	__asm__ volatile(".arch_extension virt\n\thvc #0" : "+r"(r0)::"r1", "r2", "r3", "memory");
}

/* ---- interrupt latency ---- */
static volatile uint64_t irq_at;
static volatile unsigned irq_seen;

static void on_irq(enum exc_kind k, struct exc_frame *f)
{
	uint64_t now = read_cntvct();
	uint32_t iar = gicc_r(GICC_IAR);
	(void)k;
	(void)f;
	if ((iar & 0x3ff) == 27)
		SYSREG_WRITE(0, c14, c3, 1, 0); /* CNTV_CTL off before the EOI */
	if ((iar & 0x3ff) != SPURIOUS) {
		irq_at = now;
		irq_seen++;
		gicc_w(GICC_EOIR, iar);
	}
}

static void cntv_fire_now(void)
{
	uint64_t now = read_cntvct();
	__asm__ volatile("mcrr p15, 3, %0, %1, c14" ::"r"((uint32_t)now), "r"((uint32_t)(now >> 32)));
	SYSREG_WRITE(0, c14, c3, 1, 1);
}

/* Mean ticks from `trigger` to the handler, in tenths of an instruction. */
static long long latency(void (*trigger)(void))
{
	uint64_t total = 0;

	MARK();
	for (int i = 0; i < NLAT; i++) {
		unsigned seen = irq_seen;
		uint64_t t0 = read_cntvct();
		trigger();
		while (irq_seen == seen)
			__asm__ volatile("wfe"); /* a yield to the other CPU, if any (see second) */
		total += irq_at - t0;
	}
	return (long long)(total * NS_PER_TICK * 10) / NLAT;
}

static void sgi_self(void) { gic_sgi(2, 0, 1); }

/* ---- virtual IPI: vCPU 0 sends SGI 3 to vCPU 1, which waits with IRQs unmasked ---- */
static volatile uint32_t second_up, second_stop;

static void second(uint32_t ctx)
{
	(void)ctx;
	gic_enable(3); /* SGI enables and the CPU interface are banked: vCPU 1's own */
	gicc_w(GICC_PMR, 0xff);
	gicc_w(GICC_CTLR, 1);
	second_up = 1;
	irqs_on();
	/* WFE is a yield under QEMU's round-robin icount scheduler: each CPU hands the
	 * other its turn at once, so the latency counts the instructions of the path, not
	 * of time slices spent spinning. */
	while (!second_stop)
		__asm__ volatile("wfe");
	irqs_off();
}

static void sgi_other(void) { gic_sgi(0, 1u << 1, 3); }

/* ---- a load from an IPA with nothing behind it, to the guest's abort handler ---- */
#define UNMAPPED_IPA 0x40000000u

static void on_dabt(enum exc_kind k, struct exc_frame *f)
{
	irq_at = read_cntvct();
	(void)k;
	f->lr -= 4; /* LR_abt is the load + 8: return past it */
	irq_seen++;
}

static void load_unmapped(void) { (void)mmio_r32(UNMAPPED_IPA); }

/* ---- two vCPUs sharing one CPU (run with --vcpus 2 --smp 1): the world switch ----
 * vCPU 1 waits in WFI, IRQs unmasked; its handler notes the time and answers with SGI 4.
 * vCPU 0 sends SGI 3 and waits in WFI (IRQs masked) for the answer: its WFI blocks it, so
 * the CPU switches to vCPU 1 and, once vCPU 1 waits again, back. */
#define SGI_PING 3
#define SGI_PONG 4

static void on_ping(enum exc_kind k, struct exc_frame *f)
{
	uint64_t now = read_cntvct();
	uint32_t iar = gicc_r(GICC_IAR);
	(void)k;
	(void)f;
	if ((iar & 0x3ff) == SPURIOUS)
		return;
	irq_at = now;
	irq_seen++;
	gicc_w(GICC_EOIR, iar);
	gic_sgi(0, 1u << 0, SGI_PONG);
}

static void second_ping(uint32_t ctx)
{
	(void)ctx;
	gic_enable(SGI_PING);
	gicc_w(GICC_PMR, 0xff);
	gicc_w(GICC_CTLR, 1);
	second_up = 1;
	irqs_on();
	while (!second_stop)
		__asm__ volatile("wfi");
	irqs_off();
}

static void ping_pong(void)
{
	uint32_t iar;

	gic_sgi(0, 1u << 1, SGI_PING);
	do {
		__asm__ volatile("wfi");
		iar = gicc_r(GICC_IAR);
	} while ((iar & 0x3ff) == SPURIOUS);
	gicc_w(GICC_EOIR, iar);
}

static void shared_cpu_bench(void)
{
	set_exc_handler(EXC_IRQ, on_ping);
	gic_enable(SGI_PONG);
	secondary_fn[1] = second_ping;
	psci_cpu_on(1, 0);
	while (!second_up) /* no WFI: nothing would wake vCPU 0; its turn ends instead */
		;
	print_tenths("ipi-switched-out-vcpu-latency", latency(ping_pong));
	report("vcpu-ping-pong-one-cpu", TIME_LOOP(ping_pong()));
	second_stop = 1;
	gic_sgi(0, 1u << 1, SGI_PING); /* let it see the stop */
}

int main(void)
{
	volatile uint32_t sink;
	int native;

	test_suite = "bench";
	native = !under_hypervisor();
	where = native ? "native" : "hyp";

	irqs_off();
	gic_setup();
	empty_ticks = 0;
	empty_ticks = TIME_LOOP((void)0);
	if (!native && hyp_info(HYP_INFO_CPUS_IN_HYP) < hyp_info(HYP_INFO_VCPUS)) {
		shared_cpu_bench();
		MARK();
		return 0; /* guest_main says DONE and powers off */
	}
	if (!native) {
		report("hvc-round-trip", TIME_LOOP(hvc_version()));
		report("mmio-read", TIME_LOOP(sink = mmio_r32(TESTDEV_IPA)));
		report("mmio-write", TIME_LOOP(mmio_w32(TESTDEV_IPA, 1)));
		report("hvc-full-context-cycle", TIME_LOOP(hvc_call(HYP_CALL_CTX_CHECK, 0, 0, 0)));
	} else {
		/* The floor: the same loads and stores to real device registers. */
		report("mmio-read", TIME_LOOP(sink = mmio_r32(SYS_ID)));
		report("mmio-write", TIME_LOOP(mmio_w32(SYS_LED, 1)));
	}
	report("gicd-read", TIME_LOOP(sink = gicd_r(GICD_TYPER)));
	report("gicd-write", TIME_LOOP(gicd_wb(GICD_IPRIORITYR + 40, 0x80)));
	report("gicc-iar-eoir", TIME_LOOP({
		uint32_t iar = gicc_r(GICC_IAR);
		gicc_w(GICC_EOIR, iar);
	}));

	set_exc_handler(EXC_IRQ, on_irq);
	gic_enable(1);
	gic_enable(27);
	irqs_on();
	print_tenths("sgi-self-latency", latency(sgi_self));
	print_tenths("vtimer-latency", latency(cntv_fire_now));
	irqs_off();

	if (!native) {
		/* Natively there is no PSCI to start a second CPU, and a load from a hole
		 * returns 0 on QEMU's vexpress (docs/architecture.md): no abort to time. */
		secondary_fn[1] = second;
		psci_cpu_on(1, 0);
		while (!second_up)
			__asm__ volatile("wfe"); /* icount's round robin runs vCPU 1 only if we yield */
		print_tenths("ipi-other-vcpu-latency", latency(sgi_other));
		second_stop = 1;
		set_exc_handler(EXC_DABT, on_dabt);
		print_tenths("unmapped-ipa-abort-latency", latency(load_unmapped));
		set_exc_handler(EXC_DABT, 0);
	}

	if (!native) {
		/* Six pending SPIs, masked by CPSR.I: the 4 LRs hold four of them across
		 * every exit, which reads them back and finds nothing moved (held LRs). */
		for (unsigned id = 40; id < 46; id++) {
			gicd_wb(GICD_ITARGETSR + id, 1); /* vCPU 0's: with two vCPUs, say whose */
			gic_enable(id);
			gic_set_pending(id);
		}
		report("hvc-with-full-lrs", TIME_LOOP(hvc_version()));
	}
	(void)sink;
	MARK();
	gprintf("DONE bench\n");
	if (native)
		native_power_off();
	return 0;
}

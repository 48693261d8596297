/* Benchmarks, in guest instructions per operation (deterministic under QEMU's
 * -icount shift=0,sleep=off: 1 ns of virtual time per instruction, and the generic
 * counter's 62.5 MHz makes one tick 16 instructions).
 *
 * The same image runs under the hypervisor and natively (QEMU -kernel, no EL2): natively
 * HVC is UNDEFINED, which is how it tells where it runs. Each figure is the loop with the
 * operation minus the same loop without it, over N iterations. Output lines:
 *   BENCH <where> <name> <instructions per op, one decimal>
 */
#include "guest.h"

#define N 20000
#define NS_PER_TICK 16 /* 1e9 / 62.5e6 */
#define SYS_ID 0x1c010000u   /* vexpress motherboard: read-only ID register */
#define SYS_LED 0x1c010008u  /* LEDs: harmless to write */
#define SYS_CFGCTRL 0x1c0100a4u

static volatile int native_hvc_undefined;
static const char *where;

static void skip_und(enum exc_kind kind, struct exc_frame *f)
{
	(void)kind;
	(void)f; /* LR_und already points past the HVC */
	native_hvc_undefined = 1;
}

/* Run `body` N times; returns counter ticks. The asm barriers keep the loop honest. */
#define TIME_LOOP(body)                                                  \
	({                                                               \
		uint64_t t0_ = read_cntvct();                            \
		for (int i_ = 0; i_ < N; i_++) {                         \
			body;                                            \
			__asm__ volatile("" ::: "memory");               \
		}                                                        \
		read_cntvct() - t0_;                                     \
	})

static uint64_t empty_ticks;

static void report(const char *name, uint64_t ticks)
{
	/* tenths of an instruction per operation, minus the empty loop */
	long long tenths = (long long)((ticks - empty_ticks) * NS_PER_TICK * 10) / N;
	gprintf("BENCH %s %s %lld.%lld\n", where, name, tenths / 10, tenths % 10);
}

static void hvc_version(void)
{
	register uint32_t r0 __asm__("r0") = HYP_CALL_VERSION;
	__asm__ volatile(".arch_extension virt\n\thvc #0" : "+r"(r0)::"r1", "r2", "r3", "memory");
}

int main(void)
{
	volatile uint32_t sink;
	int native;

	test_suite = "bench";
	set_exc_handler(EXC_UND, skip_und);
	hvc_version();
	set_exc_handler(EXC_UND, 0);
	native = native_hvc_undefined;
	where = native ? "native" : "hyp";

	empty_ticks = 0;
	empty_ticks = TIME_LOOP((void)0);
	if (!native) {
		report("hvc-round-trip", TIME_LOOP(hvc_version()));
		report("mmio-read", TIME_LOOP(sink = mmio_r32(TESTDEV_IPA)));
		report("mmio-write", TIME_LOOP(mmio_w32(TESTDEV_IPA, 1)));
		report("wfi-trap", TIME_LOOP(__asm__ volatile("wfi")));
		report("hvc-full-context-cycle", TIME_LOOP(hvc_call(HYP_CALL_CTX_CHECK, 0, 0, 0)));
	} else {
		/* The floor: the same loads and stores to real device registers. */
		report("mmio-read", TIME_LOOP(sink = mmio_r32(SYS_ID)));
		report("mmio-write", TIME_LOOP(mmio_w32(SYS_LED, 1)));
	}
	(void)sink;
	gprintf("DONE bench\n");
	if (native) /* no PSCI natively: the board's own power-off */
		mmio_w32(SYS_CFGCTRL, (1u << 31) | (1u << 30) | (8u << 20));
	return 0;
}

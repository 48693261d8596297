/* What the guest can reach: its RAM, the passed-through UART page, the emulated testdev
 * and GICD pages and its GICC (the GICV, mapped), and nothing else in the 4 GiB IPA
 * space: not the physical GIC (the hypervisor's distributor, CPU interface, virtual
 * interface control and the GICV at its own address), not the motherboard system
 * registers (which can power the board off), not the hypervisor's snapshot disk. Every
 * probe of a hole must give exactly one data abort (or prefetch abort for a fetch) with
 * the probed address. */
/* run-guest: --snapshot-disk build/test-logs/isolation.img */
#include "guest.h"

#define UART0 0x1c090000u
#define UART_PERIPHID0 0xfe0u /* PL011 UARTPeriphID0 reads 0x11 */
#define PAGE 0x1000u
#define GICD_IPA 0x2c001000u
#define GICC_IPA 0x2c002000u

/* ---- the abort catcher: data aborts resume after the faulting ARM instruction,
 * prefetch aborts at the SVC caller's LR (the probes get there by BLX from ARM). ---- */
static volatile uint32_t ab_count, ab_kind, ab_dfar, ab_dfsr, ab_ifar, ab_ifsr, ab_lr;

static void catcher(enum exc_kind kind, struct exc_frame *f)
{
	uint32_t lr_svc;

	ab_count++;
	ab_kind = kind;
	ab_dfar = SYSREG_READ(0, c6, c0, 0);
	ab_dfsr = SYSREG_READ(0, c5, c0, 0);
	ab_ifar = SYSREG_READ(0, c6, c0, 2);
	ab_ifsr = SYSREG_READ(0, c5, c0, 1);
	ab_lr = f->lr;
	if (kind == EXC_PABT) {
		__asm__ volatile(".arch_extension virt\n\tmrs %0, LR_svc" : "=r"(lr_svc));
		f->lr = lr_svc & ~1u;
		f->spsr &= ~(1u << 5);
	} else {
		f->lr = f->lr - 8 + 4;
	}
}

static void catch_begin(void)
{
	ab_count = 0;
	set_exc_handler(EXC_DABT, catcher);
	set_exc_handler(EXC_PABT, catcher);
}

static void catch_end(void)
{
	set_exc_handler(EXC_DABT, 0);
	set_exc_handler(EXC_PABT, 0);
}

/* One load / store; returns the number of data aborts it caused. */
static uint32_t probe_read(uint32_t a, uint32_t *val)
{
	uint32_t n0 = ab_count, v;

	__asm__ volatile("mov %0, #0x5a\n\tldr %0, [%1]" : "=&r"(v) : "r"(a) : "memory");
	*val = v;
	return ab_count - n0;
}

static uint32_t probe_write(uint32_t a, uint32_t v)
{
	uint32_t n0 = ab_count;

	__asm__ volatile("str %0, [%1]" ::"r"(v), "r"(a) : "memory");
	return ab_count - n0;
}

static uint32_t probe_exec(uint32_t a)
{
	uint32_t n0 = ab_count;

	__asm__ volatile("blx %0" ::"r"(a) : "r0", "r1", "r2", "r3", "r12", "lr", "memory", "cc");
	return ab_count - n0;
}

static uint32_t ram_ipa, ram_size;

static bool in_ram(uint32_t a) { return a - ram_ipa < ram_size; }
static bool in_page(uint32_t a, uint32_t page) { return a - page < PAGE; }

static const char *what(uint32_t a)
{
	if (in_ram(a))
		return "guest RAM";
	if (in_page(a, UART0))
		return "UART0";
	if (in_page(a, TESTDEV_IPA))
		return "testdev";
	if (in_page(a, GICD_IPA))
		return "emulated GICD";
	if (a - GICC_IPA < 2 * PAGE)
		return "GICC (the GICV)";
	if (a >= 0x2c000000 && a < 0x2c008000)
		return "physical GIC";
	if (a >= 0x1c000000 && a < 0x20000000)
		return "motherboard peripherals";
	return "hole";
}

static bool expect_mapped(uint32_t a)
{
	return in_ram(a) || in_page(a, UART0) || in_page(a, TESTDEV_IPA) || in_page(a, GICD_IPA) ||
	       a - GICC_IPA < 2 * PAGE;
}

/* ---- named devices ---- */
struct target {
	const char *test, *name;
	uint32_t read_addr;  /* any register */
	uint32_t write_addr; /* a read-only register, so a write does no harm if it lands */
};

static const struct target targets[] = {
	{ "gich-unreachable", "GICH", 0x2c004000, 0x2c004004 },       /* GICH_HCR; GICH_VTR */
	{ "gicv-unreachable", "GICV", 0x2c006000, 0x2c0060fc },       /* GICV_CTLR; GICV_IIDR */
	{ "sysregs-unreachable", "sysregs", 0x1c010000, 0x1c010000 }, /* SYS_ID */
	/* The hypervisor's snapshot disk (QEMU attaches it to the last transport): MagicValue. */
	{ "snapshot-disk-unreachable", "virtio-mmio", 0x1c130600, 0x1c130600 },
};

static void test_target(const struct target *t)
{
	uint32_t v, n;
	const uint32_t extra[] = { 0x100, 0x0c, 0xffc }; /* a few more registers in the page */

	test_begin(t->test);
	catch_begin();
	n = probe_read(t->read_addr, &v);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(ab_kind, EXC_DABT);
	EXPECT_EQ(ab_dfar, t->read_addr);
	EXPECT_EQ(ab_dfsr, 0x008);
	EXPECT_EQ(v, 0x5a);
	for (unsigned i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		uint32_t a = (t->read_addr & ~(PAGE - 1)) + extra[i];
		n = probe_read(a, &v);
		if (n != 1 || ab_dfar != a)
			test_fail(__FILE__, __LINE__, "read of %s at %08x: %u aborts, DFAR %08x", t->name, a, n, ab_dfar);
	}
	if (ab_count == 1 + sizeof(extra) / sizeof(extra[0])) { /* only when no read got through */
		n = probe_write(t->write_addr, 0);
		EXPECT_EQ(n, 1);
		EXPECT_EQ(ab_dfar, t->write_addr);
		EXPECT_EQ(ab_dfsr, 0x808);
	}
	catch_end();
	test_end();
}

static void test_ram_boundary(void)
{
	uint32_t last = ram_ipa + ram_size - 4, end = ram_ipa + ram_size, v, old, n;

	test_begin("ram-boundary");
	EXPECT_EQ(ram_ipa, 0x80000000);
	EXPECT(ram_size >= 0x100000 && (ram_size & (PAGE - 1)) == 0);
	EXPECT(boot_regs[2] == 0 || in_ram(boot_regs[2])); /* the DTB is inside */
	catch_begin();
	n = probe_read(last, &old);
	EXPECT_EQ(n, 0);
	EXPECT_EQ(probe_write(last, 0xa5c3e1f0), 0);
	EXPECT_EQ(probe_read(last, &v), 0);
	EXPECT_EQ(v, 0xa5c3e1f0);
	probe_write(last, old);
	EXPECT_EQ(ab_count, 0);

	n = probe_read(end, &v);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(ab_dfar, end);
	EXPECT_EQ(ab_dfsr, 0x008);
	EXPECT_EQ(v, 0x5a);
	n = probe_write(end, 0);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(ab_dfar, end);
	EXPECT_EQ(ab_dfsr, 0x808);
	n = probe_read(ram_ipa - 4, &v);
	EXPECT_EQ(n, 1);
	EXPECT_EQ(ab_dfar, ram_ipa - 4);
	/* bytes: the last one is RAM, the next one is not */
	__asm__ volatile("ldrb %0, [%1]" : "=r"(v) : "r"(end - 1) : "memory");
	EXPECT_EQ(ab_count, 3);
	__asm__ volatile("ldrb %0, [%1]" : "=r"(v) : "r"(end) : "memory");
	EXPECT_EQ(ab_count, 4);
	EXPECT_EQ(ab_dfar, end);
	catch_end();
	test_end();
}

/* Probe every address in the list: expect RAM, the UART page and the testdev page to
 * answer and everything else to abort once with DFAR = the address. Loads first; a
 * store only where the load aborted as it should (or, where memory is expected, the
 * value just read goes back), so a hole that turns out to be mapped is never written. */
static void sweep(uint32_t first, uint32_t step, uint32_t count, const uint32_t *odd, unsigned nodd,
		  bool writes)
{
	uint32_t aborts = 0, expected_aborts = 0, reported = 0, v, n;

	catch_begin();
	for (uint32_t i = 0; i < count + nodd; i++) {
		uint32_t a = i < count ? first + i * step : odd[i - count];
		bool mapped = expect_mapped(a);

		if (!mapped)
			expected_aborts++;
		n = probe_read(a, &v);
		aborts += n;
		if ((n != 0) != !mapped || (n && (ab_dfar != a || ab_dfsr != 0x008)) || n > 1) {
			if (reported++ < 8)
				gprintf("  %08x (%s): expected %s, got %u aborts (DFAR %08x DFSR %03x)\n", a,
					what(a), mapped ? "access" : "an abort", n, ab_dfar, ab_dfsr);
			if (reported == 1)
				test_fail(__FILE__, __LINE__, "read of %08x (%s): %u aborts, expected %u", a,
					  what(a), n, mapped ? 0 : 1);
			continue;
		}
		if (!writes || in_page(a, UART0))
			continue;
		n = probe_write(a, mapped ? v : 0);
		if (n != (mapped ? 0u : 1u) || (n && (ab_dfar != a || ab_dfsr != 0x808))) {
			if (reported++ < 8)
				gprintf("  %08x (%s): write: expected %s, got %u aborts (DFAR %08x DFSR %03x)\n",
					a, what(a), mapped ? "access" : "an abort", n, ab_dfar, ab_dfsr);
			if (reported == 1)
				test_fail(__FILE__, __LINE__, "write of %08x (%s): %u aborts", a, what(a), n);
		}
	}
	catch_end();
	EXPECT_EQ(aborts, expected_aborts);
	EXPECT_EQ(reported, 0);
}

/* The GICD the guest reaches is the hypervisor's model of one for this VM, not the
 * physical distributor; its GICC is the GICV, reached without a trap. */
static void test_gic_is_virtual(void)
{
	uint32_t typer = 0, iidr = 0, exits;

	test_begin("gicd-is-the-vms-own");
	catch_begin();
	EXPECT_EQ(probe_read(GICD_IPA + 4, &typer), 0);
	catch_end();
	/* One vCPU, 160 lines; the physical one says two CPUs (0x24) under -smp 2. */
	EXPECT_EQ(typer, 0x04);
	test_end();

	test_begin("gicc-is-the-gicv-without-traps");
	catch_begin();
	exits = hyp_stat(HYP_STAT_EXITS);
	EXPECT_EQ(probe_read(GICC_IPA + 0xfc, &iidr), 0);
	EXPECT_EQ(probe_read(GICC_IPA + 0x04, &typer), 0); /* GICC_PMR */
	EXPECT_EQ(hyp_stat(HYP_STAT_EXITS) - exits, 1);    /* the STAT call alone */
	catch_end();
	EXPECT_EQ(iidr & 0xfff, 0x43b); /* ARM */
	test_end();
}

static void test_sweep_4g(void)
{
	const uint32_t odd[] = { 0x00000000, 0x00000ffc, 0xfffffffc, 0xffff0000, 0x7ffffffc,
				 ram_ipa - 4, ram_ipa + ram_size - 4, ram_ipa + ram_size, 0xc0000000,
				 UART0 + UART_PERIPHID0, UART0 - 4, UART0 + PAGE, TESTDEV_IPA - 4,
				 TESTDEV_IPA + PAGE - 4, TESTDEV_IPA + PAGE, 0x2c000000, 0x2c001000,
				 0x2c002000, 0x2c004000, 0x2c006000, 0x1c010000, 0x1c0100a4 };
	uint32_t mapped = 0;

	for (uint64_t a = 0; a < (1ull << 32); a += 16u << 20)
		mapped += expect_mapped((uint32_t)a);
	test_begin("sweep-4g-16m");
	/* sanity of the expectation itself: RAM's 16 MiB blocks plus the testdev's */
	EXPECT_EQ(mapped, (ram_size + (16u << 20) - 1) / (16u << 20) + 1);
	sweep(0, 16u << 20, 256, odd, sizeof(odd) / sizeof(odd[0]), true);
	test_end();
}

/* The motherboard peripheral window (UART, sysregs, timers, ...) in 64 KiB steps, and
 * the GIC's 32 KiB in 4 KiB steps. Offset 0xfe0 in each block (PL011's PeriphID0). */
static void test_sweep_peripherals(void)
{
	uint32_t v = 0;

	test_begin("sweep-peripherals");
	sweep(0x1c000000 + UART_PERIPHID0, 0x10000, 0x400, 0, 0, true);
	sweep(0x2c000000 + UART_PERIPHID0, PAGE, 8, 0, 0, true);
	/* the UART that is reachable is the real PL011 */
	catch_begin();
	EXPECT_EQ(probe_read(UART0 + UART_PERIPHID0, &v), 0);
	catch_end();
	EXPECT_EQ(v & 0xff, 0x11);
	test_end();
}

/* Instruction fetches: only RAM is executable. The UART page is mapped but must be
 * execute-never; the testdev and the physical GIC are not mapped at all. */
static void test_exec(void)
{
	const uint32_t addrs[] = { ram_ipa + ram_size, TESTDEV_IPA, UART0, 0x2c001000, 0x1c010000, 0 };

	test_begin("exec-outside-ram-aborts");
	catch_begin();
	for (unsigned i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		uint32_t n = probe_exec(addrs[i]);
		if (n != 1 || ab_kind != EXC_PABT || ab_ifar != addrs[i] || ab_lr != addrs[i] + 4)
			test_fail(__FILE__, __LINE__, "fetch from %08x (%s): %u aborts, kind %u, IFAR %08x, LR %08x",
				  addrs[i], what(addrs[i]), n, ab_kind, ab_ifar, ab_lr);
	}
	catch_end();
	test_end();
}

int main(void)
{
	test_suite = "isolation";
	ram_ipa = hyp_info(HYP_INFO_RAM_IPA);
	ram_size = hyp_info(HYP_INFO_RAM_SIZE);
	for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		test_target(&targets[i]);
	test_ram_boundary();
	test_gic_is_virtual();
	test_sweep_4g();
	test_sweep_peripherals();
	test_exec();
	return 0;
}

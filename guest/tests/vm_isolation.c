/* One VM among several, as each sees it (make test runs two VMs with this guest at once;
 * alone it checks the same of itself): its console is UART0 at the usual address; the
 * board's other UARTs (UART1 is the hypervisor's monitor, UART2 and UART3 the other VMs'
 * consoles) and everything beyond its RAM abort; and RAM it wrote keeps what it wrote
 * while the other VM writes all over its own RAM meanwhile. */
#include "guest.h"

#define UART0 0x1c090000u
#define UART_PERIPHID0 0xfe0u /* PL011 UARTPeriphID0 reads 0x11 */
#define TICKS_PER_MS 62500u
#define WORDS (1u << 20) /* 4 MiB of RAM, written and checked again and again */

static volatile uint32_t aborts, abort_dfar;

static void on_dabt(enum exc_kind k, struct exc_frame *f)
{
	(void)k;
	aborts++;
	abort_dfar = SYSREG_READ(0, c6, c0, 0);
	f->lr -= 4; /* LR_abt is the access + 8: return past it */
}

/* A load from `a`: whether it aborted, with `a` as the fault address. */
static bool load_aborts(uint32_t a)
{
	uint32_t before = aborts;

	(void)*(volatile uint32_t *)a;
	return aborts == before + 1 && abort_dfar == a;
}

static uint32_t buf[WORDS];

int main(void)
{
	uint32_t vm = hyp_info(HYP_INFO_VM_ID), ram = hyp_info(HYP_INFO_RAM_IPA);
	uint32_t size = hyp_info(HYP_INFO_RAM_SIZE), seed = 0x9e3779b9u * (vm + 1), bad = 0;
	uint64_t end;

	test_suite = "vm_isolation";
	gprintf("  VM %u, RAM %#x bytes\n", (unsigned)vm, (unsigned)size);

	test_begin("console-is-uart0-at-its-address");
	EXPECT_EQ(*(volatile uint32_t *)(UART0 + UART_PERIPHID0) & 0xff, 0x11);
	test_end();

	set_exc_handler(EXC_DABT, on_dabt);
	test_begin("other-uarts-and-beyond-ram-abort");
	EXPECT(load_aborts(0x1c0a0000u)); /* UART1: the monitor */
	EXPECT(load_aborts(0x1c0b0000u)); /* UART2: VM 1's console */
	EXPECT(load_aborts(0x1c0c0000u)); /* UART3: VM 2's console */
	EXPECT(load_aborts(ram + size));  /* where the next VM's RAM is, physically */
	EXPECT(load_aborts(ram + size + 0x1000000u));
	EXPECT(load_aborts(ram - 0x1000u));
	test_end();
	set_exc_handler(EXC_DABT, 0);

	/* 300 ms of writing this VM's pattern and reading it back, while the other VM does
	 * the same with its own: a mapping shared by mistake shows as words of the other's. */
	test_begin("ram-keeps-what-this-vm-wrote");
	end = read_cntvct() + 300ull * TICKS_PER_MS;
	for (unsigned round = 0; read_cntvct() < end; round++) {
		for (uint32_t i = 0; i < WORDS; i += 16)
			buf[i] = seed ^ i ^ round;
		for (uint32_t i = 0; i < WORDS; i += 16)
			bad += buf[i] != (seed ^ i ^ round);
	}
	EXPECT_EQ(bad, 0);
	test_end();
	return 0;
}

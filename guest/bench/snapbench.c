/* Snapshot cost against guest RAM (make bench): with 0, 16 and 48 MiB of a 64 MiB guest
 * filled with data (the rest zero), the host times a snapshot, a restore and a memcpy of
 * the whole RAM (monitor command snapbench) and prints the figures. */
#include "guest.h"

#define MIB (1u << 20)
#define FILL_BASE 0x80400000u /* above the guest's image, stacks and BSS */

static void fill(unsigned mib)
{
	volatile uint32_t *p = (volatile uint32_t *)FILL_BASE;

	for (uint32_t i = 0; i < mib * MIB / 4; i++)
		p[i] = i * 2654435761u | 1;
}

int main(void)
{
	static const unsigned sizes[] = { 0, 16, 48 };
	char reply[40];

	test_suite = "snapbench";
	for (unsigned i = 0; i < 3; i++) {
		fill(sizes[i]);
		gprintf("snapbench: %u MiB of data\n", sizes[i]);
		host_request("monitor snapbench", reply, sizeof(reply));
	}
	return 0;
}

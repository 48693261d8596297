/* Never finishes: the test driver uses it to check that a hanging guest is stopped by
 * the runner's timeout and reported, instead of stalling the suite. */
#include "guest.h"

int main(void)
{
	test_suite = "hang";
	gprintf("hang: spinning forever\n");
	for (;;)
		__asm__ volatile("" ::: "memory");
}

/* run-guest: --driven --mem 128M --snapshot-disk build/test-logs/snapshot_kill.img */
/* QEMU killed while a snapshot goes to the disk, at several moments: each time a new QEMU
 * resumes from the disk, which must hold a whole snapshot (scripts/snapshot verify), and
 * the guest must find itself exactly as it was at that snapshot: its stage counter and
 * 48 MiB of RAM written for that stage agree. */
#include <string.h>

#include "guest.h"

#define MIB (1u << 20)
#define FILL_BASE 0x80400000u
#define FILL_WORDS (48 * MIB / 4)

static volatile uint32_t stage;

static void fill(uint32_t s)
{
	volatile uint32_t *p = (volatile uint32_t *)FILL_BASE;

	for (uint32_t i = 0; i < FILL_WORDS; i++)
		p[i] = i * 2654435761u ^ s;
}

static uint32_t mismatches(uint32_t s)
{
	volatile uint32_t *p = (volatile uint32_t *)FILL_BASE;
	uint32_t bad = 0;

	for (uint32_t i = 0; i < FILL_WORDS; i += 97)
		bad += p[i] != (i * 2654435761u ^ s);
	return bad;
}

/* The host's answer to a request the guest made before a snapshot: "kill-during ok" means
 * a new QEMU resumed from the disk, so RAM must hold the stage of that request. */
static void check_resumed(const char *reply)
{
	if (strcmp(reply, "kill-during ok"))
		return;
	if (mismatches(stage))
		test_fail(__FILE__, __LINE__, "stage %u: RAM is not that stage's", stage);
	gprintf("snapshot_kill: at stage %u after a resume\n", stage);
}

int main(void)
{
	char reply[40] = "";

	test_suite = "snapshot_kill";
	test_begin("a-whole-snapshot-survives-every-kill");
	stage = 1;
	fill(stage);
	/* A kill may leave this first snapshot the newest whole one: then the reply comes
	 * from the QEMU that resumed it. */
	if (!host_request("monitor snapshot", reply, sizeof(reply)) ||
	    (strcmp(reply, "snapshot ok") && strcmp(reply, "kill-during ok")))
		test_fail(__FILE__, __LINE__, "first snapshot: '%s'", reply);
	check_resumed(reply);
	while (strcmp(reply, "kill-during-done ok")) {
		stage++;
		fill(stage);
		if (!host_request("kill-during snapshot 150,500,900,1400,2200", reply, sizeof(reply))) {
			test_fail(__FILE__, __LINE__, "no answer");
			break;
		}
		if (strcmp(reply, "kill-during ok") && strcmp(reply, "kill-during-done ok")) {
			test_fail(__FILE__, __LINE__, "host said '%s'", reply);
			break;
		}
		check_resumed(reply);
	}
	/* How many resumes there were the guest cannot count (each takes its RAM back to a
	 * snapshot); the driver can: it answers "kill-during-done" only after all five kills,
	 * and each answer says "error" if the disk it left had no whole snapshot. */
	if (mismatches(stage))
		test_fail(__FILE__, __LINE__, "stage %u: RAM is not that stage's at the end", stage);
	test_end();
	return 0;
}

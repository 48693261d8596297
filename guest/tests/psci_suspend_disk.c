/* run-guest: --driven --vcpus 2 --snapshot-disk build/test-logs/psci_suspend_disk.img */
/* psci_suspend.c, then a SYSTEM_SUSPEND to the snapshot disk, woken by --resume in a new QEMU. */
#define SUSPEND_TO_DISK
#include "psci_suspend.c"

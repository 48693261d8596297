/* run-guest: --driven --vcpus 3 --snapshot-disk build/test-logs/snapshot_vgic_disk.img */
/* snapshot_vgic_smp.c suspended to the snapshot disk, QEMU off, resumed by a new QEMU. */
#define SNAP_VCPUS 3
#define SNAP_TO_DISK
#include "snapshot_vgic.c"

/* run-guest: --driven --vcpus 3 */
/* snapshot_vgic.c with vCPU 1 running its own interrupt state and vCPU 2 powered off. */
#define SNAP_VCPUS 3
#include "snapshot_vgic.c"

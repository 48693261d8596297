/* Whole-VM snapshots in memory (hyp/snapshot.c, docs/snapshot-format.md). Both calls
 * want the VM paused (vm_pause) and say why they fail in why[0..why_len). */
#ifndef HYP_SNAPSHOT_H
#define HYP_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* Into the VM's snapshot memory: its size, or a negative errno (-E2BIG: no room). */
long snap_take(struct vm *vm, char *why, size_t why_len);
/* Back to the last snapshot: 0, or a negative errno with the VM left as it was. */
int snap_restore(struct vm *vm, char *why, size_t why_len);
/* The last snapshot's header CRC (its identity in the monitor's answers), 0 if none. */
uint32_t snap_crc(const struct vm *vm);

#endif

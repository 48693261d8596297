/* Whole-VM snapshots in memory (hyp/snapshot.c, docs/snapshot-format.md). Both calls
 * want the VM paused (vm_pause) and say why they fail in why[0..why_len). */
#ifndef HYP_SNAPSHOT_H
#define HYP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

/* Into the VM's snapshot memory: its size, or a negative errno (-E2BIG: no room). */
long snap_take(struct vm *vm, char *why, size_t why_len);
/* Back to the last snapshot: 0, or a negative errno with the VM left as it was. */
int snap_restore(struct vm *vm, char *why, size_t why_len);
/* The last snapshot's content CRC (its identity: monitor answers, disk slots), 0 if none. */
uint32_t snap_crc(const struct vm *vm);

/* hyp/snap_disk_io.c: each VM's snapshot disk, when the runner attached one (VM k's on
 * virtio-mmio transport k). */
struct snap_shape;
/* Look for the VM's and check it is for its shape: 0, -ENODEV (none), -EINVAL (logged). */
int snap_disk_attach(const struct vm *vm, uint32_t boot_time);
bool snap_disk_present(const struct vm *vm);
/* The VM's last in-memory snapshot to the slot that is not current, crash-safe. */
int snap_disk_write(struct vm *vm, char *why, size_t why_len);
/* A snapshot of the paused VM (snap_take), and on the disk too when there is one: its
 * size, or an error with why (the in-memory one may then be taken but not on the disk). */
long snap_save(struct vm *vm, char *why, size_t why_len);
/* The newest whole snapshot on the disk into the VM's snapshot memory (the other slot if
 * the newest is damaged, said in the log). 0, or why not. */
int snap_disk_load(struct vm *vm, char *why, size_t why_len);
/* The VM's shape, as snapshots carry it. */
void snap_shape_of(const struct vm *vm, struct snap_shape *s);
#endif

/* A vCPU's part of a snapshot (hyp/snap_vcpu.c), and the VGIC's (hyp/snap_vgic.c). */
#ifndef HYP_SNAP_VCPU_H
#define HYP_SNAP_VCPU_H

#include <stdbool.h>
#include <stddef.h>

#include "gic/vgic_dev.h"
#include "hyp/snap_format.h"
#include "hyp/vcpu.h"

/* Records of every register of the vCPU (its context must be in memory) and its power. */
void snap_vcpu_save(struct snap_writer *w, struct vcpu *v);
/* Every id known, none twice, none missing, values in range: 0, or -EINVAL and why. */
int snap_vcpu_check(const struct snap_section_ref *s, char *why, size_t why_len);
/* Into the vCPU's memory copy; *on: whether it was powered on. Checked section only. */
void snap_vcpu_load(const struct snap_section_ref *s, struct vcpu *v, bool *on);

/* The VGIC's whole state as device-API attributes, in the order a restore applies them. */
void snap_vgic_save(struct snap_writer *w, struct vgic_dev *dev);
/* Apply a VGIC section through the device API onto a VGIC reset to its initial state
 * (a set/clear register pair is written as clear-all then set). 0, or the API's error
 * and why (the record that was refused). */
int snap_vgic_restore(struct vgic_dev *dev, const struct snap_section_ref *s, char *why,
		      size_t why_len);

#endif

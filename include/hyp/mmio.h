/* Emulated MMIO regions of a VM. Host and target.
 *
 * The trap path turns a stage-2 data abort into one access {ipa, len, write, data}.
 * Width, sign extension, endianness and register write-back happen there once;
 * device models only ever see (offset, len, value) with value zero-extended. */
#ifndef HYP_MMIO_H
#define HYP_MMIO_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

struct mmio_ops {
	/* Return 0, or a negative errno: the guest then gets an external abort. */
	int (*read)(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t *val);
	int (*write)(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t val);
};

struct mmio_region {
	uint32_t base, size;
	const struct mmio_ops *ops;
	void *dev;
	const char *name;
};

#define MMIO_MAX_REGIONS 16

/* Regions sorted by base, so lookup is a binary search; the last region found is tried
 * first, since a guest's exits come in runs on one device (a race between vCPUs on it
 * only costs a search). */
struct mmio_bus {
	unsigned count;
	unsigned hint;
	struct mmio_region r[MMIO_MAX_REGIONS];
};

/* -EINVAL for an empty or wrapping range, -EEXIST on overlap, -E2BIG when full. */
int mmio_register(struct mmio_bus *bus, uint32_t base, uint32_t size, const struct mmio_ops *ops,
		  void *dev, const char *name);
const struct mmio_region *mmio_find(struct mmio_bus *bus, uint32_t ipa);
/* -ENOENT when no region covers [ipa, ipa+len). */
int mmio_access(struct mmio_bus *bus, struct vcpu *v, uint32_t ipa, unsigned len, bool write,
		uint32_t *data);

/* Register value to bus data for a store of `len` bytes (big-endian guest: CPSR.E). */
uint32_t mmio_store_data(uint32_t reg, unsigned len, bool big_endian);
/* Bus data of a load of `len` bytes to the register value (HSR.SSE: sign-extend). */
uint32_t mmio_load_value(uint32_t data, unsigned len, bool sign_extend, bool big_endian);

#endif

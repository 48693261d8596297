/* The diagnostics device every VM has at TESTDEV_IPA: plain storage that accepts any
 * width, plus a record of the last access as the device saw it. It lets guest tests and
 * benchmarks see exactly what the trap path delivered. Host and target. */
#include "hyp/testdev.h"
#include "hyp/hvc_abi.h"

static void record(struct testdev *d, uint32_t off, unsigned len, int write)
{
	d->last = (off & 0xfff) | (len << 12) | ((uint32_t)write << 16);
	d->count++;
}

static int td_read(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t *val)
{
	struct testdev *d = dev;
	(void)v;

	if (off == TESTDEV_LAST && len == 4) {
		*val = d->last;
		return 0;
	}
	if (off == TESTDEV_COUNT && len == 4) {
		*val = d->count;
		return 0;
	}
	record(d, off, len, 0);
	*val = 0;
	for (unsigned i = 0; i < len && off + i < TESTDEV_SCRATCH_SIZE; i++)
		*val |= (uint32_t)d->scratch[off + i] << (8 * i);
	return 0;
}

static int td_write(void *dev, struct vcpu *v, uint32_t off, unsigned len, uint32_t val)
{
	struct testdev *d = dev;
	(void)v;

	record(d, off, len, 1);
	for (unsigned i = 0; i < len && off + i < TESTDEV_SCRATCH_SIZE; i++)
		d->scratch[off + i] = val >> (8 * i);
	return 0;
}

const struct mmio_ops testdev_ops = { td_read, td_write };

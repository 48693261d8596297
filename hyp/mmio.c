/* MMIO region registry and the access-width logic shared by every emulated device. */
#include "hyp/mmio.h"

#include <errno.h>
#include <string.h>

int mmio_register(struct mmio_bus *bus, uint32_t base, uint32_t size, const struct mmio_ops *ops,
		  void *dev, const char *name)
{
	unsigned i;

	if (size == 0 || base + (size - 1) < base || !ops)
		return -EINVAL;
	for (i = 0; i < bus->count; i++) {
		const struct mmio_region *r = &bus->r[i];
		if (base <= r->base + (r->size - 1) && r->base <= base + (size - 1))
			return -EEXIST;
	}
	if (bus->count == MMIO_MAX_REGIONS)
		return -E2BIG;
	for (i = bus->count; i > 0 && bus->r[i - 1].base > base; i--)
		bus->r[i] = bus->r[i - 1];
	bus->r[i] = (struct mmio_region){ base, size, ops, dev, name };
	bus->count++;
	return 0;
}

const struct mmio_region *mmio_find(struct mmio_bus *bus, uint32_t ipa)
{
	unsigned lo = 0, hi = bus->count, h = bus->hint;

	if (h < hi && ipa - bus->r[h].base < bus->r[h].size)
		return &bus->r[h];
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		const struct mmio_region *r = &bus->r[mid];
		if (ipa < r->base)
			hi = mid;
		else if (ipa - r->base >= r->size)
			lo = mid + 1;
		else {
			bus->hint = mid;
			return r;
		}
	}
	return 0;
}

int mmio_access(struct mmio_bus *bus, struct vcpu *v, uint32_t ipa, unsigned len, bool write,
		uint32_t *data)
{
	const struct mmio_region *r = mmio_find(bus, ipa);
	uint32_t off;

	if (!r)
		return -ENOENT;
	off = ipa - r->base;
	/* An access straddling the end of a region is not the region's. */
	if (len > r->size - off)
		return -ENOENT;
	if (write)
		return r->ops->write ? r->ops->write(r->dev, v, off, len, *data) : 0;
	*data = 0;
	return r->ops->read ? r->ops->read(r->dev, v, off, len, data) : 0;
}

static uint32_t swap_bytes(uint32_t x, unsigned len)
{
	if (len == 2)
		return ((x & 0xff) << 8) | ((x >> 8) & 0xff);
	if (len == 4)
		return __builtin_bswap32(x);
	return x;
}

static uint32_t low_bytes(uint32_t x, unsigned len)
{
	return len >= 4 ? x : x & ((1u << (8 * len)) - 1);
}

uint32_t mmio_store_data(uint32_t reg, unsigned len, bool big_endian)
{
	reg = low_bytes(reg, len);
	return big_endian ? swap_bytes(reg, len) : reg;
}

uint32_t mmio_load_value(uint32_t data, unsigned len, bool sign_extend, bool big_endian)
{
	data = low_bytes(data, len);
	if (big_endian)
		data = swap_bytes(data, len);
	if (sign_extend && len < 4 && (data >> (8 * len - 1)) & 1)
		data |= ~0u << (8 * len);
	return data;
}

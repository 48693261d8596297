/* References for the snapshot tests, written apart from the code under test (hyp/
 * snap_format.c, hyp/snap_disk.c, lib/le.h) so that the tests check the bytes against the
 * document, not the code against itself: a bitwise CRC-32 (IEEE, reflected) and
 * little-endian fields. */
#ifndef TESTS_SNAP_REF_H
#define TESTS_SNAP_REF_H
#include <stddef.h>
#include <stdint.h>

static inline uint32_t ref_crc_update(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = data;
	uint32_t c = ~crc;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static inline uint32_t ref_crc(const void *data, size_t n) { return ref_crc_update(0, data, n); }

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static inline void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
#endif

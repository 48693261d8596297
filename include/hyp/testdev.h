#ifndef HYP_TESTDEV_H
#define HYP_TESTDEV_H
#include "hyp/mmio.h"
struct testdev {
	uint8_t scratch[256];
	uint32_t last, count;
};
extern const struct mmio_ops testdev_ops;
#endif

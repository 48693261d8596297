#ifndef HYP_PAGE_POOL_H
#define HYP_PAGE_POOL_H
#include "hyp/stage2.h"
/* Stage-2 table pages for every VM, from a fixed pool (the Hyp map is identity). */
extern const struct s2_pool hyp_page_pool;
unsigned page_pool_free(void);
#endif

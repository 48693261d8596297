/* run-guest: --vcpus 2 */
/* vgic_order.c with a second vCPU running beside the first. */
#define ORDER_VCPUS 2
#include "vgic_order.c"

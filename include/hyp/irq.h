#ifndef HYP_IRQ_H
#define HYP_IRQ_H
#include "hyp/vcpu.h"
void irq_handle_exit(struct vcpu *v);
#endif

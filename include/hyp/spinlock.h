#ifndef HYP_SPINLOCK_H
#define HYP_SPINLOCK_H
#include <stdint.h>

/* Ticket lock: fair, and needs exclusives only on the ticket counter. Only usable with
 * the Hyp MMU on (exclusives need Normal memory). */
typedef struct {
	volatile uint16_t owner, next;
} spinlock_t;

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		__asm__ volatile("wfe");
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
	__asm__ volatile("dsb ish\n\tsev" ::: "memory");
}
#endif

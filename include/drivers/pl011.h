#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H
#include <stdint.h>
void pl011_putc(uintptr_t base, char c);
void pl011_puts(uintptr_t base, const char *s);
#endif

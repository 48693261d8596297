/* Instruction-level helpers for trapped guest instructions. Host and target. */
#ifndef HYP_INSN_H
#define HYP_INSN_H

#include <stdbool.h>
#include <stdint.h>

/* Does condition code `cond` (0-15) pass against the flags in `psr`? */
bool insn_cond_passed(uint32_t cond, uint32_t psr);
/* PSR after executing one instruction in a Thumb IT block (ITAdvance()). */
uint32_t insn_it_advance(uint32_t psr);
/* Step over a trapped instruction: returns the next PC, advances ITSTATE in *psr. */
uint32_t insn_skip(uint32_t pc, uint32_t *psr, bool il32);

#endif

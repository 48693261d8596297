/* Skipping trapped instructions the way the CPU would have retired them. */
#include "hyp/insn.h"
#include "arm/psr.h"

bool insn_cond_passed(uint32_t cond, uint32_t psr)
{
	bool n = psr & PSR_N, z = psr & PSR_Z, c = psr & PSR_C, v = psr & PSR_V;
	bool r;

	switch (cond >> 1) {
	case 0: r = z; break;
	case 1: r = c; break;
	case 2: r = n; break;
	case 3: r = v; break;
	case 4: r = c && !z; break;
	case 5: r = n == v; break;
	case 6: r = !z && n == v; break;
	default: return true; /* AL, and 0b1111 which traps only unconditionally */
	}
	return (cond & 1) ? !r : r;
}

uint32_t insn_it_advance(uint32_t psr)
{
	uint32_t it = ((psr >> 8) & 0xfc) | ((psr >> 25) & 3);

	if ((it & 7) == 0)
		it = 0;
	else
		it = (it & 0xe0) | ((it << 1) & 0x1f);
	psr &= ~PSR_IT_MASK;
	return psr | ((it & 0xfc) << 8) | ((it & 3) << 25);
}

uint32_t insn_skip(uint32_t pc, uint32_t *psr, bool il32)
{
	if (*psr & PSR_T)
		*psr = insn_it_advance(*psr);
	return pc + (il32 ? 4 : 2);
}

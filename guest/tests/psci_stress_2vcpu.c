/* run-guest: --vcpus 2 */
/* The PSCI CPU_ON/CPU_OFF stress of psci_stress.c with 2 vCPUs: vCPU 0 alone starts
 * vCPU 1 the moment AFFINITY_INFO says it is off. */
#define STRESS_VCPUS 2
#include "psci_stress.c"

/* The hypervisor's monitor: a line-oriented command console on UART1 (the log's UART),
 * fed by UART1's receive interrupt on CPU 0. docs/monitor.md lists the commands. */
#ifndef HYP_MONITOR_H
#define HYP_MONITOR_H
struct vm;
/* Start listening on UART1 for commands: status covers all nr VMs, the others act on
 * VM 0 (vms[0]). */
void monitor_start(struct vm *vms, unsigned nr);
/* UART1's interrupt arrived (physical INTID UART1_INTID): read and run what came in. */
void monitor_rx(void);
/* Run one command line, printing its answer to the log console. Host-independent. */
void monitor_exec(struct vm *vm, const char *line);
/* For commands: what follows the command's name on its line. */
const char *monitor_args(void);
/* Flush the monitor's UART, give its reader a moment, power the machine off. */
void monitor_power_off(void) __attribute__((noreturn));
/* hyp/monitor_snap.c: the snapshot commands. */
void monitor_snapshot(struct vm *vm);
void monitor_restore(struct vm *vm);
void monitor_suspend(struct vm *vm);
void monitor_resume(struct vm *vm);
void monitor_corrupt(struct vm *vm);
void monitor_snapinfo(struct vm *vm);
void monitor_snapbench(struct vm *vm);
#endif

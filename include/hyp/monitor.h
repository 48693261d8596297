/* The hypervisor's monitor: a line-oriented command console on UART1 (the log's UART),
 * fed by UART1's receive interrupt on CPU 0. docs/monitor.md lists the commands. */
#ifndef HYP_MONITOR_H
#define HYP_MONITOR_H
struct vm;
/* Start listening on UART1 for commands about `vm`. */
void monitor_start(struct vm *vm);
/* UART1's interrupt arrived (physical INTID UART1_INTID): read and run what came in. */
void monitor_rx(void);
/* Run one command line, printing its answer to the log console. Host-independent. */
void monitor_exec(struct vm *vm, const char *line);
#endif

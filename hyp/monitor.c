/* Monitor commands, one table. Reading another CPU's vCPU state here is a snapshot, not
 * a stop: the numbers may move while they print. */
#include <string.h>

#include "arm/sysreg.h"
#include "drivers/pl011.h"
#include "drivers/vexpress_sysreg.h"
#include "gic/gic.h"
#include "gic/vgic.h"
#include "hyp/log.h"
#include "hyp/monitor.h"
#include "hyp/pcpu.h"
#include "hyp/vm.h"

static struct vm *mon_vm;   /* the one the commands act on: VM 0 */
static struct vm *mon_vms;  /* every VM, for status */
static unsigned mon_nr;
static char line[80];
static unsigned len;

static const char *const power_name[] = { "off", "on", "stopping" };

static void status_of(struct vm *vm)
{
	console_printf("VM %u (VMID %u): %u vCPU(s), RAM %#x bytes at IPA %#x (PA %#x), %u interrupt lines, console UART at %#x%s\n",
		       vm->index, vm->vmid, vm->nr_vcpus, vm->ram_size, vm->ram_ipa, vm->ram_pa, vm->vgic.nr_irqs,
		       vm->console_pa, vm->off ? "; powered off" : vm->on_disk ? "; suspended to its snapshot disk" : "");
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];
		const struct vcpu_stats *s = &v->stats;
		uint64_t now = read_CNTPCT(), ran = v->run_ticks + (v->running ? now - v->run_since : 0);
		uint64_t life = now - vm->created_at, ms = ran / (read_CNTFRQ() / 1000);

		console_printf("  vcpu%u: %s%s on cpu%u; exits %u: hvc %u mmio %u wfi %u irq %u "
			       "maintenance %u sysreg %u; injected dabt %u pabt %u undef %u; timer irqs %u+%u; "
			       "cpu time %u ms (%u%% of the VM's life) in %u turn%s\n",
			       i, power_name[v->power % 3],
			       v->power == VCPU_ON && vm->pause_req ? ", paused" :
			       v->running ? ", running" : v->blocked ? ", blocked" : "",
			       v->pcpu, s->exits, s->hvc, s->mmio, s->wfi, s->irq, s->maintenance, s->sysreg,
			       s->dabt_injected, s->pabt_injected, s->undef_injected, s->vtimer_irqs, s->ptimer_irqs,
			       (unsigned)ms, life ? (unsigned)(ran * 100 / life) : 0, v->turns, v->turns == 1 ? "" : "s");
		/* A maintenance storm, or conditions the entry guard had to drop (gic/vgic_guard.c). */
		if (v->storm.run >= 100 || v->storm.dropped)
			console_printf("    maintenance: %u in a row at PC %08x (GICH_MISR %#x); conditions dropped at entry: %u\n",
				       v->storm.run, v->storm.pc, v->storm.misr, v->storm.dropped);
	}
}

/* Every VM: the others run beside the one the commands act on. */
static void cmd_status(struct vm *vm)
{
	if (!mon_nr) {
		status_of(vm);
		return;
	}
	for (unsigned i = 0; i < mon_nr; i++)
		status_of(&mon_vms[i]);
}

static void print_irq(unsigned intid, const struct vgic_irq *irq)
{
	console_printf("    %4u: %s%s%s%s%s prio %#04x%s%s", intid, irq->enabled ? "enabled" : "disabled",
		       vgic_irq_pending(irq) ? " pending" : "", irq->active ? " active" : "",
		       irq->line_level ? " line-high" : "", irq->edge ? " edge" : " level", irq->priority,
		       irq->hw ? " hw" : "", irq->group1 ? " group1" : "");
	if (intid < 16 && irq->sgi_sources)
		console_printf(" sources %#x", irq->sgi_sources);
	if (intid >= 32)
		console_printf(" targets %#x", irq->targets);
	if (irq->lr_vcpu >= 0)
		console_printf(" in-LR-of-vcpu%d", irq->lr_vcpu);
	console_printf("\n");
}

/* Every vCPU's list registers as last written, and every interrupt that is not idle. */
static void cmd_irqs(struct vm *vm)
{
	vgic_lock(vm);
	console_printf("GICD_CTLR: group0 %s, group1 %s\n", vm->vgic.enable_grp0 ? "on" : "off",
		       vm->vgic.enable_grp1 ? "on" : "off");
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *v = &vm->vcpus[i];
		console_printf("  vcpu%u: %u LR(s) in use%s, HCR %08x, VMCR %08x (saved), APR %08x (saved)\n", i,
			       v->lrs.used, v->lrs.dirty ? ", refill due" : "", v->lrs.hcr, v->ctx.irq.vmcr,
			       v->ctx.irq.apr);
		for (unsigned l = 0; l < v->lrs.used; l++)
			console_printf("    LR%u %08x: INTID %u state %u prio %#x%s\n", l, v->lrs.lr[l],
				       v->lrs.lr[l] & GICH_LR_VIRTUAL_ID_MASK, (v->lrs.lr[l] >> 28) & 3,
				       (v->lrs.lr[l] >> 23 & 0x1f) << 3, v->lrs.lr[l] & GICH_LR_HW ? " hw" : "");
		/* SGIs are always enabled: list them only when something is going on. */
		for (unsigned id = 0; id < VGIC_NR_PRIVATE; id++)
			if (vgic_irq_busy(&vm->vgic.priv[i][id]) || (id >= 16 && vm->vgic.priv[i][id].enabled))
				print_irq(id, &vm->vgic.priv[i][id]);
	}
	console_printf("  shared (SPIs):\n");
	for (unsigned id = VGIC_NR_PRIVATE; id < vm->vgic.nr_irqs; id++) {
		const struct vgic_irq *irq = &vm->vgic.spi[id - VGIC_NR_PRIVATE];
		if (vgic_irq_busy(irq) || irq->enabled)
			print_irq(id, irq);
	}
	vgic_unlock(vm);
}

static struct vcpu *current_vcpu(void) { return this_pcpu()->vcpu; }

static void cmd_pause(struct vm *vm)
{
	int r;

	if (vm->pause_req) {
		console_printf("error: already paused\n");
		return;
	}
	r = vm_pause(vm, current_vcpu());
	if (r)
		console_printf("error: a vCPU did not stop (%d); the VM runs on\n", r);
	else
		console_printf("ok paused\n");
}

static void cmd_continue(struct vm *vm)
{
	if (!vm->pause_req) {
		console_printf("error: not paused\n");
		return;
	}
	vm_continue(vm);
	console_printf("ok running\n");
}

void monitor_power_off(void)
{
	uint64_t t0;

	pl011_flush(UART1_PA); /* or the last line may not make it out before QEMU exits */
	/* And a moment for whoever reads the other end: a pty's reader loses what it has
	 * not read yet when QEMU exits and the pty hangs up. */
	t0 = read_CNTPCT();
	while (counter_ms_since(t0) < 100)
		;
	vexpress_power_off();
}

static void cmd_quit(struct vm *vm)
{
	(void)vm;
	console_printf("monitor: quit: powering the machine off\n");
	monitor_power_off();
}

static void cmd_log(struct vm *vm);
static void cmd_help(struct vm *vm);

/* VM_ARG: the command takes an optional VM number (default VM 0, run-guest's --vm count).
 * LIVE: it would run or rewrite the VM, which a VM powered off for good refuses. AWAKE: it
 * would run the VM without its disk's word, which a VM resting on its snapshot disk
 * refuses (only `resume` brings that one back). */
enum { VM_ARG = 1, LIVE = 2, AWAKE = 4 };
static const struct {
	const char *name, *help;
	void (*fn)(struct vm *vm);
	unsigned flags;
} commands[] = {
	{ "help", "this list", cmd_help, 0 },
	{ "status", "every VM and vCPU: power, where they run, CPU time, exit counters", cmd_status, 0 },
	{ "irqs", "[VM] each vCPU's list registers and every interrupt that is not idle", cmd_irqs, VM_ARG },
	{ "pause", "[VM] stop every vCPU of the VM (its virtual counter stops too)", cmd_pause, VM_ARG | LIVE },
	{ "continue", "[VM] let a paused VM run on", cmd_continue, VM_ARG | LIVE | AWAKE },
	{ "snapshot", "[VM] take a snapshot in memory; the VM runs on", monitor_snapshot, VM_ARG | LIVE },
	{ "restore", "[VM] put the VM back to its last snapshot and run on from there", monitor_restore, VM_ARG | LIVE | AWAKE },
	{ "suspend", "[VM] take a snapshot and leave the VM stopped", monitor_suspend, VM_ARG | LIVE | AWAKE },
	{ "resume", "[VM] run a suspended VM on from its snapshot (the restore path)", monitor_resume, VM_ARG | LIVE },
	{ "snapinfo", "[VM] the last snapshot's sections: type, offset, size", monitor_snapinfo, VM_ARG },
	{ "snapbench", "time a snapshot, a restore and a memcpy of guest RAM (make bench)", monitor_snapbench, LIVE },
	{ "corrupt", "OFFSET BIT, or len N: damage the snapshot in memory (for tests)", monitor_corrupt, 0 },
	{ "debug", "log level DEBUG (\"info\" goes back)", cmd_log, 0 },
	{ "info", "log level INFO", cmd_log, 0 },
	{ "quit", "power the machine off (QEMU exits)", cmd_quit, 0 },
};

static const char *current;

static void cmd_log(struct vm *vm)
{
	(void)vm;
	log_threshold = strncmp(current, "debug", 5) ? LOG_INFO : LOG_DEBUG;
	console_printf("monitor: log level %s\n", current);
}

static void cmd_help(struct vm *vm)
{
	(void)vm;
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		console_printf("  %-9s %s\n", commands[i].name, commands[i].help);
}

const char *monitor_args(void)
{
	const char *p = current;

	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

void monitor_exec(struct vm *vm, const char *cmd)
{
	size_t n;

	while (*cmd == ' ')
		cmd++;
	if (!*cmd)
		return;
	for (n = 0; cmd[n] && cmd[n] != ' ';)
		n++;
	for (unsigned i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strlen(commands[i].name) == n && !strncmp(cmd, commands[i].name, n)) {
			current = cmd;
			if ((commands[i].flags & VM_ARG) && *monitor_args()) {
				const char *a = monitor_args();
				unsigned k = (unsigned)(*a - '0');
				if (a[1] || k >= (mon_nr ? mon_nr : 1)) {
					console_printf("error: no VM '%s' (VMs 0 to %u)\n", a, mon_nr ? mon_nr - 1 : 0);
					return;
				}
				if (mon_nr)
					vm = &mon_vms[k];
			}
			if ((commands[i].flags & LIVE) && vm->off) {
				/* Its vCPUs are gone for good, and it no longer counts among the
				 * running VMs: a snapshot of it would be of nothing. */
				console_printf("error: VM %u has powered off\n", vm->index);
				return;
			}
			if ((commands[i].flags & AWAKE) && vm->on_disk) {
				console_printf("error: VM %u is suspended to its snapshot disk: 'resume %u' brings it back\n",
					       vm->index, vm->index);
				return;
			}
			commands[i].fn(vm);
			return;
		}
	}
	console_printf("monitor: unknown command '%s' (try 'help')\n", cmd);
}

void monitor_rx(void)
{
	int c;

	while ((c = pl011_getc(UART1_PA)) >= 0) {
		if (c == '\r' || c == '\n') {
			line[len] = 0;
			if (mon_vm)
				monitor_exec(mon_vm, line);
			len = 0;
			console_printf("hyp> ");
		} else if (len + 1 < sizeof(line) && c >= ' ' && c < 0x7f) {
			line[len++] = (char)c;
		}
	}
}

void monitor_start(struct vm *vms, unsigned nr)
{
	mon_vm = &vms[0];
	mon_vms = vms;
	mon_nr = nr;
	pl011_enable_rx_irq(UART1_PA);
	gic_route_spi(UART1_INTID, 0);
	/* Above everything else the hypervisor takes (gic/vgic_hw.c): the monitor answers
	 * even while a vCPU keeps its CPU busy with interrupts. */
	gic_set_priority(UART1_INTID, 0x40);
	gic_enable_irq(UART1_INTID);
	console_printf("hyp monitor: type 'help'\nhyp> ");
}

#!/bin/sh
# In-guest checks of the Linux guest under the hypervisor: one PASS:/FAIL: line each, in
# the format scripts/run-tests.sh counts, then DONE and a PSCI power-off.
pass() { echo "PASS: linux/$1"; }
fail() { echo "FAIL: linux/$1: $2"; }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "$*"; fi; }

want=$(sed -n 's/.* hypcpus=\([0-9]*\).*/\1/p' /proc/cmdline)
cpus=$(grep -c ^processor /proc/cpuinfo)
check "cpuinfo-shows-$want-cpus" [ "$cpus" = "$want" ]
check "all-cpus-online" [ "$(cat /sys/devices/system/cpu/online)" = "0-$((want - 1))" -o "$want" = 1 ]

# Per-CPU interrupt counts of the arch timer (virtual timer, PPI 27) and of IPIs.
irqs_of() { grep "$1" /proc/interrupts | head -1; }
timer_line=$(irqs_of 'arch_timer')
nonzero_on_all() { # line: count each CPU column
	echo "$1" | awk -v n="$want" '{ ok = 1; for (i = 2; i < 2 + n; i++) if ($i + 0 == 0) ok = 0; exit !ok }'
}
check "virtual-timer-ticks-on-every-cpu" nonzero_on_all "$timer_line"
# Sleeping needs timer interrupts that keep coming: on each CPU, sleep and wake.
t0=$(cut -d. -f1 /proc/uptime)
for c in $(seq 0 $((want - 1))); do taskset -c "$c" sleep 1 & done
wait
t1=$(cut -d. -f1 /proc/uptime)
check "sleep-wakes-on-every-cpu" [ $((t1 - t0)) -ge 1 ]
ticks0=$(irqs_of 'arch_timer' | awk '{ print $2 }')
check "timer-ticks-accumulate" [ "${ticks0:-0}" -ge 20 ]
if [ "$want" -gt 1 ]; then
	# Make some IPIs: run work on each CPU.
	for c in $(seq 0 $((want - 1))); do taskset -c "$c" true 2>/dev/null; done
	ipi_line=$(grep -E '^ *IPI[0-9]+:' /proc/interrupts | awk '{ s = 0; for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i } s > 0' | head -1)
	resched=$(grep -E 'Rescheduling|Function call' /proc/interrupts | awk -v n="$want" '{ for (i = 2; i < 2 + n; i++) if ($i + 0 > 0) c[i]++ } END { ok = 1; for (i = 2; i < 2 + n; i++) if (!c[i]) ok = 0; exit !ok }'; echo $?)
	check "ipis-counted-on-every-cpu" [ "$resched" = 0 ]
fi

# A parallel workload: one busy job per CPU, all must finish with the right answer.
work() { i=0; s=0; while [ $i -lt 20000 ]; do s=$((s + i)); i=$((i + 1)); done; echo $s; }
for c in $(seq 1 "$want"); do (work >/tmp/work.$c) & done
wait
ok=1
for c in $(seq 1 "$want"); do [ "$(cat /tmp/work.$c)" = 199990000 ] || ok=0; done
check "parallel-workload-completes" [ $ok = 1 ]

grep -q 'psci' /proc/device-tree/psci/compatible 2>/dev/null && pass "psci-in-device-tree" || fail "psci-in-device-tree" "no /psci node"
echo "DONE linux"
poweroff -f

#!/bin/sh
# Snapshots of a running Linux guest, driven from inside it (scripts/run-guest-driven
# runs the "@host ..." lines on the hypervisor's monitor and types the answer here):
# a counting workload on every CPU must go on across suspend/resume and across a restore
# to an earlier snapshot, with no line lost or repeated, timer ticks and IPIs counting on
# every CPU, and console input still arriving. One PASS:/FAIL: line each, then power-off.
pass() { echo "PASS: linux/$1"; }
fail() { echo "FAIL: linux/$1: $2"; }
check() { name=$1; shift; if "$@"; then pass "$name"; else fail "$name" "$*"; fi; }
host() { echo "@host $*"; read -r reply; }

cpus=$(grep -c ^processor /proc/cpuinfo)
last() { tail -n 1 "/tmp/count.$1" 2>/dev/null || echo 0; }
# Each file must hold 1, 2, 3, ... with nothing missing and nothing twice.
consecutive() { awk '$1 != NR { bad = 1 } END { exit bad || NR == 0 }' "/tmp/count.$1"; }
all_consecutive() { for c in $(seq 0 $((cpus - 1))); do consecutive "$c" || return 1; done; }
# Progress: every counter moved past the value given for it ("c0 c1 ...").
all_moved_past() { i=0; for v in $1; do [ "$(last $i)" -gt "$v" ] || return 1; i=$((i + 1)); done; }
all_at_least() { i=0; for v in $1; do [ "$(last $i)" -ge "$v" ] || return 1; i=$((i + 1)); done; }
snapshot_of_counts() { for c in $(seq 0 $((cpus - 1))); do printf '%s ' "$(last "$c")"; done; }
# Timer ticks and IPIs of every CPU: one line of numbers, "t0 t1 ... i0 i1 ...".
irq_counts() {
	grep arch_timer /proc/interrupts | head -1 | awk -v n="$cpus" '{ for (i = 2; i < 2 + n; i++) printf "%s ", $i }'
	grep -E 'Rescheduling|Function call' /proc/interrupts | awk -v n="$cpus" '{ for (i = 2; i < 2 + n; i++) s[i] += $i } END { for (i = 2; i < 2 + n; i++) printf "%s ", s[i] }'
}
all_grew() { # before after: every number grew
	set -- $1 -- $2
	a=""; while [ "$1" != -- ]; do a="$a $1"; shift; done; shift
	for x in $a; do [ "$1" -gt "$x" ] || return 1; shift; done
}
make_ipis() { for c in $(seq 0 $((cpus - 1))); do taskset -c "$c" true; done; }
# The VM stopped and went on: $1 names the round, $2 what the host does, $3 its answer.
# The workload goes on from where it was, nothing lost or repeated, every CPU ticking.
stop_and_go_on() {
	counts=$(snapshot_of_counts)
	irqs=$(irq_counts)
	host "$2"
	check "$1-answered" [ "$reply" = "$3" ]
	sleep 1
	make_ipis
	check "workload-goes-on-after-$1" all_moved_past "$counts"
	check "no-line-lost-or-repeated-after-$1" all_consecutive
	check "ticks-and-ipis-on-every-cpu-after-$1" all_grew "$irqs" "$(irq_counts)"
}

for c in $(seq 0 $((cpus - 1))); do
	taskset -c "$c" sh -c "i=0; while :; do i=\$((i + 1)); echo \$i >> /tmp/count.$c; usleep 20000; done" &
done
sleep 1

case " $(cat /proc/cmdline) " in
*" hypdisk "*)
	# Suspended to the snapshot disk, QEMU off, resumed by a new QEMU: twice.
	for round in 1 2; do
		stop_and_go_on "disk-resume-$round" "monitor suspend; resume-from-disk" "resume-from-disk ok"
	done
	echo "DONE linux"
	poweroff -f
	;;
*" hypvmdisk "*)
	# VM 0 of several, with a snapshot disk of its own: suspended to it while the other
	# VMs run on, and read back from it by the monitor's resume, twice. The other VM (a
	# shell) never powers off by itself: the host ends the run.
	for round in 1 2; do
		stop_and_go_on "vm-disk-resume-$round" "monitor suspend 0; sleep 1000; monitor resume 0" "resume ok"
	done
	echo "DONE linux"
	echo "@host monitor quit"
	sleep 30
	;;
*" hypvmsdisk "*)
	# VM 0 of two, each with a snapshot disk: the other VM to its disk, then this one,
	# the last running, so QEMU powers off; a new QEMU resumes both from their disks.
	stop_and_go_on "vms-disk-resume-in-a-new-qemu" "monitor suspend 1; monitor suspend 0; resume-from-disk" \
		"resume-from-disk ok"
	echo "DONE linux"
	echo "@host monitor quit"
	sleep 30
	;;
*" hypmem "*|*" hypmemdisk "*)
	# Linux's own suspend to RAM, through PSCI SYSTEM_SUSPEND, the console's UART a wake-up
	# source (its interrupt wakes the VM); the host types a line 2 s later. With a
	# snapshot disk (hypmemdisk) the VM goes there, QEMU powers off, and a new QEMU with
	# --resume wakes it.
	echo enabled >/sys/class/tty/ttyAMA0/power/wakeup 2>/dev/null
	ok0=$(cat /sys/power/suspend_stats/success 2>/dev/null || echo 0)
	counts=$(snapshot_of_counts)
	case " $(cat /proc/cmdline) " in
	*" hypmemdisk "*) echo "@host resume-from-disk"; want="resume-from-disk ok" ;;
	*) echo "@host sleep 2000"; want="none ok" ;;
	esac
	echo mem >/sys/power/state
	read -r reply
	check "suspend-to-ram-through-psci-succeeded" [ "$(cat /sys/power/suspend_stats/success)" -gt "$ok0" ]
	check "console-input-after-wake" [ "$reply" = "$want" ]
	check "all-cpus-back-online" [ "$(cat /sys/devices/system/cpu/online)" = "0-$((cpus - 1))" ]
	sleep 1
	make_ipis
	check "workload-goes-on-after-wake" all_moved_past "$counts"
	check "no-line-lost-or-repeated-after-wake" all_consecutive
	echo "DONE linux"
	poweroff -f
	;;
esac
# Suspend and resume: a snapshot, the VM stopped a second, then run on from it.
stop_and_go_on resume "monitor suspend; sleep 1000; monitor resume" "resume ok"

# A snapshot, more work, then back to that snapshot.
before=$(snapshot_of_counts)
host monitor snapshot
case "$reply" in
"snapshot ok")
	pass "snapshot-taken"
	sleep 2
	echo "snaptest: counts before the restore: $(snapshot_of_counts)"
	host monitor restore
	fail "restore-goes-back" "still here after the restore (reply '$reply')"
	;;
"restore ok")
	pass "restore-goes-back"
	irqs=$(irq_counts)
	counts=$(snapshot_of_counts)
	echo "snaptest: counts after the restore: $counts"
	sleep 1
	make_ipis
	check "workload-goes-on-after-restore" all_moved_past "$counts"
	check "no-line-lost-or-repeated-after-restore" all_consecutive
	check "counts-are-the-snapshots" all_at_least "$before"
	check "ticks-and-ipis-on-every-cpu-after-restore" all_grew "$irqs" "$(irq_counts)"
	;;
*)
	fail "snapshot-taken" "host replied '$reply'"
	;;
esac
echo "DONE linux"
poweroff -f

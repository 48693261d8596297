#!/usr/bin/env bash
# Every test: host unit tests (ASan/UBSan), guest tests under the hypervisor in QEMU,
# and whole-system checks. Each test is one `PASS: name` or `FAIL: name: why` line;
# the last line is `N passed, N failed`. Exit status 1 if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
B="$top/build"
cd "$top"
logs="$B/test-logs"
mkdir -p "$logs"
GUEST_TIMEOUT=${GUEST_TIMEOUT:-60}
. "$here/layout.sh"

passed=0 failed=0
failures=()

# Count the PASS/FAIL lines of one test program's output; echo them as they are.
tally() {
	local line
	while IFS= read -r line; do
		line=${line%$'\r'}
		case "$line" in
		PASS:*) passed=$((passed + 1)); echo "$line" ;;
		FAIL:*) failed=$((failed + 1)); failures+=("$line"); echo "$line" ;;
		esac
	done
}
fail() { failed=$((failed + 1)); failures+=("FAIL: $*"); echo "FAIL: $*"; }
pass() { passed=$((passed + 1)); echo "PASS: $*"; }

echo "== host unit tests"
for t in "$B"/host/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$logs/$name.log" 2>&1
	rc=$?
	tally <"$logs/$name.log"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL:' "$logs/$name.log"; then
		fail "host/$name: exited $rc without a FAIL line (crash or sanitizer report, see $logs/$name.log)"
		tail -20 "$logs/$name.log"
	fi
done

echo "== guest tests (QEMU vexpress-a15, under the hypervisor)"
# Snapshot disks of earlier runs would hold snapshots these runs never took.
rm -f "$logs"/*.img
# One guest test program: $1 its name (guest/tests/NAME.c), $2 the label its checks are
# counted under (NAME, or secure-NAME for the run from Secure SVC), then further runner
# options.
guest_suite() {
	local name=$1 label=$2 src="$top/guest/tests/$1.c" bin="$B/guest/tests/$1.bin" log
	shift 2
	log="$logs/guest-$label.log"
	# A test may ask for runner options with a line `/* run-guest: ARGS */` (shell words,
	# paths relative to the top of the tree).
	eval "args=($(sed -n 's|^/\* run-guest: \(.*\) \*/$|\1|p' "$src" | head -1))"
	# --driven: the guest drives the host (snapshots) through scripts/run-guest-driven.
	runner="$here/run-guest"
	for i in "${!args[@]}"; do
		[ "${args[$i]}" = --driven ] && { runner="$here/run-guest-driven"; unset 'args[i]'; }
	done
	"$runner" --kernel "$bin" --timeout "$GUEST_TIMEOUT" "${args[@]}" "$@" </dev/null >"$log" 2>&1
	rc=$?
	tally < <(tr -d '\r' <"$log" | sed -E "s#^(PASS|FAIL): $name/#\\1: $label/#")
	if ! grep -q "^DONE $name" <(tr -d '\r' <"$log"); then
		case $rc in
		124) why="timed out after ${GUEST_TIMEOUT}s" ;;
		3) why="hypervisor panic or refusal" ;;
		*) why="exited $rc" ;;
		esac
		fail "guest/$label: did not finish ($why); last lines of $log:"
		tail -8 "$log" | sed 's/^/    /'
	elif [ $rc -ne 0 ]; then
		fail "guest/$label: QEMU exited $rc after DONE (expected a clean PSCI SYSTEM_OFF)"
	fi
}
for bin in "$B"/guest/tests/*.bin; do
	[ -f "$bin" ] || continue
	guest_suite "$(basename "$bin" .bin)" "$(basename "$bin" .bin)"
done
# Entered from Secure SVC (QEMU secure=on, the TC2's firmware path): boot/secure.S sets up
# the Secure world and enters Non-secure Hyp; the suites that depend on how the machine
# started run again that way. SMC then reaches the hypervisor, and hvc and psci check
# the SMC conduit (each run must have taken its own branch: checked below).
for name in boot hvc psci psci_stress_2vcpu smp_gic vgic_irq timer reset; do
	guest_suite "$name" "secure-$name" --secure
done
# More vCPUs than physical CPUs: the SMP suites again with every vCPU on one CPU, which
# the hypervisor time-slices (hyp/sched.c; guest test sched checks the slicing itself).
for name in psci smp_gic psci_stress_2vcpu vgic_order_2vcpu snapshot_vgic_smp; do
	guest_suite "$name" "shared-$name" --smp 1
done
# Several VMs at once: $1 names the run, the runner's options follow; VM 1's console must
# go to $logs/$1-vm1.log (--console file:...). Both VMs' checks are counted (NAME/vm0-...,
# NAME/vm1-...), each must say DONE, and QEMU must exit 0 once both powered off.
multi_vm() {
	local name=$1 log="$logs/$1.log" vm1="$logs/$1-vm1.log" k f
	shift
	rm -f "$vm1"
	"$here/run-guest" --timeout "$GUEST_TIMEOUT" "$@" </dev/null >"$log" 2>&1
	rc=$?
	tally < <(tr -d '\r' <"$log" | sed -E "s#^(PASS|FAIL): #\\1: $name/vm0-#")
	tally < <(tr -d '\r' <"$vm1" 2>/dev/null | sed -E "s#^(PASS|FAIL): #\\1: $name/vm1-#")
	for k in 0 1; do
		f=$log
		[ $k = 0 ] || f=$vm1
		if ! grep -q "^DONE" <(tr -d '\r' <"$f" 2>/dev/null); then
			fail "$name/vm$k: did not finish (exit $rc); last lines of $f:"
			tail -5 "$f" 2>/dev/null | sed 's/^/    /'
			return 1
		fi
	done
	if [ $rc -eq 0 ]; then
		pass "$name/qemu-exits-0-once-both-vms-powered-off"
	else
		fail "$name/qemu-exits-0-once-both-vms-powered-off: QEMU exited $rc"
	fi
}
G="$B/guest/tests"
# Two VMs of the SMP suites side by side: 5 vCPUs on 2 CPUs.
multi_vm multi-vm-suites --kernel "$G/smp_gic.bin" --vcpus 2 --smp 2 \
	--vm --kernel "$G/psci.bin" --vcpus 3 --console "file:$logs/multi-vm-suites-vm1.log"
# Each VM's console, the other UARTs and RAM beyond its own: two VMs checking at once.
multi_vm multi-vm-isolation --kernel "$G/vm_isolation.bin" \
	--vm --kernel "$G/vm_isolation.bin" --console "file:$logs/multi-vm-isolation-vm1.log"
# PSCI SYSTEM_RESET of one VM among several restarts it alone from copies of its images:
# both VMs reset themselves (guest test reset: image reloaded, secondaries off), each
# on its own, and both finish.
multi_vm multi-vm-reset --kernel "$G/reset.bin" --vcpus 2 --smp 2 \
	--vm --kernel "$G/reset.bin" --vcpus 2 --console "file:$logs/multi-vm-reset-vm1.log"
if grep -q "VM 1: PSCI SYSTEM_RESET by vcpu0: restarted from its images" "$logs/multi-vm-reset.log"; then
	pass "multi-vm-reset/vm1-reset-alone-while-vm0-ran-on"
else
	fail "multi-vm-reset/vm1-reset-alone-while-vm0-ran-on: no such line in $logs/multi-vm-reset.log"
fi
# Fair shares: two compute-bound VMs on one CPU for 10 s of their time (-icount: the
# figures do not depend on the host), each must get within 10 percent of the other.
"$here/run-guest" --kernel "$B/guest/bench/compute10.bin" --vm --kernel "$B/guest/bench/compute10.bin" \
	--console "file:$logs/fair-share-vm1.log" --smp 1 --icount --timeout 120 </dev/null >"$logs/fair-share.log" 2>&1
rc=$?
r0=$(tr -d '\r' <"$logs/fair-share.log" | awk '$1 == "COMPUTE" { print $6 }')
r1=$(tr -d '\r' <"$logs/fair-share-vm1.log" 2>/dev/null | awk '$1 == "COMPUTE" { print $6 }')
if [ $rc -eq 0 ] && [ -n "$r0" ] && [ -n "$r1" ] &&
	awk -v a="$r0" -v b="$r1" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && b > 0 && d * 10 <= (a < b ? a : b)) }'; then
	pass "multi-vm/two-busy-vms-on-one-cpu-share-it-within-10-percent"
else
	fail "multi-vm/two-busy-vms-on-one-cpu-share-it-within-10-percent: rc=$rc, rounds '$r0' and '$r1' (see $logs/fair-share.log)"
fi
smc_branch() { # LOG TEST: the test ran and passed in that log
	if grep -q "^PASS: $2\$" <(tr -d '\r' <"$logs/guest-$1.log"); then
		pass "guest/$1-took-$2"
	else
		fail "guest/$1-took-$2: no 'PASS: $2' in $logs/guest-$1.log"
	fi
}
smc_branch hvc hvc/smc-undefined-without-security-extensions
smc_branch secure-hvc hvc/smc-trapped-and-served-with-security-extensions
smc_branch secure-psci psci/smc-conduit-cpu-on-affinity-off

echo "== Linux guest (Debian armhf kernel + busybox initramfs, under the hypervisor)"
LINUX_TIMEOUT=${LINUX_TIMEOUT:-300}
# One Linux run: $1 the name its checks are counted under (NAME/...; log NAME.log), then
# the runner and its options. Sets rc; says why and returns 1 if Linux did not finish.
linux_run() {
	local name=$1
	shift
	log="$logs/$name.log"
	"$@" --kernel "${linux_kernel:-$B/linux/zImage}" --initrd "$B/linux/initramfs.cpio.gz" --timeout "$LINUX_TIMEOUT" \
		</dev/null >"$log" 2>&1
	rc=$?
	tally < <(tr -d '\r' <"$log" | sed -E "s#^(PASS|FAIL): linux/#\\1: $name/#")
	if ! grep -q "^DONE linux" <(tr -d '\r' <"$log"); then
		fail "$name: did not finish (exit $rc); last lines of $log:"
		tail -8 "$log" | sed 's/^/    /'
		return 1
	fi
}
# Several VMs, VM 0 a Linux guest driven through scripts/run-guest-driven: $1 names the
# run, every VM's options follow (kernels included). VM 0's checks are counted (NAME/...),
# it must say DONE, and QEMU must exit 0. Sets log and rc.
linux_vms() {
	local name=$1
	shift
	log="$logs/$name.log"
	"$here/run-guest-driven" "$@" --timeout "$LINUX_TIMEOUT" </dev/null >"$log" 2>&1
	rc=$?
	tally < <(tr -d '\r' <"$log" | sed -E "s#^(PASS|FAIL): linux/#\\1: $name/#")
	if grep -q "^DONE linux" <(tr -d '\r' <"$log") && [ $rc -eq 0 ]; then
		pass "$name/vm0-finished-qemu-exits-0"
	else
		fail "$name/vm0-finished-qemu-exits-0: exit $rc; see $log"
	fi
}
# Linux to its shell and the in-guest checks (guest/linux/hyptest.sh) on $2 vCPUs, then a
# clean power-off; further options for the runner after them.
linux_boot() {
	local name=$1 n=$2
	shift 2
	linux_run "$name" "$here/run-guest" --append "console=ttyAMA0 hyptest hypcpus=$n" \
		--vcpus "$n" --mem 256M "$@" || return
	if [ $rc -eq 0 ]; then
		pass "$name/powers-off-through-psci-qemu-exits-0"
	else
		fail "$name/powers-off-through-psci-qemu-exits-0: QEMU exited $rc"
	fi
}
if "$here/fetch-linux.sh" >"$logs/fetch-linux.log" 2>&1; then
	for n in 2 1; do
		linux_boot "linux-${n}vcpu" "$n"
	done
	# Both Debian kernels (armmp; armmp-lpae, with LPAE page tables) on the boards' own
	# device trees as the kernel package ships them (TC2, TC1), which scripts/dtb-fixup
	# makes the VM's; and the LPAE kernel on the guest platform's tree.
	for kernel in armmp lpae; do
		linux_kernel="$B/linux/zImage"
		[ $kernel = armmp ] || linux_kernel="$B/linux/zImage-$kernel"
		for board in tc2:vexpress-v2p-ca15_a7 tc1:vexpress-v2p-ca15-tc1; do
			for n in 1 2; do
				linux_boot "linux-${board%%:*}-$kernel-${n}vcpu" "$n" --dtb "$B/linux/dtbs/${board#*:}.dtb"
			done
		done
	done
	linux_boot linux-lpae-2vcpu 2
	linux_kernel=
	# Four vCPUs on two CPUs (time-sliced): Linux to its checks, and its snapshots.
	linux_boot linux-4vcpu-on-2cpus 4 --smp 2
	linux_kernel="$B/linux/zImage-lpae"
	linux_boot linux-tc2-lpae-4vcpu-on-2cpus 4 --smp 2 --dtb "$B/linux/dtbs/vexpress-v2p-ca15_a7.dtb"
	linux_kernel=
	if linux_run linux-snapshot-4vcpu-on-2cpus "$here/run-guest-driven" --append "console=ttyAMA0 hypsnap" \
		--vcpus 4 --smp 2 --mem 256M; then
		[ $rc -eq 0 ] && pass "linux-snapshot-4vcpu-on-2cpus/powers-off-cleanly" ||
			fail "linux-snapshot-4vcpu-on-2cpus/powers-off-cleanly: exit $rc"
	fi
	# Two Linux VMs at once, 2 vCPUs each on 2 CPUs, each on its own console; and a hostile
	# guest beside a Linux guest, whose checks must pass all the same.
	L=(--initrd "$B/linux/initramfs.cpio.gz" --mem 256M --append "console=ttyAMA0 hyptest hypcpus=2" --vcpus 2)
	multi_vm multi-vm-linux --kernel "$B/linux/zImage" "${L[@]}" --smp 2 \
		--vm --kernel "$B/linux/zImage" "${L[@]}" --console "file:$logs/multi-vm-linux-vm1.log" \
		--timeout "$LINUX_TIMEOUT"
	multi_vm multi-vm-linux-beside-hostile --kernel "$B/linux/zImage" "${L[@]}" --smp 2 \
		--vm --kernel "$G/hostile.bin" --console "file:$logs/multi-vm-linux-beside-hostile-vm1.log" \
		--timeout "$LINUX_TIMEOUT"
	# VM 0 of two Linux VMs suspended to its own snapshot disk and read back by the
	# monitor's resume, twice, its workload going on each time with nothing lost, while
	# VM 1 (its shell) boots and runs on (guest/linux/snaptest.sh, hypvmdisk).
	name=multi-vm-linux-disk
	rm -f "$logs/$name.img"
	linux_vms "$name" --kernel "$B/linux/zImage" --initrd "$B/linux/initramfs.cpio.gz" --mem 256M \
		--append "console=ttyAMA0 hypvmdisk" --vcpus 2 --snapshot-disk "$logs/$name.img" --smp 2 \
		--vm --kernel "$B/linux/zImage" --initrd "$B/linux/initramfs.cpio.gz" --mem 256M \
		--append "console=ttyAMA0" --vcpus 2 --console "file:$logs/$name-vm1.log"
	# Its disk holds both suspends; VM 1 got to its shell meanwhile.
	"$here/snapshot" list "$logs/$name.img" >"$logs/$name.list" 2>&1
	if grep -q "generation 2, .*(current)" "$logs/$name.list" &&
		grep -q "resumed from the snapshot disk" <(tr -d '\r' <"$log"); then
		pass "$name/vm0-suspended-to-its-disk-and-read-back-twice"
	else
		fail "$name/vm0-suspended-to-its-disk-and-read-back-twice: see $logs/$name.list and $log"
	fi
	if grep -q "hyp-linux: busybox shell" <(tr -d '\r' <"$logs/$name-vm1.log" 2>/dev/null); then
		pass "$name/vm1-boots-to-its-shell-beside-it"
	else
		fail "$name/vm1-boots-to-its-shell-beside-it: see $logs/$name-vm1.log"
	fi
	rm -f "$logs/$name.img"
	# Both VMs to their own disks (VM 1, a bare-metal guest, then VM 0, the last running:
	# QEMU powers off), and a new QEMU resuming both: VM 0's Linux workload goes on with
	# nothing lost (guest/linux/snaptest.sh, hypvmsdisk).
	name=multi-vm-linux-disks-new-qemu
	rm -f "$logs/$name"-[01].img
	linux_vms "$name" --kernel "$B/linux/zImage" --initrd "$B/linux/initramfs.cpio.gz" --mem 256M \
		--append "console=ttyAMA0 hypvmsdisk" --vcpus 2 --snapshot-disk "$logs/$name-0.img" --smp 2 \
		--vm --kernel "$B/guest/selftest/idle.bin" --mem 32M --snapshot-disk "$logs/$name-1.img" \
		--console "file:$logs/$name-vm1.log"
	if grep -q "hyp: VM 0: resuming the snapshot" <(tr -d '\r' <"$log") &&
		grep -q "hyp: VM 1: resuming the snapshot" <(tr -d '\r' <"$log"); then
		pass "$name/both-vms-resumed-from-their-disks"
	else
		fail "$name/both-vms-resumed-from-their-disks: see $log"
	fi
	rm -f "$logs/$name"-[01].img
	# Entered from Secure SVC (QEMU secure=on): on the guest platform's tree, and the LPAE
	# kernel on the stock TC2 tree as the real board would run it.
	linux_boot linux-secure-2vcpu 2 --secure
	linux_kernel="$B/linux/zImage-lpae"
	linux_boot linux-secure-tc2-lpae-2vcpu 2 --secure --dtb "$B/linux/dtbs/vexpress-v2p-ca15_a7.dtb"
	linux_kernel=
	# Snapshots of a running Linux (guest/linux/snaptest.sh drives the monitor): suspend and
	# resume, then a restore to the earlier snapshot.
	if linux_run linux-snapshot "$here/run-guest-driven" --append "console=ttyAMA0 hypsnap" \
		--vcpus 2 --mem 256M; then
		# The console echoes what is typed after a resume (the tty's echo of the reply).
		if tr -d '\r' <"$log" | grep -qx "resume ok"; then
			pass "linux-snapshot/console-echoes-input-after-resume"
		else
			fail "linux-snapshot/console-echoes-input-after-resume: no echo of 'resume ok' in $log"
		fi
		# The restore went back: every counter is below where it stood before the restore.
		if tr -d '\r' <"$log" | awk '/counts before the restore:/ { for (i = 6; i <= NF; i++) b[i] = $i }
			/counts after the restore:/ { ok = 1; for (i = 6; i <= NF; i++) if ($i + 0 >= b[i] + 0) ok = 0 }
			END { exit !ok }'; then
			pass "linux-snapshot/restore-takes-the-counters-back"
		else
			fail "linux-snapshot/restore-takes-the-counters-back: see the counts in $log"
		fi
		[ $rc -eq 0 ] && pass "linux-snapshot/powers-off-cleanly" || fail "linux-snapshot/powers-off-cleanly: exit $rc"
	fi
	# Suspend to the snapshot disk and on in a new QEMU (twice); Linux's own suspend-to-RAM
	# (PSCI SYSTEM_SUSPEND) woken by a key on its console; and the same landing on the disk.
	for mode in hypdisk:linux-disk hypmem:linux-suspend hypmemdisk:linux-suspend-disk; do
		name=${mode#*:}
		disk=()
		[ "$mode" = hypmem:linux-suspend ] || disk=(--snapshot-disk "$logs/$name.img")
		rm -f "$logs/$name.img"
		linux_run "$name" "$here/run-guest-driven" --append "console=ttyAMA0 ${mode%%:*}" \
			--vcpus 2 --mem 256M "${disk[@]}"
		finished=$?
		rm -f "$logs/$name.img"
		[ $finished -eq 0 ] || continue
		[ $rc -eq 0 ] && pass "$name/powers-off-cleanly" || fail "$name/powers-off-cleanly: exit $rc"
		# The console of the new QEMU echoes what is typed there (the tty's echo).
		if [ "$name" != linux-suspend ]; then
			if tr -d '\r' <"$log" | grep -qx "resume-from-disk ok"; then
				pass "$name/console-echoes-input-in-the-new-qemu"
			else
				fail "$name/console-echoes-input-in-the-new-qemu: no echo of 'resume-from-disk ok' in $log"
			fi
		fi
	done
else
	fail "linux: could not fetch or build the Linux guest (see $logs/fetch-linux.log):"
	tail -5 "$logs/fetch-linux.log" | sed 's/^/    /'
fi

echo "== system tests"
# shellcheck source=system-tests.sh
. "$here/system-tests.sh"

echo
if [ $failed -gt 0 ]; then
	echo "Failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]

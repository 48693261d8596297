# Whole-system checks, sourced by run-tests.sh (uses its pass/fail helpers and $B, $logs).
# Each boots QEMU in a way a user might get wrong and checks the hypervisor says why.

qemu_base=(qemu-system-arm -cpu cortex-a15 -smp 2 -m 160M -nographic -audiodev none,id=snd0
	-no-reboot -kernel "$B/hyp.elf")

# Started in Secure state (secure=on), the CPUs are not in Hyp mode: refuse, and say how.
log="$logs/sys-secure-on.log"
timeout 15 "${qemu_base[@]}" -M vexpress-a15,secure=on,virtualization=on </dev/null >"$log" 2>&1
if grep -q "FATAL: CPU entered in a mode other than Hyp.*secure=off,virtualization=on" "$log"; then
	pass "system/refuses-non-hyp-entry"
else
	fail "system/refuses-non-hyp-entry: no FATAL message with the fix in $log"
fi

# No guest given (no boot descriptor): a clear message and a clean power-off, not a hang.
log="$logs/sys-no-guest.log"
timeout 15 "${qemu_base[@]}" -M vexpress-a15,secure=off,virtualization=on </dev/null >"$log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "no guest to run" "$log" && grep -q "powering off" "$log"; then
	pass "system/no-guest-says-why"
else
	fail "system/no-guest-says-why: rc=$rc, see $log"
fi

# The runner refuses bad input with a reason and status 2, before QEMU starts.
check_refusal() {
	local name=$1 pattern=$2
	shift 2
	local out rc
	out=$("$here/run-guest" "$@" </dev/null 2>&1)
	rc=$?
	if [ $rc -eq 2 ] && grep -q "$pattern" <<<"$out"; then
		pass "system/$name"
	else
		fail "system/$name: rc=$rc, output: $out"
	fi
}
demo="$B/guest/demo/demo.bin"
check_refusal runner-missing-kernel "kernel image.*not found" --kernel "$B/no-such-kernel"
check_refusal runner-mem-too-large "too large" --kernel "$demo" --mem 4G
check_refusal runner-bad-dtb "not a flattened device tree" --kernel "$demo" --dtb "$demo"

# A guest that never finishes is stopped by the timeout, with status 124 and a reason.
out=$("$here/run-guest" --kernel "$B/guest/selftest/hang.bin" --timeout 3 </dev/null 2>&1)
rc=$?
if [ $rc -eq 124 ] && grep -q "timeout after 3s" <<<"$out" && grep -q "hang: spinning" <<<"$out"; then
	pass "system/runner-stops-hanging-guest"
else
	fail "system/runner-stops-hanging-guest: rc=$rc, output: $out"
fi

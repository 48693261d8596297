# Whole-system checks, sourced by run-tests.sh (uses its pass/fail helpers and $B, $logs).
# Each boots QEMU in a way a user might get wrong and checks the hypervisor says why.

qemu_base=(qemu-system-arm -cpu cortex-a15 -smp 2 -m 160M -nographic -audiodev none,id=snd0
	-no-reboot -kernel "$B/hyp.elf")

# Without the Virtualization Extensions (virtualization=off) the CPUs start in SVC, Secure
# or not, and Hyp mode cannot be had: refuse, say how, and power off.
for sec in on off; do
	log="$logs/sys-no-virt-secure-$sec.log"
	timeout 15 "${qemu_base[@]}" -M vexpress-a15,secure=$sec,virtualization=off </dev/null >"$log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q "FATAL: CPU entered neither in Hyp mode nor in Secure SVC.*virtualization=on" "$log"; then
		pass "system/refuses-entry-without-virtualization-secure-$sec"
	else
		fail "system/refuses-entry-without-virtualization-secure-$sec: rc=$rc, or no FATAL message with the fix in $log"
	fi
done

# Started in Secure SVC (secure=on, QEMU's default): every CPU gets to Non-secure Hyp
# through boot/secure.S, and the hypervisor says it came that way.
log="$logs/sys-secure-on.log"
timeout 15 "${qemu_base[@]}" -M vexpress-a15,secure=on,virtualization=on </dev/null >"$log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "CPUs: 2 of 2 online in Hyp mode (entered from Secure SVC)" "$log" &&
	grep -q "no guest to run" "$log"; then
	pass "system/secure-svc-entry-reaches-hyp-on-every-cpu"
else
	fail "system/secure-svc-entry-reaches-hyp-on-every-cpu: rc=$rc, see $log"
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
# Several VMs (--vm): at most three (one per console UART); each VM its own snapshot disk,
# and one to resume from; each VM needs its kernel unless it resumes; VM 0's console is
# stdio, not --console's.
check_refusal runner-at-most-3-vms "at most 3 VMs" --kernel "$demo" --vm --kernel "$demo" \
	--vm --kernel "$demo" --vm --kernel "$demo"
check_refusal runner-one-snapshot-disk-per-vm "VM 1: --snapshot-disk .*/never.img is VM 0's already" \
	--kernel "$demo" --snapshot-disk "$logs/never.img" --vm --kernel "$demo" --snapshot-disk "$logs/./never.img"
check_refusal runner-pin-cpu-not-there "VM 1: --pin 0,2: CPU 2, but the CPUs are 0 to 1 (--smp 2)" \
	--kernel "$demo" --smp 2 --vm --kernel "$demo" --vcpus 2 --pin 0,2
check_refusal runner-pin-one-per-vcpu "pin 0,1,0: one CPU, or one per vCPU (2)" --kernel "$demo" \
	--vcpus 2 --pin 0,1,0
check_refusal runner-pin-numbers "pin takes CPU numbers separated by commas, not 'x'" --kernel "$demo" --pin x
check_refusal runner-vm-resume-needs-its-disk "VM 1: --resume needs --snapshot-disk" --kernel "$demo" \
	--snapshot-disk "$logs/never.img" --vm --resume
[ ! -e "$logs/never.img" ] && pass "system/runner-refusals-create-no-disk" || fail "system/runner-refusals-create-no-disk: $logs/never.img made"
check_refusal runner-each-vm-needs-a-kernel "VM 1: --kernel FILE is required" --kernel "$demo" --vm --vcpus 2
check_refusal runner-console-is-for-later-vms "console is for the VMs after --vm" --kernel "$demo" \
	--console pty
check_refusal runner-vm-mem-too-large "too large" --kernel "$demo" --mem 1G --vm --kernel "$demo" --mem 1G
check_refusal runner-bad-dtb "not a flattened device tree" --kernel "$demo" --dtb "$demo"

# A guest that never finishes is stopped by the timeout, with status 124 and a reason.
out=$("$here/run-guest" --kernel "$B/guest/selftest/hang.bin" --timeout 3 </dev/null 2>&1)
rc=$?
if [ $rc -eq 124 ] && grep -q "timeout after 3s" <<<"$out" && grep -q "hang: spinning" <<<"$out"; then
	pass "system/runner-stops-hanging-guest"
else
	fail "system/runner-stops-hanging-guest: rc=$rc, output: $out"
fi

# The monitor on UART1: commands answered while a guest runs, and quit powers off.
# $1: test name, $2: guest, $3: what the guest prints once it runs, $4: commands (a + in
# one stands for a space: snapshot+1); the rest: patterns (grep -E) the monitor's output
# must have.
monitor_test() {
	local name=$1 guest=$2 ready=$3 cmds=$4 out="$logs/sys-$1" pty qpid i ok=1 pat
	shift 4
	"$here/run-guest" --kernel "$guest" --monitor pty --timeout 60 "${monitor_runner_args[@]}" \
		</dev/null >"$out.console" 2>&1 &
	qpid=$!
	for i in $(seq 1 50); do
		pty=$(sed -n 's|.*char device redirected to \(/dev/pts/[0-9]*\) (label serial1).*|\1|p' "$out.console")
		[ -n "$pty" ] && grep -q "$ready" "$out.console" && break
		sleep 0.2
	done
	if [ -z "$pty" ]; then
		fail "system/$name: no pseudo-terminal for UART1 in $out.console"
		kill $qpid 2>/dev/null
		return
	fi
	stty -F "$pty" raw -echo
	timeout 20 cat "$pty" >"$out.log" 2>/dev/null &
	sleep 0.5
	for cmd in $cmds; do
		printf '%s\r' "${cmd//+/ }" >"$pty"
		sleep 0.5
	done
	wait $qpid
	rc=$?
	tr -d '\r' <"$out.log" >"$out.txt"
	for pat in "$@"; do
		grep -qE "$pat" "$out.txt" || { ok=0; echo "  missing: $pat"; }
	done
	if [ $ok = 1 ] && [ $rc -eq 0 ]; then
		pass "system/$name"
	else
		fail "system/$name: rc=$rc, monitor output in $out.txt"
	fi
}
monitor_runner_args=() # more run-guest options for the next monitor_test
monitor_test monitor-status-irqs-quit "$B/guest/selftest/idle.bin" "idle: ticking" \
	"status irqs help frobnicate quit" \
	"vcpu0: on, running on cpu0; exits [1-9]" "^ +27: enabled.* level prio 0x40 hw" \
	"unknown command 'frobnicate'" "quit: powering the machine off"
# A guest that keeps its CPU busy with exits (interrupts, traps) cannot keep the monitor
# from answering: its UART's interrupt outranks all the hypervisor's own.
monitor_test monitor-answers-under-exit-load "$B/guest/selftest/busy.bin" "busy: exiting" \
	"status status quit" \
	"vcpu0: on, running on cpu0; exits [0-9]{4,}.* irq [0-9]{3,}" "quit: powering the machine off"
# With vCPU 0 powered off its physical CPU sleeps, and the monitor (its UART goes to CPU 0)
# still answers from the idle loop (hyp/pcpu_idle.c).
monitor_runner_args=(--vcpus 2)
monitor_test monitor-answers-with-vcpu0-off "$B/guest/selftest/cpu0off.bin" "vCPU 0 going off" \
	"status quit" \
	"vcpu0: off" "vcpu1: on, running on cpu1" "quit: powering the machine off"
# Both vCPUs placed on one CPU: vCPU 1 runs on cpu0 once vCPU 0 is off, and the status
# gives each vCPU's CPU time and turns.
monitor_runner_args=(--vcpus 2 --smp 1)
monitor_test monitor-cpu-time-on-a-shared-cpu "$B/guest/selftest/cpu0off.bin" "vCPU 0 going off" \
	"status quit" \
	"vcpu0: off on cpu0;.*cpu time [0-9]+ ms \([0-9]+% of the VM's life\) in [1-9][0-9]* turns?$" \
	"vcpu1: on, running on cpu0;.*cpu time [0-9]+ ms \([0-9]+% of the VM's life\) in [1-9][0-9]* turns?$" \
	"quit: powering the machine off"
# Pinned (--pin 1,0): vCPU 0 on CPU 1, vCPU 1 on CPU 0, against the default placement.
monitor_runner_args=(--vcpus 2 --smp 2 --pin 1,0)
monitor_test monitor-pinned-vcpus-where-told "$B/guest/selftest/cpu0off.bin" "vCPU 0 going off" \
	"status quit" \
	"vcpu0: off on cpu1;" "vcpu1: on, running on cpu0;" "quit: powering the machine off"
# Three VMs of 8 vCPUs each on one CPU: all 24 placed there (the most a CPU can have).
monitor_runner_args=(--smp 1 --vcpus 8 --mem 32M
	--vm --kernel "$B/guest/selftest/idle.bin" --vcpus 8 --mem 32M --console "file:$logs/sys-24-vm1.log"
	--vm --kernel "$B/guest/selftest/idle.bin" --vcpus 8 --mem 32M --console "file:$logs/sys-24-vm2.log")
monitor_test monitor-24-vcpus-on-one-cpu "$B/guest/selftest/idle.bin" "idle: ticking" \
	"status quit" \
	"VM 2 \(VMID 3\): 8 vCPU" "vcpu7: off on cpu0;" "quit: powering the machine off"
n=$(grep -cE "vcpu[0-7]: (on, (running|blocked)|off) on cpu0;" "$logs/sys-monitor-24-vcpus-on-one-cpu.txt")
if [ "$n" = 24 ] && [ "$(grep -cE "vcpu0: on, (running|blocked) on cpu0;" "$logs/sys-monitor-24-vcpus-on-one-cpu.txt")" = 3 ]; then
	pass "system/24-vcpus-of-3-vms-placed-on-one-cpu"
else
	fail "system/24-vcpus-of-3-vms-placed-on-one-cpu: $n of 24 in $logs/sys-monitor-24-vcpus-on-one-cpu.txt"
fi
# Two VMs on one CPU: pausing VM 0 (its vCPU leaves the CPU) leaves VM 1 running there:
# between the two statuses taken while VM 0 is paused, VM 1's timer keeps ticking and
# VM 0's does not.
monitor_runner_args=(--smp 1 --vm --kernel "$B/guest/selftest/idle.bin" --console "file:$logs/sys-pause-vm1.log")
monitor_test monitor-pause-one-vm-the-other-runs "$B/guest/selftest/idle.bin" "idle: ticking" \
	"pause status status continue quit" \
	"ok paused" "vcpu0: on, paused on cpu0" "ok running" "quit: powering the machine off"
if awk '/VM 0 \(VMID/{ vm = 0 } /VM 1 \(VMID/{ vm = 1 }
	/vcpu0:/ && match($0, /timer irqs [0-9]+/) { c[vm, ++k[vm]] = substr($0, RSTART + 11, RLENGTH - 11) + 0 }
	END { exit !(k[0] == 2 && k[1] == 2 && c[1, 2] > c[1, 1] && c[0, 2] == c[0, 1]) }' \
	"$logs/sys-monitor-pause-one-vm-the-other-runs.txt"; then
	pass "system/paused-vm-stops-ticking-the-other-vm-ticks-on"
else
	fail "system/paused-vm-stops-ticking-the-other-vm-ticks-on: see the statuses in $logs/sys-monitor-pause-one-vm-the-other-runs.txt"
fi
# Snapshots of VM 1 while VM 0 runs: taken, inspected, restored (VM 1 runs on from it);
# a VM that is not there is refused. Two 1-vCPU VMs on two CPUs get one CPU each.
monitor_runner_args=(--vm --kernel "$B/guest/selftest/idle.bin" --console "file:$logs/sys-snap-vm1.log")
monitor_test monitor-snapshot-of-one-vm-the-other-runs "$B/guest/selftest/idle.bin" "idle: ticking" \
	"snapshot+1 snapinfo+1 restore+1 pause+7 status quit" \
	"ok snapshot [0-9]+ bytes, crc [0-9a-f]{8}" "ok [0-9]+ sections, [0-9]+ bytes" \
	"ok restored [0-9]+ bytes, crc [0-9a-f]{8}" "error: no VM '7' \(VMs 0 to 1\)" \
	"VM 1 \(VMID 2\).*console UART at 0x1c0b0000" "vcpu0: on, running on cpu0;" "vcpu0: on, running on cpu1;" \
	"quit: powering the machine off"
# A VM that has powered off (VM 0, the boot test) is not paused, snapshotted, suspended
# or resumed: it is gone, and VM 1 runs on.
monitor_runner_args=(--vm --kernel "$B/guest/selftest/idle.bin" --console "file:$logs/sys-off-vm1.log")
monitor_test monitor-refuses-a-powered-off-vm "$B/guest/tests/boot.bin" "^DONE boot" \
	"suspend snapshot+0 resume+0 pause status quit" \
	"error: VM 0 has powered off" "VM 0 \(VMID 1\).*; powered off" "vcpu0: on, running on cpu1;" \
	"quit: powering the machine off"
if [ "$(grep -c "error: VM 0 has powered off" "$logs/sys-monitor-refuses-a-powered-off-vm.txt")" = 4 ]; then
	pass "system/every-command-that-would-run-a-powered-off-vm-refused"
else
	fail "system/every-command-that-would-run-a-powered-off-vm-refused: see $logs/sys-monitor-refuses-a-powered-off-vm.txt"
fi
monitor_runner_args=()
# VM 1's console on a Unix socket: QEMU serves it, and keeps what the guest wrote in
# PATH.log even with nobody attached.
rm -f "$logs/vm1-console.sock" "$logs/vm1-console.sock.log"
"$here/run-guest" --kernel "$B/guest/tests/boot.bin" --vm --kernel "$B/guest/tests/vm_isolation.bin" \
	--console "unix:$logs/vm1-console.sock" --timeout 60 </dev/null >"$logs/vm1-console.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "^DONE vm_isolation" <(tr -d '\r' <"$logs/vm1-console.sock.log" 2>/dev/null); then
	pass "system/vm1-console-on-a-unix-socket"
else
	fail "system/vm1-console-on-a-unix-socket: rc=$rc, no DONE in $logs/vm1-console.sock.log"
fi
check_refusal runner-bad-irqs "64 to 1024 lines" --kernel "$demo" --irqs 100
# --help: the whole of the runner's header, to its exit statuses.
check_refusal runner-help-says-it-all "124 on timeout; otherwise QEMU's own status" --help
# A kernel image larger than the guest's RAM is refused, naming the file, before QEMU starts.
big="$logs/oversize-kernel.bin"
head -c $((3 << 20)) /dev/zero >"$big"
check_refusal runner-oversize-kernel "kernel image '$big' .* does not fit" --kernel "$big" --mem 2M

# A DTB the user passes is used with /memory and /chosen fixed up for the run: give the
# dtb test a tree that says 4 KiB of RAM and has no /chosen, and it must see the truth.
wrong="$logs/wrong.dtb"
cpp -P -nostdinc -undef -x assembler-with-cpp -DGUEST_RAM_IPA=0x80000000 -DGUEST_MEM=0x1000 \
	-DGUEST_VCPUS=1 "$top/guest/platform/guest.dts" | sed '/chosen {/,/};/d' | dtc -q -I dts -O dtb -o "$wrong" -
out=$("$here/run-guest" --kernel "$B/guest/tests/dtb.bin" --dtb "$wrong" --mem 64M \
	--append "hyp dtb-test console=ttyAMA0" --initrd "$B/guest/demo/demo.bin" --timeout 30 </dev/null 2>&1)
if [ "$(grep -c '^PASS: dtb/' <<<"$(tr -d '\r' <<<"$out")")" -eq 5 ] && ! grep -q '^FAIL' <<<"$out"; then
	pass "system/user-dtb-memory-and-chosen-fixed-up"
else
	fail "system/user-dtb-memory-and-chosen-fixed-up: $(grep -E 'FAIL|run-guest' <<<"$out" | head -3)"
fi

# Any valid DTB is fixed up (scripts/dtb-fixup), read back with fdtget: 2-cell addresses
# and sizes as in the TC2's tree, a plain /memory, no memory node at all, a memory node
# named otherwise (and a second one, removed), the specification's default cells; a tree
# with 3-cell addresses is refused with the reason and left untouched.
dtb_fixup_test() {
	local d="$logs/dtb-fixup" ok=1 why=
	mkdir -p "$d"
	mk() { echo "/dts-v1/; / { $2 };" | dtc -q -I dts -O dtb -o "$d/$1.dtb" -; }
	mk tc2 '#address-cells = <2>; #size-cells = <2>; memory@80000000 { device_type = "memory"; reg = <0 0x80000000 0 0x40000000>; }; chosen { };'
	mk plain '#address-cells = <1>; #size-cells = <1>; memory { device_type = "memory"; reg = <0 0>; };'
	mk none '#address-cells = <1>; #size-cells = <1>;'
	mk named '#address-cells = <2>; #size-cells = <1>; sdram@80000000 { device_type = "memory"; reg = <0 0x80000000 0x1000>; }; memory@90000000 { device_type = "memory"; reg = <0 0x90000000 0x1000>; };'
	mk defaults 'model = "no cells";'
	mk bad '#address-cells = <3>; #size-cells = <1>;'
	expect() { # DTB NODE PROP WANT
		local got
		got=$(fdtget -t x "$d/$1.dtb" "$2" "$3" 2>&1) || got="(fdtget: $got)"
		[ "$got" = "$4" ] || { ok=0 why+=" $1:$2/$3='$got'"; }
	}
	for t in tc2 plain none named defaults; do
		"$here/dtb-fixup" "$d/$t.dtb" 0x80000000 0x10000000 --bootargs "x" \
			--initrd 0x88000000 0x880d9000 >"$d/$t.log" 2>&1 || { ok=0 why+=" $t: $(cat "$d/$t.log")"; }
	done
	expect tc2 /memory@80000000 reg "0 80000000 0 10000000"
	expect tc2 /chosen linux,initrd-start "0 88000000"
	expect plain /memory reg "80000000 10000000"
	expect plain /chosen linux,initrd-end "880d9000"
	expect none /memory@80000000 reg "80000000 10000000"
	expect named /sdram@80000000 reg "0 80000000 10000000"
	expect named /chosen linux,initrd-end "0 880d9000"
	expect defaults /memory@80000000 reg "0 80000000 10000000"
	fdtget "$d/named.dtb" /memory@90000000 reg >/dev/null 2>&1 && { ok=0 why+=" named: second memory node kept"; }
	cp "$d/bad.dtb" "$d/bad.orig"
	if out=$("$here/dtb-fixup" "$d/bad.dtb" 0x80000000 0x10000000 2>&1) ||
		! grep -q "#address-cells is '3': only 1 or 2 cells are supported" <<<"$out" ||
		! cmp -s "$d/bad.dtb" "$d/bad.orig"; then
		ok=0 why+=" bad: '$out'"
	fi
	if [ $ok = 1 ]; then
		pass "system/dtb-fixup-honours-cells-and-memory-node-names"
	else
		fail "system/dtb-fixup-honours-cells-and-memory-node-names:$why"
	fi
}
dtb_fixup_test

# The stock TC2 device tree (Debian's kernel package) made into the VM's, read back with
# fdtget: the VM's two CPUs started by PSCI over HVC, the board's CCI, SPC, HDLCD and
# motherboard devices other than UART0 disabled, its SCC gone, UART0 on a fixed clock,
# the GIC without the hypervisor's interface. A tree whose GIC is elsewhere is refused.
tc2_fixup_test() {
	local d="$logs/dtb-fixup" ok=1 why= stock="$B/linux/dtbs/vexpress-v2p-ca15_a7.dtb"
	local t="$d/tc2-stock.dtb" mb=/bus@8000000/motherboard-bus@8000000/iofpga-bus@300000000
	[ -f "$stock" ] || { fail "system/stock-tc2-dtb-describes-the-vm: $stock missing (scripts/fetch-linux.sh)"; return; }
	cp "$stock" "$t"
	"$here/dtb-fixup" "$t" 0x80000000 0x10000000 --vcpus 2 >"$d/tc2-stock.log" 2>&1 || why+=" $(cat "$d/tc2-stock.log")"
	expect_s() { # NODE PROP WANT (as fdtget prints it; '-' for no such property)
		local got
		got=$(fdtget "$t" "$1" "$2" 2>/dev/null) || got=-
		[ "$got" = "$3" ] || { ok=0 why+=" $1/$2='$got'"; }
	}
	[ "$(fdtget -l "$t" /cpus | tr '\n' ' ')" = "cpu@0 cpu@1 " ] || { ok=0 why+=" cpus: $(fdtget -l "$t" /cpus | tr '\n' ' ')"; }
	expect_s /cpus/cpu@1 reg 1
	expect_s /cpus/cpu@1 enable-method psci
	expect_s /cpus/cpu@0 cci-control-port -
	expect_s /psci method hvc
	expect_s /psci compatible "arm,psci-1.0 arm,psci-0.2"
	expect_s /cci@2c090000 status disabled
	expect_s /hdlcd@2b000000 status disabled
	expect_s /pmu-a15 status disabled
	expect_s $mb/sysctl@20000 status disabled
	expect_s $mb/sysreg@10000 status disabled
	expect_s $mb/serial@a0000 status disabled
	expect_s $mb/serial@90000 status -
	expect_s /bus@8000000 status -
	expect_s /timer status -
	expect_s /interrupt-controller@2c001000 reg "0 738201600 0 4096 0 738205696 0 8192"
	expect_s /interrupt-controller@2c001000 interrupts -
	fdtget "$t" /scc@7fff0000 reg >/dev/null 2>&1 && { ok=0 why+=" the SCC is still there"; }
	fdtget "$t" /reserved-memory/vram@18000000 reg >/dev/null 2>&1 && { ok=0 why+=" vram outside RAM still reserved"; }
	local clk
	clk=$(fdtget "$t" $mb/serial@90000 clocks | cut -d' ' -f1)
	[ "$(fdtget "$t" /vm-uartclk phandle 2>/dev/null)" = "$clk" ] || { ok=0 why+=" UART0's clock is '$clk'"; }
	expect_s /vm-uartclk clock-frequency 24000000
	# A GIC somewhere else than the VM's: refused with the reason, the file untouched.
	echo '/dts-v1/; / { #address-cells = <1>; #size-cells = <1>; gic@1000 { compatible = "arm,gic-400";
		interrupt-controller; reg = <0x1000 0x1000 0x2000 0x2000>; }; };' | dtc -q -I dts -O dtb -o "$d/gic.dtb" -
	cp "$d/gic.dtb" "$d/gic.orig"
	if out=$("$here/dtb-fixup" "$d/gic.dtb" 0x80000000 0x10000000 2>&1) ||
		! grep -q "GIC is not at 0x2c001000" <<<"$out" || ! cmp -s "$d/gic.dtb" "$d/gic.orig"; then
		ok=0 why+=" misplaced GIC: '$out'"
	fi
	if [ $ok = 1 ] && [ -z "$why" ]; then
		pass "system/stock-tc2-dtb-describes-the-vm"
	else
		fail "system/stock-tc2-dtb-describes-the-vm:$why"
	fi
}
tc2_fixup_test

# Damaged trees (the stock TC2 tree with random bytes changed, or cut short; fixed seeds):
# each is fixed up into a tree fdtget can read, or refused with a dtb-fixup: reason and
# left as it was. Never a Python traceback, never a half-written file.
dtb_fixup_damage_test() {
	local d="$logs/dtb-fixup" stock="$B/linux/dtbs/vexpress-v2p-ca15_a7.dtb" bad= refused=0 i out rc
	[ -f "$stock" ] || { fail "system/dtb-fixup-damaged-trees: $stock missing"; return; }
	python3 -c "
import random
for i in range(1, 21):
    b = bytearray(open('$stock', 'rb').read()); r = random.Random(i)
    for _ in range(r.randint(1, 8)):
        b[r.randrange(len(b))] = r.randrange(256)
    if i % 4 == 0:
        b = b[:r.randrange(len(b))]
    open('$d/damaged-%d.dtb' % i, 'wb').write(b)"
	for i in $(seq 1 20); do
		mv "$d/damaged-$i.dtb" "$d/damaged.dtb"
		cp "$d/damaged.dtb" "$d/damaged.orig"
		out=$("$here/dtb-fixup" "$d/damaged.dtb" 0x80000000 0x10000000 --vcpus 2 2>&1)
		rc=$?
		if grep -q Traceback <<<"$out"; then
			bad+=" seed $i: traceback"
		elif [ $rc -eq 0 ]; then
			fdtget -l "$d/damaged.dtb" /cpus >/dev/null 2>&1 || bad+=" seed $i: unreadable result"
		else
			refused=$((refused + 1))
			grep -q "^dtb-fixup: '.*': " <<<"$out" || bad+=" seed $i: '$out'"
			cmp -s "$d/damaged.dtb" "$d/damaged.orig" || bad+=" seed $i: changed though refused"
		fi
	done
	# The cut-short ones at least must have been refused.
	[ $refused -ge 5 ] || bad+=" only $refused refused"
	if [ -z "$bad" ]; then
		pass "system/dtb-fixup-damaged-trees"
	else
		fail "system/dtb-fixup-damaged-trees:$bad"
	fi
}
dtb_fixup_damage_test

# Corrupt in-memory snapshots are refused with the reason, and the VM runs on unharmed:
# a flipped bit in every section (header and payload) and in the version field, and the
# snapshot cut short at every section boundary. Then an intact one restores.
snapshot_corruption_test() {
	local out="$logs/sys-snapshot-corrupt" sock="$logs/sys-snapshot-corrupt.sock" qpid ok=1
	local offs=() ends=() payloads=() off len a before after
	"$here/run-guest" --kernel "$B/guest/selftest/idle.bin" --monitor "unix:$sock" --timeout 120 \
		</dev/null >"$out.console" 2>&1 &
	qpid=$!
	for _ in $(seq 1 50); do [ -S "$sock" ] && grep -q "idle: ticking" "$out.console" && break; sleep 0.2; done
	mon() { "$here/monitor" "$sock" "$@" >>"$out.txt" 2>&1; }
	: >"$out.txt"
	if ! mon snapshot snapinfo; then
		fail "system/snapshot-corruption-refused: no snapshot (see $out.txt)"
		kill $qpid 2>/dev/null
		return
	fi
	while read -r off len; do
		offs+=("$off")
		ends+=("$((off + 16 + (len + 7) / 8 * 8))")
		[ "$len" -eq 0 ] || payloads+=("$((off + 16))")
	done \
		< <(sed -n 's/^section [0-9]*: .* at offset \([0-9]*\), \([0-9]*\) bytes$/\1 \2/p' "$out.txt")
	[ ${#offs[@]} -ge 7 ] || ok=0
	before=$(grep -c . "$out.txt")
	# Each section's type field and its first payload byte; the header's version field.
	for a in 8 "${offs[@]}" "${payloads[@]}"; do
		"$here/monitor" "$sock" "corrupt $a 1" restore "corrupt $a 1" >"$out.one" 2>&1
		cat "$out.one" >>"$out.txt"
		grep -q "^error: .*the VM runs on" "$out.one" || { ok=0; echo "  byte $a: not refused" >>"$out.txt"; }
	done
	mon status
	for a in "${ends[@]}"; do
		[ "$a" -lt "${ends[-1]}" ] || continue
		"$here/monitor" "$sock" snapshot "corrupt len $a" restore >"$out.one" 2>&1
		cat "$out.one" >>"$out.txt"
		grep -q "^error: truncated" "$out.one" || { ok=0; echo "  cut at $a: not refused" >>"$out.txt"; }
	done
	mon snapshot restore status quit || ok=0
	wait $qpid
	# The guest kept ticking through all of it.
	before=$(grep -o 'timer irqs [0-9]*' "$out.txt" | head -1 | grep -o '[0-9]*$')
	after=$(grep -o 'timer irqs [0-9]*' "$out.txt" | tail -1 | grep -o '[0-9]*$')
	[ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ] || ok=0
	if [ $ok = 1 ]; then
		pass "system/snapshot-corruption-refused-vm-runs-on"
	else
		fail "system/snapshot-corruption-refused-vm-runs-on: see $out.txt"
	fi
}
snapshot_corruption_test

# The snapshot disk, from outside: snapshots and a suspend land on it, the host tool lists,
# verifies and extracts them, a new QEMU resumes them; a damaged newest slot falls back to
# the other with the reason said; a disk with no whole snapshot, of another shape, or not
# a snapshot disk at all is refused before QEMU starts and left as it was.
snapshot_disk_test() {
	local out="$logs/sys-snapdisk" disk="$logs/sys-snapdisk.img" sock="$logs/sys-snapdisk.sock"
	local qpid rc ok t1 t2 sum len name
	rm -f "$disk" "$out".*
	# $1: a name for the logs; the rest: run-guest options. Waits for the monitor's socket.
	start() {
		local name=$1
		shift
		"$here/run-guest" --monitor "unix:$sock" --mem 32M --timeout 120 --snapshot-disk "$disk" "$@" \
			</dev/null >"$out.$name" 2>&1 &
		qpid=$!
		for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
		sleep 0.5
	}
	mon() { "$here/monitor" "$sock" "$@" 2>&1 | tee -a "$out.mon"; }
	ticks() { mon status | grep -o 'timer irqs [0-9]*' | head -1 | grep -o '[0-9]*$'; }
	ticking() { # the guest's timer goes on ticking
		t1=$(ticks); sleep 0.5; t2=$(ticks)
		[ -n "$t1" ] && [ -n "$t2" ] && [ "$t2" -gt "$t1" ]
	}
	# $1: the condition, a shell command line (all of it decides).
	check() { if eval "$1"; then pass "system/$name"; else fail "system/$name: see $out.*"; fi; }

	# Two snapshots and a suspend: generations 1, 2, 3; QEMU powers off by itself.
	start cold --kernel "$B/guest/selftest/idle.bin"
	ok=1
	mon snapshot | grep -q "^ok snapshot (on the disk)" || ok=0
	mon snapshot | grep -q "^ok snapshot (on the disk)" || ok=0
	mon suspend | grep -q "^ok suspended to the snapshot disk" || ok=0
	wait $qpid
	rc=$?
	"$here/snapshot" list "$disk" >"$out.list" 2>&1 || ok=0
	grep -q "generation 3, .* (current)" "$out.list" && grep -q "generation 2," "$out.list" || ok=0
	"$here/snapshot" verify "$disk" >"$out.verify" 2>&1 || ok=0
	"$here/snapshot" extract "$disk" -o "$out.snap" >/dev/null 2>&1 && "$here/snapshot" verify "$out.snap" >>"$out.verify" 2>&1 || ok=0
	name=snapshot-disk-suspend-powers-off-tool-lists-and-verifies
	check '[ $ok = 1 ] && [ $rc -eq 0 ]'

	# A new QEMU runs the VM on from generation 3: its timer ticks on.
	start resume1 --resume
	name=snapshot-disk-resume-in-a-new-qemu
	check 'ticking'
	mon quit >/dev/null
	wait $qpid

	# Damage generation 3 (slot 0: 1, 2, 3 went to slots 0, 1, 0) in its middle:
	# the tool says so, and a resume takes generation 2, saying why.
	len=$(sed -n 's/^slot 0: generation 3, \([0-9]*\) bytes.*/\1/p' "$out.list")
	printf '\xa5' | dd of="$disk" bs=1 seek=$(( (1 << 20) + 4096 + ${len:-0} / 2 )) conv=notrunc status=none
	"$here/snapshot" list "$disk" >"$out.list2" 2>&1
	start fallback --resume
	ok=1
	ticking || ok=0
	mon quit >/dev/null
	wait $qpid
	grep -q "generation 3, .*DAMAGED: .*CRC" "$out.list2" && grep -q "generation 2, .*(current)" "$out.list2" || ok=0
	grep -q "slot 0 (generation 3) is damaged (.*); resuming slot 1 (generation 2)" "$out.fallback" "$sock.log" 2>/dev/null || ok=0
	name=snapshot-disk-falls-back-to-the-other-slot
	check '[ $ok = 1 ]'

	# Damage the other slot's snapshot header too: nothing whole is left, and nothing starts.
	printf '\xa5' | dd of="$disk" bs=1 seek=$(( (1 << 20) + ($(stat -c %s "$disk") - (1 << 20)) / 2 + 4096 + 20 )) conv=notrunc status=none
	"$here/run-guest" --snapshot-disk "$disk" --resume --timeout 30 </dev/null >"$out.none" 2>&1
	rc=$?
	name=snapshot-disk-nothing-whole-refused
	check '[ $rc -eq 2 ] && grep -q "no whole snapshot.*not starting" "$out.none"'

	"$here/snapshot" import "$out.snap" "$out.other-disk" >/dev/null
	# The extracted generation 3 resumes, from the file.
	sum=$(md5sum <"$out.snap")
	"$here/run-guest" --monitor "unix:$sock" --snapshot-disk "$out.snap" --resume --timeout 60 </dev/null >"$out.file" 2>&1 &
	qpid=$!
	for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
	sleep 0.5
	name=snapshot-file-resumes
	check 'ticking'
	mon snapshot >/dev/null
	mon quit >/dev/null
	wait $qpid
	# The snapshot that run took is kept, on a disk named after the file.
	name=snapshot-file-resumed-new-snapshots-kept
	"$here/snapshot" verify "$out.snap.disk" >"$out.kept" 2>&1
	check 'grep -q "generation 2: whole (current)" "$out.kept"'
	rm -f "$out.snap.disk"
	name=snapshot-file-left-as-it-was
	check '[ "$(md5sum <"$out.snap")" = "$sum" ]'

	# Another shape than the snapshot's: refused, with both shapes said.
	"$here/run-guest" --snapshot-disk "$out.snap" --resume --vcpus 2 </dev/null >"$out.shape" 2>&1
	rc=$?
	name=snapshot-resume-other-shape-refused
	check '[ $rc -eq 2 ] && grep -q "snapshot is of 1 vCPUs.*(asked: 2 vCPUs)" "$out.shape"'

	# A file that is not a snapshot disk is neither used nor touched.
	cp "$B/guest/selftest/idle.bin" "$out.notdisk"
	sum=$(md5sum <"$out.notdisk")
	"$here/run-guest" --kernel "$B/guest/selftest/idle.bin" --snapshot-disk "$out.notdisk" </dev/null >"$out.notdisk.txt" 2>&1
	rc=$?
	name=snapshot-disk-not-ours-refused-untouched
	check '[ $rc -eq 2 ] && grep -q "not a snapshot disk" "$out.notdisk.txt" && [ "$(md5sum <"$out.notdisk")" = "$sum" ]'

	# A disk cut short (a copy that ran out of room) is refused, naming the sizes.
	"$here/snapshot" create "$out.short" --vcpus 1 --mem $((32 << 20)) --irqs 160 >/dev/null
	truncate -s 40M "$out.short"
	"$here/run-guest" --kernel "$B/guest/selftest/idle.bin" --mem 32M --snapshot-disk "$out.short" </dev/null >"$out.short.txt" 2>&1
	rc=$?
	name=snapshot-disk-too-small-refused
	check '[ $rc -eq 2 ] && grep -q "snapshot disk of 41943040 bytes, [0-9]* needed" "$out.short.txt"'
	rm -f "$out.short"

	# Another VM's disk (other RAM size) is refused before the guest starts.
	"$here/run-guest" --kernel "$B/guest/selftest/idle.bin" --mem 64M --snapshot-disk "$out.other-disk" </dev/null >"$out.other.txt" 2>&1
	rc=$?
	name=snapshot-disk-of-another-shape-refused
	check '[ $rc -eq 2 ] && grep -q "for another VM shape: 1 vCPUs, 32 MiB" "$out.other.txt"'

	# A new disk, no snapshot yet: --resume refuses rather than boot cold.
	rm -f "$disk"
	"$here/snapshot" create "$disk" --vcpus 1 --mem $((32 << 20)) --irqs 160 >/dev/null
	"$here/run-guest" --snapshot-disk "$disk" --resume </dev/null >"$out.empty" 2>&1
	rc=$?
	name=snapshot-disk-empty-resume-refused
	check '[ $rc -eq 2 ] && grep -q "no whole snapshot" "$out.empty"'
	rm -f "$disk" "$out.other-disk"
}
snapshot_disk_test

# Several VMs, each with its own snapshot disk, two VMs on one CPU: VM 1 (sleeper.bin)
# suspends itself (PSCI SYSTEM_SUSPEND) to its disk while VM 0 (idle.bin) ticks on; the
# monitor's resume reads the disk back and VM 1 wakes at its entry point with its RAM; the
# monitor's suspend of VM 1 rests it on its disk again (continue refused) and resume brings
# it back; VM 1 suspended, then VM 0, the last one: the machine powers off. A new QEMU
# resumes both from their disks; another runs a fresh VM 0 beside VM 1 resumed from a
# snapshot file.
multi_vm_snapshot_disk_test() {
	local out="$logs/sys-vmdisk" d0="$logs/sys-vmdisk0.img" d1="$logs/sys-vmdisk1.img" sock="$logs/sys-vmdisk.sock"
	local qpid rc ok name a b
	rm -f "$d0" "$d1" "$out".*
	start() { # $1: a name for the logs; the rest: run-guest options
		local name=$1
		shift
		rm -f "$sock"
		"$here/run-guest" --smp 1 --monitor "unix:$sock" --timeout 120 "$@" </dev/null >"$out.$name" 2>&1 &
		qpid=$!
		for _ in $(seq 1 100); do [ -S "$sock" ] && break; sleep 0.1; done
		sleep 0.5
	}
	mon() { "$here/monitor" "$sock" "$@" 2>&1 | tee -a "$out.mon"; }
	vm_ticks() { # VM $1's vCPU 0: timer interrupts so far
		mon status | tr -d '\r' | awk -v k="$1" '/^VM [0-9]+ \(VMID/ { vm = $2 }
			vm == k && /vcpu0:/ && match($0, /timer irqs [0-9]+/) { print substr($0, RSTART + 11, RLENGTH - 11) }'
	}
	# VM $1 ticks on ($2 = 1) or stands still ($2 = 0) over half a second.
	ticks_on() {
		a=$(vm_ticks "$1"); sleep 0.5; b=$(vm_ticks "$1")
		[ -n "$a" ] && [ -n "$b" ] || return 1
		if [ "$2" = 1 ]; then [ "$b" -gt "$a" ]; else [ "$b" -eq "$a" ]; fi
	}
	check() { if eval "$1"; then pass "system/$name"; else fail "system/$name: see $out.*"; fi; }
	said() { # the monitor's answer to $1 has $2 (not through a pipe: grep -q would cut it)
		local answer
		answer=$(mon "$1")
		grep -q "$2" <<<"$answer"
	}
	wait_for() { # $1: pattern, $2: file
		for _ in $(seq 1 100); do grep -q "$1" <<<"$(tr -d '\r' <"$2" 2>/dev/null)" && return 0; sleep 0.1; done
		return 1
	}

	start cold --kernel "$B/guest/selftest/idle.bin" --mem 32M --snapshot-disk "$d0" \
		--vm --kernel "$B/guest/selftest/sleeper.bin" --mem 32M --snapshot-disk "$d1" --console "file:$out.vm1"
	ok=1
	wait_for "sleeper: 50 ticks, suspending" "$out.vm1" || ok=0
	wait_for "VM 1: PSCI SYSTEM_SUSPEND by vcpu0: [0-9]* bytes on its snapshot disk; the other VMs run on" "$sock.log" || ok=0
	said status "VM 1 .*; suspended to its snapshot disk" || ok=0
	ticks_on 0 1 || ok=0
	ticks_on 1 0 || ok=0
	"$here/snapshot" list "$d1" >"$out.list0" 2>&1
	grep -q "slot 0: generation 1, .*(current)" "$out.list0" || ok=0
	name=vm-suspends-itself-to-its-disk-the-other-vm-runs-on
	check '[ $ok = 1 ]'

	ok=1
	said "resume 1" "^ok resumed from the snapshot disk: [0-9]* bytes" || ok=0
	wait_for "sleeper: woken: r0 ok, SVC, MMU off, 50 ticks kept" "$out.vm1" || ok=0
	ticks_on 1 1 || ok=0
	ticks_on 0 1 || ok=0
	name=monitor-resume-wakes-a-vm-from-its-disk-at-its-entry-point
	check '[ $ok = 1 ]'

	ok=1
	said "suspend 1" "^ok suspended to the snapshot disk; the other VMs run on: [0-9]* bytes" || ok=0
	said "continue 1" "^error: VM 1 is suspended to its snapshot disk: 'resume 1' brings it back" || ok=0
	said "restore 1" "^error: VM 1 is suspended to its snapshot disk" || ok=0
	ticks_on 1 0 || ok=0
	ticks_on 0 1 || ok=0
	said "resume 1" "^ok resumed from the snapshot disk" || ok=0
	ticks_on 1 1 || ok=0
	name=monitor-suspends-one-vm-to-its-disk-and-resumes-it-the-other-runs-on
	check '[ $ok = 1 ]'

	ok=1
	said "suspend 1" "^ok suspended to the snapshot disk; the other VMs run on" || ok=0
	said "suspend 0" "^ok suspended to the snapshot disk; powering off" || ok=0
	wait $qpid
	rc=$?
	"$here/snapshot" list "$d1" >"$out.list1" 2>&1
	"$here/snapshot" verify "$d0" >"$out.verify0" 2>&1 || ok=0
	grep -q "generation 3, .*(current)" "$out.list1" || ok=0
	name=last-running-vm-suspended-to-its-disk-powers-off
	check '[ $ok = 1 ] && [ $rc -eq 0 ]'

	# A new QEMU: both VMs from their disks, no kernels; both tick on.
	start both --snapshot-disk "$d0" --resume --vm --snapshot-disk "$d1" --resume --console "file:$out.vm1b"
	ok=1
	ticks_on 0 1 || ok=0
	ticks_on 1 1 || ok=0
	grep -q "VM 1: resuming the snapshot of [0-9]* bytes .* from the snapshot disk" "$out.both" || ok=0
	mon quit >/dev/null
	wait $qpid
	name=two-vms-resume-from-their-disks-in-a-new-qemu
	check '[ $ok = 1 ]'

	# And VM 1 from a snapshot file beside a VM 0 that boots.
	"$here/snapshot" extract "$d1" -o "$out.snap1" >/dev/null 2>&1
	start mixed --kernel "$B/guest/selftest/idle.bin" --mem 32M \
		--vm --snapshot-disk "$out.snap1" --resume --console "file:$out.vm1c"
	ok=1
	ticks_on 0 1 || ok=0
	ticks_on 1 1 || ok=0
	grep -q "idle: ticking" "$out.mixed" || ok=0
	! grep -q "sleeper: ticking" "$out.vm1c" 2>/dev/null || ok=0
	mon quit >/dev/null
	wait $qpid
	name=vm-resumed-from-a-snapshot-file-beside-a-booting-vm
	check '[ $ok = 1 ]'
	rm -f "$d0" "$d1" "$out.snap1"
}
multi_vm_snapshot_disk_test

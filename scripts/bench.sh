#!/usr/bin/env bash
# make bench: run the benchmark guest under the hypervisor and natively, both under
# -icount shift=0,sleep=off (instruction counts repeat exactly), print the table and
# write it into docs/benchmarks.md between the BENCH-TABLE markers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
B="$top/build"
bin="$B/guest/bench/bench.bin"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$here/run-guest" --kernel "$bin" --vcpus 2 --icount --timeout 120 </dev/null >"$out/hyp.log" 2>&1 \
	|| { echo "bench: the run under the hypervisor failed:"; tail -20 "$out/hyp.log"; exit 1; }
# Two vCPUs sharing one CPU: the world switch rows.
"$here/run-guest" --kernel "$bin" --vcpus 2 --smp 1 --icount --timeout 120 </dev/null >"$out/shared.log" 2>&1 \
	|| { echo "bench: the run with 2 vCPUs on 1 CPU failed:"; tail -20 "$out/shared.log"; exit 1; }
# Natively: QEMU's own loader, no EL2 (virtualization=off), so the guest is in SVC.
timeout 120 qemu-system-arm -M vexpress-a15,secure=off,virtualization=off -cpu cortex-a15 -smp 1 \
	-m 256M -nographic -audiodev none,id=snd0 -no-reboot -icount shift=0,sleep=off \
	-kernel "$bin" </dev/null >"$out/native.log" 2>&1 \
	|| { echo "bench: the native run failed:"; tail -20 "$out/native.log"; exit 1; }

value() { tr -d '\r' <"$out/$1.log" | awk -v n="$2" '$1 == "BENCH" && $3 == n { print $4 }'; }
describe() {
	case "$1" in
	hvc-round-trip) echo "HVC round trip (HYP_CALL_VERSION)" ;;
	mmio-read) echo "MMIO read, emulated (native: device register)" ;;
	mmio-write) echo "MMIO write, emulated (native: device register)" ;;
	hvc-full-context-cycle) echo "HVC + full context save/scrub/load/save (VFP incl.)" ;;
	gicd-read) echo "GICD read (GICD_TYPER): trapped and emulated" ;;
	gicd-write) echo "GICD write (GICD_IPRIORITYR byte): trapped and emulated" ;;
	gicc-iar-eoir) echo "GICC_IAR + GICC_EOIR (GICV: no trap)" ;;
	sgi-self-latency) echo "SGI to self: GICD_SGIR write to IRQ handler" ;;
	vtimer-latency) echo "virtual timer: CNTV_CTL enable (expired) to IRQ handler" ;;
	hvc-with-full-lrs) echo "HVC with 4 LRs in use (held: the guest moved nothing in them)" ;;
	ipi-other-vcpu-latency) echo "virtual IPI: GICD_SGIR write to the other vCPU's IRQ handler" ;;
	unmapped-ipa-abort-latency) echo "load from an unmapped IPA to the guest's abort handler" ;;
	ipi-switched-out-vcpu-latency) echo "virtual IPI to a switched-out vCPU (2 vCPUs, 1 CPU; the sender then WFIs): SGIR write to its handler" ;;
	vcpu-ping-pong-one-cpu) echo "SGI ping-pong between 2 vCPUs on 1 CPU: two world switches, two SGIs, two WFIs" ;;
	esac
}
table="| operation | under the hypervisor | native |
|---|---:|---:|"
for n in hvc-round-trip mmio-read mmio-write gicd-read gicd-write gicc-iar-eoir sgi-self-latency \
	vtimer-latency ipi-other-vcpu-latency unmapped-ipa-abort-latency hvc-with-full-lrs hvc-full-context-cycle; do
	h=$(value hyp "$n")
	[ -n "$h" ] || { echo "bench: no figure for $n"; cat "$out/hyp.log"; exit 1; }
	nat=$(value native "$n")
	table+="
| $(describe "$n") | $h | ${nat:-n/a} |"
done
for n in ipi-switched-out-vcpu-latency vcpu-ping-pong-one-cpu; do
	h=$(value shared "$n")
	[ -n "$h" ] || { echo "bench: no figure for $n"; cat "$out/shared.log"; exit 1; }
	table+="
| $(describe "$n") | $h | n/a |"
done

# ---- Linux boot time, under the hypervisor and natively, side by side ----
"$here/fetch-linux.sh" || { echo "bench: no Linux guest (fetch-linux failed)"; exit 1; }
# Milliseconds from QEMU's start to init's first line, and to QEMU's exit (power-off).
time_boot() {
	local start now init=
	start=$(date +%s%N)
	while IFS= read -r line; do
		case "$line" in
		*"hyp-linux: init started"*) now=$(date +%s%N); init=$(( (now - start) / 1000000 )) ;;
		esac
	done < <("$@" </dev/null 2>&1)
	now=$(date +%s%N)
	echo "${init:-?} $(( (now - start) / 1000000 ))"
}
append="console=ttyAMA0 hyptest hypcpus=2"
native_dtb=$(ls "$B"/linux/kernel/usr/lib/linux-image-*/vexpress-v2p-ca15-tc1.dtb | head -1)
# Three boots of each, alternating, and the median of each column: one pair of boots on a
# 2-core host varies by 20 percent with how QEMU's threads get scheduled.
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$out/boots-hyp"
: >"$out/boots-nat"
: >"$out/boots-two"
linux=(--kernel "$B/linux/zImage" --initrd "$B/linux/initramfs.cpio.gz" --append "$append" --vcpus 2 --mem 256M)
for round in 1 2 3; do
	time_boot "$here/run-guest" --kernel "$B/linux/zImage" --initrd "$B/linux/initramfs.cpio.gz" \
		--append "$append" --vcpus 2 --mem 256M --timeout 300 >>"$out/boots-hyp"
	time_boot timeout 300 qemu-system-arm -M vexpress-a15,secure=off,virtualization=on \
		-cpu cortex-a15 -smp 2 -m 256M -nographic -audiodev none,id=snd0 -kernel "$B/linux/zImage" \
		-dtb "$native_dtb" -initrd "$B/linux/initramfs.cpio.gz" -append "$append" >>"$out/boots-nat"
	# Two such VMs side by side on the same 2 CPUs (VM 1's console to a file).
	time_boot "$here/run-guest" "${linux[@]}" --vm "${linux[@]}" --console "file:$out/two-vm1.log" \
		--timeout 300 >>"$out/boots-two"
done
hyp_init=$(awk '{ print $1 }' "$out/boots-hyp" | median)
hyp_off=$(awk '{ print $2 }' "$out/boots-hyp" | median)
nat_init=$(awk '{ print $1 }' "$out/boots-nat" | median)
nat_off=$(awk '{ print $2 }' "$out/boots-nat" | median)
two_init=$(awk '{ print $1 }' "$out/boots-two" | median)
two_off=$(awk '{ print $2 }' "$out/boots-two" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a ~ /^[0-9]+$/) printf "%.2f", a / b; else print "?" }'; }
boot_table="| Linux 6.1 armmp, 2 CPUs, busybox initramfs (wall clock, ms, median of 3) | under the hypervisor | native (HYP boot) | ratio |
|---|---:|---:|---:|
| QEMU start to init's first line | $hyp_init | $nat_init | $(ratio "$hyp_init" "$nat_init") |
| QEMU start to power-off (in-guest checks included) | $hyp_off | $nat_off | $(ratio "$hyp_off" "$nat_off") |

| the same, under the hypervisor (wall clock, ms, median of 3) | one VM | two VMs side by side | ratio |
|---|---:|---:|---:|
| QEMU start to VM 0's init | $hyp_init | $two_init | $(ratio "$two_init" "$hyp_init") |
| QEMU start to power-off (of the last VM) | $hyp_off | $two_off | $(ratio "$two_off" "$hyp_off") |"

# ---- Idle physical CPUs: host CPU time while a 1-vCPU guest computes on 2 CPUs ----
# The guest computes for 4 s of its own counter's time; the second physical CPU has no
# vCPU. Host CPU time is QEMU's user + sys (the subshell's children: a fork starts them
# at zero), beside the wall-clock time of the run; "rounds" is the work the guest got done.
cpu_run() {
	local name=$1 t0 t1 cpu
	shift
	t0=$(date +%s%N)
	cpu=$( ( "$@" </dev/null >"$out/compute-$name.log" 2>&1; times ) | tail -1 |
		awk '{ split($1, u, "m"); split($2, s, "m"); printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1000 }')
	t1=$(date +%s%N)
	rounds=$(tr -d '\r' <"$out/compute-$name.log" | awk '$1 == "COMPUTE" { print $6 }')
	[ -n "$rounds" ] || { echo "bench: the compute guest ($name) failed:"; tail -20 "$out/compute-$name.log"; exit 1; }
	echo "$cpu $(( (t1 - t0) / 1000000 )) $rounds"
}
compute="$B/guest/bench/compute.bin"
read -r c2 w2 r2 < <(cpu_run hyp2 "$here/run-guest" --kernel "$compute" --smp 2 --timeout 120)
read -r c1 w1 r1 < <(cpu_run hyp1 "$here/run-guest" --kernel "$compute" --smp 1 --timeout 120)
read -r cn wn rn < <(cpu_run native2 timeout 120 qemu-system-arm -M vexpress-a15,secure=off,virtualization=off \
	-cpu cortex-a15 -smp 2 -m 256M -nographic -audiodev none,id=snd0 -no-reboot -kernel "$compute")
idle_row() {
	awk -v what="$1" -v c="$2" -v w="$3" -v r="$4" -v r1="$r1" 'BEGIN {
		printf "| %s | %.2f | %.2f | %.2f | %.2f |\n", what, c / 1000, w / 1000, c / w, r / r1 }'
}
idle_table="| 1 vCPU computing for 4 s (wall clock) | host CPU s | wall s | host CPU s per wall s | work done, against --smp 1 |
|---|---:|---:|---:|---:|
$(idle_row "under the hypervisor, 2 physical CPUs" "$c2" "$w2" "$r2")
$(idle_row "under the hypervisor, 1 physical CPU" "$c1" "$w1" "$r1")
$(idle_row "native, 2 CPUs (the second in QEMU's boot loop)" "$cn" "$wn" "$rn")"

boot_table+="

$idle_table"

# ---- Snapshots: what a snapshot and a restore cost against guest RAM, beside memcpy ----
"$here/run-guest-driven" --kernel "$B/guest/bench/snapbench.bin" --mem 64M --icount --timeout 300 \
	</dev/null >"$out/snap.log" 2>&1 || { echo "bench: the snapshot benchmark failed:"; tail -20 "$out/snap.log"; exit 1; }
# One line per fill (0, 16, 48 MiB of data): ticks of snapshot, restore, memcpy; bytes.
snap_rows=$(tr -d '\r' <"$out/snap.log" | awk '/^host: monitor snapbench -> ok/ {
	print $8, $11, $14, $16 }')
[ "$(echo "$snap_rows" | wc -l)" = 3 ] || { echo "bench: no snapshot figures"; cat "$out/snap.log"; exit 1; }
snap_table=$(echo "$snap_rows" | awk '
	{ s[NR] = $1 * 16; r[NR] = $2 * 16; m[NR] = $3 * 16; b[NR] = $4 }
	END {
		fill[1] = 0; fill[2] = 16; fill[3] = 48
		print "| 64 MiB guest, MiB of it data | snapshot (instructions) | restore | snapshot size (bytes) |"
		print "|---:|---:|---:|---:|"
		for (i = 1; i <= 3; i++) printf "| %d | %d | %d | %d |\n", fill[i], s[i], r[i], b[i]
		ps = (s[3] - s[2]) / 32 + s[1] / 64; pr = (r[3] - r[2]) / 32 + r[1] / 64; pm = m[1] / 64
		printf "\n| per MiB | snapshot | restore | memcpy of guest RAM |\n|---|---:|---:|---:|\n"
		printf "| of data | %d (%.1fx memcpy) | %d (%.1fx) | %d |\n", ps, ps / pm, pr, pr / pm, pm
		printf "| of zero pages (left out) | %d (%.1fx) | %d (%.1fx) | %d |\n", s[1] / 64, s[1] / 64 / pm, r[1] / 64, r[1] / 64 / pm, pm
	}')
# The Linux guest's snapshot (2 vCPUs, 256 MiB): its size, from the in-guest snapshot test.
"$here/run-guest-driven" --kernel "$B/linux/zImage" --initrd "$B/linux/initramfs.cpio.gz" \
	--append "console=ttyAMA0 hypsnap" --vcpus 2 --mem 256M --timeout 300 </dev/null >"$out/linux-snap.log" 2>&1 || true
linux_snap=$(tr -d '\r' <"$out/linux-snap.log" | awk '/^host: monitor snapshot -> ok/ && !n++ { print $7 }')
snap_table+="

Linux 6.1 armmp, 2 vCPUs, 256 MiB of RAM, after boot with a workload running: snapshot of
${linux_snap:-?} bytes."

# ---- The snapshot disk: Linux suspended to it and resumed in a new QEMU, 256 and 512 MiB ----
# Wall-clock figures (the hypervisor's own counter, not -icount: the disk is the host's),
# beside dd writing and reading the same bytes on the same file system with the page cache
# bypassed (oflag/iflag=direct) and an fsync, which is what the hypervisor's flush asks.
ms_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) / 1000000 }'; }
disk_table="| Linux, 2 vCPUs | snapshot (bytes) | suspend: taken + on the disk, flushed (ms) | resume: read back and checked + restored (ms) | dd write + fsync (ms) | dd read (ms) |
|---|---:|---:|---:|---:|---:|"
for mem in 256 512; do
	img="$out/disk-$mem.img" log="$out/linux-disk-$mem.log"
	rm -f "$img"
	"$here/run-guest-driven" --kernel "$B/linux/zImage" --initrd "$B/linux/initramfs.cpio.gz" \
		--append "console=ttyAMA0 hypdisk" --vcpus 2 --mem "${mem}M" --timeout 300 \
		--snapshot-disk "$img" </dev/null >"$log" 2>&1 || { echo "bench: Linux to the disk failed:"; tail -20 "$log"; exit 1; }
	# The first suspend (generation 1) and the first resume, from the hypervisor's log lines.
	first() { tr -d '\r' <"$log" | awk -v p="$1" -v f="$2" '$0 ~ p && !n++ { print $(NF - f) }'; }
	taken=$(first 'bytes taken in' 1)
	w=$(first 'snapshot disk: generation 1, .* bytes to slot' 1)
	bytes=$(first 'snapshot disk: generation 1, .* bytes to slot' 7)
	r=$(first 'snapshot disk: generation 1, .* bytes read from slot' 1)
	restored=$(first 'from the snapshot disk .restored in' 1)
	restored=${restored%)}
	"$here/snapshot" extract "$img" -o "$out/snap-$mem" >/dev/null
	"$here/snapshot" list "$img" >/dev/null # the tool reads the same bytes
	rm -f "$out/dd-$mem"
	t0=$(date +%s%N)
	dd if="$out/snap-$mem" of="$out/dd-$mem" bs=1M oflag=direct conv=fsync status=none
	t1=$(date +%s%N)
	dd if="$out/dd-$mem" of=/dev/null bs=1M iflag=direct status=none
	t2=$(date +%s%N)
	disk_table+="
| $mem MiB | $bytes | $taken + $w = $((taken + w)) | $r + $restored = $((r + restored)) | $(ms_of "$t0" "$t1") | $(ms_of "$t1" "$t2") |"
	rm -f "$img" "$out/dd-$mem" "$out/snap-$mem"
done
snap_table+="

$disk_table"

echo "Instructions per operation (QEMU $(qemu-system-arm --version | head -1 | awk '{print $4}'), -icount shift=0,sleep=off):"
echo "$table"
echo
echo "$boot_table"
echo
echo "$snap_table"

doc="$top/docs/benchmarks.md"
if [ -f "$doc" ] && grep -q '<!-- BENCH-TABLE -->' "$doc"; then
	awk -v t="$table" -v b="$boot_table" -v sn="$snap_table" '
		/<!-- SNAP-TABLE -->/ { print; print sn; skip = 1; next }
		/<!-- \/SNAP-TABLE -->/ { skip = 0 }
		/<!-- BENCH-TABLE -->/ { print; print t; skip = 1; next }
		/<!-- \/BENCH-TABLE -->/ { skip = 0 }
		/<!-- BOOT-TABLE -->/ { print; print b; skip = 1; next }
		/<!-- \/BOOT-TABLE -->/ { skip = 0 }
		!skip' "$doc" >"$out/doc" && cp "$out/doc" "$doc"
	echo "(written to docs/benchmarks.md)"
fi

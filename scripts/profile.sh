#!/usr/bin/env bash
# make profile: where the trap path's instructions go. Runs the benchmark guest built with
# few iterations (bench-prof.bin) under the hypervisor with QEMU tracing every instruction
# (-singlestep -d exec,nochain), splits the trace where the guest calls bench_mark() (once
# before each benchmark), and prints per benchmark the Hyp-mode instructions per operation,
# the exits per operation and the functions they were spent in. The per-operation total
# matches `make bench` to within the few instructions the loop itself adds. A developer's
# tool: not part of `make test`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
B="$top/build"
command -v python3 >/dev/null || { echo "profile: python3 not found (apt-get install python3)"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$here/run-guest" --kernel "$B/guest/bench/bench-prof.bin" --vcpus 2 --timeout 300 \
	-- -singlestep -d exec,nochain -D "$out/trace.log" </dev/null >"$out/run.log" 2>&1 \
	|| { echo "profile: the run failed:"; tail -20 "$out/run.log"; exit 1; }
arm-none-eabi-nm -n "$B/hyp.elf" >"$out/hyp.sym"
arm-none-eabi-nm -n "$B/guest/bench/bench-prof.elf" >"$out/guest.sym"
python3 "$here/profile_report.py" "$out/trace.log" "$out/hyp.sym" "$out/guest.sym" "$out/run.log" \
	"${PROF_N:-200}" "${PROF_NLAT:-50}" "${PROFILE_TOP:-12}"

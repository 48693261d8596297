#!/usr/bin/env bash
# make debug: QEMU halted at the first instruction with a gdb stub on :1234, and
# gdb-multiarch attached with the hypervisor's symbols (build/hyp.gdb).
#   scripts/debug.sh GUEST_IMAGE [run-guest options]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
"$here/setup.sh" --debug
guest=${1:?usage: scripts/debug.sh GUEST_IMAGE [run-guest options]}
shift
gdbinit="$top/build/hyp.gdb"
cat >"$gdbinit" <<GDB
set architecture armv7
file $top/build/hyp.elf
target remote localhost:1234
# Useful places: every guest exit, and the panic paths.
break panic
break hyp_exception_panic
echo \nHalted at the reset vector. 'continue' to boot; 'break vcpu_handle_exit' to stop on every exit.\n
GDB
"$here/run-guest" --kernel "$guest" "$@" -- -S -gdb tcp::1234 &
qemu_pid=$!
trap 'kill $qemu_pid 2>/dev/null || true' EXIT
sleep 1
gdb-multiarch -q -x "$gdbinit"

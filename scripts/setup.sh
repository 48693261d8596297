#!/usr/bin/env bash
# Install what building, running and testing the hypervisor needs (Debian 12).
# Quick and silent when everything is there. `scripts/setup.sh --debug` adds gdb-multiarch.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have arm-none-eabi-gcc || need+=(gcc-arm-none-eabi)
# newlib: the Thumb-2 ARMv7-A soft-float libc the Makefile links.
[ -f /usr/lib/arm-none-eabi/lib/thumb/v7-a/nofp/libc.a ] || need+=(libnewlib-arm-none-eabi)
have qemu-system-arm || need+=(qemu-system-arm)
have dtc || need+=(device-tree-compiler)
have cpio || need+=(cpio)
have gcc || need+=(gcc)
have make || need+=(make)
have timeout || need+=(coreutils)
have python3 || need+=(python3) # scripts/monitor on a Unix socket (the tests drive it so)
if [ "${1:-}" = --debug ]; then
	have gdb-multiarch || need+=(gdb-multiarch)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "setup: installing ${need[*]}" >&2
sudo=
if [ "$(id -u)" -ne 0 ]; then
	if have sudo; then
		sudo=sudo
	else
		echo "setup: missing packages: ${need[*]}; install them as root: apt-get install ${need[*]}" >&2
		exit 1
	fi
fi
if ! have apt-get; then
	echo "setup: no apt-get here; install the equivalents of: ${need[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get update -qq >/dev/null || ! $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; then
	echo "setup: apt-get could not install ${need[*]} (is the Debian mirror reachable?)" >&2
	exit 1
fi

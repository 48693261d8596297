#!/usr/bin/env bash
# Fetch Debian's armhf kernels (armmp and armmp-lpae) and busybox-static and build the
# Linux guest's initramfs, cached in build/linux (never committed):
#   build/linux/zImage, build/linux/zImage-lpae, build/linux/initramfs.cpio.gz,
#   build/linux/dtbs/vexpress-v2p-ca15_a7.dtb (TC2) and vexpress-v2p-ca15-tc1.dtb (TC1),
#   build/linux/versions
# Quick when the cache is there. Needs root (or sudo) for dpkg --add-architecture.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out="$top/build/linux"
pins="$here/linux-versions.txt"
mkdir -p "$out"

fresh() { [ -f "$out/$1" ] && [ "$out/$1" -nt "$pins" ] && [ "$out/$1" -nt "$top/guest/linux/init" ] \
	&& [ "$out/$1" -nt "$top/guest/linux/hyptest.sh" ] && [ "$out/$1" -nt "$top/guest/linux/snaptest.sh" ]; }
if fresh zImage && fresh zImage-lpae && fresh initramfs.cpio.gz && fresh dtbs/vexpress-v2p-ca15_a7.dtb; then
	exit 0
fi

die() { echo "fetch-linux: $*" >&2; exit 1; }
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
command -v dpkg-deb >/dev/null || die "dpkg-deb not found: this needs Debian's dpkg"
command -v cpio >/dev/null || die "cpio not found: apt-get install cpio"

if ! dpkg --print-foreign-architectures | grep -qx armhf; then
	$sudo dpkg --add-architecture armhf || die "could not add the armhf architecture (dpkg --add-architecture armhf)"
	$sudo apt-get update -qq >/dev/null 2>&1 || true
fi

dl="$out/debs"
mkdir -p "$dl"
chmod 777 "$dl" # apt's download user must be able to write here
fetch() { # package, pinned version
	local pkg=$1 ver=$2
	if (cd "$dl" && apt-get download -qq "$pkg:armhf=$ver") >/dev/null 2>&1; then
		echo "$pkg=$ver"
		return
	fi
	# Perhaps the package lists are old, or the pin is gone from the mirror.
	$sudo apt-get update -qq >/dev/null 2>&1 || true
	if (cd "$dl" && apt-get download -qq "$pkg:armhf=$ver") >/dev/null 2>&1; then
		echo "$pkg=$ver"
		return
	fi
	echo "fetch-linux: $pkg $ver is not on the mirror any more; taking the current version" >&2
	(cd "$dl" && apt-get download -qq "$pkg:armhf") >/dev/null 2>&1 \
		|| die "could not download $pkg:armhf: is the Debian mirror reachable? (apt-get update; apt-get download $pkg:armhf)"
	echo "$pkg=$(dpkg-deb -f "$(ls -t "$dl"/"${pkg}"_*.deb | head -1)" Version)"
}

: >"$out/versions.new"
while IFS='=' read -r pkg ver; do
	case "$pkg" in ''|\#*) continue ;; esac
	fetch "$pkg" "$ver" >>"$out/versions.new"
done <"$pins"

rm -rf "$out/kernel" "$out/kernel-lpae" "$out/busybox" "$out/rootfs" "$out/dtbs"
deb() { ls -t "$dl"/"$1"_*.deb 2>/dev/null | head -1; }
pkg() { sed -n "s/^\($1\)=.*/\1/p" "$out/versions.new"; } # the package name taken
dpkg-deb -x "$(deb "$(pkg 'linux-image-[^=]*-armmp')")" "$out/kernel"
dpkg-deb -x "$(deb "$(pkg 'linux-image-[^=]*-armmp-lpae')")" "$out/kernel-lpae"
dpkg-deb -x "$(deb busybox-static)" "$out/busybox"
cp "$(ls "$out"/kernel/boot/vmlinuz-* | head -1)" "$out/zImage"
cp "$(ls "$out"/kernel-lpae/boot/vmlinuz-* | head -1)" "$out/zImage-lpae"
# The Versatile Express boards' own device trees, as the kernel package ships them.
mkdir -p "$out/dtbs"
cp "$out"/kernel/usr/lib/linux-image-*/vexpress-v2p-ca15*.dtb "$out/dtbs/"

# The initramfs: busybox, /init and the in-guest test scripts.
r="$out/rootfs"
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/tmp" "$r/root"
cp "$out/busybox/bin/busybox" "$r/bin/busybox"
install -m 755 "$top/guest/linux/init" "$r/init"
install -m 755 "$top/guest/linux/hyptest.sh" "$r/hyptest.sh"
install -m 755 "$top/guest/linux/snaptest.sh" "$r/snaptest.sh"
(cd "$r" && find . | cpio -o -H newc --quiet | gzip -9) >"$out/initramfs.cpio.gz"
mv "$out/versions.new" "$out/versions"
echo "fetch-linux: built build/linux/zImage and build/linux/initramfs.cpio.gz from:" >&2
sed 's/^/  /' "$out/versions" >&2

#!/usr/bin/env bash
# Fetch the Debian kernels that `make vmtest` boots under qemu, without
# installing them: `apt-get download` + `dpkg-deb`, nothing under /boot or
# /lib/modules of this machine is touched.
#
# usage: tests/vm/fetch-kernels.sh [CACHE_DIR]
#   CACHE_DIR defaults to $VM_KERNEL_DIR, else <repo>/build/vm/kernels.
#
# Kernels (Debian 12 "cloud" flavour: small, virtio/8250 builtin):
#   6.1-old   linux-image-6.1.0-47-cloud-amd64-unsigned   (upstream 6.1.170)
#   6.1-new   newest linux-image-6.1.0-N-cloud-amd64-unsigned in the apt lists
#   6.12      newest linux-image-6.12.*+deb12-cloud-amd64-unsigned
# Override any of them with VM_PKG_61_OLD / VM_PKG_61_NEW / VM_PKG_612.
#
# Output (stdout, also written to CACHE_DIR/kernels.list), one line per kernel:
#   <label> <release> <path to vmlinuz>
# A kernel already extracted in the cache is reused; the "newest" packages are
# looked up in the apt lists each time and fall back to the newest cached one
# when the lists are unavailable (offline).
#
# Exit codes: 0 ok, 77 apt/dpkg-deb unavailable or a package cannot be had
# (the caller turns this into a SKIP), 1 anything else (e.g. a kernel lacking
# a builtin feature the initramfs boot needs).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${1:-${VM_KERNEL_DIR:-$repo/build/vm/kernels}}

die() { echo "fetch-kernels.sh: $*" >&2; exit 1; }
skip() { echo "fetch-kernels.sh: $*" >&2; exit 77; }

for t in apt-get apt-cache dpkg-deb tar; do
	command -v "$t" >/dev/null || skip "'$t' not found (not a Debian system?)"
done
mkdir -p "$cache"

# newest_pkg REGEX GLOB: the newest package matching REGEX in the apt lists,
# else the newest already extracted into the cache matching GLOB.
newest_pkg() {
	local regex=$1 glob=$2 found
	found=$(apt-cache search --names-only "$regex" 2>/dev/null |
		awk '{print $1}' | sort -V | tail -n 1)
	if [ -z "$found" ]; then
		# $glob unquoted on purpose: it is a pattern over cached dirs.
		# shellcheck disable=SC2086
		found=$(cd "$cache" && for d in $glob; do
			if [ -d "$d/boot" ]; then echo "$d"; fi
		done | sort -V | tail -n 1)
		if [ -n "$found" ]; then
			echo "fetch-kernels.sh: apt lists have no '$regex';" \
				"using cached $found (run apt-get update for newer ones)" >&2
		fi
	fi
	echo "$found"
}

# Builtin (=y) options without which the initramfs boot or the loader cannot
# work.  Everything the VM needs is inside the initramfs, so no disk, 9p or
# virtio drivers are required, and modules are never loaded.
required_config=(
	CONFIG_BLK_DEV_INITRD	# the initramfs itself
	CONFIG_DEVTMPFS		# /dev/console, /dev/ttyS1 without mknod
	CONFIG_PROC_FS CONFIG_SYSFS
	CONFIG_BINFMT_ELF	# static busybox and loader
	CONFIG_BINFMT_SCRIPT	# /init is a shell script
	CONFIG_SERIAL_8250 CONFIG_SERIAL_8250_CONSOLE	# console and results
	CONFIG_BPF_SYSCALL CONFIG_BPF_JIT
)

check_config() {
	local cfg=$1 opt missing=()
	for opt in "${required_config[@]}"; do
		grep -qx "$opt=y" "$cfg" || missing+=("$opt")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		die "$cfg: needs builtin ${missing[*]} (modules are not supported by run.sh)"
	fi
}

# fetch PKG -> prints "<release> <vmlinuz>"; extracts only ./boot (vmlinuz,
# config, System.map): the 90 MB of modules are not needed.
fetch() {
	local pkg=$1 dir=$cache/$1 deb tmp vmlinuz
	if ! compgen -G "$dir/boot/vmlinuz-*" >/dev/null; then
		tmp=$(mktemp -d "$cache/.dl.XXXXXX")
		# apt-get download drops root privileges to _apt, which may not
		# be able to write here; root itself can, so disable the sandbox.
		if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
			rm -rf "$tmp"
			skip "apt-get download $pkg failed (no network or unknown package; try apt-get update)"
		fi
		deb=$(ls "$tmp"/*.deb)
		mkdir -p "$tmp/x"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" ./boot ||
			die "cannot extract ./boot from $deb"
		rm -rf "$dir"
		mv "$tmp/x" "$dir"
		cp /dev/null "$dir/.from-$(basename "$deb")"
		rm -rf "$tmp"
	fi
	for vmlinuz in "$dir"/boot/vmlinuz-*; do break; done
	check_config "$dir/boot/config-${vmlinuz##*/vmlinuz-}"
	echo "${vmlinuz##*/vmlinuz-} $vmlinuz"
}

old61=${VM_PKG_61_OLD:-linux-image-6.1.0-47-cloud-amd64-unsigned}
new61=${VM_PKG_61_NEW:-$(newest_pkg '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' 'linux-image-6.1.0-*-cloud-amd64-unsigned')}
k612=${VM_PKG_612:-$(newest_pkg '^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64-unsigned$' 'linux-image-6.12.*+deb12-cloud-amd64-unsigned')}
[ -n "$new61" ] || skip "no linux-image-6.1.0-*-cloud-amd64-unsigned in the apt lists (run apt-get update)"
[ -n "$k612" ] || skip "no linux-image-6.12.*+deb12-cloud-amd64-unsigned in the apt lists (run apt-get update)"

# Plain assignments so that a failing fetch (exit 1 or 77) ends the script
# with its own code under set -e.
r_old=$(fetch "$old61")
list="6.1-old $r_old"
if [ "$new61" != "$old61" ]; then
	r_new=$(fetch "$new61")
	list+=$'\n'"6.1-new $r_new"
fi
r_612=$(fetch "$k612")
list+=$'\n'"6.12 $r_612"
printf '%s\n' "$list" >"$cache/kernels.list"
printf '%s\n' "$list"

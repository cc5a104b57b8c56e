#!/usr/bin/env bash
# Build the test oracle (tests/kernel/loader.c) twice:
#   OUTDIR/loader         dynamically linked, for the host (tests/kernel/host.sh)
#   OUTDIR/loader-static  fully static, for the qemu initramfs (tests/vm/run.sh),
#                         which has no libc, libbpf or libelf of its own.
# Both use Debian's libbpf 1.1.2 so host and VM records come from the same code.
#
# usage: build-loader.sh [OUTDIR]     (default: <repo>/build/kernel)
# Rebuilds only when loader.c is newer than the binaries.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/build/kernel}
src=$here/loader.c
cc=${CC:-cc}
cflags=(-std=c11 -O2 -g -Wall -Wextra -Werror)
libdir=/usr/lib/x86_64-linux-gnu

die() { echo "build-loader.sh: $*" >&2; exit 1; }

[ -f /usr/include/bpf/libbpf.h ] || die "libbpf headers missing (apt-get install libbpf-dev)"
command -v "$cc" >/dev/null || die "no C compiler '$cc'"
mkdir -p "$out"

if [ ! -x "$out/loader" ] || [ "$src" -nt "$out/loader" ]; then
	"$cc" "${cflags[@]}" -o "$out/loader.tmp" "$src" -lbpf -lelf -lz ||
		die "building $out/loader failed"
	mv "$out/loader.tmp" "$out/loader"
fi

if [ ! -x "$out/loader-static" ] || [ "$src" -nt "$out/loader-static" ]; then
	for a in libbpf.a libelf.a libz.a; do
		[ -f "$libdir/$a" ] || die "$libdir/$a missing (libbpf-dev, libelf-dev, zlib1g-dev)"
	done
	# Name the archives explicitly: -static with -lbpf would do the same,
	# but a missing .a then fails with a less obvious message.
	"$cc" "${cflags[@]}" -static -o "$out/loader-static.tmp" "$src" \
		"$libdir/libbpf.a" "$libdir/libelf.a" "$libdir/libz.a" ||
		die "building $out/loader-static failed"
	mv "$out/loader-static.tmp" "$out/loader-static"
fi

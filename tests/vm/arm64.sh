#!/usr/bin/env bash
# `make vmtest-arm64`: Debian's arm64 cloud kernels under qemu-system-aarch64
# (software emulation, no KVM), each probed with `bpf-preflight probe`, and
# every fact the probe measured compared with the fact table's arm64 row
# (tests/lib/profile-vs-table.py). This is what makes the table's arm64
# rows (JIT rounding, tail calls in subprograms, the tail-call hierarchy,
# inlined bpf_get_smp_processor_id, ...) measurements rather than readings
# of the arm64 JIT's source.
#
# usage: tests/vm/arm64.sh
#
# What it needs and gets, as root on Debian 12 (a CI machine starts bare):
#   - dpkg's arm64 architecture and apt lists for it (dpkg --add-architecture
#     arm64; apt-get update), qemu-system-arm, gcc-aarch64-linux-gnu;
#   - apt-get download (never installed, only unpacked into a sysroot under
#     build/vm-arm64/root): busybox-static, libc6, libbpf, libelf, libdwarf,
#     libcjson, zlib, libzstd (and their -dev packages) for arm64, and the
#     kernels: 6.1.0-47 (6.1.170), the newest 6.1.0-N and the newest 6.12;
#   - bpf-preflight cross-built against that sysroot (make BUILD=build/arm64),
#     copied into a tiny initramfs with its libraries and ld.so.
# Each kernel boots once (about 20 s), runs the probe, prints the profile
# between markers on the console, and powers off; the profile is filed as
# build/vm-arm64/profile-<uname -r>.json.
#
# Exit: 0 every kernel probed and equal to the table; 1 a boot or probe
# failed, or a measured fact differs; 77 "SKIP: <reason>" when the pieces
# cannot be had (not root, no apt, no package).
# Environment: ARM64_KERNELS="6.1.0-47 ..." narrows the kernels (the part
# before -cloud-arm64); VM_TIMEOUT (default 300 s per boot).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=$repo/build/vm-arm64
root=$out/root
timeout_s=${VM_TIMEOUT:-300}

die() { echo "arm64.sh: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

command -v apt-get >/dev/null || skip "no apt-get (not a Debian system)"
mkdir -p "$out"

# ---- tools: qemu and the cross compiler --------------------------------
if ! command -v qemu-system-aarch64 >/dev/null || ! command -v aarch64-linux-gnu-gcc >/dev/null ||
   ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[ "$(id -u)" -eq 0 ] || skip "not root: cannot install qemu-system-arm, gcc-aarch64-linux-gnu"
	echo "arm64.sh: installing qemu-system-arm, gcc-aarch64-linux-gnu and arm64 apt lists"
	dpkg --add-architecture arm64
	if ! apt-get update -qq >"$out/apt.log" 2>&1; then
		# a mirror without arm64 must not leave later apt-get runs failing
		dpkg --remove-architecture arm64 2>/dev/null || true
		apt-get update -qq >>"$out/apt.log" 2>&1 || true
		skip "apt-get update failed with arm64 added (see $out/apt.log)"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-arm gcc-aarch64-linux-gnu \
		>>"$out/apt.log" 2>&1 || skip "cannot install qemu-system-arm gcc-aarch64-linux-gnu (see $out/apt.log)"
fi
mkdir -p "$out/debs"

# ---- packages: kernels and the sysroot -----------------------------------
newest() { apt-cache search --names-only "$1" 2>/dev/null | awk '{print $1}' | sort -V | tail -n 1; }
k61new=$(newest '^linux-image-6\.1\.0-[0-9]+-cloud-arm64-unsigned$')
k612=$(newest '^linux-image-6\.12\.[0-9]+\+deb12-cloud-arm64-unsigned$')
[ -n "$k61new" ] && [ -n "$k612" ] || skip "no arm64 cloud kernels in the apt lists (apt-get update?)"
pkgs=(linux-image-6.1.0-47-cloud-arm64-unsigned "$k61new" "$k612"
      busybox-static libc6 libbpf1 libelf1 libdwarf1 libcjson1 zlib1g libzstd1
      libbpf-dev libelf-dev libdwarf-dev libcjson-dev zlib1g-dev libzstd-dev)
need=()
for p in "${pkgs[@]}"; do
	compgen -G "$out/debs/${p}_*_arm64.deb" >/dev/null || need+=("$p:arm64")
done
if [ ${#need[@]} -gt 0 ]; then
	(cd "$out/debs" && apt-get download -qq "${need[@]}") >"$out/download.log" 2>&1 ||
		skip "apt-get download failed: $(grep -m1 -E '^E:' "$out/download.log" || tail -n1 "$out/download.log")"
fi
if [ ! -f "$root/.stamp" ] || [ -n "$(find "$out/debs" -newer "$root/.stamp" -name '*.deb')" ]; then
	rm -rf "$root" && mkdir -p "$root"
	for d in "$out"/debs/*.deb; do dpkg-deb -x "$d" "$root"; done
	touch "$root/.stamp"
fi

# ---- bpf-preflight for arm64 ----------------------------------------------
lib=$root/usr/lib/aarch64-linux-gnu
(cd "$repo" && make -s BUILD=build/arm64 BIN=build/arm64/bpf-preflight CC=aarch64-linux-gnu-gcc \
	PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$lib/pkgconfig" \
	LDFLAGS="-L$lib -Wl,-rpath-link,$lib -Wl,-rpath-link,$root/lib/aarch64-linux-gnu" \
	build/arm64/bpf-preflight) >"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log" >&2; die "the arm64 build failed"; }
bin=$repo/build/arm64/bpf-preflight

# ---- the initramfs ----------------------------------------------------------
stage=$out/stage
rm -rf "$stage" && mkdir -p "$stage"/{bin,dev,proc,sys,tmp,lib/aarch64-linux-gnu}
cp "$root/bin/busybox" "$stage/bin/"
for a in sh mount cat echo poweroff sync; do ln -s busybox "$stage/bin/$a"; done
aarch64-linux-gnu-strip -o "$stage/bin/bpf-preflight" "$bin"
cp -L "$root/lib/ld-linux-aarch64.so.1" "$stage/lib/"
# the libraries the binary names, and theirs (readelf -d NEEDED, to a fixpoint)
todo=("$stage/bin/bpf-preflight")
while [ ${#todo[@]} -gt 0 ]; do
	f=${todo[0]}
	todo=("${todo[@]:1}")
	for n in $(aarch64-linux-gnu-readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$stage/lib/aarch64-linux-gnu/$n" ] && continue
		src=$(find "$root/lib/aarch64-linux-gnu" "$lib" -maxdepth 1 -name "$n" 2>/dev/null | head -n 1)
		[ -n "$src" ] || die "library $n (needed by $(basename "$f")) not in the sysroot"
		cp -L "$src" "$stage/lib/aarch64-linux-gnu/$n"
		todo+=("$stage/lib/aarch64-linux-gnu/$n")
	done
done
[ "$(id -u)" -eq 0 ] && mknod -m 600 "$stage/dev/console" c 5 1
cat >"$stage/init" <<'EOF'
#!/bin/sh
# PID 1: probe the kernel, print the profile between markers, power off.
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
[ -w /proc/sys/net/core/bpf_jit_enable ] && echo 1 >/proc/sys/net/core/bpf_jit_enable
LD_LIBRARY_PATH=/lib/aarch64-linux-gnu /lib/ld-linux-aarch64.so.1 /bin/bpf-preflight \
	probe -o /tmp/profile.json 2>/tmp/probe.err
echo "===BPF-PREFLIGHT-PROBE-EXIT $?==="
cat /tmp/probe.err
echo "===BPF-PREFLIGHT-PROBE==="
cat /tmp/profile.json
echo "===BPF-PREFLIGHT-END==="
sync
poweroff -f
EOF
chmod +x "$stage/init"
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner 0:0 --quiet) \
	>"$out/initramfs.cpio" || die "cannot build the initramfs"

# ---- boot each kernel -------------------------------------------------------
failed=0
profiles=()
for pkg in linux-image-6.1.0-47-cloud-arm64-unsigned "$k61new" "$k612"; do
	rel=${pkg#linux-image-}
	rel=${rel%-unsigned}
	if [ -n "${ARM64_KERNELS:-}" ] && ! grep -qw -- "${rel%-cloud-arm64}" <<<"$ARM64_KERNELS"; then
		continue
	fi
	vmlinuz=$root/boot/vmlinuz-$rel
	[ -f "$vmlinuz" ] || die "$vmlinuz missing from $pkg"
	log=$out/console-$rel.txt
	start=$SECONDS
	# the console is the only port: the kernel is kept quiet (loglevel=1)
	# and the profile is cut out between the markers
	timeout -k 5 "$timeout_s" qemu-system-aarch64 -nographic -no-reboot -M virt -cpu max \
		-smp 1 -m 1G -kernel "$vmlinuz" -initrd "$out/initramfs.cpio" \
		-append "console=ttyAMA0 quiet loglevel=1 panic=-1" >"$log" 2>&1 || true
	st=$(tr -d '\r' <"$log" | sed -n 's/^===BPF-PREFLIGHT-PROBE-EXIT \([0-9]*\)===$/\1/p' | head -n 1)
	if [ "$st" != 0 ]; then
		echo "arm64: $rel: FAILED (probe exit '${st:-none}', $((SECONDS - start)) s); console:" >&2
		tail -n 15 "$log" >&2
		failed=1
		continue
	fi
	prof=$out/profile-$rel.json
	tr -d '\r' <"$log" | sed -n '/^===BPF-PREFLIGHT-PROBE===$/,/^===BPF-PREFLIGHT-END===$/p' |
		sed '1d;$d' >"$prof"
	echo "arm64: $rel: probed in $((SECONDS - start)) s -> ${prof#"$repo"/}"
	profiles+=("$prof")
done
[ ${#profiles[@]} -gt 0 ] || die "no kernel was probed"
python3 "$here/../lib/profile-vs-table.py" --bin "${PF_BIN:-$repo/bpf-preflight}" "${profiles[@]}" || failed=1
exit $failed

#!/usr/bin/env bash
# Boot one kernel under qemu with a tiny initramfs and run the oracle
# (tests/kernel/loader.c, statically linked) on BPF objects inside it.
#
# usage: tests/vm/run.sh KERNEL_VMLINUZ OBJ...
#
# Prints the loader's records on stdout (see loader.c; the first line is
# "KERNEL <uname -r inside the VM>"), with serial noise (\r) removed.  One
# boot serves all objects.
#
# Environment:
#   LOADER_STATIC  prebuilt static loader (default: build with build-loader.sh)
#   LOADER_ARGS    loader options (default "--all"; e.g. "--all --print-log")
#   VM_TIMEOUT     hard limit in seconds for the whole boot (default 120)
#   VM_MEM         guest memory (default 512M)
#   VM_ACCEL       tcg (default, software emulation) | kvm (see below)
#   VM_WORKDIR     keep the initramfs, console.log and results.raw here
#                  (default: a temporary directory, removed on success)
#   VM_CMDLINE_EXTRA  appended to the kernel command line
#   VM_PLAN        a plan file (tests/vm/freplace.plan): in the same boot,
#                  after the per-program records, run "loader --plan" on it
#                  over the OBJs plus VM_PLAN_OBJS; its records go to
#                  VM_PLAN_OUT (required with VM_PLAN), never to stdout
#   VM_PLAN_OBJS   extra objects only the plan uses (newline- or
#                  space-separated paths, e.g. libxdp's xdp-dispatcher.o)
#   VM_PROBE_BIN   a (dynamically linked) bpf-preflight: in the same boot,
#                  after the loader (and the plan) are done, run
#                  "bpf-preflight probe" on the booted kernel; its profile
#                  goes to VM_PROBE_OUT (required with VM_PROBE_BIN), never
#                  to stdout.  The binary, the libraries ldd names and the
#                  dynamic loader are copied into the initramfs.  A probe
#                  that fails prints its exit code and stderr here and
#                  leaves VM_PROBE_OUT absent; the records are unaffected.
#
# The guest writes the records to a second serial port (ttyS1 -> a file on
# the host), so kernel messages on the console (ttyS0) never interleave with
# them; markers delimit the records and carry the loader's exit code.
#
# Exit codes: 0 records complete, 1 boot/run failure (console tail on stderr),
# 2 usage, 77 qemu/busybox missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

die() { echo "run.sh: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

if [ $# -lt 2 ]; then
	echo "usage: $0 KERNEL_VMLINUZ OBJ..." >&2
	exit 2
fi
kernel=$1
shift
[ -r "$kernel" ] || die "kernel '$kernel' not readable"
for o in "$@"; do
	[ -f "$o" ] || die "object '$o' not found"
done
plan=${VM_PLAN:-}
plan_objs=()
if [ -n "$plan" ]; then
	[ -r "$plan" ] || die "VM_PLAN '$plan' not readable"
	[ -n "${VM_PLAN_OUT:-}" ] || die "VM_PLAN needs VM_PLAN_OUT (where the plan records go)"
	# shellcheck disable=SC2206  # paths without blanks, by contract
	plan_objs=(${VM_PLAN_OBJS:-})
	for o in "${plan_objs[@]}"; do
		[ -f "$o" ] || die "plan object '$o' not found"
	done
fi
probe_bin=${VM_PROBE_BIN:-}
if [ -n "$probe_bin" ]; then
	[ -x "$probe_bin" ] || die "VM_PROBE_BIN '$probe_bin' not executable"
	[ -n "${VM_PROBE_OUT:-}" ] || die "VM_PROBE_BIN needs VM_PROBE_OUT (where the profile goes)"
	rm -f "$VM_PROBE_OUT"
fi

qemu=$(command -v qemu-system-x86_64 || true)
[ -n "$qemu" ] || skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
command -v cpio >/dev/null || skip "cpio not installed"
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || skip "$busybox missing (apt-get install busybox-static)"
# The initramfs has no libc: a dynamic busybox (package "busybox") cannot run.
if command -v readelf >/dev/null && readelf -l "$busybox" 2>/dev/null | grep -q INTERP; then
	skip "$busybox is dynamically linked (apt-get install busybox-static)"
fi

if [ -z "${LOADER_STATIC:-}" ]; then
	"$repo/tests/kernel/build-loader.sh" "$repo/build/kernel"
	LOADER_STATIC=$repo/build/kernel/loader-static
fi
[ -x "$LOADER_STATIC" ] || die "static loader '$LOADER_STATIC' missing"

timeout_s=${VM_TIMEOUT:-120}
mem=${VM_MEM:-512M}

if [ -n "${VM_WORKDIR:-}" ]; then
	work=$VM_WORKDIR
	rm -rf "$work"
	mkdir -p "$work"
	keep_work=1
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/bpf-vm.XXXXXX")
	keep_work=0
fi
cleanup() { [ "$keep_work" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

# ---- initramfs -----------------------------------------------------------
stage=$work/root
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,objs}
cp "$busybox" "$stage/bin/busybox"
for applet in sh mount mkdir cat echo poweroff uname stty sleep sync; do
	ln -s busybox "$stage/bin/$applet"
done
cp "$LOADER_STATIC" "$stage/bin/loader"
# The probe is the host's own dynamically linked build (libcjson has no
# static archive on Debian): the binary, every library ldd resolves and the
# dynamic loader go to the same paths inside, so the ELF interpreter path
# and the search below hold.  The initramfs has no ld.so.cache, hence
# LD_LIBRARY_PATH over the directories the libraries came from.
probe_libpath=""
if [ -n "$probe_bin" ]; then
	# Stripped: its debug info is 3/4 of the file, and every byte of the
	# initramfs is copied and unpacked under emulation at each boot.
	if ! strip -o "$stage/bin/bpf-preflight" "$probe_bin" 2>/dev/null; then
		cp "$probe_bin" "$stage/bin/bpf-preflight"
	fi
	libs=$(ldd "$probe_bin") || die "ldd $probe_bin failed"
	if grep -q 'not found' <<<"$libs"; then
		die "ldd $probe_bin: a library is missing: $(grep 'not found' <<<"$libs" | tr -s '\t\n' '  ')"
	fi
	# "libx.so.1 => /lib/.../libx.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
	while read -r lib; do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
		case :$probe_libpath: in
		*:"$(dirname "$lib")":*) ;;
		*) probe_libpath+=${probe_libpath:+:}$(dirname "$lib") ;;
		esac
	done < <(sed -n 's/.*=> \(\/[^ ]*\) (0x.*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' <<<"$libs")
	# After the loader (and the plan): nothing it does can change their
	# records.  -o a file, so that only the profile is between the markers.
	cat >"$stage/run-probe.sh" <<EOF
#!/bin/sh
LD_LIBRARY_PATH=$probe_libpath /bin/bpf-preflight probe -o /tmp/profile.json 2>/tmp/probe.err
st=\$?
echo "===BPF-PREFLIGHT-PROBE==="
cat /tmp/profile.json 2>/dev/null
echo "===BPF-PREFLIGHT-PROBE-STDERR==="
cat /tmp/probe.err
echo "===BPF-PREFLIGHT-PROBE-EXIT \$st==="
EOF
	chmod +x "$stage/run-probe.sh"
fi

# The kernel opens /dev/console for init before /init can mount devtmpfs;
# without the node init starts with no stdio (and /init re-opens it anyway).
if [ "$(id -u)" -eq 0 ]; then
	mknod -m 600 "$stage/dev/console" c 5 1
fi

# Objects are stored as /objs/<n>.o and printed under the name they were
# given here (--as), so VM records match host records line for line.
# POSIX sh single-quote quoting: busybox ash knows no $'...'.
shq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
args=""
i=0
for o in "$@"; do
	cp "$o" "$stage/objs/$i.o"
	args+=" --as $(shq "$o") /objs/$i.o"
	i=$((i + 1))
done
if [ -z "$plan" ]; then
	printf '#!/bin/sh\nexec /bin/loader %s%s\n' "${LOADER_ARGS:---all}" "$args" >"$stage/run-loader.sh"
else
	# Same boot, second loader run: the experiments, over the same objects
	# plus the plan-only ones, after a marker that splits the results.
	cp "$plan" "$stage/plan.txt"
	pargs=$args
	j=0
	for o in "${plan_objs[@]}"; do
		cp "$o" "$stage/objs/p$j.o"
		pargs+=" --as $(shq "$o") /objs/p$j.o"
		j=$((j + 1))
	done
	# shellcheck disable=SC2016  # $rc, $prc: the guest shell's variables
	{
		printf '#!/bin/sh\n/bin/loader %s%s\nrc=$?\n' "${LOADER_ARGS:---all}" "$args"
		printf 'echo "===BPF-PREFLIGHT-PLAN==="\n'
		printf '/bin/loader --plan /plan.txt%s\nprc=$?\n' "$pargs"
		printf '[ $rc -ne 0 ] && exit $rc\nexit $prc\n'
	} >"$stage/run-loader.sh"
fi

cat >"$stage/init" <<'EOF'
#!/bin/sh
# PID 1 of the test VM: set up the minimum, run the loader, power off.
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
# Debian's kernels default to 1 (BPF_JIT_DEFAULT_ON); say it anyway, the
# verdicts on tail calls in subprograms depend on it.
[ -w /proc/sys/net/core/bpf_jit_enable ] && echo 1 >/proc/sys/net/core/bpf_jit_enable
out=/dev/ttyS1
[ -c "$out" ] || out=/dev/console
# Raw: no \n -> \r\n translation on the results port.
stty -F "$out" raw -echo 2>/dev/null || true
read -r up _ </proc/uptime
echo "bpf-preflight: init at ${up}s"
{
	echo "===BPF-PREFLIGHT-BEGIN==="
	/bin/sh /run-loader.sh
	echo "===BPF-PREFLIGHT-EXIT $?==="
	if [ -x /run-probe.sh ]; then
		read -r up _ </proc/uptime
		echo "bpf-preflight: loader done at ${up}s" >/dev/console
		/bin/sh /run-probe.sh
	fi
	echo "===BPF-PREFLIGHT-END==="
} >"$out"
read -r up _ </proc/uptime
if [ -x /run-probe.sh ]; then
	echo "bpf-preflight: probe done at ${up}s"
else
	echo "bpf-preflight: loader done at ${up}s"
fi
# Closing the tty waits for its output to drain; sync is for good measure.
sync
poweroff -f
EOF
chmod +x "$stage/init" "$stage/run-loader.sh"

(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --owner 0:0 --quiet) >"$work/initramfs.cpio" ||
	die "cannot build the initramfs"

# ---- boot ----------------------------------------------------------------
# Software emulation by default: it boots these kernels in about 3 s, and a
# /dev/kvm that exists is no proof that KVM works.  On the project's
# machines (themselves VMs) it does not: "-cpu host" aborts with "failed to
# set MSR 0x10a", and with other CPU models the guest hangs right after the
# kernel's decompressor, so "auto" would turn a 3 s run into a timeout.
# VM_ACCEL=kvm opts in where nested virtualisation works.
accel=${VM_ACCEL:-tcg}
case $accel in
kvm)
	if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then die "VM_ACCEL=kvm but /dev/kvm is not usable"; fi
	accel_args=(-machine accel=kvm -cpu host) ;;
tcg) accel_args=(-machine accel=tcg -cpu max) ;;
*) die "VM_ACCEL must be tcg or kvm" ;;
esac

: >"$work/results.raw"
start=$(date +%s.%N)
set +e
timeout -k 5 "$timeout_s" "$qemu" -nographic -no-reboot -nodefaults \
	"${accel_args[@]}" -smp 1 -m "$mem" \
	-kernel "$kernel" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 quiet loglevel=3 ${VM_CMDLINE_EXTRA:-}" \
	-serial "file:$work/console.log" -serial "file:$work/results.raw" \
	-monitor none -nic none </dev/null >"$work/qemu.out" 2>&1
rc=$?
set -e
end=$(date +%s.%N)
elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

tr -d '\r' <"$work/results.raw" >"$work/results.txt"
if ! grep -q '^===BPF-PREFLIGHT-END===$' "$work/results.txt"; then
	keep_work=1
	{
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			echo "run.sh: $kernel: no complete results after ${timeout_s}s (timeout; raise VM_TIMEOUT)"
		else
			echo "run.sh: $kernel: no complete results (qemu exit $rc after ${elapsed}s)"
		fi
		echo "--- qemu output:"; tail -n 20 "$work/qemu.out"
		echo "--- console tail ($work/console.log):"; tr -d '\r' <"$work/console.log" | tail -n 30
		echo "--- partial results ($work/results.txt):"; tail -n 20 "$work/results.txt"
	} >&2
	exit 1
fi

probe_note=""
if [ -n "$probe_bin" ]; then
	# The probe's section (last before END) is cut out first, so that the
	# record and plan splitting below sees exactly what it saw without it.
	probe_rc=$(sed -n 's/^===BPF-PREFLIGHT-PROBE-EXIT \([0-9]*\)===$/\1/p' "$work/results.txt")
	sed -n '/^===BPF-PREFLIGHT-PROBE===$/,/^===BPF-PREFLIGHT-PROBE-STDERR===$/p' "$work/results.txt" |
		grep -av '^===BPF-PREFLIGHT-' >"$work/profile.json" || true
	sed -n '/^===BPF-PREFLIGHT-PROBE-STDERR===$/,/^===BPF-PREFLIGHT-PROBE-EXIT [0-9]*===$/p' "$work/results.txt" |
		grep -av '^===BPF-PREFLIGHT-' >"$work/probe.err" || true
	sed -i '/^===BPF-PREFLIGHT-PROBE===$/,/^===BPF-PREFLIGHT-PROBE-EXIT [0-9]*===$/d' "$work/results.txt"
	if [ "${probe_rc:-x}" = 0 ] && [ -s "$work/profile.json" ]; then
		cp "$work/profile.json" "$VM_PROBE_OUT"
		probe_note=", probe exit 0"
	else
		keep_work=1
		echo "run.sh: $(basename "$kernel"): the probe failed in the VM (exit ${probe_rc:-?}); see $work" >&2
		probe_note=", probe exit ${probe_rc:-?}"
	fi
	# Its stderr: facts that differ from the table, or why it failed.
	sed "s|^|run.sh: $(basename "$kernel"): probe stderr: |" "$work/probe.err" >&2
fi

if [ -z "$plan" ]; then
	sed -n '/^===BPF-PREFLIGHT-BEGIN===$/,/^===BPF-PREFLIGHT-END===$/p' "$work/results.txt" |
		grep -av '^===BPF-PREFLIGHT-'
else
	# Per-program records up to the plan marker on stdout; the plan's
	# records (with the loader's own KERNEL/KVERSION header) to VM_PLAN_OUT.
	sed -n '/^===BPF-PREFLIGHT-BEGIN===$/,/^===BPF-PREFLIGHT-PLAN===$/p' "$work/results.txt" |
		grep -av '^===BPF-PREFLIGHT-'
	sed -n '/^===BPF-PREFLIGHT-PLAN===$/,/^===BPF-PREFLIGHT-END===$/p' "$work/results.txt" |
		grep -av '^===BPF-PREFLIGHT-' >"$VM_PLAN_OUT"
fi
loader_rc=$(sed -n 's/^===BPF-PREFLIGHT-EXIT \([0-9]*\)===$/\1/p' "$work/results.txt")
# Guest-side timing from the console: kernel boot until /init, then loads.
t_init=$(tr -d '\r' <"$work/console.log" | sed -n 's/.*bpf-preflight: init at \([0-9.]*\)s$/\1/p')
t_done=$(tr -d '\r' <"$work/console.log" | sed -n 's/.*bpf-preflight: loader done at \([0-9.]*\)s$/\1/p')
t_probe=$(tr -d '\r' <"$work/console.log" | sed -n 's/.*bpf-preflight: probe done at \([0-9.]*\)s$/\1/p')
echo "run.sh: $(basename "$kernel"): ${elapsed}s wall (guest: /init at ${t_init:-?}s, loader done at ${t_done:-?}s${t_probe:+, probe done at ${t_probe}s}; accel $accel, qemu exit $rc, loader exit ${loader_rc:-?}$probe_note)" >&2
[ "${loader_rc:-1}" = 0 ] || { keep_work=1; die "loader failed in the VM (exit ${loader_rc:-?}); see $work"; }

#!/usr/bin/env bash
# `make vmtest`: run the oracle on Debian's 6.1 (old and newest build) and
# 6.12 kernels, each booted once under qemu with all the objects.
#
# usage: tests/vm/vmtest.sh [OBJ...]
#   Without objects (as `make vmtest` calls it): every object that
#   tests/build-testdata.sh compiles from testdata/, built into
#   build/vm/objs, except the big-endian variant (x86 kernels), and the
#   generated programs of tests/lib/gen-build.sh (build/vm/engine-gen;
#   VMTEST_GEN=0 leaves them out).
#
# For each kernel, writes the loader's records (first lines: "KERNEL <uname -r
# inside the VM>", "KVERSION <uname -v>") to
#   $VM_RESULTS_DIR/results-<uname -r>.txt   (default <repo>/build/vm)
# and prints one summary line per kernel on stdout.  With VMTEST_PRINT=1 the
# records are printed too.
#
# Experiments in the same boots (off by default; the records above do not
# change): VMTEST_PLAN=FILE (e.g. tests/vm/freplace.plan) runs
# "loader --plan FILE" after the per-program loads, over the objects plus
# VMTEST_PLAN_OBJS (extra paths, e.g. libxdp's xdp-dispatcher.o), and files
# its records under $VM_RESULTS_DIR/results-<plan name>-<uname -r>.txt
# (tests/vm/freplace-experiments.sh drives this for issue 5).
#
# The probe, in the same boots (issue 15 item 4): after the loads,
# "bpf-preflight probe" (VMTEST_PROBE_BIN, default <repo>/bpf-preflight,
# which `make vmtest` builds) measures each booted kernel; its profile goes to
#   $VM_RESULTS_DIR/profile-<uname -r>.json
# and tests/lib/profile-vs-table.py compares it with the fact table's row
# for its release, arch and JIT state: one summary line per kernel, and a
# "MISMATCH" line per measured fact the table gets wrong.  VMTEST_PROBE=0
# leaves the probe out (the records do not change either way);
# VMTEST_PROFILE_CHECK=0 files the profiles without comparing them
# (tests/t_verdict_vm.sh compares them itself).
#
# Exits 77 with "SKIP: <reason>" when qemu, busybox-static, cpio or the kernel
# packages cannot be had; 1 when a kernel gives no complete results; 3 when
# all records are complete but the probe failed on a kernel or a measured
# fact differs from the table; else 0.
# Other knobs: see run.sh (VM_TIMEOUT, VM_ACCEL, ...) and fetch-kernels.sh
# (VM_KERNEL_DIR, VM_PKG_*).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
results=${VM_RESULTS_DIR:-$repo/build/vm}

die() { echo "vmtest.sh: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# Relative plan paths are relative to the caller's directory.
if [ -n "${VMTEST_PLAN:-}" ] && [ "${VMTEST_PLAN#/}" = "$VMTEST_PLAN" ]; then
	VMTEST_PLAN=$PWD/$VMTEST_PLAN
fi

if [ $# -eq 0 ]; then
	bash "$repo/tests/build-testdata.sh" "$repo/build/vm/objs" ||
		die "tests/build-testdata.sh failed"
	mapfile -t objs < <(cd "$repo" && find build/vm/objs -name '*.o' -not -path '*bpfeb*' | sort)
	[ ${#objs[@]} -gt 0 ] || die "tests/build-testdata.sh built no objects"
	# and tools/gen-programs.py's programs (issue 14: seed 300, as in
	# tests/t_engine_gen.sh, plus PF_GEN_SEED), unless VMTEST_GEN=0
	if [ "${VMTEST_GEN:-1}" = 1 ]; then
		st=0
		(cd "$repo" && bash tests/lib/gen-build.sh build/vm/engine-gen 300:300 \
			${PF_GEN_SEED:+"$PF_GEN_SEED:${PF_GEN_COUNT:-300}"}) || st=$?
		case $st in
		0) mapfile -t -O ${#objs[@]} objs <"$repo/build/vm/engine-gen/objs.list"
		   # about 2000 more loads: 45-70 s a boot under TCG instead of 3
		   export VM_TIMEOUT=${VM_TIMEOUT:-300} ;;
		77) ;;	# no clang: said so above
		*) die "tests/lib/gen-build.sh failed" ;;
		esac
	fi
	set -- "${objs[@]}"
	cd "$repo"	# the object paths above are relative to it
fi
for o in "$@"; do
	[ -f "$o" ] || die "object '$o' not found"
done

command -v qemu-system-x86_64 >/dev/null ||
	skip "qemu-system-x86_64 not installed (apt-get install qemu-system-x86)"
command -v cpio >/dev/null || skip "cpio not installed (apt-get install cpio)"
[ -x /bin/busybox ] || skip "busybox not installed (apt-get install busybox-static)"

"$repo/tests/kernel/build-loader.sh" "$repo/build/kernel"
export LOADER_STATIC=$repo/build/kernel/loader-static

set +e
kernels=$("$here/fetch-kernels.sh")
rc=$?
set -e
case $rc in
0) ;;
77) skip "Debian kernel packages unavailable (see fetch-kernels.sh message above)" ;;
*) die "fetch-kernels.sh failed (exit $rc)" ;;
esac

probe_bin=""
if [ "${VMTEST_PROBE:-1}" = 0 ]; then
	echo "skip part: probe: VMTEST_PROBE=0"
else
	probe_bin=${VMTEST_PROBE_BIN:-$repo/bpf-preflight}
	if [ ! -x "$probe_bin" ]; then
		echo "skip part: probe: $probe_bin not built (make, or set VMTEST_PROBE_BIN)"
		probe_bin=""
	fi
fi

plan=${VMTEST_PLAN:-}
if [ -n "$plan" ]; then
	[ -r "$plan" ] || die "VMTEST_PLAN '$plan' not readable"
	plan_name=$(basename "$plan" .plan)
fi

mkdir -p "$results"
failed=0 probe_failed=0
while read -r label release vmlinuz; do
	[ -n "$label" ] || continue
	tmp=$results/.results-$release.tmp
	start=$(date +%s.%N)
	ptmp=$results/.plan-$release.tmp
	ftmp=$results/.profile-$release.tmp
	# No profile from an earlier run may pass for this one's.
	rm -f "$results/profile-$release.json" "$ftmp"
	run_env=()
	if [ -n "$plan" ]; then
		run_env+=(VM_PLAN="$plan" VM_PLAN_OBJS="${VMTEST_PLAN_OBJS:-}" VM_PLAN_OUT="$ptmp")
	fi
	if [ -n "$probe_bin" ]; then
		run_env+=(VM_PROBE_BIN="$probe_bin" VM_PROBE_OUT="$ftmp")
	fi
	if ! env "${run_env[@]}" "$here/run.sh" "$vmlinuz" "$@" >"$tmp"; then
		echo "vmtest: $label $release: FAILED (see messages above)"
		rm -f "$tmp" "$ptmp" "$ftmp"
		failed=1
		continue
	fi
	end=$(date +%s.%N)
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	# Trust the VM, not the package name: results are filed under the
	# release the booted kernel reports.
	vm_release=$(sed -n 's/^KERNEL //p' "$tmp" | head -n 1)
	vm_version=$(sed -n 's/^KVERSION //p' "$tmp" | head -n 1)
	if [ "$vm_release" != "$release" ]; then
		echo "vmtest: $label: booted kernel says '$vm_release', package is '$release'" >&2
		failed=1
	fi
	out=$results/results-${vm_release:-$release}.txt
	mv "$tmp" "$out"
	n=$(grep -c '^PROG ' "$out" || true)
	ok=$(grep -c '^RESULT ok' "$out" || true)
	echo "vmtest: $label ${vm_release:-?} (${vm_version:-?}): $n records, $ok ok, ${secs}s -> ${out#"$repo"/}"
	if [ "${VMTEST_PRINT:-0}" = 1 ]; then
		cat "$out"
	fi
	if [ -n "$plan" ]; then
		pout=$results/results-$plan_name-${vm_release:-$release}.txt
		mv "$ptmp" "$pout"
		n=$(grep -c '^PROG ' "$pout" || true)
		ok=$(grep -c '^RESULT ok' "$pout" || true)
		echo "vmtest: $label ${vm_release:-?}: plan $plan_name: $n experiments, $ok ok -> ${pout#"$repo"/}"
		if [ "${VMTEST_PRINT:-0}" = 1 ]; then
			cat "$pout"
		fi
	fi
	if [ -n "$probe_bin" ]; then
		fout=$results/profile-${vm_release:-$release}.json
		if [ ! -s "$ftmp" ]; then
			echo "vmtest: $label ${vm_release:-?}: probe FAILED (see messages above)"
			rm -f "$ftmp"
			probe_failed=1
			continue
		fi
		mv "$ftmp" "$fout"
		echo "vmtest: $label ${vm_release:-?}: probe -> ${fout#"$repo"/}"
		if [ "${VMTEST_PROFILE_CHECK:-1}" != 0 ]; then
			python3 "$repo/tests/lib/profile-vs-table.py" --bin "$probe_bin" "$fout" |
				sed "s/^/vmtest: $label: /"
			[ "${PIPESTATUS[0]}" = 0 ] || probe_failed=1
		fi
	fi
done <<<"$kernels"

[ $failed = 0 ] || exit 1
[ $probe_failed = 0 ] || exit 3
exit 0

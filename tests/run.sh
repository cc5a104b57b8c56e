#!/usr/bin/env bash
# Test runner: every tests/t_*.sh is one test. Exit 0 passes, 77 skips (the
# test prints why), anything else fails. Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
export PF_ROOT=$PWD
export PF_BIN=${PF_BIN:-$PWD/build/bpf-preflight-san}
export PF_BIN_FAST=${PF_BIN_FAST:-$PWD/bpf-preflight}
export PF_BUILD=$PWD/build/test
# The Debian-packaged BPF objects (cilium/ebpf testdata, libxdp) join the
# corpus tests; debian-objects.sh apt-installs them (root, as in CI).
export PF_DEBIAN_OBJECTS=${PF_DEBIAN_OBJECTS:-1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# -k host caches the profile it measures: in the build tree, not the home
export XDG_CACHE_HOME=$PF_BUILD/cache
mkdir -p "$PF_BUILD"

pass=0 fail=0 skip=0
failed=()
only=${1:-}
for t in tests/t_*.sh; do
	name=$(basename "$t" .sh)
	[ -n "$only" ] && [[ "$name" != *"$only"* ]] && continue
	log="$PF_BUILD/$name.log"
	start=$(date +%s)
	bash "$t" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0)  pass=$((pass + 1)); echo "PASS $name (${secs}s)"
	    # a part a test could not run says so: never a silent skip
	    grep -E '^(skip part|host build differs)' "$log" | sed 's/^/    /' ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(grep -m1 -i 'skip' "$log" || tail -n1 "$log")" ;;
	*)  fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc, ${secs}s)"
	    sed 's/^/    | /' "$log" | tail -n 40 ;;
	esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]

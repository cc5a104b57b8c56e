#!/usr/bin/env bash
# make fuzz-afl FUZZ_SECONDS=N: the same target (tests/fuzz/fuzz_object.c)
# under AFL++ (Debian's afl++ 4.04c: afl-clang-fast with -fsanitize=fuzzer
# links AFL's libFuzzer-compatible driver), ASan and UBSan, seeded with
# the libFuzzer seeds and corpus (tests/fuzz/run.sh makes them).
#   tests/fuzz/afl.sh SECONDS [WORKDIR]
# Findings land in WORKDIR/out/default/{crashes,hangs}; exit 1 if any.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-${FUZZ_SECONDS:-60}}
work=${2:-build/fuzz-afl}
bin=${AFL_BIN:-build/afl-object}
[ -x "$bin" ] || { echo "fuzz-afl: $bin not built (make $bin)" >&2; exit 2; }
mkdir -p "$work/in"
# Seeds: small inputs only (AFL++ wants them small and fast).
if [ ! -d build/fuzz/seeds ]; then
	tests/fuzz/run.sh 1 build/fuzz >/dev/null 2>&1 || true
fi
mapfile -t seeds < <(find build/fuzz/seeds build/fuzz/corpus -type f -size -16k 2>/dev/null | sort)
for f in "${seeds[@]:0:400}"; do cp "$f" "$work/in/$(basename "$f")"; done
echo "fuzz-afl: $(ls "$work/in" | wc -l) seeds, ${secs}s"
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_NO_AFFINITY=1 AFL_QUIET=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1}
set +e
afl-fuzz -V "$secs" -t 10000 -m none -x tests/fuzz/bpf.dict -i "$work/in" -o "$work/out" \
	-- "$bin" >"$work/afl.log" 2>&1
rc=$?
set -e
stats=$work/out/default/fuzzer_stats
if [ -f "$stats" ]; then
	grep -E '^(execs_done|execs_per_sec|corpus_count|saved_crashes|saved_hangs|bitmap_cvg)' "$stats"
fi
crashes=$(find "$work/out/default/crashes" "$work/out/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
if [ "$rc" -ne 0 ] && [ ! -f "$stats" ]; then
	echo "fuzz-afl: afl-fuzz exited $rc:" >&2
	tail -n 20 "$work/afl.log" >&2
	exit 2
fi
if [ "$crashes" -gt 0 ]; then
	echo "fuzz-afl: $crashes crashing or hanging inputs in $work/out/default/{crashes,hangs}" >&2
	exit 1
fi
echo "fuzz-afl: no crash or hang in ${secs}s"

#!/usr/bin/env bash
# make fuzz FUZZ_SECONDS=N: libFuzzer over tests/fuzz/fuzz_object.c.
#   tests/fuzz/run.sh SECONDS [WORKDIR]
# Seeds: the testdata scenarios compiled by every variant, ../shared/corpus
# (objects up to FUZZ_MAX_LEN bytes), small generated objects and the
# regression inputs of testdata/fuzz-regressions/. The growing corpus lives
# in WORKDIR/corpus (default build/fuzz), a crash in WORKDIR/crashes/.
# Exit 0: no crash, hang or leak in SECONDS; 1 otherwise (the input is
# named, to be added under testdata/fuzz-regressions/).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-${FUZZ_SECONDS:-60}}
work=${2:-build/fuzz}
bin=${FUZZ_BIN:-build/fuzz-object}
max_len=${FUZZ_MAX_LEN:-65536}
[ -x "$bin" ] || { echo "fuzz: $bin not built (make $bin)" >&2; exit 2; }
mkdir -p "$work/corpus" "$work/seeds" "$work/crashes"

# Seeds, refreshed every run (cheap; build-testdata skips what is built).
bash tests/build-testdata.sh build/test/objs >/dev/null 2>&1 || true
seed() {	# FILE: copy into the seed directory under a unique name
	local f=$1 size
	size=$(stat -c %s "$f")
	[ "$size" -le "$max_len" ] || return 0
	cp "$f" "$work/seeds/$(sha1sum "$f" | cut -c1-16)"
}
while IFS= read -r f; do seed "$f"; done < <(
	find build/test/objs ../shared/corpus testdata/fuzz-regressions -type f \
		\( -name '*.o' -o -path '*/fuzz-regressions/*' -o -path '*/invalid/*' \) \
		2>/dev/null | sort)
if [ -x build/gen-bpf-elf ]; then
	for n in 16 64 300; do
		build/gen-bpf-elf -n "$n" -o "$work/seeds/gen-$n"
		build/gen-bpf-elf -n "$n" --big-endian -o "$work/seeds/gen-$n-eb"
		build/gen-bpf-elf -n "$n" --fanout 3 --funcs 6 -o "$work/seeds/gen-$n-fan"
	done
fi
echo "fuzz: $(ls "$work/seeds" | wc -l) seeds, $(ls "$work/corpus" | wc -l) corpus inputs, ${secs}s"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$work/fuzz.log
set +e
"$bin" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" \
	-rss_limit_mb="${FUZZ_RSS_MB:-2048}" -max_len="$max_len" \
	-dict=tests/fuzz/bpf.dict -print_final_stats=1 \
	-artifact_prefix="$work/crashes/" ${FUZZ_ARGS:-} \
	"$work/corpus" "$work/seeds" >"$log" 2>&1
rc=$?
set -e
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|stat::new_units_added)' "$log" || true
if [ $rc -ne 0 ]; then
	echo "fuzz: libFuzzer exited $rc; the report:" >&2
	grep -E -A30 '^==[0-9]+==ERROR|^SUMMARY|runtime error|fuzz_object:|ALARM|Test unit written' "$log" | head -n 60 >&2
	echo "fuzz: add the input named above to testdata/fuzz-regressions/ once fixed" >&2
	exit 1
fi
echo "fuzz: no crash, hang or leak in ${secs}s (log: $log)"

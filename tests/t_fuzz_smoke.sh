#!/usr/bin/env bash
# Fuzzing in make check (issue 7):
#  1. every input in testdata/fuzz-regressions/ (each once crashed, hung or
#     leaked; docs/fuzzing.md) and ../shared/corpus/ebpf-samples/invalid/
#     through every command of the ASan+UBSan binary: exit 0, 1 or 2, no
#     sanitizer report, within 20 s;
#  2. the same inputs through the libFuzzer target (model, verdicts on every
#     kernel, every rule, JSON, the commands), with leak detection;
#  3. a short libFuzzer run (FUZZ_SMOKE_SECONDS, default 45) from the seeds.
# Parts 2 and 3 need clang-19's libFuzzer (libclang-rt-19-dev).
set -u
cd "$PF_ROOT"
rc=0
err=$PF_BUILD/fuzz-smoke.err
inputs=()
for f in testdata/fuzz-regressions/* ../shared/corpus/ebpf-samples/invalid/*; do
	[ -f "$f" ] && inputs+=("$f")
done
[ -d ../shared/corpus/ebpf-samples/invalid ] ||
	echo "skip part: ../shared/corpus/ebpf-samples/invalid not found (no shared/ beside the checkout): only testdata/fuzz-regressions replayed"
echo "replaying ${#inputs[@]} inputs"
for f in "${inputs[@]}"; do
	for cmd in "check" "check --format=json" "check --format=sarif" "check -k none" \
		   "stack" "stack --explain" "dump" "dump --raw" "graph" "graph --format=json"; do
		# shellcheck disable=SC2086
		timeout 20 "$PF_BIN" $cmd "$f" >/dev/null 2>"$err"
		st=$?
		if [ $st -gt 2 ] || grep -qE 'Sanitizer|runtime error' "$err"; then
			echo "FAIL $cmd $f: exit $st"
			head -n 20 "$err"
			rc=1
		fi
	done
done
[ $rc -eq 0 ] && echo "ok: no crash, hang, leak or UB in ${#inputs[@]} inputs x 10 commands"

if ! command -v clang-19 >/dev/null ||
   ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }' |
	clang-19 -x c -fsanitize=fuzzer -o "$PF_BUILD/fuzz-probe" - 2>/dev/null; then
	echo "SKIP: the libFuzzer part: clang-19 -fsanitize=fuzzer unavailable (apt-get install clang-19 libclang-rt-19-dev)"
	[ $rc -eq 0 ] && exit 77
	exit $rc
fi
make --no-print-directory build/fuzz-object build/gen-bpf-elf >/dev/null || {
	echo "FAIL: building build/fuzz-object"; exit 1; }
ASAN_OPTIONS=detect_leaks=1 build/fuzz-object "${inputs[@]}" >"$err" 2>&1 || {
	echo "FAIL: the libFuzzer target on the regression inputs:"
	grep -E -A20 'ERROR|fuzz_object:' "$err" | head -n 40
	rc=1
}
[ $rc -eq 0 ] && echo "ok: the libFuzzer target replays ${#inputs[@]} inputs cleanly"
if ! tests/fuzz/run.sh "${FUZZ_SMOKE_SECONDS:-45}" "$PF_BUILD/fuzz-smoke"; then
	echo "FAIL: the fuzz smoke found something (input in $PF_BUILD/fuzz-smoke/crashes/)"
	rc=1
fi
exit $rc

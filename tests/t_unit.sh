#!/usr/bin/env bash
# C unit tests (tests/unit/test_*.c), each built twice by `make unit`: plain
# (build/unit/test_NAME) and under ASan/UBSan (build/unit/test_NAME-san).
# Every binary prints one line per case and its own summary; this test
# builds them (make is a no-op when they are current), runs every one and
# fails if any case or any sanitizer report fails.
set -u
cd "$PF_ROOT" || exit 1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
make -s --no-print-directory unit || { echo "FAIL: make unit"; exit 1; }
rc=0 n=0 bad=0
for src in tests/unit/test_*.c; do
	name=$(basename "$src" .c)
	for bin in "build/unit/$name" "build/unit/$name-san"; do
		n=$((n + 1))
		echo "== $bin"
		if [ ! -x "$bin" ]; then
			echo "FAIL: $bin not built (is $name in UNIT_TESTS in the Makefile?)"
			rc=1 bad=$((bad + 1))
			continue
		fi
		"$bin"
		st=$?
		if [ $st -ne 0 ]; then
			echo "FAIL: $bin exited $st"
			rc=1 bad=$((bad + 1))
		fi
	done
done
echo "t_unit: $n unit test binaries, $((n - bad)) passed, $bad failed"
exit $rc

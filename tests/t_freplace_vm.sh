#!/usr/bin/env bash
# Extensions and prog arrays (issue 5) against real kernels: the experiments
# of tests/vm/freplace.plan run on the host and on Debian's 6.1.170, newest
# 6.1 and 6.12 kernels under qemu (tests/vm/freplace-experiments.sh, one
# boot per kernel), then tests/lib/freplace-compare.py turns each
# experiment into one tool run and checks that the step the kernel failed,
# its errno and its verifier message are the tool's (freplace-attach,
# prog-array-member), and that tailcall-hierarchy warns exactly where the
# demo's run count shows the counter restarting. Skipped loudly without qemu.
set -u
cd "$PF_ROOT"
out=$PF_BUILD/freplace
mkdir -p "$out"
rm -f "$out"/results-freplace-*.txt
FREPLACE_RESULTS_DIR=$out bash tests/vm/freplace-experiments.sh >"$out/run.log" 2>&1
st=$?
if [ $st -ne 0 ]; then
	tail -n 30 "$out/run.log"
	echo "FAIL: freplace-experiments.sh exit $st"
	exit 1
fi
grep -E '^(SKIP|freplace-experiments:)' "$out/run.log"
vm=$(ls "$out"/results-freplace-*cloud-amd64*.txt 2>/dev/null | wc -l)
if [ "$vm" -eq 0 ] && grep -q '^SKIP' "$out/run.log"; then
	echo "SKIP: no VM kernel ran the experiments ($(grep -m1 '^SKIP' "$out/run.log"))"
	exit 77
fi
[ "$vm" -ge 3 ] || { echo "FAIL: expected experiments from 3 VM kernels, got $vm"; exit 1; }
python3 tests/lib/freplace-compare.py "$PF_BIN" tests/vm/freplace.plan \
	"$out"/results-freplace-*.txt >"$out/compare.txt"
st=$?
grep -v '^ok\|^skip' "$out/compare.txt"
# experiments whose input was missing (libxdp1 not installed): named, not silent
grep 'input unavailable' "$out/compare.txt" | sed 's/^skip /skip part: /'
[ $st -eq 0 ] || { echo "FAIL: the tool and the kernels differ (see above; all lines in ${out#"$PF_ROOT"/}/compare.txt)"; exit 1; }
exit 0

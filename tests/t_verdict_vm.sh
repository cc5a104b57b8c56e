#!/usr/bin/env bash
# The same comparison on Debian's 6.1 (oldest and newest build) and 6.12
# kernels booted under qemu (make vmtest); skipped loudly without qemu.
set -u
cd "$PF_ROOT"
VM_RESULTS_DIR=$PF_BUILD/vm bash tests/vm/vmtest.sh
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || { echo "FAIL: vmtest.sh exit $st"; exit 1; }
rc=0 n=0
for r in "$PF_BUILD"/vm/results-*.txt; do
	[ -f "$r" ] || continue
	n=$((n + 1))
	bash tests/lib/compare-kernel.sh "$r" "$PF_BUILD/vm" || rc=1
done
[ $n -ge 3 ] || { echo "FAIL: expected results from 3 kernels, got $n"; exit 1; }
exit $rc

#!/usr/bin/env bash
# The same comparison on Debian's 6.1 (oldest and newest build) and 6.12
# kernels booted under qemu (make vmtest); skipped loudly without qemu.
# Then, from the same boots, each kernel's probed profile against the fact
# table's row for its release (issue 15 item 4), and that comparison shown
# to catch a flipped fact.
set -u
cd "$PF_ROOT"
# The profiles are compared below, after the records, so that one boot per
# kernel serves both and a table mismatch does not hide the records' result.
VM_RESULTS_DIR=$PF_BUILD/vm VMTEST_PROBE_BIN=${VMTEST_PROBE_BIN:-$PF_BIN_FAST} \
	VMTEST_PROFILE_CHECK=0 bash tests/vm/vmtest.sh
st=$?
[ $st -eq 77 ] && exit 77
# 3: records complete, the probe failed on some kernel (said above)
[ $st -eq 0 ] || [ $st -eq 3 ] || { echo "FAIL: vmtest.sh exit $st"; exit 1; }
rc=0 n=0
[ $st -eq 3 ] && { echo "FAIL: the probe failed in a VM (vmtest.sh exit 3)"; rc=1; }
profiles=()
for r in "$PF_BUILD"/vm/results-*.txt; do
	[ -f "$r" ] || continue
	n=$((n + 1))
	bash tests/lib/compare-kernel.sh "$r" "$PF_BUILD/vm" || rc=1
	rel=$(sed -n 's/^KERNEL //p' "$r" | head -n 1)
	p=$PF_BUILD/vm/profile-$rel.json
	if [ -f "$p" ]; then
		profiles+=("$p")
	elif [ "${VMTEST_PROBE:-1}" = 0 ]; then
		echo "skip part: probe vs table on $rel: VMTEST_PROBE=0"
	else
		echo "FAIL: no probed profile for $rel ($p)"
		rc=1
	fi
done
[ $n -ge 3 ] || { echo "FAIL: expected results from 3 kernels, got $n"; exit 1; }
[ ${#profiles[@]} -gt 0 ] || exit $rc

echo "== probe vs fact table: ${#profiles[@]} kernels"
python3 tests/lib/profile-vs-table.py --bin "$PF_BIN" "${profiles[@]}" || rc=1

# The wrong fact: the first measured fact of the first profile flipped must
# come out as a MISMATCH naming it, or the comparison above proves nothing.
wrong=$PF_BUILD/vm/profile-wrong.json
fact=$(python3 - "${profiles[0]}" "$wrong" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for name, f in d["facts"].items():
    if f["measured"] and f["value"] is not None:
        f["value"] = not f["value"]
        f["how"] = "deliberately wrong (t_verdict_vm)"
        json.dump(d, open(sys.argv[2], "w"))
        print(name)
        break
PY
)
if [ -z "$fact" ]; then
	echo "FAIL: ${profiles[0]} has no measured fact to flip"
	exit 1
fi
neg=$(python3 tests/lib/profile-vs-table.py --bin "$PF_BIN" "$wrong" 2>&1)
st=$?
if [ $st -ne 1 ] || ! grep -q "^MISMATCH [^ ]* $fact: .*deliberately wrong" <<<"$neg"; then
	echo "FAIL: a wrong $fact fact went unnoticed (exit $st)"
	printf '%s\n' "$neg" | head
	exit 1
fi
echo "wrong-fact check: $(grep -c '^MISMATCH' <<<"$neg") mismatch with $fact flipped in $(basename "${profiles[0]}"), as it must"
exit $rc

#!/usr/bin/env bash
# The fact table's arm64 rows against Debian's arm64 kernels (6.1.170, the
# newest 6.1, the newest 6.12) booted under qemu-system-aarch64: each probed
# with a cross-built bpf-preflight (tests/vm/arm64.sh), every measured fact
# equal to the table's arm64 row. Then one measured fact flipped in a copy
# of a profile must be caught, so the comparison is shown to fail.
set -u
cd "$PF_ROOT"
PF_BIN=$PF_BIN bash tests/vm/arm64.sh
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || { echo "FAIL: tests/vm/arm64.sh exit $st"; exit 1; }
n=$(find build/vm-arm64 -maxdepth 1 -name 'profile-*.json' | wc -l)
[ "$n" -ge 3 ] || { echo "FAIL: $n arm64 profiles, wanted 3"; exit 1; }
first=$(find build/vm-arm64 -maxdepth 1 -name 'profile-*.json' | sort | head -n 1)
wrong=$PF_BUILD/arm64-profile-wrong.json
python3 - "$first" "$wrong" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["facts"]["subprog_tailcall"]
assert f["measured"], "subprog_tailcall not measured"
f["value"] = not f["value"]
json.dump(d, open(sys.argv[2], "w"))
PY
neg=$(python3 tests/lib/profile-vs-table.py --bin "$PF_BIN" "$wrong" 2>&1)
st=$?
if [ $st -ne 1 ] || ! grep -q '^MISMATCH .* subprog_tailcall' <<<"$neg"; then
	echo "FAIL: a flipped subprog_tailcall went unnoticed (exit $st)"
	exit 1
fi
echo "wrong-fact check: subprog_tailcall flipped in $(basename "$first") is a mismatch, as it must"

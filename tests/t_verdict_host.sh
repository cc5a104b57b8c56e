#!/usr/bin/env bash
# Every scenario's verdict, first message and per-function stack depths
# against the running kernel's verifier (log level 1|4), predicted with the
# host's probed profile: whatever build of a release this machine boots.
# Then the same comparison with one measured fact deliberately wrong must
# fail, so that the comparison is shown to catch a real mismatch.
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
profile=$PF_BUILD/host-profile.json
bash tests/lib/host-profile.sh "$profile"
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || { echo "FAIL: host-profile.sh exit $st"; exit 1; }
mapfile -t objs < <(find "$PF_BUILD"/objs -name '*.o' -not -path '*bpfeb*' | sort)
out=$(bash tests/kernel/host.sh --all "${objs[@]}" 2>&1)
st=$?
[ $st -eq 77 ] && { echo "$out" | grep -m1 SKIP; exit 77; }
printf '%s\n' "$out" >"$PF_BUILD/host-records.txt"
bash tests/lib/compare-kernel.sh "$PF_BUILD/host-records.txt" "$PF_BUILD/host" "$profile" || exit 1

# The wrong fact: private stacks for kprobe programs flipped. The kprobe
# scenarios of testdata/stack/privstack.bpf.c (two 304-byte frames) are
# accepted with a private stack and refused without one, whichever way the
# host goes.
wrong=$PF_BUILD/host-profile-wrong.json
python3 - "$profile" "$wrong" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = d["facts"]["priv_stack_kprobe"]
f["value"] = not f["value"]
f["how"] = "deliberately wrong (t_verdict_host)"
json.dump(d, open(sys.argv[2], "w"))
PY
neg=$(bash tests/lib/compare-kernel.sh "$PF_BUILD/host-records.txt" "$PF_BUILD/host-wrong" "$wrong" 2>&1)
st=$?
if [ $st -ne 1 ] || ! grep -q '^MISMATCH kp_304_304 ' <<<"$neg"; then
	echo "FAIL: a wrong priv_stack_kprobe fact went unnoticed (exit $st)"
	grep -E '^(MISMATCH|verdictcheck:)' <<<"$neg" | head
	exit 1
fi
echo "wrong-fact check: $(grep -c '^MISMATCH' <<<"$neg") mismatches with priv_stack_kprobe flipped, as it must"

#!/usr/bin/env bash
# compare-kernel.sh RECORDS.txt OUTDIR [PROFILE.json]: the tool's prediction
# for the kernel the records come from, over the objects the records name,
# compared by verdictcheck.py. With PROFILE (written by `bpf-preflight probe`
# on that kernel) the prediction uses it (-k @PROFILE); otherwise the version
# is read from KVERSION (Debian writes the upstream release there:
# "... Debian 6.1.170-3 ...") or KERNEL and the fact table's row is used.
set -u
records=$1 out=$2 profile=${3:-}
cd "$PF_ROOT"
kver=$(sed -n 's/^KVERSION .*Debian \([0-9][0-9.]*\)[-+ ].*/\1/p' "$records" | head -n1)
[ -n "$kver" ] || kver=$(sed -n 's/^KERNEL \([0-9][0-9.]*\).*/\1/p' "$records" | head -n1)
[ -n "$kver" ] || { echo "FAIL: no kernel version in $records"; exit 1; }
kernel=$kver
[ -n "$profile" ] && kernel=@$profile
mapfile -t objs < <(sed -n 's/^PROG \([^ ]*\) .*/\1/p' "$records" | sort -u)
mkdir -p "$out"
json=$out/predict-$kver.json
"$PF_BIN" check --kernel "$kernel" --format=json "${objs[@]}" >"$json" 2>"$out/predict-$kver.err"
st=$?
[ $st -le 2 ] || { echo "FAIL: bpf-preflight exit $st"; cat "$out/predict-$kver.err"; exit 1; }
echo "== kernel $kver${profile:+ (profile $profile)}: $(grep -c '^PROG' "$records") records, ${#objs[@]} objects"
PF_KNOWN=testdata/known-divergences python3 tests/lib/verdictcheck.py "$records" "$json"

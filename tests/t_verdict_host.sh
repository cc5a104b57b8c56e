#!/usr/bin/env bash
# Every scenario's verdict, first message and per-function stack depths
# against the running kernel's verifier (log level 1|4).
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
mapfile -t objs < <(find "$PF_BUILD"/objs -name '*.o' -not -path '*bpfeb*' | sort)
out=$(bash tests/kernel/host.sh --all "${objs[@]}" 2>&1)
st=$?
[ $st -eq 77 ] && { echo "$out" | grep -m1 SKIP; exit 77; }
printf '%s\n' "$out" >"$PF_BUILD/host-records.txt"
bash tests/lib/compare-kernel.sh "$PF_BUILD/host-records.txt" "$PF_BUILD/host"

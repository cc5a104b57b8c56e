#!/usr/bin/env bash
# The function order of every program the running kernel accepts equals
# the kernel's own func_info (subprogram index order).
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" || exit 1
rc=0 n=0
for obj in $(find "$PF_BUILD"/objs -name '*.o' -not -path '*bpfeb*' | sort); do
	out=$(bash tests/kernel/host.sh --all "$obj" 2>&1)
	st=$?
	if [ $st -eq 77 ]; then echo "SKIP: $out"; exit 77; fi
	printf '%s\n' "$out" >"$PF_BUILD/records.txt"
	grep -q '^FUNCS' "$PF_BUILD/records.txt" || continue
	"$PF_BIN" graph --format=json "$obj" >"$PF_BUILD/graph.json" 2>/dev/null || {
		echo "FAIL: the kernel accepted programs of $obj but the tool cannot model it"; rc=1; continue; }
	python3 tests/lib/graphcheck.py kernel "$PF_BUILD/records.txt" "$PF_BUILD/graph.json" || rc=1
	n=$((n + 1))
done
echo "objects with kernel-accepted programs: $n"
[ "$n" -gt 0 ] || { echo "FAIL: the kernel accepted nothing"; exit 1; }
exit $rc

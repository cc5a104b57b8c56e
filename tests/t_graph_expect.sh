#!/usr/bin/env bash
# The model against the scenarios' own expect-* lines, for every compiler
# variant that builds them (clang-14/19, -mcpu=v2/v3/v4, big-endian, gcc).
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" || exit 1
rc=0 n=0
for src in $(find testdata -name '*.bpf.c' | sort); do
	grep -q 'expect-' "$src" || continue
	rel=${src#testdata/}
	for obj in "$PF_BUILD"/objs/*/"${rel%.bpf.c}.o"; do
		[ -f "$obj" ] || continue
		variant=$(basename "$(dirname "$(dirname "$obj")")")
		# gcc 12 cannot express some of clang's constructs; its known
		# limits are listed in testdata/gcc-known-failures.
		if [ "$variant" = gcc-bpf ] && grep -qx "$rel" testdata/gcc-known-failures 2>/dev/null; then
			echo "gcc-bpf $rel: known gcc 12 limitation, checked for clean error only"
			"$PF_BIN" graph --format=json "$obj" >/dev/null 2>"$PF_BUILD/err"
			[ $? -le 2 ] || { echo "FAIL crash on $obj"; rc=1; }
			continue
		fi
		n=$((n + 1))
		if ! "$PF_BIN" graph --format=json "$obj" >"$PF_BUILD/graph.json"; then
			echo "FAIL: graph failed on $obj"; rc=1; continue
		fi
		python3 tests/lib/graphcheck.py expect "$src" "$PF_BUILD/graph.json" |
			sed "s|^|$variant: |" || rc=1
		[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
	done
done
echo "objects checked: $n"
[ "$n" -gt 0 ] || { echo "FAIL: no objects built"; exit 1; }
exit $rc

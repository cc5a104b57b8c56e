#!/usr/bin/env bash
# Every valid object of the real-world corpus models and dumps cleanly under
# ASan/UBSan; every file of its invalid/ folder gives exit 2 and one line.
set -u
cd "$PF_ROOT"
corpus=../shared/corpus/ebpf-samples
[ -d "$corpus" ] || echo "skip part: $corpus not found (no shared/ beside the checkout): its objects and invalid/ files are not checked"
mapfile -t debian < <([ "${PF_DEBIAN_OBJECTS:-0}" = 1 ] && bash tests/lib/debian-objects.sh | grep -E '\.(o|elf)$')
[ "${PF_DEBIAN_OBJECTS:-0}" = 1 ] || echo "skip part: Debian-packaged objects (PF_DEBIAN_OBJECTS=0)"
[ -d "$corpus" ] || [ ${#debian[@]} -gt 0 ] ||
	{ echo "SKIP: neither $corpus nor Debian-packaged BPF objects are available"; exit 77; }
rc=0 n=0 m=0
while read -r f; do
	n=$((n + 1))
	for cmd in check dump "graph --format=json"; do
		# shellcheck disable=SC2086
		timeout 60 "$PF_BIN" $cmd "$f" >/dev/null 2>"$PF_BUILD/err"
		st=$?
		# check may find problems (exit 1); only input errors and crashes fail
		if { [ $st -ne 0 ] && ! { [ "$cmd" = check ] && [ $st -eq 1 ]; }; } ||
		   grep -vq ': warning: ' "$PF_BUILD/err"; then
			echo "FAIL $cmd $f (exit $st):"; head -n 5 "$PF_BUILD/err"; rc=1
		fi
	done
done < <([ -d "$corpus" ] && find "$corpus" -name '*.o' -not -path '*/invalid/*' | sort
	 [ ${#debian[@]} -gt 0 ] && printf '%s\n' "${debian[@]}")
for f in "$corpus"/invalid/*; do
	[ -f "$f" ] || continue
	m=$((m + 1))
	# timeout-29db...: libFuzzer's "slow unit" for PREVAIL (ebpf-for-windows
	# tail_call_max_exceed.c), not a malformed file: every ELF, BTF and
	# .BTF.ext layer is consistent; it only must not hang or crash.
	# ef2e42c...: one .text function and a section name pointing into
	# another name ("info"); consistent otherwise, nothing a loader loads.
	case $(basename "$f") in timeout-*|ef2e42c*)
		timeout 60 "$PF_BIN" check "$f" >/dev/null 2>"$PF_BUILD/err"
		st=$?
		if [ $st -ne 0 ]; then echo "FAIL slow-unit $f: exit $st"; head -n 5 "$PF_BUILD/err"; rc=1
		else echo "ok slow-unit $(basename "$f"): models cleanly"; fi
		continue ;;
	esac
	timeout 60 "$PF_BIN" check "$f" >/dev/null 2>"$PF_BUILD/err"
	st=$?
	lines=$(grep -vc ': warning: ' "$PF_BUILD/err")
	if [ $st -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -q "^bpf-preflight: $f: " "$PF_BUILD/err"; then
		echo "FAIL invalid $f: exit $st, $lines error lines:"; head -n 5 "$PF_BUILD/err"; rc=1
	else
		echo "ok invalid $(basename "$f"): $(grep -v ': warning: ' "$PF_BUILD/err" | sed "s|^bpf-preflight: $f: ||")"
	fi
done
echo "valid objects: $n, invalid files: $m"
exit $rc

#!/usr/bin/env bash
# No false refusal on real objects nobody here wrote: every corpus program
# the running kernel accepts is predicted accepted for the host, with the
# kernel's stack depths (programs libbpf 1.1 cannot open are not comparable).
set -u
cd "$PF_ROOT"
corpus=../shared/corpus/ebpf-samples
[ -d "$corpus" ] || { echo "SKIP: $corpus not found (shared/ beside the project)"; exit 77; }
mapfile -t objs < <(find "$corpus" -name '*.o' -not -path '*/invalid/*' | sort
	if [ "${PF_DEBIAN_OBJECTS:-0}" = 1 ] && [ -f ../shared/corpus/debian-objects.sh ]; then
		bash ../shared/corpus/debian-objects.sh 2>/dev/null | grep -E '\.(o|elf)$' | grep -v -- '-eb\.'
	fi)
out=$(bash tests/kernel/host.sh --all "${objs[@]}" 2>&1)
[ $? -eq 77 ] && { echo "$out" | grep -m1 SKIP; exit 77; }
printf '%s\n' "$out" >"$PF_BUILD/corpus-records.txt"
echo "kernel records: $(grep -c '^RESULT ok' "$PF_BUILD/corpus-records.txt") accepted programs"
bash tests/lib/compare-kernel.sh "$PF_BUILD/corpus-records.txt" "$PF_BUILD/corpus"

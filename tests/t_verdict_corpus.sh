#!/usr/bin/env bash
# No false refusal on real objects nobody here wrote: every corpus program
# the running kernel accepts is predicted accepted for the host, with the
# kernel's stack depths (programs libbpf 1.1 cannot open are not comparable).
set -u
cd "$PF_ROOT"
corpus=../shared/corpus/ebpf-samples
[ -d "$corpus" ] || echo "skip part: $corpus not found (no shared/ beside the checkout): its objects are not compared"
[ "${PF_DEBIAN_OBJECTS:-0}" = 1 ] || echo "skip part: Debian-packaged objects (PF_DEBIAN_OBJECTS=0)"
mapfile -t objs < <([ -d "$corpus" ] && find "$corpus" -name '*.o' -not -path '*/invalid/*' | sort
	if [ "${PF_DEBIAN_OBJECTS:-0}" = 1 ]; then
		bash tests/lib/debian-objects.sh | grep -E '\.(o|elf)$' | grep -v -- '-eb\.'
	fi)
[ ${#objs[@]} -gt 0 ] || { echo "SKIP: neither $corpus nor Debian-packaged BPF objects are available"; exit 77; }
profile=$PF_BUILD/host-profile.json
bash tests/lib/host-profile.sh "$profile"
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || { echo "FAIL: host-profile.sh exit $st"; exit 1; }
out=$(bash tests/kernel/host.sh --all "${objs[@]}" 2>&1)
[ $? -eq 77 ] && { echo "$out" | grep -m1 SKIP; exit 77; }
printf '%s\n' "$out" >"$PF_BUILD/corpus-records.txt"
echo "kernel records: $(grep -c '^RESULT ok' "$PF_BUILD/corpus-records.txt") accepted programs"
bash tests/lib/compare-kernel.sh "$PF_BUILD/corpus-records.txt" "$PF_BUILD/corpus" "$profile"

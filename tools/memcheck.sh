#!/usr/bin/env bash
# make memcheck: valgrind's memcheck over the whole corpus with the plain
# (-O2, unsanitized) build: every command, in one process per command over
# all of ../shared/corpus (valid and invalid objects), the fuzz regression
# inputs and generated objects; -j 2 once to cover the worker threads.
# Clean means: no invalid access, no use of uninitialised memory, no leak
# ("definitely", "indirectly" or "possibly" lost) and exit 0, 1 or 2.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "memcheck: valgrind missing (apt-get install valgrind)" >&2; exit 2; }
out=build/memcheck
mkdir -p "$out"
[ -x build/gen-bpf-elf ] || make --no-print-directory build/gen-bpf-elf >/dev/null
build/gen-bpf-elf -n 10000 -o "$out/gen-10k.o"
build/gen-bpf-elf -n 10000 --big-endian -o "$out/gen-10k-eb.o"
build/gen-bpf-elf -n 3000 --funcs 8 --fanout 40 -o "$out/gen-fanout.o"
mapfile -t files < <(find ../shared/corpus -type f \( -name '*.o' -o -path '*/invalid/*' \) | sort)
files+=(testdata/fuzz-regressions/* "$out"/gen-*.o)
vg=(valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 --track-origins=yes
    --num-callers=30 -q)
rc=0
run() {	# NAME ARGS...
	local name=$1 st s e
	shift
	s=$(date +%s)
	set +e
	"${vg[@]}" --log-file="$out/$name.log" ./bpf-preflight "$@" "${files[@]}" >/dev/null 2>&1
	st=$?
	set -e
	e=$(( $(date +%s) - s ))
	if [ $st -gt 2 ] || [ -s "$out/$name.log" ]; then
		echo "memcheck: $name: exit $st, valgrind says:"
		head -n 40 "$out/$name.log"
		rc=1
	else
		echo "memcheck: $name: clean (exit $st, ${e}s, ${#files[@]} files)"
	fi
}
run check check
run check-json check --format=json
run check-sarif check --format=sarif
run check-none check -k none
run stack stack
run stack-explain stack --explain -k 6.1,6.18
run dump dump
run dump-raw dump --raw
run graph graph
run graph-json graph --format=json
run check-j2 check -j 2
[ $rc -eq 0 ] && echo "memcheck: clean: ${#files[@]} files x 11 commands"
exit $rc

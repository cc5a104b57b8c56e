#!/usr/bin/env bash
# Limits on hostile input (issue 7): objects over each explicit bound
# (file size, sections, symbols, relocations, instructions, functions) are
# refused with exit 2 and one clear line; objects shaped to make a naive
# analyser quadratic or exponential (many programs, sections x symbols, a
# fan-out call graph) finish quickly; -j N prints exactly what -j 1 does.
# Every object is written by tools/gen-bpf-elf.c.
set -u
cd "$PF_ROOT"
gen=$PF_ROOT/build/gen-bpf-elf
[ -x "$gen" ] || make --no-print-directory build/gen-bpf-elf >/dev/null || exit 1
d=$PF_BUILD/limits
rm -rf "$d"
mkdir -p "$d"
rc=0

# refused WHAT PATTERN GEN-ARGS...: generate, expect exit 2 and the message.
refused() {
	local what=$1 pat=$2 f=$d/$1.o st
	shift 2
	if [ "$1" = truncate ]; then
		truncate -s "$2" "$f"
	else
		"$gen" "$@" -o "$f" || { echo "FAIL $what: the generator failed"; rc=1; return; }
	fi
	timeout 300 "$PF_BIN" check "$f" >"$d/out" 2>"$d/err"
	st=$?
	if [ $st -ne 2 ] || ! grep -qE "^bpf-preflight: $f: $pat\$" "$d/err" ||
	   [ "$(wc -l <"$d/err")" -ne 1 ] || [ -s "$d/out" ]; then
		echo "FAIL $what: exit $st, want 2 and one line matching '$pat':"
		head -n 5 "$d/err"
		rc=1
	else
		echo "ok $what: $(cat "$d/err")"
	fi
	rm -f "$f"
}
refused file-size 'file too large \([0-9]+ bytes, limit 268435456\)' truncate 257M
refused sections '65546 sections \(limit 65536\)' -n 100 --sections 65540
refused symbols '1048579 symbols \(limit 1048576\)' -n 100 --syms 1048577
refused relocations 'more than 4194304 relocations' -n 100 --relocs 4194305
refused insns-section "section 'socket': 4194305 instructions \(limit 4194304\)" -n 4194305 -f 8000000
refused insns-object 'more than 4194304 instructions' -n 4194400 -f 2100000
refused functions 'more than 65536 functions' -n $((65537 * 8)) -f 8
refused jump-out 'prog_[0-9]+: jump out of range from insn [0-9]+ to [0-9]+' -n 1000 --jump-out

# finishes CMD SECONDS GEN-ARGS...: within the limits, in bounded time.
finishes() {
	local what=$1 secs=$2 f=$d/$1.o st cmd s e
	shift 2
	"$gen" "$@" -o "$f" || { echo "FAIL $what: the generator failed"; rc=1; return; }
	for cmd in "check" "check --format=json" "stack" "graph" "dump"; do
		s=$(date +%s%N)
		# shellcheck disable=SC2086
		timeout "$secs" "$PF_BIN" $cmd "$f" >"$d/out" 2>"$d/err"
		st=$?
		e=$(( ($(date +%s%N) - s) / 1000000 ))
		if [ $st -gt 2 ]; then
			echo "FAIL $what: $cmd: exit $st after ${e} ms (limit ${secs}s)"
			tail -n 5 "$d/err"
			rc=1
		else
			echo "ok $what: $cmd: exit $st in ${e} ms"
		fi
	done
	rm -f "$f"
}
# 65000 one-slot programs: was 1.4 GB at 20000 (programs x functions).
finishes programs 60 -n 100 --sections 65000
# 65000 code sections and a million symbols: was minutes (sections x symbols).
finishes sections-x-symbols 60 -n 100 --sections 65000 --syms 1000000
# Eight functions, each calling the next 1000 times: 10^21 call paths.
finishes fan-out 60 -n 60000 --funcs 8 --fanout 1000
# A million instructions in one object.
finishes million 120 -n 1000000

# The fan-out object: the replay stops at the verifier's own limit and says so.
"$gen" -n 60000 --funcs 8 --fanout 1000 -o "$d/fan.o"
if timeout 60 "$PF_BIN" check -k 6.18 "$d/fan.o" 2>&1 | grep -q "cannot predict: more than 1000000 call-graph steps"; then
	echo "ok fan-out: cannot predict past 1000000 call-graph steps"
else
	echo "FAIL fan-out: no 'cannot predict' past the replay budget"; rc=1
fi

# -j N: the same stdout, stderr and exit status as -j 1, for every command.
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
mapfile -t objs < <(find "$PF_BUILD/objs" -name '*.o' | sort)
[ -d ../shared/corpus/ebpf-samples/invalid ] ||
	echo "skip part: ../shared/corpus/ebpf-samples/invalid not found: -j runs without the corpus's invalid files"
for f in ../shared/corpus/ebpf-samples/invalid/*; do [ -f "$f" ] && objs+=("$f"); done
objs+=("$PF_BUILD/does-not-exist.o" "$d/fan.o")
for cmd in "check" "check --format=json" "check -k 6.1.170" "stack -k 6.1,6.18" "graph" \
	   "graph --format=json" "dump" "check -k none"; do
	# shellcheck disable=SC2086
	"$PF_BIN" $cmd -j 1 "${objs[@]}" >"$d/o1" 2>"$d/e1"; s1=$?
	# shellcheck disable=SC2086
	"$PF_BIN" $cmd -j 3 "${objs[@]}" >"$d/o3" 2>"$d/e3"; s3=$?
	if [ $s1 -ne $s3 ] || ! cmp -s "$d/o1" "$d/o3" || ! cmp -s "$d/e1" "$d/e3"; then
		echo "FAIL -j 3 differs from -j 1: $cmd (exit $s1 vs $s3)"
		diff "$d/o1" "$d/o3" | head -n 5
		diff "$d/e1" "$d/e3" | head -n 5
		rc=1
	else
		echo "ok -j 3 = -j 1: $cmd (${#objs[@]} objects, exit $s1)"
	fi
done
# -j 0: one job per CPU, not a usage error (the object may well be refused: exit 1)
"$PF_BIN" check -j 0 "${objs[0]}" >/dev/null 2>&1
s=$?
[ $s -eq 0 ] || [ $s -eq 1 ] && echo "ok -j 0: exit $s" || { echo "FAIL -j 0: exit $s"; rc=1; }
"$PF_BIN" check -j x "${objs[0]}" >/dev/null 2>&1
[ $? -eq 2 ] && echo "ok -j x: usage error" || { echo "FAIL -j x: want exit 2"; rc=1; }
rm -rf "$d"
exit $rc

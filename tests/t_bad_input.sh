#!/usr/bin/env bash
# Hostile input: one line "bpf-preflight: FILE: reason" and exit 2, the
# other operands still processed, no sanitizer report, no hang.
set -u
cd "$PF_ROOT"
d=$PF_BUILD/bad
rm -rf "$d"; mkdir -p "$d"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
good=$PF_BUILD/objs/clang14-v3/core/subprogs.o
[ -f "$good" ] || { echo "FAIL: $good not built"; exit 1; }
rc=0

expect_bad() {	# FILE REASON-REGEX
	timeout 20 "$PF_BIN" check "$1" "$good" >/dev/null 2>"$d/err"
	local st=$? lines
	lines=$(grep -vc ': warning: ' "$d/err")
	if [ $st -ne 2 ] || [ "$lines" -ne 1 ] || ! grep -Eq "^bpf-preflight: $1: $2" "$d/err"; then
		echo "FAIL $1: exit $st, expected /$2/:"; cat "$d/err"; rc=1
	else
		echo "ok $(basename "$1"): $(cat "$d/err")"
	fi
}

expect_bad "$d/missing.o" "No such file"
mkdir "$d/dir.o"; expect_bad "$d/dir.o" "no .o or .bpf.o files"
: >"$d/empty.o"; expect_bad "$d/empty.o" "empty file"
echo "hello world, not an object" >"$d/text.o"; expect_bad "$d/text.o" "not an ELF file"
cc -c -x c - -o "$d/x86.o" <<<'int f(void){return 1;}'
expect_bad "$d/x86.o" "not a BPF object \(e_machine 62\)"
# Truncations at many sizes: every one a clean error.
size=$(stat -c %s "$good")
for cut in 16 63 64 200 512 1000 $((size / 2)) $((size - 100)) $((size - 1)); do
	head -c "$cut" "$good" >"$d/trunc$cut.o"
	expect_bad "$d/trunc$cut.o" "."
done
# Byte flips over the whole header and section table region.
python3 - "$good" "$d" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
for i, off in enumerate(range(0, len(data), max(1, len(data) // 150))):
    b = bytearray(data)
    b[off] ^= 0xff
    open(f"{sys.argv[2]}/flip{i}.o", 'wb').write(b)
PY
flips=0 crashes=0
for f in "$d"/flip*.o; do
	flips=$((flips + 1))
	timeout 20 "$PF_BIN" dump "$f" >/dev/null 2>"$d/err"
	st=$?
	if [ $st -ne 0 ] && [ $st -ne 2 ]; then
		echo "FAIL $f: exit $st"; head -n 20 "$d/err"; crashes=$((crashes + 1)); rc=1
	fi
done
echo "byte-flipped objects: $flips, crashes or hangs: $crashes"
exit $rc

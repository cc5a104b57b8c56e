#!/usr/bin/env bash
# Baselines (issue 16, item 3): an entry is keyed on what identifies the
# problem (object, program, function, rule, kernels) and records what
# measures it (the message's sizes and counts), so a baselined finding that
# grows is reported again; a written baseline has one entry per problem in
# a stable order; a malformed one is exit 2 with one line that says where
# and what.
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
source tests/lib/variants.sh
cc=$(variant_cmd clang14-v3)
command -v "${cc%% *}" >/dev/null || { echo "skip: ${cc%% *} is not installed"; exit 77; }
o=$PF_BUILD/objs/clang14-v3
grow=$o/baseline/grow.o
[ -f "$grow" ] || { echo "FAIL: $grow was not built"; exit 1; }
out=$PF_BUILD/baseline
rm -rf "$out"
mkdir -p "$out/grown" "$out/bad"
# The same program with its buffer grown from 200 to 360 bytes: 544 -> 704.
# shellcheck disable=SC2086
$cc -O2 -g -Wall -I"$pf_variants_arch_inc" -Itestdata/include -DBUF=360 \
	-c testdata/baseline/grow.bpf.c -o "$out/grown/grow.o" || { echo "FAIL: cannot compile the grown copy"; exit 1; }
rc=0
expect_exit() {	# WANT DESCRIPTION CMD...
	local want=$1 what=$2
	shift 2
	"$@" >"$out/out" 2>"$out/err"
	local st=$?
	if [ $st -ne "$want" ]; then
		echo "FAIL $what: exit $st, want $want"; head -n 5 "$out/err" "$out/out"; rc=1
	else
		echo "ok $what: exit $st"
	fi
}
has() {	# WHAT FILE FIXED-STRING: FILE holds a line equal to the string
	grep -qxF -- "$3" "$2" || { echo "FAIL $1: no line '$3' in:"; sed 's/^/    /' "$2"; rc=1; }
}
B=$out/base.json

# ---- a finding that grows -------------------------------------------------
expect_exit 0 "write the baseline" "$PF_BIN" check -k 6.1.192 --exit-zero --write-baseline "$B" "$grow"
python3 - "$B" <<'PY' || rc=1
import json, sys
doc = json.load(open(sys.argv[1]))
want = [{"object": "grow.o", "program": "grow_buf", "function": "grow_buf", "rule": "stack-combined",
         "kernels": ["6.1.192"], "measure": [2, 544],
         "message": "combined stack size of 2 calls is 544. Too large"}]
if doc != {"version": 2, "findings": want}:
    print(f"FAIL baseline content: {doc}")
    sys.exit(1)
print("ok baseline entry: grow.o grow_buf stack-combined on 6.1.192, measure [2, 544]")
PY
expect_exit 0 "the same finding against it" "$PF_BIN" check -k 6.1.192 --baseline "$B" "$grow"
[ -s "$out/out" ] && { echo "FAIL: a baselined finding was printed"; rc=1; }
expect_exit 1 "the grown finding (704) against a baseline of 544" \
	"$PF_BIN" check -k 6.1.192 --baseline "$B" "$out/grown/grow.o"
has "grown finding" "$out/out" \
	"$PF_ROOT/testdata/baseline/grow.bpf.c:34:9: error: combined stack size of 2 calls is 704. Too large [stack-combined]"
has "grown finding's note" "$out/out" \
	"$out/grown/grow.o: note: worse than in the baseline $B: 704 where it recorded 544"
n=$(grep -c 'error:' "$out/out")
[ "$n" = 1 ] || { echo "FAIL: $n errors for one grown problem"; rc=1; }
# JSON and SARIF carry the note too (the renderers see one finding)
"$PF_BIN" check -k 6.1.192 --baseline "$B" -f json "$out/grown/grow.o" |
	grep -q '"message":	"worse than in the baseline .*: 704 where it recorded 544"' ||
	{ echo "FAIL: the JSON has no 'worse than in the baseline' note"; rc=1; }

# Equal or smaller stays quiet: a baseline of the grown one hides the original.
expect_exit 0 "write a baseline of the grown object" "$PF_BIN" check -k 6.1.192 --exit-zero \
	--write-baseline "$out/grown.json" "$out/grown/grow.o"
expect_exit 0 "the smaller finding (544) against a baseline of 704" \
	"$PF_BIN" check -k 6.1.192 --baseline "$out/grown.json" "$grow"
[ -s "$out/out" ] && { echo "FAIL: a smaller baselined finding was printed"; rc=1; }

# The kernels are part of the key: a kernel the baseline was not written
# for is new; a run on fewer kernels than the baseline's is covered.
expect_exit 1 "a kernel the baseline does not cover" "$PF_BIN" check -k 6.1.192,6.6 --baseline "$B" "$grow"
expect_exit 0 "write a baseline on all kernels" "$PF_BIN" check --exit-zero \
	--write-baseline "$out/all.json" "$grow" "$o/stack/combined.o" "$o/explain/acl.o"
# The measure: the message's sizes and counts, not its versions or names.
python3 - "$out/all.json" <<'PY' || rc=1
import json, sys
f = {(e["program"], e["rule"], tuple(e["kernels"])): e["measure"]
     for e in json.load(open(sys.argv[1]))["findings"]}
old = ("5.10", "5.15", "6.1.170", "6.1.192", "6.6", "6.8")
want = {("acl_main", "printk-stack"): [77],	# "... accepted on 5.10, 5.15, 6.1.170 ..."
        ("acl_main", "stack-tailcall-frames"): [256],
        ("chain4_200", "stack-combined"): [4, 704]}
bad = 0
for (prog, rule), m in want.items():
    got = [v for (p, r, k), v in f.items() if p == prog and r == rule and set(old) <= set(k)]
    if got != [m]:
        print(f"FAIL measure of {prog} {rule}: {got}, want {m}")
        bad += 1
print(f"ok measures of {len(want) - bad} findings")
sys.exit(1 if bad else 0)
PY
expect_exit 0 "a run on one kernel against it" "$PF_BIN" check -k 6.1.192 --baseline "$out/all.json" \
	"$grow" "$o/stack/combined.o" "$o/explain/acl.o"
expect_exit 1 "the grown object against it" "$PF_BIN" check --baseline "$out/all.json" "$out/grown/grow.o"
# before 6.9 it got worse; on 6.9+ it is refused where it was accepted: new
has "grown, before 6.9" "$out/out" "$out/grown/grow.o: note: worse than in the baseline $out/all.json: 704 where it recorded 544"
grep -q 'combined stack size of 2 calls is 672' "$out/out" ||
	{ echo "FAIL: the new refusal on 6.9+ is not reported"; rc=1; }

# ---- one entry per problem, stable ----------------------------------------
expect_exit 0 "an object given twice" "$PF_BIN" check --exit-zero --write-baseline "$out/twice.json" \
	"$o/explain/acl.o" "$o/stack/combined.o" "$o/stack/combined.o" "$o/explain/acl.o"
expect_exit 0 "the other order" "$PF_BIN" check --exit-zero --write-baseline "$out/once.json" \
	"$o/stack/combined.o" "$o/explain/acl.o"
cmp -s "$out/twice.json" "$out/once.json" && echo "ok the same file whatever the order or repetition" ||
	{ echo "FAIL: the baselines differ:"; diff "$out/once.json" "$out/twice.json" | head; rc=1; }
python3 - "$out/twice.json" <<'PY' || rc=1
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
keys = [(e["object"], e["program"], e["function"], e["rule"], tuple(e["kernels"])) for e in f]
if len(keys) != len(set(keys)) or keys != sorted(keys) or len(f) < 10:
    print(f"FAIL: {len(f)} entries, {len(set(keys))} keys, sorted: {keys == sorted(keys)}")
    sys.exit(1)
print(f"ok {len(f)} entries, each key once, sorted")
PY

# ---- version 1 ------------------------------------------------------------
printf '{"version": 1, "findings": [{"object": "grow.o", "function": "grow_buf", "rule": "stack-combined"}]}\n' \
	>"$out/v1.json"
expect_exit 0 "a version 1 baseline is still read" "$PF_BIN" check -k 6.1.192 --baseline "$out/v1.json" "$grow"
has "version 1 warning" "$out/err" "bpf-preflight: $out/v1.json: warning: a version 1 baseline names only the object, function and rule, so a finding that grows stays hidden; write it anew with --write-baseline"
expect_exit 1 "a new finding against version 1" "$PF_BIN" check -k 6.1.192 --baseline "$out/v1.json" "$grow" "$o/explain/acl.o"

# ---- malformed ------------------------------------------------------------
bad() {	# NAME CONTENT WANT-STDERR-LINE (FILE is replaced by the path)
	local f=$out/bad/$1.json
	printf '%b' "$2" >"$f"
	expect_exit 2 "malformed baseline: $1" "$PF_BIN" check -k 6.1.192 --baseline "$f" "$grow"
	local want=${3//FILE/$f}
	if [ "$(cat "$out/err")" != "$want" ]; then
		echo "FAIL $1: stderr:"; sed 's/^/    /' "$out/err"; echo "  want: $want"; rc=1
	fi
	grep -q "Invalid argument" "$out/err" && { echo "FAIL $1: says 'Invalid argument'"; rc=1; }
}
bad syntax '{\n\t"version": 2,\n\t"findings": [{"object": "grow.o",, "rule": "x"}]\n}\n' \
	"bpf-preflight: FILE:3:36: not valid JSON: near 'ect\": \"grow.o\",, \"rule\": \"x\"}]'"
bad truncated '{\n\t"version": 2,\n\t"findings": [\n' \
	"bpf-preflight: FILE:4:1: not valid JSON: it ends early"
bad trailing '{"version": 2, "findings": []}\n}\n' \
	"bpf-preflight: FILE:2:1: not valid JSON: near '}'"
bad empty '' "bpf-preflight: FILE:1:1: not valid JSON: the file is empty"
bad array '[1, 2]\n' \
	"bpf-preflight: FILE: not a bpf-preflight baseline: want an object with a \"version\" number and a \"findings\" array"
bad version '{"version": 3, "findings": []}\n' \
	"bpf-preflight: FILE: baseline version 3: this bpf-preflight reads versions 1 and 2"
bad entry '{"version": 2, "findings": [7]}\n' "bpf-preflight: FILE: findings[0] is not an object"
bad rule '{"version": 2, "findings": [{"object": "grow.o", "program": "p", "function": "f", "rule": 1, "kernels": [], "measure": []}]}\n' \
	"bpf-preflight: FILE: findings[0]: \"rule\" is missing or not a string"
bad measure '{"version": 2, "findings": [{"object": "grow.o", "program": "p", "function": "f", "rule": "r", "kernels": ["6.1"], "measure": ["544"]}]}\n' \
	"bpf-preflight: FILE: findings[0]: \"measure\" holds something other than a whole number >= 0"
bad kernels '{"version": 2, "findings": [{"object": "grow.o", "program": "p", "function": "f", "rule": "r", "kernels": "6.1", "measure": []}]}\n' \
	"bpf-preflight: FILE: findings[0]: \"kernels\" is missing or not an array"
expect_exit 2 "missing baseline" "$PF_BIN" check -k 6.1.192 --baseline "$out/none.json" "$grow"
has "missing baseline" "$out/err" "bpf-preflight: $out/none.json: cannot read the baseline: No such file or directory"
expect_exit 2 "a directory as baseline" "$PF_BIN" check -k 6.1.192 --baseline "$out" "$grow"
has "a directory as baseline" "$out/err" "bpf-preflight: $out: cannot read the baseline: not a regular file"
exit $rc

#!/usr/bin/env bash
# Command-line contract: exit statuses, --kernel parsing, the stack table
# agreeing with the (kernel-confirmed) verdict messages.
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
o=$PF_BUILD/objs/clang14-v3
rc=0
expect_exit() {	# WANT DESCRIPTION CMD...
	local want=$1 what=$2
	shift 2
	"$@" >"$PF_BUILD/cli.out" 2>"$PF_BUILD/cli.err"
	local st=$?
	if [ $st -ne "$want" ]; then
		echo "FAIL $what: exit $st, want $want"; head -n 5 "$PF_BUILD/cli.err"; rc=1
	else
		echo "ok $what: exit $st"
	fi
}
expect_exit 0 "clean object" "$PF_BIN" check "$o/core/subprogs.o"
[ -s "$PF_BUILD/cli.out" ] && { echo "FAIL: a clean run printed something"; rc=1; }
expect_exit 1 "refused program" "$PF_BIN" check -p chain4_200 "$o/stack/combined.o"
expect_exit 2 "missing file" "$PF_BIN" check "$PF_BUILD/does-not-exist.o"
expect_exit 2 "bad file and a refused one" "$PF_BIN" check "$PF_BUILD/does-not-exist.o" "$o/stack/combined.o"
expect_exit 2 "bad option" "$PF_BIN" check --no-such-option "$o/core/subprogs.o"
expect_exit 2 "bad kernel" "$PF_BIN" check --kernel 6.x "$o/core/subprogs.o"
expect_exit 2 "bad arch" "$PF_BIN" check --arch vax "$o/core/subprogs.o"
expect_exit 2 "no operands" "$PF_BIN" check
expect_exit 0 "--kernel none on a refused program" "$PF_BIN" check -k none "$o/stack/combined.o"
# -p that selects nothing is an error naming the programs there are (issue 16)
for cmd in check stack dump; do
	expect_exit 2 "$cmd -p of no program" "$PF_BIN" $cmd -p chain4_20 "$o/stack/combined.o"
	grep -q "no program of that name (programs: .*chain4_200" "$PF_BUILD/cli.err" ||
		{ echo "FAIL $cmd -p of no program: $(cat "$PF_BUILD/cli.err")"; rc=1; }
done
expect_exit 2 "-p of a subprogram" "$PF_BIN" check -k none -j 2 -p report "$o/engine/explore.o" "$o/engine/explore.o"
grep -q "a function of .*explore.o, not a program" "$PF_BUILD/cli.err" ||
	{ echo "FAIL -p of a subprogram: $(cat "$PF_BUILD/cli.err")"; rc=1; }
expect_exit 0 "--help" "$PF_BIN" --help
expect_exit 0 "--version" "$PF_BIN" --version
grep -Eq '^bpf-preflight [0-9.]+ \(libbpf v?[0-9.]+, libelf [0-9.]+, libdwarf [0-9.]+\); kernels [0-9.]+ to [0-9.]+$' \
	"$PF_BUILD/cli.out" || { echo "FAIL --version: $(cat "$PF_BUILD/cli.out")"; rc=1; }

# The stack table's worst chain equals the number in the verdict message.
for k in 6.1.192 6.18; do
	msg=$("$PF_BIN" check -k "$k" -p chain4_200 --format=json "$o/stack/combined.o" |
	      python3 -c 'import json,sys; print(json.load(sys.stdin)["objects"][0]["programs"][0]["verdict"]["message"])')
	want=$(sed -n 's/.* is \([0-9]*\)\. Too large/\1/p' <<<"$msg")
	got=$("$PF_BIN" stack -k "$k" -p chain4_200 "$o/stack/combined.o" | awk '/worst chain/ { print $NF }')
	if [ -z "$want" ] || [ "$got" != "$want" ]; then
		echo "FAIL stack $k: worst chain '$got', verdict says '$msg'"; rc=1
	else
		echo "ok stack $k: worst chain $got = '$msg'"
	fi
done

# --fail-on and --exit-zero: the acl scenario has an error on 6.1.192 and a
# printk-stack warning on 6.18.
acl=$o/explain/acl.o
expect_exit 1 "error finding" "$PF_BIN" check -k 6.1.192 "$acl"
expect_exit 0 "warning only, default --fail-on=error" "$PF_BIN" check -k 6.18 "$acl"
expect_exit 1 "warning with --fail-on=warning" "$PF_BIN" check -k 6.18 --fail-on=warning "$acl"
expect_exit 0 "--exit-zero" "$PF_BIN" check -k 6.1.192 --exit-zero "$acl"
expect_exit 2 "bad --fail-on" "$PF_BIN" check --fail-on=fatal "$acl"
expect_exit 2 "unknown rule" "$PF_BIN" check --disable no-such-rule "$acl"
expect_exit 0 "--disable the refusing rules" "$PF_BIN" check -k 6.1.192 \
	--disable stack-tailcall-frames --disable printk-stack "$acl"

# A baseline keeps old findings quiet and lets new ones through.
expect_exit 0 "--write-baseline" "$PF_BIN" check -k 6.1.192 --exit-zero \
	--write-baseline "$PF_BUILD/base.json" "$acl"
expect_exit 0 "same findings against the baseline" "$PF_BIN" check -k 6.1.192 \
	--baseline "$PF_BUILD/base.json" "$acl"
[ -s "$PF_BUILD/cli.out" ] && { echo "FAIL: baseline run still printed findings"; rc=1; }
expect_exit 1 "a new finding against the baseline" "$PF_BIN" check -k 6.1.192 \
	--baseline "$PF_BUILD/base.json" "$acl" "$o/stack/combined.o"

# The config file, found upward from the current directory.
mkdir -p "$PF_BUILD/cfg/sub"
printf 'kernels = 6.18\nfail-on = warning # printk-stack warns on 6.18\n' >"$PF_BUILD/cfg/.bpf-preflight"
(cd "$PF_BUILD/cfg/sub" && "$PF_BIN" check "$acl" >/dev/null 2>&1)
st=$?
[ $st -eq 1 ] && echo "ok config file from a parent directory: exit 1" ||
	{ echo "FAIL config file: exit $st, want 1"; rc=1; }
printf 'bogus = 1\n' >"$PF_BUILD/cfg/bad"
expect_exit 2 "bad config file" "$PF_BIN" check --config "$PF_BUILD/cfg/bad" "$acl"

# One option table drives the command line and the file: a value the
# command line refuses, the file refuses too, in the same words after
# FILE:LINE.
same_error() {	# KEY VALUE OPTION: the file's KEY = VALUE against OPTION
	local key=$1 val=$2 opt=$3 file cli
	printf '# one bad value\n%s = %s\n' "$key" "$val" >"$PF_BUILD/cfg/bad"
	expect_exit 2 "config '$key = $val'" "$PF_BIN" check --config "$PF_BUILD/cfg/bad" "$acl"
	file=$(cat "$PF_BUILD/cli.err")
	expect_exit 2 "option $opt" "$PF_BIN" check "$opt" "$acl"
	cli=$(cat "$PF_BUILD/cli.err")
	if [ "$file" != "bpf-preflight: $PF_BUILD/cfg/bad:2: ${cli#bpf-preflight: }" ]; then
		echo "FAIL '$key = $val': file says '$file', option says '$cli'"; rc=1
	else
		echo "ok '$key = $val': $file"
	fi
}
same_error disable no-such-rule --disable=no-such-rule
same_error margin -5 --margin=-5
same_error fail-on loud --fail-on=loud
same_error arch vax --arch=vax
same_error kernels 6.x --kernel=6.x
same_error kernels "" --kernel=
# jit has no value on the command line (--no-jit); the file's must be a boolean.
printf 'jit = maybe\n' >"$PF_BUILD/cfg/bad"
expect_exit 2 "config 'jit = maybe'" "$PF_BIN" check --config "$PF_BUILD/cfg/bad" "$acl"
grep -qx "bpf-preflight: $PF_BUILD/cfg/bad:1: jit wants true or false" "$PF_BUILD/cli.err" ||
	{ echo "FAIL 'jit = maybe': $(cat "$PF_BUILD/cli.err")"; rc=1; }
printf 'jit = false\nkernels = 6.1.192\n' >"$PF_BUILD/cfg/nojit"
jit=$("$PF_BIN" check --config "$PF_BUILD/cfg/nojit" -f json --exit-zero "$acl" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["target"]["jit"])')
[ "$jit" = False ] && echo "ok 'jit = false' is --no-jit" || { echo "FAIL 'jit = false': jit $jit"; rc=1; }

# -k accumulates; the first -k replaces the file's kernels.
kernels() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(",".join(t["kernel"] for t in d.get("targets") or [d["target"]]))'; }
got=$("$PF_BIN" check -k 6.1 -k 6.12 -f json --exit-zero "$acl" | kernels)
[ "$got" = 6.1,6.12 ] && echo "ok -k 6.1 -k 6.12: $got" || { echo "FAIL -k 6.1 -k 6.12: '$got'"; rc=1; }
got=$("$PF_BIN" check --config "$PF_BUILD/cfg/nojit" -k 6.6 -k 6.18 -f json --exit-zero "$acl" | kernels)
[ "$got" = 6.6,6.18 ] && echo "ok -k over the file's kernels: $got" ||
	{ echo "FAIL -k over the file's kernels: '$got'"; rc=1; }
expect_exit 0 "--disable with a comma list" "$PF_BIN" check -k 6.1.192 \
	--disable stack-tailcall-frames,printk-stack "$acl"

# Each command takes its own options and formats; the rest is an error.
expect_exit 2 "check --raw" "$PF_BIN" check --raw "$acl"
grep -qx "bpf-preflight: --raw is for dump, not check" "$PF_BUILD/cli.err" ||
	{ echo "FAIL check --raw: $(cat "$PF_BUILD/cli.err")"; rc=1; }
expect_exit 2 "stack --explain -f sarif" "$PF_BIN" stack --explain -f sarif "$acl"
expect_exit 0 "stack -f json without --explain" "$PF_BIN" stack -f json -k 6.18 "$acl"
expect_exit 0 "stack --explain -f json" "$PF_BIN" stack --explain -f json -k 6.18 "$acl"
expect_exit 2 "dump --explain" "$PF_BIN" dump --explain "$acl"
expect_exit 2 "dump --raw -f json" "$PF_BIN" dump --raw -f json "$acl"
expect_exit 2 "graph -f text" "$PF_BIN" graph -f text "$acl"
expect_exit 2 "graph -p" "$PF_BIN" graph -p acl_main "$acl"
expect_exit 2 "probe -k" "$PF_BIN" probe -k 6.1
expect_exit 2 "rules --kernel" "$PF_BIN" rules --kernel 6.1
expect_exit 0 "stack --help" "$PF_BIN" stack --help
grep -q -- '--explain' "$PF_BUILD/cli.out" && ! grep -q -- '--raw' "$PF_BUILD/cli.out" ||
	{ echo "FAIL stack --help lists other commands' options"; rc=1; }

# A typo for a command is named as one; a bad option is one line and a hint.
expect_exit 2 "unknown command" "$PF_BIN" stak "$acl"
grep -qx "bpf-preflight: unknown command 'stak' (commands: check, stack, dump, graph, rules, explain, probe, kernels)" \
	"$PF_BUILD/cli.err" || { echo "FAIL unknown command: $(cat "$PF_BUILD/cli.err")"; rc=1; }
expect_exit 2 "bad option, briefly" "$PF_BIN" check --no-such-option "$acl"
[ "$(wc -l <"$PF_BUILD/cli.err")" -eq 2 ] && grep -qx "try 'bpf-preflight check --help'" "$PF_BUILD/cli.err" ||
	{ echo "FAIL bad option: not one line and a hint:"; cat "$PF_BUILD/cli.err"; rc=1; }

# A kernel the fact table cannot place is an error naming the known ones,
# never a silent guess: before the oldest, after the newest, a vendor build.
for k in 4.9 99.99 5.14.0-427.el9.x86_64; do
	expect_exit 2 "-k $k" "$PF_BIN" check -k "$k" "$acl"
	[ "$(wc -l <"$PF_BUILD/cli.err")" -eq 1 ] && grep -q 'known: 5.10, ' "$PF_BUILD/cli.err" ||
		{ echo "FAIL -k $k: not one line naming the known kernels: $(cat "$PF_BUILD/cli.err")"; rc=1; }
done
printf 'kernels = 6.1, 4.19\n' >"$PF_BUILD/kcfg"
expect_exit 2 "kernels = 4.19 in the config file" "$PF_BIN" check --config="$PF_BUILD/kcfg" "$acl"
grep -q "kcfg:1: kernel 4.19 is older than the oldest" "$PF_BUILD/cli.err" ||
	{ echo "FAIL config kernels 4.19: $(cat "$PF_BUILD/cli.err")"; rc=1; }
expect_exit 1 "-k 6.3 (between known kernels)" "$PF_BIN" check -k 6.3 "$acl"
# A probed profile of a kernel outside the table loads, and says that its
# unmeasured facts are the nearest row's.
printf '{"bpf_preflight_profile": 1, "kernel": "7.2.1", "arch": "x86_64", "jit": true, "facts": {"isa_v4": {"value": true, "measured": true}}}\n' >"$PF_BUILD/k7.json"
expect_exit 0 "-k @profile of 7.2.1 (as -k 6.18: accepted)" "$PF_BIN" check -k "@$PF_BUILD/k7.json" "$acl"
grep -qx "bpf-preflight: $PF_BUILD/k7.json: warning: kernel 7.2.1 is newer than the newest the tool knows (6.18); the facts the profile did not measure are the fact table's nearest row" \
	"$PF_BUILD/cli.err" || { echo "FAIL profile 7.2.1: $(cat "$PF_BUILD/cli.err")"; rc=1; }

# Inline suppression: a copy of the source with the comment on the line
# above the tail call silences the refusal there.
mkdir -p "$PF_BUILD/supp"
sed 's|^\tbpf_tail_call(ctx, &acl_progs, verdict & 7);|\t// bpf-preflight: disable=stack-tailcall-frames\n&|' \
	testdata/explain/acl.bpf.c >"$PF_BUILD/supp/acl.bpf.c"
grep -q 'bpf-preflight: disable=stack-tailcall-frames' "$PF_BUILD/supp/acl.bpf.c" ||
	{ echo "FAIL: could not place the suppression comment"; rc=1; }
(cd "$PF_BUILD/supp" && clang -target bpf -O2 -g -DBPF_NO_GLOBAL_DATA \
	-I/usr/include/$(gcc -dumpmachine) -c acl.bpf.c -o acl.o)
expect_exit 0 "inline suppression" "$PF_BIN" check -k 6.1.192 --disable printk-stack \
	"$PF_BUILD/supp/acl.o"
# ... misspelt, it suppresses nothing, and says so with the id meant (issue 16)
sed 's|^\tbpf_tail_call(ctx, &acl_progs, verdict & 7);|\t// bpf-preflight: disable=stack-tailcal-frames\n&|' \
	testdata/explain/acl.bpf.c >"$PF_BUILD/supp/acl.bpf.c"
(cd "$PF_BUILD/supp" && clang -target bpf -O2 -g -DBPF_NO_GLOBAL_DATA \
	-I/usr/include/$(gcc -dumpmachine) -c acl.bpf.c -o acl.o)
expect_exit 1 "misspelt inline suppression" "$PF_BIN" check -k 6.1.192 --disable printk-stack \
	"$PF_BUILD/supp/acl.o"
[ "$(grep -c "disable=stack-tailcal-frames' names no rule; did you mean 'stack-tailcall-frames'?" \
	"$PF_BUILD/cli.err")" = 1 ] ||
	{ echo "FAIL misspelt inline suppression: $(cat "$PF_BUILD/cli.err")"; rc=1; }
# SEC("?raw_tp"): not loaded by default, but a raw_tracepoint all the same
mkdir -p "$PF_BUILD/qsec"
printf '%s\n' '#include <linux/bpf.h>' '#include <bpf/bpf_helpers.h>' \
	'SEC("?raw_tp") int q(void *ctx) { return 0; }' 'char LICENSE[] SEC("license") = "GPL";' \
	>"$PF_BUILD/qsec/q.bpf.c"
clang -target bpf -O2 -g -I/usr/include/$(gcc -dumpmachine) -c "$PF_BUILD/qsec/q.bpf.c" -o "$PF_BUILD/qsec/q.o"
expect_exit 0 "SEC(\"?raw_tp\")" "$PF_BIN" check -k 6.18 --format=json "$PF_BUILD/qsec/q.o"
grep -q '"type":[[:space:]]*"raw_tracepoint"' "$PF_BUILD/cli.out" && [ ! -s "$PF_BUILD/cli.err" ] ||
	{ echo "FAIL SEC(\"?raw_tp\"): $(cat "$PF_BUILD/cli.err") $(grep '"type"' "$PF_BUILD/cli.out")"; rc=1; }
exit $rc

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
expect_exit 0 "--help" "$PF_BIN" --help
expect_exit 0 "--version" "$PF_BIN" --version

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
exit $rc

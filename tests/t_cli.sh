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
exit $rc

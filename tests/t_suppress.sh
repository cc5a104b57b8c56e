#!/usr/bin/env bash
# Inline suppression from the object alone (issue 16, item 4): with the
# sources deleted, a "bpf-preflight: disable=RULE" comment still applies
# where BTF line info holds its text -- on the reported line, or at the end
# of the line above when that line has code. A comment on a line of its
# own has no line info record, so it needs the source file: checked as
# such, so a change in what clang records shows here.
set -u
cd "$PF_ROOT"
source tests/lib/variants.sh
cc=$(variant_cmd clang14-v3)
command -v "${cc%% *}" >/dev/null || { echo "skip: ${cc%% *} is not installed"; exit 77; }
out=$PF_BUILD/suppress
rm -rf "$out"
mkdir -p "$out/src" "$out/elsewhere"
cp testdata/suppress/moved.c "$out/src/moved.bpf.c"
# shellcheck disable=SC2086
$cc -O2 -g -Wall -I"$pf_variants_arch_inc" -Itestdata/include \
	-c "$out/src/moved.bpf.c" -o "$out/src/moved.o" || { echo "FAIL: cannot compile moved.c"; exit 1; }
rc=0

# The programs with a finding, sorted, and the exit status: "PROGS... exit N".
refused() {	# OBJ
	"$PF_BIN" check -k 6.1.192 -f json "$1" 2>"$out/err" >"$out/json"
	local st=$?
	echo "$(python3 -c 'import json,sys
print(" ".join(sorted(d["program"] + ":" + d["rule"] for d in json.load(open(sys.argv[1]))["diagnostics"])))' \
		"$out/json") exit $st"
}
expect() {	# WHAT WANT GOT
	if [ "$3" != "$2" ]; then
		echo "FAIL $1: got '$3', want '$2'"; sed 's/^/    /' "$out/err"; rc=1
	else
		echo "ok $1: $3"
	fi
}

# What the object holds: the comment at the end of the line above is in
# BTF line info (the premise of the rest).
"$PF_BIN_FAST" dump -p above_code "$out/src/moved.o" |
	grep -q '^; moved.bpf.c:[0-9]*: 	FRAME(200, skb->len); // bpf-preflight: disable=stack-combined$' ||
	{ echo "FAIL: BTF line info of above_code does not hold the comment at the end of the line"; rc=1; }

expect "sources in place" "control:stack-combined exit 1" "$(refused "$out/src/moved.o")"

mv "$out/src/moved.o" "$out/elsewhere/"
rm -rf "$out/src"
expect "sources deleted" "above_comment:stack-combined control:stack-combined exit 1" \
	"$(refused "$out/elsewhere/moved.o")"
# the excerpt still comes from BTF: the user sees the line that the comment would go on
"$PF_BIN" check -k 6.1.192 -p control "$out/elsewhere/moved.o" 2>&1 |
	grep -q '^ *[0-9]* | 	return leaf304(skb->len) + frame_200\[0\];$' ||
	{ echo "FAIL: no source excerpt from BTF with the sources deleted"; rc=1; }

# A misspelt id read from BTF alone warns as one read from the file does.
mkdir -p "$out/src"
sed 's|// bpf-preflight: disable=stack-combined$|// bpf-preflight: disable=stack-combnied|' \
	testdata/suppress/moved.c >"$out/src/moved.bpf.c"
# shellcheck disable=SC2086
$cc -O2 -g -Wall -I"$pf_variants_arch_inc" -Itestdata/include \
	-c "$out/src/moved.bpf.c" -o "$out/elsewhere/typo.o" || { echo "FAIL: cannot compile the typo copy"; exit 1; }
rm -rf "$out/src"
expect "misspelt, sources deleted" \
	"above_code:stack-combined above_comment:stack-combined control:stack-combined same_line:stack-combined exit 1" \
	"$(refused "$out/elsewhere/typo.o")"
n=$(grep -c "warning: 'bpf-preflight: disable=stack-combnied' names no rule; did you mean 'stack-combined'?" "$out/err")
expect "one warning per comment BTF holds" 2 "$n"
exit $rc

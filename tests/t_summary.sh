#!/usr/bin/env bash
# The summary line (issue 16, item 9): in a real terminal (a tmux pane) the
# text ends with one line as clang and ruff print it, "2 errors and 1 warning
# in 3 programs of 2 objects, 11 kernels", whose counts equal the findings
# printed above it (and the JSON of the same run); coloured like the
# severities, plain under NO_COLOR=1 and TERM=dumb. Piped or to a file there
# is none, and a clean run prints nothing at all, on a terminal too.
set -u
cd "$PF_ROOT" || exit 1
skip() { echo "SKIP: t_summary: $*"; exit 77; }
command -v tmux >/dev/null || skip "tmux not installed (apt-get install tmux)"
unset NO_COLOR CLICOLOR_FORCE FORCE_COLOR

bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
o=$PF_BUILD/objs/clang14-v3
# refusals (stack-combined, stack-tailcall-frames) and warnings (printk-stack, tailcall-hierarchy)
objs=("$o/stack/combined.o" "$o/stack/two_problems.o" "$o/explain/acl.o" "$o/freplace/hierarchy.o")
for f in "${objs[@]}"; do [ -f "$f" ] || { echo "FAIL: $f not built"; exit 1; }; done
args=(check -k 6.1.192,6.12.117,6.18 "${objs[@]}")
clean=(check -k 6.18 -p c8x64 "$o/stack/combined.o")

d=$PF_BUILD/summary
rm -rf "$d"; mkdir -p "$d"
sock=pf-summary-$$
. tests/lib/tty.sh

rc=0
esc=$'\033['
summary_re='^[0-9]+ (error|warning|note)s?(, [0-9]+ (warning|note)s?)*( and [0-9]+ (warning|note)s?)? in ([0-9]+ programs? of )?[0-9]+ objects?, [0-9]+ kernels?$'

# what the summary must say, from the JSON of the same run
"$PF_BIN" "${args[@]}" -f json >"$d/run.json" 2>/dev/null
want=$(python3 - "$d/run.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
ds = doc["diagnostics"]
n = {s: sum(1 for x in ds if x["severity"] == s) for s in ("error", "warning", "note")}
parts = [f"{c} {s}{'' if c == 1 else 's'}" for s, c in n.items() if c]
words = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
progs = len({(x["object"], x["program"]) for x in ds if x.get("program")})
objs = len({x["object"] for x in ds})
k = len(doc.get("targets") or [doc.get("target")])
p = f"{progs} program{'' if progs == 1 else 's'} of " if progs else ""
print(f"{words} in {p}{objs} object{'' if objs == 1 else 's'}, {k} kernel{'' if k == 1 else 's'}")
PY
)
echo "expected: $want"
case $want in *error*warning*) ;; *) echo "FAIL: the run should have errors and warnings: $want"; rc=1 ;; esac

on_tty tty -- "${args[@]}" || rc=1
last=$(tail -n1 "$d/tty.plain")
if [ "$last" != "$want" ]; then
	echo "FAIL terminal: last line is not the summary:"; echo "  got:  $last"; echo "  want: $want"; rc=1
else
	echo "ok terminal: $last"
fi
[ "$(cat "$d/tty.rc")" = 1 ] || { echo "FAIL terminal: exit $(cat "$d/tty.rc"), want 1"; rc=1; }
# the counts are those of the findings on the screen
shown=$(grep -cE '^[^ ].*: error: ' "$d/tty.plain")
case $last in "$shown error"*) echo "ok terminal: $shown errors on the screen" ;;
	*) echo "FAIL terminal: $shown errors on the screen, summary '$last'"; rc=1 ;; esac
shown=$(grep -cE '^[^ ].*: warning: ' "$d/tty.plain")
case $last in *" $shown warning"*) echo "ok terminal: $shown warnings on the screen" ;;
	*) echo "FAIL terminal: $shown warnings on the screen, summary '$last'"; rc=1 ;; esac
[ "$(grep -cE "$summary_re" "$d/tty.plain")" = 1 ] || { echo "FAIL terminal: not exactly one summary line"; rc=1; }
sline=$(grep -v '^$' "$d/tty.screen" | tail -n1)
# tmux redraws "1;31" as "1m" then "31m"
if ! grep -qE '31m[0-9]+ error' <<<"$sline" || ! grep -qE '35m[0-9]+ warning' <<<"$sline"; then
	echo "FAIL terminal: the summary is not coloured as the severities:"; cat -v <<<"$sline"; rc=1
fi

for e in NO_COLOR=1 TERM=dumb; do
	n=${e%%=*}
	on_tty "$n" "$e" -- "${args[@]}" || { rc=1; continue; }
	if [ "$(tail -n1 "$d/$n.plain")" != "$want" ]; then
		echo "FAIL terminal, $e: no summary: $(tail -n1 "$d/$n.plain")"; rc=1
	elif grep -qF "$esc" "$d/$n.screen"; then
		echo "FAIL terminal, $e: ANSI escapes:"; grep -m2 -F "$esc" "$d/$n.screen" | cat -v; rc=1
	else
		echo "ok terminal, $e: plain summary"
	fi
done

on_tty clean -- "${clean[@]}" || rc=1
if [ "$(cat "$d/clean.rc")" != 0 ] || grep -q . "$d/clean.plain"; then
	echo "FAIL clean run on a terminal: exit $(cat "$d/clean.rc"), output:"; cat "$d/clean.plain"; rc=1
else
	echo "ok clean run on a terminal: nothing printed, exit 0"
fi

"$PF_BIN" "${args[@]}" 2>&1 | cat >"$d/pipe.out"
"$PF_BIN" --color=always "${args[@]}" >"$d/file.out" 2>&1
for f in pipe.out file.out; do
	if ! sed 's/\x1b\[[0-9;]*m//g' "$d/$f" | grep -q ': error: '; then
		echo "FAIL $f: no findings"; rc=1
	elif sed 's/\x1b\[[0-9;]*m//g' "$d/$f" | grep -qE "$summary_re"; then
		echo "FAIL $f: a summary line where output is not a terminal:"
		sed 's/\x1b\[[0-9;]*m//g' "$d/$f" | grep -E "$summary_re"; rc=1
	else
		echo "ok $f: findings, no summary"
	fi
done
exit $rc

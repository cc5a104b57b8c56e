#!/usr/bin/env bash
# Colour as a person sees it: bpf-preflight runs in a real terminal (a tmux
# pane) on a refused object and its screen holds ANSI colour (a red
# "error:"); the same run piped, with NO_COLOR=1 in the terminal, or with
# --color=never holds none; --color=always colours even a pipe.
set -u
cd "$PF_ROOT" || exit 1
skip() { echo "SKIP: t_color: $*"; exit 77; }
"$PF_BIN" --help 2>&1 | grep -q -- '--color' || skip "bpf-preflight has no --color option yet (not in --help)"
command -v tmux >/dev/null || skip "tmux not installed (apt-get install tmux)"
unset NO_COLOR CLICOLOR_FORCE FORCE_COLOR

bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
obj=$PF_BUILD/objs/clang14-v3/stack/combined.o
[ -f "$obj" ] || { echo "FAIL: $obj not built"; exit 1; }
args=(check -k 6.1.192 -p c200_304 "$obj")

d=$PF_BUILD/color
rm -rf "$d"; mkdir -p "$d"
sock=pf-color-$$
. tests/lib/tty.sh

esc=$'\033['
rc=0
has_colour() { grep -q "${esc}[0-9;]*m" "$1"; }
check() {	# WANT(colour|plain) NAME FILE
	local want=$1 name=$2 f=$3
	if ! grep -q "combined stack size of 2 calls is 544" "$f"; then
		echo "FAIL $name: the finding is not in the output:"; sed -n 1,5p "$f" | cat -v; rc=1; return
	fi
	if [ "$want" = colour ] && ! has_colour "$f"; then
		echo "FAIL $name: no ANSI colour:"; sed -n 1,3p "$f" | cat -v; rc=1
	elif [ "$want" = colour ] && ! grep -q "${esc}[0-9;]*31" "$f"; then
		echo "FAIL $name: colour, but no red (31) for the error:"; sed -n 1,3p "$f" | cat -v; rc=1
	elif [ "$want" = plain ] && has_colour "$f"; then
		echo "FAIL $name: ANSI escapes where there should be none:"; grep -m3 "$esc" "$f" | cat -v; rc=1
	else
		echo "ok $name: $want"
	fi
}

on_tty tty -- "${args[@]}" && check colour "terminal, default --color=auto" "$d/tty.screen"
[ "$(cat "$d/tty.rc" 2>/dev/null)" = 1 ] || { echo "FAIL terminal run: exit $(cat "$d/tty.rc" 2>/dev/null), want 1"; rc=1; }
on_tty nocolor NO_COLOR=1 -- "${args[@]}" && check plain "terminal, NO_COLOR=1" "$d/nocolor.screen"
on_tty never -- --color=never "${args[@]}" && check plain "terminal, --color=never" "$d/never.screen"
# no-color.org: NO_COLOR counts when set and not empty; TERM=dumb takes no colour
on_tty nocolor_empty NO_COLOR= -- "${args[@]}" && check colour "terminal, NO_COLOR empty" "$d/nocolor_empty.screen"
on_tty dumb TERM=dumb -- "${args[@]}" && check plain "terminal, TERM=dumb" "$d/dumb.screen"
on_tty always -- --color=always "${args[@]}" && check colour "terminal, --color=always" "$d/always.screen"

"$PF_BIN" "${args[@]}" 2>&1 | cat >"$d/pipe.out"
check plain "piped, default --color=auto" "$d/pipe.out"
"$PF_BIN" --color=always "${args[@]}" 2>&1 | cat >"$d/pipe-always.out"
check colour "piped, --color=always" "$d/pipe-always.out"
"$PF_BIN" --color=auto "${args[@]}" >"$d/file.out" 2>&1
check plain "to a file, --color=auto" "$d/file.out"
exit $rc

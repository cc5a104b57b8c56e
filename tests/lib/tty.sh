# Sourced by the tests that look at bpf-preflight in a real terminal (a
# tmux pane): t_color, t_summary. The caller sets d (a directory for the
# screens) and sock (a tmux socket name of its own) before sourcing.
#
# on_tty NAME [ENV=VALUE...] -- ARGS...: run $PF_BIN ARGS in a fresh
# 250x60 pane, wait (60 s at most) for its exit status in $d/NAME.rc,
# capture the whole screen with its escape sequences in $d/NAME.screen
# and, without them and trailing blank lines, in $d/NAME.plain.
tm() { tmux -L "$sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null' EXIT

on_tty() {
	local name=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	local cmd
	cmd="env ${envs[*]} $(printf '%q ' "$PF_BIN" "$@") >/dev/tty 2>&1; echo \$? >$(printf '%q' "$d/$name.rc"); sleep 60"
	rm -f "$d/$name.rc"
	tm new-session -d -s "$name" -x 250 -y 60 "bash -c $(printf '%q' "$cmd")" || return 1
	for _ in $(seq 1 600); do
		[ -s "$d/$name.rc" ] && break
		sleep 0.1
	done
	[ -s "$d/$name.rc" ] || { echo "FAIL $name: no exit status after 60 s"; return 1; }
	tm capture-pane -p -e -J -S - -t "$name" >"$d/$name.screen"
	tm kill-session -t "$name"
	sed 's/\x1b\[[0-9;]*m//g' "$d/$name.screen" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' >"$d/$name.plain"
}

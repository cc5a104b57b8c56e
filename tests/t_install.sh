#!/usr/bin/env bash
# make install honours PREFIX and DESTDIR: binary, man page, bash completion.
set -u
cd "$PF_ROOT"
dest=$PF_BUILD/destdir
rm -rf "$dest"
[ -f completion/bpf-preflight.bash ] || { echo "FAIL: completion/bpf-preflight.bash missing"; exit 1; }
make --no-print-directory install PREFIX=/opt/pf DESTDIR="$dest" >/dev/null || { echo "FAIL: make install"; exit 1; }
rc=0
for f in bin/bpf-preflight share/man/man1/bpf-preflight.1 share/bash-completion/completions/bpf-preflight; do
	if [ -f "$dest/opt/pf/$f" ]; then echo "ok $f"; else echo "FAIL: $dest/opt/pf/$f missing"; rc=1; fi
done
"$dest/opt/pf/bin/bpf-preflight" --version || rc=1
[ -z "$(find "$dest" -type f -not -path "$dest/opt/pf/*")" ] || { echo "FAIL: files outside PREFIX"; rc=1; }
# The completion offers the kernels `bpf-preflight kernels` lists, no others
# (it asks the tool; a config file's profiles where it runs are not offered).
comp=$(cd "$PF_BUILD" && printf 'kernels = 6.1\n' >.bpf-preflight && bash -c '
	compopt() { :; }
	. "$1"
	words=("$2"); _bpf_preflight_value -k "" check "$2"
	printf "%s\n" "${COMPREPLY[@]}"' _ "$dest/opt/pf/share/bash-completion/completions/bpf-preflight" \
	"$dest/opt/pf/bin/bpf-preflight" | grep -v '^host$\|^all$\|^none$' | tr '\n' ' ' | sed 's/ $//'; rm -f .bpf-preflight)
tool=$("$dest/opt/pf/bin/bpf-preflight" kernels --config=/dev/null | sed -n 's/^\([0-9][0-9.]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')
if [ -n "$comp" ] && [ "$comp" = "$tool" ]; then
	echo "ok completion kernels = bpf-preflight kernels: $tool"
else
	echo "FAIL: completion kernels '$comp', bpf-preflight kernels '$tool'"; rc=1
fi
exit $rc

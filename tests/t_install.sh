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
# The completion offers the kernels `bpf-preflight kernels` lists, no others.
comp=$(sed -n 's/^_bpf_preflight_kernels="\(.*\)"$/\1/p' completion/bpf-preflight.bash)
tool=$("$dest/opt/pf/bin/bpf-preflight" kernels | sed -n 's/^\([0-9][0-9.]*\) .*/\1/p' | tr '\n' ' ' | sed 's/ $//')
if [ -n "$comp" ] && [ "$comp" = "$tool" ]; then
	echo "ok completion kernels = bpf-preflight kernels: $tool"
else
	echo "FAIL: completion kernels '$comp', bpf-preflight kernels '$tool'"; rc=1
fi
exit $rc

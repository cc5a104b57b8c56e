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
exit $rc

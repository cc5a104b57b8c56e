#!/usr/bin/env bash
# The man page is lint-clean and lists the same options as --help.
set -u
cd "$PF_ROOT"
command -v mandoc >/dev/null || { echo "SKIP: mandoc not installed (apt-get install mandoc)"; exit 77; }
rc=0
mandoc -Tlint -W warning man/bpf-preflight.1 || { echo "FAIL: mandoc -Tlint"; rc=1; }
help=$("$PF_BIN" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u)
man=$(mandoc -Tutf8 man/bpf-preflight.1 | col -b | grep -oE -- '--[a-z][a-z-]*' | sort -u)
if [ "$help" != "$man" ]; then
	echo "FAIL: --help and the man page list different options:"
	diff <(echo "$help") <(echo "$man")
	rc=1
fi
for cmd in check stack dump graph rules explain; do
	"$PF_BIN" --help | grep -q "^  $cmd " || { echo "FAIL: --help lacks $cmd"; rc=1; }
	mandoc -Tutf8 man/bpf-preflight.1 | col -b | grep -q "^     $cmd" ||
		{ echo "FAIL: man page lacks command $cmd"; rc=1; }
done
echo "options: $(echo $help)"
exit $rc

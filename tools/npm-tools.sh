#!/usr/bin/env bash
# Install the test suite's npm tools (ajv-cli, @microsoft/sarif-multitool) at
# the versions pinned in tools/npm/package-lock.json, locally, with `npm ci`:
#
#   tools/npm-tools.sh [DIR]      (default: build/npm)
#
# DIR gets a copy of tools/npm/package.json and package-lock.json and its own
# node_modules/; nothing is installed globally and the source tree stays
# clean. A second run with the same lockfile does nothing. On success the
# last line of standard output is DIR/node_modules/.bin; progress goes to
# standard error.
#
# Exit: 0 installed, 1 npm ci failed, 77 no Node.js/npm and none can be
# installed here (not root).
#
# Node.js: the machine's own (any version >= 18). If `npm` is missing and we
# are root, Debian's nodejs and npm packages are installed. Do not put `npm`
# in the Makefile's package list: Debian's npm conflicts with a Node.js that
# ships its own npm (NodeSource's nodejs package).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$root/build/npm}
src=$root/tools/npm

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "npm-tools: Node.js/npm not installed and not root: apt-get install nodejs npm" >&2
		exit 77
	fi
	"$root/tools/apt-deps.sh" nodejs npm >&2 || exit 77
fi

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
want=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$want" ] || [ ! -d "$dir/node_modules" ]; then
	echo "npm-tools: npm ci in $dir (node $(node --version), npm $(npm --version 2>/dev/null))" >&2
	rm -f "$dir/.stamp"
	cp "$src/package.json" "$src/package-lock.json" "$dir/"
	if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2; then
		echo "npm-tools: npm ci failed in $dir" >&2
		exit 1
	fi
	echo "$want" >"$dir/.stamp"
fi
# The platform binary's postinstall only sets u+x; npm run with
# --ignore-scripts (or a policy that skips install scripts) leaves it unset.
for b in "$dir"/node_modules/@microsoft/sarif-multitool-*/Sarif.Multitool; do
	[ -f "$b" ] && [ ! -x "$b" ] && chmod u+x "$b"
done
echo "$dir/node_modules/.bin"

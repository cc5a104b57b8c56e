#!/usr/bin/env bash
# Run the oracle (loader.c) on the running host kernel.
#
# usage: tests/kernel/host.sh [loader options] OBJ...
#   e.g. tests/kernel/host.sh --all build/testdata/*.o
#
# Prints the loader's records (see loader.c) on stdout.  Exits 77 (the
# automake/ctest "skipped" code) with "SKIP: <reason>" when this process
# cannot load BPF programs: not root, or root without the right to load
# (containers, lockdown, seccomp).  Otherwise exits with the loader's code.
#
# Environment: LOADER=path to a prebuilt loader (default: build it into
# build/kernel with build-loader.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)

if [ $# -eq 0 ]; then
	echo "usage: $0 [loader options] OBJ..." >&2
	exit 2
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root (loading BPF programs needs CAP_BPF/CAP_SYS_ADMIN)"
	exit 77
fi

if [ -z "${LOADER:-}" ]; then
	"$here/build-loader.sh" "$repo/build/kernel"
	LOADER=$repo/build/kernel/loader
fi
[ -x "$LOADER" ] || { echo "host.sh: loader '$LOADER' is not executable" >&2; exit 1; }

# One trivial XDP load tells "BPF not permitted here" apart from real
# verdicts, which would otherwise all read "RESULT fail 1 EPERM".
if ! probe=$("$LOADER" --probe 2>&1); then
	echo "SKIP: BPF program loading not permitted on this host (${probe:-no output})"
	exit 77
fi

exec "$LOADER" "$@"

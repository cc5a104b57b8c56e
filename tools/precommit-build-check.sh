#!/usr/bin/env bash
# The bpf-preflight-build pre-commit hook (.pre-commit-hooks.yaml): compile
# each BPF C source with clang -target bpf -O2 -g into a temporary directory
# and run `bpf-preflight check` on the objects.
#
#   precommit-build-check.sh [--clang=CC] [--cflags='FLAGS']... [CHECK_OPTION]... SRC.bpf.c...
#
#   --clang=CC      the compiler (default: $CLANG, else clang)
#   --cflags=FLAGS  extra compiler flags, split on blanks (-I, -D, -mcpu=...)
#   -*              any other option goes to `bpf-preflight check`
#                   (--kernel=..., --fail-on=warning, --disable=RULE, ...)
#
# bpf-preflight is taken from $BPF_PREFLIGHT, else PATH. Source locations
# in the report point at the real sources (the objects carry their paths).
# Exit: 0 clean, 1 a source does not compile or a program is refused,
# 2 usage or input error (bpf-preflight's own statuses otherwise).
set -u
cc=${CLANG:-clang}
cflags=()
opts=()
srcs=()
while [ $# -gt 0 ]; do
	case $1 in
	--clang=*)  cc=${1#--clang=} ;;
	--cflags=*) read -r -a more <<<"${1#--cflags=}"; cflags+=("${more[@]}") ;;
	# bpf-preflight options whose value may be the next argument
	-k|-a|-f|-p|-e|-d|-j|--kernel|--arch|--format|--prog|--enable|--disable|\
	--baseline|--write-baseline|--config|--margin|--fail-on|--color|--jobs)
		opts+=("$1" "${2-}"); shift ;;
	-*)         opts+=("$1") ;;
	*)          srcs+=("$1") ;;
	esac
	shift
done
[ ${#srcs[@]} -gt 0 ] || exit 0

tool=${BPF_PREFLIGHT:-bpf-preflight}
if ! command -v "$tool" >/dev/null 2>&1; then
	echo "bpf-preflight-build: '$tool' not found on PATH: install it (make install, docs/ci.md) or set BPF_PREFLIGHT" >&2
	exit 1
fi
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "bpf-preflight-build: compiler '$cc' not found: install clang or pass --clang=CC" >&2
	exit 1
fi

# <asm/types.h> and friends live in the multiarch include directory on
# Debian and Ubuntu; clang -target bpf does not look there by itself.
multiarch=$("$cc" -print-multiarch 2>/dev/null || true)
[ -n "$multiarch" ] || multiarch=$(gcc -dumpmachine 2>/dev/null || true)
inc=()
[ -n "$multiarch" ] && [ -d "/usr/include/$multiarch" ] && inc=(-idirafter "/usr/include/$multiarch")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bpf-preflight-build.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
objs=()
rc=0
for src in "${srcs[@]}"; do
	rel=${src#./}
	rel=${rel#/}
	obj=$tmp/${rel%.c}.o
	mkdir -p "$(dirname "$obj")"
	if ! "$cc" -target bpf -O2 -g "${inc[@]}" "${cflags[@]}" -c "$src" -o "$obj"; then
		echo "bpf-preflight-build: $src: does not compile with $cc -target bpf -O2 -g ${cflags[*]}" >&2
		rc=1
		continue
	fi
	objs+=("$obj")
done
if [ ${#objs[@]} -gt 0 ]; then
	"$tool" check "${opts[@]}" "${objs[@]}"
	st=$?
	[ $st -gt $rc ] && rc=$st
fi
exit $rc

#!/usr/bin/env bash
# Compile every testdata/**/*.bpf.c in each compiler variant:
#   build/test/objs/<variant>/<dir>/<name>.o
# A variant whose compiler is missing, or that cannot compile a scenario
# (bpf-gcc lacks some clang extensions), is reported on stderr, not fatal.
set -u
cd "$(dirname "$0")/.."
out=${1:-build/test/objs}
arch_inc=/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
common=(-O2 -g -Wall -Wno-unused-function -I"$arch_inc" -Itestdata/include)

source "$(dirname "${BASH_SOURCE[0]}")/lib/variants.sh"
VARIANTS=${PF_VARIANTS:-"clang14-v2 clang14-v3 clang19-v4 clang19-bpfeb gcc-bpf"}

for v in $VARIANTS; do
	cmd=$(variant_cmd "$v")
	if ! command -v "${cmd%% *}" >/dev/null; then
		echo "build-testdata: $v: ${cmd%% *} not installed, variant skipped" >&2
		continue
	fi
	for src in $(find testdata -name '*.bpf.c' | sort); do
		rel=${src#testdata/}
		obj=$out/$v/${rel%.bpf.c}.o
		mkdir -p "$(dirname "$obj")"
		# A first line "// build: FLAGS" adds flags (e.g. -g0 for a BTF-less object).
		extra=$(sed -n '1s|^// build: *||p' "$src")
		# rebuild when the source or the command changed
		stamp="$cmd ${common[*]} $extra"
		[ "$obj" -nt "$src" ] && [ "$(cat "$obj.cmd" 2>/dev/null)" = "$stamp" ] && continue
		# shellcheck disable=SC2086
		if ! $cmd "${common[@]}" $extra -c "$src" -o "$obj" 2>"$obj.err"; then
			echo "build-testdata: $v: cannot compile $rel: $(head -n1 "$obj.err")" >&2
			rm -f "$obj"
		else
			printf '%s' "$stamp" >"$obj.cmd"
		fi
	done
done

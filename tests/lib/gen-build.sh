#!/usr/bin/env bash
# gen-build.sh OUTDIR SEED:COUNT...: tools/gen-programs.py's programs for
# each seed in OUTDIR/src, compiled (two at a time) into
# OUTDIR/objs/<variant>/<name>.o, for tests/t_engine_gen.sh and the VM batch
# (tests/vm/vmtest.sh).
#
# Variants: PF_GEN_VARIANTS (default "clang14-v3 clang19-v2 clang19-v3
# clang19-v4"). A source whose text and command did not change is not
# rebuilt. Writes OUTDIR/srcs.list (this run's sources) and OUTDIR/objs.list
# (the objects built, one a line). Prints "skip part: ..." for a missing
# compiler and for the files a variant cannot compile (with their number of
# programs), and "FAIL: ..." with exit 1 when no compiler builds a file: that
# is a generator bug. Exit 77 ("SKIP: ...") when neither clang is installed.
set -u -o pipefail
[ $# -ge 2 ] || { echo "usage: gen-build.sh OUTDIR SEED:COUNT..." >&2; exit 2; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
shift
mkdir -p "$out/src" "$out/objs"
rm -rf "$out/src.new"
for sc in "$@"; do
	python3 "$repo/tools/gen-programs.py" "${sc%%:*}" "${sc##*:}" "$out/src.new" | sed "s|/src.new$|/src|" ||
		{ echo "FAIL: gen-programs.py ${sc%%:*} ${sc##*:} failed"; exit 1; }
done
# keep the sources (and their times) that did not change
mapfile -t srcs < <(cd "$out/src.new" && ls -- *.bpf.c | sort -V)
for s in "${srcs[@]}"; do
	cmp -s "$out/src.new/$s" "$out/src/$s" || mv "$out/src.new/$s" "$out/src/$s"
done
rm -rf "$out/src.new"
printf '%s\n' "${srcs[@]}" >"$out/srcs.list"
# and drop what earlier runs (other seeds) left
for f in "$out"/src/*.bpf.c; do
	[ -e "$f" ] || continue
	b=$(basename "$f")
	grep -qxF "$b" "$out/srcs.list" && continue
	rm -f "$f" "$out"/objs/*/"${b%.bpf.c}".o*
done

source "$(dirname "${BASH_SOURCE[0]}")/variants.sh"
variants=()
for v in ${PF_GEN_VARIANTS:-clang14-v3 clang19-v2 clang19-v3 clang19-v4}; do
	cmd=$(variant_cmd "$v") || { echo "FAIL: unknown variant $v"; exit 1; }
	if ! command -v "${cmd%% *}" >/dev/null; then
		echo "skip part: $v: ${cmd%% *} not installed, the generated programs are not built with it"
		continue
	fi
	variants+=("$v")
	mkdir -p "$out/objs/$v"
done
[ ${#variants[@]} -gt 0 ] || { echo "SKIP: neither clang-14 nor clang-19 is installed"; exit 77; }
arch_inc=/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
export GEN_OUT=$out GEN_FLAGS="-O2 -g -Wall -Wno-unused-function -I$arch_inc"
build_one() {	# VARIANT CMD... SRC
	local v=$1 src=${*: -1}
	local cmd=("${@:2:$#-2}")
	local o=$GEN_OUT/objs/$v/${src%.bpf.c}.o
	local stamp="${cmd[*]} $GEN_FLAGS"
	[ "$o" -nt "$GEN_OUT/src/$src" ] && [ "$(cat "$o.cmd" 2>/dev/null)" = "$stamp" ] && return 0
	# shellcheck disable=SC2086
	if "${cmd[@]}" $GEN_FLAGS -c "$GEN_OUT/src/$src" -o "$o" 2>"$o.err"; then
		printf '%s' "$stamp" >"$o.cmd"
	else
		rm -f "$o" "$o.cmd"
	fi
}
export -f build_one
for v in "${variants[@]}"; do
	for s in "${srcs[@]}"; do
		echo "$v $(variant_cmd "$v") $s"
	done
done | xargs -P2 -L1 bash -c 'build_one "$@"' _

# Every failure is reported; a file no compiler builds is a generator bug.
: >"$out/objs.list"
for v in "${variants[@]}"; do
	nf=0 np=0 first=
	for s in "${srcs[@]}"; do
		o=$out/objs/$v/${s%.bpf.c}.o
		if [ -f "$o" ]; then
			echo "$o" >>"$out/objs.list"
			continue
		fi
		nf=$((nf + 1)); np=$((np + $(grep -c '^SEC("' "$out/src/$s")))
		[ -n "$first" ] || first="$s: $(grep -m1 error "$o.err")"
	done
	[ $nf -eq 0 ] || echo "skip part: $v: $nf generated files ($np programs) do not compile, not compared; first: $first"
done
bad=0
for s in "${srcs[@]}"; do
	built=0
	for v in "${variants[@]}"; do [ -f "$out/objs/$v/${s%.bpf.c}.o" ] && built=1; done
	[ $built -eq 1 ] && continue
	echo "FAIL: generator bug: no compiler builds $s:"
	sed 's/^/    /' "$out/objs/${variants[0]}/${s%.bpf.c}.o.err" | head -n 5
	bad=1
done
exit $bad

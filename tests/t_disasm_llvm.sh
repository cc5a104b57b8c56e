#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The disassembler's PF_DISASM_LLVM syntax must equal llvm-objdump-19's text
# column, instruction by instruction, on real objects: the ebpf-samples
# corpus, optionally the Debian-packaged objects (PF_DEBIAN_OBJECTS=1), and
# testdata/disasm_isa.c compiled for both byte orders and cpu v2/v3/v4.
#
# Usage: PF_BIN=./bpf-preflight tests/t_disasm_llvm.sh  (through the model: dump --raw)
# Exit: 0 pass, 1 difference found, 77 skipped (reason on stdout).
#
# llvm-objdump-19's default decoder (no +alu32) knows no 32-bit atomic but
# the legacy "lock *(u32 *)... += rN": it prints "<unknown>" for the others
# and misreads a 32-bit fetch-add as a plain lock add. For those slots
# (our text "wN = atomic_fetch_*", "xchg32_32", "cmpxchg32_32", or "lock"
# with a w register) the --mattr=+alu32 listing is the reference; they are
# counted apart. Slots both sides reject ("<unknown>" / "<invalid ...>")
# count as equal.

set -u
set -o pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
check=${PF_BIN:-$root/build/bpf-preflight-san}
objdump=${LLVM_OBJDUMP:-llvm-objdump-19}
clang=${CLANG:-clang-19}
corpus=$root/../shared/corpus/ebpf-samples
debian_script=$root/tests/lib/debian-objects.sh

skip() {
	echo "SKIP: t_disasm_llvm: $*"
	exit 77
}

command -v "$objdump" >/dev/null 2>&1 || skip "$objdump not found (apt install llvm-19)"
[ -d "$corpus" ] || echo "skip part: corpus $corpus not found (no shared/ beside the checkout): its objects are not compared"
[ -x "$check" ] || { echo "FAIL: $check not built"; exit 1; }
echo "reference: $("$objdump" --version | grep -m1 -i 'llvm version' | sed 's/^ *//')"

tmp=$(mktemp -d /tmp/t_disasm_llvm.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

objs=()
while IFS= read -r -d '' f; do
	objs+=("$f")
done < <([ -d "$corpus" ] && find "$corpus" -path "$corpus/invalid" -prune -o -type f -name '*.o' -print0 | sort -z)
echo "corpus: ${#objs[@]} objects from $corpus (invalid/ excluded)"

if [ -f "$debian_script" ]; then
	if [ "${PF_DEBIAN_OBJECTS:-0}" = 1 ]; then
		n=0
		while IFS= read -r f; do
			[ -f "$f" ] || continue
			objs+=("$f")
			n=$((n + 1))
		done < <(bash "$debian_script")
		if [ "$n" -eq 0 ]; then
			echo "note: debian-objects.sh listed no objects (install failed?), none compared"
		else
			echo "debian: $n objects from debian-objects.sh"
		fi
	else
		echo "note: Debian-packaged objects not compared (set PF_DEBIAN_OBJECTS=1 to install and include them)"
	fi
fi

# testdata/disasm_isa.c in both byte orders, for each cpu version.
if command -v "$clang" >/dev/null 2>&1; then
	for target in bpfel bpfeb; do
		for cpu in v2 v3 v4; do
			out=$tmp/disasm_isa_${target}_$cpu.o
			if ! "$clang" -target "$target" -O2 -mcpu="$cpu" -g0 \
				-c "$root/testdata/disasm_isa.c" -o "$out"; then
				echo "FAIL: cannot compile testdata/disasm_isa.c for $target $cpu"
				exit 1
			fi
			objs+=("$out")
		done
	done
	echo "testdata: disasm_isa.c for bpfel/bpfeb x v2/v3/v4"
else
	echo "note: $clang not found, testdata/disasm_isa.c (big-endian coverage) not compared"
fi

# llvm-objdump listing -> "FILE\tSECTION#N\tINDEX\tTEXT". N numbers sections
# of the same name (a new one starts at index 0, so empty sections, which
# only llvm lists, do not shift the count), the address column becomes the
# index, and the "<label>" llvm appends to branch targets is dropped.
llvm_list() {
	local file=$1 triple=()
	shift
	# llvm-objdump picks the target from e_machine; an object written
	# with e_machine 0 (old LLVM, ovs/datapath.o) needs it spelled out.
	if [ "$(od -An -tu2 -j18 -N2 --endian=little "$file" | tr -d ' ')" != 247 ] &&
	   [ "$(od -An -tu2 -j18 -N2 --endian=big "$file" | tr -d ' ')" != 247 ]; then
		if [ "$(od -An -tu1 -j5 -N1 "$file" | tr -d ' ')" = 2 ]; then
			triple=(--triple=bpfeb)
		else
			triple=(--triple=bpfel)
		fi
	fi
	"$objdump" -d --no-show-raw-insn "${triple[@]}" "$@" "$file" | awk -v file="$file" '
		/^Disassembly of section / {
			name = $0
			sub(/^Disassembly of section /, "", name)
			sub(/:$/, "", name)
			next
		}
		/^ *[0-9]+:\t/ {
			line = $0
			sub(/^ +/, "", line)
			idx = substr(line, 1, index(line, ":") - 1)
			if (idx == 0)
				sec = name "#" (seen[name]++)
			text = substr(line, index(line, "\t") + 1)
			sub(/ <[^<>]*>$/, "", text)
			sub(/[ \t]+$/, "", text)
			print file "\t" sec "\t" idx "\t" text
		}
		/^\t\t\.\.\.$/ { print file "\t" sec "\tzeros\t..." }'
}

# disasm_check listing -> the same form.
our_list() {
	local file=$1
	"$check" dump --raw "$file" | awk -v file="$file" '
		{
			t1 = index($0, "\t")
			sec = substr($0, 1, t1 - 1)
			rest = substr($0, t1 + 1)
			if (substr(rest, 1, index(rest, "\t") - 1) == "0")
				k = sec "#" (seen[sec]++)
			print file "\t" k "\t" rest
		}'
}

# Our text for the 32-bit atomics that need the +alu32 reference.
w_atomic='(w[0-9]+ = (atomic_fetch_|xchg32_32[(]|cmpxchg32_32[(]).*|lock [*][(]u32 [*][)].* w[0-9]+)$'

fail=0
for f in "${objs[@]}"; do
	if ! our_list "$f" >"$tmp/ours_one"; then
		echo "FAIL: bpf-preflight dump --raw failed on $f"
		fail=1
	fi
	cat "$tmp/ours_one" >>"$tmp/ours"
	if ! llvm_list "$f" >"$tmp/one"; then
		echo "FAIL: $objdump failed on $f"
		fail=1
	fi
	cat "$tmp/one" >>"$tmp/llvm"
	if grep -qE $'\t'"$w_atomic" "$tmp/ours_one"; then
		llvm_list "$f" --mattr=+alu32 >>"$tmp/llvm_alu32" || fail=1
	fi
done
touch "$tmp/ours" "$tmp/llvm" "$tmp/llvm_alu32"

# Join the three listings on FILE/SECTION/INDEX and classify each slot.
awk -v maxshow=20 -v watomic="^$w_atomic" -v corpus="$corpus/" -v tmpdir="$tmp/" '
	function key_text(line,   a, b, c) {
		a = index(line, "\t")
		b = a + index(substr(line, a + 1), "\t")
		c = b + index(substr(line, b + 1), "\t")
		K = substr(line, 1, c - 1)
		T = substr(line, c + 1)
	}
	function diff(k, ours, theirs) {
		ndiff++
		if (ndiff <= maxshow)
			printf "DIFF %s\n  ours: %s\n  llvm: %s\n", k, ours, theirs
	}
	FILENAME == ARGV[1] { key_text($0); alu32[K] = T; next }
	FILENAME == ARGV[2] { key_text($0); llvm[K] = T; order[++n] = K; next }
	{
		key_text($0)
		if (!(K in llvm)) { diff(K, T, "(no such slot)"); next }
		seen[K] = 1
		cmp++
		if (index(K, corpus) == 1) group["corpus"]++
		else if (index(K, tmpdir) == 1) group["testdata"]++
		else group["debian"]++
		if (T ~ / ll$/ || T ~ /^ld_pseudo\t/) slots += 2; else slots++
		L = llvm[K]
		if (T ~ watomic) {
			L = (K in alu32) ? alu32[K] : "(no +alu32 listing)"
			if (T == L) { viaalu32++; next }
			diff(K, T, L " [--mattr=+alu32]")
			next
		}
		if (T == L) { same++; next }
		if (L == "<unknown>" && T ~ /^<invalid/) { bothbad++; next }
		diff(K, T, L)
	}
	END {
		for (i = 1; i <= n; i++)
			if (!(order[i] in seen)) diff(order[i], "(no such slot)", llvm[order[i]])
		printf "compared %d instructions (%d slots): %d identical, %d rejected by both, %d matched via --mattr=+alu32, %d differences\n", cmp, slots, same, bothbad, viaalu32, ndiff
		printf "instructions by origin: corpus %d, debian %d, testdata %d\n", group["corpus"], group["debian"], group["testdata"]
		if (ndiff > maxshow) printf "(first %d differences shown)\n", maxshow
		exit ndiff > 0 || cmp == 0
	}' "$tmp/llvm_alu32" "$tmp/llvm" "$tmp/ours" || fail=1

if [ "$fail" -ne 0 ]; then
	echo "FAIL: t_disasm_llvm"
	exit 1
fi
echo "PASS: t_disasm_llvm"
exit 0

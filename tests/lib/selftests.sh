#!/usr/bin/env bash
# selftests.sh CACHEDIR: build a few of the kernel's own BPF selftests
# (tools/testing/selftests/bpf/progs/NAME.c of Debian's linux-source-6.12)
# with clang-19 as the selftests Makefile does, and print the paths of the
# objects, one a line, on stdout.
#
#   CACHEDIR/<package version>/src/      the part of the source tarball used
#   CACHEDIR/<package version>/include/  bpf/*.h (libbpf's BPF-side headers,
#                                        bpf_helper_defs.h generated from the
#                                        6.12 uapi) and vmlinux.h (the
#                                        running kernel's BTF, bpftool)
#   CACHEDIR/<package version>/objs/     NAME.o, NAME.err (clang's messages)
#
# The tarball (150 MB of xz) is read once per package version; the objects
# are rebuilt only when vmlinux.h, clang-19 or the flags change. Caches of
# other package versions are removed.
#
# Installs what is missing (linux-source-6.12, clang-19, bpftool) with
# apt-get, as root. Exit 77 with "SKIP: ..." when that is impossible (not
# root, no network) or the host has no kernel BTF; exit 1 when no object
# builds. An object that does not compile is named in a "skip part:" line
# on stderr, never dropped silently.
#
# Environment: PF_SELFTESTS="name ..." replaces the default list.
set -u
cache=$1
names=${PF_SELFTESTS:-verifier_loops1 timer verifier_iterating_callbacks verifier_bpf_fastcall verifier_stack_ptr verifier_raw_stack verifier_var_off}
pkg=linux-source-6.12
say() { echo "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root: cannot install $pkg"
	exit 77
fi

# ---- packages ------------------------------------------------------------
apt_install() {	# PKG...: install, with one 'apt-get update' retry
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >"$cache/apt.log" 2>&1 && return 0
	DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$cache/apt.log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >>"$cache/apt.log" 2>&1
}
mkdir -p "$cache"
missing=()
dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
command -v clang-19 >/dev/null || missing+=(clang-19)
command -v bpftool >/dev/null || missing+=(bpftool)
command -v xz >/dev/null || missing+=(xz-utils)
if [ ${#missing[@]} -gt 0 ]; then
	say "selftests: installing ${missing[*]}"
	if ! apt_install "${missing[@]}"; then
		echo "SKIP: cannot install ${missing[*]} (no network?): $(tail -n 1 "$cache/apt.log")"
		exit 77
	fi
fi
ver=$(dpkg-query -W -f='${Version}' "$pkg")
tarball=/usr/src/$pkg.tar.xz
[ -f "$tarball" ] || { echo "SKIP: $pkg $ver is installed but $tarball is missing"; exit 77; }
[ -r /sys/kernel/btf/vmlinux ] || { echo "SKIP: no /sys/kernel/btf/vmlinux: vmlinux.h cannot be generated"; exit 77; }

key=$(tr -c 'A-Za-z0-9.+~_-' _ <<<"$ver" | sed 's/_$//')
dir=$cache/$key
for old in "$cache"/*/; do	# caches of other package versions
	[ -d "$old" ] && [ "${old%/}" != "$dir" ] && [ -f "${old%/}/.selftests-cache" ] && rm -rf "${old%/}"
done
mkdir -p "$dir"
: >"$dir/.selftests-cache"

# ---- the source: only what the programs and their headers need ----------
top=$pkg
src=$dir/src/$top
if [ ! -f "$dir/src/.complete" ]; then
	say "selftests: extracting $tarball ($pkg $ver) into ${dir#"${PF_ROOT:-}/"}/src"
	rm -rf "$dir/src" "$dir/src.tmp"
	mkdir -p "$dir/src.tmp"
	if ! tar -xJf "$tarball" -C "$dir/src.tmp" \
		"$top/tools/testing/selftests/bpf" "$top/tools/lib/bpf" \
		"$top/tools/include" "$top/scripts/bpf_doc.py" 2>"$dir/tar.err"; then
		echo "FAIL: cannot extract $tarball: $(tail -n 1 "$dir/tar.err")"
		exit 1
	fi
	touch "$dir/src.tmp/.complete"
	mv "$dir/src.tmp" "$dir/src"
fi
st=$src/tools/testing/selftests/bpf

# ---- headers -------------------------------------------------------------
inc=$dir/include
mkdir -p "$inc/bpf"
if [ ! -f "$inc/bpf/.complete" ]; then
	if ! cp "$src"/tools/lib/bpf/*.h "$inc/bpf/" ||
		! python3 "$src/scripts/bpf_doc.py" --header \
			--file "$src/tools/include/uapi/linux/bpf.h" >"$inc/bpf/bpf_helper_defs.h"; then
		echo "FAIL: cannot install libbpf's headers or generate bpf_helper_defs.h"
		exit 1
	fi
	touch "$inc/bpf/.complete"
fi
# vmlinux.h as the Makefile makes it: replaced only when it changes, so the
# objects are not rebuilt for nothing
bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$inc/.vmlinux.h.tmp" ||
	{ echo "FAIL: bpftool btf dump file /sys/kernel/btf/vmlinux failed"; exit 1; }
cmp -s "$inc/.vmlinux.h.tmp" "$inc/vmlinux.h" || mv "$inc/.vmlinux.h.tmp" "$inc/vmlinux.h"
rm -f "$inc/.vmlinux.h.tmp"

# ---- build -------------------------------------------------------------
# The selftests Makefile: BPF_CFLAGS, CLANG_CFLAGS (the host compiler's
# system include dirs, -idirafter), the test_progs runner's
# -DENABLE_ATOMICS_TESTS, and CLANG_BPF_BUILD_RULE's -O2 --target=bpf
# -mcpu=v3. $(OUTPUT)/../usr/include (make headers_install) is left out:
# these programs take linux/bpf.h from tools/include/uapi.
sys_inc=$(clang-19 -v -E - </dev/null 2>&1 |
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')
flags="-g -Wall -Werror -D__TARGET_ARCH_x86 -mlittle-endian -I$inc -I$st -I$src/tools/include/uapi"
flags+=" -Wno-compare-distinct-pointer-types $(tr '\n' ' ' <<<"$sys_inc")"
flags+="-DENABLE_ATOMICS_TESTS -O2 --target=bpf -mcpu=v3"
objs=$dir/objs
mkdir -p "$objs"
stamp="$(clang-19 --version | head -n 1)|$flags"
[ "$(cat "$objs/.stamp" 2>/dev/null)" = "$stamp" ] || rm -f "$objs"/*.o "$objs"/*.err
printf '%s\n' "$stamp" >"$objs/.stamp"
built=0
for n in $names; do
	o=$objs/$n.o
	if [ ! -f "$st/progs/$n.c" ]; then
		say "skip part: selftest $n: progs/$n.c is not in $pkg $ver"
		continue
	fi
	if [ ! -f "$o" ] || [ "$inc/vmlinux.h" -nt "$o" ]; then
		# shellcheck disable=SC2086
		if ! clang-19 $flags -c "$st/progs/$n.c" -o "$o.tmp" 2>"$objs/$n.err"; then
			rm -f "$o" "$o.tmp"
			say "skip part: selftest $n does not compile with clang-19: $(grep -m1 'error' "$objs/$n.err")"
			continue
		fi
		mv "$o.tmp" "$o"
	fi
	echo "$o"
	built=$((built + 1))
done
[ $built -gt 0 ] || { echo "FAIL: no selftest object builds"; exit 1; }
exit 0

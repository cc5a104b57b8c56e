#!/usr/bin/env bash
# make demo: build the bundled example scenarios and show what the tool says.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/apt-deps.sh clang
PF_VARIANTS=clang14-v3 bash tests/build-testdata.sh build/demo
obj=build/demo/clang14-v3/core/tailcalls.o
echo "== bpf-preflight graph $obj"
./bpf-preflight graph --format=json "$obj" | head -n 40
echo "== bpf-preflight dump --prog entry $obj"
./bpf-preflight dump --prog entry "$obj"
echo "== bpf-preflight check build/demo/clang14-v3/core/*.o"
./bpf-preflight check build/demo/clang14-v3/core/*.o && echo "(clean: accepted on every kernel)"
echo "== bpf-preflight check -p tc_main240 (240-byte frame before a tail-calling subprogram)"
./bpf-preflight check -p tc_main240 build/demo/clang14-v3/stack/tailcall_depth.o || true
echo "== bpf-preflight check -k 6.1.192,6.12.117 -p chain4_200 (main -> f1 -> f2 -> f3, 200 B each)"
./bpf-preflight check -k 6.1.192,6.12.117 -p chain4_200 build/demo/clang14-v3/stack/combined.o || true
echo "== bpf-preflight stack -k 6.1.192,6.18 -p chain4_200"
./bpf-preflight stack -k 6.1.192,6.18 -p chain4_200 build/demo/clang14-v3/stack/combined.o
d=build/demo/clang14-v3/freplace
echo "== bpf-preflight check -k 6.1.170,6.1.192,6.12.117 dispatcher.o acl.o acl_algo.o --tail-target 'acl_progs[0]=acl_algo.o:acl_algo'"
echo "   (an XDP dispatcher, its acl extension that tail-calls, and acl_algo, an extension, as the tail callee)"
./bpf-preflight check -k 6.1.170,6.1.192,6.12.117 "$d/dispatcher.o" "$d/acl.o" "$d/acl_algo.o" \
	--tail-target 'acl_progs[0]=acl_algo.o:acl_algo' || true

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
./bpf-preflight check build/demo/clang14-v3/core/*.o && echo "(clean)"

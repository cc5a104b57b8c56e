#!/usr/bin/env bash
# debian-objects.sh: print the paths of the compiled BPF objects that
# Debian packages ship (cilium/ebpf's testdata, libxdp, xdp-tools). These
# packages are test dependencies (make deps-test), so the corpus tests have
# real objects nobody here wrote even without ../shared beside the checkout.
# A package that is not installed is named on stderr, one line each.
pkgs="golang-github-cilium-ebpf-dev libxdp1 xdp-tools xdp-tests"
for p in $pkgs; do
	if ! dpkg -s "$p" >/dev/null 2>&1; then
		echo "debian-objects: package $p not installed (make deps-test installs it)" >&2
		continue
	fi
	dpkg -L "$p" | grep -E '\.(o|elf)$' | while read -r f; do [ -f "$f" ] && echo "$f"; done
done

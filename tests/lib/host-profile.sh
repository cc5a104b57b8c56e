#!/usr/bin/env bash
# host-profile.sh OUT.json: measure the running kernel with `bpf-preflight
# probe` and write its profile. Builds of one release differ (6.18.44
# builds with and without private stacks for kprobe programs), so the host
# comparisons predict with what this build does, not with what its release
# number suggests. Where the build differs from the fact table, the probe's
# lines ("... differs from the fact table ...") go to the test log: a host
# unlike upstream is reported, never a failure. Exit 77 when the host
# cannot load BPF programs (not root, sandboxed).
set -u
out=$1
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root: the host cannot be probed"
	exit 77
fi
err=$("${PF_BIN_FAST:-$PF_BIN}" probe -o "$out" 2>&1)
st=$?
if [ $st -ne 0 ]; then
	echo "SKIP: the host cannot be probed: $err"
	exit 77
fi
if [ -n "$err" ]; then
	printf '%s\n' "$err" | sed 's/^bpf-preflight: probe: /host build differs from upstream: /'
else
	echo "host build agrees with the fact table on every measured fact"
fi

#!/usr/bin/env bash
# Install the Debian packages named on the command line that are missing.
# apt-get update runs only when something must be installed.
set -euo pipefail
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "bpf-preflight: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "bpf-preflight: need root to install: ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

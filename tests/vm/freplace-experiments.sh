#!/usr/bin/env bash
# Issue 5's oracle: run the experiments of tests/vm/freplace.plan (freplace
# attach checks, prog-array membership, the tail-call hierarchy demo) on the
# host kernel and on Debian's 6.1.170, newest 6.1 and 6.12 kernels under
# qemu -- one boot per kernel, which also loads every freplace object's
# programs alone (the usual per-program records).
#
# usage: tests/vm/freplace-experiments.sh [--host-only | --vm-only] [VARIANT...]
#   VARIANTs are tests/build-testdata.sh variants (default: clang14-v3
#   clang19-v4; the plan runs once per variant, as its records' object
#   paths show).  gcc-bpf objects are useless here: every kernel refuses
#   gcc 12's BTF, and without it libbpf cannot even relocate the calls.
#
# Writes to $FREPLACE_RESULTS_DIR (default <repo>/build/freplace):
#   results-freplace-<uname -r>.txt   the experiments' records (loader.c
#                                     header: PROG/SEC/NOTE/STEP/MSG/
#                                     RETVAL/COUNT/RESULT/END), per kernel
#   results-<uname -r>.txt            per-program records of the VM boots
#   summary.txt                       one line per experiment, variant and
#                                     kernel (also printed)
# The host run is skipped (said so) when BPF cannot be loaded here; the VM
# runs when vmtest.sh can (else its SKIP is printed).  libxdp's dispatcher
# comes from ../shared/corpus/debian-objects.sh (apt-installs libxdp1); without
# it the libxdp experiments give "RESULT no-such-prog".
# Exit: 0, or 1 when a kernel gave no complete results.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${FREPLACE_RESULTS_DIR:-$repo/build/freplace}
plan=$here/freplace.plan
do_host=1 do_vm=1
variants=()
for a in "$@"; do
	case $a in
	--host-only) do_vm=0 ;;
	--vm-only) do_host=0 ;;
	-*) echo "usage: $0 [--host-only | --vm-only] [VARIANT...]" >&2; exit 2 ;;
	*) variants+=("$a") ;;
	esac
done
[ ${#variants[@]} -gt 0 ] || variants=(clang14-v3 clang19-v4)

cd "$repo"
mkdir -p "$out"
PF_VARIANTS="${variants[*]}" bash tests/build-testdata.sh "$out/objs" ||
	{ echo "freplace-experiments: tests/build-testdata.sh failed" >&2; exit 1; }
objs=()
for v in "${variants[@]}"; do
	for o in "$out/objs/$v"/freplace/*.o; do
		[ -f "$o" ] && objs+=("${o#"$repo"/}")
	done
done
[ ${#objs[@]} -gt 0 ] || { echo "freplace-experiments: no objects built" >&2; exit 1; }

# libxdp1 is a test dependency (make deps-test), so the dispatcher is there
# without ../shared too; the corpus script is the fallback.
xdp_disp=$({ dpkg -L libxdp1 2>/dev/null
	[ -f "$repo/../shared/corpus/debian-objects.sh" ] &&
		bash "$repo/../shared/corpus/debian-objects.sh" 2>/dev/null; } |
	grep '/xdp-dispatcher\.o$' | head -n 1 || true)
[ -n "$xdp_disp" ] || echo "freplace-experiments: libxdp's xdp-dispatcher.o unavailable; its experiments will say no-such-prog" >&2

rc=0
if [ $do_host = 1 ]; then
	set +e
	host_out=$(bash tests/kernel/host.sh --plan "$plan" "${objs[@]}" ${xdp_disp:+"$xdp_disp"} 2>&1)
	st=$?
	set -e
	if [ $st -eq 77 ]; then
		echo "freplace-experiments: host: $(printf '%s\n' "$host_out" | grep -m1 SKIP)"
	elif [ $st -ne 0 ]; then
		printf '%s\n' "$host_out" >&2
		echo "freplace-experiments: host loader failed (exit $st)" >&2
		rc=1
	else
		rel=$(printf '%s\n' "$host_out" | sed -n 's/^KERNEL //p' | head -n 1)
		printf '%s\n' "$host_out" >"$out/results-freplace-$rel.txt"
		echo "freplace-experiments: host $rel: $(grep -c '^PROG ' "$out/results-freplace-$rel.txt") experiments -> ${out#"$repo"/}/results-freplace-$rel.txt"
	fi
fi
if [ $do_vm = 1 ]; then
	set +e
	# No probe in these boots: make vmtest's own boots probe every kernel
	# (vmtest.sh, t_verdict_vm), and a fact-table mismatch must not read as
	# an experiment failure here.
	VM_RESULTS_DIR=$out VMTEST_PLAN=$plan VMTEST_PLAN_OBJS=$xdp_disp VMTEST_PROBE=0 \
		bash "$here/vmtest.sh" "${objs[@]}"
	st=$?
	set -e
	case $st in
	0) ;;
	77) echo "freplace-experiments: VM runs skipped (see above)" ;;
	*) rc=1 ;;
	esac
fi

# One line per experiment record: kernel, experiment, variant, outcome and
# the failing step's verifier message or the counters.
python3 - "$out" >"$out/summary.txt" <<'PY'
import glob, os, re, sys
rows = []
for f in sorted(glob.glob(os.path.join(sys.argv[1], "results-freplace-*.txt"))):
    kver = kern = "?"
    cur = None
    for line in open(f, errors="replace"):
        line = line.rstrip("\n")
        tag, _, rest = line.partition(" ")
        if tag == "KERNEL":
            kern = rest
        elif tag == "KVERSION":
            m = re.search(r"Debian (\S+)", rest)
            kver = m.group(1) if m else rest.split()[0]
        elif tag == "PROG":
            obj, _, name = rest.partition(" ")
            m = re.search(r"/objs/([^/]+)/", obj)
            cur = {"name": name, "variant": m.group(1) if m else "-", "steps": [],
                   "msg": "", "count": [], "result": ""}
        elif cur is None:
            continue
        elif tag == "STEP":
            cur["steps"].append(rest)
        elif tag == "MSG":
            cur["msg"] = rest
        elif tag == "COUNT":
            cur["count"].append(rest.split(".", 1)[-1].replace(" ", "="))
        elif tag == "RESULT":
            cur["result"] = rest
        elif tag == "END":
            failed = [s for s in cur["steps"] if " fail " in s or " libbpf-fail " in s]
            last = failed[-1] if failed else (cur["steps"][-1] if cur["steps"] else "")
            detail = cur["msg"] or " ".join(cur["count"])
            rows.append(f"{kern} ({kver})\t{cur['name']}\t{cur['variant']}\t"
                        f"{last.split(' ', 1)[0] if last else '-'}\t{cur['result']}\t{detail}")
            cur = None
print("kernel\texperiment\tvariant\tdeciding step\tresult\tmessage / counters")
print("\n".join(rows))
PY
column -t -s $'\t' "$out/summary.txt" || cat "$out/summary.txt"
exit $rc

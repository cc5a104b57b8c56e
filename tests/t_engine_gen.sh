#!/usr/bin/env bash
# Generated programs against the running kernel (issue 14): tools/gen-programs.py
# writes seeded BPF C programs that stress what the verifier explores and how
# much stack it counts (.rodata knobs, range checks, correlated branches,
# frames near and past 512, call chains, nine nested calls, loops, bpf_loop,
# for_each_map_elem, timers, recursion, helpers with variable sizes).  They
# are built with clang-14 and clang-19 (-mcpu=v2, v3, v4), every program is
# loaded on the host (tests/kernel/host.sh --all) and the tool's prediction
# with the host's probed profile is compared (tests/lib/compare-kernel.sh).
#
# Then the --rodata twins: for each gen*_flip.bpf.c (the same source with the
# knobs its first line names set otherwise), the tool run on the ORIGINAL
# object with `--rodata NAME=VALUE` per knob must predict what the kernel
# said about the twin.
#
# Fails on any mismatch.  Stricter than verdictcheck.py in one point: a
# kernel refusal at a stack access ("invalid write to stack ...", "invalid
# read from stack ...", "invalid indirect access to stack ...", "invalid
# variable-offset ... stack ...") that the tool accepts is a mismatch here,
# not "out of scope": the generator makes such accesses on purpose.
#
# Environment: PF_GEN_SEED=N adds seed N (PF_GEN_COUNT programs, default
# 300) to the fixed seed 300; PF_GEN_VARIANTS narrows the compiler variants
# (default "clang14-v3 clang19-v2 clang19-v3 clang19-v4"; tests/lib/gen-build.sh
# builds them and reports what does not compile).
set -u
cd "$PF_ROOT"
out=$PF_BUILD/engine-gen
# the sources and objects stay (unchanged ones are not rebuilt); the rest goes
rm -rf "$out/host" "$out/twin" "$out"/*.txt
mkdir -p "$out"

profile=$out/host-profile.json
bash tests/lib/host-profile.sh "$profile"
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || { echo "FAIL: host-profile.sh exit $st"; exit 1; }
t0=$SECONDS

# ---- generate and build ------------------------------------------------
seeds="300:300"
[ -n "${PF_GEN_SEED:-}" ] && seeds="$seeds $PF_GEN_SEED:${PF_GEN_COUNT:-300}"
# shellcheck disable=SC2086
bash tests/lib/gen-build.sh "$out" $seeds
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || exit 1
mapfile -t srcs <"$out/srcs.list"
mapfile -t objs <"$out/objs.list"
mapfile -t variants < <(sed 's|/[^/]*$||; s|.*/||' "$out/objs.list" | sort -u)
echo "generated: ${#srcs[@]} files ($(grep -h -c '^SEC("' "${srcs[@]/#/$out/src/}" |
	awk '{s += $1} END {print s}') programs, twins included), ${#objs[@]} objects (${variants[*]})"
t_build=$SECONDS

# ---- load on the host --------------------------------------------------
records=$out/host-records.txt
bash tests/kernel/host.sh --all "${objs[@]}" >"$records" 2>"$out/host.err"
st=$?
[ $st -eq 77 ] && { grep -m1 SKIP "$records"; exit 77; }
[ $st -eq 0 ] || { echo "FAIL: host.sh exit $st"; tail -n 5 "$out/host.err"; exit 1; }
# A generated program libbpf cannot load, or the kernel refuses without a
# verifier message, is a generator or harness problem, never a verdict.
harness=$(awk '/^PROG /{p=$2" "$3} /^RESULT /{r=$0; m=0} /^MSG /{m=1}
	/^END/{ if (r !~ /^RESULT (ok|fail)/ || (r ~ /^RESULT fail/ && !m)) print p": "r }' "$records")
if [ -n "$harness" ]; then
	echo "FAIL: $(wc -l <<<"$harness") programs not judged by the verifier (generator or harness bug):"
	head -n 10 <<<"$harness" | sed 's/^/    /'
	exit 1
fi

t_load=$SECONDS

# ---- compare -----------------------------------------------------------
# summary.py KIND COMPARE-OUTPUT RECORDS: the counts, the mismatch
# categories (one example each); exit 1 on any mismatch.
summary() {
	python3 - "$@" <<'PY'
import re, sys
kind, cmp_out, records = sys.argv[1:4]
STACK = re.compile(r"invalid (write to|read from|indirect access to|variable-offset \w+ to|"
                   r"variable-offset \w+ from) stack")
n = {"ok": 0, "mismatch": 0, "unpredicted": 0, "out of scope": 0, "not comparable": 0,
     "known divergence": 0}
cats = {}
def norm(s):
    return re.sub(r"\d+", "N", s)
def cat(line):
    m = re.match(r"(MISMATCH|MISSING|out of scope) (\S+) \[(\S+)\] kernel: (accept depth \S+|reject '.*?')"
                 r"(?: tool: (.*))?$", line)
    if not m:
        return "other", line
    tag, prog, obj, k, t = m.groups()
    t = t or "accept (assumed: out of scope)"
    if tag == "MISSING":
        return "no prediction (the tool dropped the object)", line
    if k.startswith("accept") and t.startswith("accept"):
        kd = [int(x) for x in k.split()[-1].split("+") if x.isdigit()]
        td = [int(x) for x in t.split()[-1].split("+") if x.isdigit()]
        if len(kd) != len(td):
            return "accept/accept: different number of frames", line
        if sum(td) > sum(kd):
            return "accept/accept: tool counts more stack", line
        if sum(td) < sum(kd):
            return "accept/accept: tool counts less stack", line
        return "accept/accept: same total, split differently", line
    if k.startswith("accept"):
        return f"kernel accepts, tool refuses: {norm(t)}", line
    km = norm(k[len("reject "):])
    if t.startswith("accept"):
        return f"kernel refuses {km}, tool accepts", line
    if t == "unknown":
        return "unknown", line
    return f"kernel refuses {km}, tool: {norm(t)}", line
for line in open(cmp_out):
    line = line.rstrip("\n")
    head = line.split(" ", 1)[0]
    if head in ("MISMATCH", "MISSING"):
        n["mismatch"] += 1
    elif line.startswith("out of scope"):
        if STACK.search(line):
            n["mismatch"] += 1          # stricter than verdictcheck, see the top
        else:
            n["out of scope"] += 1
            continue
    elif head == "ok":
        n["ok"] += 1
        continue
    else:
        for k in ("unpredicted", "not comparable", "known divergence"):
            if line.startswith(k):
                n[k] += 1
        continue
    c, ex = cat(line)
    cats.setdefault(c, [0, ex])[0] += 1
total = sum(1 for l in open(records) if l.startswith("PROG "))
print(f"{kind}: {total} programs, {n['ok']} exact, {n['mismatch']} mismatches; "
      f"{n['unpredicted']} unpredicted, {n['out of scope']} out of scope, "
      f"{n['not comparable']} not comparable, {n['known divergence']} known divergences")
for c, (k, ex) in sorted(cats.items(), key=lambda kv: -kv[1][0]):
    print(f"  {k:5d}  {c}\n         e.g. {ex}")
sys.exit(1 if n["mismatch"] or n["ok"] == 0 else 0)
PY
}

rc=0
bash tests/lib/compare-kernel.sh "$records" "$out/host" "$profile" >"$out/compare.txt" 2>&1
st=$?
grep -q '^verdictcheck: [0-9]* compared' "$out/compare.txt" ||
	{ echo "FAIL: compare-kernel.sh exit $st:"; tail -n 5 "$out/compare.txt"; exit 1; }
summary "engine-gen (${#variants[@]} builds: ${variants[*]})" "$out/compare.txt" "$records" || rc=1
for e in "$out"/host/predict-*.err; do
	[ -s "$e" ] && { echo "  tool messages ($(wc -l <"$e"), first 3):"; head -n 3 "$e" | sed "s/^/    /"; }
done

t_cmp=$SECONDS

# ---- --rodata twins ----------------------------------------------------
mkdir -p "$out/twin"
trecords=$out/twin/records.txt
jsons=()
unsupported=
for s in "${srcs[@]}"; do
	[[ $s == *_flip.bpf.c ]] || continue
	base=${s%_flip.bpf.c}
	ropts=()
	for kv in $(sed -n '1s|^// rodata: *||p' "$out/src/$s"); do ropts+=(--rodata "$kv"); done
	[ ${#ropts[@]} -gt 0 ] || { echo "FAIL: $s has no '// rodata:' line"; exit 1; }
	tobjs=()
	for v in "${variants[@]}"; do
		[ -f "$out/objs/$v/$base.o" ] && [ -f "$out/objs/$v/${base}_flip.o" ] &&
			tobjs+=("$out/objs/$v/$base.o")
	done
	[ ${#tobjs[@]} -gt 0 ] || continue
	j=$out/twin/$base.json
	"$PF_BIN" check --kernel "@$profile" --format=json "${ropts[@]}" "${tobjs[@]}" >"$j" 2>"$j.err"
	st=$?
	if [ $st -eq 2 ] && grep -qiE "rodata|unrecognized|unknown option|invalid option" "$j.err"; then
		unsupported=$(head -n 1 "$j.err"); break
	fi
	[ $st -le 2 ] || { echo "FAIL: bpf-preflight exit $st on $base with ${ropts[*]}"; cat "$j.err"; exit 1; }
	jsons+=("$j")
done
if [ -n "$unsupported" ]; then
	echo "skip part: --rodata twins: 'bpf-preflight check --rodata' is refused ($unsupported)"
elif [ ${#jsons[@]} -eq 0 ]; then
	echo "skip part: --rodata twins: no twin was built"
else
	# the twin's records, filed under the original object's path
	awk '/^(KERNEL|KVERSION) /{print; next} /^PROG /{keep = ($2 ~ /_flip\.o$/); sub(/_flip\.o$/, ".o", $2)}
		keep' "$records" >"$trecords"
	python3 - "$out/twin/predict.json" "${jsons[@]}" <<'PY'
import json, sys
docs = [json.load(open(p)) for p in sys.argv[2:]]
merged = dict(docs[0])
merged["objects"] = [o for d in docs for o in d.get("objects", [])]
merged["diagnostics"] = [x for d in docs for x in d.get("diagnostics", [])]
json.dump(merged, open(sys.argv[1], "w"))
PY
	PF_KNOWN=testdata/known-divergences python3 tests/lib/verdictcheck.py "$trecords" \
		"$out/twin/predict.json" >"$out/twin/compare.txt" 2>&1
	grep -q '^verdictcheck: [0-9]* compared' "$out/twin/compare.txt" ||
		{ echo "FAIL: verdictcheck on the twins:"; tail -n 5 "$out/twin/compare.txt"; exit 1; }
	summary "rodata twins (${#jsons[@]} files; tool on the original with --rodata)" \
		"$out/twin/compare.txt" "$trecords" || rc=1
	# Control: the twins' records against the prediction for the originals
	# WITHOUT --rodata must mismatch, wherever a twin changes what the kernel
	# says; else the check above could not tell --rodata from no option.
	changed=$(awk '/^PROG /{pth=$2; f=(pth ~ /_flip\.o$/); sub(/_flip\.o$/, ".o", pth); k=pth" "$3; v=""}
		/^(RESULT|MSG|DEPTH) /{v=v"|"$0} /^END/{ if (f) twin[k]=v; else orig[k]=v }
		END { n=0; for (k in twin) if ((k in orig) && orig[k] != twin[k]) n++; print n }' "$records")
	PF_KNOWN=testdata/known-divergences python3 tests/lib/verdictcheck.py "$trecords" \
		"$out"/host/predict-*.json >"$out/twin/control.txt" 2>&1
	neg=$(grep -c '^MISMATCH' "$out/twin/control.txt")
	echo "rodata control: without --rodata, $neg mismatches on the twins (the twins change" \
		"the kernel's answer for $changed programs)"
	if [ "$changed" -gt 0 ] && [ "$neg" -eq 0 ]; then
		echo "FAIL: the twins change $changed kernel answers but the prediction without --rodata matches them all"
		rc=1
	fi
fi
echo "(records: ${records#"$PF_ROOT"/}; comparisons: ${out#"$PF_ROOT"/}/compare.txt, twin/compare.txt)"
echo "time: generate and build $((t_build - t0))s, load $((t_load - t_build))s," \
	"compare $((t_cmp - t_load))s, twins $((SECONDS - t_cmp))s"
exit $rc

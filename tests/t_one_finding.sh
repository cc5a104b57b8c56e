#!/usr/bin/env bash
# One problem, one finding (issue 16, item 5). testdata/stack/two_problems.o
# has two programs each refused on every kernel with its own numbers (frames
# rounded to 32 before 6.9, to 16 since): on four kernels the text, JSON and
# SARIF reports hold exactly 2 findings, not one per group of kernels; each
# names every kernel, its headline is the first kernel's message, the other
# kernels' numbers are in notes that name exactly their kernels, and every
# note is what each kernel it speaks for says when run alone (no note states
# one number for kernels that count differently). Fingerprints are unique,
# there and over the whole of combined.o on every kernel.
set -u
cd "$PF_ROOT" || exit 1
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
obj=$PF_BUILD/objs/clang14-v3/stack/two_problems.o
all=$PF_BUILD/objs/clang14-v3/stack/combined.o
[ -f "$obj" ] && [ -f "$all" ] || { echo "FAIL: $obj or $all not built"; exit 1; }
d=$PF_BUILD/one-finding
rm -rf "$d"; mkdir -p "$d"
ks=(5.15 6.1.192 6.12.117 6.18)
K=$(IFS=,; echo "${ks[*]}")
rc=0

"$PF_BIN" check -k "$K" "$obj" >"$d/out.txt" 2>"$d/err.txt"
st=$?
[ $st = 1 ] || { echo "FAIL: text run exit $st, want 1"; cat "$d/err.txt"; rc=1; }
n=$(grep -c ': error: ' "$d/out.txt")
[ "$n" = 2 ] || { echo "FAIL: text: $n errors for 2 problems:"; grep ': error: ' "$d/out.txt"; rc=1; }
for want in \
	'error: combined stack size of 4 calls is 704. Too large [stack-combined]' \
	"note: program 'two_chain' in $obj: refused on 5.15, 6.1.192, 6.12.117, 6.18" \
	'note: the message above is from 5.15, 6.1.192' \
	'note: on 6.12.117, 6.18: combined stack size of 4 calls is 624. Too large' \
	'note: on 5.15, 6.1.192: frame 1: g1_200, stack depth 200, counted 224' \
	'note: on 6.12.117, 6.18: frame 1: g1_200, stack depth 200, counted 208' \
	'error: combined stack size of 2 calls is 544. Too large [stack-combined]' \
	'note: on 6.12.117, 6.18: combined stack size of 2 calls is 528. Too large' \
	'note: frame 1: g_312, stack depth 312, counted 320'; do
	grep -qF -- "$want" "$d/out.txt" || { echo "FAIL: text lacks: $want"; rc=1; }
done
[ $rc = 0 ] && echo "ok text: 2 errors, the 6.12.117/6.18 numbers (624, 528) in notes"

"$PF_BIN" check -k "$K" -f json "$obj" >"$d/all.json" 2>/dev/null
"$PF_BIN" check -k "$K" -f sarif "$obj" >"$d/all.sarif" 2>/dev/null
for k in "${ks[@]}"; do
	"$PF_BIN" check -k "$k" -f json "$obj" >"$d/k-$k.json" 2>/dev/null
done
"$PF_BIN" check -k all -f json "$all" >"$d/combined.json" 2>/dev/null
"$PF_BIN" check -k all -f sarif "$all" >"$d/combined.sarif" 2>/dev/null
python3 - "$d" "${ks[@]}" <<'PY' || rc=1
import json, re, sys
d, ks = sys.argv[1], sys.argv[2:]
bad = 0
def fail(m):
    global bad
    bad += 1
    print("FAIL:", m)

doc = json.load(open(f"{d}/all.json"))
diags = doc["diagnostics"]
if len(diags) != 2:
    fail(f"JSON: {len(diags)} diagnostics for 2 problems: {[x['message'] for x in diags]}")
alone = {k: json.load(open(f"{d}/k-{k}.json"))["diagnostics"] for k in ks}
for x in diags:
    where = f"{x.get('program')}"
    if x.get("kernels") != ks:
        fail(f"{where}: kernels {x.get('kernels')}, want {ks}")
    mine = {}
    for k in ks:
        same = [y for y in alone[k] if y.get("program") == x.get("program") and y["rule"] == x["rule"]
                and y["line"] == x["line"] and y.get("insn") == x.get("insn")]
        if len(same) != 1:
            fail(f"{where}: -k {k} alone has {len(same)} findings at its place"); continue
        mine[k] = same[0]
    if len(mine) != len(ks):
        continue
    if x["message"] != mine[ks[0]]["message"]:
        fail(f"{where}: headline {x['message']!r} is not {ks[0]}'s {mine[ks[0]]['message']!r}")
    if len({m["message"] for m in mine.values()}) < 2:
        fail(f"{where}: the kernels print one message: no numbers differ to test")
    speaks = {k: 0 for k in ks}
    for n in x["notes"]:
        text = n["message"]
        if text.startswith("program "):
            continue
        if text.startswith("the message above is from "):
            for k in n.get("kernels") or []:
                if mine[k]["message"] != x["message"]:
                    fail(f"{where}: {text!r}, but {k} alone says {mine[k]['message']!r}")
                speaks[k] += 1
            continue
        nk = n.get("kernels") or x["kernels"]
        if n.get("kernels"):
            pre = "on " + ", ".join(nk) + ": "
            if not text.startswith(pre):
                fail(f"{where}: note {text!r} does not start {pre!r}"); continue
            text = text[len(pre):]
        for k in nk:
            said = [mine[k]["message"]] + [m["message"] for m in mine[k]["notes"]]
            if text not in said:
                fail(f"{where}: note {n['message']!r} speaks for {k}, which alone says {said[1:]}")
            else:
                speaks[k] += 1
    for k in ks:
        want = len(mine[k]["notes"])  # its program note aside, each note, plus the message
        if speaks[k] != want:
            fail(f"{where}: {speaks[k]} notes speak for {k}, which alone has {want - 1} notes and a message")
fps = [x["fingerprint"] for x in diags]
if len(set(fps)) != len(fps):
    fail(f"JSON fingerprints repeat: {fps}")
res = json.load(open(f"{d}/all.sarif"))["runs"][0]["results"]
sf = [r["partialFingerprints"]["bpfPreflight/v2"] for r in res]
if len(res) != 2 or len(set(sf)) != 2:
    fail(f"SARIF: {len(res)} results, fingerprints {sf}")
if sorted(sf) != sorted(fps):
    fail(f"SARIF fingerprints {sf} are not the JSON ones {fps}")

# the whole of combined.o on every kernel: one finding a place, fingerprints unique
cd = json.load(open(f"{d}/combined.json"))["diagnostics"]
places = [(x["object"], x.get("program"), x.get("function"), x.get("insn"), x["rule"]) for x in cd]
if len(set(places)) != len(places):
    fail(f"combined.o: {len(places) - len(set(places))} places reported twice")
cres = json.load(open(f"{d}/combined.sarif"))["runs"][0]["results"]
cfp = [r["partialFingerprints"]["bpfPreflight/v2"] for r in cres]
if len(set(cfp)) != len(cfp) or len(cfp) != len(cd):
    fail(f"combined.o: {len(cfp)} SARIF results, {len(set(cfp))} distinct fingerprints, {len(cd)} JSON")
progs = {x.get("program") for x in cd}
print(f"combined.o on every kernel: {len(cd)} findings over {len(progs)} programs, "
      f"{len(set(cfp))} distinct fingerprints")
if not bad:
    print("ok JSON/SARIF: 2 findings, notes true per kernel, fingerprints unique")
sys.exit(1 if bad else 0)
PY
exit $rc

#!/usr/bin/env bash
# check --format=sarif is valid SARIF 2.1.0 for every testdata object of
# every compiler variant, according to Microsoft's SARIF validator
# (@microsoft/sarif-multitool, pinned in tools/npm/package-lock.json and
# installed locally by tools/npm-tools.sh: `Sarif.Multitool validate`, a
# self-contained .NET binary the npm package ships for linux-x64; it needs
# no .NET runtime, only libicu). Any validator result of level "error"
# fails; warnings are counted by validator rule and listed.
#
# Then, against the --format=json document of the same run: one result per
# diagnostic, same rule, level and message; partialFingerprints; a
# physicalLocation with region.startLine/startColumn equal to the
# diagnostic's line/column when it has one; one relatedLocation per note
# (the call chain: "frame N: ..."), with the note's line; ruleIndex pointing
# at the rule; tool.driver.rules listing every rule of `bpf-preflight rules`
# with its documentation (docs/rules/ID.md) as help when that page exists.
set -u
cd "$PF_ROOT" || exit 1
skip() { echo "SKIP: t_sarif: $*"; exit 77; }

bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
probe=$PF_BUILD/objs/clang14-v3/stack/combined.o
[ -f "$probe" ] || { echo "FAIL: $probe not built"; exit 1; }
"$PF_BIN" check --format=sarif -k 6.1.192 "$probe" >/dev/null 2>"$PF_BUILD/sarif-probe.err"
if [ $? -eq 2 ] && grep -qi 'format' "$PF_BUILD/sarif-probe.err"; then
	skip "bpf-preflight has no --format=sarif yet ($(head -n1 "$PF_BUILD/sarif-probe.err"))"
fi
[ "$(uname -m)" = x86_64 ] ||
	skip "@microsoft/sarif-multitool ships its Linux validator for x86-64 only (this is $(uname -m))"
. tests/lib/npm.sh
npm_tools "install the SARIF validator" "@microsoft/sarif-multitool"
# The package's bin.js runs the binary through a shell (paths with spaces
# break); call the platform binary directly.
mt=$bin/../@microsoft/sarif-multitool-linux/Sarif.Multitool
[ -x "$mt" ] || { echo "FAIL: $mt missing after tools/npm-tools.sh"; exit 1; }
# Without libicu the .NET runtime refuses to start; invariant mode instead.
ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so' || export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
echo "validator: $("$mt" --version 2>&1 | head -n1)"

d=$PF_BUILD/sarif
rm -rf "$d"; mkdir -p "$d/runs"
rc=0 n=0
: >"$d/index"
# run ARGS...: the SARIF log and the JSON document of the same check run.
run() {
	n=$((n + 1))
	"$PF_BIN" check --format=sarif "$@" >"$d/runs/$n.sarif" 2>"$d/runs/$n.err"
	local st=$?
	"$PF_BIN" check --format=json "$@" >"$d/runs/$n.json" 2>/dev/null
	printf '%s\t%s\t%s\n' "$n" "$st" "$*" >>"$d/index"
	if [ $st -gt 2 ] || [ ! -s "$d/runs/$n.sarif" ]; then
		echo "FAIL: exit $st, $(wc -c <"$d/runs/$n.sarif") bytes: $PF_BIN check --format=sarif $*"
		head -n 5 "$d/runs/$n.err"; rc=1
		rm -f "$d/runs/$n.sarif" "$d/runs/$n.json"
	fi
}
mapfile -t objs < <(find "$PF_BUILD/objs" -name '*.o' | sort)
for o in "${objs[@]}"; do
	run "$o"			# every kernel of the table
done
for v in "$PF_BUILD"/objs/*/; do	# several objects in one log
	mapfile -t vo < <(find "$v" -name '*.o' | sort)
	[ ${#vo[@]} -gt 0 ] || continue
	run -k 6.1.192 "${vo[@]}"
	run -k 6.1.170,6.12.117 -a arm64 "${vo[@]}"
done

# The validator: one process over every log (a few seconds for all).
"$mt" validate "$d"/runs/*.sarif -o "$d/validation.sarif" --log ForceOverwrite >"$d/validation.txt" 2>&1
st=$?
if [ $st -ne 0 ] || [ ! -s "$d/validation.sarif" ]; then
	echo "FAIL: Sarif.Multitool validate exited $st:"; tail -n 20 "$d/validation.txt"; exit 1
fi
python3 - "$d" <<'PY' || rc=1
import collections, json, sys
d = sys.argv[1]
index = {l.split("\t")[0]: l.rstrip("\n").split("\t")[2] for l in open(f"{d}/index")}
log = json.load(open(f"{d}/validation.sarif"))
errors, warnings = [], collections.Counter()
example = {}
for run in log["runs"]:
    for r in run.get("results", []):
        level = r.get("level", "warning")
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] if r.get("locations") else "?"
        num = uri.rsplit("/", 1)[-1].split(".")[0]
        text = r["message"].get("text") or " ".join(r["message"].get("arguments", []))
        if level == "error":
            errors.append(f"{r['ruleId']}: {text} (bpf-preflight check --format=sarif {index.get(num, uri)})")
        elif level == "warning":
            warnings[r["ruleId"]] += 1
            example.setdefault(r["ruleId"], text)
by_rule = collections.Counter(e.split(":")[0] for e in errors)
shown = collections.Counter()
for e in errors:
    rule = e.split(":")[0]
    shown[rule] += 1
    if shown[rule] <= 3:
        print("FAIL validator:", e[:400])
for rule, cnt in sorted(by_rule.items()):
    print(f"FAIL validator rule {rule}: {cnt} errors")
for rule, cnt in sorted(warnings.items()):
    print(f"validator warning {rule} x{cnt}, e.g.: {example[rule][:200]}")
print(f"validator: {len(index)} logs, {len(errors)} errors, {sum(warnings.values())} warnings")
sys.exit(1 if errors else 0)
PY
"$PF_BIN" rules | awk '/^[a-z0-9-]+ / { print $1 }' >"$d/rules.txt"
python3 - "$d" "$PF_ROOT/docs/rules" <<'PY' || rc=1
import glob, json, os, sys
d, docs = sys.argv[1], sys.argv[2]
index = {l.split("\t")[0]: l.rstrip("\n").split("\t")[2] for l in open(f"{d}/index")}
catalogue = open(f"{d}/rules.txt").read().split()
level = {"error": "error", "warning": "warning", "note": "note"}
bad = 0
def fail(num, msg):
    global bad
    bad += 1
    if bad <= 30:
        print(f"FAIL run {num} (check {index[num]}): {msg}")
chains = fingerprints = related = 0
for sf in sorted(glob.glob(f"{d}/runs/*.sarif"), key=lambda p: int(os.path.basename(p).split(".")[0])):
    num = os.path.basename(sf).split(".")[0]
    log, doc = json.load(open(sf)), json.load(open(sf[:-6] + ".json"))
    if log.get("version") != "2.1.0" or len(log.get("runs", [])) != 1:
        fail(num, "not one SARIF 2.1.0 run"); continue
    run = log["runs"][0]
    drv = run["tool"]["driver"]
    rules = drv.get("rules", [])
    ids = [r["id"] for r in rules]
    if drv.get("name") != "bpf-preflight":
        fail(num, f"tool.driver.name {drv.get('name')!r}")
    for rid in catalogue:
        if rid not in ids:
            fail(num, f"tool.driver.rules lacks {rid}")
    for r in rules:
        h = r.get("help", {})
        if not h.get("text"):
            fail(num, f"rule {r['id']}: no help text")
        page = os.path.join(docs, r["id"] + ".md")
        if os.path.exists(page):
            want = open(page).read().strip()
            got = (h.get("markdown") or h.get("text") or "").strip()
            if got != want:
                fail(num, f"rule {r['id']}: help is not {page}")
    results = run.get("results", [])
    diags = doc["diagnostics"]
    if len(results) != len(diags):
        fail(num, f"{len(results)} results, {len(diags)} JSON diagnostics"); continue
    for i, (res, dg) in enumerate(zip(results, diags)):
        where = f"result {i} ({dg['rule']})"
        if res.get("ruleId") != dg["rule"]:
            fail(num, f"{where}: ruleId {res.get('ruleId')!r}")
        if "ruleIndex" in res and not (0 <= res["ruleIndex"] < len(ids) and ids[res["ruleIndex"]] == res["ruleId"]):
            fail(num, f"{where}: ruleIndex {res['ruleIndex']} is not {res['ruleId']}")
        if dg["rule"] in catalogue and "ruleIndex" not in res:
            fail(num, f"{where}: no ruleIndex")
        if res.get("level", "warning") != level[dg["severity"]]:
            fail(num, f"{where}: level {res.get('level')!r}, severity {dg['severity']}")
        if res.get("message", {}).get("text") != dg["message"]:
            fail(num, f"{where}: message differs from the JSON one")
        fp = res.get("partialFingerprints")
        if not fp or not all(isinstance(v, str) and v for v in fp.values()):
            fail(num, f"{where}: no partialFingerprints")
        else:
            fingerprints += 1
        locs = res.get("locations", [])
        phys = locs[0].get("physicalLocation", {}) if locs else {}
        if not phys.get("artifactLocation", {}).get("uri"):
            fail(num, f"{where}: no physicalLocation.artifactLocation.uri")
        region = phys.get("region", {})
        if dg["line"] > 0:
            if region.get("startLine") != dg["line"] or region.get("startColumn", 1) != dg["column"]:
                fail(num, f"{where}: region {region} for line {dg['line']}:{dg['column']}")
        elif region.get("startLine", 1) < 1:
            fail(num, f"{where}: region.startLine {region.get('startLine')}")
        rel = res.get("relatedLocations", [])
        if len(rel) != len(dg["notes"]):
            fail(num, f"{where}: {len(rel)} relatedLocations for {len(dg['notes'])} notes")
            continue
        ids_seen = set()
        for j, (rl, note) in enumerate(zip(rel, dg["notes"])):
            if rl.get("message", {}).get("text") != note["message"]:
                fail(num, f"{where}: relatedLocations[{j}] message is not note {j}")
            if rl.get("id") in ids_seen:
                fail(num, f"{where}: relatedLocations[{j}] id repeats")
            ids_seen.add(rl.get("id"))
            reg = rl.get("physicalLocation", {}).get("region", {})
            if note["line"] > 0 and reg.get("startLine") != note["line"]:
                fail(num, f"{where}: relatedLocations[{j}] line {reg.get('startLine')}, note line {note['line']}")
            related += 1
        if any(n["message"].startswith("frame ") for n in dg["notes"]):
            chains += 1
print(f"cross-check: {len(index)} logs, {fingerprints} results with fingerprints, "
      f"{chains} with a call chain, {related} related locations")
if chains == 0:
    print("FAIL: no result carried a call chain (frame notes) as relatedLocations"); bad += 1
sys.exit(1 if bad else 0)
PY
exit $rc

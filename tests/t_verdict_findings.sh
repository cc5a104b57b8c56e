#!/usr/bin/env bash
# One verdict: for every program and kernel, the JSON never shows "accept"
# beside an error finding about the same program on the same kernel, and
# every refusal has an error finding that names that kernel. Over every
# testdata object, on every built-in kernel at once and on each alone
# (the "verdict" and "verdicts" forms).
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
mapfile -t objs < <(find "$PF_BUILD"/objs -name '*.o' | sort)
[ ${#objs[@]} -gt 0 ] || { echo "FAIL: no testdata object was built"; exit 1; }
out=$PF_BUILD/verdict-findings
mkdir -p "$out"
runs=("all")
while read -r k; do runs+=("$k"); done < <("$PF_BIN_FAST" check -k all -f json "${objs[0]}" |
	python3 -c 'import json,sys; [print(t["kernel"]) for t in json.load(sys.stdin)["targets"]]')
rc=0
for k in "${runs[@]}"; do
	"$PF_BIN_FAST" check -k "$k" -f json "${objs[@]}" >"$out/$k.json" 2>/dev/null
	st=$?
	[ $st -le 2 ] || { echo "FAIL: check -k $k exit $st"; rc=1; continue; }
	python3 - "$out/$k.json" "$k" <<'PY' || rc=1
import json, os, sys
doc = json.load(open(sys.argv[1]))
targets = [t["kernel"] for t in doc["targets"]] if "targets" in doc else [doc["target"]["kernel"]]
verdict = {}
for o in doc["objects"]:
    for p in o["programs"]:
        vs = p["verdicts"] if "verdicts" in p else [dict(p["verdict"], kernel=targets[0])]
        for v in vs:
            verdict[(os.path.normpath(o["path"]), p["name"], v["kernel"])] = v
bad = n = 0
errors = set()
for d in doc["diagnostics"]:
    if d["severity"] != "error" or not d.get("program"):
        continue
    for k in d.get("kernels") or targets:
        key = (os.path.normpath(d["object"]), d["program"], k)
        errors.add(key)
        v = verdict.get(key)
        n += 1
        if v is not None and v["result"] == "accept":
            bad += 1
            print(f"MISMATCH -k {sys.argv[2]}: {d['program']} [{key[0]}] on {k}: verdict accept, "
                  f"error [{d['rule']}] {d['message']!r}")
for key, v in verdict.items():
    if v["result"] == "reject" and key not in errors:
        bad += 1
        print(f"MISMATCH -k {sys.argv[2]}: {key[1]} [{key[0]}] on {key[2]}: verdict reject "
              f"{v.get('message')!r} without an error finding")
print(f"-k {sys.argv[2]}: {len(verdict)} verdicts, {n} (error, kernel) pairs, {bad} contradictions")
sys.exit(1 if bad else 0)
PY
done
exit $rc

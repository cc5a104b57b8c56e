#!/usr/bin/env bash
# Every command speaks JSON or refuses: each command x --format pair either
# prints a valid document (JSON ones validated against schema/*.schema.json
# by ajv-cli, as t_schema.sh does) or exits 2 with one line on stderr that
# names the formats the command has ("stack does not speak sarif; use -f
# text or -f json") and nothing on stdout, never text in place of what was
# asked. Then what a schema cannot say: rules -f json is the text
# catalogue, stack -f json has the text table's numbers, dump -f json the
# text dump's instructions, and the input errors are in the documents.
set -u
cd "$PF_ROOT" || exit 1
skip() { echo "SKIP: t_formats: $*"; exit 77; }

bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
v=$PF_BUILD/objs/clang14-v3
combined=$v/stack/combined.o tail=$v/stack/tailcall_depth.o
for o in "$combined" "$tail"; do
	[ -f "$o" ] || skip "$o not built (clang-14 missing?)"
done
. tests/lib/npm.sh
npm_tools "run ajv-cli" "ajv-cli"
ajv=$bin/ajv
[ -x "$ajv" ] || { echo "FAIL: $ajv missing after tools/npm-tools.sh"; exit 1; }

d=$PF_BUILD/formats
rm -rf "$d"; mkdir -p "$d"
rc=0 n=0
# pair WANT SCHEMA CMD...: WANT "ok" (exit 0 or 1, a document; SCHEMA: the
# schema it must match, "json" any JSON, "dot" a digraph, "text" not JSON)
# or "refused" (exit 2, one line, no stdout).
pair() {
	local want=$1 schema=$2 st
	shift 2
	n=$((n + 1))
	"$PF_BIN" "$@" >"$d/$n.json" 2>"$d/$n.err"
	st=$?
	if [ "$want" = refused ]; then
		if [ $st -ne 2 ] || [ -s "$d/$n.json" ] || [ "$(wc -l <"$d/$n.err")" -ne 1 ]; then
			echo "FAIL $*: exit $st, $(wc -c <"$d/$n.json") bytes out, stderr:"; head -n 5 "$d/$n.err"; rc=1
		else
			echo "ok refused: $* -> $(cat "$d/$n.err")"
		fi
		return
	fi
	if [ $st -gt 1 ] || [ ! -s "$d/$n.json" ]; then
		echo "FAIL $*: exit $st, $(wc -c <"$d/$n.json") bytes out:"; head -n 5 "$d/$n.err"; rc=1
		return
	fi
	case $schema in
	text) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$d/$n.json" 2>/dev/null &&
		{ echo "FAIL $*: text asked, JSON printed"; rc=1; return; } ;;
	dot) head -n1 "$d/$n.json" | grep -q '^digraph ' || { echo "FAIL $*: not DOT"; rc=1; return; } ;;
	json) python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$d/$n.json" ||
		{ echo "FAIL $*: not JSON"; rc=1; return; } ;;
	*) if ! "$ajv" validate --spec=draft2020 --strict=true -s "schema/$schema.schema.json" \
			-d "$d/$n.json" >"$d/$n.ajv" 2>&1; then
		echo "FAIL $*: does not match schema/$schema.schema.json:"; head -c 1500 "$d/$n.ajv"; echo; rc=1; return
	   fi ;;
	esac
	echo "ok $schema: $*"
}

for s in check stack dump graph rules; do
	"$ajv" compile --spec=draft2020 --strict=true -s "schema/$s.schema.json" >"$d/$s.compile" 2>&1 ||
		{ echo "FAIL: schema/$s.schema.json does not compile:"; cat "$d/$s.compile"; exit 1; }
done

k=(-k 6.1.192,6.18)
pair ok text    check "${k[@]}" "$combined"
pair ok check   check -f json "${k[@]}" "$combined"
pair ok json    check -f sarif "${k[@]}" "$combined"	# the multitool: t_sarif.sh
pair refused -  check -f dot "$combined"
# -k none: no kernels, but a JSON or SARIF consumer still gets its document
pair ok check   check -f json -k none "$combined"
pair ok json    check -f sarif -k none "$combined"
pair ok text    stack "${k[@]}" "$combined"
pair ok stack   stack -f json "${k[@]}" "$combined" "$tail"
pair ok stack   stack -f json -k 6.18 -p c200_304 "$combined"
pair refused -  stack -f sarif "$combined"
pair refused -  stack -f dot "$combined"
pair ok text    stack --explain -k 6.1.192 "$combined"
pair ok explain stack --explain -f json -k 6.1.192 "$combined"
pair refused -  stack --explain -f sarif "$combined"
pair ok text    dump "$combined"
pair ok dump    dump -f json "$combined" "$tail"
pair ok dump    dump -f json -p c200_304 "$combined"
pair refused -  dump -f sarif "$combined"
pair refused -  dump -f dot "$combined"
pair ok text    dump --raw "$combined"
pair refused -  dump --raw -f json "$combined"
pair ok dot     graph "$combined"
pair ok dot     graph -f dot "$combined"
pair ok graph   graph -f json "$combined" "$tail"
pair refused -  graph -f text "$combined"
pair refused -  graph -f sarif "$combined"
pair ok text    rules
pair ok rules   rules -f json
pair refused -  rules -f sarif
pair refused -  rules -f dot
pair ok text    kernels -k 6.1.192
pair ok json    kernels -f json -k 6.1.192
pair refused -  kernels -f sarif
pair ok text    explain stack-combined
for f in text json sarif dot; do
	pair refused - explain -f $f stack-combined
	pair refused - probe -f $f
done
grep -qx "bpf-preflight: stack does not speak sarif; use -f text or -f json" "$d"/*.err ||
	{ echo "FAIL: no 'stack does not speak sarif; use -f text or -f json'"; rc=1; }
grep -qx "bpf-preflight: check does not speak dot; use -f text, -f json or -f sarif" "$d"/*.err ||
	{ echo "FAIL: no 'check does not speak dot; use -f text, -f json or -f sarif'"; rc=1; }

# What the schemas cannot say: the JSON forms carry the text forms' facts.
"$PF_BIN" rules >"$d/rules.txt"
"$PF_BIN" rules -f json >"$d/rules.json"
"$PF_BIN" stack -k 6.1.192,6.18 -p c200_304 "$combined" >"$d/stack.txt"
"$PF_BIN" stack -f json -k 6.1.192,6.18 -p c200_304 "$combined" >"$d/stack.json"
"$PF_BIN" dump -p c200_304 "$combined" >"$d/dump.txt"
"$PF_BIN" dump -f json -p c200_304 "$combined" >"$d/dump.json"
"$PF_BIN" stack -f json -k 6.18 "$combined" "$d/missing.o" >"$d/err-stack.json" 2>/dev/null
echo "stack exit $?" >"$d/err-exits"
"$PF_BIN" dump -f json "$combined" "$PF_ROOT/README.md" >"$d/err-dump.json" 2>/dev/null
echo "dump exit $?" >>"$d/err-exits"
"$PF_BIN" graph -f json "$combined" "$d/missing.o" >"$d/err-graph.json" 2>/dev/null
echo "graph exit $?" >>"$d/err-exits"
python3 - "$d" "$PF_ROOT" <<'PY' || rc=1
import json, re, sys
d, root = sys.argv[1:]
bad = 0
def fail(msg):
    global bad
    bad += 1
    print("FAIL:", msg)

# rules: the same ids and severities, in order; the pages as explain prints them
text = [l.split()[:2] for l in open(f"{d}/rules.txt") if re.match(r"^[a-z0-9-]+ ", l)]
doc = json.load(open(f"{d}/rules.json"))
js = [[r["id"], r["severity"]] for r in doc["rules"]]
if text != js:
    fail(f"rules -f json {js[:3]}... is not the text catalogue {text[:3]}...")
else:
    print(f"rules: {len(js)} rules, ids and severities as the text, "
          f"{sum(1 for r in doc['rules'] if r['explanation'])} with a page")
import os
for r in doc["rules"]:
    page = os.path.join(root, "docs/rules", r["id"] + ".md")
    if os.path.exists(page) and (r["explanation"] or "").strip() != open(page).read().strip():
        fail(f"rules -f json: {r['id']}: explanation is not {page}")

# stack: c200_304 is 200 -> 304; counted 224+320 = 544 on 6.1.192, 208+304 = 512 on 6.18
st = json.load(open(f"{d}/stack.json"))
prog = st["objects"][0]["programs"]
if [p["name"] for p in prog] != ["c200_304"]:
    fail(f"stack -p c200_304: programs {[p['name'] for p in prog]}")
else:
    p = prog[0]
    if p["worst_chain"] != {"6.1.192": 544, "6.18": 512} or p["headroom"] != {"6.1.192": -32, "6.18": 0}:
        fail(f"stack c200_304: worst {p['worst_chain']}, headroom {p['headroom']}")
    f = {x["name"]: x for x in p["functions"]}
    if f.get("c200_304", {}).get("calls") != ["leaf304"] or f.get("leaf304", {}).get("stack_depth") != 304:
        fail(f"stack c200_304: functions {p['functions']}")
    # the text table's rows: name, depth, one column per kernel
    rows = {}
    for l in open(f"{d}/stack.txt"):
        m = re.match(r"^\s+(\S+)(?: \*)?\s+(\d+)\s+(\d+)\s+(\d+)$", l)
        if m:
            rows[m.group(1)] = [int(m.group(i)) for i in (2, 3, 4)]
        m = re.match(r"^\s+worst chain\s+(-?\d+)\s+(-?\d+)$", l)
        if m:
            rows["worst"] = [int(m.group(1)), int(m.group(2))]
    for name, x in f.items():
        want = [x["stack_depth"], x["counted"]["6.1.192"], x["counted"]["6.18"]]
        if rows.get(name) != want:
            fail(f"stack: {name} JSON {want}, text {rows.get(name)}")
    if rows.get("worst") != [p["worst_chain"]["6.1.192"], p["worst_chain"]["6.18"]]:
        fail(f"stack: worst chain text {rows.get('worst')}, JSON {p['worst_chain']}")
    print(f"stack: c200_304 worst {p['worst_chain']}, as the text table {rows}")

# dump: every instruction of the text, slot and text, in the JSON
txt = set()
for l in open(f"{d}/dump.txt"):
    m = re.match(r"^\s*(\d+): (.*?)(?:\s+; .*)?$", l.rstrip("\n"))
    if m:
        txt.add((int(m.group(1)), m.group(2).rstrip()))
dj = json.load(open(f"{d}/dump.json"))
obj = dj["objects"][0]
js = {(i["slot"], i["text"]) for fn in obj["functions"] for i in fn["insns"]}
names = sorted(fn["name"] for fn in obj["functions"])
if not txt or js != txt:
    fail(f"dump -f json: {len(js)} insns, text {len(txt)}; only JSON {sorted(js - txt)[:3]}, only text {sorted(txt - js)[:3]}")
elif names != ["c200_304", "leaf304"] or [p["name"] for p in obj["programs"]] != ["c200_304"]:
    fail(f"dump -f json -p c200_304: functions {names}")
else:
    print(f"dump: {len(js)} instructions of {names}, as the text dump")
if not any(i.get("source") for fn in obj["functions"] for i in fn["insns"]):
    fail("dump -f json: no source lines")

# the input errors are in the documents, and the run still exits 2
exits = open(f"{d}/err-exits").read().split("\n")
for name, want_file in (("stack", "missing.o"), ("dump", "README.md"), ("graph", "missing.o")):
    doc = json.load(open(f"{d}/err-{name}.json"))
    errs = doc.get("errors", [])
    if len(errs) != 1 or not errs[0].get("file", "").endswith(want_file) or len(doc["objects"]) != 1:
        fail(f"{name} -f json with a bad input: errors {errs}, {len(doc['objects'])} objects")
    elif f"{name} exit 2" not in exits:
        fail(f"{name} -f json with a bad input: {exits}")
    else:
        print(f"{name}: errors {errs}")
sys.exit(1 if bad else 0)
PY
for s in stack dump graph; do
	"$ajv" validate --spec=draft2020 --strict=true -s "schema/$s.schema.json" -d "$d/err-$s.json" >"$d/err-$s.ajv" 2>&1 ||
		{ echo "FAIL: $s with an input error does not match its schema:"; head -c 1000 "$d/err-$s.ajv"; rc=1; }
done
exit $rc

#!/usr/bin/env bash
# map-value-race and map-value-null on testdata/mapvalue, in every compiler
# variant:
#  - the tool reports exactly the lines marked "// expect: RULE [SEVERITY]"
#    (by function where an object has no line info: bpf-gcc 12), and
#    nothing in a file marked "expect: none";
#  - every program the running kernel refuses with a NULL-pointer message
#    ("invalid mem access", "pointer arithmetic on map_value_or_null") has a
#    map-value-null error with exactly the kernel's MSG, and no program the
#    kernel accepts has one;
#  - with qemu (PF_MAPVALUE_VM=1, the default), the same on Debian's 6.1 and
#    6.12 kernels. Each kernel's records are compared with the tool's verdict
#    for that kernel (the host's with its probed profile): a constant-key
#    ARRAY lookup is refused before 6.14 and accepted from it.
# Exit 77 when no kernel could be asked (the static checks still ran).
set -u
cd "$PF_ROOT"
out=$PF_BUILD/mapvalue
rm -rf "$out"
mkdir -p "$out"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>"$out/build.err"
grep mapvalue "$out/build.err"
mapfile -t objs < <(find "$PF_BUILD"/objs -path '*/mapvalue/*.o' | sort)
[ ${#objs[@]} -gt 0 ] || { echo "FAIL: no testdata/mapvalue object was built"; exit 1; }
mapfile -t le_objs < <(printf '%s\n' "${objs[@]}" | grep -v bpfeb)

"$PF_BIN" check --format=json "${objs[@]}" >"$out/tool.json" 2>"$out/tool.err"
st=$?
if [ $st -gt 1 ]; then
	echo "FAIL: bpf-preflight check exit $st"
	cat "$out/tool.err"
	exit 1
fi

records=()
host=$(bash tests/kernel/host.sh --all "${le_objs[@]}" 2>&1)
hst=$?
if [ $hst -eq 77 ]; then
	skip_reason=$(echo "$host" | grep -m1 SKIP)
else
	skip_reason=
	printf '%s\n' "$host" >"$out/host-records.txt"
	records+=("$out/host-records.txt")
fi
if [ "${PF_MAPVALUE_VM:-1}" = 1 ]; then
	VM_RESULTS_DIR=$out/vm bash tests/vm/vmtest.sh "${le_objs[@]}" >"$out/vm.log" 2>&1
	case $? in
	0) for r in "$out"/vm/results-*.txt; do [ -f "$r" ] && records+=("$r"); done ;;
	77) echo "note: older kernels not compared: $(grep -m1 SKIP "$out/vm.log")" ;;
	*) echo "FAIL: vmtest.sh failed"; tail -n 5 "$out/vm.log"; exit 1 ;;
	esac
fi

# The tool's verdicts for the kernel each record file comes from.
pairs=()
for r in "${records[@]}"; do
	if [ "$r" = "$out/host-records.txt" ]; then
		bash tests/lib/host-profile.sh "$out/host-profile.json" >"$out/host-profile.log" 2>&1 ||
			{ echo "FAIL: cannot probe the host"; cat "$out/host-profile.log"; exit 1; }
		k=@$out/host-profile.json
	else
		k=$(sed -n 's/^KVERSION .*Debian \([0-9][0-9.]*\)[-+ ].*/\1/p' "$r" | head -n1)
		[ -n "$k" ] || { echo "FAIL: no Debian version in $r"; exit 1; }
	fi
	j=$out/tool-$(basename "$r" .txt).json
	"$PF_BIN" check -k "$k" --format=json "${le_objs[@]}" >"$j" 2>>"$out/tool.err"
	[ $? -le 1 ] || { echo "FAIL: bpf-preflight check -k $k"; tail -n 5 "$out/tool.err"; exit 1; }
	pairs+=("$r=$j")
done

python3 - "$out/tool.json" testdata/mapvalue "${pairs[@]}" <<'EOF'
import collections, glob, json, os, re, sys

tool = json.load(open(sys.argv[1]))
srcdir = sys.argv[2]
record_files = sys.argv[3:]
RULES = ("map-value-race", "map-value-null")
DEFAULT_SEV = {"map-value-race": "warning", "map-value-null": "error"}
bad = 0

def fail(msg):
    global bad
    bad += 1
    print("MISMATCH " + msg)

# ---- expectations written in the sources ------------------------------
expect, none, clang_only = {}, set(), set()
func_re = re.compile(r"^\s*(?:__attribute__\(\(naked\)\)\s+)?int\s+(\w+)\(")
for src in sorted(glob.glob(os.path.join(srcdir, "*.bpf.c"))):
    base = os.path.basename(src)[:-len(".bpf.c")]
    func, exp = None, []
    for n, line in enumerate(open(src), 1):
        m = func_re.match(line)
        if m:
            func = m.group(1)
        if re.search(r"\bexpect:\s*none\b", line):
            none.add(base)
        if line.startswith("#ifdef __clang__"):
            clang_only.add(base)
        m = re.search(r"//\s*expect:\s*(map-value-(?:race|null))(?:\s+(warning|error))?", line)
        if m:
            exp.append((m.group(1), m.group(2) or DEFAULT_SEV[m.group(1)], n, func))
    if base in none and exp:
        fail(f"{src}: 'expect: none' and expectations")
    expect[base] = exp

# ---- what the tool says --------------------------------------------------
diags = collections.defaultdict(list)
for d in tool["diagnostics"]:
    if d["rule"] in RULES:
        diags[os.path.normpath(d["object"])].append(d)
programs = {os.path.normpath(o["path"]): {p["name"] for p in o["programs"]}
            for o in tool["objects"]}

n_static = 0
for obj in sorted(programs):
    base = os.path.basename(obj)[:-2]
    variant = obj.split(os.sep)[-3]
    got = diags.get(obj, [])
    exp = [e for e in expect.get(base, []) if e[3] in programs[obj]]
    missing = [e for e in expect.get(base, []) if e[3] not in programs[obj]]
    if missing and not (variant == "gcc-bpf" and base in clang_only):
        fail(f"{variant}/{base}: programs {sorted({e[3] for e in missing})} not in the object")
    lines = bool(got) and all(d["line"] > 0 for d in got)
    if lines:
        want = {(r, s, l, f) for r, s, l, f in exp}
        have = {(d["rule"], d["severity"], d["line"], d["function"]) for d in got}
    else:   # no line info: one finding per expectation, by function
        want = collections.Counter((r, s, f) for r, s, l, f in exp)
        have = collections.Counter((d["rule"], d["severity"], d["function"]) for d in got)
    n_static += 1
    if want != have:
        fail(f"{variant}/{base}: expected {sorted(want)}, tool {sorted(have)}")
    else:
        how = "by line" if lines else "by function (no line info)" if got else "none reported"
        print(f"ok {variant}/{base}: {len(exp)} expected finding(s), {how}")

# ---- the kernels' verdicts ----------------------------------------------
# Each record file with the tool's prediction for that kernel: a NULL
# refusal must be the program's verdict with the kernel's message, and a
# program the kernel accepts must not be refused for a NULL use.
NULL_MSG = re.compile(r"invalid mem access|pointer arithmetic on map_value_or_null")
n_kernel = collections.Counter()
for pair in record_files:
    rf, _, tj = pair.partition("=")
    verdicts = {}
    for o in json.load(open(tj))["objects"]:
        for p in o["programs"]:
            verdicts[(os.path.normpath(o["path"]), p["name"])] = p["verdict"]
    kernel, rec = "?", None
    recs = []
    for line in open(rf, errors="replace"):
        tag, _, rest = line.rstrip("\n").partition(" ")
        if tag == "KERNEL":
            kernel = rest
        elif tag == "PROG":
            rec = {"obj": rest.split(" ", 1)[0], "prog": rest.split(" ", 1)[1],
                   "result": None, "msg": None}
            recs.append(rec)
        elif tag == "RESULT" and rec:
            rec["result"] = rest.split()[0]
        elif tag == "MSG" and rec:
            rec["msg"] = rest
    if not recs:
        fail(f"{rf}: no kernel records")
    for r in recs:
        obj = os.path.normpath(r["obj"])
        where = f"{kernel} {r['prog']} [{os.sep.join(obj.split(os.sep)[-3:])}]"
        v = verdicts.get((obj, r["prog"]))
        if v is None:
            fail(f"{where}: no prediction")
            continue
        null_reject = v["result"] == "reject" and v.get("rule") == "map-value-null"
        if r["result"] == "fail" and r["msg"] and NULL_MSG.search(r["msg"]):
            n_kernel[kernel] += 1
            if null_reject and v.get("message") == r["msg"]:
                print(f"ok {where}: kernel and tool: {r['msg']!r}")
            else:
                fail(f"{where}: kernel {r['msg']!r}, tool {v}")
        elif r["result"] == "ok":
            n_kernel[kernel] += 1
            if null_reject:
                fail(f"{where}: kernel accepts, tool {v.get('message')!r}")
            elif v["result"] == "unknown" and "map_value_or_null" in v.get("message", ""):
                print(f"ok {where}: kernel accepts, tool cannot be sure: {v['message']!r}")
        else:
            print(f"not compared {where}: {r['result']} {r['msg'] or ''}")

print(f"mapvalue: {n_static} objects checked against their expectations; kernel verdicts "
      f"compared: {', '.join(f'{k} {v}' for k, v in n_kernel.items()) or 'none'}; "
      f"{bad} mismatch(es)")
sys.exit(1 if bad else 0)
EOF
rc=$?
[ $rc -ne 0 ] && exit $rc
if [ ${#records[@]} -eq 0 ]; then
	echo "$skip_reason (static expectations passed, kernel verdicts not compared)"
	exit 77
fi
[ -n "$skip_reason" ] && echo "note: the host kernel not compared: $skip_reason"
exit 0

#!/usr/bin/env bash
# The rule catalogue is whole: every rule of rules/rules.def has
#  - its page docs/rules/ID.md, shown by `bpf-preflight explain ID`;
#  - its entry in the man page's RULES section, with the def's severity;
#  - its line in `bpf-preflight rules`, with the def's severity, and a
#    kernels text -- and a page -- that name every release of the
#    fact-table rows the rule depends on (the "fact" lines `rules` prints
#    from the table);
#  - an `expect: ID` line in a testdata scenario, where the tool reports ID.
# Each `// expect: ID [severity] [{ARGS}]` line is checked: the tool, run on
# the clang19-v4 objects of the scenario's directory (with ARGS; "@x.o"
# words in ARGS choose the objects instead), reports ID in the enclosing
# function, as a program or function name, or at that source line.
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
out=$PF_BUILD/rules
rm -rf "$out"
mkdir -p "$out"
"$PF_BIN_FAST" rules >"$out/rules.txt" || { echo "FAIL: bpf-preflight rules"; exit 1; }
PF_OUT=$out python3 - <<'PY'
import glob, json, os, re, shlex, subprocess, sys

out = os.environ["PF_OUT"]
binary = os.environ["PF_BIN_FAST"]
objroot = os.path.join(os.environ["PF_BUILD"], "objs", "clang19-v4")
bad = 0

def fail(msg):
    global bad
    bad += 1
    print("FAIL " + msg)

# Rules whose finding no kernel prints on a path it reaches: named, never silent.
NO_SCENARIO = {}

rules = re.findall(r'^PF_RULE\(\s*(\w+),\s*"([a-z0-9-]+)",\s*(\w+),\s*(\w+)\)',
                   open("rules/rules.def").read(), re.M)
if len(rules) < 10:
    fail(f"rules/rules.def: only {len(rules)} rules parsed")
man = open("man/bpf-preflight.1").read()
man_rules = man[man.index(".Sh RULES"):man.index(".Sh EXIT STATUS")]
cat = open(os.path.join(out, "rules.txt")).read()

# ---- catalogue, pages, man page, kernel texts against the fact table ----
for sym, rid, sev, kind in rules:
    sev = sev.lower()
    if not os.path.exists(f"docs/rules/{rid}.md"):
        fail(f"{rid}: no docs/rules/{rid}.md")
    else:
        p = subprocess.run([binary, "explain", rid], capture_output=True, text=True)
        if p.returncode != 0 or not p.stdout.strip():
            fail(f"{rid}: bpf-preflight explain {rid} exit {p.returncode}")
    m = re.search(r"^\.It Cm " + re.escape(rid) + r"\n\((\w+)\)", man_rules, re.M)
    if not m:
        fail(f"{rid}: no '.It Cm {rid}' entry with its '(severity)' in the man page's RULES")
    elif m.group(1) != sev:
        fail(f"{rid}: the man page says ({m.group(1)}), rules.def says {sev}")
    m = re.search(r"^" + re.escape(rid) + r"\s+(\w+)\s.*\n((?:\s+\S.*\n)*)", cat, re.M)
    if not m:
        fail(f"{rid}: not in `bpf-preflight rules`")
        continue
    if m.group(1) != sev:
        fail(f"{rid}: `rules` says {m.group(1)}, rules.def says {sev}")
    block = m.group(2)
    km = re.search(r"kernels: (.*)", block)
    kernels = km.group(1) if km else ""
    page = open(f"docs/rules/{rid}.md").read() if os.path.exists(f"docs/rules/{rid}.md") else ""
    for fm in re.finditer(r"fact (\w+): (.*)", block):
        for ver in re.findall(r"\b\d+\.\d+(?:\.\d+)?\b", fm.group(2)):
            named = r"(?<![\d.])" + re.escape(ver) + r"(?![\d]|\.\d)"
            if not re.search(named, kernels):
                fail(f"{rid}: kernels text does not name {ver} of fact {fm.group(1)} "
                     f"({fm.group(2)}): {kernels!r}")
            if not re.search(named, page):
                fail(f"{rid}: docs/rules/{rid}.md does not name {ver} of fact "
                     f"{fm.group(1)} ({fm.group(2)})")
    print(f"ok {rid}: page, man entry, catalogue ({sev}, {kind.lower()}), "
          f"{len(re.findall('fact ', block))} fact(s) named in its kernels text")

# ---- expect: lines --------------------------------------------------------
FUNC = re.compile(r"^(?:static\s+)?(?:__\w+\s+|inline\s+|__attribute__\(\(\w+\)\)\s+)*"
                  r"(?:struct\s+)?[A-Za-z_]\w*[\s\*]+([A-Za-z_]\w*)\s*\(")
EXPECT = re.compile(r"//\s*expect:\s*([a-z0-9-]+)(?:\s+(error|warning|note))?(?:\s*\{([^}]*)\})?")
found = {}
runs = {}
for src in sorted(glob.glob("testdata/*/*.bpf.c")):
    d = os.path.basename(os.path.dirname(src))
    obj = os.path.join(objroot, d, os.path.basename(src)[:-len(".bpf.c")] + ".o")
    func = None
    for n, line in enumerate(open(src), 1):
        fm = FUNC.match(line)
        if fm:
            func = fm.group(1)
        m = EXPECT.search(line)
        if not m or m.group(1) == "none":
            continue
        rid, sev, args = m.group(1), m.group(2), shlex.split(m.group(3) or "")
        found.setdefault(rid, []).append(f"{src}:{n}")
        if rid not in {r[1] for r in rules}:
            fail(f"{src}:{n}: expect names no rule: {rid}")
            continue
        if not os.path.exists(obj):
            fail(f"{src}:{n}: {obj} was not built")
            continue
        picked = [os.path.join(objroot, d, a[1:]) for a in args if a.startswith("@")]
        args = [a for a in args if not a.startswith("@")]
        objs = picked or sorted(glob.glob(os.path.join(objroot, d, "*.o")))
        key = (tuple(args), tuple(objs))
        if key not in runs:
            p = subprocess.run([binary, "check", "-f", "json", "--exit-zero"] + args + objs,
                               capture_output=True, text=True)
            try:
                runs[key] = json.loads(p.stdout)["diagnostics"]
            except (ValueError, KeyError):
                fail(f"{src}:{n}: check {' '.join(args)} printed no JSON: {p.stderr.strip()[:200]}")
                runs[key] = []
        hits = [f for f in runs[key] if f["rule"] == rid and
                os.path.basename(f["object"]) == os.path.basename(obj) and
                (func in (f.get("function"), f.get("program")) or f.get("line") == n)]
        if sev:
            hits = [f for f in hits if f["severity"] == sev]
        if hits:
            print(f"ok {src}:{n}: {rid}{' ' + sev if sev else ''} in {func}()"
                  f"{' with ' + ' '.join(args) if args else ''}")
        else:
            fail(f"{src}:{n}: no {rid}{' ' + sev if sev else ''} finding in {func}() "
                 f"(check {' '.join(args)} on {len(objs)} object(s))")

for sym, rid, sev, kind in rules:
    if rid in NO_SCENARIO:
        if rid in found:
            fail(f"{rid}: has a scenario now; drop it from NO_SCENARIO")
        else:
            print(f"skip part: {rid} has no expect: line: {NO_SCENARIO[rid]}")
    elif rid not in found:
        fail(f"{rid}: no '// expect: {rid}' line in testdata/*/*.bpf.c")

print(f"rules: {len(rules)} rules, {sum(len(v) for v in found.values())} expect lines, {bad} failure(s)")
sys.exit(1 if bad else 0)
PY

#!/usr/bin/env bash
# The kernel's own BPF selftests against the running kernel (issue 14):
# progs/NAME.c of Debian's linux-source-6.12 (tests/lib/selftests.sh builds
# them with clang-19 as the selftests Makefile does, cached per package
# version in $PF_BUILD/selftests), every program loaded on the host
# (tests/kernel/host.sh --all) and the tool's prediction with the host's
# probed profile compared (tests/lib/compare-kernel.sh).
#
# The kernel's answer is the oracle: every program the host judges is
# compared, and anything but exact agreement is a mismatch (a tool
# "unknown" too), except a refusal by a check outside the tool's rules
# (verdictcheck.py's "out of scope": not a stack, frame or tail-call
# message), which is counted and listed by message; and an entry of
# testdata/known-divergences, whose condition must hold.
#
# Programs the host cannot load for reasons outside the verifier (libbpf
# 1.1 cannot open or load them, or the kernel refuses before the verifier
# says anything, as this host does for fentry) are counted and named in
# "skip part:" lines. The selftests' own expectations (BTF decl tags,
# progs/bpf_misc.h) say what the loader cannot reproduce (__flag, the
# unprivileged mode, ...): reported as "note:" lines; and __success /
# __failure are checked against the kernel's answer ("tag check:"), to
# double-check the loader, never a failure (the tags are 6.12's, the host
# may be newer).
#
# Prints "selftests: N programs, N compared, N exact, N mismatches, N not
# loadable here" and the mismatch categories with one example each; fails
# on any mismatch.
set -u
cd "$PF_ROOT" || exit 1
out=$PF_BUILD/selftests
run=$out/run
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: not root: the selftests are installed with apt-get and loaded into the host kernel"
	exit 77
fi
mkdir -p "$out"
[ -x "$PF_BIN" ] || { echo "FAIL: $PF_BIN is not built (make)"; exit 1; }

start=$(date +%s)
list=$(bash tests/lib/selftests.sh "$out")
st=$?
[ $st -eq 77 ] && { grep -m1 SKIP <<<"$list"; exit 77; }
[ $st -eq 0 ] || { echo "FAIL: tests/lib/selftests.sh exit $st"; printf '%s\n' "$list" | tail -n 5; exit 1; }
mapfile -t objs <<<"$list"
echo "selftests: ${#objs[@]} objects of linux-source-6.12 $(dpkg-query -W -f='${Version}' linux-source-6.12)" \
	"ready in $(( $(date +%s) - start ))s (${objs[0]%/*})"

rm -rf "$run"
mkdir -p "$run"
profile=$run/host-profile.json
bash tests/lib/host-profile.sh "$profile"
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || { echo "FAIL: host-profile.sh exit $st"; exit 1; }

records=$run/host-records.txt
bash tests/kernel/host.sh --all "${objs[@]}" >"$records" 2>"$run/host.err"
st=$?
[ $st -eq 77 ] && { grep -m1 SKIP "$records"; exit 77; }
[ $st -eq 0 ] || { echo "FAIL: host.sh exit $st"; tail -n 5 "$run/host.err"; exit 1; }

bash tests/lib/compare-kernel.sh "$records" "$run/host" "$profile" >"$run/compare.txt" 2>&1
st=$?
grep -q '^verdictcheck: [0-9]* compared' "$run/compare.txt" ||
	{ echo "FAIL: compare-kernel.sh exit $st:"; tail -n 5 "$run/compare.txt"; exit 1; }

# ---- summary: not loadable, loader limits, tag check, mismatches -------
python3 - "$records" "$run/compare.txt" "${objs[@]}" <<'PY'
import json, os, re, subprocess, sys

records_path, cmp_path, objs = sys.argv[1], sys.argv[2], sys.argv[3:]

# -- the loader's records
recs = {}
cur = None
for line in open(records_path, encoding="utf-8", errors="replace"):
    tag, _, rest = line.rstrip("\n").partition(" ")
    if tag == "PROG":
        o, _, p = rest.partition(" ")
        cur = {"obj": os.path.basename(o), "prog": p, "sec": "?", "type": "?", "result": "",
               "msg": None, "ctx": [], "libbpf": []}
        recs[(cur["obj"], p)] = cur
    elif cur is None:
        continue
    elif tag == "SEC":
        cur["sec"], _, cur["type"] = rest.partition(" ")
    elif tag == "RESULT":
        cur["result"] = rest
    elif tag == "MSG":
        cur["msg"] = rest
    elif tag == "MSGCTX":
        cur["ctx"].append(rest)
    elif tag == "LIBBPF":
        cur["libbpf"].append(rest)

# -- verdictcheck's lines
HEAD = re.compile(r"^(ok|MISMATCH|MISSING|out of scope|unpredicted|not comparable|known divergence) "
                  r"(\S+) \[(\S+)\]:? ?(.*)$")
cls = {}
for line in open(cmp_path, encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    m = HEAD.match(line)
    if m:
        cls[(m.group(3), m.group(2))] = (m.group(1), line)

# -- the selftests' expectations: BTF decl tags on each program's FUNC
def tags_of(obj):
    try:
        doc = json.loads(subprocess.run(["bpftool", "-j", "btf", "dump", "file", obj],
                                        capture_output=True, text=True, check=True).stdout)
    except (subprocess.CalledProcessError, ValueError, OSError):
        return None
    types = {t["id"]: t for t in doc.get("types", [])}
    tags = {}
    for t in types.values():
        if t.get("kind") == "DECL_TAG" and t.get("component_idx") == -1 \
                and t["name"].startswith("comment:test_"):
            f = types.get(t["type_id"])
            if f and f.get("kind") == "FUNC":
                tags.setdefault(f["name"], []).append(t["name"][len("comment:"):])
    return tags

alltags = {}
for o in objs:
    t = tags_of(o)
    alltags[os.path.basename(o)] = t if t is not None else {}
    if t is None:
        print(f"note: {os.path.basename(o)}: bpftool cannot read its BTF; its tags are not used")

def parse_tags(ts):
    k = {"flags": [], "msgs": [], "unpriv": False, "priv": False, "result": None,
         "retval": False, "arch": [], "aux": False, "log_level": None, "btf_path": None}
    for t in ts:
        name, _, val = t.partition("=")
        if name == "test_prog_flags":
            k["flags"].append(val)
        elif name.endswith("_unpriv"):
            k["unpriv"] = True
            if name == "test_auxiliary_unpriv":
                k["aux"] = True
        elif name == "test_expect_success":
            k["result"], k["priv"] = "success", True
        elif name == "test_expect_failure":
            k["result"], k["priv"] = "failure", True
        elif name in ("test_expect_msg", "test_expect_regex"):
            k["priv"] = True
            k["msgs"].append(val.split("=", 1)[1] if name == "test_expect_msg" else val)
        elif name in ("test_expect_xlated", "test_jited"):
            k["priv"] = True
        elif name == "test_retval":
            k["priv"] = k["retval"] = True
        elif name == "test_arch":
            k["arch"].append(val)
        elif name == "test_auxiliary":
            k["aux"] = True
        elif name == "test_log_level":
            k["log_level"] = val
        elif name == "test_btf_path":
            k["btf_path"] = val
    # test_loader: no privileged tag and no unprivileged one = privileged,
    # expected to succeed; unprivileged tags alone = no privileged run
    k["runs_priv"] = k["priv"] or not k["unpriv"]
    return k

def msg_regex(pat):
    """__msg: literal text, "{{...}}" parts are POSIX extended regexes."""
    out, pos = [], 0
    for m in re.finditer(r"\{\{(.*?)\}\}", pat):
        out.append(re.escape(pat[pos:m.start()]))
        out.append(m.group(1))
        pos = m.end()
    out.append(re.escape(pat[pos:]))
    try:
        return re.compile("".join(out))
    except re.error:
        return re.compile(re.escape(pat))

def plural(n):
    return f"{n} program{'' if n == 1 else 's'}"

def short(keys, limit=12):
    byobj = {}
    for o, p in keys:
        byobj.setdefault(o, []).append(p)
    parts = []
    for o, ps in byobj.items():
        more = f" (+{len(ps) - limit} more)" if len(ps) > limit else ""
        parts.append(f"{o}: {' '.join(ps[:limit])}{more}")
    return "; ".join(parts)

# -- 1. not loadable here
notload = {}
for key, (c, line) in cls.items():
    if c != "not comparable":
        continue
    r = recs.get(key, {})
    res = r.get("result", "")
    sec = r.get("sec", "?")
    kind = f"SEC {sec.split('/')[0]}{'/...' if '/' in sec else ''} ({r.get('type', '?')})"
    if res.startswith("fail") and r.get("msg") is None:
        why = f"{kind}: the kernel refuses with {res.split()[-1]} before the verifier says anything"
    elif res.startswith(("libbpf-fail", "open-fail")):
        last = r["libbpf"][-1] if r.get("libbpf") else res
        last = re.sub(r"prog '[^']*'", "prog", last)
        why = f"{kind}: libbpf 1.1 gives up ({res.split()[-1]}; {last})"
    else:
        why = line.split(": ", 1)[-1]
    notload.setdefault(why, []).append(key)
for why, keys in sorted(notload.items()):
    print(f"skip part: {plural(len(keys))} not loadable here, not compared: {why}: {short(keys, 50)}")

# -- 2. what the loader does not reproduce, 3. the tags against the kernel
needs = {}
agree, disagree, msg_seen, msg_unseen = 0, [], 0, []
for (o, p), r in recs.items():
    ts = alltags.get(o, {})
    if p not in ts:
        continue
    k = parse_tags(ts[p])
    for f in k["flags"]:
        needs.setdefault(f"__flag({f}) (loaded without it)", []).append((o, p))
    if k["unpriv"]:
        needs.setdefault("unprivileged mode (__*_unpriv tags; loaded privileged only)", []).append((o, p))
    if not k["runs_priv"]:
        needs.setdefault("no privileged test (unprivileged tags only; the privileged load is compared all the same)", []).append((o, p))
    if k["arch"] and "X86_64" not in k["arch"]:
        needs.setdefault(f"__arch({'/'.join(k['arch'])}) only (test_loader skips it on x86_64; loaded anyway)", []).append((o, p))
    if k["aux"]:
        needs.setdefault("__auxiliary (test_loader loads it beside other programs; loaded alone)", []).append((o, p))
    if k["btf_path"]:
        needs.setdefault("__btf_path (loaded against the running kernel's BTF)", []).append((o, p))
    if k["retval"]:
        needs.setdefault("__retval (BPF_PROG_TEST_RUN not done; the load alone is compared)", []).append((o, p))
    if k["log_level"]:
        needs.setdefault(f"__log_level (the loader logs at level 1|4)", []).append((o, p))
    if not k["runs_priv"] or k["aux"] or not r["result"].startswith(("ok", "fail")) \
            or (r["result"].startswith("fail") and r["msg"] is None):
        continue
    kernel_ok = r["result"] == "ok"
    want_ok = k["result"] != "failure"
    if kernel_ok == want_ok:
        agree += 1
    else:
        fl = f" [{' '.join('__flag(' + f + ')' for f in k['flags'])} not reproduced]" if k["flags"] else ""
        disagree.append(f"{p} [{o}]: tags expect {'success' if want_ok else 'failure'}, "
                        f"kernel {'accepts' if kernel_ok else 'refuses: ' + repr(r['msg'])}{fl}")
    if not kernel_ok and k["msgs"]:
        lines = [r["msg"]] + r["ctx"]
        if any(msg_regex(m).search(l) for m in k["msgs"] for l in lines):
            msg_seen += 1
        else:
            msg_unseen.append(f"{p} [{o}]: __msg {' / '.join(repr(m) for m in k['msgs'])}, "
                              f"kernel {r['msg']!r}")
for what, keys in sorted(needs.items(), key=lambda kv: -len(kv[1])):
    if what.startswith(("__retval", "__log_level")):   # no effect on the verdict: counted
        named = "in " + ", ".join(sorted({o for o, _ in keys}))
    else:
        named = short(keys)
    print(f"note: the loader does not reproduce {what}: {plural(len(keys))}: {named}")
print("note: test_loader loads with BPF_F_TEST_REG_INVARIANTS; the loader does not "
      "(it only turns a verifier-internal bounds bug into a refusal)")
print(f"tag check: {plural(agree + len(disagree))} with a privileged expectation: {agree} agree with the "
      f"kernel, {len(disagree)} disagree; of the refusals with __msg, {msg_seen} show one in MSG/MSGCTX, "
      f"{len(msg_unseen)} not (a trace line, or a message the host's kernel words otherwise)")
for d in disagree:
    print(f"  tag check: {d}")
for d in msg_unseen:
    print(f"  tag check: message differs: {d}")

# -- 4. the comparison
def norm(s):
    return re.sub(r"0x[0-9a-f]+|-?\d+", "N", s)

def category(c, line):
    if c == "MISSING":
        return "no prediction (the tool dropped the program or object)"
    if c == "unpredicted":
        return "tool: unknown"
    if c == "out of scope":
        k = re.search(r"kernel: reject '(.*)'$", line)
        return f"kernel refuses '{norm(k.group(1)) if k else '?'}', tool accepts"
    m = re.search(r"kernel: (accept depth \S+|reject '.*') tool: (.*)$", line)
    if not m:
        return "other"
    k, t = m.groups()
    if k.startswith("accept") and t.startswith("accept"):
        kd = [int(x) for x in k.split()[-1].split("+") if x.isdigit()]
        td = [int(x) for x in t.split()[-1].split("+") if x.isdigit()]
        if len(kd) != len(td):
            return "both accept: different number of frames"
        if sum(td) > sum(kd):
            return "both accept: the tool counts more stack"
        if sum(td) < sum(kd):
            return "both accept: the tool counts less stack"
        return "both accept: same total stack, split differently"
    if k.startswith("accept"):
        return f"kernel accepts, tool refuses '{norm(t[len('reject '):].strip(chr(39)))}'"
    km = norm(k[len("reject "):].strip("'"))
    if t.startswith("accept"):
        return f"kernel refuses '{km}', tool accepts"
    return f"both refuse, other message: kernel '{km}', tool '{norm(t[len('reject '):].strip(chr(39)))}'"

n = {"exact": 0, "mismatch": 0, "known": 0, "scope": 0}
cats = {}
scope = {}
for key, (c, line) in cls.items():
    if c == "ok":
        n["exact"] += 1
    elif c == "known divergence":
        n["known"] += 1
    elif c == "out of scope":
        # refused by a check the tool does not model (not a stack rule):
        # counted and listed, as everywhere in the suite
        n["scope"] += 1
        cat = category(c, line)
        scope.setdefault(cat, [0, line])[0] += 1
    elif c != "not comparable":
        n["mismatch"] += 1
        cat = category(c, line)
        cats.setdefault(cat, [0, line])[0] += 1
nl = sum(len(v) for v in notload.values())
compared = n["exact"] + n["mismatch"] + n["known"] + n["scope"]
unmatched = len(recs) - compared - nl
print(f"selftests: {len(recs)} programs, {compared} compared, {n['exact']} exact, {n['mismatch']} mismatches, "
      f"{nl} not loadable here, {n['scope']} refused by checks outside the tool's rules"
      + (f", {n['known']} known divergences" if n["known"] else "")
      + (f", {unmatched} without a verdictcheck line" if unmatched else ""))
for cat, (k, ex) in sorted(cats.items(), key=lambda kv: (-kv[1][0], kv[0])):
    print(f"  {k:4d}  {cat}\n        e.g. {ex}")
if scope:
    print("outside the tool's rules (the kernel refuses, the tool has no rule for it):")
for cat, (k, ex) in sorted(scope.items(), key=lambda kv: (-kv[1][0], kv[0])):
    print(f"  {k:4d}  {cat}\n        e.g. {ex}")
sys.exit(1 if n["mismatch"] or unmatched or n["exact"] == 0 else 0)
PY
rc=$?
for e in "$run"/host/predict-*.err; do
	[ -s "$e" ] && { echo "tool messages ($(wc -l <"$e")):"; head -n 5 "$e" | sed 's/^/    /'; }
done
echo "(records: ${records#"$PF_ROOT"/}; comparison: ${run#"$PF_ROOT"/}/compare.txt; $(( $(date +%s) - start ))s)"
exit $rc

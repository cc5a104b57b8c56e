#!/usr/bin/env python3
"""Compare the kernel's verdicts with the tool's predictions for one kernel.

  verdictcheck.py RECORDS.txt TOOL.json

RECORDS.txt is the output of the test oracle (tests/kernel/loader.c) on one
kernel: KERNEL/KVERSION lines, then per program a record
PROG <obj> <prog> / SEC / NOTE / RESULT / MSGCTX / MSG / DEPTH / PROCESSED /
FUNCS / LIBBPF / LOG / END.  TOOL.json is the tool's prediction for the same
kernel (contract version 1):

  {"version": 2, "target": {"kernel": "6.18.44", "arch": "x86_64", "jit": true},
   "objects": [{"path": "x.o", "programs": [{"name": "entry", "section": "tc",
       "functions": [{"name": "entry", "stack_depth": 240}, ...],
       "verdict": {"result": "accept"|"reject"|"unknown",
                   "message": "<exact first verifier message>"}}]}],
   "diagnostics": [...]}

Programs are matched by name and by the basename of the object path (when
several objects share a basename, the one whose path matches the record's
path best is used).  Rules:

  RESULT ok     <=> verdict "accept", and the "+"-joined stack_depth values
                    (kernel subprogram order) equal DEPTH exactly;
  RESULT fail   <=> verdict "reject", and message equals MSG exactly;
  RESULT libbpf-fail / open-fail / no-such-prog, and kernel refusals without
                any verifier message (e.g. EPERM before the verifier runs):
                "not comparable", never a failure;
  verdict "unknown" where the kernel gave an answer: listed as unpredicted;
                a mismatch only when PF_STRICT_UNKNOWN=1;
  a record with no prediction at all in TOOL.json: a mismatch ("MISSING").

Prints one line per record ("ok ...", "MISMATCH ...", "MISSING ...",
"unpredicted ...", "not comparable ..."), then a summary line.  Exit status:
0 when at least one program was compared and nothing mismatched, 1 on any
mismatch or when nothing was compared, 2 on unreadable input.
"""
import json
import os
import re
import sys

NOT_COMPARABLE_RESULTS = ("libbpf-fail", "open-fail", "no-such-prog")


class InputError(Exception):
    pass


# ---- the loader's records ------------------------------------------------

def parse_records(path):
    """Return (kernels, records): the KERNEL lines seen and one dict per
    PROG ... END record, in order."""
    kernels, records = [], []
    cur = None

    def close():
        if cur is not None:
            records.append(cur)

    try:
        f = open(path, encoding="utf-8", errors="replace")
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    with f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            tag, _, rest = line.partition(" ")
            if tag == "KERNEL":
                kernels.append(rest)
            elif tag == "PROG":
                close()
                parts = rest.split(" ", 1)
                if len(parts) != 2:
                    raise InputError(f"{path}:{lineno}: malformed PROG line: {line!r}")
                cur = {"obj": parts[0], "prog": parts[1], "result": None,
                       "errno": None, "errname": None, "msg": None,
                       "depth": None, "funcs": None, "notes": [],
                       "libbpf": None, "complete": False, "line": lineno}
            elif cur is None:
                continue    # KVERSION, or noise before the first record
            elif tag == "RESULT":
                f_ = rest.split()
                cur["result"] = f_[0] if f_ else ""
                if len(f_) >= 2:
                    cur["errno"] = f_[1]
                if len(f_) >= 3:
                    cur["errname"] = f_[2]
            elif tag == "MSG":
                cur["msg"] = rest
            elif tag == "DEPTH":
                cur["depth"] = rest.strip()
            elif tag == "FUNCS":
                cur["funcs"] = rest.split()
            elif tag == "NOTE":
                cur["notes"].append(rest)
            elif tag == "LIBBPF":
                cur["libbpf"] = rest
            elif tag == "END":
                cur["complete"] = True
                close()
                cur = None
            # SEC, MSGCTX, PROCESSED, LOG and unknown tags: not compared
    close()
    return kernels, records


# ---- the tool's JSON -----------------------------------------------------

def parse_tool(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    except ValueError as e:
        raise InputError(f"{path}: not JSON: {e}")
    if not isinstance(doc, dict):
        raise InputError(f"{path}: top level is not an object")
    # 3 only added "errors" (the inputs the run could not read)
    if doc.get("version") not in (2, 3):
        raise InputError(f"{path}: unsupported version {doc.get('version')!r} (want 2 or 3)")
    objects = doc.get("objects")
    if not isinstance(objects, list):
        raise InputError(f"{path}: no \"objects\" array")
    preds = {}      # (basename, program name) -> [prediction, ...]
    for oi, obj in enumerate(objects):
        if not isinstance(obj, dict) or not isinstance(obj.get("path"), str):
            raise InputError(f"{path}: objects[{oi}] has no \"path\"")
        for pi, prog in enumerate(obj.get("programs") or []):
            where = f"{path}: objects[{oi}].programs[{pi}]"
            if not isinstance(prog, dict) or not isinstance(prog.get("name"), str):
                raise InputError(f"{where} has no \"name\"")
            verdict = prog.get("verdict")
            if not isinstance(verdict, dict):
                raise InputError(f"{where} ({prog['name']}) has no \"verdict\"")
            result = verdict.get("result")
            if result not in ("accept", "reject", "unknown"):
                raise InputError(f"{where} ({prog['name']}): verdict result {result!r}")
            depths = []
            for fi, fn in enumerate(prog.get("functions") or []):
                if not isinstance(fn, dict):
                    raise InputError(f"{where}.functions[{fi}] is not an object")
                if fn.get("removed") is True:
                    # never explored: the kernel's depth line has no entry
                    continue
                if "stack_depth" not in fn:
                    # no depth: the verifier never walks the program there
                    # (an extension refused at attach)
                    depths = None
                    continue
                d = fn["stack_depth"]
                if not isinstance(d, int) or isinstance(d, bool):
                    raise InputError(f"{where}.functions[{fi}]: stack_depth {d!r} is not an integer")
                if depths is not None:
                    depths.append(d)
            preds.setdefault((os.path.basename(obj["path"]), prog["name"]), []).append({
                "path": obj["path"],
                "name": prog["name"],
                "result": result,
                "message": verdict.get("message"),
                "depth": "+".join(str(d) for d in depths) if depths is not None else None,
                "funcs": [fn.get("name") for fn in prog.get("functions") or []],
            })
    return doc.get("target") or {}, preds


def pick(cands, rec_path):
    """Choose among predictions with the same basename and program name."""
    if len(cands) == 1:
        return cands[0]
    exact = [c for c in cands if os.path.normpath(c["path"]) == os.path.normpath(rec_path)]
    if len(exact) == 1:
        return exact[0]

    def common_suffix(a, b):
        a, b = os.path.normpath(a).split(os.sep), os.path.normpath(b).split(os.sep)
        n = 0
        while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
            n += 1
        return n

    scored = sorted(cands, key=lambda c: -common_suffix(c["path"], rec_path))
    if common_suffix(scored[0]["path"], rec_path) > common_suffix(scored[1]["path"], rec_path):
        return scored[0]
    return None


# ---- comparison ----------------------------------------------------------

def q(s):
    return "'" + (s if s is not None else "") + "'"


def describe_kernel(rec):
    if rec["result"] == "ok":
        return f"accept depth {rec['depth'] if rec['depth'] is not None else '(none)'}"
    return f"reject {q(rec['msg'])}"


def describe_tool(p):
    if p["result"] == "accept":
        return f"accept depth {p['depth']}"
    if p["result"] == "reject":
        return f"reject {q(p['message'])}"
    return "unknown"


def kernel_version(s):
    m = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", s or "")
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


# Verifier messages the tool predicts; a refusal with another message while
# the tool accepts is outside its scope, reported but not a failure.
IN_SCOPE = [re.compile(r) for r in (
    r"^combined stack size of \d+ calls is \d+\. Too large$",
    r"^tail_calls are not allowed when call stack of previous frames is \d+ bytes\. Too large$",
    r"^the call stack of \d+ frames is too deep( !)?$",
    r"^stack size of subprog \d+ is \d+\. Too large$",
    r"^tail_call is not allowed in subprogs without BTF$",
    r"^tail_call is only allowed in functions that return 'int'\.$",
    r"^tail_calls are not allowed in non-JITed programs with bpf-to-bpf calls$",
    r"^mixing of tail_calls and bpf-to-bpf calls is not supported$",
    r"^R\d+ invalid mem access 'map_value_or_null'$",
    r"^R\d+ pointer arithmetic on map_value_or_null prohibited, null-check it first$",
    # do_check's stack checks (the engine, issue 14)
    r"^invalid (variable-offset |unbounded variable-offset )?(read from|write to|indirect access to) stack R\d+",
    r"^misaligned stack access off \S+ size \d+$",
    r"^(math between fp pointer and .* is not allowed|fp pointer offset -?\d+ is not allowed|value -?\d+ makes fp pointer be out of bounds)$",
    r"^R\d+ (min value is negative, either use unsigned or 'var &= const'|unbounded memory access, use 'var &= const' or 'if \(var < const\)')$",
    r"^back-edge from insn \d+ to \d+$",
)]


def in_scope(msg):
    return msg is not None and any(r.match(msg) for r in IN_SCOPE)


# What a known divergence may look like. An entry names the direction of
# the disagreement its reason explains; any other disagreement of the same
# program is a mismatch, so an entry never hides a new kind of error.
def over_counts(rec, p):
    """The tool is more pessimistic than the kernel: it counts code the
    verifier never explores. The kernel accepts; the tool refuses with a
    stack message, or accepts with more stack in all than the kernel."""
    if rec["result"] != "ok":
        return False
    if p["result"] == "reject":
        return in_scope(p["message"])
    if p["result"] != "accept" or rec["depth"] is None or p["depth"] is None:
        return False
    kd = sum(int(x) for x in rec["depth"].split("+") if x.isdigit())
    td = sum(int(x) for x in p["depth"].split("+") if x.isdigit())
    return td > kd


def dead_call_explored(rec, p):
    """Both refuse for too many frames: the kernel from check_max_stack_depth's
    walk over every call ("the call stack of 8 frames is too deep !"), the
    tool as if do_check had reached a call the verifier proves dead ("the
    call stack of 9 frames is too deep")."""
    walk = re.match(r"^the call stack of (\d+) frames is too deep !$", rec["msg"] or "")
    expl = re.match(r"^the call stack of (\d+) frames is too deep$", p["message"] or "")
    return (rec["result"] == "fail" and p["result"] == "reject" and walk is not None
            and expl is not None and int(expl.group(1)) == int(walk.group(1)) + 1)


def other_refusal_first(rec, p):
    """Both refuse; the kernel meets a check the tool does not model first
    (its message is out of scope), the tool refuses later for a stack reason."""
    return (rec["result"] == "fail" and p["result"] == "reject" and
            not in_scope(rec["msg"]) and in_scope(p["message"]))


def missed_refusal(rec, p):
    """The kernel refuses with a stack message the tool models, the tool
    accepts: a case of that check the tool does not reach."""
    return rec["result"] == "fail" and in_scope(rec["msg"]) and p["result"] == "accept"


CONDITIONS = {"over-counts": over_counts, "dead-call-explored": dead_call_explored,
              "other-refusal-first": other_refusal_first, "missed-refusal": missed_refusal}


def load_known(path):
    """PF_KNOWN: lines "PATTERN CONDITION reason"; # starts a comment.
    PATTERN is a glob on the program name, or on "object-basename:program";
    CONDITION names what the divergence looks like (CONDITIONS)."""
    import fnmatch
    known = []
    if not path or not os.path.exists(path):
        return known
    for lineno, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3 or parts[1] not in CONDITIONS:
            raise InputError(f"{path}:{lineno}: want 'PATTERN CONDITION reason' with CONDITION "
                             f"one of {', '.join(sorted(CONDITIONS))}")
        pat, cond, why = parts
        known.append((pat, cond, why, lambda n, b, pat=pat: fnmatch.fnmatchcase(n, pat)
                      or fnmatch.fnmatchcase(f"{b}:{n}", pat)))
    return known


def known_for(known, name, base, rec, p):
    """The entry whose pattern matches the program and whose condition
    holds for this disagreement, or None."""
    for pat, cond, why, match in known:
        if match(name, base) and CONDITIONS[cond](rec, p):
            return f"{cond}: {why}"
    return None


def main(argv):
    if len(argv) != 3:
        print("usage: verdictcheck.py RECORDS.txt TOOL.json", file=sys.stderr)
        return 2
    try:
        kernels, records = parse_records(argv[1])
        target, preds = parse_tool(argv[2])
    except InputError as e:
        print(f"verdictcheck: {e}", file=sys.stderr)
        return 2
    strict = os.environ.get("PF_STRICT_UNKNOWN") == "1"

    # The records and the prediction should be for the same kernel.
    tv = kernel_version(target.get("kernel"))
    for k in sorted(set(kernels)):
        kv = kernel_version(k)
        if tv and kv and kv[:2] != tv[:2]:
            print(f"warning: records are from kernel {k}, the prediction targets "
                  f"{target.get('kernel')}")
    if len(set(kernels)) > 1:
        print(f"warning: records from {len(set(kernels))} kernels: {', '.join(sorted(set(kernels)))}")

    n = {"ok": 0, "mismatch": 0, "missing": 0, "unpredicted": 0, "not comparable": 0,
         "out of scope": 0, "known divergence": 0}
    try:
        known = load_known(os.environ.get("PF_KNOWN"))
    except InputError as e:
        print(f"verdictcheck: {e}", file=sys.stderr)
        return 2
    used = set()
    for rec in records:
        base = os.path.basename(rec["obj"])
        name = rec["prog"]
        tag = f"{name} [{base}]"
        res = rec["result"]

        if name == "-" or res is None or res in NOT_COMPARABLE_RESULTS or not rec["complete"]:
            why = res or "no RESULT"
            if not rec["complete"]:
                why += ", record truncated"
            if rec["errname"]:
                why += f" {rec['errname']}"
            if rec["libbpf"]:
                why += f": {rec['libbpf']}"
            print(f"not comparable {tag}: {why}")
            n["not comparable"] += 1
            continue
        if res not in ("ok", "fail"):
            print(f"not comparable {tag}: unknown RESULT {res!r}")
            n["not comparable"] += 1
            continue
        if any(nt.startswith("kernel refused the object's BTF") for nt in rec["notes"]):
            # libbpf dropped the BTF the object carries (gcc 12's, say):
            # the kernel judged another program than the one in the file.
            print(f"not comparable {tag}: the kernel refused the object's BTF and "
                  f"libbpf loaded the program without it")
            n["not comparable"] += 1
            continue
        if res == "fail" and rec["msg"] is None:
            # Refused before or without the verifier saying anything (EPERM
            # from a sandbox, ENOMEM, ...): the record is not a verdict.
            print(f"not comparable {tag}: kernel refused with {rec['errname'] or rec['errno']} "
                  f"and no verifier message")
            n["not comparable"] += 1
            continue

        cands = preds.get((base, name), [])
        if not cands:
            print(f"MISSING {tag} kernel: {describe_kernel(rec)} tool: no prediction")
            n["missing"] += 1
            continue
        p = pick(cands, rec["obj"])
        if p is None:
            print(f"MISMATCH {tag}: {len(cands)} predictions match this object basename and "
                  f"program, cannot tell them apart ({', '.join(c['path'] for c in cands)})")
            n["mismatch"] += 1
            continue
        used.add(id(p))

        if p["result"] == "unknown":
            if strict:
                print(f"MISMATCH {tag} kernel: {describe_kernel(rec)} tool: unknown "
                      f"(PF_STRICT_UNKNOWN=1)")
                n["mismatch"] += 1
            else:
                print(f"unpredicted {tag} kernel: {describe_kernel(rec)} tool: unknown")
                n["unpredicted"] += 1
            continue

        if res == "fail" and p["result"] == "accept" and not in_scope(rec["msg"]):
            # The kernel refused for a reason the tool does not model
            # (helper availability, ISA level, ...): not a stack verdict.
            print(f"out of scope {tag} kernel: {describe_kernel(rec)}")
            n["out of scope"] += 1
            continue
        if res == "ok":
            good = p["result"] == "accept" and (rec["depth"] is None or p["depth"] == rec["depth"])
        else:
            good = p["result"] == "reject" and p["message"] == rec["msg"]
        why = None if good else known_for(known, name, base, rec, p)
        if why:
            print(f"known divergence {tag} kernel: {describe_kernel(rec)} "
                  f"tool: {describe_tool(p)} -- {why}")
            n["known divergence"] += 1
            continue
        if good:
            extra = ""
            if res == "ok" and rec["depth"] is None:
                extra = " (no DEPTH in the record: depths not compared)"
            if res == "ok" and rec["funcs"] and p["funcs"] and rec["funcs"] != p["funcs"]:
                extra += f" (note: FUNCS {' '.join(rec['funcs'])} != tool " \
                         f"{' '.join(str(f) for f in p['funcs'])})"
            print(f"ok {tag} kernel: {describe_kernel(rec)}{extra}")
            n["ok"] += 1
        else:
            print(f"MISMATCH {tag} kernel: {describe_kernel(rec)} tool: {describe_tool(p)}")
            n["mismatch"] += 1

    # Predictions for programs the records do not mention (e.g. the loader
    # ran with --prog): informational only.
    seen = {(os.path.basename(r["obj"]), r["prog"]) for r in records}
    unloaded = sorted(k for k in preds if k not in seen)
    for base, name in unloaded:
        print(f"not loaded {name} [{base}]: predicted but no kernel record")

    compared = n["ok"] + n["mismatch"] + n["missing"]
    print(f"verdictcheck: {compared} compared: {n['ok']} ok, {n['mismatch']} mismatch, "
          f"{n['missing']} missing; {n['unpredicted']} unpredicted, "
          f"{n['not comparable']} not comparable, {n['out of scope']} out of scope, "
          f"{n['known divergence']} known divergences, {len(unloaded)} not loaded")
    if n["mismatch"] or n["missing"]:
        return 1
    if compared == 0:
        print("verdictcheck: nothing was compared")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

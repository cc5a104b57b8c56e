#!/usr/bin/env bash
# Editor integration: the JSON of a refused program points at the right
# file, line and column: the bpf_tail_call of a stack-tailcall-frames
# refusal, the call into the overflowing frame of a stack-combined one,
# the call that is one frame too many for call-depth. Checked for every
# refused program of testdata/stack on 6.1.192 and 6.18.
set -u
cd "$PF_ROOT"
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
rc=0
for obj in "$PF_BUILD"/objs/clang14-v3/stack/*.o "$PF_BUILD"/objs/clang19-v4/stack/*.o; do
	"$PF_BIN" check -k 6.1.192,6.18 --format=json "$obj" >"$PF_BUILD/editor.json"
	python3 - "$PF_BUILD/editor.json" <<'PY' || rc=1
import json, sys
doc = json.load(open(sys.argv[1]))
bad = n = 0
for d in doc["diagnostics"]:
    rule = d["rule"]
    if rule not in ("stack-tailcall-frames", "stack-combined", "call-depth"):
        continue
    n += 1
    if not d["line"]:
        print(f"FAIL {d['program']}: no line"); bad += 1; continue
    text = open(d["file"]).read().split("\n")[d["line"] - 1]
    at = text[d["column"] - 1:]
    if rule == "stack-tailcall-frames":
        ok = at.startswith("bpf_tail_call")
    elif rule == "stack-combined":
        # the call into the frame that overflows: its name is on that line
        last = d["notes"][-1].get("function", "")
        ok = bool(last) and last in at
    else:
        ok = "(" in at      # do_check's frame limit: the call itself
    if not ok:
        print(f"FAIL {d['program']} [{rule}] {d['file']}:{d['line']}:{d['column']}: '{text.strip()}'")
        bad += 1
    else:
        print(f"ok {d['program']} [{rule}] line {d['line']} col {d['column']}: {at.strip()[:50]}")
print(f"{n} refusals located, {bad} wrong")
sys.exit(1 if bad else 0)
PY
done
exit $rc

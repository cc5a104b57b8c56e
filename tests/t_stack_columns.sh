#!/usr/bin/env bash
# `stack` and `check` tell one story: every kernel column of the call tree
# is the frame check_max_stack_depth() counts from the depth `check -f json`
# reports for that function on that kernel (rounded to 32, or 16 with the
# 6.9+ JIT), and a subprogram the verifier never explores shows "-" where
# check marks it removed. The objects: fastcall (6.12 drops the spill
# pair: 24 -> 8), frames (nest9: s8 is never reached), rodata knobs.
set -u
cd "$PF_ROOT" || exit 1
bash tests/build-testdata.sh "$PF_BUILD/objs" >/dev/null 2>&1
kernels=6.1.170,6.1.192,6.12.117,6.18
rc=0 checked=0
for o in clang19-v4/engine/fastcall.o clang14-v3/stack/frames.o clang14-v3/stack/callbacks.o \
	 clang14-v3/engine/explore.o; do
	obj=$PF_BUILD/objs/$o
	[ -f "$obj" ] || { echo "FAIL: $obj not built"; rc=1; continue; }
	"$PF_BIN" check -k $kernels -f json "$obj" >"$PF_BUILD/sc.json" 2>/dev/null
	"$PF_BIN" stack -k $kernels "$obj" >"$PF_BUILD/sc.txt" 2>/dev/null ||
		{ echo "FAIL: stack $o exit $?"; rc=1; continue; }
	out=$(python3 - "$PF_BUILD/sc.json" "$PF_BUILD/sc.txt" <<'PY'
import json, sys, re
d = json.load(open(sys.argv[1]))
want = {}
for o in d["objects"]:
    for p in o["programs"]:
        for f in p["functions"]:
            rm = f.get("removed") or []
            for k, v in (f.get("stack_depth") or {}).items():
                if k in rm:
                    want[(p["name"], f["name"], k)] = "-"
                elif k.startswith("6.1."):
                    want[(p["name"], f["name"], k)] = str(max(32, (v + 31) // 32 * 32))
                else:
                    want[(p["name"], f["name"], k)] = str((v + 15) // 16 * 16)
bad = n = 0
prog = None
kern = []
for line in open(sys.argv[2]):
    m = re.match(r".*: program (\S+) ", line)
    if m:
        prog = m.group(1); continue
    if line.startswith("  call tree"):
        kern = line.split()[3:]; continue
    parts = line.split()
    if not prog or len(parts) != len(kern) + 2 or parts[0] in ("worst", "headroom", "to"):
        continue
    name = parts[0]
    for k, got in zip(kern, parts[2:]):
        w = want.get((prog, name, k))
        if w is None:
            continue
        n += 1
        if w != got:
            bad += 1
            print(f"FAIL {prog}/{name} on {k}: stack shows {got}, check says {w}")
print(f"compared {n} {bad}")
PY
)
	echo "$out" | grep '^FAIL' && rc=1
	n=$(echo "$out" | awk '/^compared/ {print $2}')
	echo "ok $o: $n columns compared"
	checked=$((checked + ${n:-0}))
done
# stack -f json says the same: counted per kernel, and "removed" where
# check's JSON has it
for o in clang19-v4/engine/fastcall.o clang14-v3/stack/frames.o; do
	obj=$PF_BUILD/objs/$o
	"$PF_BIN" check -k $kernels -f json "$obj" >"$PF_BUILD/sc.json" 2>/dev/null
	"$PF_BIN" stack -k $kernels -f json "$obj" >"$PF_BUILD/sc-stack.json" 2>/dev/null ||
		{ echo "FAIL: stack -f json $o exit $?"; rc=1; continue; }
	python3 - "$PF_BUILD/sc.json" "$PF_BUILD/sc-stack.json" "$o" <<'PY' || rc=1
import json, sys
c, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
want = {}
for p in c["objects"][0]["programs"]:
    for f in p["functions"]:
        want[(p["name"], f["name"])] = sorted(f.get("removed") or [])
bad = n = rm = 0
for p in s["objects"][0]["programs"]:
    for f in p["functions"]:
        got = sorted(f.get("removed") or [])
        n += 1
        rm += bool(got)
        if want.get((p["name"], f["name"])) != got:
            bad += 1
            print(f"FAIL {sys.argv[3]} {p['name']}/{f['name']}: stack -f json removed {got}, check {want.get((p['name'], f['name']))}")
        if any(f["counted"][k] for k in got):
            bad += 1
            print(f"FAIL {sys.argv[3]} {p['name']}/{f['name']}: counted on a kernel that drops it")
print(f"ok {sys.argv[3]}: stack -f json: {n} functions, {rm} removed somewhere, as check says")
sys.exit(1 if bad or (sys.argv[3].endswith("frames.o") and not rm) else 0)
PY
done
# the cases that make the test worth having: a dropped subprogram and a
# fastcall frame that differs between 6.1 and 6.12
"$PF_BIN" stack -k 6.1.192,6.12.117 -p fc_frame "$PF_BUILD/objs/clang19-v4/engine/fastcall.o" |
	grep -Eq '^ +fc_sub +48 +64 +16$' || { echo "FAIL: fc_sub is not 64 on 6.1.192 and 16 on 6.12.117"; rc=1; }
"$PF_BIN" stack -k 6.18 -p nest9 "$PF_BUILD/objs/clang14-v3/stack/frames.o" |
	grep -Eq '^ +s8 +8 +-$' || { echo "FAIL: s8 of nest9 is not shown as never explored"; rc=1; }
[ "$checked" -gt 40 ] || { echo "FAIL: only $checked columns compared"; rc=1; }
exit $rc

#!/usr/bin/env bash
# The analysis set without a kernel: target matching across objects
# (ambiguity, --attach), bad specs as input errors, the config file keys
# as the options, and freplace-stack adding up the frames `stack` shows
# (the frames themselves are confirmed by t_verdict_host/t_verdict_vm).
# The kernel verdicts of these rules are compared in t_freplace_vm.
set -u
cd "$PF_ROOT"
PF_VARIANTS=clang19-v4 bash tests/build-testdata.sh "$PF_BUILD/objs" >/dev/null ||
	{ echo "FAIL: build-testdata.sh"; exit 1; }
O=$PF_BUILD/objs/clang19-v4/freplace
W=$PF_BUILD/freplace-t
mkdir -p "$W"
rc=0
fail() { echo "FAIL: $*"; rc=1; }

# 1. acl_stub is in two objects: no guess, a cannot-predict warning
"$PF_BIN" check -k 6.12.117 -f json --exit-zero "$O/dispatcher.o" "$O/dispatcher_pkt.o" \
	"$O/acl.o" >"$W/amb.json" || fail "check with two candidate targets"
python3 - "$W/amb.json" <<'PY' || rc=1
import json, sys
d = json.load(open(sys.argv[1]))
hits = [x for x in d["diagnostics"] if x["rule"] == "cannot-predict" and x.get("program") == "acl"]
if not hits or "more than one object" not in hits[0]["message"]:
    sys.exit("FAIL: no ambiguity warning for acl: %s" % [x["message"] for x in d["diagnostics"]])
print("ok: ambiguous target -> " + hits[0]["message"])
PY
# ... and --attach settles it: acl tail-calls, acl_stub of dispatcher.o does not
"$PF_BIN" check -k 6.12.117 --color=never "$O/dispatcher.o" "$O/dispatcher_pkt.o" "$O/acl.o" \
	--attach acl.o:acl=dispatcher.o:acl_stub >"$W/att.txt" 2>&1
[ $? -eq 1 ] && grep -q 'Extension program changes packet data, while original does not \[freplace-attach\]' "$W/att.txt" ||
	{ cat "$W/att.txt"; fail "--attach to dispatcher.o"; }

# 2. specs naming nothing: one line, exit 2
for bad in "--attach=acl.o:acl=nosuch.o:acl_stub" "--attach=acl.o:nosuch=dispatcher.o:acl_stub" \
	   "--tail-target=nosuch[0]=acl.o:acl" "--tail-target=acl_progs[x]=acl.o:acl"; do
	"$PF_BIN" check -k 6.1 "$O/dispatcher.o" "$O/acl.o" "$bad" >/dev/null 2>"$W/bad.err"
	st=$?
	[ $st -eq 2 ] && [ "$(wc -l <"$W/bad.err")" -eq 1 ] ||
		{ cat "$W/bad.err"; fail "$bad: exit $st, want 2 and one line"; }
done

# 3. the config file's keys are the options
printf 'attach = acl.o:acl=dispatcher.o:acl_stub\ntail-target = acl_progs[0]=acl_algo.o:acl_algo\n' >"$W/cfg"
"$PF_BIN" check -k 6.1.170,6.1.192,6.12.117 -f json --exit-zero --config="$W/cfg" \
	"$O/dispatcher.o" "$O/dispatcher_pkt.o" "$O/acl.o" "$O/acl_algo.o" >"$W/cfg.json"
"$PF_BIN" check -k 6.1.170,6.1.192,6.12.117 -f json --exit-zero --config=/dev/null \
	--attach acl.o:acl=dispatcher.o:acl_stub --tail-target 'acl_progs[0]=acl_algo.o:acl_algo' \
	"$O/dispatcher.o" "$O/dispatcher_pkt.o" "$O/acl.o" "$O/acl_algo.o" >"$W/cli.json"
cmp -s "$W/cfg.json" "$W/cli.json" || fail "config keys and options give different output"
grep -q '"prog-array-member"' "$W/cli.json" || fail "no prog-array-member finding for acl_algo"

# 4. freplace-stack = the callers' frames above deep_stub + deep_ext's chain
"$PF_BIN" stack -k 6.12.117 "$O/deep_stack.o" >"$W/stack.txt"
"$PF_BIN" check -k 6.12.117 -f json --exit-zero "$O/deep_stack.o" >"$W/deep.json"
python3 - "$W/stack.txt" "$W/deep.json" <<'PY' || rc=1
import json, re, sys
frames, cur = {}, None
for line in open(sys.argv[1]):
    m = re.match(r".*: program (\S+) ", line)
    if m:
        cur = m.group(1); frames[cur] = []
    m = re.match(r"  (\s*)(\w+)\s+\d+\s+(\d+)$", line)
    if m and cur and m.group(2) not in ("worst", "headroom"):
        frames[cur].append((m.group(2), int(m.group(3))))
callers = sum(k for n, k in frames["deep_entry"] if n != "deep_stub")
ext = sum(k for n, k in frames["deep_ext"])
want = "stack at run time is %d bytes when 'deep_ext' replaces deep_stub(): %d bytes of callers" % (callers + ext, callers)
d = json.load(open(sys.argv[2]))
got = [x["message"] for x in d["diagnostics"] if x["rule"] == "freplace-stack"]
if not got or not got[0].startswith(want):
    sys.exit("FAIL: freplace-stack: want %r..., got %r" % (want, got))
print("ok: " + got[0])
PY
exit $rc

#!/usr/bin/env bash
# The include graph is a DAG in layers, and no file includes upwards:
#
#   0 util      util.h bpf_limits.h
#   1 model     insn.h model.h rule_ids.h profile.h internal.h stack.h
#   2 analyses  engine.h mapvalue.h analysis.h callargs.h dwarf_vars.h frame.h
#               verdict.h linkset.h probe.h
#   3 rules     finding.h rule.h (rules/*.c)
#   4 driver    driver.h bpf_preflight.h (analyzer/driver.c)
#   5 cli       cli/*.h cli/*.c: the command line includes the library only
#               through its one public header, bpf_preflight.h
#
# A source file's layer is its directory's (cli/, rules/) or, under
# analyzer/, the layer of the header it implements. internal.h is the model
# builder's own: only model-layer sources include it. A header missing from
# the table, or a cycle among headers, fails the test too.
set -u
cd "$PF_ROOT"
python3 - <<'PY'
import glob, os, re, sys

LAYER = {}
for n, names in enumerate([
        "util.h bpf_limits.h",
        "insn.h model.h rule_ids.h profile.h internal.h stack.h",
        "engine.h mapvalue.h analysis.h callargs.h dwarf_vars.h frame.h verdict.h linkset.h probe.h",
        "finding.h rule.h",
        "driver.h bpf_preflight.h"]):
    for h in names.split():
        LAYER[h] = n
NAMES = ["util", "model", "analyses", "rules", "driver", "cli"]
# analyzer/*.c that implement no header of their own name
SOURCE = {"util": 0, "elf": 1, "btf": 1, "functions": 1, "maps": 1, "calls": 1,
          "programs": 1, "object": 1, "helpers": 1, "helper_protos": 1, "disasm": 1,
          "dwarf": 2, "fastcall": 2, "driver": 4}
bad = 0

def fail(msg):
    global bad
    bad += 1
    print("FAIL " + msg)

def includes(path):
    return re.findall(r'^#include "([^"]+)"', open(path).read(), re.M)

for h in sorted(glob.glob("cli/*.h")):
    LAYER[os.path.basename(h)] = 5
for h in sorted(glob.glob("include/*.h")):
    if os.path.basename(h) not in LAYER:
        fail(f"{h}: no layer (add it to tests/t_layers.sh and the README's Layout)")

def layer_of(path):
    d, b = os.path.dirname(path), os.path.basename(path)
    if d == "cli":
        return 5
    if d == "rules":
        return 3
    if b.endswith(".h"):
        return LAYER.get(b)
    stem = b[:-2]
    if stem in SOURCE:
        return SOURCE[stem]
    return LAYER.get(stem + ".h")

files = sorted(glob.glob("include/*.h") + glob.glob("cli/*.[ch]") +
               glob.glob("analyzer/*.c") + glob.glob("rules/*.c"))
edges = 0
for f in files:
    lf = layer_of(f)
    if lf is None:
        fail(f"{f}: no layer")
        continue
    for inc in includes(f):
        base = os.path.basename(inc)
        if base == "rules.def":
            continue        # the rule list, data for rule_ids.h and the registry
        li = LAYER.get(base)
        if li is None:
            fail(f"{f}: includes {inc}, which has no layer")
            continue
        edges += 1
        if li > lf:
            fail(f"{f} ({NAMES[lf]}) includes {inc} ({NAMES[li]}): upwards")
        if base == "internal.h" and lf != 1:
            fail(f"{f} ({NAMES[lf]}) includes internal.h, the model builder's own header")
        if lf == 5 and li < 5 and base != "bpf_preflight.h":
            fail(f"{f}: the command line includes {inc}; it sees the library only "
                 f"through bpf_preflight.h")

# no cycle among headers (layers alone allow one within a layer)
graph = {os.path.basename(h): [os.path.basename(i) for i in includes(h) if i.endswith(".h")]
         for h in glob.glob("include/*.h") + glob.glob("cli/*.h")}
state = {}
def visit(h, stack):
    global bad
    if state.get(h) == 1:
        fail("include cycle: " + " -> ".join(stack + [h]))
        return
    if state.get(h) == 2 or h not in graph:
        return
    state[h] = 1
    for n in graph[h]:
        visit(n, stack + [h])
    state[h] = 2
for h in sorted(graph):
    visit(h, [])

print(f"layers: {len(files)} files, {edges} includes, {bad} violation(s)")
sys.exit(1 if bad else 0)
PY

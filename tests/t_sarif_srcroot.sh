#!/usr/bin/env bash
# SARIF URIs GitHub can place: %SRCROOT% is the repository root (the nearest
# directory with .git above the current one, or --srcroot / the config
# file's "srcroot", relative to that file), never just the directory the run
# started in, and the results' URIs are relative to it. In a temp git
# repository with the object and its source in src/, a run from src/ gives
# "src/combined.bpf.c" with uriBaseId %SRCROOT% = file://REPO/. Outside a git
# tree %SRCROOT% is the current directory; a path outside %SRCROOT% is a
# file:// URI. Input errors (a non-BPF file, a missing one) are in
# invocations[0] (executionSuccessful false, one toolExecutionNotification
# of level error each, the file as location) and in the JSON "errors". Every
# log is validated by Microsoft's SARIF multitool (see t_sarif.sh).
set -u
cd "$PF_ROOT" || exit 1
skip() { echo "SKIP: t_sarif_srcroot: $*"; exit 77; }
# shellcheck source=tests/lib/variants.sh
source tests/lib/variants.sh
cc=$(variant_cmd clang14-v3)
command -v "${cc%% *}" >/dev/null || skip "${cc%% *} not installed: cannot build the test object"
command -v git >/dev/null || skip "git not installed: cannot make the test repository"

# Outside any git tree (the worktree under test is one), so that the
# "no repository" case is real.
t=$(mktemp -d /tmp/pf-srcroot.XXXXXX) || exit 1
trap 'rm -rf "$t"' EXIT
t=$(cd "$t" && pwd -P)
git -C "$t" rev-parse --show-toplevel >/dev/null 2>&1 &&
	skip "$t is inside a git work tree: the no-repository case cannot be tested here"
repo=$t/repo plain=$t/plain out=$PF_BUILD/sarif_srcroot
rm -rf "$out"; mkdir -p "$out" "$repo/src" "$repo/other" "$plain"
git -C "$repo" init -q || { echo "FAIL: git init"; exit 1; }
cp testdata/stack/combined.bpf.c "$repo/src/"
cp testdata/stack/combined.bpf.c "$plain/"
# shellcheck disable=SC2086
(cd "$repo" && $cc -O2 -g -Wall -I"$pf_variants_arch_inc" -I"$PF_ROOT/testdata/include" \
	-c src/combined.bpf.c -o src/combined.o) || { echo "FAIL: cannot compile combined.bpf.c"; exit 1; }
# shellcheck disable=SC2086
(cd "$plain" && $cc -O2 -g -Wall -I"$pf_variants_arch_inc" -I"$PF_ROOT/testdata/include" \
	-c combined.bpf.c -o combined.o) || { echo "FAIL: cannot compile combined.bpf.c"; exit 1; }
echo "not BPF" >"$repo/src/notbpf.o"

rc=0
# sarif NAME DIR WANT_EXIT ARGS...: check -f sarif from DIR into $out/NAME.sarif
sarif() {
	local name=$1 dir=$2 want=$3 st
	shift 3
	(cd "$dir" && "$PF_BIN" check -f sarif -k 6.1.192 "$@") >"$out/$name.sarif" 2>"$out/$name.err"
	st=$?
	if [ "$st" != "$want" ]; then
		echo "FAIL: $name: exit $st, want $want: (cd $dir && bpf-preflight check -f sarif -k 6.1.192 $*)"
		head -n 5 "$out/$name.err"; rc=1
	fi
}
sarif git "$repo/src" 1 combined.o
sarif flag "$repo/src" 1 --srcroot .. combined.o
sarif flagdot "$repo/src" 1 --srcroot . combined.o
sarif outside "$repo/src" 1 --srcroot ../other combined.o
sarif plain "$plain" 1 combined.o
sarif bad "$repo/src" 2 combined.o notbpf.o missing.o
printf 'srcroot = src\n' >"$repo/.bpf-preflight"
sarif config "$repo/src" 1 combined.o
rm -f "$repo/.bpf-preflight"
(cd "$repo/src" && "$PF_BIN" check -f json -k 6.1.192 combined.o notbpf.o missing.o) \
	>"$out/bad.json" 2>/dev/null
st=$?
[ $st -eq 2 ] || { echo "FAIL: check -f json with bad inputs: exit $st, want 2"; rc=1; }

# A --srcroot that does not exist: exit 2, one line, no document.
(cd "$repo/src" && "$PF_BIN" check -f sarif --srcroot ../nowhere combined.o) >"$out/nowhere.out" 2>"$out/nowhere.err"
st=$?
if [ $st -ne 2 ] || [ -s "$out/nowhere.out" ] || [ "$(wc -l <"$out/nowhere.err")" -ne 1 ] ||
   ! grep -q -- '--srcroot ../nowhere: No such file or directory' "$out/nowhere.err"; then
	echo "FAIL: --srcroot ../nowhere: exit $st, stderr: $(cat "$out/nowhere.err")"; rc=1
fi

python3 - "$out" "$repo" "$plain" <<'PY' || rc=1
import json, sys
out, repo, plain = sys.argv[1:]
bad = 0
def fail(msg):
    global bad
    bad += 1
    print("FAIL:", msg)
def load(name):
    return json.load(open(f"{out}/{name}.sarif"))["runs"][0]
def uris(run):
    u = set()
    for r in run["results"]:
        for l in r["locations"] + r.get("relatedLocations", []):
            a = l["physicalLocation"]["artifactLocation"]
            u.add((a["uri"], a.get("uriBaseId")))
    return u
def expect(name, base, uri, based=True):
    run = load(name)
    got = run.get("originalUriBaseIds", {}).get("%SRCROOT%", {}).get("uri")
    if got != base:
        fail(f"{name}: %SRCROOT% is {got!r}, want {base!r}")
    if not run["results"]:
        fail(f"{name}: no results (c200_304 and others are refused on 6.1.192)")
    want = {(uri, "%SRCROOT%" if based else None)}
    if uris(run) != want:
        fail(f"{name}: locations {sorted(uris(run), key=str)}, want {want}")
    inv = run.get("invocations", [{}])
    if len(inv) != 1 or inv[0].get("executionSuccessful") is not True or inv[0].get("toolExecutionNotifications"):
        fail(f"{name}: invocations {inv}, want one, successful, no notifications")
    print(f"{name}: %SRCROOT% {got}, {len(run['results'])} results at {sorted(uris(run), key=str)}")

expect("git", f"file://{repo}/", "src/combined.bpf.c")
expect("flag", f"file://{repo}/", "src/combined.bpf.c")
expect("flagdot", f"file://{repo}/src/", "combined.bpf.c")
expect("config", f"file://{repo}/src/", "combined.bpf.c")
expect("outside", f"file://{repo}/other/", f"file://{repo}/src/combined.bpf.c", based=False)
expect("plain", f"file://{plain}/", "combined.bpf.c")

# The bad run: the good object's results stand, the two inputs are errors.
run = load("bad")
inv = run.get("invocations", [])
if len(inv) != 1 or inv[0].get("executionSuccessful") is not False:
    fail(f"bad: invocations {inv}, want one with executionSuccessful false")
else:
    notes = inv[0].get("toolExecutionNotifications", [])
    got = [(n.get("level"), n["message"]["text"],
            [l["physicalLocation"]["artifactLocation"].get("uri") for l in n.get("locations", [])],
            [l["physicalLocation"]["artifactLocation"].get("uriBaseId") for l in n.get("locations", [])])
           for n in notes]
    want = [("error", "notbpf.o: not an ELF file", ["src/notbpf.o"], ["%SRCROOT%"]),
            ("error", "missing.o: No such file or directory", ["src/missing.o"], ["%SRCROOT%"])]
    if got != want:
        fail(f"bad: notifications {got}, want {want}")
    else:
        print(f"bad: executionSuccessful false, notifications {[n[1] for n in got]}")
if not run["results"]:
    fail("bad: the readable object's results are missing")
doc = json.load(open(f"{out}/bad.json"))
want = [{"file": "notbpf.o", "message": "not an ELF file"},
        {"file": "missing.o", "message": "No such file or directory"}]
if doc.get("version") != 3 or doc.get("errors") != want:
    fail(f"bad.json: version {doc.get('version')}, errors {doc.get('errors')}, want 3 and {want}")
else:
    print(f"bad.json: errors {doc['errors']}")
sys.exit(1 if bad else 0)
PY

# The multitool, installed as t_sarif.sh does; its absence skips only this part.
if [ "$(uname -m)" != x86_64 ]; then
	echo "skip part: multitool validation: @microsoft/sarif-multitool ships its Linux validator for x86-64 only"
	exit $rc
fi
bin=$(bash tools/npm-tools.sh)
st=$?
bin=$(tail -n1 <<<"$bin")
if [ $st -ne 0 ]; then
	[ -n "${CI:-}" ] && { echo "FAIL: tools/npm-tools.sh could not install @microsoft/sarif-multitool"; exit 1; }
	echo "skip part: multitool validation: tools/npm-tools.sh exited $st (no Node.js/npm, or the registry is unreachable)"
	exit $rc
fi
mt=$bin/../@microsoft/sarif-multitool-linux/Sarif.Multitool
[ -x "$mt" ] || { echo "FAIL: $mt missing after tools/npm-tools.sh"; exit 1; }
ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so' || export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
"$mt" validate "$out"/*.sarif -o "$out/validation.sarif" --log ForceOverwrite >"$out/validation.txt" 2>&1
st=$?
if [ $st -ne 0 ] || [ ! -s "$out/validation.sarif" ]; then
	echo "FAIL: Sarif.Multitool validate exited $st:"; tail -n 20 "$out/validation.txt"; exit 1
fi
python3 - "$out/validation.sarif" <<'PY' || rc=1
import json, sys
log = json.load(open(sys.argv[1]))
errors = warnings = 0
for run in log["runs"]:
    for r in run.get("results", []):
        level = r.get("level", "warning")
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] if r.get("locations") else "?"
        text = r["message"].get("text") or " ".join(r["message"].get("arguments", []))
        if level == "error":
            errors += 1
            print(f"FAIL validator: {uri.rsplit('/', 1)[-1]}: {r['ruleId']}: {text[:300]}")
        elif level == "warning":
            warnings += 1
            print(f"validator warning: {uri.rsplit('/', 1)[-1]}: {r['ruleId']}: {text[:200]}")
print(f"validator: {errors} errors, {warnings} warnings")
sys.exit(1 if errors else 0)
PY
exit $rc

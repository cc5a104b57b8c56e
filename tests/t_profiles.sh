#!/usr/bin/env bash
# Kernels a fleet records (docs/fleet.md): -k @DIR and the config file's
# "profiles = DIR" make every probed profile in a directory a kernel of the
# run, named by its label in the text, JSON and SARIF reports; a directory
# without profiles or a profile that does not load is exit 2 naming it.
# -k host is measured once as root and cached (then reused: nothing
# loaded, the file untouched); without root it is the table's row, said,
# or exit 2 for a build the table cannot place. A kernel the table cannot
# place is exit 2 unless assumed like a known one on request (X~KNOWN),
# which the run says. The parts that need root or setpriv say when skipped.
set -u
cd "$PF_ROOT" || exit 1
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
acl=$PF_BUILD/objs/clang14-v3/explain/acl.o
[ -f "$acl" ] || { echo "FAIL: no $acl"; exit 1; }
w=$PF_BUILD/profiles
rm -rf "$w" && mkdir -p "$w"
chmod a+rx "$w"
out=$w/out err=$w/err
rc=0
fail() { echo "FAIL $*"; rc=1; }
expect_exit() {	# WANT DESCRIPTION CMD...
	local want=$1 what=$2
	shift 2
	"$@" >"$out" 2>"$err"
	local st=$?
	if [ $st -ne "$want" ]; then
		fail "$what: exit $st, want $want"; head -n 5 "$err"
		return 1
	fi
	echo "ok $what: exit $st"
}
# one_line FILE WHAT PATTERN: FILE is one line and has PATTERN (grep -E)
one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -Eq -- "$3" "$1" ||
		fail "$2: want one line matching '$3', got: $(cat "$1")"
}
json() {	# FILE PYTHON-EXPRESSION-OF-d
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"
}
unpriv() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
can_unpriv=1
if [ "$(id -u)" -ne 0 ]; then
	can_unpriv=0; echo "skip part: unprivileged runs: not root (setpriv needs root)"
elif ! command -v setpriv >/dev/null; then
	can_unpriv=0; echo "skip part: unprivileged runs: setpriv missing (util-linux)"
fi

# ---- kernels the table cannot place: exit 2, one line, every way out ----
for k in 4.9 99.99 5.14.0-427.el9.x86_64; do
	expect_exit 2 "-k $k" "$PF_BIN" check -k "$k" "$acl" &&
		one_line "$err" "-k $k" "known: 5\.10, .*6\.18$"
	grep -q "probe" "$err" && grep -q -- "-k '*$k~" "$err" ||
		fail "-k $k: does not name probe and the X~KNOWN opt-in: $(cat "$err")"
done

# ---- the "assumed like" opt-in: said once, labelled so everywhere ----
expect_exit 0 "-k 7.0~6.18" "$PF_BIN" check -k 7.0~6.18 "$acl"
grep -qx "bpf-preflight: kernel 7.0: assumed like 6.18 (not measured)" "$err" &&
	[ "$(grep -c 'assumed like' "$err")" -eq 1 ] || fail "-k 7.0~6.18: no note: $(cat "$err")"
grep -q "on 7\.0~6\.18 " "$out" || fail "-k 7.0~6.18: the text report does not say 7.0~6.18: $(cat "$out")"
expect_exit 0 "-k 7.0~6.18 -f json" "$PF_BIN" check -k 7.0~6.18 -f json "$acl"
[ "$(json "$out" 'd["target"]["kernel"]')" = "7.0~6.18" ] || fail "JSON target of -k 7.0~6.18: $(head -c 300 "$out")"
"$PF_BIN" check -k 6.18 -f json "$acl" >"$w/618.json" 2>/dev/null
sed 's/7\.0~6\.18/6.18/g' "$out" | cmp -s - "$w/618.json" ||
	fail "-k 7.0~6.18 predicts other than -k 6.18"
expect_exit 0 "-k 7.0~6.18 -f sarif" "$PF_BIN" check -k 7.0~6.18 -f sarif "$acl"
json "$out" '[n["message"]["text"] for n in d["runs"][0]["invocations"][0]["toolExecutionNotifications"]]' |
	grep -q "kernel 7.0: assumed like 6.18 (not measured)" || fail "SARIF lacks the assumed-like note"
grep -q '7\.0~6\.18' "$out" || fail "SARIF does not name 7.0~6.18"
expect_exit 0 "-k 7.0~ (the nearest)" "$PF_BIN" check -k '7.0~' "$acl"
grep -qx "bpf-preflight: kernel 7.0: assumed like 6.18 (not measured)" "$err" || fail "-k 7.0~: $(cat "$err")"
expect_exit 1 "-k 4.14~5.10" "$PF_BIN" check -k 4.14~5.10 -f json "$acl"
[ "$(json "$out" 'd["target"]["kernel"]')" = "4.14~5.10" ] || fail "-k 4.14~5.10 is not labelled so"
expect_exit 2 "-k 7.0~4.9 (like an unknown kernel)" "$PF_BIN" check -k 7.0~4.9 "$acl" &&
	one_line "$err" "-k 7.0~4.9" "older than the oldest"
expect_exit 2 "-k foo~6.18" "$PF_BIN" check -k foo~6.18 "$acl" && one_line "$err" "-k foo~6.18" "not a kernel version"
expect_exit 0 "-k 6.12~6.1 (a kernel the table knows)" "$PF_BIN" check -k 6.12~6.1 -f json "$acl"
[ "$(json "$out" 'd["target"]["kernel"]')" = "6.12" ] && grep -q "kernel 6.12: the fact table knows it; '~6.1' ignored" "$err" ||
	fail "-k 6.12~6.1: $(cat "$err")"
printf 'kernels = 6.1.192, 7.0~6.18\n' >"$w/assumed.cfg"
expect_exit 1 "kernels = 7.0~6.18 in the config file" "$PF_BIN" check --config="$w/assumed.cfg" -f json "$acl"
[ "$(json "$out" '",".join(t["kernel"] for t in d["targets"])')" = "6.1.192,7.0~6.18" ] &&
	grep -q "kernel 7.0: assumed like 6.18" "$err" || fail "config 7.0~6.18: $(cat "$err")"

# ---- directories of profiles: errors that name the file ----
mkdir -p "$w/empty" "$w/bad" "$w/dup"
printf '# not a profile\n' >"$w/empty/README.md"
expect_exit 2 "-k @DIR without profiles" "$PF_BIN" check -k "@$w/empty" "$acl" &&
	one_line "$err" "empty dir" "^bpf-preflight: $w/empty: no profiles \(\*\.json\)"
mini() {	# LABEL KERNEL: a hand-written profile (the loader needs no more)
	printf '{"bpf_preflight_profile": 1, "label": "%s", "kernel": "%s", "arch": "x86_64", "jit": true, "facts": {}}\n' "$1" "$2"
}
mini a-6.12 6.12.117 >"$w/bad/a.json"
printf '{"bpf_preflight_profile": 1, "kernel": "6.1' >"$w/bad/b.json"
expect_exit 2 "-k @DIR with a broken profile" "$PF_BIN" check -k "@$w/bad" "$acl" &&
	one_line "$err" "broken profile" "^bpf-preflight: $w/bad/b\.json: not a JSON profile$"
printf '{"bpf_preflight_profile": 1, "kernel": "6.1.170", "jit": true, "facts": {"no_such_fact": {"value": true, "measured": true}}}\n' \
	>"$w/bad/b.json"
expect_exit 2 "-k @DIR with an unknown fact" "$PF_BIN" check -k "@$w/bad" "$acl" &&
	one_line "$err" "unknown fact" "^bpf-preflight: $w/bad/b\.json: unknown fact 'no_such_fact'$"
mini "two words" 6.1.170 >"$w/bad/b.json"
expect_exit 2 "-k @DIR with a label of two words" "$PF_BIN" check -k "@$w/bad" "$acl" &&
	one_line "$err" "label with a blank" "^bpf-preflight: $w/bad/b\.json: label 'two words' has a comma"
mini same 6.12.117 >"$w/dup/1.json"
mini same 6.1.170 >"$w/dup/2.json"
expect_exit 2 "-k @DIR, two profiles of one label" "$PF_BIN" check -k "@$w/dup" "$acl" &&
	one_line "$err" "duplicate label" "^bpf-preflight: $w/dup/2\.json: kernel 'same' is in the run twice"
mkdir -p "$w/proj"
printf 'profiles = nowhere\n' >"$w/proj/.bpf-preflight"
expect_exit 2 "profiles = a missing directory" "$PF_BIN" check --config="$w/proj/.bpf-preflight" "$acl" &&
	one_line "$err" "profiles = nowhere" "\.bpf-preflight:1: profiles: .*nowhere: No such file or directory"

# ---- a fleet: two profiles made from this host's probe ----
if [ "$(id -u)" -ne 0 ]; then
	echo "skip part: fleet directory: not root, the host cannot be probed"
elif ! "$PF_BIN_FAST" probe -o "$w/host.json" 2>"$w/probe.err"; then
	echo "skip part: fleet directory: the host cannot be probed: $(cat "$w/probe.err")"
else
	mkdir -p "$w/proj/fleet" "$w/proj/src"
	# edge: this host as measured; db: a 6.1.170 machine, nothing measured
	python3 - "$w/host.json" "$w/proj/fleet" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["label"] = "edge-6.18"
json.dump(d, open(sys.argv[2] + "/edge.json", "w"), indent=1)
d["label"], d["kernel"], d["release"] = "db-6.1", "6.1.170", "6.1.0-99-amd64"
for f in d["facts"].values():
    f["measured"] = False
json.dump(d, open(sys.argv[2] + "/db.json", "w"), indent=1)
PY
	expect_exit 1 "-k @DIR of two profiles" "$PF_BIN" check -k "@$w/proj/fleet" "$acl"
	grep -q "refused on db-6.1; accepted on edge-6.18" "$out" ||
		fail "text report does not name the profiles by label: $(head -n 5 "$out")"
	expect_exit 1 "-k @DIR -f json" "$PF_BIN" check -k "@$w/proj/fleet" -f json "$acl"
	[ "$(json "$out" '",".join(t["kernel"] for t in d["targets"])')" = "db-6.1,edge-6.18" ] ||
		fail "JSON targets of the fleet: $(json "$out" 'd.get("targets")')"
	[ "$(json "$out" '",".join(v["kernel"] + ":" + v["result"] for v in d["objects"][0]["programs"][0]["verdicts"])')" = \
		"db-6.1:reject,edge-6.18:accept" ] || fail "fleet verdicts: $(json "$out" 'd["objects"][0]["programs"][0]["verdicts"]')"
	expect_exit 1 "-k @DIR -f sarif" "$PF_BIN" check -k "@$w/proj/fleet" -f sarif "$acl"
	grep -q "refused on db-6.1; accepted on edge-6.18" "$out" || fail "SARIF does not name the profiles by label"
	# the config file's key, relative to the file, from a directory below it
	printf 'profiles = fleet   # recorded with bpf-preflight probe\n' >"$w/proj/.bpf-preflight"
	(cd "$w/proj/src" && "$PF_BIN" check -f json "$acl" >"$out" 2>"$err")
	[ "$(json "$out" '",".join(t["kernel"] for t in d["targets"])')" = "db-6.1,edge-6.18" ] &&
		echo "ok profiles = fleet in .bpf-preflight" || fail "profiles = fleet: $(cat "$err")"
	(cd "$w/proj/src" && "$PF_BIN" check -k 6.18 -f json "$acl" >"$out" 2>"$err")
	[ "$(json "$out" 'd["target"]["kernel"]')" = "6.18" ] && echo "ok -k replaces the file's profiles" ||
		fail "-k 6.18 with profiles = fleet: $(head -c 300 "$out")"
	(cd "$w/proj/src" && "$PF_BIN" kernels >"$out" 2>"$err")
	[ "$(grep -c '^[^ ]' "$out")" -eq 2 ] && grep -qx 'db-6.1 x86_64 (table row: 6.1.170)' "$out" &&
		grep -Eq '^  priv_stack_kprobe +(yes|no) +profile file' "$out" ||
		fail "kernels with profiles = fleet: $(head -n 3 "$out")"
	if [ $can_unpriv -eq 1 ]; then
		chmod -R a+rX "$w/proj"
		(cd "$w/proj/src" && unpriv "$PF_BIN" check -f json "$acl" >"$w/user.json" 2>"$err")
		(cd "$w/proj/src" && "$PF_BIN" check -f json "$acl" >"$out" 2>/dev/null)
		cmp -s "$out" "$w/user.json" && echo "ok the fleet predicts the same without root" ||
			fail "the fleet predicts otherwise without root: $(cat "$err")"
	fi
fi

# ---- -k host as root: measured once, cached, reused ----
cache=$w/cache
if [ "$(id -u)" -ne 0 ]; then
	echo "skip part: -k host cache: not root"
elif ! "$PF_BIN_FAST" probe -o /dev/null 2>/dev/null; then
	echo "skip part: -k host cache: the host cannot be probed"
else
	export XDG_CACHE_HOME=$cache
	expect_exit 0 "-k host, first run" "$PF_BIN" check -k host -f json "$acl"
	f=$(ls "$cache"/bpf-preflight/*.json 2>/dev/null)
	[ "$(echo "$f" | grep -c .)" -eq 1 ] || fail "-k host: want one cache file, got: $f"
	case $(basename "$f") in "$(uname -r | tr -c 'A-Za-z0-9.+_\n-' _)-"*.json) ;;
		*) fail "-k host: cache file $f not named by the release" ;; esac
	one_line "$err" "-k host, first run" "^bpf-preflight: -k host: measured $(uname -r), profile cached in $f$"
	[ "$(json "$out" 'd["target"]["kernel"]')" = "$(uname -r)" ] ||
		fail "-k host: the report does not name the kernel by its label $(uname -r)"
	[ "$(json "$f" 'd["release"] + "|" + d["uname_v"]')" = "$(uname -r)|$(uname -v)" ] ||
		fail "-k host: the cache is not keyed by uname -r and -v"
	before=$(stat -c '%y %i' "$f")
	sleep 1
	expect_exit 0 "-k host, second run" "$PF_BIN" check -k host -f json "$acl"
	[ ! -s "$err" ] || fail "-k host, second run said something: $(cat "$err")"
	[ "$(stat -c '%y %i' "$f")" = "$before" ] &&
		echo "ok -k host reused the cache (untouched)" || fail "-k host rewrote the cache"
	# a corrupt cache: measured again, said; another build's: the same
	printf '{"bpf_preflight_profile": 1, "kern' >"$f"
	expect_exit 0 "-k host with a corrupt cache" "$PF_BIN" check -k host "$acl"
	grep -q "^bpf-preflight: $f: not a usable profile (not JSON); measuring again$" "$err" ||
		fail "corrupt cache: $(cat "$err")"
	json "$f" 'd["label"]' >/dev/null 2>&1 || fail "corrupt cache not replaced"
	python3 - "$f" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["uname_v"] = "#2 another build"
json.dump(d, open(sys.argv[1], "w"))
PY
	expect_exit 0 "-k host with another build's cache" "$PF_BIN" check -k host "$acl"
	grep -q "^bpf-preflight: $f: not a usable profile (the profile of another build" "$err" ||
		fail "another build's cache: $(cat "$err")"
	[ "$(json "$f" 'd["uname_v"]')" = "$(uname -v)" ] || fail "another build's cache not replaced"
	# measured with the JIT set otherwise than now: measured again, said
	python3 - "$f" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["jit"] = not d["jit"]
json.dump(d, open(sys.argv[1], "w"))
PY
	expect_exit 0 "-k host with a cache of the other JIT state" "$PF_BIN" check -k host "$acl"
	grep -q "^bpf-preflight: $f: not a usable profile (measured with the JIT" "$err" ||
		fail "a cache of the other JIT state: $(cat "$err")"
	[ "$(json "$f" 'd["jit"]')" = "$(python3 -c 'print(open("/proc/sys/net/core/bpf_jit_enable").read().strip() != "0")')" ] ||
		fail "a cache of the other JIT state not replaced"
	cp "$f" "$w/host-cached.json"
	BPF_PREFLIGHT_NO_CACHE=1 XDG_CACHE_HOME=$w/nocache "$PF_BIN" check -k host "$acl" >/dev/null 2>"$err"
	[ ! -e "$w/nocache" ] && grep -q "no cache: BPF_PREFLIGHT_NO_CACHE is set" "$err" &&
		echo "ok BPF_PREFLIGHT_NO_CACHE" || fail "BPF_PREFLIGHT_NO_CACHE: $(cat "$err")"
	unset XDG_CACHE_HOME
fi

# ---- -k host without root: the table's row, said; never a silent guess ----
if [ $can_unpriv -eq 1 ]; then
	shim=$w/uname-shim.so
	if ! cc -shared -fPIC -O2 -o "$shim" tests/lib/uname-shim.c -ldl 2>"$err"; then
		echo "skip part: -k host shown other kernels: cannot build the uname shim: $(head -n 1 "$err")"
	else
		chmod a+rx "$shim"
		mkdir -p "$w/nobody" && chown 65534:65534 "$w/nobody"
		# ASan wants to be first; the shim only replaces uname()
		as_host() {	# RELEASE VERSION ARGS...: -k host runs as nobody on a kernel so named
			local r=$1 v=$2
			shift 2
			ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 LD_PRELOAD=$shim \
				PF_UNAME_RELEASE=$r PF_UNAME_VERSION=$v XDG_CACHE_HOME=$w/nobody/cache \
				unpriv "$PF_BIN" "$@"
		}
		deb_v="#1 SMP PREEMPT_DYNAMIC Debian 6.12.43-1 (2025-08-27)"
		expect_exit 0 "-k host unprivileged, Debian 6.12.43" as_host 6.12.43+deb13-amd64 "$deb_v" \
			check -k host -f json "$acl" &&
			one_line "$err" "unprivileged Debian host" \
				"^bpf-preflight: kernel host \(6\.12\.43\+deb13-amd64\): the fact table's row for 6\.12\.43, assumed, not measured \(not root; "
		[ "$(json "$out" 'd["target"]["kernel"]')" = "6.12.43" ] || fail "unprivileged Debian host: not the 6.12.43 row"
		expect_exit 0 "-k host unprivileged, -f sarif" as_host 6.12.43+deb13-amd64 "$deb_v" \
			check -k host -f sarif "$acl"
		grep -q "assumed, not measured" "$out" || fail "SARIF lacks the -k host note"
		expect_exit 2 "-k host unprivileged, a vendor build" as_host 5.14.0-427.el9.x86_64 "#1 SMP" \
			check -k host "$acl" &&
			one_line "$err" "unprivileged vendor host" \
				"^bpf-preflight: -k host: cannot place kernel '5\.14\.0-427\.el9\.x86_64'.*not measured \(not root\); run once as root.*-k host~5\.10$"
		expect_exit 1 "-k host~5.15 unprivileged, a vendor build" as_host 5.14.0-427.el9.x86_64 "#1 SMP" \
			check -k host~5.15 -f json "$acl" &&
			one_line "$err" "host~5.15" "^bpf-preflight: kernel 5\.14\.0-427\.el9\.x86_64: assumed like 5\.15 \(not measured: not root\)$"
		[ "$(json "$out" 'd["target"]["kernel"]')" = "5.14.0-427.el9.x86_64~5.15" ] ||
			fail "host~5.15: not labelled so: $(head -c 200 "$out")"
		expect_exit 0 "kernels -k host unprivileged" as_host 6.12.43+deb13-amd64 "$deb_v" kernels -k host
		grep -q "assumed, not measured" "$err" || fail "kernels -k host: no note"
		# this machine itself, as nobody: the note, or exit 2 for a build the table cannot place
		XDG_CACHE_HOME=$w/nobody/cache unpriv "$PF_BIN" check -k host "$acl" >"$out" 2>"$err"
		st=$?
		if [ $st -le 1 ]; then
			grep -q "assumed, not measured (not root" "$err" && echo "ok this host unprivileged: table row, said" ||
				fail "this host unprivileged: no note: $(cat "$err")"
		elif [ $st -eq 2 ]; then
			one_line "$err" "this host unprivileged" "run once as root to measure it"
			echo "ok this host unprivileged ($(uname -r)): exit 2, said"
		else
			fail "this host unprivileged: exit $st"
		fi
		# a cache nobody cannot use is said, and never crashes
		if [ -f "${f:-}" ]; then
			mkdir -p "$w/nobody/cache/bpf-preflight"
			printf 'garbage' >"$w/nobody/cache/bpf-preflight/$(basename "$f")"
			chown -R 65534:65534 "$w/nobody/cache"
			XDG_CACHE_HOME=$w/nobody/cache unpriv "$PF_BIN" check -k host "$acl" >"$out" 2>"$err"
			st=$?
			[ $st -le 2 ] && grep -q "not a usable profile (not JSON); ignored (not root: cannot measure again)" "$err" &&
				echo "ok a corrupt cache without root: exit $st, said" || fail "corrupt cache without root: exit $st: $(cat "$err")"
			# ... and one root measured is used without root
			cp "$w/host-cached.json" "$w/nobody/cache/bpf-preflight/$(basename "$f")"
			chmod a+r "$w/nobody/cache/bpf-preflight/$(basename "$f")"
			XDG_CACHE_HOME=$w/nobody/cache unpriv "$PF_BIN" check -k host -f json "$acl" >"$out" 2>"$err"
			[ ! -s "$err" ] && [ "$(json "$out" 'd["target"]["kernel"]')" = "$(uname -r)" ] &&
				echo "ok a measured cache used without root" || fail "measured cache without root: $(cat "$err")"
		fi
	fi
fi
exit $rc

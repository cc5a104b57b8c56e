#!/usr/bin/env bash
# A profile written by `probe` on one machine predicts the same elsewhere:
# only the probe needs root. The host's profile is probed (root), then every
# testdata object is checked with -k @PROFILE twice, as root and as an
# unprivileged user in another directory with HOME elsewhere; the JSON
# reports must be identical, and must not equal the report for the table's
# row of the same release where the host build differs from it (else the
# profile would not have been read at all).
set -u
cd "$PF_ROOT"
command -v setpriv >/dev/null || { echo "SKIP: setpriv missing (util-linux)"; exit 77; }
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
profile=$PF_BUILD/portable-profile.json
bash tests/lib/host-profile.sh "$profile"
st=$?
[ $st -eq 77 ] && exit 77
[ $st -eq 0 ] || { echo "FAIL: host-profile.sh exit $st"; exit 1; }
work=$PF_BUILD/portable
rm -rf "$work" && mkdir -p "$work/home"
cp "$profile" "$work/profile.json"
mapfile -t objs < <(find "$PF_BUILD"/objs -name '*.o' -not -path '*bpfeb*' | sort)
for o in "${objs[@]}"; do cp "$o" "$work/$(echo "${o#"$PF_BUILD"/objs/}" | tr / _)"; done
chmod -R a+rX "$work"
(cd "$work" && "$PF_BIN" check -f json -k @profile.json ./*.o >root.json 2>root.err)
st_root=$?
st_user=0
(cd "$work" && HOME=$work/home setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$PF_BIN" check -f json -k @profile.json ./*.o) >"$PF_BUILD/portable-user.json" \
	2>"$PF_BUILD/portable-user.err" || st_user=$?
echo "as root: exit $st_root, $(grep -c '"verdict"' "$work/root.json") verdicts; unprivileged: exit $st_user"
# exit 2 is expected: some testdata objects are refused as input (gcc-*)
[ $st_root -le 2 ] && [ $st_root -eq $st_user ] ||
	{ echo "FAIL: exit $st_root as root, $st_user unprivileged"; head "$PF_BUILD/portable-user.err"; exit 1; }
grep -q '"verdict"' "$work/root.json" || { echo "FAIL: no verdicts in the report"; exit 1; }
if ! cmp -s "$work/root.json" "$PF_BUILD/portable-user.json"; then
	echo "FAIL: the same profile predicts differently without root"
	diff "$work/root.json" "$PF_BUILD/portable-user.json" | head -20
	exit 1
fi
# the profile must have been read: where this build differs from the
# table's row for its release, the reports differ too
release=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kernel"])' "$profile")
(cd "$work" && "$PF_BIN" check -f json -k "$release" ./*.o >table.json 2>/dev/null)
if python3 - "$profile" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any(f["measured"] for f in d["facts"].values()) else 1)
PY
then
	if cmp -s "$work/table.json" "$work/root.json"; then
		echo "note: this host's profile predicts as the table's row for $release does"
	else
		echo "the profile's predictions differ from the table row $release's: the profile was read"
	fi
fi
echo "same predictions with and without root for ${#objs[@]} objects"
# a kernel measured with other limits than every kernel the tool models is
# refused, never predicted with the wrong numbers
# refused_limit NAME VALUE JSON-VALUE WANT: the profile with limits.NAME.value
# set to VALUE must be an input error whose line holds WANT
refused_limit() {
	python3 - "$profile" "$work/$1.json" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["limits"][sys.argv[3]]["value"] is not None, d["limits"][sys.argv[3]]
d["limits"][sys.argv[3]]["value"] = json.loads(sys.argv[4])
json.dump(d, open(sys.argv[2], "w"))
PY
	err=$("$PF_BIN" check -k "@$work/$1.json" "${objs[0]}" 2>&1)
	st=$?
	[ $st -eq 2 ] && grep -q "$3" <<<"$err" ||
		{ echo "FAIL: a profile with limits.$1 = $2: exit $st: $err"; exit 1; }
	echo "a profile measured with limits.$1 = $2: exit 2, said"
}
refused_limit stack 1024 "limit 'stack' measured 1024"
refused_limit rodata_const false "does not read frozen read-only maps"

#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml, run by the real pre-commit
# (Debian's package) on a sample repository:
#   bpf-preflight        a refused object (testdata/stack/combined.bpf.c)
#                        fails the hook, an accepted one
#                        (testdata/core/subprogs.bpf.c) passes;
#   bpf-preflight-build  the same two as C sources, compiled by
#                        tools/precommit-build-check.sh;
# through `pre-commit try-repo`, and through `pre-commit install` and a real
# `git commit` that the hook must block. try-repo and a config's `repo:`
# use committed trees only, so the hook files of the working tree are
# committed into a scratch repository first. The hooks find bpf-preflight
# on PATH: the test puts $PF_BIN there.
set -u
cd "$PF_ROOT" || exit 1
skip() { echo "SKIP: t_precommit: $*"; exit 77; }
command -v pre-commit >/dev/null || skip "pre-commit not installed (apt-get install pre-commit)"
command -v git >/dev/null || skip "git not installed"
command -v clang >/dev/null || skip "clang not installed (apt-get install clang)"
echo "pre-commit: $(pre-commit --version)"

bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
bad_o=$PF_BUILD/objs/clang14-v3/stack/combined.o
good_o=$PF_BUILD/objs/clang14-v3/core/subprogs.o
for f in "$bad_o" "$good_o"; do [ -f "$f" ] || { echo "FAIL: $f not built"; exit 1; }; done

d=$PF_BUILD/precommit
rm -rf "$d"; mkdir -p "$d/bin"
ln -s "$PF_BIN" "$d/bin/bpf-preflight"
export PATH="$d/bin:$PATH"
export PRE_COMMIT_HOME=$d/cache	# pre-commit's clones stay in the scratch dir
export GIT_AUTHOR_NAME=t_precommit GIT_AUTHOR_EMAIL=t_precommit@localhost
export GIT_COMMITTER_NAME=t_precommit GIT_COMMITTER_EMAIL=t_precommit@localhost
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
q() { git -c init.defaultBranch=main -c commit.gpgsign=false "$@"; }

# The hook repository: the working tree's hook files, committed.
hooks=$d/hooks
mkdir -p "$hooks/tools"
cp .pre-commit-hooks.yaml "$hooks/"
cp tools/precommit-build-check.sh "$hooks/tools/"
(cd "$hooks" && q init -q && q add -A && q commit -q -m hooks) || { echo "FAIL: cannot make $hooks"; exit 1; }
rev=$(git -C "$hooks" rev-parse HEAD)

# The sample project.
s=$d/sample
mkdir -p "$s/src" "$s/build"
cp "$bad_o" "$s/build/bad.bpf.o"
cp "$good_o" "$s/build/good.bpf.o"
cp testdata/stack/combined.bpf.c "$s/src/bad.bpf.c"
cp testdata/core/subprogs.bpf.c "$s/src/good.bpf.c"
(cd "$s" && q init -q && q add -A && q commit -q -m sample) || { echo "FAIL: cannot make $s"; exit 1; }

rc=0
# expect WANT(pass|fail) GREP(text the output must hold, or '') DESCRIPTION pre-commit ARGS...
expect() {
	local want=$1 pat=$2 what=$3
	shift 3
	(cd "$s" && "$@") >"$d/out" 2>&1
	local st=$?
	if { [ "$want" = pass ] && [ $st -ne 0 ]; } || { [ "$want" = fail ] && [ $st -eq 0 ]; }; then
		echo "FAIL $what: exit $st, want $want"; sed 's/^/    | /' "$d/out" | tail -n 25; rc=1
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$d/out"; then
		echo "FAIL $what: output lacks '$pat'"; sed 's/^/    | /' "$d/out" | tail -n 25; rc=1
	else
		echo "ok $what: exit $st ($want)"
	fi
}
expect fail "combined stack size of 4 calls is 704. Too large" "bpf-preflight on the refused object" \
	pre-commit try-repo "$hooks" bpf-preflight --ref "$rev" --files build/bad.bpf.o
expect pass "Passed" "bpf-preflight on the accepted object" \
	pre-commit try-repo "$hooks" bpf-preflight --ref "$rev" --files build/good.bpf.o
expect fail "stack-combined" "bpf-preflight on both objects" \
	pre-commit try-repo "$hooks" bpf-preflight --ref "$rev" --files build/good.bpf.o build/bad.bpf.o
expect pass "Skipped" "bpf-preflight ignores C sources" \
	pre-commit try-repo "$hooks" bpf-preflight --ref "$rev" --files src/bad.bpf.c
expect fail "src/bad.bpf.c:45:9: error: combined stack size" "bpf-preflight-build on the refused source" \
	pre-commit try-repo "$hooks" bpf-preflight-build --ref "$rev" --files src/bad.bpf.c
expect pass "Passed" "bpf-preflight-build on the accepted source" \
	pre-commit try-repo "$hooks" bpf-preflight-build --ref "$rev" --files src/good.bpf.c
expect pass "Skipped" "bpf-preflight-build ignores objects" \
	pre-commit try-repo "$hooks" bpf-preflight-build --ref "$rev" --files build/bad.bpf.o

# Many objects at once: pre-commit splits the files of a hook into parallel
# batches unless the hook says require_serial. An extension (acl.o) and its
# target (dispatcher.o) refused only together must still fail the hook when
# 18 other objects sit between them (issue 16: the hook printed Passed).
fo=$PF_BUILD/objs/clang14-v3/freplace
m=$d/many
mkdir -p "$m/build"
cp "$fo/dispatcher.o" "$m/build/a_dispatcher.bpf.o"
cp "$fo/acl.o" "$m/build/z_acl.bpf.o"
for i in $(seq -w 1 18); do cp "$good_o" "$m/build/m$i.bpf.o"; done
(cd "$m" && q init -q && q add -A && q commit -q -m many) || { echo "FAIL: cannot make $m"; exit 1; }
many=$(cd "$m" && ls build/*.bpf.o)
s_saved=$s
s=$m
# shellcheck disable=SC2086
expect fail "Extension program changes packet data" "bpf-preflight on 20 objects, extension and target far apart" \
	pre-commit try-repo "$hooks" bpf-preflight --ref "$rev" --files $many
# The control: the same hook without require_serial passes where pre-commit
# batches (more than one CPU), which is what the key prevents.
if [ "$(nproc)" -gt 1 ]; then
	loose=$d/hooks-loose
	cp -r "$hooks" "$loose"
	sed -i '/require_serial: true/d' "$loose/.pre-commit-hooks.yaml"
	(cd "$loose" && q commit -q -a -m loose) || { echo "FAIL: cannot make $loose"; rc=1; }
	# shellcheck disable=SC2086
	expect pass "Passed" "control: without require_serial the batches miss the pair" \
		pre-commit try-repo "$loose" bpf-preflight --ref "$(git -C "$loose" rev-parse HEAD)" --files $many
else
	echo "skip part: one CPU: pre-commit does not batch, so the control without require_serial cannot show the split"
fi
s=$s_saved

# As a project uses it: a config, `pre-commit install`, a commit.
cat >"$s/.pre-commit-config.yaml" <<EOF
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: bpf-preflight
      - id: bpf-preflight-build
        args: [--kernel=6.1.192]
EOF
(cd "$s" && q add .pre-commit-config.yaml && q commit -q -m config) || { echo "FAIL: config commit"; rc=1; }
expect pass "" "pre-commit install" pre-commit install
cp "$good_o" "$s/build/good2.bpf.o"
cp testdata/core/subprogs.bpf.c "$s/src/good2.bpf.c"
(cd "$s" && q add build/good2.bpf.o src/good2.bpf.c)
expect pass "" "git commit of an accepted object and source" q commit -q -m good
cp "$bad_o" "$s/build/bad2.bpf.o"
(cd "$s" && q add build/bad2.bpf.o)
expect fail "combined stack size" "git commit of a refused object is blocked" q commit -q -m bad
if git -C "$s" log --format=%s | grep -qx bad; then
	echo "FAIL: the refused object was committed"; rc=1
fi
exit $rc

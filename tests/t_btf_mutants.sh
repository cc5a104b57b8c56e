#!/usr/bin/env bash
# BTF whose type references loop: a typedef that is its own type, two
# modifiers naming each other, a member or parameter pointing back at its
# struct or prototype. libbpf's btf__new() takes them (it checks ids are in
# range, not acyclic), so every walk of BTF chains must bound itself
# (pf_btf__skip_mods()). tests/lib/btf-mutate.py rewrites one reference (or
# two, for a two-type loop) per mutant of clang-19 objects; every command
# runs on each mutant within 10 s, exit 0, 1 or 2, no sanitizer report.
# A sample runs under ASan+UBSan ($PF_BIN), the bulk on the plain build.
set -u
cd "$PF_ROOT"
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
bash tests/build-testdata.sh "$PF_BUILD/objs" 2>/dev/null
work=$PF_BUILD/btf-mutants
rm -rf "$work"; mkdir -p "$work/m"
mapfile -t objs < <(ls "$PF_BUILD"/objs/clang19-v4/mapvalue/*.o "$PF_BUILD"/objs/clang19-v4/stack/*.o 2>/dev/null)

# None of testdata reaches a map, kfunc argument or return type through a
# typedef: this object does, so a looping chain meets those walks too.
must=()
if command -v clang-19 >/dev/null; then
	cat >"$work/typedef_chains.bpf.c" <<'EOF'
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} inner_map_t;
typedef inner_map_t outer_map_t;
outer_map_t counts SEC(".maps");

typedef volatile struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} jmp_map_t;
jmp_map_t jmp SEC(".maps");

typedef int ret_t;
typedef const ret_t cret_t;
typedef char *buf_t;
typedef const buf_t cbuf_t;
extern int bpf_pf_fill(cbuf_t buf, __u32 buf__sz) __ksym;

/* a static subprog that tail-calls: the verifier checks its return type */
static __attribute__((noinline)) cret_t hop(struct __sk_buff *skb)
{
	bpf_tail_call(skb, (void *)&jmp, 0);
	return skb->len;
}

SEC("tc")
int typedef_chains(struct __sk_buff *skb)
{
	char buf[16] = {};
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &k);

	if (v)
		*v += 1;
	bpf_pf_fill(buf, sizeof(buf));	/* a stack pointer to a typedef'd kfunc parameter */
	return hop(skb) + buf[3];
}

char LICENSE[] SEC("license") = "GPL";
EOF
	if clang-19 -target bpf -mcpu=v3 -O2 -g -I"/usr/include/$(gcc -dumpmachine)" \
		-c "$work/typedef_chains.bpf.c" -o "$work/typedef_chains.o" 2>"$work/cc.err"; then
		must=(--must "$work/typedef_chains.o")
	else
		echo "FAIL: compiling the typedef-chain object:"; head -n 5 "$work/cc.err"; exit 1
	fi
else
	echo "skip part: clang-19 not installed: no typedef-chain object, testdata mutants only"
fi
[ ${#objs[@]} -gt 0 ] || [ ${#must[@]} -gt 0 ] ||
	{ echo "SKIP: no clang-19 objects (clang-19 not installed)"; exit 77; }

# ~0.1 s per mutant (7 commands) plain, ~0.8 s under ASan: 160 mutants,
# one in 10 under ASan, take ~20 s on two idle CPUs.
python3 tests/lib/btf-mutate.py --out "$work/m" --max "${BTF_MUTANTS_MAX:-160}" \
	"${must[@]}" "${objs[@]}" >"$work/list" 2>"$work/mutate.err" ||
	{ echo "FAIL: btf-mutate.py"; cat "$work/mutate.err"; exit 1; }
grep -v ': no .BTF in' "$work/mutate.err"
total=$(wc -l <"$work/list")
[ "$total" -gt 0 ] || { echo "FAIL: no mutants written"; exit 1; }

# One mutant, every command; the first failure ends the mutant. After 10
# failing mutants the rest are not run: on a build that hangs, each costs
# up to 70 s.
run_one() {	# INDEX FILE
	local i=$1 f=$2 bin=$PF_BIN_FAST tag=plain cmd st
	[ "$(grep -c "^FAIL" "$work/failed")" -ge 10 ] && { echo "notrun $i"; return 0; }
	[ $((10#$i % 10)) -eq 0 ] && bin=$PF_BIN tag=asan
	for cmd in "check" "check -f json" "stack" "stack --explain" "dump" "graph" "graph -f json"; do
		# shellcheck disable=SC2086
		timeout 10 "$bin" $cmd "$f" >/dev/null 2>"$work/err.$i"
		st=$?
		if [ $st -gt 2 ] || grep -qE 'Sanitizer|runtime error' "$work/err.$i"; then
			echo "FAIL $tag '$cmd' $f: exit $st$([ $st -eq 124 ] && echo ' (timeout: a loop)')" >>"$work/failed"
			awk -F'\t' -v f="$f" '$1 == f { print "    mutant: " $2; exit }' "$work/list" >>"$work/failed"
			grep -m3 -E 'Sanitizer|runtime error' "$work/err.$i" | sed 's/^/    /' >>"$work/failed"
			echo "fail $i $tag"
			return 0
		fi
	done
	rm -f "$work/err.$i"
	echo "ok $i $tag"
}
export -f run_one
export work PF_BIN PF_BIN_FAST
: >"$work/failed"
start=$(date +%s)
cut -f1 "$work/list" | awk '{ n = $0; sub(/.*\//, "", n); sub(/\.o$/, "", n); print n, $0 }' |
	xargs -P "$(nproc)" -n 2 bash -c 'run_one "$@"' _ >"$work/results"
secs=$(( $(date +%s) - start ))
ok=$(grep -c '^ok ' "$work/results")
bad=$(grep -c '^fail ' "$work/results")
notrun=$(grep -c '^notrun ' "$work/results")
asan=$(grep -cE '^(ok|fail) .* asan$' "$work/results")
echo "btf-mutants: $total mutants ($asan under ASan+UBSan, the rest plain) x 7 commands in ${secs}s: $ok clean, $bad failed, $notrun not run"
if [ "$bad" -ne 0 ] || [ "$ok" -ne "$total" ]; then
	head -n 40 "$work/failed"
	exit 1
fi

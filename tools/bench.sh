#!/usr/bin/env bash
# make bench: time and peak memory of bpf-preflight over ../shared/corpus and
# over generated objects of 1k, 10k, 100k and 1M instructions
# (tools/gen-bpf-elf.c), against llvm-objdump -d on the same files and
# against loading the same programs through the running kernel's verifier
# (root only: tests/kernel/loader, one program per load). Best wall time of
# BENCH_RUNS runs (default 5; the verifier runs once), peak RSS of the same
# runs. Writes docs/performance.md and docs/performance.png (gnuplot).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${BENCH_RUNS:-5}
corpus=../shared/corpus/ebpf-samples
objdump=$(command -v llvm-objdump-19 || command -v llvm-objdump)
gen=build/gen-bpf-elf
out=build/bench
mkdir -p "$out" docs
[ -x "$gen" ] || make --no-print-directory "$gen" >/dev/null
mapfile -t files < <(find "$corpus" -name '*.o' -not -path '*/invalid/*' | sort)

slots_of() {	# instruction slots (8 bytes) in the code sections of the files
	local n=0 f sz
	for f in "$@"; do
		for sz in $(readelf -SW "$f" | awk '/ AX / { print $6 }'); do
			n=$((n + 16#$sz / 8))
		done
	done
	echo "$n"
}

# measure CMD...: best wall time (T_US, microseconds) and the largest peak
# RSS (RSS_KB) over $runs runs; output discarded, exit status ignored.
measure() {
	local best=999999999999 peak=0 s e t i r
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$out/rss" "$@" >/dev/null 2>&1 || true
		e=$(date +%s%N)
		t=$(((e - s) / 1000))
		[ "$t" -lt "$best" ] && best=$t
		r=$(tail -n 1 "$out/rss")
		[ "$r" -gt "$peak" ] && peak=$r
	done
	T_US=$best
	RSS_KB=$peak
}

# verifier FILE...: load every program through the kernel (VLOAD_US: wall
# time of the loads, VERIF_US: the kernel's own "verification time" summed,
# VPROGS: programs the verifier saw); empty when not root or no loader.
have_loader=false
if [ "$(id -u)" -eq 0 ] && bash tests/kernel/build-loader.sh build/kernel >/dev/null 2>&1; then
	have_loader=true
fi
verifier() {
	VLOAD_US='' VERIF_US='' VPROGS=''
	$have_loader || return 0
	local s e
	s=$(date +%s%N)
	build/kernel/loader --all --print-log "$@" >"$out/loader.out" 2>/dev/null || true
	e=$(date +%s%N)
	VLOAD_US=$(((e - s) / 1000))
	VERIF_US=$(awk '/verification time/ { for (i = 1; i <= NF; i++) if ($i == "time") s += $(i + 1) }
			END { print s + 0 }' "$out/loader.out")
	VPROGS=$(grep -cE '^RESULT (ok|fail)( |$)' "$out/loader.out" || true)
}

ms() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1000 }'; }
msor() { if [ -n "$1" ]; then ms "$1"; else printf 'n/a'; fi; }	# ms, or n/a when unmeasured
mb() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.1f", a / b; else printf "n/a" }'; }
ips() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f M", n / (t / 1e6) / 1e6 }'; }

kernels=$(./bpf-preflight check --format=json -k all "${files[0]}" 2>/dev/null | grep -c '"kernel"' || true)
rules=$(./bpf-preflight rules | grep -cvE '^ ' || true)
slots=$(slots_of "${files[@]}")
echo "bench: corpus: ${#files[@]} objects, $slots slots; $runs runs each"

measure ./bpf-preflight check "${files[@]}";          c_t=$T_US c_m=$RSS_KB
measure ./bpf-preflight check -j 2 "${files[@]}";     j_t=$T_US j_m=$RSS_KB
measure ./bpf-preflight check -k none "${files[@]}";  n_t=$T_US n_m=$RSS_KB
measure ./bpf-preflight dump "${files[@]}";           d_t=$T_US d_m=$RSS_KB
measure "$objdump" -d "${files[@]}";                  o_t=$T_US o_m=$RSS_KB
# Where check's time goes: the engine's explorations (PF_ENGINE_DEBUG prints one line each).
{ PF_ENGINE_DEBUG=1 ./bpf-preflight check "${files[@]}" 2>&1 >/dev/null || true; } | grep '^engine: ' >"$out/engine.txt" || true
read -r e_runs e_proc e_ok e_settled e_gave e_gave_proc < <(awk '
	{ for (i = 1; i <= NF; i++) if ($i == "processed") p = $(i - 1); n++; s += p }
	/, ok$/ { ok++ } /, settled$/ { st++ } /more than the/ { g++; gp += p }
	END { printf "%d %d %d %d %d %d\n", n, s, ok, st, g, gp }' "$out/engine.txt")
verifier "${files[@]}"
c_vload=$VLOAD_US c_verif=$VERIF_US c_vprogs=$VPROGS
# The same comparison on the objects whose programs reach the verifier.
if $have_loader; then
	mapfile -t vfiles < <(awk '/^PROG / { p = $2 } /^RESULT (ok|fail)( |$)/ { print p }' \
			      "$out/loader.out" | sort -u)
	measure ./bpf-preflight check "${vfiles[@]}"; cv_t=$T_US
fi

# Generated objects.
sizes=(1000 10000 100000 1000000)
printf '# slots check_ms objdump_ms load_ms\n' >"$out/size.dat"
gen_rows=''
for n in "${sizes[@]}"; do
	f=$out/gen-$n.o
	"$gen" -n "$n" -o "$f"
	measure ./bpf-preflight check "$f";  g_t=$T_US g_m=$RSS_KB
	measure "$objdump" -d "$f";          g_o=$T_US
	verifier "$f"
	printf '%s %s %s %s\n' "$n" "$(ms "$g_t")" "$(ms "$g_o")" \
		"$(if [ -n "$VLOAD_US" ]; then ms "$VLOAD_US"; else echo NaN; fi)" >>"$out/size.dat"
	gen_rows+="| $n | $(ms "$g_t") | $(mb "$g_m") | $(ips "$n" "$g_t")/s | $(ms "$g_o") | $(ratio "$g_o" "$g_t")x |"
	gen_rows+=" $(msor "$VLOAD_US") | $(msor "$VERIF_US") (programs: ${VPROGS:-n/a}) | $(ratio "$VLOAD_US" "$g_t")x |"$'\n'
	eval "g${n}_t=$g_t g${n}_m=$g_m"
	echo "bench: generated $n: check $(ms "$g_t") ms, $(mb "$g_m") MB"
done

# The plot: time against size, log-log.
plot=none
if command -v gnuplot >/dev/null; then
	gnuplot <<GP && plot=docs/performance.png
set terminal pngcairo size 800,500 noenhanced
set output 'docs/performance.png'
set title 'Time against object size (generated objects, tools/gen-bpf-elf.c)'
set xlabel 'instructions'
set ylabel 'wall time (ms)'
set logscale xy
set key left top
set grid
plot '$out/size.dat' using 1:2 with linespoints lw 2 title 'bpf-preflight check (all kernels, every rule)', \
     '' using 1:3 with linespoints title 'llvm-objdump -d', \
     '' using 1:4 with linespoints title 'loading through the kernel verifier'
GP
fi

pass() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
	ok = (op == ">=") ? v >= t : v < t; printf "%s", ok ? "**met**" : "**not met**" }'; }
corpus_x=$(ratio "$o_t" "$c_t")
corpus_j=$(ratio "$o_t" "$j_t")
load_x=$(ratio "$c_vload" "$c_t")
same_x=$(ratio "$c_vload" "${cv_t:-}")
verif_x=$(ratio "$c_verif" "${cv_t:-}")
# below 1: say how many times slower, not "0.2 times faster"
verif_cmp="$verif_x times faster than"
if [ -n "${cv_t:-}" ] && [ -n "${c_verif:-}" ] && [ "${cv_t%.*}" -gt "${c_verif%.*}" ] 2>/dev/null; then
	verif_cmp="$(ratio "${cv_t:-}" "$c_verif") times slower than"
fi
per_1k=$(awk -v t="$g1000_t" 'BEGIN { printf "%.2f", t / 1000 }')
per_1m=$(awk -v t="$g1000000_t" 'BEGIN { printf "%.2f", t / 1000000 }')
per_100k=$(awk -v t="$g100000_t" 'BEGIN { printf "%.2f", t / 100000 }')

report=$(cat <<MD
# Performance

Measured by \`make bench\` (tools/bench.sh) on $(date -u +%Y-%m-%d), $(nproc) cores, kernel
$(uname -r); best wall time of $runs runs, peak RSS of the same runs; the kernel verifier
runs once. "check" is the default command: every program on all $kernels kernels, every rule
($rules in the catalogue), text output, one process.

## The corpus

The ${#files[@]} valid objects of \`$corpus\` ($slots instruction slots), all on one command line.

| command | time (ms) | peak RSS (MB) | instructions/s | vs \`$(basename "$objdump") -d\` |
|---|---|---|---|---|
| \`bpf-preflight check\` | $(ms "$c_t") | $(mb "$c_m") | $(ips "$slots" "$c_t") | $(ratio "$o_t" "$c_t")x faster |
| \`bpf-preflight check -j 2\` | $(ms "$j_t") | $(mb "$j_m") | $(ips "$slots" "$j_t") | $(ratio "$o_t" "$j_t")x faster |
| \`bpf-preflight check -k none\` (model only) | $(ms "$n_t") | $(mb "$n_m") | $(ips "$slots" "$n_t") | $(ratio "$o_t" "$n_t")x faster |
| \`bpf-preflight dump\` (model + disassembly) | $(ms "$d_t") | $(mb "$d_m") | $(ips "$slots" "$d_t") | $(ratio "$o_t" "$d_t")x faster |
| \`$(basename "$objdump") -d\` | $(ms "$o_t") | $(mb "$o_m") | $(ips "$slots" "$o_t") | 1x |
| loading every program through the kernel (\`tests/kernel/loader --all\`) | $(msor "$c_vload") | | | |

The kernel: of the corpus' programs, ${c_vprogs:-n/a} reach the verifier (the others are refused
by libbpf first: legacy \`maps\` sections, missing BTF, unknown section names); its own
"verification time" for them sums to $(msor "$c_verif") ms. \`bpf-preflight check\` on just the
objects holding those programs takes $(msor "${cv_t:-}") ms: $same_x times faster than loading
them, $verif_cmp the verification alone (the whole run, start-up and every rule on
every kernel, against the verifier's own timer).

## Generated objects

Straight-line socket filters with stack spills, branches and helper calls, each entry
program calling one subprogram, functions of 4096 slots (\`build/gen-bpf-elf -n N\`); the
kernel accepts every program. Plot: [performance.png](performance.png).

| instructions | check (ms) | peak RSS (MB) | instructions/s | \`$(basename "$objdump") -d\` (ms) | vs objdump | kernel load (ms) | kernel verification (ms) | vs kernel load |
|---|---|---|---|---|---|---|---|---|
$gen_rows
Cost per instruction: $per_1k µs at 1k (start-up dominates), $per_100k µs at 100k,
$per_1m µs at 1M: linear in instructions.

## Targets (issue 7)

| target | measured | |
|---|---|---|
| the corpus, every rule, one process: at least 5x faster than \`llvm-objdump -d\` | ${corpus_x}x (${corpus_j}x with -j 2; the model alone, \`-k none\`: $(ratio "$o_t" "$n_t")x) | $(pass "$corpus_x" ">=" 5) |
| at least 1000x faster than loading the same programs through the verifier | ${same_x}x the loads, ${verif_cmp} the verification alone | $(pass "${same_x/n\/a/0}" ">=" 1000) |
| the 1M-instruction object in under 0.5 s | $(ms "$g1000000_t") ms | $(pass "$g1000000_t" "<" 500000) |
| ... and 200 MB peak | $(mb "$g1000000_m") MB | $(pass "$g1000000_m" "<" 204800) |

Where the corpus' time goes: the model is the \`-k none\` row; the rest is mostly the
engine (one exploration per program and JEQ semantics, the 11 kernels share them):
$e_runs explorations processed $e_proc instructions; $e_ok ran to their end, $e_settled
stopped once every depth was the static bound (nothing left could change one), and
$e_gave gave up at their budget ($e_gave_proc instructions, the static bound stands for
them), nearly all of them cilium programs the kernel itself explores for hundreds of
thousands of instructions. The engine explores as the verifier does (precision tracking,
state pruning), so a faithful answer on such programs costs what the kernel's own
exploration costs; the 5x target stays out of reach without dropping exactness.

The verifier target is far off, and honestly so: the kernel verifies these small programs in
tens of microseconds each, and most of the corpus never reaches it (libbpf refuses the
objects first), so loading is dominated by libbpf and map creation. On the generated
1M-instruction object, where the kernel processes every program, loading takes
$(awk -v a="${VLOAD_US:-0}" 'BEGIN { printf "%.1f", a / 1e6 }') s against $(ms "$g1000000_t") ms for \`check\`.
MD
)
printf '%s\n' "$report" >docs/performance.md
printf '%s\n' "$report"
echo "bench: wrote docs/performance.md and $plot"

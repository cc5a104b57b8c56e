#!/usr/bin/env bash
# make bench: time the tool against llvm-objdump -d over the same files, each
# in one process, best of N runs; writes docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus/ebpf-samples
runs=${BENCH_RUNS:-5}
objdump=$(command -v llvm-objdump-19 || command -v llvm-objdump)
mapfile -t files < <(find "$corpus" -name '*.o' -not -path '*/invalid/*' | sort)
slots=0
for f in "${files[@]}"; do
	for sz in $(readelf -SW "$f" | awk '/ AX / { print $6 }'); do
		slots=$((slots + 16#$sz / 8))
	done
done

best() {	# best wall time in ms of "$@" over $runs runs
	local b=999999999 s e t i
	for ((i = 0; i < runs; i++)); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
		t=$(((e - s) / 1000)); [ $t -lt $b ] && b=$t
	done
	echo "$b"
}
model=$(best ./bpf-preflight check --kernel none "${files[@]}")
verdict1=$(best ./bpf-preflight check --kernel 6.18 "${files[@]}")
verdictall=$(best ./bpf-preflight check --kernel all "${files[@]}")
dump=$(best ./bpf-preflight dump "${files[@]}")
llvm=$(best "$objdump" -d "${files[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
ms() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1000 }'; }
report=$(cat <<MD
# Performance

Measured by \`make bench\` on $(date -u +%Y-%m-%d), $(nproc) cores, best of $runs runs, one
process per command over the ${#files[@]} valid objects of \`$corpus\` ($slots instruction slots).

| command | time (ms) | vs \`$(basename "$objdump") -d\` |
|---|---|---|
| \`bpf-preflight check --kernel none\` (model only) | $(ms "$model") | $(ratio "$llvm" "$model")x faster |
| \`bpf-preflight check --kernel 6.18\` (model + verdicts, one kernel) | $(ms "$verdict1") | $(ratio "$llvm" "$verdict1")x faster |
| \`bpf-preflight check\` (model + verdicts, all $(./bpf-preflight check --kernel all --format=json "${files[0]}" 2>/dev/null | grep -c '"kernel"' ) kernels) | $(ms "$verdictall") | $(ratio "$llvm" "$verdictall")x faster |
| \`bpf-preflight dump\` (model + disassembly) | $(ms "$dump") | $(ratio "$llvm" "$dump")x faster |
| \`$(basename "$objdump") -d\` | $(ms "$llvm") | 1x |

Verdict stage over the model: one kernel +$(awk -v a="$verdict1" -v b="$model" 'BEGIN { printf "%.0f", (a - b) * 100 / b }')%, all kernels +$(awk -v a="$verdictall" -v b="$model" 'BEGIN { printf "%.0f", (a - b) * 100 / b }')%.

Targets: modelling the corpus at least 5x faster than \`llvm-objdump -d\` (issue 2); the
verdict stage adding at most 20% to the model's time (issue 3).
MD
)
mkdir -p docs
printf '%s\n' "$report" > docs/performance.md
printf '%s\n' "$report"

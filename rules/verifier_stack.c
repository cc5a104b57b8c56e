// SPDX-License-Identifier: MIT
/*
 * The verifier-replay rules. Their decisions come from one engine
 * (analyzer/verdict.c), which replays the checks in the kernel's order, so
 * these entries carry the catalogue data only.
 */
#include "rule.h"

const struct pf_rule pf_rule_stack_combined = {
	.id = "stack-combined", .severity = PF_SEV_ERROR,
	.summary = "a call chain over 512 bytes: \"combined stack size of N calls is X. Too large\"",
	.kernels = "all; frames round to 32 (min 1) before 6.9 or without JIT, to 16 with JIT from 6.9",
};

const struct pf_rule pf_rule_stack_tailcall_frames = {
	.id = "stack-tailcall-frames", .severity = PF_SEV_ERROR,
	.summary = "a tail call in a subprogram behind 256 bytes or more of caller frames",
	.kernels = "all with subprogram tail calls (x86-64 5.10+, arm64 6.0+, s390x 6.3+, loongarch 6.4+)",
};

const struct pf_rule pf_rule_call_depth = {
	.id = "call-depth", .severity = PF_SEV_ERROR,
	.summary = "more than eight frames: \"the call stack of N frames is too deep\"",
	.kernels = "all",
};

const struct pf_rule pf_rule_stack_frame = {
	.id = "stack-frame", .severity = PF_SEV_ERROR,
	.summary = "a private-stack subprogram over 512 bytes",
	.kernels = "x86-64 6.13+, arm64 6.17+ (kprobe, tracepoint, perf_event, raw_tp, tracing)",
};

const struct pf_rule pf_rule_tailcall_mixing = {
	.id = "tailcall-mixing", .severity = PF_SEV_ERROR,
	.summary = "tail calls with bpf-to-bpf calls where the JIT or architecture cannot mix them",
	.kernels = "interpreter everywhere; riscv64, ppc64le; arm64 before 6.0, s390x before 6.3, loongarch before 6.4",
};

const struct pf_rule pf_rule_tailcall_btf = {
	.id = "tailcall-btf", .severity = PF_SEV_ERROR,
	.summary = "a tail-calling subprogram without BTF func_info, or not returning a scalar",
	.kernels = "all",
};

const struct pf_rule pf_rule_isa_v4 = {
	.id = "isa-v4", .severity = PF_SEV_ERROR,
	.summary = "cpu v4 instructions (-mcpu=v4) on kernels before 6.6",
	.kernels = "before 6.6",
};

const struct pf_rule pf_rule_cannot_predict = {
	.id = "cannot-predict", .severity = PF_SEV_WARNING,
	.summary = "a construct the tool does not model on a kernel: no verdict, never a guess",
	.kernels = "the kernels named in the finding",
};

// SPDX-License-Identifier: MIT
/*
 * The verifier-replay rules. Their decisions come from one engine
 * (analyzer/verdict.c), which replays the checks in the kernel's order, so
 * these entries carry the catalogue data only.
 */
#include "rule.h"

const struct pf_rule_impl pf_rule_impl_stack_combined = {
	.summary = "a call chain over 512 bytes: \"combined stack size of N calls is X. Too large\"",
	.kernels = "all; frames round to 32 (min 1) before 6.9 or without JIT, to 16 with JIT from 6.9; "
		   "stack depth recorded rounded to 8 from 6.8 and 6.1.192",
	.facts = (const enum pf_fact[]){ PF_FACT_ROUND16_JIT, PF_FACT_DEPTH_ROUND8, PF_FACT_NR },
};

const struct pf_rule_impl pf_rule_impl_stack_tailcall_frames = {
	.summary = "a tail call in a subprogram behind 256 bytes or more of caller frames",
	.kernels = "all with subprogram tail calls (x86-64 5.10+, arm64 6.0+, s390x 6.3+, loongarch 6.4+)",
	.facts = (const enum pf_fact[]){ PF_FACT_SUBPROG_TAILCALL, PF_FACT_NR },
};

const struct pf_rule_impl pf_rule_impl_call_depth = {
	.summary = "more than eight frames (\"the call stack of N frames is too deep\"), "
		   "or recursion where check_cfg() refuses it (\"back-edge from insn T to W\")",
	.kernels = "all; async callbacks are roots of their own from 6.5 and 6.1.170, "
		   "walked from the last subprogram down from 6.13 and 6.12.58; a recursive "
		   "call is a back-edge before 6.7 and 6.6.3, explored after",
	.facts = (const enum pf_fact[]){ PF_FACT_ASYNC_CB_ROOT, PF_FACT_ROOTS_REVERSE, PF_FACT_CFG_CALL_LOOP_OK, PF_FACT_NR },
};

const struct pf_rule_impl pf_rule_impl_stack_frame = {
	.summary = "one frame over 512 bytes: an explored access below r10-512, a helper buffer "
		   "past it or of unbounded size, or a private-stack subprogram over 512",
	.kernels = "all; a helper's access is \"read from\"/\"write to\" from 6.14 (\"indirect "
		   "access to\" before); a variable offset's message adds off= from 6.8, a known "
		   "misaligned offset prints as a number from 6.12; a read below the written "
		   "stack is refused before 6.8 and 6.1.191; private stacks x86-64 6.13+, "
		   "arm64 6.17+ (kprobe, tracepoint, perf_event, raw_tp, tracing)",
	.facts = (const enum pf_fact[]){ PF_FACT_HELPER_ACCESS_TYPED, PF_FACT_VAR_OFF_MSG_OFF,
					 PF_FACT_TNUM_CONST_DECIMAL, PF_FACT_UNINIT_STACK_READ,
					 PF_FACT_PRIV_STACK_KPROBE, PF_FACT_PRIV_STACK_TRACEPOINT, PF_FACT_PRIV_STACK_PERF_EVENT, PF_FACT_PRIV_STACK_RAW_TP, PF_FACT_PRIV_STACK_TRACING, PF_FACT_NR },
};

const struct pf_rule_impl pf_rule_impl_tailcall_mixing = {
	.summary = "tail calls with bpf-to-bpf calls where the JIT or architecture cannot mix them",
	.kernels = "interpreter everywhere; riscv64, ppc64le; arm64 before 6.0, s390x before 6.3, "
		   "loongarch before 6.4 (x86-64 mixes them from 5.10); the message reads "
		   "\"mixing of tail_calls ...\" from 6.15",
	.facts = (const enum pf_fact[]){ PF_FACT_SUBPROG_TAILCALL, PF_FACT_MIXING_MSG_V615, PF_FACT_NR },
};

const struct pf_rule_impl pf_rule_impl_tailcall_btf = {
	.summary = "a tail-calling subprogram without BTF func_info, or not returning a scalar",
	.kernels = "all",
};

const struct pf_rule_impl pf_rule_impl_isa_v4 = {
	.summary = "cpu v4 instructions (-mcpu=v4) on kernels before 6.6",
	.kernels = "before 6.6",
	.facts = (const enum pf_fact[]){ PF_FACT_ISA_V4, PF_FACT_NR },
};

const struct pf_rule_impl pf_rule_impl_cannot_predict = {
	.summary = "a construct the tool does not model on a kernel: no verdict, never a guess",
	.kernels = "the kernels named in the finding",
};

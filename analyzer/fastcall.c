// SPDX-License-Identifier: MIT
/*
 * bpf_fastcall patterns (engine.h, struct pf_fastcall), found as the
 * kernel's mark_fastcall_patterns() finds them before do_check(); which of
 * them a kernel removes is the profile's (facts fastcall and
 * fastcall_helper) and whether the frame is lowered also depends on what
 * the exploration touches (check_fastcall_stack_contract(), engine.c).
 * Source: Debian's linux-source-6.12 (6.12.118), kernel/bpf/verifier.c,
 * mark_fastcall_pattern_for_call() and remove_fastcall_spills_fills().
 */
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/btf.h>

#include "engine.h"
#include "util.h"

#define CALLER_SAVED	0x3fu	/* r0-r5 */

/*
 * Which bpf_get_smp_processor_id() a program type gets (6.12 source):
 * bpf_get_smp_processor_id_proto, the one with .allow_fastcall, from
 * bpf_tracing_func_proto() (kernel/trace/bpf_trace.c) and from the tc, xdp
 * and lwt protos (net/core/filter.c); bpf_get_raw_smp_processor_id_proto,
 * without it, from bpf_base_func_proto() (kernel/bpf/helpers.c) for the
 * rest of networking and cgroups. 1: inlinable, 0: never, -1: not known.
 */
static int smp_id_fastcall(int prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_KPROBE:
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
		return 1;
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_SOCK_OPS:
	case BPF_PROG_TYPE_SK_SKB:
	case BPF_PROG_TYPE_SK_MSG:
	case BPF_PROG_TYPE_SK_REUSEPORT:
	case BPF_PROG_TYPE_SK_LOOKUP:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return 0;
	default:
		return -1;
	}
}

/*
 * helper_fastcall_clobber_mask() / kfunc_fastcall_clobber_mask(): the
 * registers the call clobbers as if it followed the contract; CALLER_SAVED
 * for one that never forms a pattern, 0 when not known.
 */
static uint32_t clobbers(const struct pf_object *obj, const struct pf_program *prog,
			 const struct pf_function *f, const struct pf_insn *call, size_t pc,
			 int *inlinable)
{
	const struct pf_call *c;
	const struct btf_type *t;

	*inlinable = 0;
	/* a kfunc call is "call -1" with a relocation until libbpf resolves it */
	c = pf_function__call_at(f, pc);
	if (c && c->kind == PF_CALL_KFUNC)
		goto kfunc;
	if (call->src == BPF_PSEUDO_CALL)
		return CALLER_SAVED;
	if (call->src == 0) {
		/* the one helper with .allow_fastcall in 6.12: no arguments, a result */
		if (call->imm == BPF_FUNC_get_smp_processor_id) {
			int inl = smp_id_fastcall(prog->prog_type);

			if (inl < 0)
				return 0;
			*inlinable = inl;
			return 1u;
		}
		return 0;	/* the helper table does not hold argument counts */
	}
	if (call->src != BPF_PSEUDO_KFUNC_CALL)
		return CALLER_SAVED;
kfunc:
	t = pf_btf__func_proto(obj->btf, c ? c->sym_name : NULL);
	if (!t)
		return 0;
	/* is_fastcall_kfunc_call() */
	if (!strcmp(c->sym_name, "bpf_cast_to_kern_ctx") || !strcmp(c->sym_name, "bpf_rdonly_cast"))
		*inlinable = 2;
	return (t->type ? 1u : 0u) | (((1u << btf_vlen(t)) - 1) << 1 & CALLER_SAVED);
}

static bool is_spill(const struct pf_insn *i)
{
	return i->code == (BPF_STX | BPF_MEM | BPF_DW) && i->dst == BPF_REG_10;
}

static bool is_fill(const struct pf_insn *i)
{
	return i->code == (BPF_LDX | BPF_MEM | BPF_DW) && i->src == BPF_REG_10;
}

/*
 * mark_fastcall_pattern_for_call(): pairs "*(u64 *)(r10 + off) = rX" before
 * and "rX = *(u64 *)(r10 + off)" after, from @lowest up, one register each.
 * Returns the pairs found; @member marks them when @mask is known.
 */
static int pairs(const struct pf_function *f, const struct pf_insn *insns, const uint8_t *target,
		 size_t call, int16_t lowest, uint32_t mask, uint8_t *member, int16_t *end)
{
	uint32_t expected = ~mask & CALLER_SAVED;
	int16_t off = lowest;
	size_t i;

	for (i = 1; i <= 6; i++, off += 8) {
		const struct pf_insn *stx, *ldx;

		if (call < f->start + i || call + i >= f->end)
			break;
		/* stx/ldx/call must not be jump targets; a jump to the first stx is fine */
		if (target[call - i + 1 - f->start] || target[call + i - f->start])
			break;
		stx = &insns[call - i];
		ldx = &insns[call + i];
		if (!is_spill(stx) || !is_fill(ldx) || stx->src != ldx->dst ||
		    stx->src > BPF_REG_5 || !(expected & (1u << stx->src)) ||
		    stx->off != off || ldx->off != off)
			break;
		expected &= ~(1u << stx->src);
		if (member) {
			member[call - i - f->start] = 1;
			member[call + i - f->start] = 1;
		}
	}
	*end = off;
	return (int)i - 1;
}

void pf_fastcall__scan(const struct pf_object *obj, const struct pf_program *prog,
		       const size_t *base, struct pf_fastcall *fc, uint8_t *member)
{
	size_t s, pc;

	for (s = 0; s < prog->func_cnt; s++) {
		const struct pf_function *f = &obj->funcs[prog->funcs[s]];
		const struct pf_insn *insns = obj->secs[f->sec].insns;
		struct pf_fastcall *r = &fc[s];
		uint8_t *target;
		int16_t lowest = 0, end;

		memset(r, 0, sizeof(*r));
		if (f->end <= f->start || !insns)
			continue;
		target = calloc(f->end - f->start, 1);
		if (!target) {
			r->uncertain = true;
			continue;
		}
		pf_function__jump_targets(obj, f, target);
		/* the lowest offset any 64-bit spill of the subprog uses */
		for (pc = f->start; pc < f->end; pc++)
			if (is_spill(&insns[pc]) && insns[pc].off < lowest)
				lowest = insns[pc].off;
		for (pc = f->start; pc < f->end; pc++) {
			int inl;
			uint32_t mask;

			if (insns[pc].code != (BPF_JMP | BPF_CALL))
				continue;
			mask = clobbers(obj, prog, f, &insns[pc], pc, &inl);
			if (mask == CALLER_SAVED)
				continue;
			if (!mask) {
				/* any register could be one it keeps: a pair at all? */
				if (pairs(f, insns, target, pc, lowest, 0, NULL, &end))
					r->uncertain = true;
				continue;
			}
			if (!pairs(f, insns, target, pc, lowest, mask, member + base[s], &end))
				continue;
			r->pattern = true;
			if (inl == 1)
				r->inl_helper = true;
			else if (inl == 2)
				r->inl_kfunc = true;
			else
				r->other = true;
			if (end < r->off)
				r->off = end;
		}
		free(target);
	}
}

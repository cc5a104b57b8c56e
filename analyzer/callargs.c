// SPDX-License-Identifier: MIT
/*
 * Argument kinds at bpf-to-bpf calls (see callargs.h). The walk is a
 * backward scan, not a dataflow: it follows one register through copies
 * and constant offsets until it meets its definition, a call (which
 * scratches r1-r5), the function's start, or a jump target. That is
 * linear and enough for what compilers emit before a call: arguments are
 * set up in the call's own block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "callargs.h"
#include "model.h"

static bool is_imm64_first(const struct pf_section *sec, size_t i)
{
	return pf_insn__is_ld_imm64(&sec->insns[i]);
}

enum pf_argk pf_callargs__kind(const struct pf_object *obj, const struct pf_function *f,
			       const uint8_t *targets, size_t call, int reg)
{
	const struct pf_section *sec = &obj->secs[f->sec];
	size_t i = call;
	int r = reg;

	while (i > f->start) {
		const struct pf_insn *insn;
		uint8_t cls, op;

		if (targets[i - f->start])
			return PF_ARGK_UNKNOWN;
		i--;
		/* the second half of an ld_imm64 */
		if (i > f->start && is_imm64_first(sec, i - 1))
			i--;
		insn = &sec->insns[i];
		cls = pf_insn__class(insn);
		op = insn->code & 0xf0;
		if (pf_insn__is_call(insn)) {
			if (r >= 1 && r <= 5)
				return PF_ARGK_NOT_INIT;
			if (r == 0)
				return PF_ARGK_UNKNOWN;
			continue;
		}
		if (pf_insn__is_exit(insn))
			return PF_ARGK_UNKNOWN;
		if (cls == BPF_JMP || cls == BPF_JMP32)
			continue;
		if ((cls == BPF_ALU || cls == BPF_ALU64) && insn->dst == r) {
			if (op == BPF_MOV && BPF_SRC(insn->code) == BPF_X && cls == BPF_ALU64 &&
			    !insn->off) {
				if (insn->src == BPF_REG_10)
					return PF_ARGK_PTR;
				r = insn->src;
				continue;
			}
			/* a pointer plus a constant is still that pointer */
			if ((op == BPF_ADD || op == BPF_SUB) && cls == BPF_ALU64 &&
			    BPF_SRC(insn->code) == BPF_K)
				continue;
			return PF_ARGK_SCALAR;
		}
		if (cls == BPF_LDX && insn->dst == r)
			return pf_insn__mem_size(insn) < 4 ? PF_ARGK_SCALAR : PF_ARGK_UNKNOWN;
		if (cls == BPF_LD && insn->dst == r)
			return pf_insn__is_ld_imm64(insn) && !insn->src ? PF_ARGK_SCALAR
									: PF_ARGK_PTR;
		/* atomics with BPF_FETCH write their source register */
		if (cls == BPF_STX && (insn->code & 0xe0) == BPF_ATOMIC && insn->src == r &&
		    (insn->imm & BPF_FETCH))
			return PF_ARGK_UNKNOWN;
	}
	if (targets[0])
		return PF_ARGK_UNKNOWN;	/* a loop back to the start */
	/* entry of a program: r1 is the context, r2-r5 are not initialised */
	if (f->entry)
		return r == 1 ? PF_ARGK_CTX : r >= 2 && r <= 5 ? PF_ARGK_NOT_INIT
							  : PF_ARGK_UNKNOWN;
	return PF_ARGK_UNKNOWN;
}

/* The context struct btf_get_prog_ctx_type() expects, NULL when unknown. */
static const char *ctx_struct(int prog_type)
{
	switch (prog_type) {
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
	case BPF_PROG_TYPE_LWT_SEG6LOCAL:
	case BPF_PROG_TYPE_SK_SKB:
	case BPF_PROG_TYPE_FLOW_DISSECTOR:
		return "__sk_buff";
	case BPF_PROG_TYPE_XDP:
		return "xdp_md";
	case BPF_PROG_TYPE_SOCK_OPS:
		return "bpf_sock_ops";
	case BPF_PROG_TYPE_CGROUP_SOCK:
		return "bpf_sock";
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		return "bpf_sock_addr";
	case BPF_PROG_TYPE_SK_MSG:
		return "sk_msg_md";
	default:
		return NULL;
	}
}

/* Would the verifier accept register kind @k for BTF parameter type @id? */
static bool arg_agrees(const struct btf *btf, uint32_t id, enum pf_argk k, int prog_type)
{
	const struct btf_type *t = pf_btf__skip_mods(btf, id), *ref;
	const char *want;

	if (k == PF_ARGK_UNKNOWN)
		return true;
	if (!t)
		return false;
	if (btf_is_int(t) || btf_is_any_enum(t))
		return k == PF_ARGK_SCALAR;
	if (!btf_is_ptr(t))
		return false;	/* "Unrecognized arg#%d type" */
	if (k == PF_ARGK_NOT_INIT || k == PF_ARGK_SCALAR)
		return false;
	ref = pf_btf__skip_mods(btf, t->type);
	want = ctx_struct(prog_type);
	if (ref && btf_is_composite(ref) && want) {
		const char *name = btf__name_by_offset(btf, ref->name_off);
		bool is_ctx = name && !strcmp(name, want);

		return is_ctx == (k == PF_ARGK_CTX);
	}
	return true;
}

/* The callee's BTF parameters, or -1 when it has none to check. */
static int callee_params(const struct pf_object *obj, int callee,
			const struct btf_param **params)
{
	const struct pf_function *cf = &obj->funcs[callee];
	const struct btf_type *fn, *proto;

	if (!obj->btf || !cf->btf_id)
		return -1;
	fn = btf__type_by_id(obj->btf, cf->btf_id);
	proto = fn && btf_is_func(fn) ? btf__type_by_id(obj->btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto))
		return -1;
	*params = btf_params(proto);
	return btf_vlen(proto);
}

int pf_callargs__mark(const struct pf_object *obj, const int *prog_type, uint8_t *unreliable)
{
	uint8_t *targets = NULL;
	size_t fi, c, cap = 0;
	int a;

	for (fi = 0; fi < obj->func_cnt; fi++) {
		const struct pf_function *f = &obj->funcs[fi];
		bool have = false;

		for (c = 0; c < f->call_cnt; c++) {
			const struct pf_call *call = &f->calls[c];
			const struct btf_param *params;
			int nargs;

			if (call->kind != PF_CALL_SUBPROG || call->target < 0 ||
			    obj->funcs[call->target].global || unreliable[call->target])
				continue;
			nargs = callee_params(obj, call->target, &params);
			if (nargs < 0)
				continue;
			if (nargs > 5) {
				unreliable[call->target] = 1;	/* "Function %s has %d > 5 args" */
				continue;
			}
			if (!have) {
				size_t n = f->end - f->start + 1;

				if (n > cap) {
					uint8_t *t = realloc(targets, n);

					if (!t) {
						free(targets);
						return -ENOMEM;
					}
					targets = t;
					cap = n;
				}
				memset(targets, 0, n);
				pf_function__jump_targets(obj, f, targets);
				have = true;
			}
			for (a = 0; a < nargs; a++) {
				enum pf_argk k = pf_callargs__kind(obj, f, targets, call->insn, a + 1);

				if (!arg_agrees(obj->btf, params[a].type, k, prog_type[call->target])) {
					unreliable[call->target] = 1;
					break;
				}
			}
		}
	}
	free(targets);
	return 0;
}

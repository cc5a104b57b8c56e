// SPDX-License-Identifier: MIT
/*
 * The verifier's stack and call-depth decisions, replayed on the model in
 * the order the kernel meets them (verifier-facts.md §2, §3):
 *   1. check_btf_info(): tail calls in subprograms need BTF func_info;
 *      resolve_pseudo_ldimm64(): LDX modes the kernel does not know;
 *   2. do_check(): the tail-call/bpf-to-bpf mixing gate at each tail call,
 *      and the frame limit when descending into static subprograms and
 *      synchronous callbacks (main first, then each global function);
 *   3. check_max_stack_depth(): the walk over every root with per-frame
 *      rounding, the 512-byte limit, the 256-byte tail-call rule, the
 *      eight-frame limit and private stacks.
 * Kernel differences come from pf_profile__has() only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/btf.h>

#include <inttypes.h>

#include "engine.h"
#include "mapvalue.h"
#include "verdict.h"

#define round_up(x, a)	((((x) + (a) - 1) / (a)) * (a))

/* One program as the kernel sees it: subprograms in index order. */
struct kprog {
	const struct pf_object *obj;
	struct pf_analysis *an;		/* the caches this walk may fill */
	const struct pf_program *prog;
	const struct pf_profile *p;
	struct pf_verdict *v;
	struct pf_sub_ref *subs;	/* by func: sub_of() */
	bool *async_cb;		/* per subprog */
	uint8_t *priv;		/* per subprog: 0 unknown, 1 adaptive, 2 normal */
	const struct pf_engine_result *eng;	/* the exploration, NULL when it gave up */
	int *runs;		/* engine runs in the order this kernel verifies them */
	size_t run_cnt;
	uint32_t *edepth;	/* per subprog: explored depth over those runs */
	size_t *edeep;		/* per subprog: the access that set it */
	bool *eexplored;	/* per subprog: explored by those runs */
	char eng_why[200];	/* why the engine's exploration is not used */
	bool eng_exhausted;	/* ... it ran out of instructions */
	int override_func;	/* what-if: this function's raw depth is ... */
	uint32_t override_depth;	/* ... this instead (explain) */
	size_t steps;		/* call-graph steps replayed (over_budget) */
};

/* The raw depth of @f, or the what-if value explain asks about. */
static uint32_t recorded(uint32_t raw, const struct pf_profile *p, bool *known);

/* The raw depth of subprog @sub: explored by the engine, else the static bound. */
static uint32_t raw_depth(const struct kprog *k, int sub)
{
	const struct pf_function *f = &k->obj->funcs[k->prog->funcs[sub]];

	if (k->override_func >= 0 && k->prog->funcs[sub] == k->override_func)
		return k->override_depth;
	return k->eng ? k->edepth[sub] : f->stack.depth;
}

static size_t deepest_insn(const struct kprog *k, int sub)
{
	return k->eng ? k->edeep[sub] : k->obj->funcs[k->prog->funcs[sub]].stack.deepest_insn;
}

static uint32_t kdepth(const struct kprog *k, int sub, bool *known)
{
	return recorded(raw_depth(k, sub), k->p, known);
}

static int sub_of(const struct kprog *k, int func)
{
	return pf_sub_ref__find(k->subs, k->prog->func_cnt, func);
}

static const struct pf_function *kfunc_of(const struct kprog *k, int sub)
{
	return &k->obj->funcs[k->prog->funcs[sub]];
}

/* grow_stack_state() records the raw depth, rounded to 8 where the kernel does */
static uint32_t recorded(uint32_t raw, const struct pf_profile *p, bool *known)
{
	enum pf_tristate r8 = pf_profile__has(p, PF_FACT_DEPTH_ROUND8);

	if (r8 == PF_UNKNOWN && raw % 8)
		*known = false;
	return r8 == PF_YES ? round_up(raw, 8) : raw;
}

uint32_t pf_verdict__recorded_depth(const struct pf_function *f,
				    const struct pf_profile *p, bool *known)
{
	return recorded(f->stack.depth, p, known);
}

uint32_t pf_verdict__round_frame(uint32_t depth, const struct pf_profile *p)
{
	/* mirrors round_up_stack_depth(), 6.9+; 32 with a minimum of 1 before */
	if (pf_profile__has(p, PF_FACT_ROUND16_JIT) == PF_YES)
		return round_up(depth, 16);
	return round_up(depth ? depth : 1, 32);
}

static void reject(struct kprog *k, enum pf_rule_id rule, int func, size_t insn,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void reject(struct kprog *k, enum pf_rule_id rule, int func, size_t insn,
		   const char *fmt, ...)
{
	struct pf_verdict *v = k->v;
	va_list ap;

	v->result = PF_REJECT;
	v->rule = rule;
	v->func = func;
	v->insn = insn;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
}

static void cannot_predict_v(struct kprog *k, const char *fmt, va_list ap)
{
	struct pf_verdict *v = k->v;
	int n;

	v->result = PF_UNPREDICTABLE;
	v->rule = PF_RULE_NONE;
	n = snprintf(v->message, sizeof(v->message), "cannot predict: ");
	vsnprintf(v->message + n, sizeof(v->message) - n, fmt, ap);
}

static void cannot_predict(struct kprog *k, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cannot_predict(struct kprog *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cannot_predict_v(k, fmt, ap);
	va_end(ap);
}

/* The same, pointing the user at slot @insn of function @func. */
static void cannot_predict_at(struct kprog *k, int func, size_t insn, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cannot_predict_at(struct kprog *k, int func, size_t insn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cannot_predict_v(k, fmt, ap);
	va_end(ap);
	k->v->func = func;
	k->v->insn = insn;
}

static bool decided(const struct kprog *k)
{
	return k->v->result != PF_ACCEPT;
}

/* Edges the kernel treats as calls: pseudo calls and callback addresses. */
static bool is_edge(const struct pf_call *c)
{
	return (c->kind == PF_CALL_SUBPROG || c->kind == PF_CALL_CALLBACK) &&
	       c->target >= 0;
}

/* ---- 1. check_btf_info() ---- */

/* btf_type_is_small_int() or any enum, after modifiers and typedefs */
static bool btf_returns_scalar(const struct pf_object *obj, const struct pf_function *f)
{
	const struct btf_type *t = btf__type_by_id(obj->btf, f->btf_id);

	if (!t)
		return true;
	t = btf__type_by_id(obj->btf, t->type);	/* FUNC -> FUNC_PROTO */
	if (!t)
		return true;
	t = pf_btf__skip_mods(obj->btf, t->type);	/* return type; 0 is void */
	return t && ((btf_is_int(t) && t->size <= 8) || btf_is_any_enum(t));
}

static void check_btf_info(struct kprog *k)
{
	const struct pf_function *main_f = kfunc_of(k, 0);
	size_t i;

	/* libbpf hands func_info to the kernel only when the object has it. */
	if (main_f->has_func_info) {
		/* check_btf_func(): subprogs that tail-call must return a scalar */
		for (i = 1; i < k->prog->func_cnt && !decided(k); i++) {
			const struct pf_function *f = kfunc_of(k, i);

			if (f->has_tail_call && f->btf_id && !btf_returns_scalar(k->obj, f))
				reject(k, PF_RULE_tailcall_btf, k->prog->funcs[i], f->start,
				       "tail_call is only allowed in functions that return 'int'.");
		}
		return;
	}
	for (i = 1; i < k->prog->func_cnt && !decided(k); i++) {
		const struct pf_function *f = kfunc_of(k, i);

		if (f->has_tail_call)
			reject(k, PF_RULE_tailcall_btf, k->prog->funcs[i], f->start,
			       "tail_call is not allowed in subprogs without BTF");
	}
}

/* ---- 2. do_check() ---- */

static void mixing_message(struct kprog *k, int func, size_t insn)
{
	if (pf_profile__has(k->p, PF_FACT_MIXING_MSG_V615) == PF_YES)
		reject(k, PF_RULE_tailcall_mixing, func, insn,
		       "mixing of tail_calls and bpf-to-bpf calls is not supported");
	else
		reject(k, PF_RULE_tailcall_mixing, func, insn,
		       "tail_calls are not allowed in non-JITed programs with bpf-to-bpf calls");
}

/*
 * cpu v4 encodings on a kernel without them: check_alu_op() and friends
 * refuse the reserved fields. Returns the message, NULL when fine, "" for
 * the jumps (may_goto, gotol), which check_insn_scan() meets first.
 */
static const char *isa_v4_message(const struct pf_insn *insn)
{
	uint8_t cls = pf_insn__class(insn), op = BPF_OP(insn->code);

	if (cls == BPF_ALU || cls == BPF_ALU64) {
		if (op == BPF_MOV && insn->off)
			return "BPF_MOV uses reserved fields";
		if ((op == BPF_DIV || op == BPF_MOD) && insn->off)
			return "BPF_ALU uses reserved fields";
		if (op == BPF_END && cls == BPF_ALU64)
			return "BPF_END uses reserved fields";
	}
	if (cls == BPF_JMP32 && op == BPF_JA)
		return "";
	if (cls == BPF_JMP && op == BPF_JCOND)
		return "";
	return NULL;
}

/*
 * Walk the code from @root in the order do_check() meets it: straight
 * through each function, descending into static subprograms and
 * synchronous callbacks at their call (each a frame); global functions
 * and async callbacks are verified on their own.
 */
/*
 * do_check() and check_max_stack_depth() walk every call path, so a
 * hostile call graph (each function calling the next many times) makes
 * the replay exponential. The verifier stops at 1M processed instructions
 * (BPF_COMPLEXITY_LIMIT_INSNS), and each step here is at least one of
 * them: past that many steps, say so instead of walking on (found by
 * tests/t_limits.sh).
 */
#define PF_REPLAY_STEPS	1000000u

static bool over_budget(struct kprog *k)
{
	if (++k->steps <= PF_REPLAY_STEPS)
		return false;
	cannot_predict(k, "more than %u call-graph steps to replay (the verifier stops at %u processed instructions)",
		       PF_REPLAY_STEPS, PF_REPLAY_STEPS);
	return true;
}

static void do_check_from(struct kprog *k, int root)
{
	/* pc: next slot when walking instructions, else next call index */
	struct { int sub; size_t pc; bool insns; } stk[PF_MAX_CALL_FRAMES + 1];
	bool mix_ok = pf_profile__has(k->p, PF_FACT_SUBPROG_TAILCALL) == PF_YES;
	bool v4 = pf_profile__has(k->p, PF_FACT_ISA_V4) == PF_YES;
	size_t depth = 0;

	stk[depth].sub = root;
	stk[depth].insns = !v4 && kfunc_of(k, root)->has_isa_v4;
	stk[depth++].pc = stk[0].insns ? kfunc_of(k, root)->start : 0;
	while (depth && !decided(k)) {
		int fidx = k->prog->funcs[stk[depth - 1].sub];
		const struct pf_function *f = &k->obj->funcs[fidx];
		const struct pf_call *c;
		size_t pc = stk[depth - 1].pc;
		int callee;

		if (over_budget(k))
			return;
		if (stk[depth - 1].insns) {
			const struct pf_insn *insn;
			const char *isa;

			if (pc >= f->end) {
				depth--;
				continue;
			}
			insn = &k->obj->secs[f->sec].insns[pc];
			stk[depth - 1].pc = pc + (pf_insn__is_ld_imm64(insn) ? 2 : 1);
			/* a v4 jump was met first, by check_insn_scan() */
			isa = isa_v4_message(insn);
			if (isa && *isa) {
				reject(k, PF_RULE_isa_v4, fidx, pc, "%s", isa);
				return;
			}
			c = pf_insn__is_call(insn) || pf_insn__is_ld_imm64(insn) ?
			    pf_function__call_at(f, pc) : NULL;
			if (!c)
				continue;
		} else {
			/* No v4 encoding to meet: only the calls matter. */
			if (pc >= f->call_cnt) {
				depth--;
				continue;
			}
			c = &f->calls[stk[depth - 1].pc++];
		}
		if (c->kind == PF_CALL_HELPER && c->helper_id == PF_HELPER_TAIL_CALL &&
		    k->prog->func_cnt > 1 && !mix_ok) {
			mixing_message(k, fidx, c->insn);
			return;
		}
		if (!is_edge(c))
			continue;
		callee = sub_of(k, c->target);
		if (callee < 0 || k->async_cb[callee])
			continue;
		if (c->kind == PF_CALL_SUBPROG && k->obj->funcs[c->target].global)
			continue;
		/* setup_func_entry(): curframe + 1 >= MAX_CALL_FRAMES */
		if (depth >= PF_MAX_CALL_FRAMES) {
			reject(k, PF_RULE_call_depth, fidx, c->insn,
			       "the call stack of %zu frames is too deep", depth + 1);
			return;
		}
		stk[depth].sub = callee;
		stk[depth].insns = !v4 && k->obj->funcs[c->target].has_isa_v4;
		stk[depth].pc = stk[depth].insns ? k->obj->funcs[c->target].start : 0;
		depth++;
	}
}

static bool is_ldx_reserved(const struct pf_insn *insn)
{
	return pf_insn__class(insn) == BPF_LDX && BPF_MODE(insn->code) != BPF_MEM;
}

/* gotol and may_goto: isa_v4_message() does not know what refuses them. */
static bool is_v4_jump(const struct pf_insn *insn)
{
	const char *isa = isa_v4_message(insn);

	return isa && !*isa;
}

/*
 * resolve_pseudo_ldimm64() scans the whole loaded program (subprograms in
 * index order) after check_btf_info() (measured: 6.1 reports a BTF-less
 * tail-calling subprog first), before check_cfg() and do_check(), and
 * refuses, whichever comes first:
 * - LDX with a mode other than BPF_MEM: the sign-extending loads of cpu
 *   v4 on kernels before 6.6 ("BPF_LDX uses reserved fields");
 * - an opcode its instruction table lacks (bpf_opcode_in_insntable():
 *   "unknown opcode %02x"): may_goto (BPF_JCOND, 0xe5) before 6.9,
 *   measured "unknown opcode e5" on 6.1.170 and 6.1.192 (6.6 and 6.8
 *   share the table's code: inferred). gotol (BPF_JMP32 | BPF_JA) before
 *   6.6 is not measured: cannot predict.
 */
static void check_insn_scan(struct kprog *k)
{
	bool v4 = pf_profile__has(k->p, PF_FACT_ISA_V4) == PF_YES;
	enum pf_tristate mg = pf_profile__has(k->p, PF_FACT_MAY_GOTO_STACK);
	size_t i, pc;

	if (v4 && mg == PF_YES)
		return;
	for (i = 0; i < k->prog->func_cnt; i++) {
		const struct pf_function *f = kfunc_of(k, i);
		int func = k->prog->funcs[i];

		for (pc = f->start; f->has_isa_v4 && pc < f->end; pc++) {
			const struct pf_insn *insn = &k->obj->secs[f->sec].insns[pc];
			bool may_goto = pf_insn__class(insn) == BPF_JMP && BPF_OP(insn->code) == BPF_JCOND;

			if (!v4 && is_ldx_reserved(insn)) {
				reject(k, PF_RULE_isa_v4, func, pc, "BPF_LDX uses reserved fields");
				return;
			}
			if (may_goto && mg == PF_NO) {
				reject(k, PF_RULE_isa_v4, func, pc, "unknown opcode %02x", insn->code);
				return;
			}
			if ((may_goto && mg == PF_UNKNOWN) || (!v4 && is_v4_jump(insn))) {
				cannot_predict_at(k, func, pc, "kernel %s: whether its instruction table knows opcode %02x (%s) is not measured",
					       k->p->name, insn->code, may_goto ? "may_goto" : "gotol");
				return;
			}
		}
	}
}

static void do_check(struct kprog *k)
{
	size_t i;

	do_check_from(k, 0);
	/* do_check_subprogs(): global functions, in index order */
	for (i = 1; i < k->prog->func_cnt && !decided(k); i++)
		if (kfunc_of(k, i)->global)
			do_check_from(k, i);
	/* async callbacks start from frame 0 (push_async_cb()) */
	for (i = 1; i < k->prog->func_cnt && !decided(k); i++)
		if (k->async_cb[i])
			do_check_from(k, i);
}

/* ---- 3. check_max_stack_depth() ---- */

static void chain_push(struct kprog *k, int sub, size_t call_insn, uint32_t depth,
		       uint32_t rounded, bool priv)
{
	struct pf_verdict *v = k->v;

	if (v->chain_len >= sizeof(v->chain) / sizeof(v->chain[0]))
		return;
	v->chain[v->chain_len++] = (struct pf_frame){
		.func = k->prog->funcs[sub], .call_insn = call_insn,
		.depth = depth, .rounded = rounded, .priv = priv,
	};
}

/* mirrors check_max_stack_depth_subprog(), 6.1 and 6.13 */
static void walk_root(struct kprog *k, int root, bool priv_ok)
{
	struct { int sub; size_t next; uint32_t counted; } stk[PF_MAX_CALL_FRAMES];
	bool async_fix = pf_profile__has(k->p, PF_FACT_ASYNC_CB_ROOT) == PF_YES;
	uint32_t depth = 0;
	int frame = 0, sub = root;
	size_t next = 0;
	bool known = true;

	for (;;) {
		const struct pf_function *f = kfunc_of(k, sub);
		uint32_t d = kdepth(k, sub, &known);
		uint32_t r = pf_verdict__round_frame(d, k->p);
		bool priv;

		if (sub && f->has_tail_call &&
		    (int32_t)(PF_TAILCALL_STACK_MAX - depth) < k->v->tail_room)
			k->v->tail_room = (int32_t)(PF_TAILCALL_STACK_MAX - depth);
		if (sub && f->has_tail_call && depth >= PF_TAILCALL_STACK_MAX) {
			size_t j;

			for (j = 0; j < f->call_cnt; j++)
				if (f->calls[j].kind == PF_CALL_HELPER &&
				    f->calls[j].helper_id == PF_HELPER_TAIL_CALL)
					break;
			reject(k, PF_RULE_stack_tailcall_frames, k->prog->funcs[sub],
			       j < f->call_cnt ? f->calls[j].insn : f->start,
			       "tail_calls are not allowed when call stack of previous frames is %u bytes. Too large",
			       depth);
			k->v->chain_total = depth;
			return;
		}
		if (priv_ok && !k->priv[sub] && r >= PF_PRIV_STACK_MIN)
			k->priv[sub] = 1;
		if (!priv_ok)
			k->priv[sub] = 2;
		priv = k->priv[sub] == 1;
		chain_push(k, sub, 0, d, priv ? 0 : r, priv);
		if (priv) {
			if (r > PF_MAX_BPF_STACK) {
				reject(k, PF_RULE_stack_frame, k->prog->funcs[sub], deepest_insn(k, sub),
				       "stack size of subprog %d is %u. Too large", sub, r);
				return;
			}
		} else {
			depth += r;
			if (depth > k->v->max_total)
				k->v->max_total = depth;
			if (depth > PF_MAX_BPF_STACK) {
				/* point at the call that overflows, else the deepest access */
				const struct pf_frame *caller = k->v->chain_len > 1 ?
					&k->v->chain[k->v->chain_len - 2] : NULL;

				reject(k, PF_RULE_stack_combined,
				       caller ? caller->func : k->prog->funcs[sub],
				       caller ? caller->call_insn : deepest_insn(k, sub),
				       "combined stack size of %d calls is %u. Too large",
				       frame + 1, depth);
				k->v->chain_total = depth;
				return;
			}
		}
		stk[frame].counted = priv ? 0 : r;
		/* scan this frame's calls from @next */
		for (;;) {
			const struct pf_function *cf = kfunc_of(k, sub);
			int callee = -1;

			while (next < cf->call_cnt) {
				const struct pf_call *c = &cf->calls[next++];

				if (over_budget(k))
					return;
				if (!is_edge(c) || (callee = sub_of(k, c->target)) < 0)
					continue;
				if (k->async_cb[callee]) {
					/* async callbacks count only when called directly */
					if (!async_fix || c->kind != PF_CALL_SUBPROG) {
						callee = -1;
						continue;
					}
				}
				if (k->v->chain_len) {
					k->v->chain[k->v->chain_len - 1].call_insn = c->insn;
					k->v->chain[k->v->chain_len - 1].calls = true;
				}
				break;
			}
			if (callee >= 0) {
				stk[frame].sub = sub;
				stk[frame].next = next;
				frame++;
				if (frame >= PF_MAX_CALL_FRAMES) {
					reject(k, PF_RULE_call_depth, k->prog->funcs[sub],
					       k->v->chain[k->v->chain_len - 1].call_insn,
					       "the call stack of %d frames is too deep !", frame);
					return;
				}
				sub = callee;
				next = 0;
				break;	/* process_func for the callee */
			}
			/* end of this frame: return to the caller */
			if (frame == 0) {
				k->v->chain_len = 0;
				if (!known)
					cannot_predict(k, "kernel %s rounds stack depth to 8 or not (stable backport, not measured)",
						       k->p->name);
				return;
			}
			depth -= stk[frame].counted;
			k->v->chain_len--;
			frame--;
			sub = stk[frame].sub;
			next = stk[frame].next;
		}
	}
}

/* ---- do_check: a map lookup result used while it may be NULL ---- */

static void add_note(struct pf_verdict *v, int func, size_t insn, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add_note(struct pf_verdict *v, int func, size_t insn, const char *fmt, ...)
{
	struct pf_verdict_note *n;
	va_list ap;

	if (v->note_cnt >= PF_VERDICT_MAX_NOTES)
		return;
	n = &v->notes[v->note_cnt++];
	n->func = func;
	n->insn = insn;
	va_start(ap, fmt);
	vsnprintf(n->message, sizeof(n->message), fmt, ap);
	va_end(ap);
}

/*
 * check_mem_access() and adjust_ptr_min_max_vals() refuse a
 * map_value_or_null pointer at its first use. From 6.14 (the fact
 * PF_FACT_NULL_ELIDE_CONST_KEY) a lookup in an ARRAY with a constant key
 * below max_entries is known to be non-NULL. The uses are taken in the
 * program's subprogram order and slot order: the verifier meets them in
 * its exploration order, which agrees for straight-line programs (the
 * engine of issue 14 will order them exactly).
 */
/* The verdict of one NULL use (a lookup's result used before a check). */
static void null_use_verdict(struct kprog *k, int fi, const struct pf_mv_null_use *u)
{
	enum pf_tristate elide = pf_profile__has(k->p, PF_FACT_NULL_ELIDE_CONST_KEY);
	const struct pf_object *obj = k->obj;
	const struct pf_map *m = u->map >= 0 ? &obj->maps[u->map] : NULL;
	const char *mname = m && m->name && m->name[0] ? m->name : "?";
	int lf = u->lookup_func >= 0 ? u->lookup_func : fi;
	bool percpu = obj->secs[obj->funcs[lf].sec].insns[u->lookup_insn].imm ==
		      BPF_FUNC_map_lookup_percpu_elem;
	char since[16], vmsg[120];

	if (!pf_fact__since(PF_FACT_NULL_ELIDE_CONST_KEY, k->p->arch, since, sizeof(since)))
		snprintf(since, sizeof(since), "?");
	if (u->arith)
		snprintf(vmsg, sizeof(vmsg), "R%d pointer arithmetic on map_value_or_null "
			 "prohibited, null-check it first", u->reg);
	else
		snprintf(vmsg, sizeof(vmsg), "R%d invalid mem access 'map_value_or_null'", u->reg);
	if (u->level == PF_MV_NULL_OLD && elide == PF_YES)
		return;	/* known non-NULL on this kernel */
	if (u->level == PF_MV_NULL_OLD && elide == PF_UNKNOWN) {
		cannot_predict(k, "\"%s\" unless kernel %s elides the NULL of a constant-key array lookup (%s and later do)",
			       vmsg, k->p->name, since);
	} else if (u->level == PF_MV_NULL_UNSURE && elide != PF_NO) {
		cannot_predict(k, "\"%s\" unless the verifier knows the key of the lookup in array '%s' is a constant below max_entries %u (%s and later elide the NULL then)",
			       vmsg, mname, m ? m->max_entries : 0, since);
	} else {
		reject(k, PF_RULE_map_value_null, fi, u->insn, "%s", vmsg);
	}
	k->v->func = fi;
	k->v->insn = u->insn;
	if (u->level == PF_MV_MAYBE_NULL && m && u->key >= 0 && u->key >= m->max_entries)
		add_note(k->v, lf, u->lookup_insn,
			 "the constant key %lld is not below max_entries %u of '%s': this lookup always returns NULL",
			 (long long)u->key, m->max_entries, mname);
	else if (u->level == PF_MV_MAYBE_NULL)
		add_note(k->v, lf, u->lookup_insn,
			 "%s(&%s) returns NULL when the key is not in the map, and the value is used before any check on this path",
			 percpu ? "bpf_map_lookup_percpu_elem" : "bpf_map_lookup_elem", mname);
	else if (u->level == PF_MV_NULL_OLD)
		add_note(k->v, lf, u->lookup_insn,
			 "lookup in '%s' (max_entries %u) with the constant key %lld: kernels before %s do not know it is non-NULL",
			 mname, m ? m->max_entries : 0, (long long)u->key, since);
	else
		add_note(k->v, lf, u->lookup_insn, "lookup in '%s' with a key not known here", mname);
	add_note(k->v, -1, 0, "fix: check the pointer before using it: if (!val) return ...;");
}

/*
 * Without the engine: check_mem_access() and adjust_ptr_min_max_vals()
 * refuse a map_value_or_null pointer at its first use, taken here in
 * subprogram and slot order (the static fallback).
 */
static void check_map_null(struct kprog *k)
{
	size_t i, j;

	for (i = 0; i < k->prog->func_cnt && !decided(k); i++) {
		int fi = k->prog->funcs[i];
		const struct pf_mv_report *r = pf_analysis__mapvalue(k->an, fi);

		for (j = 0; r && j < r->null_cnt && !decided(k); j++) {
			struct pf_mv_null_use u = r->nulls[j];

			u.lookup_func = -1;
			null_use_verdict(k, fi, &u);
		}
	}
}

/* The engine met the use in the walk: the key is known as the kernel knows it. */
static void null_event(struct kprog *k, const struct pf_engine_event *ev)
{
	struct pf_mv_null_use u = {
		.insn = ev->insn, .lookup_insn = ev->lookup_insn, .map = ev->map,
		.reg = ev->reg, .arith = ev->arith, .key = ev->key,
		.level = ev->elidable ? PF_MV_NULL_OLD : PF_MV_MAYBE_NULL,
		.lookup_func = ev->lookup_func,
	};

	null_use_verdict(k, ev->func, &u);
}

/* bpf_enable_priv_stack(): which program types get a private stack. */
static enum pf_fact priv_stack_fact(const struct pf_program *prog)
{
	switch (prog->prog_type) {
	case BPF_PROG_TYPE_KPROBE:
		return PF_FACT_PRIV_STACK_KPROBE;
	case BPF_PROG_TYPE_TRACEPOINT:
		return PF_FACT_PRIV_STACK_TRACEPOINT;
	case BPF_PROG_TYPE_PERF_EVENT:
		return PF_FACT_PRIV_STACK_PERF_EVENT;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
		return PF_FACT_PRIV_STACK_RAW_TP;
	case BPF_PROG_TYPE_TRACING:
		return prog->attach_type != BPF_TRACE_ITER ? PF_FACT_PRIV_STACK_TRACING : PF_FACT_NR;
	default:
		return PF_FACT_NR;
	}
}

static bool priv_stack_eligible(const struct kprog *k)
{
	enum pf_fact fact;
	size_t i;

	if (!k->prog->type_known)
		return false;
	fact = priv_stack_fact(k->prog);
	if (fact == PF_FACT_NR || pf_profile__has(k->p, fact) != PF_YES)
		return false;
	for (i = 0; i < k->prog->func_cnt; i++)
		if (kfunc_of(k, i)->has_tail_call)
			return false;
	return true;
}

static void check_max_stack_depth(struct kprog *k)
{
	bool reverse = pf_profile__has(k->p, PF_FACT_ROOTS_REVERSE) == PF_YES;
	bool async_fix = pf_profile__has(k->p, PF_FACT_ASYNC_CB_ROOT) == PF_YES;
	bool priv = priv_stack_eligible(k);
	size_t n = k->prog->func_cnt, i;

	for (i = 0; i < n && !decided(k); i++) {
		size_t sub = reverse ? n - 1 - i : i;

		if (sub && !(async_fix && k->async_cb[sub]))
			continue;
		k->v->chain_len = 0;
		walk_root(k, (int)sub, priv && sub == 0);
	}
}

/* ---- the engine ---- */

static bool engine_order(struct kprog *k);

/* The exploration this kernel's walk follows; NULL (static bounds) when it gave up. */
static void engine_setup(struct kprog *k)
{
	enum pf_tristate jeq = pf_profile__has(k->p, PF_FACT_JEQ_BOUNDS);
	struct pf_engine_sem sem = { .jeq_bounds = jeq == PF_YES };
	const struct pf_engine_result *r = pf_analysis__engine(k->an, k->prog, sem);
	size_t n = k->prog->func_cnt + 1;

	if (!r) {
		snprintf(k->eng_why, sizeof(k->eng_why), "out of memory");
		return;
	}
	if (!r->ok) {
		snprintf(k->eng_why, sizeof(k->eng_why), "%s", r->why);
		k->eng_exhausted = r->exhausted;
		return;
	}
	if (jeq == PF_UNKNOWN && (r->used_jeq_bounds || r->used_jeq_refine)) {
		snprintf(k->eng_why, sizeof(k->eng_why),
			 "kernel %s decides a JEQ/JNE by its bounds or only for constants (not known), and this program has such a branch",
			 k->p->name);
		return;
	}
	k->eng = r;
	k->edepth = calloc(n, sizeof(*k->edepth));
	k->edeep = calloc(n, sizeof(*k->edeep));
	k->eexplored = calloc(n, sizeof(*k->eexplored));
	if (!k->edepth || !k->edeep || !k->eexplored) {
		snprintf(k->eng_why, sizeof(k->eng_why), "out of memory");
		k->eng = NULL;
	} else if (!engine_order(k)) {
		if (!k->eng_why[0])
			snprintf(k->eng_why, sizeof(k->eng_why),
				 "kernel %s verifies global functions lazily or not (not known)",
				 k->p->name);
		k->eng = NULL;
	}
}

/*
 * check_cfg() before 6.7 (and 6.6.3) treats a bpf-to-bpf call as an edge
 * that must not close a loop (push_insn(..., loop_ok = false)): recursion
 * is refused with "back-edge from insn T to W", numbered in the loaded
 * program. The depth-first order is visit_insn()'s: the fall-through
 * first, then the jump or call target.
 */
static void check_cfg_calls(struct kprog *k)
{
	enum pf_tristate ok = pf_profile__has(k->p, PF_FACT_CFG_CALL_LOOP_OK);
	enum pf_tristate refuses = ok == PF_UNKNOWN ? PF_UNKNOWN : ok == PF_YES ? PF_NO : PF_YES;
	size_t n = k->prog->func_cnt, total = 0, i, depth = 0;
	size_t *base, *stk;
	uint8_t *state, *edge;
	bool cyclic = false;

	for (i = 0; i < n; i++)
		for (size_t j = 0; j < kfunc_of(k, i)->call_cnt; j++) {
			const struct pf_call *c = &kfunc_of(k, i)->calls[j];

			if (c->kind == PF_CALL_SUBPROG && c->target >= 0 && sub_of(k, c->target) >= 0 &&
			    sub_of(k, c->target) <= (int)i)
				cyclic = true;	/* a call backwards: maybe a cycle */
		}
	if (!cyclic || refuses == PF_NO)
		return;
	base = calloc(n + 1, sizeof(*base));
	for (i = 0; base && i < n; i++) {
		base[i] = total;
		total += kfunc_of(k, i)->end - kfunc_of(k, i)->start;
	}
	base ? (base[n] = total) : 0;
	stk = calloc(total + 1, sizeof(*stk));
	state = calloc(total + 1, 1);	/* 0 new, 1 on the stack, 2 done */
	edge = calloc(total + 1, 1);	/* edges of the slot tried so far */
	if (!base || !stk || !state || !edge) {
		cannot_predict(k, "out of memory");
		goto out;
	}
	stk[depth++] = 0;
	state[0] = 1;
	while (depth) {
		size_t t = stk[depth - 1], sub = 0, pc, w = SIZE_MAX;
		const struct pf_function *f;
		const struct pf_insn *insn;
		bool call = false;
		int64_t tgt;

		while (sub + 1 < n && base[sub + 1] <= t)
			sub++;
		f = kfunc_of(k, sub);
		pc = f->start + (t - base[sub]);
		insn = &k->obj->secs[f->sec].insns[pc];
		/* edge 0: the fall-through; edge 1: the target */
		for (; edge[t] < 2 && w == SIZE_MAX; edge[t]++) {
			if (edge[t] == 0) {
				if (pf_insn__is_exit(insn) ||
				    (BPF_OP(insn->code) == BPF_JA && pf_insn__is_jump(insn)))
					continue;
				w = t + (pf_insn__is_ld_imm64(insn) ? 2 : 1);
				if (w >= base[sub + 1])
					w = SIZE_MAX;
				continue;
			}
			if (pf_insn__is_jump(insn)) {
				tgt = pf_insn__jump_target(insn, pc);
				if (tgt >= (int64_t)f->start && tgt < (int64_t)f->end)
					w = base[sub] + (size_t)tgt - f->start;
			} else if (pf_insn__is_ld_imm64(insn)) {
				/* a callback's address: an edge that may close a loop */
				const struct pf_call *c = pf_function__call_at(f, pc);
				int cs = c && c->kind == PF_CALL_CALLBACK && c->target >= 0 ?
					 sub_of(k, c->target) : -1;

				if (cs >= 0)
					w = base[cs];
			} else if (pf_insn__is_call(insn) && insn->src == BPF_PSEUDO_CALL) {
				const struct pf_call *c = pf_function__call_at(f, pc);
				int cs = c && c->target >= 0 ? sub_of(k, c->target) : -1;

				if (cs >= 0) {
					w = base[cs];
					call = true;
				}
			}
		}
		if (w == SIZE_MAX) {
			state[t] = 2;
			depth--;
			continue;
		}
		if (state[w] == 1 && call) {
			if (refuses == PF_UNKNOWN) {
				cannot_predict(k, "kernel %s refuses recursion in check_cfg() or not (not known)",
					       k->p->name);
			} else {
				reject(k, PF_RULE_call_depth, k->prog->funcs[sub], pc,
				       "back-edge from insn %zu to %zu", t, w);
			}
			goto out;
		}
		if (state[w])
			continue;
		state[w] = 1;
		stk[depth++] = w;
	}
out:
	free(base);
	free(stk);
	free(state);
	free(edge);
}

/* ---- the "stack depth" statistics line ---- */

static bool explored_may_goto(const struct kprog *k, size_t sub)
{
	const struct pf_function *f = kfunc_of(k, sub);
	size_t i;

	if (!k->eng) {
		/* the static bound: any may_goto in the function */
		for (i = f->start; i < f->end; i++) {
			const struct pf_insn *insn = &k->obj->secs[f->sec].insns[i];

			if (pf_insn__class(insn) == BPF_JMP && BPF_OP(insn->code) == BPF_JCOND)
				return true;
		}
		return false;
	}
	for (i = 0; i < k->run_cnt; i++)
		if (k->eng->runs[k->runs[i]].may_goto[sub])
			return true;
	return false;
}

static bool has_may_goto(const struct kprog *k)
{
	size_t i;

	for (i = 0; i < k->prog->func_cnt; i++)
		if (explored_may_goto(k, i))
			return true;
	return false;
}

static void record_depths(struct kprog *k)
{
	bool inline_loop = pf_profile__has(k->p, PF_FACT_BPF_LOOP_INLINE) == PF_YES;
	enum pf_tristate mg8 = pf_profile__has(k->p, PF_FACT_MAY_GOTO_STACK);
	enum pf_tristate mg16 = pf_profile__has(k->p, PF_FACT_MAY_GOTO_TIMED);
	struct pf_verdict *v = k->v;
	size_t i, j;

	v->depth_known = true;
	for (i = 0; i < k->prog->func_cnt && i < sizeof(v->depths) / sizeof(v->depths[0]); i++) {
		const struct pf_function *f = kfunc_of(k, i);
		uint32_t d = kdepth(k, (int)i, &v->depth_known);

		/* opt_remove_dead_code(): a subprog never explored leaves the line */
		if (k->eng && !k->eexplored[i])
			v->removed[i] = true;
		/* optimize_bpf_loop(): three spill slots after the check */
		for (j = 0; inline_loop && j < f->call_cnt; j++) {
			const struct pf_call *c = &f->calls[j];

			if (c->kind != PF_CALL_CALLBACK || !c->loop_inline)
				continue;
			if (k->eng && (c->consumer_insn < 0 ||
				       !pf_engine__seen(k->eng, k->obj, k->prog, i,
							(size_t)c->consumer_insn)))
				continue;	/* the bpf_loop call is never explored */
			d = round_up(raw_depth(k, (int)i), 8) + 24;
			break;
		}
		/* do_misc_fixups(): may_goto keeps its counter on the stack */
		if (explored_may_goto(k, i)) {
			if (mg8 == PF_UNKNOWN || (mg8 == PF_YES && mg16 == PF_UNKNOWN))
				v->depth_known = false;
			else if (mg8 == PF_YES)
				d = round_up(d, 8) + (mg16 == PF_YES ? 16 : 8);
		}
		v->depths[v->depth_cnt++] = d;
	}
}

/* ---- the engine's exploration, in this kernel's order ---- */

/*
 * remove_fastcall_spills_fills(), after do_check() and before
 * check_max_stack_depth(): a subprog whose bpf_fastcall pairs this kernel
 * drops (all of them, and nothing else explored touched their region)
 * gets the frame above them. False when the kernel's answer is not known.
 */
static bool fastcall_depths(struct kprog *k)
{
	enum pf_tristate fc = pf_profile__has(k->p, PF_FACT_FASTCALL);
	enum pf_tristate helper = pf_profile__has(k->p, PF_FACT_FASTCALL_HELPER);
	size_t j;

	for (j = 0; fc != PF_NO && j < k->eng->sub_cnt; j++) {
		const struct pf_fastcall *f = &k->eng->fc[j];
		bool removes, keeps;

		if (!f->pattern || f->broken || (!f->inl_helper && !f->inl_kfunc))
			continue;
		if (fc == PF_UNKNOWN || f->uncertain || (f->inl_helper && helper == PF_UNKNOWN)) {
			snprintf(k->eng_why, sizeof(k->eng_why),
				 "kernel %s removes the bpf_fastcall spills and fills of %s or not (%s)",
				 k->p->name, kfunc_of(k, (int)j)->name,
				 fc == PF_UNKNOWN ? "not known for this kernel" :
				 f->uncertain ? "a helper call whose clobbered registers the tool does not know" :
				 "whether it inlines bpf_get_smp_processor_id() is not known");
			return false;
		}
		removes = f->inl_kfunc || (f->inl_helper && helper == PF_YES);
		keeps = f->other || (f->inl_helper && helper == PF_NO);
		if (removes && !keeps)
			k->edepth[j] = (uint32_t)-f->off;
	}
	return true;
}

/*
 * The runs this kernel makes: before lazy verification of global
 * functions (6.8), every global first, in index order, then main; from
 * it, main first, then each global a verified run calls, in passes over
 * the index order (do_check_subprogs()'s "again" loop).
 */
static bool engine_order(struct kprog *k)
{
	const struct pf_engine_result *r = k->eng;
	enum pf_tristate lazy = pf_profile__has(k->p, PF_FACT_GLOBAL_LAZY);
	bool grow_any = pf_profile__has(k->p, PF_FACT_DEPTH_ROUND8) == PF_YES;
	size_t i, j, n = 0;
	bool again, exc;

	k->runs = calloc(r->run_cnt + 1, sizeof(*k->runs));
	if (!k->runs)
		return false;
	if (lazy == PF_UNKNOWN && r->run_cnt > 1)
		return false;
	/* without exception callbacks (before 6.7) the callback is an ordinary global */
	exc = pf_profile__has(k->p, PF_FACT_EXCEPTION_CB) == PF_YES;
	if (lazy != PF_YES) {
		for (i = 1; i < r->run_cnt; i++)
			if (!r->runs[i].exception_cb || !exc)
				k->runs[n++] = (int)i;
		k->runs[n++] = 0;
	} else {
		bool *done = calloc(r->run_cnt + 1, 1);

		if (!done)
			return false;
		k->runs[n++] = 0;
		done[0] = true;
		do {
			again = false;
			for (i = 1; i < r->run_cnt; i++) {
				bool called = false;

				if (done[i] || (r->runs[i].exception_cb && exc))
					continue;
				for (j = 0; j < r->run_cnt && !called; j++)
					called = done[j] && r->runs[j].called[r->runs[i].root];
				if (!called)
					continue;
				done[i] = true;
				k->runs[n++] = (int)i;
				again = true;
			}
		} while (again);
		free(done);
	}
	for (i = 1; i < r->run_cnt; i++)
		if (r->runs[i].exception_cb && exc)
			k->runs[n++] = (int)i;
	k->run_cnt = n;
	for (i = 0; i < n; i++) {
		const struct pf_engine_run *run = &r->runs[k->runs[i]];

		for (j = 0; j < r->sub_cnt; j++) {
			if (run->depth[j] > k->edepth[j]) {
				k->edepth[j] = run->depth[j];
				k->edeep[j] = run->deepest_insn[j];
			}
			/* grow_stack_state() for every access, zero-sized too (6b4a64bafd10) */
			if (grow_any && run->zdepth[j] > k->edepth[j]) {
				k->edepth[j] = run->zdepth[j];
				k->edeep[j] = run->zdeepest_insn[j];
			}
			k->eexplored[j] |= run->explored[j];
		}
	}
	return fastcall_depths(k);
}

/* " read from", " write to" or " indirect access to"; NULL (and no verdict) when not known */
static const char *access_text(struct kprog *k, const struct pf_engine_event *ev)
{
	enum pf_tristate typed;

	switch (ev->access) {
	case PF_ACC_READ:
		return " read from";
	case PF_ACC_WRITE:
		return " write to";
	}
	/* check_stack_access_within_bounds(): helpers were untyped before 6.14 */
	typed = pf_profile__has(k->p, PF_FACT_HELPER_ACCESS_TYPED);
	if (typed == PF_YES)
		return ev->access == PF_ACC_HELPER_WRITE ? " write to" : " read from";
	if (typed == PF_NO)
		return " indirect access to";
	cannot_predict_at(k, ev->func, ev->insn, "kernel %s prints a helper's stack access as \"indirect access to\" or as \"read from\"/\"write to\" (not measured)",
		       k->p->name);
	return NULL;
}

static void null_event(struct kprog *k, const struct pf_engine_event *ev);

/* One event of the walk on this kernel: refuses, or lets the walk go on. */
static void engine_event(struct kprog *k, const struct pf_engine_event *ev)
{
	bool v4 = pf_profile__has(k->p, PF_FACT_ISA_V4) == PF_YES;
	const char *isa, *acc;

	switch (ev->kind) {
	case PF_EV_STACK_ZERO_SIZE:
		/* which bounds rule the kernel has for a zero-sized range */
		switch (pf_profile__has(k->p, PF_FACT_ZERO_SIZE_END)) {
		case PF_YES:
			if (!ev->refused_after)
				return;
			break;
		case PF_NO:
			if (!ev->refused_before)
				return;
			break;
		default:
			cannot_predict_at(k, ev->func, ev->insn, "kernel %s checks a zero-sized stack range by its start or by its end (a833a17aeac7 \"bpf: Fix verification of indirect var-off stack access\", not known)",
				       k->p->name);
			return;
		}
		/* refused as any access outside the frame */
		/* fall through */
	case PF_EV_STACK_ACCESS:
		acc = access_text(k, ev);
		if (!acc)
			return;
		if (ev->var_off && pf_profile__has(k->p, PF_FACT_VAR_OFF_MSG_OFF) == PF_NO) {
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "invalid variable-offset%s stack R%u var_off=(0x%" PRIx64 "; 0x%" PRIx64 ") size=%d",
			       acc, ev->reg, ev->tn_value, ev->tn_mask, ev->size);
		} else if (ev->var_off) {
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "invalid variable-offset%s stack R%u var_off=(0x%" PRIx64 "; 0x%" PRIx64 ") off=%d size=%d",
			       acc, ev->reg, ev->tn_value, ev->tn_mask, ev->off, ev->size);
		} else {
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "invalid%s stack R%u off=%d size=%d", acc, ev->reg, ev->off, ev->size);
		}
		return;
	case PF_EV_STACK_UNBOUNDED:
		acc = access_text(k, ev);
		if (!acc)
			return;
		reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
		       "invalid unbounded variable-offset%s stack R%u", acc, ev->reg);
		return;
	case PF_EV_STACK_MISALIGNED: {
		enum pf_tristate dec = pf_profile__has(k->p, PF_FACT_TNUM_CONST_DECIMAL);
		char tn[48];

		if (ev->tn_mask || dec == PF_NO)
			snprintf(tn, sizeof(tn), "(0x%" PRIx64 "; 0x%" PRIx64 ")", ev->tn_value, ev->tn_mask);
		else if (dec == PF_UNKNOWN) {
			cannot_predict_at(k, ev->func, ev->insn, "kernel %s prints a known offset in \"misaligned stack access\" as a number or as a tnum (not known)",
				       k->p->name);
			return;
		} else if (ev->tn_value <= 65535)
			snprintf(tn, sizeof(tn), "%" PRIu64, ev->tn_value);
		else
			snprintf(tn, sizeof(tn), "0x%" PRIx64, ev->tn_value);
		/* the kernel's %#llx prints 0 as 0x0 */
		reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
		       "misaligned stack access off %s+%d+%d size %d", tn, ev->reg_off, ev->off, ev->size);
		return;
	}
	case PF_EV_UNINIT_READ:
		switch (pf_profile__has(k->p, PF_FACT_UNINIT_STACK_READ)) {
		case PF_YES:
			return;
		case PF_NO:
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "invalid read from stack R%u off=%d size=%d", ev->reg, ev->off, ev->size);
			return;
		default:
			cannot_predict_at(k, ev->func, ev->insn, "kernel %s refuses a read of stack the path never wrote, or not (6b4a64bafd10 \"bpf: Fix accesses to uninit stack slots\", not known)",
				       k->p->name);
			return;
		}
	case PF_EV_FP_MATH:
		switch (ev->math) {
		case 0:
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "math between fp pointer and %lld is not allowed", (long long)ev->value);
			break;
		case 1:
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "fp pointer offset %lld is not allowed", (long long)ev->value);
			break;
		case 2:
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "math between fp pointer and register with unbounded min value is not allowed");
			break;
		default:
			reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
			       "value %lld makes fp pointer be out of bounds", (long long)ev->value);
			break;
		}
		return;
	case PF_EV_CALL_DEPTH:
		reject(k, PF_RULE_call_depth, ev->func, ev->insn,
		       "the call stack of %d frames is too deep", ev->frames);
		return;
	case PF_EV_SIZE_NEGATIVE:
		reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
		       "R%u min value is negative, either use unsigned or 'var &= const'", ev->reg);
		return;
	case PF_EV_SIZE_UNBOUNDED:
		reject(k, PF_RULE_stack_frame, ev->func, ev->insn,
		       "R%u unbounded memory access, use 'var &= const' or 'if (var < const)'", ev->reg);
		return;
	case PF_EV_TAIL_CALL:
		if (k->prog->func_cnt > 1 &&
		    pf_profile__has(k->p, PF_FACT_SUBPROG_TAILCALL) != PF_YES)
			mixing_message(k, ev->func, ev->insn);
		return;
	case PF_EV_ISA_V4:
		if (v4)
			return;
		isa = isa_v4_message(&k->obj->secs[k->obj->funcs[ev->func].sec].insns[ev->insn]);
		if (isa && *isa)
			reject(k, PF_RULE_isa_v4, ev->func, ev->insn, "%s", isa);
		return;
	case PF_EV_NULL_USE:
		null_event(k, ev);
		return;
	}
}

static void engine_do_check(struct kprog *k)
{
	size_t i, j;

	for (i = 0; i < k->run_cnt && !decided(k); i++) {
		const struct pf_engine_run *run = &k->eng->runs[k->runs[i]];

		for (j = 0; j < run->ev_cnt && !decided(k); j++)
			engine_event(k, &run->ev[j]);
	}
}

void pf_verdict__program(struct pf_analysis *an, const struct pf_program *prog,
			 const struct pf_profile *p, struct pf_verdict *v)
{
	pf_verdict__what_if(an, prog, p, -1, 0, v);
}

void pf_verdict__what_if(struct pf_analysis *an, const struct pf_program *prog,
			 const struct pf_profile *p, int func, uint32_t depth,
			 struct pf_verdict *v)
{
	const struct pf_object *obj = an->obj;
	struct kprog k = { .obj = obj, .an = an, .prog = prog, .p = p, .v = v,
			   .override_func = func, .override_depth = depth };
	size_t i, j;

	memset(v, 0, sizeof(*v));
	v->result = PF_ACCEPT;
	v->rule = PF_RULE_NONE;
	v->tail_room = PF_TAILCALL_STACK_MAX;
	v->func = prog->func;
	pf_program__sub_refs(prog, &k.subs);
	k.async_cb = calloc(prog->func_cnt + 1, sizeof(*k.async_cb));
	k.priv = calloc(prog->func_cnt + 1, 1);
	if (!k.subs || !k.async_cb || !k.priv) {
		cannot_predict(&k, "out of memory");
		goto out;
	}
	engine_setup(&k);
	/* is_async_cb: the subprog is handed to bpf_timer_set_callback or a wq */
	for (i = 0; i < prog->func_cnt; i++) {
		const struct pf_function *f = kfunc_of(&k, i);

		for (j = 0; j < f->call_cnt; j++)
			if (f->calls[j].kind == PF_CALL_CALLBACK && f->calls[j].async &&
			    sub_of(&k, f->calls[j].target) >= 0)
				k.async_cb[sub_of(&k, f->calls[j].target)] = true;
	}
	record_depths(&k);
	for (i = 0; i < prog->func_cnt; i++) {
		const struct pf_function *f = kfunc_of(&k, i);

		for (j = 0; j < f->call_cnt; j++) {
			const struct pf_call *c = &f->calls[j];

			if ((c->kind == PF_CALL_SUBPROG || c->kind == PF_CALL_CALLBACK) &&
			    c->target < 0) {
				cannot_predict(&k, "%s insn %zu: the call has no valid target; libbpf refuses to relocate it",
					       obj->secs[f->sec].name, c->insn);
				v->func = prog->funcs[i];
				v->insn = c->insn;
				goto out;
			}
			if (c->kind == PF_CALL_EXTERN) {
				cannot_predict_at(&k, prog->funcs[i], c->insn, "call to unresolved extern '%s' (libbpf cannot link it)",
					       c->sym_name);
				goto out;
			}
			if (c->kind == PF_CALL_KFUNC && c->sym_name &&
			    !strcmp(c->sym_name, "bpf_throw")) {
				cannot_predict(&k, "bpf_throw exception callbacks are not modelled");
				goto out;
			}
		}
	}
	check_btf_info(&k);
	if (!decided(&k))
		check_insn_scan(&k);
	if (!decided(&k))
		check_cfg_calls(&k);
	if (k.eng) {
		if (!decided(&k))
			engine_do_check(&k);
	} else {
		if (!decided(&k))
			check_map_null(&k);
		if (!decided(&k))
			do_check(&k);
	}
	if (!decided(&k))
		check_max_stack_depth(&k);
	if (v->result == PF_ACCEPT && k.eng_exhausted && has_may_goto(&k)) {
		cannot_predict_at(&k, k.prog->func, k.obj->funcs[k.prog->func].start, "the exploration did not end within its budget and the program loops with may_goto (can_loop): "
			       "the verifier follows such a loop until its states converge or it has processed 1M instructions "
			       "(\"BPF program is too large\")");
	}
	if (!k.eng && k.eng_why[0] && v->result == PF_REJECT)
		add_note(v, -1, 0, "the stack counted is an upper bound over every path: %s",
			 k.eng_why);
out:
	free(k.subs);
	free(k.async_cb);
	free(k.priv);
	free(k.runs);
	free(k.edepth);
	free(k.edeep);
	free(k.eexplored);
}

// SPDX-License-Identifier: MIT
/*
 * Stack depth per function, with the verifier's semantics (verifier-facts.md
 * §1): grow_stack_state() records the deepest byte of every stack access,
 * whether made by a load, a store, an atomic, or a helper reading or
 * writing a buffer, and charges it to the frame that owns the stack.
 *
 * A forward dataflow over each function tracks which registers and 8-byte
 * stack slots hold frame pointers (r10 + off), pointers received as
 * arguments, constants and maps. States live only at block leaders and a
 * value can only fall from "known" to "unknown", so every function is
 * processed in time linear in its size times a small constant.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "bpf_limits.h"
#include "internal.h"
#include "util.h"
#include "stack.h"

enum val_kind { V_NONE, V_UNK, V_CONST, V_FP, V_ARG, V_MAP };

/* 8 bytes: states are copied and joined at every block edge. */
struct val {
	uint8_t kind;
	uint8_t arg;		/* V_ARG: which argument (0..4) */
	int32_t v;		/* V_CONST value, V_FP/V_ARG offset, V_MAP index */
};

#define NSLOTS	PF_STACK_SLOTS

struct state {
	bool reached;
	struct val r[11];
	struct val slot[NSLOTS];	/* slot k = r10 - 8 * (k + 1) */
};

struct walk {
	size_t *use_cap;
	struct pf_object *obj;
	struct pf_function *f;
	const struct pf_section *sec;
	struct state *leader;	/* per slot of f: NULL unless a leader */
	uint32_t *leader_idx;	/* slot -> 1 + index into states, 0 if none */
	struct state *states;
	size_t *work;		/* worklist of slots */
	size_t work_cnt;
	uint8_t *queued;
};

static struct val unk(void)
{
	return (struct val){ .kind = V_UNK };
}

/* A value of @kind, or unknown when @v does not fit the 32-bit field. */
static struct val mk(uint8_t kind, int64_t v)
{
	if (v < INT32_MIN || v > INT32_MAX)
		return unk();
	return (struct val){ .kind = kind, .v = (int32_t)v };
}

static bool val_eq(const struct val *a, const struct val *b)
{
	return a->kind == b->kind && a->arg == b->arg && a->v == b->v;
}

static void join_val(struct val *into, const struct val *from, bool *changed)
{
	if (into->kind == V_NONE) {
		*into = *from;
		*changed |= from->kind != V_NONE;
	} else if (from->kind != V_NONE && !val_eq(into, from) && into->kind != V_UNK) {
		*into = unk();
		*changed = true;
	}
}

static bool join_state(struct state *into, const struct state *from)
{
	bool changed = !into->reached;
	int i;

	if (!into->reached) {
		*into = *from;
		return true;
	}
	/*
	 * No memcmp() fast path: it compared the padding of struct val, which
	 * is never initialised (valgrind, make memcheck); the joins below
	 * change nothing when the states are equal.
	 */
	for (i = 0; i < 11; i++)
		join_val(&into->r[i], &from->r[i], &changed);
	for (i = 0; i < NSLOTS; i++)
		join_val(&into->slot[i], &from->slot[i], &changed);
	return changed;
}

/* An access of @size bytes at @off from the value @base. */
static void access(struct walk *w, const struct val *base, int64_t off,
		   int64_t size, size_t insn)
{
	struct pf_stack_facts *st = &w->f->stack;
	int64_t o;

	if (size <= 0)
		return;
	if (base->kind == V_FP) {
		int64_t b;

		o = base->v + off;
		/* from -512 at the lowest: o can be -2^31 (a hang found by tests/fuzz) */
		for (b = o < -PF_MAX_BPF_STACK ? -PF_MAX_BPF_STACK : o; b < o + size && b < 0; b++)
			st->touched[(-b - 1) / 8] |= 1u << ((-b - 1) % 8);
		if (o < 0 && (uint64_t)-o > st->depth) {
			/* Deeper than 512 is refused by the verifier; keep the number. */
			st->depth = (uint32_t)(-o > UINT32_MAX ? UINT32_MAX : -o);
			st->deepest_insn = insn;
		}
	} else if (base->kind == V_ARG) {
		o = base->v + off;
		if (!(st->arg_used & (1u << base->arg)) || o < st->arg_min_off[base->arg])
			st->arg_min_off[base->arg] = (int32_t)o;
		st->arg_used |= 1u << base->arg;
	}
}

/* Remember who put bytes on the frame, for `stack --explain`. */
static void record_use(struct walk *w, uint8_t kind, size_t insn, const struct val *base,
		       int64_t off, int64_t size, int helper, int arg, const char *callee)
{
	struct pf_object *obj = w->obj;
	struct pf_stack_use *u;
	int64_t o;

	if (base->kind != V_FP || size <= 0)
		return;
	o = base->v + off;
	if (o >= 0 || o < -4096 || size > 4096)
		return;
	/* Blocks can be walked more than once: the same use comes back. */
	if (obj->stack_use_cnt) {
		u = &obj->stack_uses[obj->stack_use_cnt - 1];
		if (u->insn == insn && u->arg == arg && u->off == o && u->kind == kind &&
		    u->func == (int)(w->f - obj->funcs))
			return;
	}
	if (pf_grow((void **)&obj->stack_uses, w->use_cap, obj->stack_use_cnt + 1,
		    sizeof(*u)))
		return;
	u = &obj->stack_uses[obj->stack_use_cnt++];
	*u = (struct pf_stack_use){
		.func = (int)(w->f - obj->funcs), .insn = insn, .off = (int32_t)o,
		.size = (uint32_t)size, .kind = kind, .arg = (uint8_t)arg,
		.helper = helper, .callee = callee,
	};
}

static struct val *slot_of(struct state *s, const struct val *base, int64_t off)
{
	int64_t o;

	if (base->kind != V_FP)
		return NULL;
	o = base->v + off;
	if (o >= 0 || o < -8 * NSLOTS || o % 8)
		return NULL;
	return &s->slot[-o / 8 - 1];
}

/* A store that is not a whole aligned 8-byte slot forgets what it touches. */
static void clobber_slots(struct state *s, const struct val *base, int64_t off,
			  int64_t size)
{
	int64_t o, k, lo, hi;

	if (base->kind != V_FP)
		return;
	o = base->v + off;
	/*
	 * Only the slots below r10 exist: clamp, since a helper's size
	 * argument can be 2^31 (a hang found by tests/fuzz).
	 */
	lo = o & ~7LL;
	hi = o + size;
	if (lo < -8 * NSLOTS)
		lo = -8 * NSLOTS;
	if (hi > 0)
		hi = 0;
	for (k = lo; k < hi; k += 8)
		s->slot[-k / 8 - 1] = unk();
}

static void step_alu(struct state *s, const struct pf_insn *insn)
{
	struct val *dst = &s->r[insn->dst];
	const struct val *src = &s->r[insn->src];
	bool is64 = pf_insn__class(insn) == BPF_ALU64;
	uint8_t op = BPF_OP(insn->code);
	int64_t k = insn->imm;

	if (op == BPF_MOV && insn->off == 0) {
		if (BPF_SRC(insn->code) == BPF_K)
			*dst = mk(V_CONST, is64 ? k : (int64_t)(uint32_t)insn->imm);
		else if (is64)
			*dst = *src;
		else
			*dst = src->kind == V_CONST ?
			       mk(V_CONST, (uint32_t)src->v) : unk();
		return;
	}
	if (!is64 || (op != BPF_ADD && op != BPF_SUB)) {
		if (dst->kind == V_CONST && BPF_SRC(insn->code) == BPF_K && is64 &&
		    (op == BPF_AND || op == BPF_OR || op == BPF_LSH || op == BPF_RSH)) {
			/* Cheap constant folding keeps helper sizes known. */
			int64_t x = dst->v;

			*dst = mk(V_CONST, op == BPF_AND ? x & k : op == BPF_OR ? x | k :
				  op == BPF_LSH ? (int64_t)((uint64_t)x << (k & 63)) :
				  (int64_t)((uint64_t)x >> (k & 63)));
			return;
		}
		*dst = unk();
		return;
	}
	if (BPF_SRC(insn->code) == BPF_X) {
		if (src->kind != V_CONST) {
			*dst = unk();
			return;
		}
		k = src->v;
	}
	if (dst->kind == V_FP || dst->kind == V_ARG || dst->kind == V_CONST) {
		uint8_t arg = dst->arg;

		*dst = mk(dst->kind, (int64_t)dst->v + (op == BPF_ADD ? k : -k));
		dst->arg = arg;
	} else {
		*dst = unk();
	}
}

static void step_mem(struct walk *w, struct state *s, const struct pf_insn *insn,
		     size_t i)
{
	uint8_t cls = pf_insn__class(insn);
	int64_t size = pf_insn__mem_size(insn);
	struct val base, *slot;

	if (cls == BPF_LDX) {
		base = s->r[insn->src];
		access(w, &base, insn->off, size, i);
		slot = size == 8 && BPF_MODE(insn->code) == BPF_MEM ?
		       slot_of(s, &base, insn->off) : NULL;
		s->r[insn->dst] = slot && slot->kind != V_NONE ? *slot : unk();
		return;
	}
	base = s->r[insn->dst];
	access(w, &base, insn->off, size, i);
	if (cls == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC) {
		clobber_slots(s, &base, insn->off, size);
		if (insn->imm & BPF_FETCH)
			s->r[insn->imm == BPF_CMPXCHG ? 0 : insn->src] = unk();
		return;
	}
	slot = size == 8 ? slot_of(s, &base, insn->off) : NULL;
	if (slot && cls == BPF_STX && insn->src != 10)
		record_use(w, PF_USE_SPILL, i, &base, insn->off, 8, -1, insn->src, NULL);
	if (slot)
		*slot = cls == BPF_STX ? s->r[insn->src] :
			(struct val){ .kind = V_CONST, .v = insn->imm };
	else
		clobber_slots(s, &base, insn->off, size);
}

static void step_helper(struct walk *w, struct state *s, int id, size_t i)
{
	const struct pf_helper_proto *p = pf_helper__proto(id);
	const struct pf_map *map = NULL;
	int a;

	if (!p)
		return;
	for (a = 0; a < 5; a++) {
		const struct val *r = &s->r[a + 1];
		int64_t size = 0;

		switch (p->arg[a]) {
		case PF_ARG_MAP:
			map = r->kind == V_MAP ? &w->obj->maps[r->v] : NULL;
			break;
		case PF_ARG_KEY:
			size = map ? map->key_size : 0;
			break;
		case PF_ARG_VALUE:
			size = map ? map->value_size : 0;
			break;
		case PF_ARG_MEM:
			if (a < 4 && p->arg[a + 1] == PF_ARG_SIZE &&
			    s->r[a + 2].kind == V_CONST)
				size = s->r[a + 2].v;
			else if (r->kind == V_FP || r->kind == V_ARG)
				w->f->stack.inexact = true;
			break;
		default:
			size = pf_arg__fixed_size(p->arg[a]);
			break;
		}
		if ((r->kind == V_FP || r->kind == V_ARG) && size > 0) {
			access(w, r, 0, size, i);
			record_use(w, PF_USE_HELPER_ARG, i, r, 0, size, id, a, NULL);
			clobber_slots(s, r, 0, size);
		}
	}
}

/* A callee dereferencing its argument touches the caller's memory. */
static void step_subprog(struct walk *w, struct state *s, int target, size_t i)
{
	const struct pf_stack_facts *cs = &w->obj->funcs[target].stack;
	int a;

	for (a = 0; a < 5; a++) {
		if (!(cs->arg_used & (1u << a)))
			continue;
		access(w, &s->r[a + 1], cs->arg_min_off[a], 1, i);
		record_use(w, PF_USE_CALLEE, i, &s->r[a + 1], cs->arg_min_off[a], 1, -1, a,
			   w->obj->funcs[target].name);
	}
}

/*
 * Callback-taking helpers pass their ctx argument on to the callback:
 * which helper argument, and which callback argument receives it (1-based).
 */
static void callback_ctx(int helper, int *from, int *to)
{
	*from = *to = 0;
	switch (helper) {
	case BPF_FUNC_loop:
	case BPF_FUNC_user_ringbuf_drain:
		*from = 3, *to = 2;
		break;
	case BPF_FUNC_for_each_map_elem:
		*from = 3, *to = 4;
		break;
	case BPF_FUNC_find_vma:
		*from = 4, *to = 3;
		break;
	}
}

/* What the callback touches through its ctx is the caller's memory. */
static void step_callback_ctx(struct walk *w, struct state *s, int helper, size_t i)
{
	const struct pf_function *f = w->f;
	int from, to;
	size_t c;

	callback_ctx(helper, &from, &to);
	if (!from)
		return;
	for (c = 0; c < f->call_cnt; c++) {
		const struct pf_call *cb = &f->calls[c];
		const struct pf_stack_facts *cs;

		if (cb->kind != PF_CALL_CALLBACK || cb->consumer_insn != (int)i ||
		    cb->target < 0)
			continue;
		cs = &w->obj->funcs[cb->target].stack;
		if (!(cs->arg_used & (1u << (to - 1))))
			continue;
		access(w, &s->r[from], cs->arg_min_off[to - 1], 1, i);
		record_use(w, PF_USE_CALLEE, i, &s->r[from], cs->arg_min_off[to - 1], 1, helper,
			   from - 1, w->obj->funcs[cb->target].name);
	}
}

/*
 * Kfunc memory arguments, as check_kfunc_args() sizes them from BTF: a
 * pointer to a sized type is that many bytes (struct bpf_dynptr: 16), and
 * "void *p, u32 p__sz" pairs take the size from the second argument.
 */
static void step_kfunc(struct walk *w, struct state *s, const char *name, size_t i)
{
	const struct btf *btf = w->obj->btf;
	const struct btf_param *params;
	const struct btf_type *t = pf_btf__func_proto(btf, name);
	int a, n;

	if (!t)
		return;
	params = btf_params(t);
	n = btf_vlen(t) < 5 ? btf_vlen(t) : 5;
	for (a = 0; a < n; a++) {
		const struct val *r = &s->r[a + 1];
		const char *next = a + 1 < n ? btf__name_by_offset(btf, params[a + 1].name_off) : NULL;
		const struct btf_type *pt = pf_btf__skip_mods(btf, params[a].type);
		long long size = 0;

		if (r->kind != V_FP && r->kind != V_ARG)
			continue;
		if (!pt || !btf_is_ptr(pt))
			continue;
		if (next && (pf_str__has_suffix(next, "__sz") || pf_str__has_suffix(next, "__szk"))) {
			if (s->r[a + 2].kind == V_CONST)
				size = s->r[a + 2].v;
			else
				w->f->stack.inexact = true;
		} else if (pt->type) {
			size = btf__resolve_size(btf, pt->type);
		}
		if (size > 0) {
			access(w, r, 0, size, i);
			record_use(w, PF_USE_KFUNC_ARG, i, r, 0, size, -1, a, name);
			clobber_slots(s, r, 0, size);
		}
	}
}

static void step_call(struct walk *w, struct state *s, const struct pf_insn *insn,
		      size_t i)
{
	const struct pf_call *c = pf_function__call_at(w->f, i);
	int r;

	if (c && c->kind == PF_CALL_KFUNC)
		step_kfunc(w, s, c->sym_name, i);

	if (c && c->kind == PF_CALL_SUBPROG && c->target >= 0) {
		step_subprog(w, s, c->target, i);
	} else if (!c || c->kind == PF_CALL_HELPER) {
		step_helper(w, s, insn->imm, i);
		step_callback_ctx(w, s, insn->imm, i);
	}
	for (r = 0; r <= 5; r++)
		s->r[r] = unk();
}

static void flow_to(struct walk *w, size_t target, const struct state *s)
{
	uint32_t li = w->leader_idx[target - w->f->start];

	if (!li)
		return;
	if (join_state(&w->states[li - 1], s) && !w->queued[target - w->f->start]) {
		w->queued[target - w->f->start] = 1;
		w->work[w->work_cnt++] = target;
	}
}

/* Run from the leader @start until control leaves the straight line. */
static void walk_block(struct walk *w, size_t start)
{
	const struct pf_function *f = w->f;
	struct state s = w->states[w->leader_idx[start - f->start] - 1];
	size_t i;

	for (i = start; i < f->end; i++) {
		const struct pf_insn *insn = &w->sec->insns[i];
		uint8_t cls = pf_insn__class(insn);

		if (i != start && w->leader_idx[i - f->start]) {
			flow_to(w, i, &s);
			return;
		}
		if (insn->dst > 10 || insn->src > 10)
			continue;
		if (pf_insn__is_ld_imm64(insn)) {
			const struct pf_reloc *r = pf_section__reloc_at(w->sec, i * PF_INSN_SZ);
			int m = r ? pf_object__map_of_reloc(w->obj, r, insn) : -1;

			s.r[insn->dst] = m >= 0 ? mk(V_MAP, m) : r ? unk() :
					 mk(V_CONST, (int64_t)(((uint64_t)(uint32_t)insn[1].imm << 32) |
							       (uint32_t)insn->imm));
			i++;
			continue;
		}
		if (pf_insn__is_call(insn)) {
			step_call(w, &s, insn, i);
			continue;
		}
		if (pf_insn__is_exit(insn))
			return;
		if (pf_insn__is_jump(insn)) {
			int64_t t = pf_insn__jump_target(insn, i);

			flow_to(w, (size_t)t, &s);
			/* ja/gotol never fall through. */
			if (BPF_OP(insn->code) == BPF_JA)
				return;
			continue;
		}
		if (cls == BPF_ALU || cls == BPF_ALU64)
			step_alu(&s, insn);
		else if (cls == BPF_LDX || cls == BPF_ST || cls == BPF_STX)
			step_mem(w, &s, insn, i);
		else if (cls == BPF_LD)	/* legacy packet loads clobber r0 */
			s.r[0] = unk();
	}
}

static int stack__function(struct pf_object *obj, struct pf_function *f, size_t *use_cap)
{
	struct walk w = { .obj = obj, .f = f, .sec = &obj->secs[f->sec], .use_cap = use_cap };
	size_t len = f->end - f->start, n, a;
	int err = -ENOMEM;

	w.leader_idx = pf_calloc(len, sizeof(*w.leader_idx));
	w.work = pf_calloc(len, sizeof(*w.work));
	w.queued = pf_calloc(len, 1);
	if (!w.leader_idx || !w.work || !w.queued)
		goto out;
	n = pf_function__leaders(obj, f, w.leader_idx);
	w.states = pf_calloc(n, sizeof(*w.states));
	if (!w.states)
		goto out;
	/* Entry: r1-r5 are arguments, r10 the frame pointer. */
	w.states[0].reached = true;
	for (a = 0; a < 11; a++)
		w.states[0].r[a] = unk();
	for (a = 0; a < 5; a++)
		w.states[0].r[a + 1] = (struct val){ .kind = V_ARG, .arg = (uint8_t)a };
	w.states[0].r[10] = (struct val){ .kind = V_FP };
	w.work[w.work_cnt++] = f->start;
	w.queued[0] = 1;
	while (w.work_cnt) {
		size_t at = w.work[--w.work_cnt];

		w.queued[at - f->start] = 0;
		walk_block(&w, at);
	}
	err = 0;
out:
	free(w.leader_idx);
	free(w.work);
	free(w.queued);
	free(w.states);
	return err;
}

/* Callees (and callbacks) first: an iterative DFS post-order. */
static int stack__order(const struct pf_object *obj, int *order)
{
	struct { int func; size_t next; } *stk;
	uint8_t *seen;
	size_t n = 0, depth, i;

	stk = pf_calloc(obj->func_cnt, sizeof(*stk));
	seen = pf_calloc(obj->func_cnt, 1);
	if (!stk || !seen) {
		free(stk);
		free(seen);
		return -ENOMEM;
	}
	for (i = 0; i < obj->func_cnt; i++) {
		if (seen[i])
			continue;
		seen[i] = 1;
		depth = 0;
		stk[depth].func = (int)i;
		stk[depth++].next = 0;
		while (depth) {
			const struct pf_function *f = &obj->funcs[stk[depth - 1].func];
			const struct pf_call *c;

			if (stk[depth - 1].next >= f->call_cnt) {
				order[n++] = stk[--depth].func;
				continue;
			}
			c = &f->calls[stk[depth - 1].next++];
			if ((c->kind != PF_CALL_SUBPROG && c->kind != PF_CALL_CALLBACK) ||
			    c->target < 0 || seen[c->target])
				continue;
			seen[c->target] = 1;
			stk[depth].func = c->target;
			stk[depth++].next = 0;
		}
	}
	free(stk);
	free(seen);
	return 0;
}

static int use_cmp(const void *a, const void *b)
{
	const struct pf_stack_use *x = a, *y = b;

	if (x->func != y->func)
		return x->func < y->func ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

int pf_stack__analyze(struct pf_object *obj, char *err, size_t errlen)
{
	size_t use_cap = 0;
	int *order;
	size_t i;
	int ret;

	order = pf_calloc(obj->func_cnt, sizeof(*order));
	if (!order)
		return -ENOMEM;
	ret = stack__order(obj, order);
	for (i = 0; i < obj->func_cnt && !ret; i++)
		ret = stack__function(obj, &obj->funcs[order[i]], &use_cap);
	if (!ret && obj->stack_use_cnt) {
		size_t n = 1;

		qsort(obj->stack_uses, obj->stack_use_cnt, sizeof(*obj->stack_uses), use_cmp);
		/* a block walked twice records its uses twice */
		for (i = 1; i < obj->stack_use_cnt; i++)
			if (use_cmp(&obj->stack_uses[i], &obj->stack_uses[n - 1]) ||
			    obj->stack_uses[i].kind != obj->stack_uses[n - 1].kind ||
			    obj->stack_uses[i].arg != obj->stack_uses[n - 1].arg)
				obj->stack_uses[n++] = obj->stack_uses[i];
		obj->stack_use_cnt = n;
	}
	if (ret)
		snprintf(err, errlen, "out of memory in stack analysis");
	free(order);
	return ret;
}

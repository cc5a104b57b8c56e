// SPDX-License-Identifier: MIT
/*
 * The engine (engine.h): an abstract interpreter in the shape of the
 * verifier's do_check().
 *
 * Scalars carry a tnum and signed and unsigned 64- and 32-bit bounds,
 * kept in step as reg_bounds_sync() does; conditional jumps ask
 * is_branch_taken() and narrow both sides as reg_set_min_max() does, so a
 * branch on a frozen .rodata constant, a derived constant, a mask or a
 * checked range is followed only where the kernel follows it. The walk
 * goes the kernel's way: the fall-through first, the other side pushed
 * (push_stack()) and popped last-in first-out when a path ends; a
 * synchronous callback is a call at its helper, an async one a path of
 * its own from frame 0 (push_async_cb()); global functions are verified
 * on their own (each a "run"), which the profile orders.
 *
 * States are pruned at jump targets when an earlier state at the same
 * instruction contains the new one (regsafe()/stacksafe() in spirit), so
 * the cost stays near linear in the instructions. Loops are not widened:
 * the kernel unrolls a bounded loop until its exit test decides, and so
 * does the engine; past the kernel's own budget of 1M processed
 * instructions the engine says it cannot follow.
 *
 * Kernel sources named here: kernel/bpf/verifier.c, 6.1 and 6.12
 * (verifier-facts.md cites lines).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/btf.h>

#include "bpf_limits.h"
#include "engine.h"
#include "stack.h"
#include "util.h"

#define ENGINE_INSN_LIMIT	1000000u	/* BPF_COMPLEXITY_LIMIT_INSNS */
#define ENGINE_STATES_PER_INSN	32u	/* kept for pruning at one instruction */
#define ENGINE_STORE_EVERY	8u	/* instructions between a path's copies */
#define ENGINE_HIST_MAX		65536u	/* instructions a precision walk goes back, at most */
#define ENGINE_MAX_VAR_SIZE	(1u << 29)	/* BPF_MAX_VAR_SIZ */
#define ENGINE_MAX_VAR_OFF	(1 << 29)	/* BPF_MAX_VAR_OFF */

/* ---- tnum: tracked numbers, as kernel/bpf/tnum.c defines them ---- */

struct tnum {
	uint64_t v, m;	/* value bits, unknown bits */
};

static struct tnum tn_const(uint64_t v)
{
	return (struct tnum){ v, 0 };
}

static const struct tnum tn_unknown = { 0, UINT64_MAX };

static bool tn_is_const(struct tnum a)
{
	return !a.m;
}

static struct tnum tn_range(uint64_t min, uint64_t max)
{
	uint64_t chi = min ^ max, delta;
	int bits = chi ? 64 - __builtin_clzll(chi) : 0;

	if (bits > 63)
		return tn_unknown;
	delta = (1ULL << bits) - 1;
	return (struct tnum){ min & ~delta, delta };
}

static struct tnum tn_add(struct tnum a, struct tnum b)
{
	uint64_t sm = a.m + b.m, sv = a.v + b.v, sigma = sm + sv;
	uint64_t chi = sigma ^ sv, mu = chi | a.m | b.m;

	return (struct tnum){ sv & ~mu, mu };
}

static struct tnum tn_sub(struct tnum a, struct tnum b)
{
	uint64_t dv = a.v - b.v, alpha = dv + a.m, beta = dv - b.m;
	uint64_t chi = alpha ^ beta, mu = chi | a.m | b.m;

	return (struct tnum){ dv & ~mu, mu };
}

static struct tnum tn_and(struct tnum a, struct tnum b)
{
	uint64_t alpha = a.v | a.m, beta = b.v | b.m, v = a.v & b.v;

	return (struct tnum){ v, alpha & beta & ~v };
}

static struct tnum tn_or(struct tnum a, struct tnum b)
{
	uint64_t v = a.v | b.v, mu = a.m | b.m;

	return (struct tnum){ v, mu & ~v };
}

static struct tnum tn_xor(struct tnum a, struct tnum b)
{
	uint64_t v = a.v ^ b.v, mu = a.m | b.m;

	return (struct tnum){ v & ~mu, mu };
}

static struct tnum tn_intersect(struct tnum a, struct tnum b)
{
	uint64_t v = a.v | b.v, mu = a.m & b.m;

	return (struct tnum){ v & ~mu, mu };
}

/* b is contained in a */
static bool tn_in(struct tnum a, struct tnum b)
{
	if (b.m & ~a.m)
		return false;
	b.v &= ~a.m;
	return a.v == b.v;
}

static bool tn_aligned(struct tnum a, int size)
{
	return !((a.v | a.m) & (uint64_t)(size - 1));
}

static struct tnum tn_cast(struct tnum a, int size)
{
	uint64_t mask = size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;

	return (struct tnum){ a.v & mask, a.m & mask };
}

/* ---- registers, as the verifier types them ---- */

enum rtype {
	R_NOT_INIT,
	R_SCALAR,
	R_FP,		/* PTR_TO_STACK of frame .frame */
	R_CTX,
	R_MAP,		/* CONST_PTR_TO_MAP, .aux = map index or -1 */
	R_MAPVAL,	/* PTR_TO_MAP_VALUE, .aux = map index */
	R_MAPVAL_NULL,	/* ... or NULL, .id names the lookup */
	R_DATA,		/* a global-data map value: .aux = section index */
	R_FUNC,		/* PTR_TO_FUNC: .aux = function index */
	R_PTR,		/* any other pointer (packet, BTF id, map key, mem) */
	R_PTR_NULL,	/* ... or NULL */
};

struct reg {
	uint8_t type;
	uint8_t frame;		/* R_FP: the frame that owns the stack */
	bool elide;		/* R_MAPVAL_NULL: the kernel may know it is not NULL */
	bool precise;		/* scalars of stored states: some path from there needs the value */
	int32_t off;		/* pointers: fixed offset */
	uint32_t id;		/* or-NULL pointers: shared by copies */
	int32_t aux;
	int32_t site;		/* R_MAPVAL_NULL: the lookup's slot */
	int32_t site_func;	/* ... and its function */
	int64_t key;		/* ... and its constant key, -1 if unknown */
	/* scalars: the value; pointers: the variable part of the offset */
	struct tnum var;
	uint64_t umin, umax;
	int64_t smin, smax;
	uint32_t u32min, u32max;
	int32_t s32min, s32max;
};

/* Stack byte types (enum bpf_stack_slot_type). */
enum { S_INVALID, S_MISC, S_ZERO, S_SPILL };

struct slot {
	uint8_t t[8];		/* per byte, byte 0 at the lowest address */
	struct reg spill;	/* valid when a byte is S_SPILL */
};

struct frame {
	int sub;		/* subprog index */
	size_t ret_pc;		/* caller slot to resume at */
	bool callback;		/* a synchronous callback: r0 stays the helper's */
	struct reg r[11];
	size_t nslots;		/* in use: slot k is r10 - 8 * (k + 1) */
	size_t slot_cap;	/* allocated */
	struct slot *slots;
	struct frame *next_free;	/* on the engine's free list */
};

/*
 * One processed instruction of a path since its last stored copy (the
 * kernel's jmp_history, but every instruction): enough to walk the path
 * backwards when a value turns out to matter. The entries form a tree
 * (each points to the one before it), shared by the paths that branched
 * from it, allocated in blocks that live as long as the run.
 */
enum { H_PUSH = 1, H_POP = 2, H_CB = 4 };

struct hist {
	uint32_t prev;		/* the entry before (an index, 0: none) */
	uint32_t pc;
	uint16_t sub;
	uint8_t frame;		/* the frame it ran in */
	uint8_t flags;		/* H_PUSH: a call entered frame + 1; H_POP: an exit left it */
	int8_t spi;		/* the stack slot it loaded or stored, -1 */
	uint8_t sframe;		/* ... of this frame */
};

struct state {
	int cur;		/* curframe */
	size_t pc;		/* next slot (in the current function's section) */
	size_t stored_at;	/* res->processed when this path last left a copy for pruning */
	struct frame *fr[PF_MAX_CALL_FRAMES];
	struct visit *parent;	/* the last stored copy on this path */
	uint32_t hist;		/* the last instruction since (an index, 0: none) */
	size_t hist_cnt;	/* how many */
};

#define HIST_BLOCK_SHIFT	12	/* entries come in blocks of 4096 */

struct visit {
	struct visit *next;
	struct state *st;
	size_t level;		/* e->stack_cnt when stored: its paths are pushed above */
	bool complete;		/* every path from it has ended: its precise marks are final */
	bool exact;		/* compare every value: precision could not be followed */
	uint32_t hit, miss;	/* states it pruned, states it did not */
};

struct pending {
	struct state *st;
};

/* One exploration: from one root (main, or a global function). */
struct eng {
	const struct pf_object *obj;
	const struct pf_program *prog;
	const struct pf_rodata *ro;
	struct pf_engine_result *res;
	struct pf_engine_run *run;
	struct pf_sub_ref *subs;	/* sorted by func */
	struct visit **visited;	/* per loaded slot */
	uint16_t *live;		/* per loaded slot: registers live on entry */
	uint64_t *live_slots;	/* per loaded slot: own stack slots some path reads */
	uint8_t *fc_member;	/* per loaded slot: a spill or fill of a bpf_fastcall pattern */
	uint32_t *vis_cnt;
	struct pending *stack;
	size_t stack_cnt, stack_cap;
	struct visit **open;	/* stored copies not yet complete, by level */
	size_t open_cnt, open_cap;
	struct hist **hblk;	/* the history entries, in blocks (kept for every run) */
	size_t hblk_cnt, hblk_cap;
	uint32_t hnext;		/* the next entry's index (from 1) */
	struct visit *evicted;	/* dropped from visited, still on paths' chains */
	uint32_t next_id;
	size_t budget;		/* instructions to process before giving up */
	bool settle;		/* stop a run once no depth can change (pf_engine__run) */
	uint8_t *unsettled;	/* per subprog: reached from this run's root, not yet at its bound */
	size_t unsettled_cnt;
	size_t settle_after;	/* ... and not before this many instructions */
	struct frame *free_frames;
	bool stop;		/* a refusing event: this run is over */
	bool fail;		/* cannot follow */
	int nomem;
};

/* ---- errors ---- */

static void cannot(struct eng *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void cannot(struct eng *e, const char *fmt, ...)
{
	va_list ap;

	if (e->fail)
		return;
	e->fail = true;
	va_start(ap, fmt);
	vsnprintf(e->res->why, sizeof(e->res->why), fmt, ap);
	va_end(ap);
}

static struct pf_engine_event *event(struct eng *e, enum pf_ev_kind kind,
				     const struct state *st, size_t pc)
{
	struct pf_engine_run *run = e->run;
	struct pf_engine_event *ev;

	if (pf_grow((void **)&run->ev, &run->ev_cap, run->ev_cnt + 1, sizeof(*ev))) {
		e->nomem = -ENOMEM;
		e->stop = true;
		return NULL;
	}
	ev = &run->ev[run->ev_cnt++];
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->func = e->prog->funcs[st->fr[st->cur]->sub];
	ev->insn = pc;
	ev->map = -1;
	ev->lookup_func = -1;
	ev->key = -1;
	switch (kind) {
	case PF_EV_TAIL_CALL:
	case PF_EV_ISA_V4:
		break;	/* the profile decides */
	case PF_EV_NULL_USE:
		break;	/* the caller decides (elision) */
	case PF_EV_UNINIT_READ:
	case PF_EV_STACK_ZERO_SIZE:
		break;	/* the profile decides */
	default:
		e->stop = true;
	}
	return ev;
}

/* ---- scalar bounds ---- */

static void mark_unknown(struct reg *r)
{
	memset(r, 0, sizeof(*r));
	r->type = R_SCALAR;
	r->var = tn_unknown;
	r->umax = UINT64_MAX;
	r->smin = INT64_MIN;
	r->smax = INT64_MAX;
	r->u32max = UINT32_MAX;
	r->s32min = INT32_MIN;
	r->s32max = INT32_MAX;
}

static void mark_const(struct reg *r, uint64_t v)
{
	memset(r, 0, sizeof(*r));
	r->type = R_SCALAR;
	r->var = tn_const(v);
	r->umin = r->umax = v;
	r->smin = r->smax = (int64_t)v;
	r->u32min = r->u32max = (uint32_t)v;
	r->s32min = r->s32max = (int32_t)v;
}

static void mark_not_init(struct reg *r)
{
	memset(r, 0, sizeof(*r));
}

static bool is_const(const struct reg *r)
{
	return r->type == R_SCALAR && tn_is_const(r->var);
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* __update_reg_bounds(), __reg_deduce_bounds(), __reg_bound_offset(), twice */
static void sync_bounds(struct reg *r)
{
	int round;

	for (round = 0; round < 2; round++) {
		struct tnum t = r->var, t32 = tn_cast(r->var, 4);

		r->umin = MAX(r->umin, t.v);
		r->umax = MIN(r->umax, t.v | t.m);
		r->smin = MAX(r->smin, (int64_t)(t.v | (t.m & (1ULL << 63))));
		r->smax = MIN(r->smax, (int64_t)(t.v | (t.m & INT64_MAX)));
		r->u32min = MAX(r->u32min, (uint32_t)t32.v);
		r->u32max = MIN(r->u32max, (uint32_t)(t32.v | t32.m));
		r->s32min = MAX(r->s32min, (int32_t)(uint32_t)(t32.v | (t32.m & 0x80000000u)));
		r->s32max = MIN(r->s32max, (int32_t)(uint32_t)(t32.v | (t32.m & 0x7fffffffu)));

		/* 32 from 64: the upper halves agree, the lower range holds */
		if ((r->umin >> 32) == (r->umax >> 32)) {
			r->u32min = MAX(r->u32min, (uint32_t)r->umin);
			r->u32max = MIN(r->u32max, (uint32_t)r->umax);
			if ((int32_t)(uint32_t)r->umin <= (int32_t)(uint32_t)r->umax) {
				r->s32min = MAX(r->s32min, (int32_t)(uint32_t)r->umin);
				r->s32max = MIN(r->s32max, (int32_t)(uint32_t)r->umax);
			}
		}
		if ((r->smin >> 32) == (r->smax >> 32) &&
		    (int32_t)r->smin <= (int32_t)r->smax) {
			r->s32min = MAX(r->s32min, (int32_t)r->smin);
			r->s32max = MIN(r->s32max, (int32_t)r->smax);
		}
		/* signed and unsigned 32-bit ranges of one sign agree */
		if (r->s32min >= 0 || r->s32max < 0) {
			r->u32min = MAX(r->u32min, (uint32_t)r->s32min);
			r->u32max = MIN(r->u32max, (uint32_t)r->s32max);
		}
		if ((int32_t)r->u32min <= (int32_t)r->u32max) {
			r->s32min = MAX(r->s32min, (int32_t)r->u32min);
			r->s32max = MIN(r->s32max, (int32_t)r->u32max);
		}
		/* 64 from 32: the value fits in 32 bits */
		if (r->umax <= UINT32_MAX) {
			r->umin = MAX(r->umin, r->u32min);
			r->umax = MIN(r->umax, r->u32max);
		}
		/* signed and unsigned 64-bit ranges of one sign agree */
		if (r->smin >= 0 || r->smax < 0) {
			r->umin = MAX(r->umin, (uint64_t)r->smin);
			r->umax = MIN(r->umax, (uint64_t)r->smax);
		}
		if ((int64_t)r->umin <= (int64_t)r->umax) {
			r->smin = MAX(r->smin, (int64_t)r->umin);
			r->smax = MIN(r->smax, (int64_t)r->umax);
		}
		r->var = tn_intersect(r->var, tn_range(r->umin, r->umax));
		{
			struct tnum lo = tn_intersect(tn_cast(r->var, 4),
						      tn_range(r->u32min, r->u32max));

			r->var = (struct tnum){ (r->var.v & ~0xffffffffULL) | lo.v,
						(r->var.m & ~0xffffffffULL) | lo.m };
		}
	}
}

/* The bounds contradict each other: the path cannot happen. */
static bool bounds_empty(const struct reg *r)
{
	return r->umin > r->umax || r->smin > r->smax || r->u32min > r->u32max ||
	       r->s32min > r->s32max || (r->var.v & r->var.m);
}

/* A scalar from a tnum and an unsigned range (bounds follow). */
static void mark_range(struct reg *r, struct tnum t, uint64_t umin, uint64_t umax)
{
	mark_unknown(r);
	r->var = t;
	r->umin = umin;
	r->umax = umax;
	sync_bounds(r);
}

/* Zero-extend a 32-bit result (every ALU32 op and w-register load). */
static void zext32(struct reg *r)
{
	uint32_t lo_min = r->u32min, lo_max = r->u32max;
	struct tnum t = tn_cast(r->var, 4);

	mark_range(r, t, lo_min, lo_max);
}

/* The low 32 bits of @r as a 64-bit scalar of their own. */
static struct reg low32(const struct reg *r)
{
	struct reg o;

	mark_range(&o, tn_cast(r->var, 4), r->u32min, r->u32max);
	return o;
}

static bool add_overflows_u(uint64_t a, uint64_t b)
{
	return a + b < a;
}

static bool add_overflows_s(int64_t a, int64_t b)
{
	int64_t s;

	return __builtin_add_overflow(a, b, &s);
}

static bool sub_overflows_s(int64_t a, int64_t b)
{
	int64_t s;

	return __builtin_sub_overflow(a, b, &s);
}

/*
 * scalar32_min_max_add/sub(): the 32-bit ranges of @d OP @s into @o,
 * unsigned and signed apart (the kernel computes them for 64-bit ALU ops
 * too, which keeps "x + c" sign-extended with "<<= 32; s>>= 32" bounded).
 */
static void bounds32_addsub(struct reg *o, const struct reg *d, const struct reg *s, uint8_t op)
{
	int64_t slo, shi;
	uint64_t ulo, uhi;

	if (op == BPF_ADD) {
		ulo = (uint64_t)d->u32min + s->u32min;
		uhi = (uint64_t)d->u32max + s->u32max;
		slo = (int64_t)d->s32min + s->s32min;
		shi = (int64_t)d->s32max + s->s32max;
	} else {
		ulo = d->u32min >= s->u32max ? (uint64_t)d->u32min - s->u32max : 1ULL << 32;
		uhi = d->u32min >= s->u32max ? (uint64_t)d->u32max - s->u32min : 1ULL << 32;
		slo = (int64_t)d->s32min - s->s32max;
		shi = (int64_t)d->s32max - s->s32min;
	}
	if (uhi <= UINT32_MAX) {
		o->u32min = MAX(o->u32min, (uint32_t)ulo);
		o->u32max = MIN(o->u32max, (uint32_t)uhi);
	}
	if (slo >= INT32_MIN && shi <= INT32_MAX) {
		o->s32min = MAX(o->s32min, (int32_t)slo);
		o->s32max = MIN(o->s32max, (int32_t)shi);
	}
}

/*
 * dst OP src on two constants of @bits (64, or 32 zero-extended), as the
 * interpreter computes them; @off 1 is the signed div/mod of cpu v4.
 */
static bool alu_const(uint8_t op, int16_t off, uint64_t a, uint64_t b, int bits, uint64_t *out)
{
	uint64_t mask = bits == 64 ? UINT64_MAX : UINT32_MAX, v;
	int64_t sa = bits == 64 ? (int64_t)a : (int32_t)a, sb = bits == 64 ? (int64_t)b : (int32_t)b;
	int64_t smin = bits == 64 ? INT64_MIN : INT32_MIN;

	a &= mask;
	b &= mask;
	switch (op) {
	case BPF_ADD: v = a + b; break;
	case BPF_SUB: v = a - b; break;
	case BPF_MUL: v = a * b; break;
	case BPF_DIV:
		if (off == 1)
			v = !sb ? 0 : (sb == -1 && sa == smin) ? (uint64_t)sa : (uint64_t)(sa / sb);
		else
			v = b ? a / b : 0;
		break;
	case BPF_MOD:
		if (off == 1)
			v = !sb ? (uint64_t)sa : sb == -1 ? 0 : (uint64_t)(sa % sb);
		else
			v = b ? a % b : a;
		break;
	case BPF_OR: v = a | b; break;
	case BPF_AND: v = a & b; break;
	case BPF_XOR: v = a ^ b; break;
	case BPF_LSH: v = b < (uint64_t)bits ? a << b : 0; break;
	case BPF_RSH: v = b < (uint64_t)bits ? a >> b : 0; break;
	case BPF_ARSH: v = b < (uint64_t)bits ? (uint64_t)(sa >> b) : 0; break;
	default:
		return false;
	}
	*out = v & mask;
	return true;
}

/* dst = dst OP src on 64-bit scalars. */
static void scalar_alu64(struct reg *d, const struct reg *s, uint8_t op, int16_t off)
{
	struct reg o;

	if (tn_is_const(d->var) && tn_is_const(s->var)) {
		uint64_t v;

		if (alu_const(op, off, d->var.v, s->var.v, 64, &v))
			mark_const(d, v);
		else
			mark_unknown(d);
		return;
	}
	mark_unknown(&o);
	switch (op) {
	case BPF_ADD:
		o.var = tn_add(d->var, s->var);
		if (!add_overflows_u(d->umin, s->umin) && !add_overflows_u(d->umax, s->umax)) {
			o.umin = d->umin + s->umin;
			o.umax = d->umax + s->umax;
		}
		if (!add_overflows_s(d->smin, s->smin) && !add_overflows_s(d->smax, s->smax)) {
			o.smin = d->smin + s->smin;
			o.smax = d->smax + s->smax;
		}
		bounds32_addsub(&o, d, s, BPF_ADD);
		break;
	case BPF_SUB:
		o.var = tn_sub(d->var, s->var);
		if (d->umin >= s->umax) {
			o.umin = d->umin - s->umax;
			o.umax = d->umax - s->umin;
		}
		if (!sub_overflows_s(d->smin, s->smax) && !sub_overflows_s(d->smax, s->smin)) {
			o.smin = d->smin - s->smax;
			o.smax = d->smax - s->smin;
		}
		bounds32_addsub(&o, d, s, BPF_SUB);
		break;
	case BPF_MUL:
		if (d->umax <= UINT32_MAX && s->umax <= UINT32_MAX) {
			o.umin = d->umin * s->umin;
			o.umax = d->umax * s->umax;
		}
		break;
	case BPF_AND:
		o.var = tn_and(d->var, s->var);
		o.umax = MIN(d->umax, s->umax);
		o.u32max = MIN(d->u32max, s->u32max);
		break;
	case BPF_OR:
		o.var = tn_or(d->var, s->var);
		o.umin = MAX(d->umin, s->umin);
		break;
	case BPF_XOR:
		o.var = tn_xor(d->var, s->var);
		break;
	case BPF_MOD:
		if (off == 0 && tn_is_const(s->var) && s->var.v)
			o.umax = MIN(d->umax, s->var.v - 1);
		break;
	case BPF_DIV:
		if (off == 0 && tn_is_const(s->var) && s->var.v)
			o.umax = d->umax / s->var.v;
		break;
	case BPF_LSH:
		if (tn_is_const(s->var) && s->var.v < 64) {
			unsigned k = (unsigned)s->var.v;

			o.var = (struct tnum){ d->var.v << k, d->var.m << k };
			if (!k || !(d->umax >> (64 - k))) {
				o.umin = d->umin << k;
				o.umax = d->umax << k;
			}
			/*
			 * __scalar64_min_max_lsh(): "<<= 32; s>>= 32" is how
			 * compilers sign-extend a subregister; the s32 bounds
			 * carry over without flipping sign.
			 */
			if (k == 32) {
				o.smin = (int64_t)((uint64_t)(int64_t)d->s32min << 32);
				o.smax = (int64_t)((uint64_t)(int64_t)d->s32max << 32);
			}
		}
		break;
	case BPF_RSH:
		if (tn_is_const(s->var) && s->var.v < 64) {
			unsigned k = (unsigned)s->var.v;

			o.var = (struct tnum){ d->var.v >> k, d->var.m >> k };
			o.umin = d->umin >> k;
			o.umax = d->umax >> k;
		}
		break;
	case BPF_ARSH:
		if (tn_is_const(s->var) && s->var.v < 64) {
			unsigned k = (unsigned)s->var.v;

			o.var = (struct tnum){ (uint64_t)((int64_t)d->var.v >> k),
					       (uint64_t)((int64_t)d->var.m >> k) };
			o.smin = d->smin >> k;
			o.smax = d->smax >> k;
		}
		break;
	default:
		break;
	}
	sync_bounds(&o);
	if (bounds_empty(&o))
		mark_unknown(&o);
	*d = o;
}

/* dst = dst OP src on the low 32 bits, zero-extended. */
static void scalar_alu32(struct reg *d, const struct reg *s, uint8_t op, int16_t off)
{
	struct reg a = low32(d), b = low32(s);

	if (tn_is_const(a.var) && tn_is_const(b.var)) {
		uint64_t v;

		if (alu_const(op, off, a.var.v, b.var.v, 32, &v)) {
			mark_const(d, v);
		} else {
			mark_unknown(d);
			zext32(d);
		}
		return;
	}
	if (op == BPF_ADD || op == BPF_SUB) {
		struct reg o;

		mark_unknown(&o);
		o.var = tn_cast(op == BPF_ADD ? tn_add(tn_cast(d->var, 4), tn_cast(s->var, 4)) :
				tn_sub(tn_cast(d->var, 4), tn_cast(s->var, 4)), 4);
		bounds32_addsub(&o, d, s, op);
		o.umin = 0;
		o.umax = UINT32_MAX;
		o.smin = 0;
		o.smax = UINT32_MAX;
		sync_bounds(&o);
		if (bounds_empty(&o))
			mark_range(&o, tn_cast(tn_unknown, 4), 0, UINT32_MAX);
		*d = o;
		return;
	}
	if (op == BPF_ARSH || (op == BPF_LSH && !(tn_is_const(b.var) && b.var.v < 32))) {
		mark_unknown(d);
		zext32(d);
		return;
	}
	scalar_alu64(&a, &b, op, off);
	if (a.umax > UINT32_MAX) {
		/* wrapped: only the tnum's low half survives */
		mark_range(d, tn_cast(a.var, 4), 0, UINT32_MAX);
		return;
	}
	*d = a;
	zext32(d);
}

/* ---- stack slots ---- */

static struct slot *slot_get(struct eng *e, struct frame *f, int spi, bool grow)
{
	if (spi < 0 || spi >= PF_STACK_SLOTS)
		return NULL;
	if ((size_t)spi >= f->nslots) {
		size_t n = (size_t)spi + 1;

		if (!grow)
			return NULL;
		if (n > f->slot_cap) {
			struct slot *s = realloc(f->slots, n * sizeof(*s));

			if (!s) {
				e->nomem = -ENOMEM;
				e->stop = true;
				return NULL;
			}
			f->slots = s;
			f->slot_cap = n;
		}
		memset(f->slots + f->nslots, 0, (n - f->nslots) * sizeof(*f->slots));
		f->nslots = n;
	}
	return &f->slots[spi];
}

/* The byte at r10 + @off (negative) of frame @f: its slot and index. */
static struct slot *byte_at(struct eng *e, struct frame *f, int32_t off, int *bi, bool grow)
{
	int32_t below = -off - 1;	/* 0 for r10-1 */
	int spi = below / 8;

	*bi = 7 - below % 8;
	return slot_get(e, f, spi, grow);
}

static void stack_write(struct eng *e, struct frame *f, int32_t off, int size,
			const struct reg *val, bool known_zero)
{
	int i, bi;
	struct slot *s;

	/* a spill: an aligned store of a whole register's worth */
	if (val && off % 8 == 0 && (size == 8 || (val->type == R_SCALAR && size >= 4))) {
		s = byte_at(e, f, off, &bi, true);
		if (!s)
			return;
		if (val->type == R_SCALAR && is_const(val) && val->var.v == 0) {
			for (i = 0; i < size; i++)
				s->t[i] = S_ZERO;
			for (; i < 8; i++)
				if (s->t[i] == S_SPILL)
					s->t[i] = S_MISC;
			return;
		}
		s->spill = *val;
		if (size < 8 && val->type == R_SCALAR) {
			s->spill.var = tn_cast(val->var, size);
			if (!tn_is_const(val->var) && (size < 8))
				mark_range(&s->spill, s->spill.var, 0,
					   size == 4 ? UINT32_MAX : (1ULL << (size * 8)) - 1);
		}
		for (i = 0; i < 8; i++)
			s->t[i] = i < size ? S_SPILL : (s->t[i] == S_SPILL ? S_MISC : s->t[i]);
		return;
	}
	for (i = 0; i < size; i++) {
		s = byte_at(e, f, off + i, &bi, true);
		if (!s)
			return;
		if (s->t[0] == S_SPILL || s->t[bi] == S_SPILL) {
			int j;

			for (j = 0; j < 8; j++)
				if (s->t[j] == S_SPILL)
					s->t[j] = S_MISC;
		}
		s->t[bi] = known_zero ? S_ZERO : S_MISC;
	}
}

static void stack_read(struct eng *e, struct frame *f, int32_t off, int size, struct reg *out)
{
	struct slot *s;
	int bi, i;
	bool zero = true;

	s = byte_at(e, f, off, &bi, false);
	if (s && off % 8 == 0 && s->t[0] == S_SPILL) {
		int n = 0;

		while (n < 8 && s->t[n] == S_SPILL)
			n++;
		if (n == size) {
			*out = s->spill;
			return;
		}
		if (s->spill.type == R_SCALAR && size < n) {
			/* a narrower fill of a spilled scalar: its low bytes */
			mark_range(out, tn_cast(s->spill.var, size), 0,
				   size == 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1);
			if (tn_is_const(s->spill.var))
				mark_const(out, tn_cast(s->spill.var, size).v);
			return;
		}
	}
	for (i = 0; i < size; i++) {
		s = byte_at(e, f, off + i, &bi, false);
		if (!s || s->t[bi] != S_ZERO)
			zero = false;
	}
	if (zero) {
		mark_const(out, 0);
		return;
	}
	mark_unknown(out);
	if (size < 8)
		mark_range(out, tn_cast(tn_unknown, size), 0, (1ULL << (size * 8)) - 1);
}

/* ---- states ---- */

/*
 * Frames are copied at every branch and pruning point: a free list keeps
 * them, with their slot arrays, for the next copy instead of malloc().
 */
static struct frame *frame_alloc(struct eng *e, size_t nslots)
{
	struct frame *f = e->free_frames;

	if (f) {
		e->free_frames = f->next_free;
	} else {
		f = calloc(1, sizeof(*f));
		if (!f)
			goto nomem;
	}
	if (nslots > f->slot_cap) {
		struct slot *s = realloc(f->slots, nslots * sizeof(*s));

		if (!s) {
			free(f->slots);
			free(f);
			goto nomem;
		}
		f->slots = s;
		f->slot_cap = nslots;
	}
	return f;
nomem:
	e->nomem = -ENOMEM;
	e->stop = true;
	return NULL;
}

static void frame_release(struct eng *e, struct frame *f)
{
	if (!f)
		return;
	f->next_free = e->free_frames;
	e->free_frames = f;
}

static struct frame *frame_dup(struct eng *e, const struct frame *f)
{
	struct frame *n = frame_alloc(e, f->nslots);
	struct slot *slots;
	size_t cap;

	if (!n)
		return NULL;
	slots = n->slots;
	cap = n->slot_cap;
	*n = *f;
	n->slots = slots;
	n->slot_cap = cap;
	n->next_free = NULL;
	if (f->nslots)
		memcpy(n->slots, f->slots, f->nslots * sizeof(*n->slots));
	return n;
}

static void state_free(struct eng *e, struct state *st)
{
	int i;

	if (!st)
		return;
	for (i = 0; i <= st->cur; i++)
		frame_release(e, st->fr[i]);
	free(st);
}

static struct state *state_dup(struct eng *e, const struct state *st)
{
	struct state *n = calloc(1, sizeof(*n));
	int i;

	if (!n) {
		e->nomem = -ENOMEM;
		e->stop = true;
		return NULL;
	}
	n->cur = st->cur;
	n->pc = st->pc;
	n->stored_at = st->stored_at;
	n->parent = st->parent;
	n->hist = st->hist;
	n->hist_cnt = st->hist_cnt;
	for (i = 0; i <= st->cur; i++) {
		n->fr[i] = frame_dup(e, st->fr[i]);
		if (!n->fr[i]) {
			n->cur = i - 1;
			state_free(e, n);
			return NULL;
		}
	}
	return n;
}

static struct frame *frame_new(struct eng *e, int sub, int frameno)
{
	struct frame *f = frame_alloc(e, 0);
	struct slot *slots;
	size_t cap;

	if (!f)
		return NULL;
	slots = f->slots;
	cap = f->slot_cap;
	memset(f, 0, sizeof(*f));
	f->slots = slots;
	f->slot_cap = cap;
	f->sub = sub;
	f->r[BPF_REG_10].type = R_FP;
	f->r[BPF_REG_10].frame = (uint8_t)frameno;
	f->r[BPF_REG_10].var = tn_const(0);
	return f;
}

/* ---- pruning: does @old contain @cur? ---- */

static bool range_within(const struct reg *o, const struct reg *c)
{
	return o->umin <= c->umin && o->umax >= c->umax && o->smin <= c->smin &&
	       o->smax >= c->smax && o->u32min <= c->u32min && o->u32max >= c->u32max &&
	       o->s32min <= c->s32min && o->s32max >= c->s32max && tn_in(o->var, c->var);
}

/*
 * regsafe(): @relaxed when @o's paths have all ended with their precise
 * marks (NOT_EXACT): a scalar no path from there needed may be anything,
 * and a register it never initialised was never read.
 */
static bool reg_safe(const struct reg *o, const struct reg *c, bool relaxed)
{
	if (o->type == R_NOT_INIT)
		return relaxed || c->type == R_NOT_INIT;
	if (o->type != c->type)
		return false;
	if (o->type == R_SCALAR)
		return (relaxed && !o->precise) || range_within(o, c);
	return o->off == c->off && o->aux == c->aux && o->frame == c->frame &&
	       o->elide == c->elide && range_within(o, c);
}

static bool slot_all(const struct slot *s, uint8_t t)
{
	int b;

	for (b = 0; b < 8; b++)
		if (s->t[b] != t)
			return false;
	return true;
}

/* @live: registers the code from here may read (bit r); others do not matter */
static bool frame_safe(const struct frame *o, const struct frame *c, uint16_t live,
		       uint64_t slots, bool relaxed)
{
	size_t i, n = MAX(o->nslots, c->nslots);
	uint64_t want = slots & (n >= 64 ? UINT64_MAX : (1ULL << n) - 1);
	int r, b;

	if (o->sub != c->sub || o->ret_pc != c->ret_pc || o->callback != c->callback)
		return false;
	for (r = 0; r < 11; r++)
		if ((live & (1u << r)) && !reg_safe(&o->r[r], &c->r[r], relaxed))
			return false;
	/* the slots some path from here reads */
	for (; want; want &= want - 1) {
		static const struct slot empty;
		const struct slot *os, *cs;
		bool ospill, cspill;

		i = (size_t)__builtin_ctzll(want);
		os = i < o->nslots ? &o->slots[i] : &empty;
		cs = i < c->nslots ? &c->slots[i] : &empty;
		ospill = os->t[0] == S_SPILL;
		cspill = cs->t[0] == S_SPILL;
		if (!ospill && !cspill && !memcmp(os->t, cs->t, 8))
			continue;

		if (ospill || cspill) {
			/*
			 * stacksafe(): a 64-bit scalar spill and eight misc bytes
			 * both read as a scalar (scalar_reg_for_stack()); misc is
			 * the unknown one.
			 */
			bool oscalar = slot_all(os, S_SPILL) && os->spill.type == R_SCALAR;
			bool cscalar = slot_all(cs, S_SPILL) && cs->spill.type == R_SCALAR;

			if (slot_all(os, S_MISC) && cscalar)
				continue;
			if (oscalar && slot_all(cs, S_MISC)) {
				struct reg unknown;

				mark_unknown(&unknown);
				if (!reg_safe(&os->spill, &unknown, relaxed))
					return false;
				continue;
			}
			if (ospill != cspill || memcmp(os->t, cs->t, 8) ||
			    !reg_safe(&os->spill, &cs->spill, relaxed))
				return false;
			continue;
		}
		for (b = 0; b < 8; b++) {
			if (os->t[b] == cs->t[b] || os->t[b] == S_INVALID)
				continue;
			if (os->t[b] == S_MISC && cs->t[b] == S_ZERO)
				continue;
			return false;
		}
	}
	return true;
}

static bool state_safe(const struct state *o, const struct state *c, uint16_t live,
		       uint64_t slots, bool relaxed)
{
	int i;

	if (o->cur != c->cur || !frame_safe(o->fr[o->cur], c->fr[c->cur], live, slots, relaxed))
		return false;
	for (i = 0; i < o->cur; i++)
		if (!frame_safe(o->fr[i], c->fr[i], 0x7ff, UINT64_MAX, relaxed))
			return false;
	return true;
}

/* ---- where things are ---- */

/* Register fields inside r0..r10 (a hostile object may hold anything there). */
static bool regs_ok(const struct pf_insn *insn)
{
	return insn->dst <= BPF_REG_10 && insn->src <= BPF_REG_10;
}

static int sub_of(const struct eng *e, int func)
{
	return pf_sub_ref__find(e->subs, e->prog->func_cnt, func);
}

static const struct pf_function *func_of(const struct eng *e, int sub)
{
	return &e->obj->funcs[e->prog->funcs[sub]];
}

static size_t loaded_idx(const struct eng *e, int sub, size_t pc)
{
	return e->res->base[sub] + (pc - func_of(e, sub)->start);
}

/* ---- stack accesses ---- */

/* @sub was explored or went deeper: is it at its static bound now? */
static void settle_check(struct eng *e, int sub)
{
	const struct pf_function *f;

	if (!e->settle || !e->unsettled || !e->unsettled[sub] || !e->run->explored[sub])
		return;
	f = func_of(e, sub);
	if (e->run->depth[sub] < f->stack.depth)
		return;
	e->unsettled[sub] = 0;
	e->unsettled_cnt--;
}

/* The event of a stack access at @reg + @off of @size bytes, as the kernel prints it. */
static struct pf_engine_event *stack_event(struct eng *e, enum pf_ev_kind kind, struct state *st,
					   size_t pc, int regno, const struct reg *reg, int32_t off,
					   int32_t size, enum pf_ev_access acc)
{
	struct pf_engine_event *ev = event(e, kind, st, pc);

	if (ev) {
		ev->access = (uint8_t)acc;
		ev->reg = (uint8_t)regno;
		ev->var_off = !tn_is_const(reg->var);
		ev->off = reg->off + off;
		ev->size = size;
		ev->tn_value = reg->var.v;
		ev->tn_mask = reg->var.m;
	}
	return ev;
}

/*
 * check_stack_access_within_bounds() and grow_stack_state(): an access
 * of @size bytes at @reg + @off. Returns false when refused.
 */
static bool stack_access(struct eng *e, struct state *st, size_t pc, int regno,
			 const struct reg *reg, int32_t off, int32_t size,
			 enum pf_ev_access acc)
{
	int64_t min_off, max_off;
	struct frame *owner = st->fr[reg->frame];
	struct pf_engine_run *run = e->run;
	bool var = !tn_is_const(reg->var);
	int sub = owner->sub;

	/* check_ptr_alignment(): stack accesses are always strictly aligned */
	if ((acc == PF_ACC_READ || acc == PF_ACC_WRITE) && size > 1 &&
	    !tn_aligned(tn_add(reg->var, tn_const((uint64_t)((int64_t)reg->off + off))), size)) {
		struct pf_engine_event *ev = event(e, PF_EV_STACK_MISALIGNED, st, pc);

		if (ev) {
			ev->reg = (uint8_t)regno;
			ev->reg_off = reg->off;
			ev->off = off;
			ev->size = size;
			ev->tn_value = reg->var.v;
			ev->tn_mask = reg->var.m;
		}
		return false;
	}
	if (var && (reg->smax >= ENGINE_MAX_VAR_OFF || reg->smin <= -ENGINE_MAX_VAR_OFF)) {
		struct pf_engine_event *ev = event(e, PF_EV_STACK_UNBOUNDED, st, pc);

		if (ev) {
			ev->access = (uint8_t)acc;
			ev->reg = (uint8_t)regno;
		}
		return false;
	}
	if (var) {
		min_off = reg->smin + (int64_t)reg->off + off;
		max_off = reg->smax + (int64_t)reg->off + off + size;
	} else {
		min_off = (int64_t)reg->var.v + reg->off + off;
		if (reg->var.v & (1ULL << 63))
			min_off = (int64_t)reg->var.v + reg->off + off;
		max_off = min_off + size;
	}
	if (min_off < -PF_MAX_BPF_STACK || max_off > 0 || size < 0) {
		stack_event(e, PF_EV_STACK_ACCESS, st, pc, regno, reg, off, size, acc);
		return false;
	}
	/*
	 * check_stack_slot_within_bounds() before 6b4a64bafd10 (6.8, 6.1.191):
	 * a read may not go below the stack the path has written.
	 */
	if (acc == PF_ACC_READ && !var && -min_off > (int64_t)(owner->nslots * 8)) {
		struct pf_engine_event *ev = event(e, PF_EV_UNINIT_READ, st, pc);

		if (ev) {
			ev->reg = (uint8_t)regno;
			ev->off = reg->off + off;
			ev->size = size;
		}
	}
	/* check_fastcall_stack_contract(): the region is the patterns' alone */
	{
		struct pf_fastcall *fc = &e->res->fc[sub];

		if (fc->pattern && min_off < fc->off &&
		    !e->fc_member[loaded_idx(e, st->fr[st->cur]->sub, pc)])
			fc->broken = true;
	}
	if (size && -min_off > (int64_t)run->depth[sub]) {
		run->depth[sub] = (uint32_t)-min_off;
		run->deepest_insn[sub] = pc;
		settle_check(e, sub);
	}
	return true;
}

/* ---- the walk ---- */

static bool push_state(struct eng *e, struct state *st)
{
	if (pf_grow((void **)&e->stack, &e->stack_cap, e->stack_cnt + 1, sizeof(*e->stack))) {
		e->nomem = -ENOMEM;
		e->stop = true;
		state_free(e, st);
		return false;
	}
	e->stack[e->stack_cnt++].st = st;
	return true;
}

static void clear_caller_saved(struct frame *f)
{
	int i;

	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		mark_not_init(&f->r[i]);
}

/* mark_ptr_or_null_regs(): every copy of the pointer @id becomes @nonnull or 0 */
static void mark_null(struct state *st, uint32_t id, bool nonnull)
{
	int i, r;
	size_t s;

	for (i = 0; i <= st->cur; i++) {
		struct frame *f = st->fr[i];

		for (r = 0; r < 11; r++) {
			struct reg *x = &f->r[r];

			if ((x->type == R_MAPVAL_NULL || x->type == R_PTR_NULL) && x->id == id) {
				if (nonnull)
					x->type = x->type == R_MAPVAL_NULL ? R_MAPVAL : R_PTR;
				else
					mark_const(x, 0);
			}
		}
		for (s = 0; s < f->nslots; s++) {
			struct reg *x = &f->slots[s].spill;

			if (f->slots[s].t[0] == S_SPILL &&
			    (x->type == R_MAPVAL_NULL || x->type == R_PTR_NULL) && x->id == id) {
				if (nonnull)
					x->type = x->type == R_MAPVAL_NULL ? R_MAPVAL : R_PTR;
				else
					mark_const(x, 0);
			}
		}
	}
}

/* "a > b" (">=" with @eq) over two unsigned ranges: 1 always, 0 never, -1 either. */
static int range_gt(uint64_t amin, uint64_t amax, uint64_t bmin, uint64_t bmax, bool eq)
{
	if (eq ? amin >= bmax : amin > bmax)
		return 1;
	if (eq ? amax < bmin : amax <= bmin)
		return 0;
	return -1;
}

/* Signed order as unsigned order: flip the sign bit. */
#define S2U(x)	((uint64_t)(x) ^ (1ULL << 63))

/*
 * is_branch_taken(): 1 taken, 0 not taken, -1 unknown, for scalar @a
 * against scalar @b.
 */
static int branch_taken(struct eng *e, const struct reg *a, const struct reg *b, uint8_t op,
			bool is32)
{
	uint64_t amin, amax, bmin, bmax;
	int64_t asmin, asmax, bsmin, bsmax;
	struct tnum at, bt;

	if (is32) {
		amin = a->u32min; amax = a->u32max; bmin = b->u32min; bmax = b->u32max;
		asmin = a->s32min; asmax = a->s32max; bsmin = b->s32min; bsmax = b->s32max;
		at = tn_cast(a->var, 4);
		bt = tn_cast(b->var, 4);
	} else {
		amin = a->umin; amax = a->umax; bmin = b->umin; bmax = b->umax;
		asmin = a->smin; asmax = a->smax; bsmin = b->smin; bsmax = b->smax;
		at = a->var;
		bt = b->var;
	}
	switch (op) {
	case BPF_JEQ:
		if (tn_is_const(at) && tn_is_const(bt))
			return at.v == bt.v;
		/*
		 * Disjoint ranges or known bits that differ: 6.1's
		 * is_branch64/32_taken() decide JEQ/JNE only for a constant;
		 * newer kernels by the bounds and tnum_overlap() too.
		 */
		if (amin > bmax || amax < bmin || asmin > bsmax || asmax < bsmin ||
		    ((at.v ^ bt.v) & ~(at.m | bt.m))) {
			e->res->used_jeq_bounds = true;
			return e->res->sem.jeq_bounds ? 0 : -1;
		}
		return -1;
	case BPF_JNE: {
		int r = branch_taken(e, a, b, BPF_JEQ, is32);

		return r < 0 ? -1 : !r;
	}
	case BPF_JSET:
		if (at.v & bt.v)
			return 1;
		if (!((at.v | at.m) & (bt.v | bt.m)))
			return 0;
		return -1;
	case BPF_JGT:
		return range_gt(amin, amax, bmin, bmax, false);
	case BPF_JGE:
		return range_gt(amin, amax, bmin, bmax, true);
	case BPF_JLT:
		return range_gt(bmin, bmax, amin, amax, false);
	case BPF_JLE:
		return range_gt(bmin, bmax, amin, amax, true);
	case BPF_JSGT:
		return range_gt(S2U(asmin), S2U(asmax), S2U(bsmin), S2U(bsmax), false);
	case BPF_JSGE:
		return range_gt(S2U(asmin), S2U(asmax), S2U(bsmin), S2U(bsmax), true);
	case BPF_JSLT:
		return range_gt(S2U(bsmin), S2U(bsmax), S2U(asmin), S2U(asmax), false);
	case BPF_JSLE:
		return range_gt(S2U(bsmin), S2U(bsmax), S2U(asmin), S2U(asmax), true);
	}
	return -1;
}

static uint8_t flip_op(uint8_t op)
{
	switch (op) {
	case BPF_JEQ: return BPF_JNE;
	case BPF_JNE: return BPF_JEQ;
	case BPF_JGT: return BPF_JLE;
	case BPF_JGE: return BPF_JLT;
	case BPF_JLT: return BPF_JGE;
	case BPF_JLE: return BPF_JGT;
	case BPF_JSGT: return BPF_JSLE;
	case BPF_JSGE: return BPF_JSLT;
	case BPF_JSLT: return BPF_JSGE;
	case BPF_JSLE: return BPF_JSGT;
	default: return op;	/* JSET: no refinement on the false side */
	}
}

/* The same comparison with the operands swapped (b OP' a). */
static uint8_t swap_op(uint8_t op)
{
	switch (op) {
	case BPF_JGT: return BPF_JLT;
	case BPF_JGE: return BPF_JLE;
	case BPF_JLT: return BPF_JGT;
	case BPF_JLE: return BPF_JGE;
	case BPF_JSGT: return BPF_JSLT;
	case BPF_JSGE: return BPF_JSLE;
	case BPF_JSLT: return BPF_JSGT;
	case BPF_JSLE: return BPF_JSGE;
	default: return op;
	}
}

/* Narrow [*lo, *hi] to the values v with "v OP c" (unsigned OP); empty: *lo > *hi. */
static void narrow_u(uint64_t *lo, uint64_t *hi, uint8_t op, uint64_t c)
{
	switch (op) {
	case BPF_JEQ:
		*lo = MAX(*lo, c);
		*hi = MIN(*hi, c);
		break;
	case BPF_JGT:
		if (c == UINT64_MAX)
			*lo = 1, *hi = 0;
		else
			*lo = MAX(*lo, c + 1);
		break;
	case BPF_JGE:
		*lo = MAX(*lo, c);
		break;
	case BPF_JLT:
		if (!c)
			*lo = 1, *hi = 0;
		else
			*hi = MIN(*hi, c - 1);
		break;
	case BPF_JLE:
		*hi = MIN(*hi, c);
		break;
	case BPF_JNE:
		if (*lo == c && *lo < *hi)
			(*lo)++;
		else if (*hi == c && *hi > *lo)
			(*hi)--;
		break;
	}
}

/*
 * One of @a's four ranges narrowed by "@a OP @c": the signed ones through
 * the unsigned order (sign bit flipped), the 32-bit ones sign- or
 * zero-extended.
 */
static void narrow(struct reg *a, uint8_t op, uint64_t c, bool is32)
{
	static const uint8_t unsigned_of[16] = {
		[BPF_JSGT >> 4] = BPF_JGT, [BPF_JSGE >> 4] = BPF_JGE,
		[BPF_JSLT >> 4] = BPF_JLT, [BPF_JSLE >> 4] = BPF_JLE,
	};
	bool sgn = unsigned_of[op >> 4] != 0;
	uint8_t uop = sgn ? unsigned_of[op >> 4] : op;
	uint64_t lo, hi, k;

	if (is32 && sgn) {
		lo = S2U((int64_t)a->s32min), hi = S2U((int64_t)a->s32max), k = S2U((int64_t)(int32_t)c);
	} else if (is32) {
		lo = a->u32min, hi = a->u32max, k = (uint32_t)c;
	} else if (sgn) {
		lo = S2U(a->smin), hi = S2U(a->smax), k = S2U((int64_t)c);
	} else {
		lo = a->umin, hi = a->umax, k = c;
	}
	narrow_u(&lo, &hi, uop, k);
	if (lo > hi) {
		a->umin = 1, a->umax = 0;	/* the path cannot happen */
		return;
	}
	if (is32 && sgn)
		a->s32min = (int32_t)(int64_t)(lo ^ (1ULL << 63)), a->s32max = (int32_t)(int64_t)(hi ^ (1ULL << 63));
	else if (is32)
		a->u32min = (uint32_t)lo, a->u32max = (uint32_t)hi;
	else if (sgn)
		a->smin = (int64_t)(lo ^ (1ULL << 63)), a->smax = (int64_t)(hi ^ (1ULL << 63));
	else
		a->umin = lo, a->umax = hi;
	if (uop == BPF_JEQ && !sgn)
		a->var = is32 ? (struct tnum){ (a->var.v & ~0xffffffffULL) | (uint32_t)c,
					       a->var.m & ~0xffffffffULL } : tn_const(c);
}

/*
 * The equal side of a JEQ/JNE on a constant, as each semantics narrows it.
 * 6.1's reg_set_min_max(): the register becomes the constant
 * (__mark_reg_known(), __mark_reg32_known()), whatever the bounds said (a
 * branch is_branch_taken() did not decide is explored on both sides);
 * newer kernels narrow the bounds they had.
 */
static void refine_jeq(struct reg *a, uint64_t c, bool is32, bool jeq_bounds)
{
	if (jeq_bounds) {
		narrow(a, BPF_JEQ, c, is32);
		if (!bounds_empty(a))
			sync_bounds(a);
	} else if (is32) {
		uint64_t hi_m = a->var.m, hi_v = a->var.v;

		mark_unknown(a);
		a->var = (struct tnum){ (hi_v & ~0xffffffffULL) | (uint32_t)c, hi_m & ~0xffffffffULL };
		a->u32min = a->u32max = (uint32_t)c;
		a->s32min = a->s32max = (int32_t)(uint32_t)c;
		sync_bounds(a);
	} else {
		mark_const(a, c);
	}
}

static bool reg_same_value(const struct reg *a, const struct reg *b)
{
	return a->var.v == b->var.v && a->var.m == b->var.m &&
	       a->umin == b->umin && a->umax == b->umax && a->smin == b->smin && a->smax == b->smax &&
	       a->u32min == b->u32min && a->u32max == b->u32max &&
	       a->s32min == b->s32min && a->s32max == b->s32max;
}

/*
 * reg_set_min_max() for "@a OP const @c" holding: narrow @a. JSET and
 * negations without a range form leave it as is.
 */
static void refine(struct eng *e, struct reg *a, uint8_t op, uint64_t c, bool is32, bool holds)
{
	uint8_t o = holds ? op : flip_op(op);

	if (a->type != R_SCALAR)
		return;
	if (o == BPF_JEQ) {
		struct reg other = *a;
		bool sem = e->res->sem.jeq_bounds;

		/*
		 * A JMP32 JEQ can part the semantics (6.1 forgets the upper
		 * half's bounds); only a narrowing that really differs makes
		 * the other semantics explore on its own.
		 */
		refine_jeq(a, c, is32, sem);
		refine_jeq(&other, c, is32, !sem);
		if (!reg_same_value(a, &other))
			e->res->used_jeq_refine = true;
		return;
	}
	if (!holds && op == BPF_JSET) {
		/* none of @c's bits is set (of the low half, for JMP32) */
		uint64_t m = is32 ? (uint32_t)c : c;

		a->var.v &= ~m;
		a->var.m &= ~m;
		sync_bounds(a);
		return;
	}
	narrow(a, o, c, is32);
	if (!bounds_empty(a))
		sync_bounds(a);
}

static const struct pf_insn *insn_at(const struct eng *e, int sub, size_t pc)
{
	const struct pf_function *f = func_of(e, sub);

	if (pc < f->start || pc >= f->end)
		return NULL;
	return &e->obj->secs[f->sec].insns[pc];
}

/* ---- precision: which values a path's future needed ---- */

/*
 * The verifier prunes a state against a stored one when the registers and
 * stack the stored state's paths *needed* agree (mark_chain_precision():
 * a scalar becomes precise when a decided branch, pointer arithmetic, a
 * helper's size or a zero store used its value, and the mark walks back
 * along the path to where the value came from). Without it a scalar that
 * differs only in a counter or a checksum keeps every state apart, and
 * a large program never converges. Only a stored state whose paths have
 * all ended has final marks; the others are compared on every value, as
 * is every state a loop closed on (their marks could miss what the next
 * iteration needs): those become "exact", with all their ancestors.
 */

struct bt {
	uint16_t regs[PF_MAX_CALL_FRAMES];
	uint64_t slots[PF_MAX_CALL_FRAMES];
};

static bool bt_empty(const struct bt *bt)
{
	int f;

	for (f = 0; f < PF_MAX_CALL_FRAMES; f++)
		if (bt->regs[f] || bt->slots[f])
			return false;
	return true;
}

/* The path back from @v can no longer be followed: compare all of it exactly. */
static void exact_chain(struct visit *v)
{
	for (; v && !v->exact; v = v->st->parent)
		v->exact = true;
}

static struct hist *hist_at(const struct eng *e, uint32_t i)
{
	return &e->hblk[i >> HIST_BLOCK_SHIFT][i & ((1u << HIST_BLOCK_SHIFT) - 1)];
}

/*
 * backtrack_insn(): @h ran; which registers and slots before it hold what
 * @bt needs after it. False when the walk cannot say.
 */
static bool bt_insn(const struct eng *e, const struct hist *h, struct bt *bt)
{
	const struct pf_insn *insn = insn_at(e, h->sub, h->pc);
	int fr = h->frame;
	uint16_t *regs = &bt->regs[fr];
	uint16_t dst, src;
	uint8_t cls, op;

	if (!insn || fr >= PF_MAX_CALL_FRAMES)
		return false;
	cls = pf_insn__class(insn);
	op = BPF_OP(insn->code);
	dst = (uint16_t)(1u << (insn->dst & 0xf));
	src = (uint16_t)(1u << (insn->src & 0xf));
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		if (!(*regs & dst))
			return true;
		if (op == BPF_MOV) {
			*regs &= (uint16_t)~dst;
			if (BPF_SRC(insn->code) == BPF_X)
				*regs |= src;
		} else if (BPF_SRC(insn->code) == BPF_X && op != BPF_END && op != BPF_NEG) {
			*regs |= src;
		}
		return true;
	case BPF_LD:
		*regs &= pf_insn__is_ld_imm64(insn) ? (uint16_t)~dst : (uint16_t)~0x3fu;
		return true;
	case BPF_LDX:
		if (!(*regs & dst))
			return true;
		*regs &= (uint16_t)~dst;
		if (h->spi >= 0)
			bt->slots[h->sframe] |= 1ULL << h->spi;
		return true;
	case BPF_STX:
	case BPF_ST:
		if (h->spi < 0 || !(bt->slots[h->sframe] & (1ULL << h->spi)))
			return true;
		if (BPF_MODE(insn->code) == BPF_ATOMIC)
			return false;
		if (pf_insn__mem_size(insn) == 8)
			bt->slots[h->sframe] &= ~(1ULL << h->spi);
		if (cls == BPF_STX)
			*regs |= src;
		return true;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_CALL && cls == BPF_JMP) {
			if (h->flags & H_PUSH) {
				if (fr + 1 >= PF_MAX_CALL_FRAMES)
					return false;
				/* a callback's arguments come from the helper, not from r1-r5 */
				if ((h->flags & H_CB) && (bt->regs[fr + 1] || bt->slots[fr + 1]))
					return false;
				if (!(h->flags & H_CB))
					*regs |= bt->regs[fr + 1] & 0x3e;
				bt->regs[fr + 1] = 0;
				bt->slots[fr + 1] = 0;
				if (h->flags & H_CB)
					*regs &= (uint16_t)~0x3fu;
				return true;
			}
			*regs &= (uint16_t)~0x3fu;	/* r0 is the callee's, r1-r5 clobbered */
			return true;
		}
		if (op == BPF_EXIT) {
			if (!(h->flags & H_POP) || fr < 1)
				return true;
			{
				uint16_t r0 = bt->regs[fr - 1] & 1u;

				bt->regs[fr - 1] &= (uint16_t)~0x3fu;
				bt->regs[fr] = (h->flags & H_CB) ? 0 : r0;
				bt->slots[fr] = 0;
			}
			return true;
		}
		if (op == BPF_JA || op == BPF_JCOND || BPF_SRC(insn->code) != BPF_X)
			return true;
		/* dst <op> src narrowed one against the other: both */
		if (*regs & (dst | src))
			*regs |= dst | src;
		return true;
	}
	return true;
}

/* Mark @bt in the stored state @ps; false when nothing was new. */
static bool bt_apply(struct state *ps, struct bt *bt)
{
	bool changed = false;
	int f, i;

	for (f = 0; f < PF_MAX_CALL_FRAMES; f++) {
		struct frame *fr = f <= ps->cur ? ps->fr[f] : NULL;

		if (!fr) {
			bt->regs[f] = 0;
			bt->slots[f] = 0;
			continue;
		}
		for (i = 0; i < 11; i++) {
			struct reg *r = &fr->r[i];

			if (!(bt->regs[f] & (1u << i)))
				continue;
			if (r->type != R_SCALAR) {
				bt->regs[f] &= (uint16_t)~(1u << i);
			} else if (!r->precise) {
				r->precise = true;
				changed = true;
			}
		}
		for (i = 0; i < 64; i++) {
			struct slot *sl = (size_t)i < fr->nslots ? &fr->slots[i] : NULL;

			if (!(bt->slots[f] & (1ULL << i)))
				continue;
			if (!sl || sl->t[0] != S_SPILL || sl->spill.type != R_SCALAR) {
				/* misc reads as unknown, zero is compared by type */
				bt->slots[f] &= ~(1ULL << i);
			} else if (!sl->spill.precise) {
				sl->spill.precise = true;
				changed = true;
			}
		}
	}
	return changed;
}

/*
 * __mark_chain_precision(): @bt is needed before @st's next instruction
 * (@skip_cur: before the instruction being processed, the last in its
 * history). Walk the path back, marking each stored copy on the way.
 */
static void precise(const struct eng *e, struct state *st, struct bt *bt, bool skip_cur)
{
	uint32_t h = st->hist;
	struct visit *p = st->parent;

	if (skip_cur && h)
		h = hist_at(e, h)->prev;
	for (;;) {
		for (; h; h = hist_at(e, h)->prev) {
			if (bt_empty(bt))
				return;
			if (!bt_insn(e, hist_at(e, h), bt)) {
				exact_chain(st->parent);
				return;
			}
		}
		if (!p || p->exact || bt_empty(bt) || !bt_apply(p->st, bt))
			return;
		h = p->st->hist;
		p = p->st->parent;
	}
}

/* One register of the current frame is needed before the instruction being processed. */
static void precise_reg(const struct eng *e, struct state *st, int regno)
{
	struct bt bt = { 0 };

	if (st->fr[st->cur]->r[regno].type != R_SCALAR)
		return;
	bt.regs[st->cur] = (uint16_t)(1u << regno);
	precise(e, st, &bt, true);
}

/* The stack bytes [@off, @off + @size) of frame @frame are needed. */
static void precise_stack(const struct eng *e, struct state *st, int frame, int32_t off, int size)
{
	struct bt bt = { 0 };
	int32_t o;

	if (frame < 0 || frame > st->cur || size <= 0 || off >= 0)
		return;
	for (o = off; o < off + size && o < 0; o++) {
		int spi = (-o - 1) / 8;

		if (spi < 64)
			bt.slots[frame] |= 1ULL << spi;
	}
	precise(e, st, &bt, true);
}

/* propagate_precision(): @st is pruned against @old, so it needs what @old needed. */
static void precise_from(const struct eng *e, struct state *st, const struct state *old)
{
	struct bt bt = { 0 };
	int f, i;

	for (f = 0; f <= old->cur; f++) {
		const struct frame *fr = old->fr[f];

		for (i = 0; i < 11; i++)
			if (fr->r[i].type == R_SCALAR && fr->r[i].precise)
				bt.regs[f] |= (uint16_t)(1u << i);
		for (i = 0; (size_t)i < fr->nslots && i < 64; i++)
			if (fr->slots[i].t[0] == S_SPILL && fr->slots[i].spill.type == R_SCALAR &&
			    fr->slots[i].spill.precise)
				bt.slots[f] |= 1ULL << i;
	}
	precise(e, st, &bt, false);
}

/*
 * The path's history: this instruction runs now. A path that goes long
 * without leaving a copy (a loop past ENGINE_STATES_PER_INSN copies) would
 * make every precision walk on it as long: past ENGINE_HIST_MAX the path
 * stops tracing, and what it came from is compared exactly.
 */
static bool hist_push(struct eng *e, struct state *st, int sub, size_t pc)
{
	struct hist *h;

	if (st->hist_cnt >= ENGINE_HIST_MAX) {
		exact_chain(st->parent);
		st->parent = NULL;
		st->hist = 0;
		st->hist_cnt = 0;
	}
	if ((e->hnext >> HIST_BLOCK_SHIFT) >= e->hblk_cnt) {
		struct hist *b = malloc(sizeof(*b) << HIST_BLOCK_SHIFT);

		if (!b || pf_grow((void **)&e->hblk, &e->hblk_cap, e->hblk_cnt + 1, sizeof(*e->hblk))) {
			free(b);
			e->nomem = -ENOMEM;
			e->stop = true;
			return false;
		}
		e->hblk[e->hblk_cnt++] = b;
	}
	h = hist_at(e, e->hnext);
	h->prev = st->hist;
	st->hist = e->hnext++;
	st->hist_cnt++;
	h->pc = (uint32_t)pc;
	h->sub = (uint16_t)sub;
	h->frame = (uint8_t)st->cur;
	h->flags = 0;
	h->spi = -1;
	h->sframe = 0;
	return true;
}

static struct hist *hist_cur(const struct eng *e, const struct state *st)
{
	return st->hist ? hist_at(e, st->hist) : NULL;
}

/* ---- ld_imm64 ---- */

static bool sec_is_rodata(const struct pf_section *s)
{
	return s->name && (!strcmp(s->name, ".rodata") || !strncmp(s->name, ".rodata.", 8)) &&
	       !(s->flags & 0x1 /* SHF_WRITE */) && s->data;
}

static void do_ld_imm64(struct eng *e, struct frame *f, int sub, size_t pc,
			const struct pf_insn *insn)
{
	const struct pf_function *fn = func_of(e, sub);
	const struct pf_section *sec = &e->obj->secs[fn->sec];
	const struct pf_reloc *r = pf_section__reloc_at(sec, (uint64_t)pc * PF_INSN_SZ);
	const struct pf_insn *next = pc + 1 < sec->insn_cnt ? &sec->insns[pc + 1] : NULL;
	struct reg *d = &f->r[insn->dst & 0xf];
	const struct pf_call *c = pf_function__call_at(fn, pc);
	uint64_t imm = (uint32_t)insn->imm | ((uint64_t)(next ? (uint32_t)next->imm : 0) << 32);

	if (c && c->kind == PF_CALL_CALLBACK) {
		mark_not_init(d);
		d->type = R_FUNC;
		d->aux = c->target;
		d->var = tn_const(0);
		return;
	}
	if (r) {
		const struct pf_symbol *sym = &e->obj->syms[r->sym];
		int m = pf_object__map_of_reloc(e->obj, r, insn), dsec;

		mark_not_init(d);
		d->var = tn_const(0);
		if (m >= 0) {
			d->type = R_MAP;
			d->aux = m;
			return;
		}
		/* global data: a map value of its section's map (libbpf) */
		dsec = pf_elf__sec_by_shndx(e->obj, sym->shndx);
		if (dsec >= 0 && !e->obj->secs[dsec].exec) {
			d->type = R_DATA;
			d->aux = dsec;
			d->off = (int32_t)(sym->value + (uint32_t)insn->imm + r->addend);
			return;
		}
		d->type = R_PTR;	/* a ksym or kconfig extern */
		return;
	}
	if (insn->src == BPF_PSEUDO_MAP_FD || insn->src == BPF_PSEUDO_MAP_VALUE) {
		mark_not_init(d);
		d->type = insn->src == BPF_PSEUDO_MAP_FD ? R_MAP : R_PTR;
		d->aux = -1;
		d->var = tn_const(0);
		return;
	}
	mark_const(d, imm);
}

/* The value user space gives a .rodata variable covering [off, off+size). */
static bool rodata_override(const struct eng *e, uint32_t sec, uint64_t off, int size,
			    uint64_t *out)
{
	size_t i, j;

	if (!e->ro)
		return false;
	for (i = 0; i < e->ro->cnt; i++) {
		for (j = 0; j < e->obj->sym_cnt; j++) {
			const struct pf_symbol *s = &e->obj->syms[j];

			if (!s->name || strcmp(s->name, e->ro->v[i].name) ||
			    s->shndx != e->obj->secs[sec].elf_index)
				continue;
			if (off < s->value || off + size > s->value + s->size)
				continue;
			{
				uint8_t bytes[8] = { 0 };
				uint64_t v = e->ro->v[i].value, val = 0;
				size_t sz = s->size < 8 ? s->size : 8, k;

				for (k = 0; k < sz; k++)
					bytes[e->obj->big_endian ? sz - 1 - k : k] = (uint8_t)(v >> (8 * k));
				for (k = 0; k < (size_t)size && off - s->value + k < 8; k++) {
					uint8_t b = bytes[off - s->value + k];

					val |= e->obj->big_endian ? (uint64_t)b << (8 * (size - 1 - k)) :
								      (uint64_t)b << (8 * k);
				}
				*out = val;
				return true;
			}
		}
	}
	return false;
}

/* A load from global data: frozen .rodata at a constant offset is a constant. */
static void load_data(struct eng *e, const struct reg *base, int32_t off, int size,
		      struct reg *out)
{
	const struct pf_section *s = &e->obj->secs[base->aux];
	int64_t o = (int64_t)base->off + off;
	uint64_t v = 0;
	int i;

	if (!sec_is_rodata(s) || !tn_is_const(base->var) || o < 0 ||
	    (uint64_t)o + size > s->size) {
		mark_unknown(out);
		if (size < 8)
			mark_range(out, tn_cast(tn_unknown, size), 0, (1ULL << (size * 8)) - 1);
		return;
	}
	o += (int64_t)base->var.v;
	if (rodata_override(e, (uint32_t)base->aux, (uint64_t)o, size, &v)) {
		mark_const(out, v);
		return;
	}
	for (i = 0; i < size; i++) {
		uint8_t b = s->data[o + i];

		v |= e->obj->big_endian ? (uint64_t)b << (8 * (size - 1 - i)) : (uint64_t)b << (8 * i);
	}
	mark_const(out, v);
}

/* ---- memory instructions ---- */

static void load_result(struct reg *out, int size, bool sx)
{
	mark_unknown(out);
	if (size <= 0 || size >= 8)
		return;
	if (!sx) {
		mark_range(out, tn_cast(tn_unknown, size), 0, (1ULL << (size * 8)) - 1);
		return;
	}
	out->smin = -(1LL << (size * 8 - 1));
	out->smax = (1LL << (size * 8 - 1)) - 1;
	sync_bounds(out);
}

static void sign_extend(struct reg *r, int size)
{
	if (is_const(r)) {
		int64_t v = size == 1 ? (int8_t)r->var.v : size == 2 ? (int16_t)r->var.v :
			    size == 4 ? (int32_t)r->var.v : (int64_t)r->var.v;

		mark_const(r, (uint64_t)v);
	} else {
		load_result(r, size, true);
	}
}

static bool null_use(struct eng *e, struct state *st, size_t pc, int regno,
		     const struct reg *r, bool arith)
{
	struct pf_engine_event *ev = event(e, PF_EV_NULL_USE, st, pc);

	if (!ev)
		return false;
	ev->reg = (uint8_t)regno;
	ev->arith = arith;
	ev->elidable = r->elide;
	ev->map = r->aux;
	ev->lookup_func = r->site_func;
	ev->lookup_insn = (size_t)r->site;
	ev->key = r->key;
	if (!r->elide) {
		e->stop = true;
		return false;
	}
	return true;
}

/* LDX, STX, ST, atomics. Returns false when the path is refused. */
static bool do_mem(struct eng *e, struct state *st, size_t pc, const struct pf_insn *insn)
{
	struct frame *f = st->fr[st->cur];
	uint8_t cls = pf_insn__class(insn), mode = BPF_MODE(insn->code);
	int size = pf_insn__mem_size(insn);
	bool load = cls == BPF_LDX;
	int regno = load ? insn->src : insn->dst;
	struct reg *base = &f->r[regno & 0xf];
	struct reg val;
	bool atomic = cls == BPF_STX && mode == BPF_ATOMIC;

	if (base->type == R_MAPVAL_NULL) {
		if (!null_use(e, st, pc, regno, base, false))
			return false;
		base->type = R_MAPVAL;
		mark_null(st, base->id, true);
	}
	if (base->type == R_FP) {
		enum pf_ev_access acc = load ? PF_ACC_READ : PF_ACC_WRITE;
		struct frame *owner = st->fr[base->frame];
		int32_t off = base->off + insn->off;

		if (atomic)
			acc = PF_ACC_WRITE;
		if (!stack_access(e, st, pc, regno, base, insn->off, size, acc))
			return false;
		if (!tn_is_const(base->var)) {
			/* variable offset: the bytes it may touch become misc */
			if (!load) {
				int64_t lo = base->smin + off, hi = base->smax + off + size, o;

				for (o = lo; o < hi; o++)
					stack_write(e, owner, (int32_t)o, 1, NULL, false);
			}
			if (load)
				load_result(&f->r[insn->dst & 0xf], size, mode == BPF_MEMSX);
			return true;
		}
		off += (int32_t)base->var.v;
		if (hist_cur(e, st) && off < 0 && off >= -PF_MAX_BPF_STACK) {
			hist_cur(e, st)->spi = (int8_t)((-off - 1) / 8);
			hist_cur(e, st)->sframe = base->frame;
		}
		if (load) {
			stack_read(e, owner, off, size, &val);
			if (mode == BPF_MEMSX)
				sign_extend(&val, size);
			else if (size < 8 && val.type == R_SCALAR && !is_const(&val) &&
				 val.umax >> (size * 8))
				load_result(&val, size, false);
			f->r[insn->dst & 0xf] = val;
		} else if (atomic) {
			stack_write(e, owner, off, size, NULL, false);
			if (insn->imm & BPF_FETCH) {
				if (insn->imm == BPF_CMPXCHG)
					mark_unknown(&f->r[BPF_REG_0]);
				else
					mark_unknown(&f->r[insn->src & 0xf]);
			}
		} else if (cls == BPF_ST) {
			struct reg k;

			mark_const(&k, (uint64_t)(int64_t)insn->imm);
			stack_write(e, owner, off, size, size == 8 || insn->imm == 0 ? &k : NULL,
				    insn->imm == 0);
		} else {
			const struct reg *src = &f->r[insn->src & 0xf];
			bool zero = is_const(src) && src->var.v == 0 && src->type == R_SCALAR;

			/* check_stack_write_fixed_off(): STACK_ZERO needs the zero precise */
			if (zero)
				precise_reg(e, st, insn->src & 0xf);
			stack_write(e, owner, off, size, src, zero);
		}
		return true;
	}
	if (load) {
		struct reg *d = &f->r[insn->dst & 0xf];

		if (base->type == R_DATA)
			load_data(e, base, insn->off, size, &val);
		else
			load_result(&val, size, mode == BPF_MEMSX);
		if (mode == BPF_MEMSX)
			sign_extend(&val, size);
		*d = val;
		return true;
	}
	if (atomic && (insn->imm & BPF_FETCH)) {
		if (insn->imm == BPF_CMPXCHG)
			mark_unknown(&f->r[BPF_REG_0]);
		else
			mark_unknown(&f->r[insn->src & 0xf]);
	}
	return true;
}

/* ---- ALU ---- */

/*
 * Pointer @p moved by scalar @s (ADD or SUB): a constant into the fixed
 * offset, as adjust_ptr_min_max_vals() does, anything else into the
 * variable part.
 */
static void ptr_move(struct reg *p, const struct reg *s, uint8_t op)
{
	struct reg v = *p;

	if (is_const(s)) {
		int64_t delta = op == BPF_ADD ? (int64_t)s->var.v : -(int64_t)s->var.v;
		int64_t n = (int64_t)p->off + delta;

		if (n < INT32_MIN || n > INT32_MAX)
			mark_unknown(p);
		else
			p->off = (int32_t)n;
		return;
	}
	v.type = R_SCALAR;
	scalar_alu64(&v, s, op, 0);
	p->var = v.var;
	p->umin = v.umin, p->umax = v.umax;
	p->smin = v.smin, p->smax = v.smax;
	p->u32min = v.u32min, p->u32max = v.u32max;
	p->s32min = v.s32min, p->s32max = v.s32max;
}

static bool fp_math_event(struct eng *e, struct state *st, size_t pc, uint8_t which, int64_t v)
{
	struct pf_engine_event *ev = event(e, PF_EV_FP_MATH, st, pc);

	if (ev) {
		ev->math = which;
		ev->value = v;
	}
	return false;
}

/* check_reg_sane_offset() on one register of "fp" type (adjust_ptr_min_max_vals()) */
static bool fp_reg_sane(struct eng *e, struct state *st, size_t pc, const struct reg *r)
{
	if (tn_is_const(r->var) && ((int64_t)r->var.v >= ENGINE_MAX_VAR_OFF ||
				    (int64_t)r->var.v <= -ENGINE_MAX_VAR_OFF))
		return fp_math_event(e, st, pc, 0, (int64_t)r->var.v);
	if (r->off >= ENGINE_MAX_VAR_OFF || r->off <= -ENGINE_MAX_VAR_OFF)
		return fp_math_event(e, st, pc, 1, r->off);
	if (r->smin == INT64_MIN)
		return fp_math_event(e, st, pc, 2, 0);
	if (r->smin >= ENGINE_MAX_VAR_OFF || r->smin <= -ENGINE_MAX_VAR_OFF)
		return fp_math_event(e, st, pc, 3, r->smin);
	return true;
}

/* The scalar, the pointer, then the result, as the kernel checks them. */
static bool fp_math_sane(struct eng *e, struct state *st, size_t pc, const struct reg *ptr,
			 const struct reg *off, uint8_t op)
{
	struct reg res = *ptr, v = *ptr;
	struct reg o = *off;

	o.off = 0;
	if (!fp_reg_sane(e, st, pc, &o) || !fp_reg_sane(e, st, pc, ptr))
		return false;
	if (is_const(off)) {
		int64_t n = (int64_t)ptr->off + (op == BPF_ADD ? (int64_t)off->var.v : -(int64_t)off->var.v);

		res.off = n > INT32_MAX ? INT32_MAX : n < INT32_MIN ? INT32_MIN : (int32_t)n;
		if (n >= ENGINE_MAX_VAR_OFF || n <= -ENGINE_MAX_VAR_OFF)
			return fp_math_event(e, st, pc, 1, n);
		return fp_reg_sane(e, st, pc, &res);
	}
	v.type = R_SCALAR;
	scalar_alu64(&v, off, op, 0);
	res.var = v.var;
	res.smin = v.smin;
	res.smax = v.smax;
	return fp_reg_sane(e, st, pc, &res);
}

static bool do_alu(struct eng *e, struct state *st, size_t pc, const struct pf_insn *insn)
{
	struct frame *f = st->fr[st->cur];
	uint8_t cls = pf_insn__class(insn), op = BPF_OP(insn->code);
	bool is64 = cls == BPF_ALU64;
	struct reg *d = &f->r[insn->dst & 0xf];
	struct reg src;

	if (pf_insn__is_v4(insn)) {
		if (!event(e, PF_EV_ISA_V4, st, pc))
			return false;
	}
	if (BPF_SRC(insn->code) == BPF_X)
		src = f->r[insn->src & 0xf];
	else
		mark_const(&src, is64 ? (uint64_t)(int64_t)insn->imm : (uint32_t)insn->imm);

	if (op == BPF_END) {
		if (is_const(d)) {
			uint64_t v = d->var.v;
			int bits = insn->imm;
			bool swap = is64 || BPF_SRC(insn->code) == BPF_TO_BE;

			if (bits == 16)
				v = swap ? __builtin_bswap16((uint16_t)v) : (uint16_t)v;
			else if (bits == 32)
				v = swap ? __builtin_bswap32((uint32_t)v) : (uint32_t)v;
			else
				v = swap ? __builtin_bswap64(v) : v;
			mark_const(d, v);
		} else {
			load_result(d, insn->imm / 8, false);
		}
		return true;
	}
	if (op == BPF_NEG) {
		struct reg z;

		if (d->type != R_SCALAR) {
			mark_unknown(d);
			return true;
		}
		mark_const(&z, 0);
		if (is64) {
			scalar_alu64(&z, d, BPF_SUB, 0);
		} else {
			scalar_alu32(&z, d, BPF_SUB, 0);
		}
		*d = z;
		return true;
	}
	if (op == BPF_MOV) {
		if ((insn->off == 8 || insn->off == 16 || insn->off == 32) &&
		    BPF_SRC(insn->code) == BPF_X) {
			/* movsx (addr_space_cast, off 1, is a plain move here) */
			*d = src.type == R_SCALAR ? src : (struct reg){ 0 };
			if (d->type != R_SCALAR)
				mark_unknown(d);
			sign_extend(d, insn->off / 8);
			if (!is64)
				zext32(d);
			return true;
		}
		if (is64) {
			*d = src;
			return true;
		}
		if (src.type != R_SCALAR) {
			mark_unknown(d);
			zext32(d);
			return true;
		}
		*d = src;
		zext32(d);
		return true;
	}
	/* pointer arithmetic */
	if (d->type == R_MAPVAL_NULL || (src.type == R_MAPVAL_NULL && op == BPF_ADD)) {
		const struct reg *p = d->type == R_MAPVAL_NULL ? d : &src;

		null_use(e, st, pc, insn->dst, p, true);
		return false;
	}
	/* adjust_reg_min_max_vals(): the scalar moving a pointer is precise */
	if (BPF_SRC(insn->code) == BPF_X && d->type != R_SCALAR && d->type != R_NOT_INIT &&
	    src.type == R_SCALAR)
		precise_reg(e, st, insn->src & 0xf);
	if (BPF_SRC(insn->code) == BPF_X && d->type == R_SCALAR && src.type != R_SCALAR &&
	    src.type != R_NOT_INIT)
		precise_reg(e, st, insn->dst & 0xf);
	if (d->type == R_FP && is64 && (op == BPF_ADD || op == BPF_SUB) && src.type == R_SCALAR &&
	    !fp_math_sane(e, st, pc, d, &src, op))
		return false;
	if (d->type != R_SCALAR && d->type != R_NOT_INIT) {
		if (is64 && (op == BPF_ADD || op == BPF_SUB) && src.type == R_SCALAR) {
			ptr_move(d, &src, op);
			return true;
		}
		if (is64 && op == BPF_SUB && src.type == d->type) {
			if (d->type == R_FP && d->frame == src.frame && is_const(d) && is_const(&src))
				mark_const(d, (uint64_t)((int64_t)d->off - src.off));
			else
				mark_unknown(d);
			return true;
		}
		mark_unknown(d);
		if (!is64)
			zext32(d);
		return true;
	}
	if (src.type != R_SCALAR) {
		if (is64 && op == BPF_ADD && d->type == R_SCALAR && src.type != R_NOT_INIT) {
			/* scalar += pointer: the pointer moves */
			struct reg sc = *d;

			*d = src;
			ptr_move(d, &sc, BPF_ADD);
			return true;
		}
		mark_unknown(&src);
	}
	if (d->type != R_SCALAR)
		mark_unknown(d);
	if (is64)
		scalar_alu64(d, &src, op, insn->off);
	else
		scalar_alu32(d, &src, op, insn->off);
	return true;
}

/* ---- calls ---- */

/*
 * A helper's memory argument whose size register is 0 (umax 0): the
 * kernel still checks the range with access_size 0
 * (check_stack_access_within_bounds()): its start must lie in the frame
 * (-512 .. -1), and since a833a17aeac7 ("bpf: Fix verification of
 * indirect var-off stack access", 6.8, in 6.1.170) its end, smax + off,
 * may not pass 0; before, a zero-sized range ended at its start. Where
 * both rules refuse it is an ordinary out-of-frame access; where only the
 * new one does, the profile decides (the walk goes on for the old). A
 * range within the frame is kept apart (run->zdepth): only kernels whose
 * grow_stack_state() sees every access count its start as depth.
 */
static bool helper_mem_zero(struct eng *e, struct state *st, size_t pc, int regno, bool write)
{
	const struct reg *r = &st->fr[st->cur]->r[regno];
	enum pf_ev_access acc = write ? PF_ACC_HELPER_WRITE : PF_ACC_HELPER_READ;
	bool var = !tn_is_const(r->var);
	int64_t lo, hi;
	bool before, after;
	struct pf_engine_event *ev;

	if (r->type != R_FP)
		return true;
	if (var && (r->smax >= ENGINE_MAX_VAR_OFF || r->smin <= -ENGINE_MAX_VAR_OFF))
		return stack_access(e, st, pc, regno, r, 0, 0, acc);
	lo = (var ? r->smin : (int64_t)r->var.v) + r->off;
	hi = (var ? r->smax : (int64_t)r->var.v) + r->off;
	before = lo < -PF_MAX_BPF_STACK || lo > -1;
	after = before || hi > 0;
	if (!after) {
		int sub = st->fr[r->frame]->sub;

		if (-lo > (int64_t)e->run->zdepth[sub]) {
			e->run->zdepth[sub] = (uint32_t)-lo;
			e->run->zdeepest_insn[sub] = pc;
		}
		return true;
	}
	ev = stack_event(e, before ? PF_EV_STACK_ACCESS : PF_EV_STACK_ZERO_SIZE, st, pc, regno, r,
			 0, 0, acc);
	if (ev) {
		ev->refused_before = before;
		ev->refused_after = after;
	}
	return !before;
}

/* The stack bytes a helper's memory argument touches: check_helper_mem_access(). */
static bool helper_mem(struct eng *e, struct state *st, size_t pc, int regno,
		       int64_t size, bool write)
{
	struct frame *f = st->fr[st->cur];
	const struct reg *r = &f->r[regno];

	if (r->type != R_FP || size <= 0)
		return true;
	if (!stack_access(e, st, pc, regno, r, 0, (int32_t)size,
			  write ? PF_ACC_HELPER_WRITE : PF_ACC_HELPER_READ))
		return false;
	if (write && tn_is_const(r->var))
		stack_write(e, st->fr[r->frame], r->off + (int32_t)r->var.v, (int)size, NULL, false);
	return true;
}

/* The constant key behind a lookup: get_constant_map_key() (6.14). */
static int64_t constant_key(struct eng *e, const struct state *st, const struct reg *k, int size)
{
	struct reg v;

	if (k->type != R_FP || !tn_is_const(k->var) || size <= 0 || size > 8)
		return -1;
	stack_read(e, st->fr[k->frame], k->off + (int32_t)k->var.v, size, &v);
	if (!is_const(&v))
		return -1;
	return (int64_t)v.var.v;
}

static bool call_frame(struct eng *e, struct state *st, size_t pc, int callee_sub,
		       bool callback)
{
	struct frame *caller = st->fr[st->cur], *f;
	int i;

	/* setup_func_entry(): curframe + 1 >= MAX_CALL_FRAMES */
	if (st->cur + 1 >= PF_MAX_CALL_FRAMES) {
		struct pf_engine_event *ev = event(e, PF_EV_CALL_DEPTH, st, pc);

		if (ev)
			ev->frames = st->cur + 2;
		return false;
	}
	f = frame_new(e, callee_sub, st->cur + 1);
	if (!f)
		return false;
	if (hist_cur(e, st))
		hist_cur(e, st)->flags |= H_PUSH | (callback ? H_CB : 0);
	f->ret_pc = pc + 1;
	f->callback = callback;
	if (!callback)
		for (i = BPF_REG_1; i <= BPF_REG_5; i++)
			f->r[i] = caller->r[i];
	st->fr[++st->cur] = f;
	st->pc = func_of(e, callee_sub)->start;
	if (!callback)
		clear_caller_saved(caller);
	return true;
}

static void callback_args(struct frame *cb, const struct reg *caller, int helper)
{
	const struct pf_helper_proto *p = pf_helper__proto(helper);
	int i;

	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		mark_unknown(&cb->r[i]);
	switch (helper) {
	case BPF_FUNC_for_each_map_elem:
		cb->r[1] = caller[1];
		cb->r[2].type = R_PTR;
		cb->r[3].type = R_MAPVAL;
		cb->r[3].aux = caller[1].aux;
		cb->r[3].var = tn_const(0);
		cb->r[2].var = tn_const(0);
		break;
	case BPF_FUNC_timer_set_callback:
		cb->r[1].type = R_MAP;
		cb->r[1].aux = -1;
		cb->r[2].type = R_PTR;
		cb->r[3].type = R_MAPVAL;
		cb->r[3].aux = -1;
		break;
	case BPF_FUNC_user_ringbuf_drain:
		cb->r[1].type = R_PTR;
		break;
	case BPF_FUNC_find_vma:
		cb->r[1].type = R_PTR;
		cb->r[2].type = R_PTR;
		break;
	default:
		break;
	}
	for (i = BPF_REG_1; i <= BPF_REG_5; i++)
		if (cb->r[i].type != R_SCALAR)
			cb->r[i].var = tn_const(0), cb->r[i].umin = cb->r[i].umax = 0,
			cb->r[i].smin = cb->r[i].smax = 0, cb->r[i].u32min = cb->r[i].u32max = 0,
			cb->r[i].s32min = cb->r[i].s32max = 0;
	/* the context argument: the caller's pointer, as it is */
	if (p && p->cb_ctx_arg) {
		int to = helper == BPF_FUNC_loop ? 2 : helper == BPF_FUNC_for_each_map_elem ? 4 :
			 helper == BPF_FUNC_find_vma ? 3 : 2;

		cb->r[to] = caller[p->cb_ctx_arg];
	}
}

static bool do_helper(struct eng *e, struct state *st, size_t pc, const struct pf_insn *insn)
{
	struct frame *f = st->fr[st->cur];
	int id = insn->imm, a;
	const struct pf_helper_proto *p = pf_helper__proto(id);
	struct reg saved[6];
	struct reg ret;
	int cb_sub = -1;

	memcpy(saved, f->r, sizeof(saved));
	if (id == PF_HELPER_TAIL_CALL && !event(e, PF_EV_TAIL_CALL, st, pc))
		return false;
	for (a = 0; p && a < 5; a++) {
		const struct reg *r = &f->r[a + 1];
		int64_t size = -1;

		switch (p->arg[a]) {
		case PF_ARG_KEY:
		case PF_ARG_VALUE: {
			const struct reg *m = NULL;
			int k;

			for (k = a - 1; k >= 0; k--)
				if (p->arg[k] == PF_ARG_MAP)
					m = &f->r[k + 1];
			if (!m || m->type != R_MAP || m->aux < 0)
				break;
			size = p->arg[a] == PF_ARG_KEY ? e->obj->maps[m->aux].key_size :
			       e->obj->maps[m->aux].value_size;
			break;
		}
		case PF_ARG_MEM: {
			const struct reg *sz = a + 1 < 5 && p->arg[a + 1] == PF_ARG_SIZE ?
					       &f->r[a + 2] : NULL;

			if (!sz || r->type != R_FP)
				break;
			if (sz->type != R_SCALAR)
				break;
			/* check_mem_size_reg(): the size is precise */
			precise_reg(e, st, a + 2);
			if (sz->smin < 0) {
				struct pf_engine_event *ev = event(e, PF_EV_SIZE_NEGATIVE, st, pc);

				if (ev)
					ev->reg = (uint8_t)(a + 2);
				return false;
			}
			if (sz->umax >= ENGINE_MAX_VAR_SIZE) {
				struct pf_engine_event *ev = event(e, PF_EV_SIZE_UNBOUNDED, st, pc);

				if (ev)
					ev->reg = (uint8_t)(a + 2);
				return false;
			}
			size = (int64_t)sz->umax;
			break;
		}
		default:
			size = pf_arg__fixed_size(p->arg[a]);
			if (!size)
				size = -1;
			break;
		}
		if (size > 0 && !helper_mem(e, st, pc, a + 1, size, p->writes & (1u << a)))
			return false;
		if (size == 0 && p->arg[a] == PF_ARG_MEM &&
		    !helper_mem_zero(e, st, pc, a + 1, p->writes & (1u << a)))
			return false;
	}
	/* the return value, from the proto */
	mark_unknown(&ret);
	if (p && p->ret == PF_RET_MAP_VALUE_OR_NULL) {
		const struct reg *m = &saved[1];

		memset(&ret, 0, sizeof(ret));
		ret.type = R_MAPVAL_NULL;
		ret.aux = m->type == R_MAP ? m->aux : -1;
		ret.id = ++e->next_id;
		ret.var = tn_const(0);
		ret.site = (int32_t)pc;
		ret.site_func = e->prog->funcs[f->sub];
		ret.key = -1;
		if (ret.aux >= 0) {
			const struct pf_map *mp = &e->obj->maps[ret.aux];

			ret.key = constant_key(e, st, &saved[2], (int)mp->key_size);
			if (saved[2].type == R_FP && tn_is_const(saved[2].var))
				precise_stack(e, st, saved[2].frame,
					      saved[2].off + (int32_t)saved[2].var.v,
					      (int)(mp->key_size < 8 ? mp->key_size : 8));
			ret.elide = mp->type == BPF_MAP_TYPE_ARRAY && ret.key >= 0 &&
				    ret.key < mp->max_entries && id == BPF_FUNC_map_lookup_elem;
		}
	} else if (p && p->ret == PF_RET_PTR_OR_NULL) {
		memset(&ret, 0, sizeof(ret));
		ret.type = R_PTR_NULL;
		ret.id = ++e->next_id;
		ret.var = tn_const(0);
	}
	if (p && p->cb_arg && saved[p->cb_arg].type == R_FUNC)
		cb_sub = sub_of(e, saved[p->cb_arg].aux);
	clear_caller_saved(f);
	f->r[BPF_REG_0] = ret;
	if (cb_sub < 0)
		return true;
	if (p->cb_async) {
		/* push_async_cb(): a path of its own, from frame 0 */
		struct state *cs = calloc(1, sizeof(*cs));
		struct frame *cf;

		if (!cs) {
			e->nomem = -ENOMEM;
			e->stop = true;
			return false;
		}
		cf = frame_new(e, cb_sub, 0);
		if (!cf) {
			free(cs);
			return false;
		}
		callback_args(cf, saved, id);
		cs->fr[0] = cf;
		cs->cur = 0;
		cs->pc = func_of(e, cb_sub)->start;
		cs->fr[0]->ret_pc = SIZE_MAX;
		return push_state(e, cs);
	}
	/* a synchronous callback: called at the helper, as __check_func_call() */
	if (!call_frame(e, st, pc, cb_sub, true))
		return false;
	callback_args(st->fr[st->cur], saved, id);
	return true;
}

static bool do_kfunc(struct eng *e, struct state *st, size_t pc, const struct pf_call *c)
{
	struct frame *f = st->fr[st->cur];
	const struct btf *btf = e->obj->btf;
	const struct btf_type *t = pf_btf__func_proto(btf, c ? c->sym_name : NULL);
	int a, n;

	if (t) {
		const struct btf_param *params = btf_params(t);

		n = btf_vlen(t) < 5 ? btf_vlen(t) : 5;
		for (a = 0; a < n; a++) {
			const struct reg *r = &f->r[a + 1];
			const char *next = a + 1 < n ?
					   btf__name_by_offset(btf, params[a + 1].name_off) : NULL;
			const struct btf_type *pt = pf_btf__skip_mods(btf, params[a].type);
			int64_t size = 0;

			if (r->type != R_FP || !pt || !btf_is_ptr(pt))
				continue;
			if (next && (pf_str__has_suffix(next, "__sz") ||
				     pf_str__has_suffix(next, "__szk"))) {
				const struct reg *sz = &f->r[a + 2];

				size = sz->type == R_SCALAR ? (int64_t)sz->umax : 0;
				precise_reg(e, st, a + 2);
			} else if (pt->type) {
				size = btf__resolve_size(btf, pt->type);
			}
			if (size > 0 && size < ENGINE_MAX_VAR_SIZE &&
			    !helper_mem(e, st, pc, a + 1, size, false))
				return false;
		}
	}
	clear_caller_saved(f);
	mark_unknown(&f->r[BPF_REG_0]);
	return true;
}

static bool do_call(struct eng *e, struct state *st, size_t pc, const struct pf_insn *insn)
{
	struct frame *f = st->fr[st->cur];
	const struct pf_function *fn = func_of(e, f->sub);
	const struct pf_call *c = pf_function__call_at(fn, pc);

	/* a kfunc is "call -1" with a relocation until libbpf resolves it */
	if (c && c->kind == PF_CALL_KFUNC) {
		st->pc = pc + 1;
		return do_kfunc(e, st, pc, c);
	}
	if (insn->src == BPF_PSEUDO_CALL) {
		int callee = c && c->target >= 0 ? sub_of(e, c->target) : -1;

		if (callee < 0) {
			cannot(e, "%s insn %zu: a call the engine cannot place",
			       e->obj->secs[fn->sec].name, pc);
			return false;
		}
		if (func_of(e, callee)->global) {
			/* verified on its own; the caller sees a scalar */
			e->run->called[callee] = true;
			clear_caller_saved(f);
			mark_unknown(&f->r[BPF_REG_0]);
			st->pc = pc + 1;
			return true;
		}
		return call_frame(e, st, pc, callee, false);
	}
	st->pc = pc + 1;
	if (insn->src == 0)
		return do_helper(e, st, pc, insn);
	clear_caller_saved(f);
	mark_unknown(&f->r[BPF_REG_0]);
	return true;
}

/* prepare_func_exit(); false when the path ends (frame 0). */
static bool do_exit(struct eng *e, struct state *st)
{
	struct frame *callee = st->fr[st->cur], *caller;

	if (st->cur == 0)
		return false;
	caller = st->fr[st->cur - 1];
	if (hist_cur(e, st))
		hist_cur(e, st)->flags |= H_POP | (callee->callback ? H_CB : 0);
	if (!callee->callback)
		caller->r[BPF_REG_0] = callee->r[BPF_REG_0];
	st->pc = callee->ret_pc;
	frame_release(e, callee);
	st->fr[st->cur--] = NULL;
	return true;
}

/* ---- branches ---- */

/* @st becomes @other (its frames released, @other's struct freed). */
static void swap_into(struct eng *e, struct state *st, struct state *other)
{
	int i;

	for (i = 0; i <= st->cur; i++)
		frame_release(e, st->fr[i]);
	*st = *other;
	free(other);
}

/* check_cond_jmp_op(): a decided branch needs its scalar operands precise. */
static void precise_branch(const struct eng *e, struct state *st, const struct pf_insn *insn)
{
	precise_reg(e, st, insn->dst & 0xf);
	if (BPF_SRC(insn->code) == BPF_X)
		precise_reg(e, st, insn->src & 0xf);
}

/*
 * A conditional jump: which sides are possible, and each side's state.
 * Returns 1 to continue at the fall-through, 2 at the target, 0 when the
 * path ends; a state for the other side is pushed when both are live.
 */
static int do_branch(struct eng *e, struct state *st, size_t pc, const struct pf_insn *insn)
{
	struct frame *f = st->fr[st->cur];
	uint8_t op = BPF_OP(insn->code);
	bool is32 = pf_insn__class(insn) == BPF_JMP32;
	struct reg *a = &f->r[insn->dst & 0xf];
	struct reg bv, *b = NULL;
	int taken = -1;
	size_t target = (size_t)pf_insn__jump_target(insn, pc);
	struct state *other;

	if (BPF_SRC(insn->code) == BPF_X) {
		b = &f->r[insn->src & 0xf];
		bv = *b;
	} else {
		mark_const(&bv, is32 ? (uint32_t)insn->imm : (uint64_t)(int64_t)insn->imm);
	}
	/* pointers against 0: NULL checks */
	if ((a->type == R_MAPVAL_NULL || a->type == R_PTR_NULL) && is_const(&bv) &&
	    bv.type == R_SCALAR && bv.var.v == 0 && (op == BPF_JEQ || op == BPF_JNE) && !is32) {
		uint32_t id = a->id;

		other = state_dup(e, st);
		if (!other)
			return 0;
		/* fall-through: JEQ not taken -> not NULL */
		mark_null(st, id, op == BPF_JEQ);
		mark_null(other, id, op != BPF_JEQ);
		other->pc = target;
		if (!push_state(e, other))
			return 0;
		return 1;
	}
	if (a->type == R_SCALAR && bv.type == R_SCALAR)
		taken = branch_taken(e, a, &bv, op, is32);
	else if (a->type != R_SCALAR && a->type != R_NOT_INIT && bv.type == R_SCALAR &&
		 is_const(&bv) && bv.var.v == 0 && a->type != R_PTR_NULL && !is32 &&
		 (op == BPF_JEQ || op == BPF_JNE))
		taken = op == BPF_JNE;	/* a non-NULL pointer against 0 */
	if (taken >= 0)
		precise_branch(e, st, insn);
	if (taken == 1) {
		st->pc = target;
		return 2;
	}
	if (taken == 0) {
		st->pc = pc + 1;
		return 1;
	}
	other = state_dup(e, st);
	if (!other)
		return 0;
	other->pc = target;
	/* narrow both sides against a constant */
	if (a->type == R_SCALAR && bv.type == R_SCALAR && is_const(&bv)) {
		struct reg *oa = &other->fr[other->cur]->r[insn->dst & 0xf];

		refine(e, oa, op, bv.var.v, is32, true);
		refine(e, a, op, bv.var.v, is32, false);
		if (bounds_empty(oa)) {
			precise_branch(e, st, insn);
			state_free(e, other);
			other = NULL;
		}
		if (bounds_empty(a)) {
			if (!other)
				return 0;
			precise_branch(e, st, insn);
			/* only the target is possible */
			swap_into(e, st, other);
			return 2;
		}
	} else if (b && a->type == R_SCALAR && b->type == R_SCALAR && is_const(a)) {
		struct reg *ob = &other->fr[other->cur]->r[insn->src & 0xf];
		uint8_t sop = swap_op(op);

		refine(e, ob, sop, a->var.v, is32, true);
		refine(e, b, sop, a->var.v, is32, false);
		if (bounds_empty(ob)) {
			precise_branch(e, st, insn);
			state_free(e, other);
			other = NULL;
		}
		if (bounds_empty(b)) {
			if (!other)
				return 0;
			precise_branch(e, st, insn);
			swap_into(e, st, other);
			return 2;
		}
	}
	if (other && !push_state(e, other))
		return 0;
	st->pc = pc + 1;
	return 1;
}

/* ---- pruning at jump targets ---- */

/* True when the state at loaded slot @idx is covered by one seen before. */
static bool prune(struct eng *e, struct state *st, size_t idx, bool may_goto)
{
	struct visit *v, **pv;
	struct state *copy;
	uint32_t n = may_goto ? 64 : 3;	/* misses per hit before a copy goes */

	for (pv = &e->visited[idx]; (v = *pv);) {
		/*
		 * is_state_visited(): states_equal(NOT_EXACT) whether the
		 * copy's paths have all ended or not (the kernel compares
		 * RANGE_WITHIN only against a loop entry on the current path,
		 * which iterators and may_goto hits set): an imprecise scalar
		 * matches anything, with the precise marks known so far.
		 */
		bool relaxed = !v->exact;

		if (state_safe(v->st, st, e->live[idx], e->live_slots[idx], relaxed)) {
			v->hit++;
			if (relaxed)
				precise_from(e, st, v->st);
			else
				exact_chain(st->parent);
			return true;
		}
		/*
		 * is_state_visited(): a copy that keeps missing is unlikely
		 * to prune anything; comparing against it costs every path.
		 */
		if (++v->miss > v->hit * n + n) {
			*pv = v->next;
			v->next = e->evicted;
			e->evicted = v;
			e->vis_cnt[idx]--;
			continue;
		}
		pv = &v->next;
	}
	if (e->vis_cnt[idx] >= ENGINE_STATES_PER_INSN)
		return false;
	/*
	 * As is_state_visited() does: a path leaves a copy only every few
	 * instructions (a copy per jump target costs more than it prunes),
	 * but always at a loop head it comes back to.
	 */
	if (e->res->processed - st->stored_at < ENGINE_STORE_EVERY && e->vis_cnt[idx] &&
	    !may_goto)
		return false;
	st->stored_at = e->res->processed;
	copy = state_dup(e, st);
	v = copy ? malloc(sizeof(*v)) : NULL;
	if (!v) {
		state_free(e, copy);
		e->nomem = -ENOMEM;
		e->stop = true;
		return false;
	}
	if (pf_grow((void **)&e->open, &e->open_cap, e->open_cnt + 1, sizeof(*e->open))) {
		free(v);
		state_free(e, copy);
		e->nomem = -ENOMEM;
		e->stop = true;
		return false;
	}
	memset(v, 0, sizeof(*v));
	v->st = copy;
	v->level = e->stack_cnt;
	v->next = e->visited[idx];
	e->visited[idx] = v;
	e->vis_cnt[idx]++;
	e->open[e->open_cnt++] = v;
	/* the path goes on from the copy */
	st->parent = v;
	st->hist = 0;
	st->hist_cnt = 0;
	return false;
}

/* ---- one run ---- */

static void explore(struct eng *e, struct state *st)
{
	uint8_t *target;	/* per loaded slot: a jump target (prune point) */

	target = e->res->jump_target;
	for (;;) {
		const struct pf_insn *insn;
		struct frame *f;
		size_t pc, idx;

		if (!st) {
			if (!e->stack_cnt || e->stop || e->fail)
				break;
			st = e->stack[--e->stack_cnt].st;
			/* every path of a copy stored above this level has ended */
			while (e->open_cnt && e->open[e->open_cnt - 1]->level > e->stack_cnt)
				e->open[--e->open_cnt]->complete = true;
		}
		if (e->stop || e->fail) {
			state_free(e, st);
			st = NULL;
			continue;
		}
		f = st->fr[st->cur];
		pc = st->pc;
		insn = insn_at(e, f->sub, pc);
		if (!insn) {
			cannot(e, "the walk left %s at slot %zu",
			       e->obj->funcs[e->prog->funcs[f->sub]].name, pc);
			break;
		}
		if (!regs_ok(insn) || !pf_insn__valid(insn)) {
			/* the kernel refuses it before any stack check; not a stack question */
			cannot(e, "%s insn %zu: not a valid instruction",
			       e->obj->secs[func_of(e, f->sub)->sec].name, pc);
			break;
		}
		idx = loaded_idx(e, f->sub, pc);
		if (target[idx] && prune(e, st, idx, target[idx] == 2)) {
			state_free(e, st);
			st = NULL;
			continue;
		}
		if (++e->res->processed > e->budget) {
			e->res->exhausted = true;
			cannot(e, "more than the %zu instructions the engine explores for this program "
			       "(it prunes less than the verifier)", e->budget);
			break;
		}
		e->res->insn_seen[idx] = 1;
		if (!e->run->explored[f->sub]) {
			e->run->explored[f->sub] = true;
			settle_check(e, f->sub);
		}
		if (e->settle && !e->unsettled_cnt && e->res->processed >= e->settle_after) {
			e->res->settled = true;
			break;
		}
		if (!hist_push(e, st, f->sub, pc))
			goto end_path;
		switch (pf_insn__class(insn)) {
		case BPF_ALU:
		case BPF_ALU64:
			st->pc = pc + 1;
			if (!do_alu(e, st, pc, insn))
				goto end_path;
			break;
		case BPF_LD:
			if (pf_insn__is_ld_imm64(insn)) {
				do_ld_imm64(e, f, f->sub, pc, insn);
				st->pc = pc + 2;
			} else {
				/* legacy packet loads: r0 = packet data, r1-r5 clobbered */
				clear_caller_saved(f);
				load_result(&f->r[BPF_REG_0], pf_insn__mem_size(insn), false);
				st->pc = pc + 1;
			}
			break;
		case BPF_LDX:
		case BPF_STX:
		case BPF_ST:
			st->pc = pc + 1;
			if (!do_mem(e, st, pc, insn))
				goto end_path;
			break;
		case BPF_JMP:
		case BPF_JMP32: {
			uint8_t op = BPF_OP(insn->code);

			if (op == BPF_CALL && pf_insn__class(insn) == BPF_JMP) {
				if (!do_call(e, st, pc, insn))
					goto end_path;
				break;
			}
			if (op == BPF_EXIT) {
				if (!do_exit(e, st))
					goto end_path;
				break;
			}
			if (op == BPF_JA) {
				st->pc = (size_t)pf_insn__jump_target(insn, pc);
				break;
			}
			if (op == BPF_JCOND) {
				/*
				 * may_goto: both ways; the counter lives in the
				 * stack. check_cond_jmp_op() follows the jump (the
				 * counter spent) and pushes the fall-through.
				 */
				struct state *o = state_dup(e, st);

				e->run->may_goto[f->sub]++;
				if (!o)
					goto end_path;
				o->pc = pc + 1;
				if (!push_state(e, o))
					goto end_path;
				st->pc = (size_t)pf_insn__jump_target(insn, pc);
				break;
			}
			if (!do_branch(e, st, pc, insn))
				goto end_path;
			break;
		}
		default:
			st->pc = pc + 1;
			break;
		}
		continue;
end_path:
		state_free(e, st);
		st = NULL;
	}
	state_free(e, st);
	while (e->stack_cnt)
		state_free(e, e->stack[--e->stack_cnt].st);
}

static void visited_free(struct eng *e)
{
	size_t i;

	for (i = 0; i < e->res->insn_total; i++) {
		struct visit *v = e->visited[i], *n;

		for (; v; v = n) {
			n = v->next;
			state_free(e, v->st);
			free(v);
		}
		e->visited[i] = NULL;
		e->vis_cnt[i] = 0;
	}
	e->open_cnt = 0;
	while (e->evicted) {
		struct visit *v = e->evicted;

		e->evicted = v->next;
		state_free(e, v->st);
		free(v);
	}
	e->hnext = 1;	/* the blocks serve the next run */
}

/* Entry state of a root: r1 is the context (main) or unknown (a global). */
static struct state *root_state(struct eng *e, int sub)
{
	struct state *st = calloc(1, sizeof(*st));
	int i;

	if (!st)
		return NULL;
	st->fr[0] = frame_new(e, sub, 0);
	if (!st->fr[0]) {
		free(st);
		return NULL;
	}
	st->fr[0]->ret_pc = SIZE_MAX;
	st->pc = func_of(e, sub)->start;
	if (sub == 0) {
		st->fr[0]->r[BPF_REG_1].type = R_CTX;
		st->fr[0]->r[BPF_REG_1].var = tn_const(0);
	} else {
		/* btf_prepare_func_args(): scalars, or pointers the engine leaves opaque */
		for (i = BPF_REG_1; i <= BPF_REG_5; i++) {
			mark_unknown(&st->fr[0]->r[i]);
		}
	}
	return st;
}

/*
 * The subprograms a run from @root reaches through calls and callbacks
 * (global functions are runs of their own): each unsettled until explored
 * down to its static depth.
 */
static int settle_reach(struct eng *e, int root)
{
	size_t n = e->res->sub_cnt, top = 0, i;
	int *todo;

	free(e->unsettled);
	e->unsettled = calloc(n + 1, 1);
	todo = calloc(n + 1, sizeof(*todo));
	if (!e->unsettled || !todo) {
		free(todo);
		return -ENOMEM;
	}
	e->unsettled_cnt = 0;
	e->settle_after = e->res->processed + e->res->insn_total + 1024;
	e->unsettled[root] = 1;
	todo[top++] = root;
	while (top) {
		const struct pf_function *f = func_of(e, todo[--top]);

		e->unsettled_cnt++;
		for (i = 0; i < f->call_cnt; i++) {
			const struct pf_call *c = &f->calls[i];
			int callee;

			if ((c->kind != PF_CALL_SUBPROG && c->kind != PF_CALL_CALLBACK) || c->target < 0)
				continue;
			callee = sub_of(e, c->target);
			if (callee <= 0 || e->unsettled[callee] || func_of(e, callee)->global)
				continue;
			e->unsettled[callee] = 1;
			todo[top++] = callee;
		}
	}
	free(todo);
	return 0;
}

static int run_root(struct eng *e, int sub)
{
	struct pf_engine_result *res = e->res;
	struct pf_engine_run *run;
	struct state *st;
	size_t n = res->sub_cnt;

	if (pf_grow((void **)&res->runs, &res->run_cap, res->run_cnt + 1, sizeof(*run)))
		return -ENOMEM;
	run = &res->runs[res->run_cnt++];
	memset(run, 0, sizeof(*run));
	run->root = sub;
	run->depth = calloc(n, sizeof(*run->depth));
	run->deepest_insn = calloc(n, sizeof(*run->deepest_insn));
	run->zdepth = calloc(n, sizeof(*run->zdepth));
	run->zdeepest_insn = calloc(n, sizeof(*run->zdeepest_insn));
	run->explored = calloc(n, sizeof(*run->explored));
	run->called = calloc(n, sizeof(*run->called));
	run->may_goto = calloc(n, sizeof(*run->may_goto));
	if (!run->depth || !run->deepest_insn || !run->zdepth || !run->zdeepest_insn ||
	    !run->explored || !run->called || !run->may_goto)
		return -ENOMEM;
	e->run = run;
	e->stop = false;
	if (e->settle && settle_reach(e, sub))
		return -ENOMEM;
	st = root_state(e, sub);
	if (!st)
		return -ENOMEM;
	explore(e, st);
	visited_free(e);
	run->refused = e->stop && !e->nomem;
	return e->nomem;
}

/*
 * Registers each instruction reads and writes, for liveness. A call
 * reads r1-r5 and writes r0-r5; an exit reads r0.
 */
static void insn_use_def(const struct pf_insn *insn, uint16_t *use, uint16_t *def)
{
	uint8_t cls = pf_insn__class(insn), op = BPF_OP(insn->code);
	uint16_t d = 1u << (insn->dst & 0xf), sr = 1u << (insn->src & 0xf);

	*use = *def = 0;
	switch (cls) {
	case BPF_ALU:
	case BPF_ALU64:
		*def = d;
		if (op != BPF_MOV)
			*use |= d;
		if (BPF_SRC(insn->code) == BPF_X && op != BPF_END && op != BPF_NEG)
			*use |= sr;
		break;
	case BPF_LD:
		if (pf_insn__is_ld_imm64(insn)) {
			*def = d;
		} else {
			*use = (1u << BPF_REG_6) | sr;
			*def = 0x3f;
		}
		break;
	case BPF_LDX:
		*use = sr;
		*def = d;
		break;
	case BPF_ST:
		*use = d;
		break;
	case BPF_STX:
		*use = d | sr;
		if (BPF_MODE(insn->code) == BPF_ATOMIC) {
			if (insn->imm == BPF_CMPXCHG) {
				*use |= 1u;
				*def = 1u;
			} else if (insn->imm & BPF_FETCH) {
				*def = sr;
			}
		}
		break;
	case BPF_JMP:
	case BPF_JMP32:
		if (op == BPF_CALL && cls == BPF_JMP) {
			*use = 0x3e;
			*def = 0x3f;
		} else if (op == BPF_EXIT) {
			*use = 1u;
		} else if (op != BPF_JA && op != BPF_JCOND) {
			*use = d;
			if (BPF_SRC(insn->code) == BPF_X)
				*use |= sr;
		}
		break;
	}
	*use |= 1u << BPF_REG_10;
}

/* Backward liveness of registers in each function, to a fixed point. */
static void compute_liveness(struct eng *e)
{
	size_t s;

	for (s = 0; s < e->res->sub_cnt; s++) {
		const struct pf_function *f = func_of(e, (int)s);
		const struct pf_insn *insns = e->obj->secs[f->sec].insns;
		uint16_t *live = &e->live[e->res->base[s]];
		size_t n = f->end - f->start, i, rounds = 0;
		bool changed = true;

		for (i = 0; i < n && changed; i++)
			changed = regs_ok(&insns[f->start + i]);
		if (!changed) {
			for (i = 0; i < n; i++)
				live[i] = 0x7ff;
			continue;
		}
		while (changed && rounds++ < 64) {
			changed = false;
			for (i = n; i-- > 0;) {
				const struct pf_insn *insn = &insns[f->start + i];
				uint16_t use, def, out = 0, in;
				size_t next = i + (pf_insn__is_ld_imm64(insn) ? 2 : 1);
				uint8_t op = BPF_OP(insn->code);

				if (i > 0 && pf_insn__is_ld_imm64(&insns[f->start + i - 1]))
					continue;	/* the second slot of an ld_imm64 */
				insn_use_def(insn, &use, &def);
				if (!pf_insn__is_exit(insn) &&
				    !(pf_insn__is_jump(insn) && op == BPF_JA) && next < n)
					out |= live[next];
				if (pf_insn__is_jump(insn)) {
					int64_t t = pf_insn__jump_target(insn, f->start + i);

					if (t >= (int64_t)f->start && t < (int64_t)f->end)
						out |= live[t - f->start];
				}
				in = use | (out & ~def);
				if (in != live[i]) {
					live[i] = in;
					changed = true;
				}
			}
		}
		if (changed)	/* did not settle: every register counts */
			for (i = 0; i < n; i++)
				live[i] = 0x7ff;
	}
}

/*
 * Stack slot liveness, for pruning (the kernel's REG_LIVE_READ on stack
 * slots, found statically). A forward pass tells which registers point
 * into the function's own frame (r10 + K, or somewhere in it); a backward
 * pass collects the slots a later instruction may read: a load through
 * such a pointer reads its bytes, and a pointer that escapes (a call
 * argument, stored to memory, of unknown offset) may read every slot from
 * its offset up to r10. An aligned 8-byte store through r10 + K kills the
 * slot. A slot no path from here reads cannot tell two states apart.
 */
enum { FP_NONE, FP_K, FP_ANY };

struct fpval {
	uint8_t kind;
	int32_t k;
};

/* Slots [off, off + size) below r10 as a mask (slot i: r10 - 8 * (i + 1)). */
static uint64_t slot_mask(int64_t off, int64_t size)
{
	uint64_t m = 0;
	int64_t o;

	if (size <= 0)
		return 0;
	for (o = off; o < off + size && o < 0; o++)
		if (o >= -PF_MAX_BPF_STACK)
			m |= 1ULL << ((-o - 1) / 8);
	return m;
}

/* Every slot from @off up to r10: what an escaped pointer may read. */
static uint64_t slots_above(const struct fpval *v)
{
	if (v->kind == FP_ANY || v->k >= 0 || v->k < -PF_MAX_BPF_STACK)
		return UINT64_MAX;
	return slot_mask(v->k, -(int64_t)v->k);
}

/* A register that points into the frame on one path may on the join. */
static void fp_join(struct fpval *into, const struct fpval *from, bool *changed)
{
	struct fpval n;

	if (from->kind == FP_NONE || (into->kind == from->kind && into->k == from->k))
		return;
	if (into->kind == FP_NONE)
		n = *from;
	else
		n = (struct fpval){ FP_ANY, 0 };
	if (n.kind != into->kind || n.k != into->k) {
		*into = n;
		*changed = true;
	}
}

static void compute_slot_liveness(struct eng *e)
{
	size_t s;

	for (s = 0; s < e->res->sub_cnt; s++) {
		const struct pf_function *f = func_of(e, (int)s);
		const struct pf_insn *insns = e->obj->secs[f->sec].insns;
		uint64_t *live = &e->live_slots[e->res->base[s]];
		size_t n = f->end - f->start, i, rounds = 0;
		struct fpval (*in)[11] = calloc(n + 1, sizeof(*in));
		uint64_t *reads = calloc(n + 1, sizeof(*reads)), *kills = calloc(n + 1, sizeof(*kills));
		uint8_t *reached = calloc(n + 1, 1);
		bool changed = true, spilled = false;

		for (i = 0; i < n && changed; i++)
			changed = regs_ok(&insns[f->start + i]);
		if (!in || !reads || !kills || !reached || !changed) {
			changed = true;
			for (i = 0; i < n; i++)
				live[i] = UINT64_MAX;
			goto next;
		}
		/* forward: which registers point into this frame */
		in[0][BPF_REG_10] = (struct fpval){ FP_K, 0 };
		reached[0] = 1;
		while (changed && rounds++ < 64) {
			changed = false;
			for (i = 0; i < n; i++) {
				const struct pf_insn *insn = &insns[f->start + i];
				struct fpval r[11];
				uint8_t cls = pf_insn__class(insn), op = BPF_OP(insn->code);
				size_t next = i + (pf_insn__is_ld_imm64(insn) ? 2 : 1);
				int d = insn->dst & 0xf, sr = insn->src & 0xf, j;

				if (!reached[i])
					continue;
				memcpy(r, in[i], sizeof(r));
				switch (cls) {
				case BPF_ALU64:
				case BPF_ALU:
					if (cls == BPF_ALU64 && op == BPF_MOV && BPF_SRC(insn->code) == BPF_X &&
					    !insn->off)
						r[d] = r[sr];
					else if (cls == BPF_ALU64 && (op == BPF_ADD || op == BPF_SUB) &&
						 r[d].kind == FP_K && BPF_SRC(insn->code) == BPF_K)
						r[d].k += op == BPF_ADD ? insn->imm : -insn->imm;
					else if (cls == BPF_ALU64 && (op == BPF_ADD || op == BPF_SUB) &&
						 (r[d].kind != FP_NONE ||
						  (BPF_SRC(insn->code) == BPF_X && r[sr].kind != FP_NONE)))
						r[d].kind = FP_ANY;
					else
						r[d].kind = FP_NONE;
					break;
				case BPF_LD:
					if (pf_insn__is_ld_imm64(insn))
						r[d].kind = FP_NONE;
					else
						for (j = 0; j <= 5; j++)
							r[j].kind = FP_NONE;
					break;
				case BPF_LDX:
					r[d].kind = spilled ? FP_ANY : FP_NONE;
					break;
				case BPF_STX:
					if (r[sr].kind != FP_NONE && !spilled) {
						spilled = true;	/* a pointer stored: loads may give it back */
						changed = true;
					}
					if (BPF_MODE(insn->code) == BPF_ATOMIC && (insn->imm & BPF_FETCH))
						r[insn->imm == BPF_CMPXCHG ? 0 : sr].kind = FP_NONE;
					break;
				case BPF_JMP:
				case BPF_JMP32:
					if (op == BPF_CALL && cls == BPF_JMP)
						for (j = 0; j <= 5; j++)
							r[j].kind = FP_NONE;
					break;
				}
				if (pf_insn__is_exit(insn))
					continue;
				if (!(pf_insn__is_jump(insn) && op == BPF_JA) && next < n) {
					for (j = 0; j < 11; j++)
						fp_join(&in[next][j], &r[j], &changed);
					if (!reached[next])
						reached[next] = 1, changed = true;
				}
				if (pf_insn__is_jump(insn)) {
					int64_t t = pf_insn__jump_target(insn, f->start + i);

					if (t >= (int64_t)f->start && t < (int64_t)f->end) {
						t -= (int64_t)f->start;
						for (j = 0; j < 11; j++)
							fp_join(&in[t][j], &r[j], &changed);
						if (!reached[t])
							reached[t] = 1, changed = true;
					}
				}
			}
		}
		if (changed) {
			for (i = 0; i < n; i++)
				live[i] = UINT64_MAX;
			goto next;
		}
		/* what each instruction reads and kills */
		for (i = 0; i < n; i++) {
			const struct pf_insn *insn = &insns[f->start + i];
			const struct fpval *r = in[i];
			uint8_t cls = pf_insn__class(insn), op = BPF_OP(insn->code);
			int d = insn->dst & 0xf, sr = insn->src & 0xf, size = pf_insn__mem_size(insn), j;

			if (cls == BPF_LDX || (cls == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC)) {
				const struct fpval *b = &r[cls == BPF_LDX ? sr : d];

				if (b->kind == FP_K)
					reads[i] |= slot_mask((int64_t)b->k + insn->off, size);
				else if (b->kind == FP_ANY)
					reads[i] = UINT64_MAX;
			}
			if (cls == BPF_STX && r[sr].kind != FP_NONE)
				reads[i] |= slots_above(&r[sr]);
			if ((cls == BPF_STX || cls == BPF_ST) && BPF_MODE(insn->code) == BPF_MEM &&
			    r[d].kind == FP_K && size == 8 && ((int64_t)r[d].k + insn->off) % 8 == 0 &&
			    (int64_t)r[d].k + insn->off < 0)
				kills[i] = slot_mask((int64_t)r[d].k + insn->off, 8);
			if (op == BPF_CALL && cls == BPF_JMP)
				for (j = 1; j <= 5; j++)
					if (r[j].kind != FP_NONE)
						reads[i] |= slots_above(&r[j]);
			if (pf_insn__is_exit(insn) && r[0].kind != FP_NONE)
				reads[i] = UINT64_MAX;
		}
		/* backward: slots read on some path from here */
		changed = true;
		rounds = 0;
		while (changed && rounds++ < 64) {
			changed = false;
			for (i = n; i-- > 0;) {
				const struct pf_insn *insn = &insns[f->start + i];
				size_t next = i + (pf_insn__is_ld_imm64(insn) ? 2 : 1);
				uint8_t op = BPF_OP(insn->code);
				uint64_t out = 0, v;

				if (i > 0 && pf_insn__is_ld_imm64(&insns[f->start + i - 1]))
					continue;
				if (!pf_insn__is_exit(insn) &&
				    !(pf_insn__is_jump(insn) && op == BPF_JA) && next < n)
					out |= live[next];
				if (pf_insn__is_jump(insn)) {
					int64_t t = pf_insn__jump_target(insn, f->start + i);

					if (t >= (int64_t)f->start && t < (int64_t)f->end)
						out |= live[t - f->start];
				}
				v = reads[i] | (out & ~kills[i]);
				if (v != live[i]) {
					live[i] = v;
					changed = true;
				}
			}
		}
		if (changed)
			for (i = 0; i < n; i++)
				live[i] = UINT64_MAX;
next:
		free(in);
		free(reads);
		free(kills);
		free(reached);
	}
}

/* Jump targets and the fall-through after conditional jumps: prune points. */
static void mark_prune_points(struct eng *e)
{
	size_t s;

	for (s = 0; s < e->res->sub_cnt; s++) {
		const struct pf_function *f = func_of(e, (int)s);
		const struct pf_insn *insns = e->obj->secs[f->sec].insns;
		size_t pc;

		/*
		 * A function's entry too: a timer callback that re-arms itself
		 * pushes its own start again, and only pruning there ends it.
		 */
		if (f->end > f->start)
			e->res->jump_target[e->res->base[s]] = 1;
		pf_function__jump_targets(e->obj, f, &e->res->jump_target[e->res->base[s]]);
		for (pc = f->start; pc < f->end; pc++) {
			if (pf_insn__is_ld_imm64(&insns[pc])) {
				pc++;
				continue;
			}
			if (pf_insn__class(&insns[pc]) == BPF_JMP && BPF_OP(insns[pc].code) == BPF_JCOND)
				e->res->jump_target[loaded_idx(e, (int)s, pc)] = 2;	/* may_goto */
		}
	}
}

int pf_engine__run(const struct pf_object *obj, const struct pf_program *prog,
		   const struct pf_rodata *ro, size_t budget, bool settle,
		   struct pf_engine_sem sem, struct pf_engine_result *res)
{
	struct eng e = { .obj = obj, .prog = prog, .ro = ro, .res = res, .settle = settle, .hnext = 1,
			 .budget = budget && budget < ENGINE_INSN_LIMIT ? budget : ENGINE_INSN_LIMIT };
	size_t n = prog->func_cnt, i, total = 0;
	int err = 0;

	memset(res, 0, sizeof(*res));
	res->sem = sem;
	res->sub_cnt = n;
	res->base = calloc(n + 1, sizeof(*res->base));
	pf_program__sub_refs(prog, &e.subs);
	if (!res->base || !e.subs) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct pf_function *f = &obj->funcs[prog->funcs[i]];

		res->base[i] = total;
		total += f->end - f->start;
	}
	res->insn_total = total;
	res->insn_seen = calloc(total + 1, 1);
	res->jump_target = calloc(total + 1, 1);
	e.visited = calloc(total + 1, sizeof(*e.visited));
	e.vis_cnt = calloc(total + 1, sizeof(*e.vis_cnt));
	e.live = calloc(total + 1, sizeof(*e.live));
	e.live_slots = calloc(total + 1, sizeof(*e.live_slots));
	e.fc_member = calloc(total + 1, 1);
	res->fc = calloc(n + 1, sizeof(*res->fc));
	if (!res->insn_seen || !res->jump_target || !e.visited || !e.vis_cnt || !e.live ||
	    !e.live_slots || !e.fc_member || !res->fc) {
		err = -ENOMEM;
		goto out;
	}
	pf_fastcall__scan(obj, prog, res->base, res->fc, e.fc_member);
	mark_prune_points(&e);
	compute_liveness(&e);
	compute_slot_liveness(&e);
	/* main, then every global function on its own (the profile orders them) */
	err = run_root(&e, 0);
	for (i = 1; !err && i < n && !e.fail; i++)
		if (func_of(&e, (int)i)->global)
			err = run_root(&e, (int)i);
	/* the exception callback: a root of its own (6.7+; the profile decides) */
	{
		int cb = pf_program__exception_cb(obj, prog);
		int sub = cb >= 0 ? sub_of(&e, cb) : -1;

		for (i = 0; sub > 0 && i < res->run_cnt; i++)
			if (res->runs[i].root == sub)
				break;
		if (!err && !e.fail && sub > 0 && i == res->run_cnt)
			err = run_root(&e, sub);
		if (!err && sub > 0 && i < res->run_cnt)
			res->runs[i].exception_cb = true;
	}
	res->ok = !e.fail;
	if (getenv("PF_ENGINE_DEBUG"))
		fprintf(stderr, "engine: %s: jeq_bounds %d (used %d, jmp32 %d): %zu runs, %zu processed of %zu, %s\n",
			obj->funcs[prog->func].name, sem.jeq_bounds, res->used_jeq_bounds,
			res->used_jeq_refine, res->run_cnt, res->processed, res->insn_total,
			res->settled ? "settled" : res->ok ? "ok" : res->why);
out:
	free(e.subs);
	free(e.visited);
	free(e.open);
	for (i = 0; i < e.hblk_cnt; i++)
		free(e.hblk[i]);
	free(e.hblk);
	while (e.free_frames) {
		struct frame *f = e.free_frames;

		e.free_frames = f->next_free;
		free(f->slots);
		free(f);
	}
	free(e.vis_cnt);
	free(e.live);
	free(e.live_slots);
	free(e.fc_member);
	free(e.unsettled);
	free(e.stack);
	return err;
}

void pf_engine__free(struct pf_engine_result *res)
{
	size_t i;

	for (i = 0; i < res->run_cnt; i++) {
		struct pf_engine_run *r = &res->runs[i];

		free(r->depth);
		free(r->deepest_insn);
		free(r->zdepth);
		free(r->zdeepest_insn);
		free(r->explored);
		free(r->called);
		free(r->may_goto);
		free(r->ev);
	}
	free(res->runs);
	free(res->base);
	free(res->insn_seen);
	free(res->jump_target);
	free(res->fc);
	memset(res, 0, sizeof(*res));
}

bool pf_engine__seen(const struct pf_engine_result *res, const struct pf_object *obj,
		     const struct pf_program *prog, size_t sub, size_t insn)
{
	const struct pf_function *f;

	if (sub >= res->sub_cnt || !res->insn_seen)
		return false;
	f = &obj->funcs[prog->funcs[sub]];
	if (insn < f->start || insn >= f->end)
		return false;
	return res->insn_seen[res->base[sub] + insn - f->start];
}

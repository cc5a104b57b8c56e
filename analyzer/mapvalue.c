// SPDX-License-Identifier: MIT
/*
 * Map values through one function (include/mapvalue.h): a forward dataflow
 * in the shape of stack.c, over registers and 8-byte stack slots, that
 * follows the pointers bpf_map_lookup_elem() and bpf_map_lookup_percpu_elem()
 * return, and the numbers read through them.
 *
 * NULL checks mirror check_cond_jmp_op(): a 64-bit JEQ/JNE of a may-be-NULL
 * pointer against the immediate 0 makes every register and spill holding
 * the same lookup result non-NULL on one edge and the scalar 0 on the other
 * (mark_ptr_or_null_regs()); JMP32 compares mark nothing. Compares with a
 * register (0, or a non-NULL pointer) count only on some kernels, so the
 * pointer is forgotten there. Uses the verifier refuses while the pointer
 * may be NULL are memory accesses through it (check_mem_access(): "invalid
 * mem access") and arithmetic on it (adjust_ptr_min_max_vals()).
 *
 * A value read through a lookup result stays tied to the bytes it came from
 * while it is copied, spilled and computed with; storing it back over the
 * same bytes after arithmetic, with a plain store, is a read-modify-write
 * another CPU can interleave with.
 *
 * States live at block leaders and every value only falls (towards
 * "unknown", a NULL level only rises), so a function costs time linear in
 * its size times a small constant. Nothing recurses on the input.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_limits.h"
#include "analysis.h"
#include "mapvalue.h"
#include "stack.h"
#include "util.h"

#ifndef BPF_F_INNER_MAP
#define BPF_F_INNER_MAP		(1U << 12)
#endif
/* cpu v4 load-acquire / store-release (6.15), encoded as BPF_ATOMIC. */
#define PF_LOAD_ACQ		0x100
#define PF_STORE_REL		0x110
/* Longer than the verifier's own limit (1M instructions): refused anyway. */
#define MV_MAX_INSNS		1000000u

enum mv_kind {
	MV_NONE,	/* no path reached it yet */
	MV_UNK,		/* anything: the verifier may know more than we do */
	MV_SCALAR,	/* a number the verifier knows on no path (ctx, packet, helper result) */
	MV_CONST,	/* a number known on every path */
	MV_FP,		/* r10 + v */
	MV_ARG,		/* a pointer the function received */
	MV_MAP,		/* a map (ld_imm64), v = map index */
	MV_PTR,		/* a lookup result */
	MV_LOADED,	/* a number read through a lookup result */
};

#define MVF_VAROFF	0x01	/* PTR, LOADED: plus a variable index added at .var */
#define MVF_MERGED	0x02	/* PTR: joined from two lookup sites, .id the lower */
#define MVF_ARITH	0x04	/* LOADED: computed with since it was read */
#define MVF_UNLOCKED	0x08	/* LOADED: read with no bpf_spin_lock held on any path */
#define MVF_CPUID	0x10	/* SCALAR: bpf_get_smp_processor_id() on every path */
#define MVF_CPUKEY	0x20	/* PTR: looked up, on every path, with a key no two CPUs hold at once */
#define MVF_TID		0x40	/* SCALAR: the current thread's id (bpf_get_current_pid_tgid()'s low half) */

/* No implicit padding: states are compared with memcmp(). */
struct mv_val {
	uint8_t kind;
	uint8_t flags;
	uint8_t null;		/* PTR: enum pf_mv_null */
	uint8_t size;		/* LOADED: bytes read */
	uint8_t spill_size;	/* in a stack slot: bytes stored, 0 in a register */
	uint8_t spill_off;	/* in a stack slot: where they start inside the slot */
	uint16_t rsvd;
	int32_t v;		/* CONST value, FP offset, MAP index, PTR/LOADED byte offset */
	uint32_t id;		/* PTR, LOADED: slot of the lookup, from the function start */
	uint32_t var;		/* MVF_VAROFF: slot of the instruction that added the index */
	int32_t map;		/* PTR: map index */
	uint32_t load;		/* LOADED: slot of the load, from the function start */
};

#define NSLOTS	PF_STACK_SLOTS

struct mv_state {
	uint8_t reached;
	uint8_t locked;		/* a bpf_spin_lock may be held */
	uint16_t rsvd;
	struct mv_val r[11];
	struct mv_val slot[NSLOTS];	/* slot k = r10 - 8 * (k + 1) */
};

struct walk {
	const struct pf_object *obj;
	const struct pf_function *f;
	const struct pf_section *sec;
	uint32_t *leader_idx;	/* slot -> 1 + index into states, 0 if none */
	/*
	 * States at leaders, state_size bytes apart: only the first nslots
	 * stack slots, the ones the function's stack facts say it touches,
	 * are kept, copied and joined; the rest stay zero (MV_NONE).
	 */
	uint8_t *states;
	size_t state_size;
	int nslots;
	struct mv_state cur;	/* scratch: the block being walked */
	struct mv_state branch;	/* scratch: the taken edge of a conditional jump */
	size_t cursor;		/* lowest slot (from the start) that may be queued */
	uint8_t *queued;
	int64_t *site_key;	/* per slot: constant key of the lookup there, or -1 */
	bool report;		/* the final pass: record what is found */
	struct pf_mv_report *out;
	size_t null_cap, race_cap;
	int err;
};

static struct mv_val unk(void)
{
	return (struct mv_val){ .kind = MV_UNK };
}

static struct mv_val scalar(void)
{
	return (struct mv_val){ .kind = MV_SCALAR };
}

/* A constant, or unknown when @v does not fit the 32-bit field. */
static struct mv_val mk_const(int64_t v)
{
	if (v < INT32_MIN || v > INT32_MAX)
		return unk();
	return (struct mv_val){ .kind = MV_CONST, .v = (int32_t)v };
}

/* A number the verifier cannot know to be constant on any path. */
static bool is_runtime(const struct mv_val *v)
{
	return v->kind == MV_SCALAR || v->kind == MV_LOADED;
}

static bool is_number(const struct mv_val *v)
{
	return is_runtime(v) || v->kind == MV_CONST;
}

static bool val_eq(const struct mv_val *a, const struct mv_val *b)
{
	return !memcmp(a, b, sizeof(*a));
}

bool pf_mapvalue__percpu(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE:
		return true;
	default:
		return false;
	}
}

/* Map types whose lookups return a map value (or, for maps of maps, an inner map). */
static bool tracked_type(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return true;
	default:
		return false;
	}
}

static bool of_maps(uint32_t type)
{
	return type == BPF_MAP_TYPE_ARRAY_OF_MAPS || type == BPF_MAP_TYPE_HASH_OF_MAPS;
}

static const struct pf_map *map_of(const struct walk *w, const struct mv_val *p)
{
	return &w->obj->maps[p->map];
}

/* Two lookup results: the same pointer on both paths, or unknown. */
static struct mv_val join_ptr(const struct mv_val *a, const struct mv_val *b)
{
	struct mv_val r = *a;
	uint32_t id;

	if (a->map != b->map || a->v != b->v || ((a->flags ^ b->flags) & MVF_VAROFF) ||
	    a->var != b->var)
		return unk();
	r.null = a->null > b->null ? a->null : b->null;
	/* keyed by the CPU id only if on both paths */
	r.flags = (a->flags | b->flags) & ~(MVF_CPUKEY & ~(a->flags & b->flags));
	if (a->id == b->id)
		return r;
	/*
	 * "If not found, insert and look up again" joins two lookups of the
	 * same map. Keep one identity, the lower site, and go to unknown if a
	 * merged value would need to change it again: the number of changes
	 * a value can go through stays bounded.
	 */
	id = a->id < b->id ? a->id : b->id;
	if (((a->flags & MVF_MERGED) && a->id != id) || ((b->flags & MVF_MERGED) && b->id != id))
		return unk();
	r.id = id;
	r.flags |= MVF_MERGED;
	return r;
}

static struct mv_val join2(const struct mv_val *a, const struct mv_val *b)
{
	struct mv_val r;

	if (a->kind == MV_NONE)
		return *b;
	if (b->kind == MV_NONE || val_eq(a, b))
		return *a;
	if (a->spill_size != b->spill_size || a->spill_off != b->spill_off)
		return unk();
	if (a->kind == MV_PTR && b->kind == MV_PTR)
		r = join_ptr(a, b);
	else if (a->kind == MV_LOADED && b->kind == MV_LOADED && a->id == b->id &&
		 a->v == b->v && a->var == b->var && a->size == b->size && a->load == b->load &&
		 !((a->flags ^ b->flags) & MVF_VAROFF)) {
		r = *a;
		/* arithmetic on one path is enough; "unlocked" must hold on all */
		r.flags = (a->flags | (b->flags & MVF_ARITH)) & ~(MVF_UNLOCKED & ~b->flags);
	} else if (is_runtime(a) && is_runtime(b)) {
		r = scalar();
	} else {
		r = unk();
	}
	r.spill_size = a->spill_size;
	r.spill_off = a->spill_off;
	if (r.kind == MV_UNK)
		r.spill_size = r.spill_off = 0;
	return r;
}

static struct mv_state *state_at(const struct walk *w, uint32_t li)
{
	return (struct mv_state *)(w->states + (size_t)(li - 1) * w->state_size);
}

static bool join_state(const struct walk *w, struct mv_state *into, const struct mv_state *from)
{
	bool changed = false;
	int i;

	if (!into->reached) {
		memcpy(into, from, w->state_size);
		return true;
	}
	if (!memcmp(into, from, w->state_size))
		return false;
	if (from->locked && !into->locked) {
		into->locked = 1;
		changed = true;
	}
	for (i = 0; i < 11 + w->nslots; i++) {
		struct mv_val *iv = i < 11 ? &into->r[i] : &into->slot[i - 11];
		const struct mv_val *fv = i < 11 ? &from->r[i] : &from->slot[i - 11];
		struct mv_val j = join2(iv, fv);

		if (!val_eq(&j, iv)) {
			*iv = j;
			changed = true;
		}
	}
	return changed;
}

static void flow_to(struct walk *w, size_t target, const struct mv_state *s)
{
	size_t rel = target - w->f->start;
	uint32_t li = w->leader_idx[rel];

	/* the final pass only reads states at their fixpoint */
	if (!li || w->report)
		return;
	if (join_state(w, state_at(w, li), s) && !w->queued[rel]) {
		w->queued[rel] = 1;
		if (rel < w->cursor)
			w->cursor = rel;
	}
}

/* ---- what the final pass records ------------------------------------- */

static void null_use(struct walk *w, const struct mv_val *p, int reg, bool arith, size_t i)
{
	struct pf_mv_report *o = w->out;
	struct pf_mv_null_use *u;

	if (!w->report || p->kind != MV_PTR || p->null == PF_MV_NONNULL || w->err)
		return;
	if (pf_grow((void **)&o->nulls, &w->null_cap, o->null_cnt + 1, sizeof(*u))) {
		w->err = -ENOMEM;
		return;
	}
	u = &o->nulls[o->null_cnt++];
	u->insn = i;
	u->lookup_insn = w->f->start + p->id;
	u->map = p->map;
	u->reg = reg;
	u->arith = arith;
	u->level = (enum pf_mv_null)p->null;
	u->key = -1;
}

/* A plain store of @val over @size bytes at @off from @base. */
static void check_race(struct walk *w, const struct mv_state *s, const struct mv_val *base,
		       const struct mv_val *val, int64_t off, int size, size_t i)
{
	struct pf_mv_report *o = w->out;
	const struct pf_map *m;
	struct pf_mv_race *r;
	int64_t st, ld;

	if (!w->report || w->err || base->kind != MV_PTR || val->kind != MV_LOADED ||
	    !(val->flags & MVF_ARITH) || val->id != base->id)
		return;
	/* a NULL-able pointer never reaches the store: the program is refused */
	if (base->null == PF_MV_MAYBE_NULL)
		return;
	if ((val->flags ^ base->flags) & MVF_VAROFF ||
	    ((base->flags & MVF_VAROFF) && val->var != base->var))
		return;
	st = (int64_t)base->v + off;
	ld = val->v;
	if (st + size <= ld || ld + val->size <= st)
		return;
	/* a bpf_spin_lock may cover both the read and the write */
	if (s->locked && !(val->flags & MVF_UNLOCKED))
		return;
	m = map_of(w, base);
	/* one element per CPU, chosen by bpf_get_smp_processor_id(): per-CPU too */
	if (pf_mapvalue__percpu(m->type) || of_maps(m->type) || (base->flags & MVF_CPUKEY))
		return;
	if (pf_grow((void **)&o->races, &w->race_cap, o->race_cnt + 1, sizeof(*r))) {
		w->err = -ENOMEM;
		return;
	}
	r = &o->races[o->race_cnt++];
	r->store_insn = i;
	r->load_insn = w->f->start + val->load;
	r->lookup_insn = w->f->start + base->id;
	r->map = base->map;
	r->off = (int32_t)st;
	r->size = (uint8_t)size;
	r->var_off = base->flags & MVF_VAROFF;
}

/* ---- the stack ---------------------------------------------------------- */

/* The slot holding [@o, @o + @size) relative to r10, or -1 if none holds all of it. */
static int slot_index(int64_t o, int size, int *soff)
{
	int64_t k;

	if (o >= 0 || o < -8 * NSLOTS)
		return -1;
	k = (-o - 1) / 8;
	*soff = (int)(o + 8 * (k + 1));
	if (*soff + size > 8)
		return -1;
	return (int)k;
}

/* Forget the slots [@o, @o + @size) touches; @size < 0: everything from @o up to r10. */
static void clobber(struct mv_state *s, int64_t o, int64_t size)
{
	int64_t end = size < 0 ? 0 : o + size, k;

	if (o < -8 * NSLOTS)
		o = -8 * NSLOTS;
	for (k = o & ~7LL; k < end && k < 0; k += 8)
		s->slot[-k / 8 - 1] = unk();
}

static int64_t sext(int64_t v, int size)
{
	int sh = 64 - 8 * size;

	/* size <= 0: a fuzzed movsx offset; shifting by 64 or more is UB (tests/fuzz) */
	return size >= 8 || size <= 0 ? v : (int64_t)((uint64_t)v << sh) >> sh;
}

static int64_t zext(int64_t v, int size)
{
	return size >= 8 ? v : (int64_t)((uint64_t)v & ((1ULL << (8 * size)) - 1));
}

/* Read @size bytes at r10 + @o; @sign: a sign-extending load. */
static struct mv_val read_stack(const struct mv_state *s, int64_t o, int size, bool sign)
{
	struct mv_val v;
	int soff, k = slot_index(o, size, &soff);

	if (k < 0)
		return unk();
	v = s->slot[k];
	if (v.kind == MV_NONE || v.kind == MV_UNK)
		return unk();
	if (v.spill_size != size || v.spill_off != soff)
		/* part of a spilled number is a number nobody knows */
		return is_runtime(&v) ? scalar() : unk();
	v.spill_size = v.spill_off = 0;
	if (v.kind == MV_CONST && size < 8)
		v = mk_const(sign ? sext(v.v, size) : zext(v.v, size));
	return v;
}

/* A store of @val, @size bytes at r10 + @o (check_stack_write_fixed_off()). */
static void write_stack(struct mv_state *s, int64_t o, int size, const struct mv_val *val)
{
	int soff, k = slot_index(o, size, &soff);
	struct mv_val v = *val;

	if (k < 0) {
		clobber(s, o, size);
		return;
	}
	if (size < 8 && !is_number(&v))
		v = unk();	/* part of a pointer */
	if (size < 4)
		v.flags &= (uint8_t)~(MVF_CPUID | MVF_TID);	/* part of an id names nobody */
	if (v.kind == MV_UNK || v.kind == MV_NONE) {
		s->slot[k] = unk();
		return;
	}
	v.spill_size = (uint8_t)size;
	v.spill_off = (uint8_t)soff;
	s->slot[k] = v;
}

/* ---- instructions ------------------------------------------------------- */

/* A value read through lookup result @p. */
static struct mv_val loaded(const struct walk *w, const struct mv_state *s,
			    const struct mv_val *p, int64_t off, int size, size_t i)
{
	const struct pf_map *m = map_of(w, p);
	struct mv_val v = { .kind = MV_LOADED };
	int64_t at = (int64_t)p->v + off;

	/* inner maps are not values; read-only maps may be frozen constants */
	if (of_maps(m->type) || (m->map_flags & BPF_F_RDONLY_PROG) || at < INT32_MIN ||
	    at > INT32_MAX)
		return of_maps(m->type) ? unk() : scalar();
	v.flags = (p->flags & MVF_VAROFF) | (s->locked ? 0 : MVF_UNLOCKED);
	v.size = (uint8_t)size;
	v.v = (int32_t)at;
	v.id = p->id;
	v.var = p->var;
	v.load = (uint32_t)(i - w->f->start);
	return v;
}

/* A load of @size bytes at @off from register @reg into @dst. */
static void do_load(struct walk *w, struct mv_state *s, int dst, int reg, int16_t off,
		    int size, bool sign, size_t i)
{
	struct mv_val base = s->r[reg], out;

	switch (base.kind) {
	case MV_FP:
		out = read_stack(s, (int64_t)base.v + off, size, sign);
		break;
	case MV_PTR:
		null_use(w, &base, reg, false, i);
		out = loaded(w, s, &base, off, size, i);
		break;
	case MV_ARG:
		/* ctx fields and packet bytes; 8 bytes may be a pointer */
		out = size < 8 ? scalar() : unk();
		break;
	default:
		out = unk();
		break;
	}
	s->r[dst] = out;
}

static void step_ldx(struct walk *w, struct mv_state *s, const struct pf_insn *insn, size_t i)
{
	uint8_t mode = BPF_MODE(insn->code);

	if (mode != BPF_MEM && mode != BPF_MEMSX) {
		s->r[insn->dst] = unk();
		return;
	}
	do_load(w, s, insn->dst, insn->src, insn->off, pf_insn__mem_size(insn), mode == BPF_MEMSX, i);
}

static void step_store(struct walk *w, struct mv_state *s, const struct pf_insn *insn, size_t i)
{
	uint8_t cls = pf_insn__class(insn), mode = BPF_MODE(insn->code);
	int size = pf_insn__mem_size(insn);
	struct mv_val base = s->r[insn->dst], val;
	bool atomic = cls == BPF_STX && mode == BPF_ATOMIC;

	if (mode != BPF_MEM && !atomic)
		return;
	if (atomic && insn->imm == PF_LOAD_ACQ) {
		/* dst = load_acquire(src + off): a load */
		do_load(w, s, insn->dst, insn->src, insn->off, size, false, i);
		return;
	}
	val = cls == BPF_ST ? mk_const(insn->imm) : s->r[insn->src];
	val.spill_size = val.spill_off = 0;
	if (base.kind == MV_PTR) {
		null_use(w, &base, insn->dst, false, i);
		if (!atomic || insn->imm == PF_STORE_REL)
			check_race(w, s, &base, &val, insn->off, size, i);
	} else if (base.kind == MV_FP) {
		if (atomic && insn->imm != PF_STORE_REL)
			clobber(s, (int64_t)base.v + insn->off, size);
		else
			write_stack(s, (int64_t)base.v + insn->off, size, &val);
	}
	if (atomic && (insn->imm & BPF_FETCH))
		s->r[insn->imm == BPF_CMPXCHG ? 0 : insn->src] =
			base.kind == MV_PTR ? scalar() : unk();
}

static int64_t fold(uint8_t op, int64_t a, int64_t b, bool is64, bool *ok)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b, r;

	*ok = true;
	if (!is64) {
		ua = (uint32_t)ua;
		ub = (uint32_t)ub;
	}
	switch (op) {
	case BPF_ADD: r = ua + ub; break;
	case BPF_SUB: r = ua - ub; break;
	case BPF_MUL: r = ua * ub; break;
	case BPF_AND: r = ua & ub; break;
	case BPF_OR:  r = ua | ub; break;
	case BPF_XOR: r = ua ^ ub; break;
	case BPF_LSH: r = ua << (ub & (is64 ? 63 : 31)); break;
	case BPF_RSH: r = ua >> (ub & (is64 ? 63 : 31)); break;
	case BPF_DIV: r = ub ? ua / ub : 0; break;	/* the ISA: x / 0 = 0 */
	case BPF_MOD: r = ub ? ua % ub : ua; break;
	default:
		*ok = false;
		return 0;
	}
	return is64 ? (int64_t)r : (int64_t)(uint32_t)r;
}

/*
 * Arithmetic on a lookup result. While it may be NULL the verifier refuses
 * any ALU64 operation with a scalar (adjust_ptr_min_max_vals(): "pointer
 * arithmetic on map_value_or_null prohibited"); after the check an added
 * constant moves the offset and an added variable makes it an index.
 */
static void ptr_alu(struct walk *w, struct mv_state *s, const struct pf_insn *insn,
		    const struct mv_val *src, size_t i)
{
	struct mv_val *dst = &s->r[insn->dst];
	bool ptr_dst = dst->kind == MV_PTR;
	struct mv_val p = ptr_dst ? *dst : *src, other = ptr_dst ? *src : *dst;
	uint8_t op = BPF_OP(insn->code);
	bool is64 = pf_insn__class(insn) == BPF_ALU64;
	int64_t off;

	if (other.kind == MV_PTR || !is64) {
		/* pointer with pointer, 32-bit: other messages come first */
		*dst = unk();
		return;
	}
	if (p.null != PF_MV_NONNULL) {
		/* any ALU64 operation with a scalar, before its opcode is looked at */
		if (is_number(&other))
			null_use(w, &p, insn->dst, true, i);
		if (p.null == PF_MV_MAYBE_NULL) {
			*dst = unk();
			return;
		}
	}
	if (op != BPF_ADD && !(ptr_dst && op == BPF_SUB)) {
		*dst = unk();
		return;
	}
	if (other.kind == MV_CONST && !(p.flags & MVF_VAROFF)) {
		off = (int64_t)p.v + (op == BPF_ADD ? other.v : -(int64_t)other.v);
		if (off < INT32_MIN || off > INT32_MAX) {
			*dst = unk();
			return;
		}
		p.v = (int32_t)off;
	} else {
		/* an index, or a constant after one: tie the result to this instruction */
		p.flags |= MVF_VAROFF;
		p.var = (uint32_t)(i - w->f->start);
	}
	p.spill_size = p.spill_off = 0;
	*dst = p;
}

static void step_mov(struct mv_state *s, const struct pf_insn *insn)
{
	struct mv_val *dst = &s->r[insn->dst], src = s->r[insn->src];
	bool is64 = pf_insn__class(insn) == BPF_ALU64;

	if (BPF_SRC(insn->code) == BPF_K) {
		*dst = mk_const(is64 ? (int64_t)insn->imm : (int64_t)(uint32_t)insn->imm);
		return;
	}
	src.spill_size = src.spill_off = 0;
	if (insn->off) {
		/* movsx (cpu v4): a sign extension is not arithmetic */
		if (src.kind == MV_CONST)
			*dst = mk_const(sext(is64 ? (int64_t)src.v : (int64_t)(uint32_t)src.v, insn->off / 8));
		else
			*dst = src.kind == MV_LOADED ? src : is_runtime(&src) ? scalar() : unk();
		return;
	}
	if (is64)
		*dst = src;
	else if (src.kind == MV_CONST)
		*dst = mk_const((uint32_t)src.v);
	else	/* zero-extension keeps a number tied to its bytes */
		*dst = is_runtime(&src) ? src : unk();
}

static void step_alu(struct walk *w, struct mv_state *s, const struct pf_insn *insn, size_t i)
{
	struct mv_val *dst = &s->r[insn->dst], src;
	bool is64 = pf_insn__class(insn) == BPF_ALU64;
	uint8_t op = BPF_OP(insn->code);
	bool k = BPF_SRC(insn->code) == BPF_K, ok;
	int64_t r;

	if (op == BPF_MOV) {
		step_mov(s, insn);
		return;
	}
	if (op == BPF_NEG || op == BPF_END) {
		if (dst->kind == MV_LOADED)
			dst->flags |= MVF_ARITH;
		else if (dst->kind == MV_CONST && op == BPF_NEG)
			*dst = mk_const(is64 ? -(int64_t)dst->v : (int64_t)(uint32_t)-(uint32_t)dst->v);
		else if (dst->kind != MV_SCALAR)
			*dst = unk();
		return;
	}
	src = k ? mk_const(insn->imm) : s->r[insn->src];
	if (dst->kind == MV_PTR || src.kind == MV_PTR) {
		ptr_alu(w, s, insn, &src, i);
		return;
	}
	if (!k && insn->src == insn->dst && (op == BPF_XOR || op == BPF_SUB) && is_number(dst)) {
		*dst = mk_const(0);	/* r ^= r */
		return;
	}
	if ((dst->kind == MV_FP || dst->kind == MV_ARG) && is64 && src.kind == MV_CONST &&
	    (op == BPF_ADD || op == BPF_SUB)) {
		r = (int64_t)dst->v + (op == BPF_ADD ? src.v : -(int64_t)src.v);
		if (r < INT32_MIN || r > INT32_MAX)
			*dst = unk();
		else
			dst->v = (int32_t)r;
		return;
	}
	if (dst->kind == MV_CONST && src.kind == MV_CONST) {
		r = fold(op, dst->v, src.v, is64, &ok);
		*dst = ok ? mk_const(r) : unk();
		return;
	}
	if (dst->kind == MV_LOADED || src.kind == MV_LOADED) {
		const struct mv_val *other = dst->kind == MV_LOADED ? &src : dst;

		if (other->kind == MV_FP || other->kind == MV_MAP || other->kind == MV_ARG) {
			*dst = unk();
			return;
		}
		if (dst->kind != MV_LOADED)
			*dst = src;
		dst->flags |= MVF_ARITH;
		return;
	}
	if (is_runtime(dst) && is_number(&src)) {
		/* x & 0 and x * 0 are the only ways a runtime number becomes known */
		*dst = src.kind == MV_CONST && src.v == 0 && (op == BPF_AND || op == BPF_MUL) ?
		       mk_const(0) : scalar();
		return;
	}
	if (dst->kind == MV_CONST && is_runtime(&src)) {
		*dst = scalar();
		return;
	}
	*dst = unk();
}

/* ---- calls -------------------------------------------------------------- */

/*
 * The key of a lookup, as get_constant_map_key() (6.14+) reads it: a
 * scalar spilled on the stack with the key's size, or zeroed bytes.
 * Returns the level of NULL-ness the result starts with.
 */
static enum pf_mv_null lookup_level(const struct mv_state *s, const struct pf_map *m,
				    int helper, int64_t *key)
{
	const struct mv_val *k = &s->r[2];
	struct mv_val kv;

	*key = -1;
	if (helper != BPF_FUNC_map_lookup_elem ||
	    (m->type != BPF_MAP_TYPE_ARRAY && m->type != BPF_MAP_TYPE_PERCPU_ARRAY))
		return PF_MV_MAYBE_NULL;
	if (k->kind != MV_FP)
		/* a key not on the stack is never read as a constant */
		return k->kind == MV_UNK || k->kind == MV_NONE ? PF_MV_NULL_UNSURE :
		       PF_MV_MAYBE_NULL;
	if (m->key_size != 1 && m->key_size != 2 && m->key_size != 4 && m->key_size != 8)
		return PF_MV_NULL_UNSURE;
	kv = read_stack(s, k->v, (int)m->key_size, false);
	if (kv.kind == MV_CONST) {
		*key = (uint32_t)kv.v;
		if ((uint64_t)*key >= m->max_entries)
			return PF_MV_MAYBE_NULL;
		/* the kernels with the BPF_F_INNER_MAP fix do not elide: unsure */
		return m->map_flags & BPF_F_INNER_MAP ? PF_MV_NULL_UNSURE : PF_MV_NULL_OLD;
	}
	if (kv.kind == MV_SCALAR || kv.kind == MV_LOADED || kv.kind == MV_PTR ||
	    kv.kind == MV_FP || kv.kind == MV_MAP || kv.kind == MV_ARG)
		return PF_MV_MAYBE_NULL;
	return PF_MV_NULL_UNSURE;
}

static struct mv_val lookup(struct walk *w, const struct mv_state *s, int helper, size_t i)
{
	const struct mv_val *mp = &s->r[1];
	const struct pf_map *m;
	struct mv_val v = { .kind = MV_PTR };
	int64_t key;

	if (mp->kind != MV_MAP)
		return unk();
	m = &w->obj->maps[mp->v];
	if (!tracked_type(m->type))
		return unk();
	v.null = (uint8_t)lookup_level(s, m, helper, &key);
	if (s->r[2].kind == MV_FP && m->key_size <= 8) {
		struct mv_val kv = read_stack(s, s->r[2].v, (int)m->key_size, false);

		/*
		 * The CPU id, or the current thread's id (a thread runs on one
		 * CPU at a time): no other CPU updates that element meanwhile.
		 */
		if (kv.kind == MV_SCALAR && (kv.flags & (MVF_CPUID | MVF_TID)))
			v.flags |= MVF_CPUKEY;
	}
	v.id = (uint32_t)(i - w->f->start);
	v.map = mp->v;
	w->site_key[v.id] = key;
	return v;
}

/* What a helper may write through a stack pointer argument, as in stack.c. */
static void clobber_args(struct walk *w, struct mv_state *s, const struct pf_helper_proto *p,
			 int helper)
{
	const struct pf_map *map = NULL;
	int a;

	for (a = 0; a < 5; a++) {
		const struct mv_val *r = &s->r[a + 1];
		int64_t size = -1;

		if (p && p->arg[a] == PF_ARG_MAP && r->kind == MV_MAP)
			map = &w->obj->maps[r->v];
		if (r->kind != MV_FP)
			continue;
		switch (p ? p->arg[a] : PF_ARG_NONE) {
		case PF_ARG_KEY:
			continue;	/* read only */
		case PF_ARG_VALUE:
			if (helper == BPF_FUNC_map_update_elem || helper == BPF_FUNC_map_push_elem)
				continue;
			size = map ? (int64_t)map->value_size : -1;
			break;
		case PF_ARG_MEM:
			if (a < 4 && p->arg[a + 1] == PF_ARG_SIZE && s->r[a + 2].kind == MV_CONST)
				size = s->r[a + 2].v;
			break;
		default:
			/* fixed sizes; unknown (-1): anything from there up */
			size = p && pf_arg__fixed_size(p->arg[a]) ? pf_arg__fixed_size(p->arg[a]) : -1;
			break;
		}
		clobber(s, r->v, size);
	}
}

static bool kfunc_is(const char *name, const char *prefix)
{
	return name && !strncmp(name, prefix, strlen(prefix));
}

static void step_call(struct walk *w, struct mv_state *s, const struct pf_insn *insn, size_t i)
{
	const struct pf_call *c = pf_function__call_at(w->f, i);
	struct mv_val r0 = unk();
	int r;

	if (!c || c->kind == PF_CALL_HELPER) {
		int id = insn->imm;

		if (id == BPF_FUNC_map_lookup_elem || id == BPF_FUNC_map_lookup_percpu_elem) {
			r0 = lookup(w, s, id, i);
		} else {
			if (id == BPF_FUNC_spin_lock)
				s->locked = 1;
			else if (id == BPF_FUNC_spin_unlock)
				s->locked = 0;
			clobber_args(w, s, pf_helper__proto(id), id);
			r0 = scalar();
			if (id == BPF_FUNC_get_smp_processor_id)
				r0.flags = MVF_CPUID;
			/* pid_tgid, and its low 32 bits (the pid), name the thread; >> 32 does not */
			else if (id == BPF_FUNC_get_current_pid_tgid)
				r0.flags = MVF_TID;
		}
	} else {
		/* resilient spin locks (6.15) are kfuncs; "unlock" sorts before "lock" checks */
		if (c->kind == PF_CALL_KFUNC && kfunc_is(c->sym_name, "bpf_res_spin_unlock"))
			s->locked = 0;
		else if (c->kind == PF_CALL_KFUNC && kfunc_is(c->sym_name, "bpf_res_spin_lock"))
			s->locked = 1;
		clobber_args(w, s, NULL, -1);
	}
	s->r[0] = r0;
	for (r = 1; r <= 5; r++)
		s->r[r] = unk();
}

/* ---- branches ----------------------------------------------------------- */

enum mark { MARK_NULL, MARK_NONNULL, MARK_FORGET };

/* Lookup result @id is NULL (the scalar 0) or not, everywhere it is held. */
static void mark_ptr(const struct walk *w, struct mv_state *s, uint32_t id, enum mark how)
{
	int i;

	for (i = 0; i < 11 + w->nslots; i++) {
		struct mv_val *v = i < 11 ? &s->r[i] : &s->slot[i - 11];
		uint8_t ss = v->spill_size, so = v->spill_off;

		if (v->kind != MV_PTR || v->id != id)
			continue;
		if (how == MARK_NULL)
			*v = mk_const(0);
		else if (how == MARK_FORGET || of_maps(map_of(w, v)->type))
			*v = unk();	/* an inner map is not a value */
		else
			v->null = PF_MV_NONNULL;
		if (v->kind != MV_UNK) {
			v->spill_size = ss;
			v->spill_off = so;
		}
	}
}

/* 1 taken, 0 not taken, -1 unknown (is_branch_taken(), for what we know). */
static int branch_taken(const struct mv_val *dst, const struct mv_val *src, uint8_t op,
			bool jmp32)
{
	int64_t a, b;
	uint64_t ua, ub;

	if (dst->kind == MV_PTR && dst->null == PF_MV_NONNULL && src->kind == MV_CONST &&
	    src->v == 0 && !jmp32)
		return op == BPF_JEQ ? 0 : op == BPF_JNE ? 1 : -1;
	if (dst->kind != MV_CONST || src->kind != MV_CONST)
		return -1;
	a = dst->v;
	b = src->v;
	if (jmp32) {
		a = (int32_t)a;
		b = (int32_t)b;
	}
	ua = jmp32 ? (uint32_t)a : (uint64_t)a;
	ub = jmp32 ? (uint32_t)b : (uint64_t)b;
	switch (op) {
	case BPF_JEQ:	return ua == ub;
	case BPF_JNE:	return ua != ub;
	case BPF_JGT:	return ua > ub;
	case BPF_JGE:	return ua >= ub;
	case BPF_JLT:	return ua < ub;
	case BPF_JLE:	return ua <= ub;
	case BPF_JSGT:	return a > b;
	case BPF_JSGE:	return a >= b;
	case BPF_JSLT:	return a < b;
	case BPF_JSLE:	return a <= b;
	case BPF_JSET:	return (ua & ub) != 0;
	default:	return -1;
	}
}

/* Flow to the target of a conditional jump; false when the fall-through is dead. */
static bool step_branch(struct walk *w, struct mv_state *s, const struct pf_insn *insn,
			size_t target)
{
	bool jmp32 = pf_insn__class(insn) == BPF_JMP32;
	uint8_t op = BPF_OP(insn->code);
	const struct mv_val dst = s->r[insn->dst];
	struct mv_val src = BPF_SRC(insn->code) == BPF_K ? mk_const(insn->imm) : s->r[insn->src];
	struct mv_state *br = &w->branch;
	bool eq = op == BPF_JEQ || op == BPF_JNE;
	int taken;

	memcpy(br, s, w->state_size);
	if (!jmp32 && eq && dst.kind == MV_PTR && dst.null != PF_MV_NONNULL &&
	    BPF_SRC(insn->code) == BPF_K && insn->imm == 0) {
		/* JEQ: NULL when taken; JNE: NULL when not taken */
		mark_ptr(w, op == BPF_JEQ ? br : s, dst.id, MARK_NULL);
		mark_ptr(w, op == BPF_JEQ ? s : br, dst.id, MARK_NONNULL);
	} else if (!jmp32 && eq && dst.kind == MV_PTR && dst.null != PF_MV_NONNULL &&
		   BPF_SRC(insn->code) == BPF_X && (src.kind == MV_CONST || src.kind == MV_PTR ||
						     src.kind == MV_FP || src.kind == MV_UNK)) {
		/*
		 * Against a register holding 0 or a non-NULL pointer, later
		 * kernels mark too and older ones do not: say nothing of the
		 * pointer from here on rather than guess.
		 */
		mark_ptr(w, s, dst.id, MARK_FORGET);
		mark_ptr(w, br, dst.id, MARK_FORGET);
	} else {
		taken = branch_taken(&dst, &src, op, jmp32);
		if (taken == 1) {
			flow_to(w, target, s);
			return false;
		}
		if (taken == 0)
			return true;
	}
	flow_to(w, target, br);
	return true;
}

/* ---- the walk ----------------------------------------------------------- */

/*
 * The map an ld_imm64 names. A named symbol is matched by name first:
 * clang leaves every offset of the '.maps' DATASEC at 0 (libbpf fixes
 * them from the symbols, btf_fixup_datasec()), and the offsets the model
 * took from BTF then place every map at the start of the section.
 */
static int reloc_map(const struct walk *w, const struct pf_reloc *r, const struct pf_insn *insn)
{
	const struct pf_object *obj = w->obj;
	const struct pf_symbol *sym = &obj->syms[r->sym];
	size_t m;

	if (sym->type == STT_OBJECT && sym->name && sym->name[0])
		for (m = 0; m < obj->map_cnt; m++)
			if (obj->maps[m].name && !strcmp(obj->maps[m].name, sym->name) &&
			    obj->secs[obj->maps[m].sec].elf_index == sym->shndx)
				return (int)m;
	return pf_object__map_of_reloc(obj, r, insn);
}

static void step_ld_imm64(struct walk *w, struct mv_state *s, const struct pf_insn *insn,
			  size_t i)
{
	const struct pf_reloc *r = pf_section__reloc_at(w->sec, i * PF_INSN_SZ);
	int m = r ? reloc_map(w, r, insn) : -1;

	if (m >= 0)
		s->r[insn->dst] = (struct mv_val){ .kind = MV_MAP, .v = m };
	else if (r || insn->src)	/* global data, externs, linked pseudo values */
		s->r[insn->dst] = unk();
	else
		s->r[insn->dst] = mk_const((int64_t)(((uint64_t)(uint32_t)insn[1].imm << 32) |
						     (uint32_t)insn->imm));
}

/* Run from the leader @start until control leaves the straight line. */
static void walk_block(struct walk *w, size_t start)
{
	const struct pf_function *f = w->f;
	struct mv_state *s = &w->cur;
	size_t i;

	memcpy(s, state_at(w, w->leader_idx[start - f->start]), w->state_size);

	for (i = start; i < f->end && !w->err; i++) {
		const struct pf_insn *insn = &w->sec->insns[i];
		uint8_t cls = pf_insn__class(insn);

		if (i != start && w->leader_idx[i - f->start]) {
			flow_to(w, i, s);
			return;
		}
		if (pf_insn__is_ld_imm64(insn)) {
			if (insn->dst <= 10)
				step_ld_imm64(w, s, insn, i);
			i++;
			continue;
		}
		if (insn->dst > 10 || insn->src > 10)
			continue;	/* the verifier refuses it; the model warned */
		if (pf_insn__is_call(insn)) {
			step_call(w, s, insn, i);
		} else if (pf_insn__is_exit(insn)) {
			return;
		} else if (pf_insn__is_jump(insn)) {
			size_t t = (size_t)pf_insn__jump_target(insn, i);
			uint8_t op = BPF_OP(insn->code);

			if (op == BPF_JA) {
				flow_to(w, t, s);
				return;
			}
			if (op == BPF_JCOND) {	/* may_goto: both ways */
				flow_to(w, t, s);
				continue;
			}
			if (!step_branch(w, s, insn, t))
				return;
		} else if (cls == BPF_ALU || cls == BPF_ALU64) {
			step_alu(w, s, insn, i);
		} else if (cls == BPF_LDX) {
			step_ldx(w, s, insn, i);
		} else if (cls == BPF_ST || cls == BPF_STX) {
			step_store(w, s, insn, i);
		} else if (cls == BPF_LD) {
			/* legacy packet loads: r0 is data, r1-r5 are clobbered */
			int r;

			s->r[0] = scalar();
			for (r = 1; r <= 5; r++)
				s->r[r] = unk();
		}
	}
}

static bool has_lookup(const struct pf_function *f)
{
	size_t c;

	for (c = 0; c < f->call_cnt; c++)
		if (f->calls[c].kind == PF_CALL_HELPER &&
		    (f->calls[c].helper_id == BPF_FUNC_map_lookup_elem ||
		     f->calls[c].helper_id == BPF_FUNC_map_lookup_percpu_elem))
			return true;
	return false;
}

static int cmp_null(const void *a, const void *b)
{
	const struct pf_mv_null_use *x = a, *y = b;

	if (x->lookup_insn != y->lookup_insn)
		return x->lookup_insn < y->lookup_insn ? -1 : 1;
	if (x->level != y->level)
		return x->level > y->level ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static int cmp_null_insn(const void *a, const void *b)
{
	const struct pf_mv_null_use *x = a, *y = b;

	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static int cmp_race(const void *a, const void *b)
{
	const struct pf_mv_race *x = a, *y = b;

	if (x->store_insn != y->store_insn)
		return x->store_insn < y->store_insn ? -1 : 1;
	return x->load_insn < y->load_insn ? -1 : x->load_insn > y->load_insn;
}

/*
 * One finding per lookup for NULL: the worst level, then the first use
 * (the verifier stops at the first refusal; one missing check is one
 * fix). One per store for races.
 */
static void report__tidy(struct walk *w)
{
	struct pf_mv_report *o = w->out;
	size_t i, n = 0;

	if (o->null_cnt) {
		qsort(o->nulls, o->null_cnt, sizeof(*o->nulls), cmp_null);
		for (i = 0; i < o->null_cnt; i++) {
			if (n && o->nulls[n - 1].lookup_insn == o->nulls[i].lookup_insn)
				continue;
			o->nulls[n] = o->nulls[i];
			o->nulls[n].key = w->site_key[o->nulls[n].lookup_insn - w->f->start];
			n++;
		}
		o->null_cnt = n;
		qsort(o->nulls, o->null_cnt, sizeof(*o->nulls), cmp_null_insn);
	}
	n = 0;
	if (o->race_cnt) {
		qsort(o->races, o->race_cnt, sizeof(*o->races), cmp_race);
		for (i = 0; i < o->race_cnt; i++)
			if (!n || o->races[n - 1].store_insn != o->races[i].store_insn)
				o->races[n++] = o->races[i];
		o->race_cnt = n;
	}
}

int pf_mapvalue__analyze(const struct pf_object *obj, int func, struct pf_mv_report *out)
{
	const struct pf_function *f;
	struct walk w = { .obj = obj, .out = out };
	struct mv_state *entry;
	size_t len, n, a;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (func < 0 || (size_t)func >= obj->func_cnt)
		return -EINVAL;
	f = w.f = &obj->funcs[func];
	w.sec = &obj->secs[f->sec];
	len = f->end - f->start;
	if (!len || !has_lookup(f))
		return 0;
	if (len > MV_MAX_INSNS) {
		out->skipped = true;
		return 0;
	}
	w.leader_idx = pf_calloc(len, sizeof(*w.leader_idx));
	w.queued = pf_calloc(len, 1);
	w.site_key = pf_calloc(len, sizeof(*w.site_key));
	if (!w.leader_idx || !w.queued || !w.site_key)
		goto out;
	n = pf_function__leaders(w.obj, w.f, w.leader_idx);
	if (n > PF_MV_MAX_LEADERS) {
		out->skipped = true;
		err = 0;
		goto out;
	}
	/* stack facts we cannot trust to bound the slots: keep them all */
	w.nslots = f->stack.bounded || f->stack.inexact ? NSLOTS :
		   (int)((f->stack.depth + 7) / 8 < NSLOTS ? (f->stack.depth + 7) / 8 : NSLOTS);
	w.state_size = offsetof(struct mv_state, slot) + (size_t)w.nslots * sizeof(struct mv_val);
	w.states = pf_calloc(n, w.state_size);
	if (!w.states)
		goto out;
	/* Entry: r1-r5 are what the function received, r10 the frame pointer. */
	entry = state_at(&w, 1);
	entry->reached = 1;
	for (a = 0; a < 11; a++)
		entry->r[a] = unk();
	for (a = 1; a <= 5; a++)
		entry->r[a] = (struct mv_val){ .kind = MV_ARG };
	entry->r[10] = (struct mv_val){ .kind = MV_FP };
	/*
	 * Blocks in slot order, lowest queued first: forward edges are
	 * joined before their targets run (reverse postorder for the
	 * structured code compilers emit), and a back edge rewinds.
	 */
	w.queued[0] = 1;
	while (!w.err) {
		while (w.cursor < len && !w.queued[w.cursor])
			w.cursor++;
		if (w.cursor >= len)
			break;
		w.queued[w.cursor] = 0;
		walk_block(&w, f->start + w.cursor);
	}
	/* The fixpoint is reached: walk every block once more, recording. */
	w.report = true;
	for (a = 0; a < len && !w.err; a++)
		if (w.leader_idx[a] && state_at(&w, w.leader_idx[a])->reached)
			walk_block(&w, f->start + a);
	err = w.err;
	if (!err)
		report__tidy(&w);
out:
	free(w.leader_idx);
	free(w.queued);
	free(w.site_key);
	free(w.states);
	if (err)
		pf_mapvalue__free(out);
	return err;
}

void pf_mapvalue__free(struct pf_mv_report *r)
{
	free(r->nulls);
	free(r->races);
	memset(r, 0, sizeof(*r));
}

int pf_mapvalue__program_of(const struct pf_object *obj, int func)
{
	size_t p, i;

	for (p = 0; p < obj->prog_cnt; p++)
		for (i = 0; i < obj->progs[p].func_cnt; i++)
			if (obj->progs[p].funcs[i] == func)
				return (int)p;
	return -1;
}

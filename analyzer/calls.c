// SPDX-License-Identifier: MIT
/*
 * Call graph. Edges are read from instructions and their relocations, the
 * way libbpf's bpf_object__reloc_code() reads them: a call's target is
 * decided by its relocation (kfunc/extern, cross-section call) and only
 * without one by pc + imm + 1. A tiny linear register tracker names the
 * map behind a tail call, its constant index, and the helper or kfunc that
 * consumes a callback address.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "internal.h"
#include "stack.h"

enum reg_kind { REG_UNKNOWN, REG_CONST, REG_MAP, REG_FUNC };

struct reg {
	enum reg_kind kind;
	int64_t val;		/* REG_CONST value, REG_MAP index */
	int call;		/* REG_FUNC: index into the function's calls */
};

struct scan {
	struct pf_build *b;
	struct pf_function *f;
	const struct pf_section *sec;
	struct reg regs[11];
	size_t call_cap;
	uint8_t *jump_target;	/* per slot of the function */
};

/* Helpers whose argument is a callback, and which argument (1-based). */
static int callback_arg(int helper_id)
{
	const struct pf_helper_proto *p = pf_helper__proto(helper_id);

	return p ? p->cb_arg : 0;
}

/* Async callbacks run later, on another stack: roots of their own. */
static bool kfunc_is_async(const char *name)
{
	return name && (!strncmp(name, "bpf_wq_set_callback", 19) ||
			!strcmp(name, "bpf_task_work_schedule_signal") ||
			!strcmp(name, "bpf_task_work_schedule_resume"));
}

static int scan__add_call(struct scan *sc, size_t insn, enum pf_call_kind kind,
			  struct pf_call **out)
{
	struct pf_function *f = sc->f;
	struct pf_call *c;

	if (pf_grow((void **)&f->calls, &sc->call_cap, f->call_cnt + 1, sizeof(*c)))
		return pf_fail(sc->b, -ENOMEM, "out of memory");
	c = &f->calls[f->call_cnt++];
	c->insn = insn;
	c->kind = kind;
	c->target = -1;
	c->helper_id = -1;
	c->consumer_insn = -1;
	c->consumer_helper = -1;
	c->map = -1;
	c->index = -1;
	*out = c;
	return 0;
}

/*
 * Resolve a subprogram start (section, slot) to a function index, or -1.
 * A bad target spoils only the programs that contain the call (libbpf
 * refuses to relocate it, "failed to relocate calls"), so it is a
 * warning here and an unpredictable verdict for those programs.
 */
static int scan__target(struct scan *sc, size_t insn, int sec, int64_t tgt,
			const char *what)
{
	const struct pf_object *obj = sc->b->obj;
	int fi;

	if (sec < 0 || !obj->secs[sec].exec || tgt < 0 ||
	    (uint64_t)tgt >= obj->secs[sec].insn_cnt) {
		pf_warn(sc->b->obj, "%s at %s insn %zu jumps out of range", what,
			sc->sec->name, insn);
		return -1;
	}
	fi = pf_object__func_at(obj, sec, tgt);
	if (fi < 0) {
		pf_warn(sc->b->obj, "%s at %s insn %zu targets %s insn %lld, outside any function",
			what, sc->sec->name, insn, obj->secs[sec].name, (long long)tgt);
		return -1;
	}
	if (obj->funcs[fi].start != (size_t)tgt) {
		pf_warn(sc->b->obj, "%s at %s insn %zu targets the middle of '%s'", what,
			sc->sec->name, insn, obj->funcs[fi].name);
		return -1;
	}
	return fi;
}

static bool extern_is_kfunc(const struct pf_object *obj, const char *name)
{
	const struct btf_type *t;
	int id;

	if (!obj->btf || !name[0])
		return false;
	id = btf__find_by_name_kind(obj->btf, name, BTF_KIND_FUNC);
	if (id < 0)
		return false;
	/*
	 * libbpf treats an extern with a BTF FUNC as a kernel function; gcc
	 * 12 records such externs with static linkage, so any FUNC counts.
	 */
	t = btf__type_by_id(obj->btf, id);
	return t && btf_is_func(t);
}

static void scan__consume_callbacks(struct scan *sc, size_t insn, int helper,
				    const char *kfunc)
{
	int want = helper >= 0 ? callback_arg(helper) : 0;
	int r;

	for (r = 1; r <= 5; r++) {
		struct pf_call *cb;

		if (sc->regs[r].kind != REG_FUNC || (want && r != want))
			continue;
		cb = &sc->f->calls[sc->regs[r].call];
		if (cb->consumer_insn >= 0)
			continue;
		cb->consumer_insn = (int)insn;
		cb->consumer_helper = helper;
		cb->consumer_kfunc = kfunc;
		cb->async = (helper >= 0 && pf_helper__proto(helper) && pf_helper__proto(helper)->cb_async) ||
			    kfunc_is_async(kfunc);
		/* inline_bpf_loop() needs flags known to be zero */
		cb->loop_inline = helper == BPF_FUNC_loop &&
				  sc->regs[4].kind == REG_CONST && sc->regs[4].val == 0;
	}
}

static int scan__call(struct scan *sc, size_t i)
{
	const struct pf_object *obj = sc->b->obj;
	const struct pf_insn *insn = &sc->sec->insns[i];
	const struct pf_reloc *r = pf_section__reloc_at(sc->sec, i * PF_INSN_SZ);
	struct pf_call *c;
	int err;

	if (r) {
		const struct pf_symbol *sym = &obj->syms[r->sym];

		if (r->type != PF_R_BPF_64_32)
			return pf_fail(sc->b, -EINVAL,
				       "call at %s insn %zu has relocation type %u",
				       sc->sec->name, i, r->type);
		if (sym->shndx == SHN_UNDEF) {
			bool kf = extern_is_kfunc(obj, sym->name);

			err = scan__add_call(sc, i, kf ? PF_CALL_KFUNC : PF_CALL_EXTERN, &c);
			if (err)
				return err;
			c->sym_name = sym->name;
			scan__consume_callbacks(sc, i, -1, sym->name);
			return 0;
		}
		err = scan__add_call(sc, i, PF_CALL_SUBPROG, &c);
		if (err)
			return err;
		c->target = scan__target(sc, i, pf_elf__sec_by_shndx(obj, sym->shndx),
					 (int64_t)(sym->value / PF_INSN_SZ) + insn->imm + 1,
					 "call");
		return 0;
	}
	if (insn->src == BPF_PSEUDO_CALL) {
		err = scan__add_call(sc, i, PF_CALL_SUBPROG, &c);
		if (err)
			return err;
		c->target = scan__target(sc, i, (int)(sc->sec - obj->secs),
					 (int64_t)i + insn->imm + 1, "call");
		return 0;
	}
	if (insn->src == BPF_PSEUDO_KFUNC_CALL) {
		/* Already linked (src 2, imm = BTF id): no name to give. */
		err = scan__add_call(sc, i, PF_CALL_KFUNC, &c);
		if (!err)
			scan__consume_callbacks(sc, i, -1, NULL);
		return err;
	}
	err = scan__add_call(sc, i, PF_CALL_HELPER, &c);
	if (err)
		return err;
	c->helper_id = insn->imm;
	if (insn->imm == PF_HELPER_TAIL_CALL) {
		sc->f->has_tail_call = true;
		if (sc->regs[2].kind == REG_MAP)
			c->map = (int)sc->regs[2].val;
		if (sc->regs[3].kind == REG_CONST)
			c->index = sc->regs[3].val;
	}
	scan__consume_callbacks(sc, i, insn->imm, NULL);
	return 0;
}

static int scan__ld_imm64(struct scan *sc, size_t i)
{
	const struct pf_object *obj = sc->b->obj;
	const struct pf_insn *insn = &sc->sec->insns[i];
	const struct pf_insn *hi = &sc->sec->insns[i + 1];
	const struct pf_reloc *r = pf_section__reloc_at(sc->sec, i * PF_INSN_SZ);
	struct reg *dst = &sc->regs[insn->dst];
	const struct pf_symbol *sym;
	struct pf_call *c;
	int sec, err;

	dst->kind = REG_UNKNOWN;
	if (!r) {
		dst->kind = REG_CONST;
		dst->val = (int64_t)(((uint64_t)(uint32_t)hi->imm << 32) |
				     (uint32_t)insn->imm);
		return 0;
	}
	if (r->type != PF_R_BPF_64_64)
		return 0;
	sym = &obj->syms[r->sym];
	sec = pf_elf__sec_by_shndx(obj, sym->shndx);
	if (sec >= 0 && obj->secs[sec].exec) {
		/* Address of a function: a callback (libbpf RELO_SUBPROG_ADDR). */
		err = scan__add_call(sc, i, PF_CALL_CALLBACK, &c);
		if (err)
			return err;
		c->target = scan__target(sc, i, sec,
					 (int64_t)(sym->value + insn->imm + r->addend) / PF_INSN_SZ,
					 "callback reference");
		if (c->target < 0)
			return 0;
		dst->kind = REG_FUNC;
		dst->call = (int)(c - sc->f->calls);
		return 0;
	}
	dst->val = pf_object__map_of_reloc(obj, r, insn);
	if (dst->val >= 0)
		dst->kind = REG_MAP;
	return 0;
}

/* Track only what names maps, constants and callbacks; forget the rest. */
static void scan__alu(struct scan *sc, const struct pf_insn *insn)
{
	uint8_t cls = pf_insn__class(insn);
	struct reg *dst = &sc->regs[insn->dst];

	if ((cls == BPF_ALU64 || cls == BPF_ALU) && BPF_OP(insn->code) == BPF_MOV &&
	    insn->off == 0) {
		if (BPF_SRC(insn->code) == BPF_K) {
			dst->kind = REG_CONST;
			dst->val = cls == BPF_ALU ? (int64_t)(uint32_t)insn->imm : (int64_t)insn->imm;
		} else if (insn->src < 11) {
			*dst = sc->regs[insn->src];
		}
		return;
	}
	if (cls == BPF_ALU64 || cls == BPF_ALU || cls == BPF_LDX ||
	    (cls == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC &&
	     (insn->imm & BPF_FETCH)))
		sc->regs[cls == BPF_STX ? (insn->imm == BPF_CMPXCHG ? 0 : insn->src)
					: insn->dst].kind = REG_UNKNOWN;
}

static int scan__mark_jumps(struct scan *sc)
{
	struct pf_function *f = sc->f;
	size_t i;

	for (i = f->start; i < f->end; i++) {
		const struct pf_insn *insn = &sc->sec->insns[i];
		int64_t t;

		if (pf_insn__is_ld_imm64(insn)) {
			const struct pf_insn *hi = i + 1 < f->end ? &sc->sec->insns[i + 1] : NULL;

			if (!hi || hi->code || hi->dst || hi->src || hi->off)
				return pf_fail(sc->b, -EINVAL,
					       "%s insn %zu: ld_imm64 without its second half",
					       sc->sec->name, i);
			i++;
			continue;
		}
		if (!pf_insn__is_jump(insn))
			continue;
		t = pf_insn__jump_target(insn, i);
		if (t < (int64_t)f->start || t >= (int64_t)f->end)
			return pf_fail(sc->b, -EINVAL,
				       "%s: jump out of range from insn %zu to %lld",
				       f->name, i, (long long)t);
		sc->jump_target[t - f->start] = 1;
	}
	/* A jump may not land on the second half of an ld_imm64. */
	for (i = f->start; i < f->end; i++) {
		if (!pf_insn__is_ld_imm64(&sc->sec->insns[i]))
			continue;
		if (sc->jump_target[i + 1 - f->start])
			return pf_fail(sc->b, -EINVAL,
				       "%s: jump into the middle of ldimm64 insn %zu",
				       f->name, i);
		i++;
	}
	return 0;
}

static int calls__scan_function(struct pf_build *b, struct pf_function *f,
				bool *invalid_seen)
{
	struct scan sc = { .b = b, .f = f, .sec = &b->obj->secs[f->sec] };
	size_t i;
	int err;

	sc.jump_target = pf_calloc(f->end - f->start, 1);
	if (!sc.jump_target)
		return pf_fail(b, -ENOMEM, "out of memory");
	err = scan__mark_jumps(&sc);
	for (i = f->start; i < f->end && !err; i++) {
		const struct pf_insn *insn = &sc.sec->insns[i];

		if (sc.jump_target[i - f->start])
			memset(sc.regs, 0, sizeof(sc.regs));
		if (!pf_insn__valid(insn) && !*invalid_seen) {
			*invalid_seen = true;
			pf_warn(b->obj, "%s insn %zu: invalid instruction (code 0x%02x)",
				sc.sec->name, i, insn->code);
		}
		if (pf_insn__is_v4(insn))
			f->has_isa_v4 = true;
		if (insn->dst > 10 || insn->src > 10)
			continue;
		if (pf_insn__is_ld_imm64(insn)) {
			err = scan__ld_imm64(&sc, i);
			i++;
		} else if (pf_insn__is_call(insn)) {
			err = scan__call(&sc, i);
			/* r0-r5 do not survive a call. */
			memset(sc.regs, 0, 6 * sizeof(sc.regs[0]));
		} else {
			scan__alu(&sc, insn);
		}
	}
	free(sc.jump_target);
	return err;
}

int pf_calls__build(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	bool invalid_seen = false;
	size_t i;
	int err;

	for (i = 0; i < obj->func_cnt; i++) {
		err = calls__scan_function(b, &obj->funcs[i], &invalid_seen);
		if (err)
			return err;
	}
	return 0;
}

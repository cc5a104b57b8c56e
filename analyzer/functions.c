// SPDX-License-Identifier: MIT
/*
 * Functions as libbpf sees them (bpf_object__init_prog and friends):
 * STT_FUNC symbols in executable sections; those outside .text are entry
 * programs, those in .text subprograms. A section without FUNC symbols
 * (old objects) is one program named by its section.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "internal.h"

static int func_cmp(const void *a, const void *b)
{
	const struct pf_function *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int add_func(struct pf_build *b, size_t *cap, uint32_t sec, int sym,
		    const char *name, size_t start, size_t end)
{
	struct pf_object *obj = b->obj;
	struct pf_function *f;

	if (obj->func_cnt >= PF_MAX_FUNCS)
		return pf_fail(b, -E2BIG, "more than %u functions", PF_MAX_FUNCS);
	if (pf_grow((void **)&obj->funcs, cap, obj->func_cnt + 1, sizeof(*f)))
		return pf_fail(b, -ENOMEM, "out of memory");
	f = &obj->funcs[obj->func_cnt++];
	f->name = name;
	f->sec = sec;
	f->sym = sym;
	f->start = start;
	f->end = end;
	f->entry = sec != b->text_sec;
	/* A function without a symbol is a legacy program or a static callee. */
	f->global = sym < 0 ? f->entry : obj->syms[sym].bind != STB_LOCAL;
	return 0;
}

/*
 * Symbols of @type in code section @only (or in every code section when
 * @only is -1) become functions; found[sec] counts them. One pass over the
 * symbols for all sections: a pass per section would be sections x
 * symbols, minutes on a hostile object within the limits (t_limits.sh).
 */
static int section__add_symbols(struct pf_build *b, int only, size_t *cap,
				uint8_t type, size_t *found)
{
	struct pf_object *obj = b->obj;
	struct pf_section *s;
	size_t i;
	int err, sec;

	for (i = 0; i < obj->sym_cnt; i++) {
		const struct pf_symbol *sym = &obj->syms[i];
		uint64_t start, size;

		if (sym->type != type ||
		    (type == STT_NOTYPE && (sym->bind == STB_LOCAL || !sym->name[0])))
			continue;
		sec = only >= 0 ? (sym->shndx == obj->secs[only].elf_index ? only : -1)
				: pf_elf__sec_by_shndx(obj, sym->shndx);
		if (sec < 0 || !obj->secs[sec].exec || !obj->secs[sec].insn_cnt)
			continue;
		s = &obj->secs[sec];
		if (sym->value % PF_INSN_SZ || sym->size % PF_INSN_SZ ||
		    sym->value > s->size || sym->size > s->size - sym->value)
			return pf_fail(b, -EINVAL,
				       "function '%s' lies outside section '%s'",
				       sym->name, s->name);
		start = sym->value / PF_INSN_SZ;
		/* Size 0 (hand-written asm): extended to the next symbol below. */
		size = sym->size / PF_INSN_SZ;
		err = add_func(b, cap, sec, (int)i, sym->name, start, start + size);
		if (err)
			return err;
		found[sec]++;
	}
	return 0;
}

/* Sort, give zero-sized functions their extent, and refuse overlaps. */
static int functions__settle(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	size_t i;

	if (obj->func_cnt)
		qsort(obj->funcs, obj->func_cnt, sizeof(*obj->funcs), func_cmp);
	for (i = 0; i < obj->func_cnt; i++) {
		struct pf_function *f = &obj->funcs[i];
		struct pf_function *next = i + 1 < obj->func_cnt &&
				obj->funcs[i + 1].sec == f->sec ? &obj->funcs[i + 1] : NULL;

		if (f->end == f->start)
			f->end = next ? next->start : obj->secs[f->sec].insn_cnt;
		if (f->end == f->start)
			return pf_fail(b, -EINVAL, "function '%s' is empty", f->name);
		if (next && next->start < f->end)
			return pf_fail(b, -EINVAL, "functions '%s' and '%s' overlap",
				       f->name, next->name);
	}
	return 0;
}

static bool covered(const struct pf_object *obj, uint32_t sec, size_t slot)
{
	size_t i;

	for (i = 0; i < obj->func_cnt; i++)
		if (obj->funcs[i].sec == sec && slot >= obj->funcs[i].start &&
		    (slot < obj->funcs[i].end || obj->funcs[i].end == obj->funcs[i].start))
			return true;
	return false;
}

/*
 * Old clang (7 and before) emits no STT_FUNC for static functions: a call
 * against the .text section symbol then lands where no symbol starts a
 * function. The kernel splits subprograms at call targets anyway, so the
 * target becomes a function of its own, named by its place.
 */
static int functions__add_call_targets(struct pf_build *b, size_t *cap)
{
	struct pf_object *obj = b->obj;
	size_t nsym = obj->func_cnt, s, r;
	int err;

	if (!nsym)
		return 0;
	for (s = 0; s < obj->sec_cnt; s++) {
		const struct pf_section *sec = &obj->secs[s];
		size_t i;

		/* Calls without a relocation stay in their section: pc + imm + 1. */
		for (i = 0; i < sec->insn_cnt && sec->exec; i++) {
			const struct pf_insn *insn = &sec->insns[i];
			int64_t slot = (int64_t)i + insn->imm + 1;
			char *name;

			if (pf_insn__is_ld_imm64(insn)) {
				i++;
				continue;
			}
			if (!pf_insn__is_call(insn) || insn->src != BPF_PSEUDO_CALL ||
			    pf_section__reloc_at(sec, i * PF_INSN_SZ) || slot < 0 ||
			    (uint64_t)slot >= sec->insn_cnt || covered(obj, s, slot))
				continue;
			if (asprintf(&name, "%s+%lld", sec->name, (long long)slot) < 0)
				return pf_fail(b, -ENOMEM, "out of memory");
			err = pf_object__keep_string(obj, name);
			if (!err)
				err = add_func(b, cap, s, -1, name, slot, slot);
			if (err)
				return err;
		}
		for (r = 0; r < sec->reloc_cnt && sec->exec; r++) {
			const struct pf_reloc *rel = &sec->relocs[r];
			const struct pf_symbol *sym = &obj->syms[rel->sym];
			const struct pf_insn *insn = &sec->insns[rel->offset / PF_INSN_SZ];
			int tsec = pf_elf__sec_by_shndx(obj, sym->shndx);
			int64_t slot;
			char *name;

			if (sym->type == STT_FUNC || tsec < 0 || !obj->secs[tsec].exec ||
			    !pf_insn__is_call(insn) || rel->type != PF_R_BPF_64_32)
				continue;
			slot = (int64_t)(sym->value / PF_INSN_SZ) + insn->imm + 1;
			if (slot < 0 || (uint64_t)slot >= obj->secs[tsec].insn_cnt ||
			    covered(obj, tsec, slot))
				continue;
			/* A NOTYPE label at the target names it (clang 7 globals). */
			if (sym->type != STT_SECTION && sym->name[0] &&
			    sym->value == (uint64_t)slot * PF_INSN_SZ)
				name = strdup(sym->name);
			else if (asprintf(&name, "%s+%lld", obj->secs[tsec].name,
					  (long long)slot) < 0)
				name = NULL;
			if (!name)
				return pf_fail(b, -ENOMEM, "out of memory");
			err = pf_object__keep_string(obj, name);
			if (!err)
				err = add_func(b, cap, tsec, -1, name, slot, slot);
			if (err)
				return err;
		}
	}
	return 0;
}

int pf_functions__build(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	size_t cap = 0, found, i, *per_sec;
	int err;

	per_sec = pf_calloc(obj->sec_cnt, sizeof(*per_sec));
	if (!per_sec)
		return pf_fail(b, -ENOMEM, "out of memory");
	err = section__add_symbols(b, -1, &cap, STT_FUNC, per_sec);
	for (i = 0; i < obj->sec_cnt && !err; i++) {
		struct pf_section *s = &obj->secs[i];

		if (!s->exec || !s->insn_cnt)
			continue;
		/* clang <= 7: no STT_FUNC at all; global labels start functions. */
		if (!per_sec[i] && i == b->text_sec)
			err = section__add_symbols(b, (int)i, &cap, STT_NOTYPE, per_sec);
		/* Legacy: the whole section is the program (libbpf does too). */
		if (!err && !per_sec[i] && i != b->text_sec)
			err = add_func(b, &cap, i, -1, s->name, 0, s->insn_cnt);
	}
	free(per_sec);
	if (err)
		return err;
	err = functions__add_call_targets(b, &cap);
	if (err)
		return err;
	err = functions__settle(b);
	if (err)
		return err;
	for (i = 0, found = 0; i < obj->func_cnt; i++) {
		const struct pf_function *f = &obj->funcs[i];

		if (f->entry && f->sym >= 0 && obj->syms[f->sym].bind == STB_LOCAL &&
		    !found++)
			pf_warn(obj, "program '%s' (sec '%s') is static: libbpf refuses "
				"static programs (\"program '%s' is static and not supported\")",
				f->name, obj->secs[f->sec].name, f->name);
	}
	if (found > 1)
		pf_warn(obj, "%zu static programs in all", found);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Functions as libbpf sees them (bpf_object__init_prog and friends):
 * STT_FUNC symbols in executable sections; those outside .text are entry
 * programs, those in .text subprograms. A section without FUNC symbols
 * (old objects) is one program named by its section.
 */
#include <errno.h>
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
	f->global = sym < 0 || obj->syms[sym].bind != STB_LOCAL;
	return 0;
}

static int section__add_symbols(struct pf_build *b, uint32_t sec, size_t *cap,
				size_t *found)
{
	struct pf_object *obj = b->obj;
	struct pf_section *s = &obj->secs[sec];
	size_t i;
	int err;

	*found = 0;
	for (i = 0; i < obj->sym_cnt; i++) {
		const struct pf_symbol *sym = &obj->syms[i];
		uint64_t start, size;

		if (sym->type != STT_FUNC || sym->shndx != s->elf_index)
			continue;
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
		(*found)++;
	}
	return 0;
}

/* Sort, give zero-sized functions their extent, and refuse overlaps. */
static int functions__settle(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	size_t i;

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

int pf_functions__build(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	size_t cap = 0, found, i;
	int err;

	for (i = 0; i < obj->sec_cnt; i++) {
		struct pf_section *s = &obj->secs[i];

		if (!s->exec || !s->insn_cnt)
			continue;
		err = section__add_symbols(b, i, &cap, &found);
		if (err)
			return err;
		/* Legacy: the whole section is the program (libbpf does too). */
		if (!found && i != b->text_sec) {
			err = add_func(b, &cap, i, -1, s->name, 0, s->insn_cnt);
			if (err)
				return err;
		}
	}
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

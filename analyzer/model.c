// SPDX-License-Identifier: MIT
/*
 * Lookups over the model (include/model.h): read-only questions about an
 * opened object -- the line of a slot, the function or relocation at an
 * address, a call site, basic-block leaders.
 */
#include <stdint.h>
#include <string.h>

#include "model.h"

const struct pf_line *pf_object__line(const struct pf_object *obj,
				      uint32_t sec, size_t insn)
{
	const struct pf_section *s;

	if (sec >= obj->sec_cnt)
		return NULL;
	s = &obj->secs[sec];
	if (!s->line_idx || insn >= s->insn_cnt || !s->line_idx[insn])
		return NULL;
	return &obj->lines[s->line_idx[insn] - 1];
}

const char *pf_object__line_text(const struct pf_object *obj, const char *file,
				 uint32_t line)
{
	size_t i;

	if (!file || !line)
		return NULL;
	/* records are in slot order, not line order: a scan (findings are few) */
	for (i = 0; i < obj->line_cnt; i++) {
		const struct pf_line *l = &obj->lines[i];

		if (l->line == line && l->text && l->text[0] && l->file &&
		    (l->file == file || !strcmp(l->file, file)))
			return l->text;
	}
	return NULL;
}

int pf_object__func_at(const struct pf_object *obj, uint32_t sec, size_t insn)
{
	size_t lo = 0, hi = obj->func_cnt;

	/* funcs are sorted by (sec, start) and do not overlap. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pf_function *f = &obj->funcs[mid];

		if (f->sec < sec || (f->sec == sec && f->end <= insn))
			lo = mid + 1;
		else if (f->sec > sec || f->start > insn)
			hi = mid;
		else
			return (int)mid;
	}
	return -1;
}

const struct pf_reloc *pf_section__reloc_at(const struct pf_section *sec,
					    uint64_t offset)
{
	size_t lo = 0, hi = sec->reloc_cnt;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->relocs[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < sec->reloc_cnt && sec->relocs[lo].offset == offset)
		return &sec->relocs[lo];
	return NULL;
}

int pf_object__find_func(const struct pf_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->func_cnt; i++)
		if (obj->funcs[i].name && !strcmp(obj->funcs[i].name, name))
			return (int)i;
	return -1;
}

const struct pf_call *pf_function__call_at(const struct pf_function *f, size_t insn)
{
	size_t lo = 0, hi = f->call_cnt;

	/* calls are recorded in instruction order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->calls[mid].insn < insn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->call_cnt && f->calls[lo].insn == insn ? &f->calls[lo] : NULL;
}

void pf_function__jump_targets(const struct pf_object *obj, const struct pf_function *f,
			       uint8_t *target)
{
	const struct pf_section *sec = &obj->secs[f->sec];
	size_t i;

	for (i = f->start; i < f->end; i++) {
		const struct pf_insn *insn = &sec->insns[i];

		if (pf_insn__is_ld_imm64(insn)) {
			i++;
			continue;
		}
		/* The model already refused jumps out of the function. */
		if (pf_insn__is_jump(insn))
			target[pf_insn__jump_target(insn, i) - f->start] = 1;
	}
}

size_t pf_function__leaders(const struct pf_object *obj, const struct pf_function *f,
			    uint32_t *leader_idx)
{
	const struct pf_section *sec = &obj->secs[f->sec];
	size_t i, n = 0;

	leader_idx[0] = 1;
	for (i = f->start; i < f->end; i++) {
		const struct pf_insn *insn = &sec->insns[i];

		if (pf_insn__is_ld_imm64(insn)) {
			i++;
			continue;
		}
		if (!pf_insn__is_jump(insn))
			continue;
		/* The model already refused jumps out of the function. */
		leader_idx[pf_insn__jump_target(insn, i) - f->start] = 1;
		if (i + 1 < f->end)
			leader_idx[i + 1 - f->start] = 1;
	}
	for (i = 0; i < f->end - f->start; i++)
		if (leader_idx[i])
			leader_idx[i] = (uint32_t)++n;
	return n;
}

// SPDX-License-Identifier: MIT
/*
 * Building findings (include/finding.h): every producer goes through
 * these, so a finding has one shape whoever made it, and an allocation
 * that fails marks the collection lost instead of dropping text quietly.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "linkset.h"

static void lose(struct pf_finding *f)
{
	if (f && f->lost)
		*f->lost = true;
}

/* strdup() that marks @f lost when it fails; NULL stays NULL. */
static char *keep(struct pf_finding *f, const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		lose(f);
	return d;
}

struct pf_finding *pf_findings__vnew(struct pf_findings *out, enum pf_rule_id rule,
				     enum pf_severity severity, const char *fmt, va_list ap)
{
	struct pf_finding *f;
	int n;

	if (out->cnt == out->cap) {
		size_t ncap = out->cap ? out->cap * 2 : 16;
		void *p = realloc(out->v, ncap * sizeof(*out->v));

		if (!p) {
			out->lost = true;
			return NULL;
		}
		out->v = p;
		out->cap = ncap;
	}
	f = &out->v[out->cnt];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->severity = severity;
	f->insn = -1;
	f->lost = &out->lost;
	n = vasprintf(&f->message, fmt, ap);
	if (n < 0) {
		out->lost = true;
		return NULL;
	}
	out->cnt++;
	return f;
}

struct pf_finding *pf_findings__new(struct pf_findings *out, enum pf_rule_id rule,
				    enum pf_severity severity, const char *fmt, ...)
{
	struct pf_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = pf_findings__vnew(out, rule, severity, fmt, ap);
	va_end(ap);
	return f;
}

static void note_free(struct pf_finding_note *n)
{
	free(n->message);
	free(n->file);
	free(n->function);
}

void pf_finding__free(struct pf_finding *f)
{
	size_t j;

	free(f->message);
		free(f->file);
		free(f->object);
		free(f->program);
		free(f->function);
		free(f->src_text);
		free(f->src_above);
		for (j = 0; j < f->kernel_cnt; j++)
			free(f->kernels[j]);
		free(f->kernels);
		for (j = 0; j < f->note_cnt; j++)
			note_free(&f->notes[j]);
		free(f->notes);
	memset(f, 0, sizeof(*f));
}

void pf_findings__free(struct pf_findings *out)
{
	size_t i;

	for (i = 0; i < out->cnt; i++)
		pf_finding__free(&out->v[i]);
	free(out->v);
	memset(out, 0, sizeof(*out));
}

/* Function, slot and source position of (@func, @insn); false if @func is none. */
static bool place(struct pf_finding *f, const struct pf_object *obj, int func, size_t insn,
		  char **function, long *slot, char **file, unsigned int *line, unsigned int *col,
		  char **text)
{
	const struct pf_function *fn;
	const struct pf_line *l;

	if (func < 0 || (size_t)func >= obj->func_cnt)
		return false;
	fn = &obj->funcs[func];
	*function = keep(f, fn->name);
	*slot = (long)(insn - fn->start);
	l = pf_object__line(obj, fn->sec, insn);
	if (l && l->file) {
		*file = keep(f, l->file);
		*line = l->line;
		*col = l->col;
		if (text)
			*text = keep(f, l->text);
	}
	return true;
}

void pf_finding__at(struct pf_finding *f, const struct pf_object *obj,
		    int prog, int func, size_t insn)
{
	if (!f)
		return;
	f->object = keep(f, obj->path);
	if (prog >= 0 && (size_t)prog < obj->prog_cnt)
		f->program = keep(f, obj->funcs[obj->progs[prog].func].name);
	place(f, obj, func, insn, &f->function, &f->insn, &f->file, &f->line, &f->col,
	      &f->src_text);
	/*
	 * A suppression comment may sit on the line above: keep that line's
	 * text too, so it works from the object alone when the sources moved.
	 */
	if (f->file && f->line > 1)
		f->src_above = keep(f, pf_object__line_text(obj, f->file, f->line - 1));
}

static struct pf_finding_note *add_note(struct pf_finding *f, const char *fmt, va_list ap)
{
	struct pf_finding_note *n;
	void *p = realloc(f->notes, (f->note_cnt + 1) * sizeof(*f->notes));

	if (!p) {
		lose(f);
		return NULL;
	}
	f->notes = p;
	n = &f->notes[f->note_cnt];
	memset(n, 0, sizeof(*n));
	n->insn = -1;
	if (vasprintf(&n->message, fmt, ap) < 0) {
		lose(f);
		return NULL;
	}
	f->note_cnt++;
	return n;
}

void pf_finding__note(struct pf_finding *f, const struct pf_object *obj,
		      int func, size_t insn, const char *fmt, ...)
{
	struct pf_finding_note *n;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	n = add_note(f, fmt, ap);
	va_end(ap);
	if (n)
		place(f, obj, func, insn, &n->function, &n->insn, &n->file, &n->line, &n->col,
		      NULL);
}

void pf_finding__kernel(struct pf_finding *f, const char *kernel)
{
	void *p;

	if (!f)
		return;
	p = realloc(f->kernels, (f->kernel_cnt + 1) * sizeof(*f->kernels));
	if (!p) {
		lose(f);
		return;
	}
	f->kernels = p;
	f->kernels[f->kernel_cnt] = keep(f, kernel);
	if (f->kernels[f->kernel_cnt])
		f->kernel_cnt++;
}

static const struct pf_link_func *link_func(const struct pf_linkset *set, int unit, int func)
{
	if (unit < 0 || (size_t)unit >= set->unit_cnt || func < 0 ||
	    (size_t)func >= set->units[unit].func_cnt)
		return NULL;
	return &set->units[unit].funcs[func];
}

void pf_finding__at_link(struct pf_finding *f, const struct pf_linkset *set, int unit,
			 int func, const char *program)
{
	const struct pf_link_func *lf = link_func(set, unit, func);

	if (!f || unit < 0 || (size_t)unit >= set->unit_cnt)
		return;
	f->object = keep(f, set->units[unit].path);
	f->program = keep(f, program);
	if (!lf)
		return;
	f->function = keep(f, lf->name);
	f->insn = 0;
	if (lf->file) {
		f->file = keep(f, lf->file);
		f->line = lf->line;
		f->col = lf->col;
		f->src_text = keep(f, lf->src);
	}
}

void pf_finding__note_link(struct pf_finding *f, const struct pf_linkset *set, int unit,
			   int func, const char *fmt, ...)
{
	const struct pf_link_func *lf = link_func(set, unit, func);
	struct pf_finding_note *n;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	n = add_note(f, fmt, ap);
	va_end(ap);
	if (!n || !lf)
		return;
	n->function = keep(f, lf->name);
	n->insn = 0;
	n->file = keep(f, lf->file);
	n->line = lf->line;
	n->col = lf->col;
}

void pf_finding__kernels(struct pf_finding *f, const struct pf_linkset *set, uint32_t mask)
{
	size_t k;

	for (k = 0; f && k < set->profile_cnt && k < PF_LINK_MAX_PROFILES; k++)
		if (mask & (1u << k))
			pf_finding__kernel(f, set->profiles[k].name);
}

struct pf_finding *pf_findings__new_link(struct pf_findings *out, enum pf_rule_id rule,
					 enum pf_severity severity, const struct pf_linkset *set,
					 int unit, int func, const char *program, uint32_t mask,
					 const char *fmt, ...)
{
	struct pf_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = pf_findings__vnew(out, rule, severity, fmt, ap);
	va_end(ap);
	pf_finding__at_link(f, set, unit, func, program);
	pf_finding__kernels(f, set, mask);
	return f;
}

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
	size_t k;

	free(n->message);
	free(n->file);
	free(n->function);
	for (k = 0; k < n->kernel_cnt; k++)
		free(n->kernels[k]);
	free(n->kernels);
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

/* Room for one more note, zeroed; counted by the caller once it has a message. */
static struct pf_finding_note *push_note(struct pf_finding *f)
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
	return n;
}

static struct pf_finding_note *add_note(struct pf_finding *f, const char *fmt, va_list ap)
{
	struct pf_finding_note *n = push_note(f);

	if (!n)
		return NULL;
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

void pf_finding__lead_note(struct pf_finding *f, const char *fmt, ...)
{
	struct pf_finding_note *n, lead;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	n = add_note(f, fmt, ap);
	va_end(ap);
	if (!n)
		return;
	n->file = keep(f, f->file);
	n->line = f->line;
	n->col = f->col;
	n->function = keep(f, f->function);
	n->insn = f->insn;
	lead = *n;
	memmove(f->notes + 1, f->notes, (f->note_cnt - 1) * sizeof(*f->notes));
	f->notes[0] = lead;
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

/* ---- one problem, one finding ---- */

static bool same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool has_kernel(char *const *v, size_t n, const char *k)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], k))
			return true;
	return false;
}

/* Append the kernels of @k not yet in (@v, @n); marks @f lost when it cannot. */
static void add_kernels(struct pf_finding *f, char ***v, size_t *n, char *const *k, size_t kn)
{
	size_t i;

	for (i = 0; i < kn; i++) {
		void *p;

		if (has_kernel(*v, *n, k[i]))
			continue;
		p = realloc(*v, (*n + 1) * sizeof(**v));
		if (!p) {
			lose(f);
			return;
		}
		*v = p;
		(*v)[*n] = keep(f, k[i]);
		if ((*v)[*n])
			(*n)++;
	}
}

/*
 * The same problem: one rule at one place. Its variants come from
 * different kernels, so their kernel sets never meet; two findings at one
 * place on one kernel are two problems (two maps, two races) and stay two.
 */
static bool same_problem(const struct pf_finding *a, const struct pf_finding *b)
{
	return a->rule == b->rule && a->insn == b->insn && a->line == b->line &&
	       a->col == b->col && same_str(a->object, b->object) &&
	       same_str(a->program, b->program) && same_str(a->function, b->function) &&
	       same_str(a->file, b->file);
}

static bool same_note(const struct pf_finding_note *a, const struct pf_finding_note *b)
{
	return !strcmp(a->message, b->message) && same_str(a->file, b->file) &&
	       a->line == b->line && a->col == b->col && a->insn == b->insn &&
	       same_str(a->function, b->function);
}

/* "5.10, 5.15, 6.1.170" */
static char *kernel_list(char *const *k, size_t n)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(k[i]) + 2;
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, k[i]);
	}
	return s;
}

/*
 * A copy of @src in @m, at @src's place; with kernels (@k, @kn), its text
 * reads "on K1, K2: text" (or @fmt's form with the list and the text).
 */
static void copy_note(struct pf_finding *m, const struct pf_finding_note *src,
		      const char *fmt, char *const *k, size_t kn)
{
	struct pf_finding_note *n = push_note(m);
	char *list = NULL;

	if (!n)
		return;
	if (!kn) {
		n->message = keep(m, src->message);
	} else if ((list = kernel_list(k, kn)) &&
		   asprintf(&n->message, fmt, list, src->message) < 0) {
		n->message = NULL;
	}
	free(list);
	if (!n->message) {
		lose(m);
		return;
	}
	m->note_cnt++;
	n->file = keep(m, src->file);
	n->line = src->line;
	n->col = src->col;
	n->function = keep(m, src->function);
	n->insn = src->insn;
	if (kn)
		add_kernels(m, &n->kernels, &n->kernel_cnt, k, kn);
	else
		add_kernels(m, &n->kernels, &n->kernel_cnt, src->kernels, src->kernel_cnt);
}

/*
 * The variants @parts[0..@cnt) of one problem become @parts[0]. @at(p, i)
 * is part p's i-th item (a note, or its message as a note); a variant
 * every part shares is copied as is, the others each once, naming the
 * kernels of the parts that have it.
 */
static void merge_item(struct pf_finding *m, struct pf_finding *const *parts, size_t cnt,
		       const struct pf_finding_note *const *item, const char *first_fmt)
{
	size_t a, b;
	bool shared = true;

	for (a = 1; a < cnt && shared; a++)
		shared = item[0] && item[a] && same_note(item[0], item[a]);
	if (shared) {
		copy_note(m, item[0], NULL, NULL, 0);
		return;
	}
	for (a = 0; a < cnt; a++) {
		char **k = NULL;
		size_t kn = 0, j;
		bool seen = false;

		if (!item[a])
			continue;
		for (b = 0; b < a && !seen; b++)
			seen = item[b] && same_note(item[a], item[b]);
		if (seen)
			continue;
		for (b = a; b < cnt; b++)
			if (item[b] && same_note(item[a], item[b]))
				add_kernels(m, &k, &kn, parts[b]->kernels, parts[b]->kernel_cnt);
		copy_note(m, item[a], a == 0 && first_fmt ? first_fmt : "on %s: %s", k, kn);
		for (j = 0; j < kn; j++)
			free(k[j]);
		free(k);
	}
}

static void merge_parts(struct pf_finding *const *parts, size_t cnt)
{
	struct pf_finding *f = parts[0], m = { .lost = f->lost };
	const struct pf_finding_note **item;
	struct pf_finding_note *msg;
	size_t a, i, most = 0;

	item = calloc(cnt, sizeof(*item));
	msg = calloc(cnt, sizeof(*msg));
	if (!item || !msg) {
		lose(f);
		goto out;
	}
	for (a = 0; a < cnt; a++) {
		add_kernels(&m, &m.kernels, &m.kernel_cnt, parts[a]->kernels, parts[a]->kernel_cnt);
		if (parts[a]->severity > f->severity)
			f->severity = parts[a]->severity;
		if (parts[a]->note_cnt > most)
			most = parts[a]->note_cnt;
		/* the message as a note at the finding's place */
		msg[a] = (struct pf_finding_note){
			.message = parts[a]->message, .file = f->file, .line = f->line,
			.col = f->col, .function = f->function, .insn = f->insn,
		};
		item[a] = &msg[a];
	}
	/* the headline is the first part's (the first kernel in the user's order) */
	for (a = 1; a < cnt && !strcmp(msg[a].message, msg[0].message); a++)
		;
	if (a < cnt)
		merge_item(&m, parts, cnt, item, "the message above is from %s");
	for (i = 0; i < most; i++) {
		for (a = 0; a < cnt; a++)
			item[a] = i < parts[a]->note_cnt ? &parts[a]->notes[i] : NULL;
		merge_item(&m, parts, cnt, item, NULL);
	}
	/* the merged kernels and notes replace the first part's */
	for (i = 0; i < f->kernel_cnt; i++)
		free(f->kernels[i]);
	free(f->kernels);
	for (i = 0; i < f->note_cnt; i++)
		note_free(&f->notes[i]);
	free(f->notes);
	f->kernels = m.kernels;
	f->kernel_cnt = m.kernel_cnt;
	f->notes = m.notes;
	f->note_cnt = m.note_cnt;
	m.kernels = NULL;
	m.notes = NULL;
	for (a = 1; a < cnt; a++)
		pf_finding__free(parts[a]);
out:
	free(item);
	free(msg);
}

static bool meets(struct pf_finding *const *parts, size_t cnt, const struct pf_finding *f)
{
	size_t a, k;

	if (!f->kernel_cnt)
		return true;
	for (a = 0; a < cnt; a++) {
		if (!parts[a]->kernel_cnt)
			return true;
		for (k = 0; k < f->kernel_cnt; k++)
			if (has_kernel(parts[a]->kernels, parts[a]->kernel_cnt, f->kernels[k]))
				return true;
	}
	return false;
}

void pf_findings__merge(struct pf_findings *out, size_t from)
{
	struct pf_finding **parts;
	bool *taken;
	size_t i, j, n = from;

	if (from >= out->cnt || out->cnt - from < 2)
		return;
	parts = calloc(out->cnt - from, sizeof(*parts));
	taken = calloc(out->cnt - from, sizeof(*taken));
	if (!parts || !taken) {
		out->lost = true;
		goto out;
	}
	for (i = from; i < out->cnt; i++) {
		size_t cnt = 0;

		if (taken[i - from])
			continue;
		parts[cnt++] = &out->v[i];
		for (j = i + 1; j < out->cnt; j++) {
			if (taken[j - from] || !same_problem(&out->v[i], &out->v[j]) ||
			    meets(parts, cnt, &out->v[j]))
				continue;
			parts[cnt++] = &out->v[j];
			taken[j - from] = true;
		}
		if (cnt > 1)
			merge_parts(parts, cnt);
		/* n <= i: every slot before i has been visited */
		if (n != i)
			out->v[n] = out->v[i];
		n++;
	}
	out->cnt = n;
out:
	free(parts);
	free(taken);
}

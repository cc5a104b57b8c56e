// SPDX-License-Identifier: MIT
/*
 * The verdict driver (driver.h): per object, each program's verdict on
 * every profile -- the refusals in the order the kernel meets them
 * (analyzer/verdict.c) -- with one finding per problem (a rule at one
 * place), at the culprit's source line, its kernels' own messages and
 * numbers, the call chain and each frame's largest contributors as
 * notes; then the lint rules and the object's summary for the set. Extensions wait for the whole set:
 * their attach checks come first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

#include "driver.h"
#include "frame.h"
#include "util.h"

/* An extension whose verdict waits for the set (pf_driver__finish). */
struct pf_pending_ext {
	char *path;	/* the object as given */
	/*
	 * A copy of the object's image, shared by the extensions of one
	 * unit (the first owns it): the object may have come from stdin or
	 * a skeleton, with no file to open again, and a file may change.
	 */
	uint8_t *image;
	size_t image_size;
	bool owns_image;
	size_t unit;	/* its unit in the set; programs index alike */
	size_t prog;
	void *handle;	/* the front end's, from ops.object */
	int slot;
};

/* "; largest: t (struct tunnel) 44 B, ..." for a frame on a refused chain */
static void biggest(struct pf_driver *ctx, const struct pf_object *obj, int func,
		    char *buf, size_t len)
{
	struct pf_frame_map m;
	size_t i, used = 0;

	buf[0] = '\0';
	if (!ctx->vars_read) {
		pf_dwarf__read_vars(obj, &ctx->vars);
		ctx->vars_read = true;
	}
	if (pf_frame__map(obj, &ctx->vars, func, &m))
		return;
	for (i = 0; i < m.cnt && i < 3 && used < len; i++) {
		char d[200];

		pf_frame__describe(&m.ranges[i], d, sizeof(d));
		used += snprintf(buf + used, len - used, "%s%s %u B", i ? ", " : "; largest: ",
				 d, m.ranges[i].size);
	}
	if (m.cnt && !m.have_dwarf && used < len)
		snprintf(buf + used, len - used, " (names need -g)");
	pf_frame__free(&m);
}

/*
 * Do kernels @a and @b refuse alike: the same message at the same place,
 * with the same notes and the same chain, frame by frame? Only then may
 * one finding's notes speak for both.
 */
static bool same_verdict(const struct pf_verdict *a, const struct pf_verdict *b)
{
	size_t c;

	if (a->result != b->result || a->rule != b->rule || strcmp(a->message, b->message) ||
	    a->func != b->func || a->insn != b->insn || a->note_cnt != b->note_cnt ||
	    a->chain_len != b->chain_len)
		return false;
	for (c = 0; c < a->note_cnt; c++)
		if (a->notes[c].func != b->notes[c].func || a->notes[c].insn != b->notes[c].insn ||
		    strcmp(a->notes[c].message, b->notes[c].message))
			return false;
	for (c = 0; c < a->chain_len; c++) {
		const struct pf_frame *x = &a->chain[c], *y = &b->chain[c];

		if (x->func != y->func || x->depth != y->depth || x->priv != y->priv ||
		    (x->priv ? 0 : x->rounded) != (y->priv ? 0 : y->rounded) ||
		    x->calls != y->calls || (x->calls && x->call_insn != y->call_insn))
			return false;
	}
	return true;
}

/* The finding of the kernels that refuse exactly as kernel @i does. */
static void verdict_finding(struct pf_driver *ctx, const struct pf_object *obj,
			    const struct pf_program *prog, const struct pf_verdict *vs, size_t i,
			    const bool *skip)
{
	const struct pf_verdict *v = &vs[i];
	enum pf_rule_id rule = v->rule != PF_RULE_NONE ? v->rule : PF_RULE_cannot_predict;
	struct pf_finding *d;
	char big[600];
	size_t j, c;

	d = pf_findings__new(&ctx->findings, rule,
			     v->result == PF_REJECT ? PF_SEV_ERROR : PF_SEV_WARNING, "%s", v->message);
	pf_finding__at(d, obj, (int)(prog - obj->progs), v->func, v->insn);
	for (j = 0; j < ctx->profile_cnt; j++)
		if (!(skip && skip[j]) && same_verdict(&vs[j], v))
			pf_finding__kernel(d, ctx->profiles[j].name);
	for (c = 0; c < v->note_cnt; c++)
		pf_finding__note(d, obj, v->notes[c].func, v->notes[c].insn, "%s", v->notes[c].message);
	for (c = 0; c < v->chain_len; c++) {
		const struct pf_frame *fr = &v->chain[c];
		const struct pf_function *ff = &obj->funcs[fr->func];

		biggest(ctx, obj, fr->func, big, sizeof(big));
		pf_finding__note(d, obj, fr->func, fr->calls ? fr->call_insn : ff->start,
				 "frame %zu: %s, stack depth %u, counted %u%s%s", c, ff->name, fr->depth,
				 fr->priv ? 0 : fr->rounded, fr->priv ? " (private stack)" : "", big);
	}
}

/* Append @what and the kernels of @d (all: NULL) whose result is @r to @buf; how many. */
static size_t kernels_with(const struct pf_driver *ctx, const struct pf_verdict *vs,
			 const struct pf_finding *d, enum pf_result r, const char *what,
			 char *buf, size_t len)
{
	size_t j, k, used = strlen(buf), n = 0;

	for (j = 0; j < ctx->profile_cnt && used < len; j++) {
		bool in = !d;

		for (k = 0; d && k < d->kernel_cnt && !in; k++)
			in = !strcmp(d->kernels[k], ctx->profiles[j].name);
		if (!in || vs[j].result != r)
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s", n++ ? ", " : what,
					 ctx->profiles[j].name);
	}
	return n;
}

/*
 * A program's findings, one per problem: the kernels that refuse alike
 * make one part each, the parts at one place merge (finding.h), and each
 * finding leads with the program's verdict over the kernels it names and
 * where the program loads. @skip: kernels reported elsewhere.
 */
static void program_findings(struct pf_driver *ctx, const struct pf_object *obj,
			     const struct pf_program *prog, const struct pf_verdict *vs,
			     const bool *skip)
{
	size_t from = ctx->findings.cnt, i, j, n;

	for (i = 0; i < ctx->profile_cnt; i++) {
		bool first = true;

		if (vs[i].result == PF_ACCEPT || (skip && skip[i]))
			continue;
		for (j = 0; j < i && first; j++)
			first = (skip && skip[j]) || !same_verdict(&vs[j], &vs[i]);
		if (first)
			verdict_finding(ctx, obj, prog, vs, i, skip);
	}
	pf_findings__merge(&ctx->findings, from);
	for (i = from; i < ctx->findings.cnt; i++) {
		struct pf_finding *d = &ctx->findings.v[i];
		char msg[1024];

		snprintf(msg, sizeof(msg), "program '%s' in %s:", obj->funcs[prog->func].name,
			 obj->path);
		n = kernels_with(ctx, vs, d, PF_REJECT, " refused on ", msg, sizeof(msg));
		kernels_with(ctx, vs, d, PF_UNPREDICTABLE, n ? "; not predicted on " : " not predicted on ",
			     msg, sizeof(msg));
		kernels_with(ctx, vs, NULL, PF_ACCEPT, "; accepted on ", msg, sizeof(msg));
		pf_finding__lead_note(d, "%s", msg);
	}
}

/*
 * An extension is loaded against its target: bpf_check_attach_target()
 * runs before the verifier walks a single instruction, so the attach
 * checks come first in its verdict, and they need the target, which may
 * be in any object of the run. Its verdict waits for the whole set.
 */
static int defer_extension(struct pf_driver *ctx, const struct pf_object *obj, size_t p,
			   void *handle, int slot)
{
	struct pf_pending_ext *e, *prev;

	if (pf_grow((void **)&ctx->pending, &ctx->pending_cap, ctx->pending_cnt + 1,
		    sizeof(*ctx->pending)))
		return -ENOMEM;
	e = &ctx->pending[ctx->pending_cnt];
	prev = ctx->pending_cnt ? e - 1 : NULL;
	memset(e, 0, sizeof(*e));
	e->unit = ctx->set.unit_cnt;	/* pf_linkset__add() comes after the programs */
	if (prev && prev->unit == e->unit) {
		e->image = prev->image;
		e->image_size = prev->image_size;
	} else {
		e->image = malloc(obj->image_size ? obj->image_size : 1);
		if (!e->image)
			return -ENOMEM;
		memcpy(e->image, obj->image, obj->image_size);
		e->image_size = obj->image_size;
		e->owns_image = true;
	}
	e->path = strdup(obj->path);
	if (!e->path) {
		if (e->owns_image)
			free(e->image);
		return -ENOMEM;
	}
	e->prog = p;
	e->handle = handle;
	e->slot = slot;
	ctx->pending_cnt++;
	if (ctx->ops.program)
		ctx->ops.program(ctx->ctx, handle, slot, false, obj, &obj->progs[p], NULL);
	return 0;
}

static bool rule_on(const struct pf_driver *d, const struct pf_rule *rule)
{
	return !d->ops.rule_enabled || d->ops.rule_enabled(d->ctx, rule);
}

/* --rodata: which names the object has as .rodata variables. */
static void rodata__note(struct pf_driver *ctx, const struct pf_object *obj)
{
	size_t i, j;

	for (i = 0; ctx->rodata && i < ctx->rodata->cnt && i < 64; i++) {
		for (j = 0; j < obj->sym_cnt && !ctx->rodata_found[i]; j++) {
			const struct pf_symbol *s = &obj->syms[j];
			int k;

			if (!s->name || strcmp(s->name, ctx->rodata->v[i].name))
				continue;
			k = pf_elf__sec_by_shndx(obj, s->shndx);
			if (k >= 0 && obj->secs[k].name && !strncmp(obj->secs[k].name, ".rodata", 7))
				ctx->rodata_found[i] = 1;
		}
	}
}

int pf_driver__object(struct pf_driver *ctx, const struct pf_object *obj)
{
	struct pf_check_env env = {
		.profiles = ctx->profiles, .profile_cnt = ctx->profile_cnt,
		.margin = ctx->margin,
	};
	struct pf_analysis an;
	struct pf_verdict *vs;
	void *handle = NULL;
	size_t p, i, from;
	int slot = 0;

	vs = calloc(ctx->profile_cnt + 1, sizeof(*vs));
	if (!vs)
		return -ENOMEM;
	pf_analysis__init(&an, obj);
	an.ro = ctx->rodata;
	rodata__note(ctx, obj);
	if (ctx->ops.object)
		handle = ctx->ops.object(ctx->ctx, obj);
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];

		if (ctx->prog && strcmp(ctx->prog, obj->funcs[prog->func].name))
			continue;
		if (prog->type_known && prog->prog_type == BPF_PROG_TYPE_EXT) {
			if (defer_extension(ctx, obj, p, handle, slot++)) {
				pf_analysis__free(&an);
				free(vs);
				return -ENOMEM;
			}
			continue;
		}
		for (i = 0; i < ctx->profile_cnt; i++)
			pf_verdict__program(&an, prog, &ctx->profiles[i], &vs[i]);
		if (ctx->ops.program)
			ctx->ops.program(ctx->ctx, handle, slot, false, obj, prog, vs);
		slot++;
		program_findings(ctx, obj, prog, vs, NULL);
	}
	free(vs);
	pf_dwarf__free_vars(&ctx->vars);
	ctx->vars_read = false;
	from = ctx->findings.cnt;
	for (i = 0; pf_rules[i]; i++) {
		if (!rule_on(ctx, pf_rules[i]))
			continue;
		if (pf_rules[i]->impl->check)
			pf_rules[i]->impl->check(&an, pf_rules[i], &ctx->findings);
		if (pf_rules[i]->impl->check_env && ctx->profile_cnt)
			pf_rules[i]->impl->check_env(&an, pf_rules[i], &env, &ctx->findings);
	}
	/* a rule may find one problem per group of kernels: one finding each */
	pf_findings__merge(&ctx->findings, from);
	if (!ctx->set_err)
		ctx->set_err = pf_linkset__add(&ctx->set, &an);
	pf_analysis__free(&an);
	return 0;
}

/*
 * The extensions' verdicts, now that every target is known: per kernel,
 * the attach checks' outcome, else the walk of the extension's own code.
 * An attach refusal's finding is freplace-attach's (it names the target);
 * the driver reports what the kernel meets after a successful attach.
 */
static int check_extensions(struct pf_driver *ctx, char *errbuf, size_t errlen)
{
	struct pf_object *obj = NULL;
	struct pf_analysis an = { 0 };
	const uint8_t *open_image = NULL;
	struct pf_verdict *vs;
	bool *at_attach;
	size_t e, k;
	int ret = 0;

	if (!ctx->pending_cnt)
		return 0;
	vs = calloc(ctx->profile_cnt + 1, sizeof(*vs));
	at_attach = calloc(ctx->profile_cnt + 1, sizeof(*at_attach));
	if (!vs || !at_attach) {
		ret = -ENOMEM;
		goto out;
	}
	for (e = 0; e < ctx->pending_cnt; e++) {
		const struct pf_pending_ext *pe = &ctx->pending[e];
		const struct pf_program *prog;
		char err[256];

		if (open_image != pe->image) {
			if (obj)
				pf_analysis__free(&an);
			pf_object__free(obj);
			obj = NULL;
			if (pf_object__open_mem(pe->path, pe->image, pe->image_size, &obj, err,
						sizeof(err))) {
				/* the same bytes modelled a moment ago */
				snprintf(errbuf, errlen, "%s: %s", pe->path, err);
				ret = -EIO;
				goto out;
			}
			open_image = pe->image;
			pf_analysis__init(&an, obj);
			an.ro = ctx->rodata;
			pf_dwarf__free_vars(&ctx->vars);
			ctx->vars_read = false;
		}
		if (pe->prog >= obj->prog_cnt || pe->unit >= ctx->set.unit_cnt) {
			snprintf(errbuf, errlen, "%s: the object changed during the run", pe->path);
			ret = -EIO;
			goto out;
		}
		prog = &obj->progs[pe->prog];
		for (k = 0; k < ctx->profile_cnt; k++) {
			struct pf_verdict *v = &vs[k];

			memset(v, 0, sizeof(*v));
			v->result = k < PF_LINK_MAX_PROFILES ?
				    pf_linkset__attach(&ctx->set, pe->unit, pe->prog, &ctx->profiles[k],
						       v->message, sizeof(v->message)) : PF_ACCEPT;
			at_attach[k] = v->result != PF_ACCEPT;
			if (at_attach[k])
				v->rule = v->result == PF_REJECT ? PF_RULE_freplace_attach : PF_RULE_NONE;
			else
				pf_verdict__program(&an, prog, &ctx->profiles[k], v);
		}
		if (ctx->ops.program)
			ctx->ops.program(ctx->ctx, pe->handle, pe->slot, true, obj, prog, vs);
		program_findings(ctx, obj, prog, vs, at_attach);
	}
out:
	pf_dwarf__free_vars(&ctx->vars);
	ctx->vars_read = false;
	if (obj)
		pf_analysis__free(&an);
	pf_object__free(obj);
	free(vs);
	free(at_attach);
	return ret;
}

int pf_driver__finish(struct pf_driver *ctx, char *const *attach, size_t attach_cnt,
		      char *const *tail, size_t tail_cnt, char *err, size_t errlen)
{
	size_t i, from;

	if (ctx->set_err) {
		snprintf(err, errlen, "out of memory for the analysis set");
		return -ENOMEM;
	}
	if (pf_linkset__resolve(&ctx->set, attach, attach_cnt, tail, tail_cnt, err, errlen))
		return -EINVAL;
	/* a value that sets nothing is a typo, not a quiet default */
	for (i = 0; ctx->rodata && i < ctx->rodata->cnt && i < 64; i++) {
		if (ctx->rodata_found[i])
			continue;
		snprintf(err, errlen, "--rodata %s: no .rodata variable of that name in the objects given",
			 ctx->rodata->v[i].name);
		return -EINVAL;
	}
	from = ctx->findings.cnt;
	for (i = 0; pf_rules[i]; i++)
		if (pf_rules[i]->impl->check_set && rule_on(ctx, pf_rules[i]))
			pf_rules[i]->impl->check_set(&ctx->set, pf_rules[i], &ctx->findings);
	pf_findings__merge(&ctx->findings, from);
	return check_extensions(ctx, err, errlen);
}

void pf_driver__init(struct pf_driver *d)
{
	memset(&d->findings, 0, sizeof(d->findings));
	memset(&d->vars, 0, sizeof(d->vars));
	d->vars_read = false;
	d->set_err = 0;
	d->pending = NULL;
	d->pending_cnt = d->pending_cap = 0;
	pf_linkset__init(&d->set, d->profiles, d->profile_cnt);
}

void pf_driver__free(struct pf_driver *d)
{
	size_t i;

	pf_findings__free(&d->findings);
	pf_linkset__free(&d->set);
	pf_dwarf__free_vars(&d->vars);
	for (i = 0; i < d->pending_cnt; i++) {
		free(d->pending[i].path);
		if (d->pending[i].owns_image)
			free(d->pending[i].image);
	}
	free(d->pending);
	d->pending = NULL;
	d->pending_cnt = d->pending_cap = 0;
}

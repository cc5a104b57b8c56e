// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight check`, the default command: every program of every
 * object against every selected kernel profile, and every lint rule. A
 * refusal becomes one finding per distinct verifier message, naming the
 * kernels that print it, at the source line of the culprit, with the call
 * chain and each frame's largest contributors as notes. Findings are
 * collected, filtered (rules, inline and config suppressions, baseline)
 * and rendered once (report.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "explain.h"
#include "frame.h"
#include "linkset.h"
#include "report.h"
#include "rule.h"
#include "util.h"
#include "verdict.h"

#ifndef PF_VERSION
#define PF_VERSION "0.1.0"
#endif

struct check_ctx {
	const struct pf_opts *opts;
	struct pf_findings report;
	struct pf_dwarf_vars vars;	/* of the current object, read at its first refusal */
	bool vars_read;
	cJSON *objects;		/* JSON: per-program verdicts */
	struct pf_linkset set;	/* every object's summary, for the cross-object rules */
	int set_err;
	/* extensions: decided once the set is whole (check_extensions) */
	struct pending_ext {
		char *path;	/* the object as given */
		size_t unit;	/* its unit in the set; programs index alike */
		size_t prog;
		cJSON *jprogs;	/* its object's JSON "programs", NULL without JSON */
		int jidx;	/* the entry kept for it there */
	} *pending;
	size_t pending_cnt, pending_cap;
};

static const char *result_str(enum pf_result r)
{
	return r == PF_ACCEPT ? "accept" : r == PF_REJECT ? "reject" : "unknown";
}

/* "; largest: t (struct tunnel) 44 B, ..." for a frame on a refused chain */
static void biggest(struct check_ctx *ctx, const struct pf_object *obj, int func,
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

		pf_explain__describe(&m.ranges[i], d, sizeof(d));
		used += snprintf(buf + used, len - used, "%s%s %u B", i ? ", " : "; largest: ",
				 d, m.ranges[i].size);
	}
	if (m.cnt && !m.have_dwarf && used < len)
		snprintf(buf + used, len - used, " (names need -g)");
	pf_frame__free(&m);
}

static void verdict_finding(struct check_ctx *ctx, const struct pf_object *obj,
			    const struct pf_program *prog, const struct pf_verdict *vs, size_t i)
{
	const struct pf_opts *opts = ctx->opts;
	const struct pf_verdict *v = &vs[i];
	enum pf_rule_id rule = v->rule != PF_RULE_NONE ? v->rule : PF_RULE_cannot_predict;
	struct pf_finding *d;
	char msg[900], ok[512] = "", big[600];
	size_t j, c, used = 0;

	d = pf_findings__new(&ctx->report, rule,
			     v->result == PF_REJECT ? PF_SEV_ERROR : PF_SEV_WARNING, "%s", v->message);
	pf_finding__at(d, obj, (int)(prog - obj->progs), v->func, v->insn);
	for (j = 0; j < opts->profile_cnt; j++) {
		if (vs[j].result == v->result && !strcmp(vs[j].message, v->message))
			pf_finding__kernel(d, opts->profiles[j].name);
		else if (vs[j].result == PF_ACCEPT && used < sizeof(ok))
			used += snprintf(ok + used, sizeof(ok) - used, "%s%s", used ? ", " : "",
					 opts->profiles[j].name);
	}
	snprintf(msg, sizeof(msg), "program '%s' in %s: %s on", obj->funcs[prog->func].name,
		 obj->path, v->result == PF_REJECT ? "refused" : "not predicted");
	for (j = 0; d && j < d->kernel_cnt; j++)
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "%s %s", j ? "," : "",
			 d->kernels[j]);
	if (ok[0])
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), "; accepted on %s", ok);
	pf_finding__note(d, obj, v->func, v->insn, "%s", msg);
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

static cJSON *json_verdict(const struct pf_verdict *v, const struct pf_profile *p)
{
	cJSON *o = cJSON_CreateObject();

	if (p)
		cJSON_AddStringToObject(o, "kernel", p->name);
	cJSON_AddStringToObject(o, "result", result_str(v->result));
	if (v->result != PF_ACCEPT)
		cJSON_AddStringToObject(o, "message", v->message);
	if (v->rule != PF_RULE_NONE)
		cJSON_AddStringToObject(o, "rule", pf_rule_id__name(v->rule));
	return o;
}

static cJSON *json_program(const struct pf_object *obj, const struct pf_program *prog,
			   const struct pf_opts *opts, const struct pf_verdict *vs)
{
	cJSON *o = cJSON_CreateObject(), *funcs, *verdicts;
	bool single = opts->profile_cnt == 1;
	size_t i, j;

	cJSON_AddStringToObject(o, "name", obj->funcs[prog->func].name);
	cJSON_AddStringToObject(o, "section", prog->sec_name);
	cJSON_AddStringToObject(o, "type", prog->type_known ?
				pf_prog_type_str(prog->prog_type) : "unknown");
	funcs = cJSON_AddArrayToObject(o, "functions");
	for (i = 0; i < prog->func_cnt; i++) {
		cJSON *f = cJSON_CreateObject();

		cJSON_AddStringToObject(f, "name", obj->funcs[prog->funcs[i]].name);
		if (single) {
			if (i < vs[0].depth_cnt && vs[0].depth_known)
				cJSON_AddNumberToObject(f, "stack_depth", vs[0].depths[i]);
		} else {
			cJSON *by = cJSON_AddObjectToObject(f, "stack_depth");

			for (j = 0; j < opts->profile_cnt; j++)
				if (i < vs[j].depth_cnt && vs[j].depth_known)
					cJSON_AddNumberToObject(by, opts->profiles[j].name,
								vs[j].depths[i]);
		}
		cJSON_AddItemToArray(funcs, f);
	}
	if (single) {
		cJSON_AddItemToObject(o, "verdict", json_verdict(&vs[0], NULL));
		return o;
	}
	verdicts = cJSON_AddArrayToObject(o, "verdicts");
	for (j = 0; j < opts->profile_cnt; j++)
		cJSON_AddItemToArray(verdicts, json_verdict(&vs[j], &opts->profiles[j]));
	return o;
}

/*
 * An extension is loaded against its target: bpf_check_attach_target()
 * runs before the verifier walks a single instruction, so the attach
 * checks come first in its verdict, and they need the target, which may
 * be in any object of the run. Its verdict waits for the whole set.
 */
static int defer_extension(struct check_ctx *ctx, const struct pf_object *obj, size_t p,
			   cJSON *jprogs)
{
	struct pending_ext *e;

	if (pf_grow((void **)&ctx->pending, &ctx->pending_cap, ctx->pending_cnt + 1,
		    sizeof(*ctx->pending)))
		return -ENOMEM;
	e = &ctx->pending[ctx->pending_cnt];
	e->path = strdup(obj->path);
	if (!e->path)
		return -ENOMEM;
	e->unit = ctx->set.unit_cnt;	/* pf_linkset__add() comes after the programs */
	e->prog = p;
	e->jprogs = jprogs;
	e->jidx = jprogs ? cJSON_GetArraySize(jprogs) : -1;
	if (jprogs)
		cJSON_AddItemToArray(jprogs, cJSON_CreateNull());
	ctx->pending_cnt++;
	return 0;
}

/* The first profile with this message reports it; the others join it. */
static bool first_of_kind(const struct pf_verdict *vs, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (vs[j].result == vs[i].result && !strcmp(vs[j].message, vs[i].message))
			return false;
	return true;
}

static int check_object(const struct pf_object *obj, const struct pf_opts *opts,
			void *arg)
{
	struct check_ctx *ctx = arg;
	struct pf_check_env env = {
		.profiles = opts->profiles, .profile_cnt = opts->profile_cnt,
		.margin = opts->margin,
	};
	struct pf_analysis an;
	struct pf_verdict *vs;
	cJSON *jprogs = NULL;
	size_t p, i;

	vs = calloc(opts->profile_cnt + 1, sizeof(*vs));
	if (!vs)
		return PF_EXIT_INTERNAL;
	pf_analysis__init(&an, obj);
	if (ctx->objects) {
		cJSON *jobj = cJSON_CreateObject();

		cJSON_AddStringToObject(jobj, "path", obj->path);
		jprogs = cJSON_AddArrayToObject(jobj, "programs");
		cJSON_AddItemToArray(ctx->objects, jobj);
	}
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];

		if (opts->prog && strcmp(opts->prog, obj->funcs[prog->func].name))
			continue;
		if (prog->type_known && prog->prog_type == BPF_PROG_TYPE_EXT) {
			if (defer_extension(ctx, obj, p, jprogs)) {
				pf_analysis__free(&an);
				free(vs);
				return PF_EXIT_INTERNAL;
			}
			continue;
		}
		for (i = 0; i < opts->profile_cnt; i++)
			pf_verdict__program(&an, prog, &opts->profiles[i], &vs[i]);
		if (jprogs)
			cJSON_AddItemToArray(jprogs, json_program(obj, prog, opts, vs));
		for (i = 0; i < opts->profile_cnt; i++)
			if (vs[i].result != PF_ACCEPT && first_of_kind(vs, i))
				verdict_finding(ctx, obj, prog, vs, i);
	}
	free(vs);
	pf_dwarf__free_vars(&ctx->vars);
	ctx->vars_read = false;
	for (i = 0; pf_rules[i]; i++) {
		if (!pf_cli__rule_enabled(opts, pf_rules[i]->id))
			continue;
		if (pf_rules[i]->impl->check)
			pf_rules[i]->impl->check(&an, pf_rules[i], &ctx->report);
		if (pf_rules[i]->impl->check_env && opts->profile_cnt)
			pf_rules[i]->impl->check_env(&an, pf_rules[i], &env, &ctx->report);
	}
	if (!ctx->set_err)
		ctx->set_err = pf_linkset__add(&ctx->set, &an);
	pf_analysis__free(&an);
	return PF_EXIT_OK;
}

/*
 * The extensions' verdicts, now that every target is known: per kernel,
 * the attach checks' outcome, else the walk of the extension's own code.
 * An attach refusal's finding is freplace-attach's (it names the target);
 * the driver reports what the kernel meets after a successful attach.
 */
static int check_extensions(struct check_ctx *ctx)
{
	const struct pf_opts *opts = ctx->opts;
	struct pf_object *obj = NULL;
	struct pf_analysis an = { 0 };
	const char *open_path = NULL;
	struct pf_verdict *vs;
	bool *at_attach;
	size_t e, k;
	int ret = PF_EXIT_OK;

	if (!ctx->pending_cnt)
		return PF_EXIT_OK;
	vs = calloc(opts->profile_cnt + 1, sizeof(*vs));
	at_attach = calloc(opts->profile_cnt + 1, sizeof(*at_attach));
	if (!vs || !at_attach) {
		ret = PF_EXIT_INTERNAL;
		goto out;
	}
	for (e = 0; e < ctx->pending_cnt; e++) {
		const struct pending_ext *pe = &ctx->pending[e];
		const struct pf_program *prog;
		char err[256];

		if (!open_path || strcmp(open_path, pe->path)) {
			if (obj)
				pf_analysis__free(&an);
			pf_object__free(obj);
			obj = NULL;
			if (pf_object__open(pe->path, &obj, err, sizeof(err))) {
				/* it modelled a moment ago: the file changed under us */
				pf_cli__input_error(pe->path, err);
				ret = PF_EXIT_INPUT;
				goto out;
			}
			open_path = pe->path;
			pf_analysis__init(&an, obj);
			pf_dwarf__free_vars(&ctx->vars);
			ctx->vars_read = false;
		}
		if (pe->prog >= obj->prog_cnt || pe->unit >= ctx->set.unit_cnt) {
			ret = PF_EXIT_INTERNAL;
			goto out;
		}
		prog = &obj->progs[pe->prog];
		for (k = 0; k < opts->profile_cnt; k++) {
			struct pf_verdict *v = &vs[k];

			memset(v, 0, sizeof(*v));
			v->result = k < PF_LINK_MAX_PROFILES ?
				    pf_linkset__attach(&ctx->set, pe->unit, pe->prog, &opts->profiles[k],
						       v->message, sizeof(v->message)) : PF_ACCEPT;
			at_attach[k] = v->result != PF_ACCEPT;
			if (at_attach[k])
				v->rule = v->result == PF_REJECT ? PF_RULE_freplace_attach : PF_RULE_NONE;
			else
				pf_verdict__program(&an, prog, &opts->profiles[k], v);
		}
		if (pe->jprogs)
			cJSON_ReplaceItemInArray(pe->jprogs, pe->jidx, json_program(obj, prog, opts, vs));
		for (k = 0; k < opts->profile_cnt; k++)
			if (!at_attach[k] && vs[k].result != PF_ACCEPT && first_of_kind(vs, k))
				verdict_finding(ctx, obj, prog, vs, k);
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

/* The rules over all objects at once, once every object is summarised. */
static int check_set(struct check_ctx *ctx)
{
	const struct pf_opts *opts = ctx->opts;
	char err[512];
	size_t i;

	if (ctx->set_err) {
		fprintf(stderr, "bpf-preflight: out of memory for the analysis set\n");
		return PF_EXIT_INTERNAL;
	}
	if (pf_linkset__resolve(&ctx->set, opts->attach, opts->attach_cnt, opts->tail,
				opts->tail_cnt, err, sizeof(err))) {
		fprintf(stderr, "bpf-preflight: %s\n", err);
		return PF_EXIT_INPUT;
	}
	for (i = 0; pf_rules[i]; i++)
		if (pf_rules[i]->impl->check_set && pf_cli__rule_enabled(opts, pf_rules[i]->id))
			pf_rules[i]->impl->check_set(&ctx->set, pf_rules[i], &ctx->report);
	return check_extensions(ctx);
}

static int model_only(const struct pf_object *obj, const struct pf_opts *opts, void *ctx)
{
	(void)obj;
	(void)opts;
	(void)ctx;
	return PF_EXIT_OK;
}

static cJSON *json_profile(const struct pf_profile *p)
{
	cJSON *t = cJSON_CreateObject();

	cJSON_AddStringToObject(t, "kernel", p->name);
	cJSON_AddStringToObject(t, "arch", pf_arch__name(p->arch));
	cJSON_AddBoolToObject(t, "jit", p->jit);
	return t;
}

/* One kernel: "target"; several: "targets" (documented in the man page). */
static void json_target(cJSON *root, const struct pf_opts *opts)
{
	cJSON *ts;
	size_t i;

	if (opts->profile_cnt == 1) {
		cJSON_AddItemToObject(root, "target", json_profile(&opts->profiles[0]));
		return;
	}
	ts = cJSON_AddArrayToObject(root, "targets");
	for (i = 0; i < opts->profile_cnt; i++)
		cJSON_AddItemToArray(ts, json_profile(&opts->profiles[i]));
}

static bool config_suppressed(const struct pf_opts *opts, const struct pf_finding *d)
{
	size_t i, n;

	for (i = 0; i < opts->suppress_cnt; i++) {
		const char *s = opts->suppress[i], *colon = strchr(s, ':');

		if (!colon || !d->function)
			continue;
		n = (size_t)(colon - s);
		if (strlen(d->function) == n && !strncmp(s, d->function, n) &&
		    (!strcmp(colon + 1, pf_rule_id__name(d->rule)) || !strcmp(colon + 1, "all")))
			return true;
	}
	return false;
}

/* Drop what the user asked not to see; keep the rest in order. */
static int filter(struct check_ctx *ctx)
{
	const struct pf_opts *opts = ctx->opts;
	struct pf_findings *r = &ctx->report;
	struct pf_baseline keys = { 0 };
	size_t i, n = 0;
	int err;

	if (opts->baseline) {
		err = pf_baseline__load(opts->baseline, &keys);
		if (err) {
			fprintf(stderr, "bpf-preflight: %s: cannot read baseline (%s)\n",
				opts->baseline, strerror(-err));
			return PF_EXIT_INPUT;
		}
	}
	for (i = 0; i < r->cnt; i++) {
		struct pf_finding *d = &r->v[i];
		bool drop = !pf_cli__rule_enabled(opts, pf_rule_id__name(d->rule)) ||
			    pf_finding__suppressed_inline(d) ||
			    (opts->prog && d->program && strcmp(opts->prog, d->program)) ||
			    config_suppressed(opts, d) || (opts->baseline && pf_baseline__has(&keys, d));

		if (drop) {
			pf_finding__free(d);
			continue;
		}
		r->v[n++] = *d;
	}
	r->cnt = n;
	pf_baseline__free(&keys);
	return PF_EXIT_OK;
}

static int render(struct check_ctx *ctx, cJSON *root)
{
	const struct pf_opts *opts = ctx->opts;
	char *text = NULL;
	bool color;

	switch (opts->format) {
	case PF_FMT_JSON:
		cJSON_AddItemToObject(root, "diagnostics", pf_report__json(&ctx->report));
		text = cJSON_Print(root);
		break;
	case PF_FMT_SARIF: {
		cJSON *s = pf_report__sarif(&ctx->report, PF_VERSION);

		text = cJSON_Print(s);
		cJSON_Delete(s);
		break;
	}
	default:
		color = opts->color > 0 ||
			(opts->color < 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"));
		pf_report__text(&ctx->report, color);
		return PF_EXIT_OK;
	}
	if (!text)
		return PF_EXIT_INTERNAL;
	printf("%s\n", text);
	cJSON_free(text);
	return PF_EXIT_OK;
}

int cmd_check(struct pf_opts *opts)
{
	struct check_ctx ctx = { .opts = opts };
	cJSON *root = NULL;
	size_t i;
	int ret, r;

	if (opts->format_set && opts->format == PF_FMT_DOT) {
		fprintf(stderr, "bpf-preflight: check supports --format=text|json|sarif\n");
		return PF_EXIT_INPUT;
	}
	if (pf_cli__profiles(opts))
		return PF_EXIT_INPUT;
	/* --kernel none: model and report input problems only */
	if (!opts->profile_cnt)
		return pf_cli__for_each_object(opts, model_only, NULL);
	if (opts->format == PF_FMT_JSON) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "version", 1);
		json_target(root, opts);
		ctx.objects = cJSON_AddArrayToObject(root, "objects");
	}
	pf_linkset__init(&ctx.set, opts->profiles, opts->profile_cnt);
	ret = pf_cli__for_each_object(opts, check_object, &ctx);
	r = check_set(&ctx);
	if (r != PF_EXIT_OK) {
		ret = r;
		goto out;
	}
	if (ctx.report.lost) {
		/* a finding lost is a wrong answer: never print a partial report as if whole */
		fprintf(stderr, "bpf-preflight: out of memory: a finding could not be stored\n");
		ret = PF_EXIT_INTERNAL;
		goto out;
	}
	r = filter(&ctx);
	if (r == PF_EXIT_OK && opts->write_baseline &&
	    pf_baseline__write(&ctx.report, opts->write_baseline)) {
		fprintf(stderr, "bpf-preflight: %s: cannot write baseline\n", opts->write_baseline);
		r = PF_EXIT_INPUT;
	}
	if (r == PF_EXIT_OK)
		r = render(&ctx, root);
	if (r > ret)
		ret = r;
	/* findings at or above --fail-on make the run fail (unless --exit-zero) */
	for (i = 0; i < ctx.report.cnt && !opts->exit_zero; i++)
		if ((int)ctx.report.v[i].severity >= opts->fail_on && ret < PF_EXIT_FINDINGS)
			ret = PF_EXIT_FINDINGS;
out:
	cJSON_Delete(root);
	pf_findings__free(&ctx.report);
	pf_linkset__free(&ctx.set);
	for (i = 0; i < ctx.pending_cnt; i++)
		free(ctx.pending[i].path);
	free(ctx.pending);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight check`, the default command: every program of every
 * object against every selected kernel profile. A refusal becomes one
 * diagnostic per distinct verifier message, naming the kernels that print
 * it, at the source line of the culprit, with the call chain as notes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "explain.h"
#include "frame.h"
#include "rule.h"
#include "verdict.h"

struct check_ctx {
	struct pf_dwarf_vars vars;	/* of the current object, read at its first refusal */
	bool vars_read;
	cJSON *root;
	cJSON *objects;
	cJSON *diags;
	int status;
};

static const char *result_str(enum pf_result r)
{
	return r == PF_ACCEPT ? "accept" : r == PF_REJECT ? "reject" : "unknown";
}

/* "file:line:col" of a slot, or the object when there is no line info. */
static void where(const struct pf_object *obj, const struct pf_function *f,
		  size_t insn, char *buf, size_t len)
{
	const struct pf_line *l = pf_object__line(obj, f->sec, insn);

	if (l && l->file)
		snprintf(buf, len, "%s:%u:%u", l->file, l->line, l->col ? l->col : 1);
	else
		snprintf(buf, len, "%s:%s+%zu", obj->path, obj->secs[f->sec].name, insn);
}

static void json_loc(cJSON *o, const struct pf_object *obj, const struct pf_function *f,
		     size_t insn)
{
	const struct pf_line *l = pf_object__line(obj, f->sec, insn);

	cJSON_AddStringToObject(o, "file", l && l->file ? l->file : obj->path);
	cJSON_AddNumberToObject(o, "line", l ? l->line : 0);
	cJSON_AddNumberToObject(o, "column", l ? (l->col ? l->col : 1) : 0);
	cJSON_AddNumberToObject(o, "insn", (double)(insn - f->start));
}

/* Kernels whose verdict equals verdicts[i]'s, as "6.1.170, 6.1.192". */
static void kernels_like(const struct pf_opts *opts, const struct pf_verdict *vs,
			 size_t i, char *buf, size_t len, cJSON *arr)
{
	size_t j, used = 0;

	buf[0] = '\0';
	for (j = 0; j < opts->profile_cnt; j++) {
		if (vs[j].result != vs[i].result || strcmp(vs[j].message, vs[i].message))
			continue;
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 opts->profiles[j].name);
		if (arr)
			cJSON_AddItemToArray(arr, cJSON_CreateString(opts->profiles[j].name));
	}
}

static void kernels_accepting(const struct pf_opts *opts, const struct pf_verdict *vs,
			      char *buf, size_t len)
{
	size_t j, used = 0;

	buf[0] = '\0';
	for (j = 0; j < opts->profile_cnt; j++)
		if (vs[j].result == PF_ACCEPT && used < len)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 opts->profiles[j].name);
}

/* "largest: t (struct tunnel) 44 B, ..." for a frame on a refused chain */
static void biggest(struct check_ctx *ctx, const struct pf_object *obj, int func,
		    char *buf, size_t len)
{
	struct pf_frame_map m;
	size_t i, used = 0;

	buf[0] = '\0';
	if (!ctx->vars_read) {
		pf_dwarf__read_vars((struct pf_object *)obj, &ctx->vars);
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

static void text_diag(struct check_ctx *ctx, const struct pf_object *obj, const struct pf_program *prog,
		      const struct pf_opts *opts, const struct pf_verdict *vs, size_t i)
{
	const struct pf_verdict *v = &vs[i];
	const struct pf_function *f = &obj->funcs[v->func];
	char loc[512], kernels[512], ok[512];
	size_t c;

	where(obj, f, v->insn, loc, sizeof(loc));
	kernels_like(opts, vs, i, kernels, sizeof(kernels), NULL);
	kernels_accepting(opts, vs, ok, sizeof(ok));
	printf("%s: %s: %s [%s]\n", loc, v->result == PF_REJECT ? "error" : "warning",
	       v->message, v->rule ? v->rule : "verdict");
	printf("%s: note: program '%s' in %s: %s on %s%s%s\n", loc,
	       obj->funcs[prog->func].name, obj->path,
	       v->result == PF_REJECT ? "refused" : "not predicted", kernels,
	       ok[0] ? "; accepted on " : "", ok);
	for (c = 0; c < v->chain_len; c++) {
		const struct pf_frame *fr = &v->chain[c];
		const struct pf_function *ff = &obj->funcs[fr->func];

		where(obj, ff, fr->calls ? fr->call_insn : ff->start, loc,
		      sizeof(loc));
		char big[600];

		biggest(ctx, obj, fr->func, big, sizeof(big));
		printf("%s: note: frame %zu: %s, stack depth %u, counted %s%u%s%s\n", loc, c,
		       ff->name, fr->depth, fr->priv ? "0 (private stack of " : "",
		       fr->priv ? fr->depth : fr->rounded, fr->priv ? ")" : "", big);
	}
}

static cJSON *json_diag(struct check_ctx *ctx, const struct pf_object *obj, const struct pf_program *prog,
			const struct pf_opts *opts, const struct pf_verdict *vs, size_t i)
{
	const struct pf_verdict *v = &vs[i];
	const struct pf_function *f = &obj->funcs[v->func];
	cJSON *d = cJSON_CreateObject(), *notes, *kern;
	char dummy[8];
	size_t c;

	cJSON_AddStringToObject(d, "rule", v->rule ? v->rule : "verdict");
	cJSON_AddStringToObject(d, "severity", v->result == PF_REJECT ? "error" : "warning");
	cJSON_AddStringToObject(d, "message", v->message);
	json_loc(d, obj, f, v->insn);
	cJSON_AddStringToObject(d, "object", obj->path);
	cJSON_AddStringToObject(d, "program", obj->funcs[prog->func].name);
	cJSON_AddStringToObject(d, "function", f->name);
	kern = cJSON_AddArrayToObject(d, "kernels");
	kernels_like(opts, vs, i, dummy, sizeof(dummy), kern);
	notes = cJSON_AddArrayToObject(d, "notes");
	for (c = 0; c < v->chain_len; c++) {
		const struct pf_frame *fr = &v->chain[c];
		const struct pf_function *ff = &obj->funcs[fr->func];
		cJSON *n = cJSON_CreateObject();
		char msg[800], big[600];

		biggest(ctx, obj, fr->func, big, sizeof(big));
		snprintf(msg, sizeof(msg), "frame %zu: %s, stack depth %u, counted %u%s", c,
			 ff->name, fr->depth, fr->priv ? 0 : fr->rounded, big);
		cJSON_AddStringToObject(n, "message", msg);
		cJSON_AddStringToObject(n, "function", ff->name);
		cJSON_AddNumberToObject(n, "stack_depth", fr->depth);
		cJSON_AddNumberToObject(n, "counted", fr->priv ? 0 : fr->rounded);
		json_loc(n, obj, ff, fr->calls ? fr->call_insn : ff->start);
		cJSON_AddItemToArray(notes, n);
	}
	return d;
}

static cJSON *json_verdict(const struct pf_verdict *v, const struct pf_profile *p)
{
	cJSON *o = cJSON_CreateObject();

	if (p)
		cJSON_AddStringToObject(o, "kernel", p->name);
	cJSON_AddStringToObject(o, "result", result_str(v->result));
	if (v->result != PF_ACCEPT)
		cJSON_AddStringToObject(o, "message", v->message);
	if (v->rule)
		cJSON_AddStringToObject(o, "rule", v->rule);
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

/* A lint rule's diagnostic, in the same shapes as the verdicts'. */
static void emit_diag(void *arg, const struct pf_object *obj, const struct pf_diag *d)
{
	struct check_ctx *ctx = arg;
	const struct pf_function *f = &obj->funcs[d->func];
	char loc[512];
	size_t i;

	if (d->severity == PF_SEV_ERROR)
		ctx->status = PF_EXIT_FINDINGS;
	if (ctx->root) {
		cJSON *j = cJSON_CreateObject(), *notes;

		cJSON_AddStringToObject(j, "rule", d->rule);
		cJSON_AddStringToObject(j, "severity", pf_severity__name(d->severity));
		cJSON_AddStringToObject(j, "message", d->message);
		json_loc(j, obj, f, d->insn);
		cJSON_AddStringToObject(j, "object", obj->path);
		if (d->prog >= 0)
			cJSON_AddStringToObject(j, "program", obj->funcs[obj->progs[d->prog].func].name);
		cJSON_AddStringToObject(j, "function", f->name);
		notes = cJSON_AddArrayToObject(j, "notes");
		for (i = 0; i < d->note_cnt; i++) {
			cJSON *n = cJSON_CreateObject();

			cJSON_AddStringToObject(n, "message", d->notes[i].message);
			if (d->notes[i].func >= 0) {
				cJSON_AddStringToObject(n, "function", obj->funcs[d->notes[i].func].name);
				json_loc(n, obj, &obj->funcs[d->notes[i].func], d->notes[i].insn);
			}
			cJSON_AddItemToArray(notes, n);
		}
		cJSON_AddItemToArray(ctx->diags, j);
		return;
	}
	where(obj, f, d->insn, loc, sizeof(loc));
	printf("%s: %s: %s [%s]\n", loc, pf_severity__name(d->severity), d->message, d->rule);
	for (i = 0; i < d->note_cnt; i++) {
		if (d->notes[i].func >= 0)
			where(obj, &obj->funcs[d->notes[i].func], d->notes[i].insn, loc, sizeof(loc));
		printf("%s: note: %s\n", loc, d->notes[i].message);
	}
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
	struct pf_verdict *vs;
	cJSON *jobj = NULL, *jprogs = NULL;
	size_t p, i;

	vs = calloc(opts->profile_cnt, sizeof(*vs));
	if (!vs)
		return PF_EXIT_INTERNAL;
	if (ctx->root) {
		jobj = cJSON_CreateObject();
		cJSON_AddStringToObject(jobj, "path", obj->path);
		jprogs = cJSON_AddArrayToObject(jobj, "programs");
		cJSON_AddItemToArray(ctx->objects, jobj);
	}
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];

		if (opts->prog && strcmp(opts->prog, obj->funcs[prog->func].name))
			continue;
		for (i = 0; i < opts->profile_cnt; i++)
			pf_verdict__program(obj, prog, &opts->profiles[i], &vs[i]);
		if (jprogs)
			cJSON_AddItemToArray(jprogs, json_program(obj, prog, opts, vs));
		for (i = 0; i < opts->profile_cnt; i++) {
			if (vs[i].result == PF_ACCEPT || !first_of_kind(vs, i))
				continue;
			if (vs[i].result == PF_REJECT)
				ctx->status = PF_EXIT_FINDINGS;
			if (ctx->root)
				cJSON_AddItemToArray(ctx->diags, json_diag(ctx, obj, prog, opts, vs, i));
			else
				text_diag(ctx, obj, prog, opts, vs, i);
		}
	}
	free(vs);
	pf_dwarf__free_vars(&ctx->vars);
	ctx->vars_read = false;
	for (i = 0; pf_rules[i]; i++) {
		struct pf_check_env env = {
			.profiles = opts->profiles, .profile_cnt = opts->profile_cnt,
			.margin = opts->margin,
		};

		if (pf_rules[i]->check)
			pf_rules[i]->check(obj, pf_rules[i], emit_diag, ctx);
		if (pf_rules[i]->check_env)
			pf_rules[i]->check_env(obj, pf_rules[i], &env, emit_diag, ctx);
	}
	return PF_EXIT_OK;
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

int cmd_check(struct pf_opts *opts)
{
	struct check_ctx ctx = { 0 };
	char *text;
	int ret;

	if (opts->format_set && opts->format != PF_FMT_TEXT && opts->format != PF_FMT_JSON) {
		fprintf(stderr, "bpf-preflight: check supports --format=text|json\n");
		return PF_EXIT_INPUT;
	}
	if (pf_cli__profiles(opts))
		return PF_EXIT_INPUT;
	/* --kernel none: model and report input problems only */
	if (!opts->profile_cnt)
		return pf_cli__for_each_object(opts, model_only, NULL);
	if (opts->format == PF_FMT_JSON) {
		ctx.root = cJSON_CreateObject();
		cJSON_AddNumberToObject(ctx.root, "version", 1);
		json_target(ctx.root, opts);
		ctx.objects = cJSON_AddArrayToObject(ctx.root, "objects");
		ctx.diags = cJSON_AddArrayToObject(ctx.root, "diagnostics");
	}
	ret = pf_cli__for_each_object(opts, check_object, &ctx);
	if (ctx.root) {
		text = cJSON_Print(ctx.root);
		if (!text) {
			cJSON_Delete(ctx.root);
			return PF_EXIT_INTERNAL;
		}
		printf("%s\n", text);
		cJSON_free(text);
		cJSON_Delete(ctx.root);
	}
	/* Input errors (2) outrank findings (1). */
	return ret > ctx.status ? ret : ctx.status;
}

// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight check`, the default command: the objects go through the
 * verdict driver (analyzer/driver.c), which decides every program's
 * verdict on every selected kernel and collects the findings; this file
 * builds the JSON of the verdicts as the driver reports them, filters the
 * findings (rules, inline and config suppressions, baseline) and renders
 * them once (report.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "bpf_preflight.h"
#include "report.h"

struct check_ctx {
	const struct pf_opts *opts;
	struct pf_driver d;	/* decides; this file renders */
	cJSON *objects;		/* JSON: per-program verdicts */
};

static const char *result_str(enum pf_result r)
{
	return r == PF_ACCEPT ? "accept" : r == PF_REJECT ? "reject" : "unknown";
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
			if (i < vs[0].depth_cnt && vs[0].removed[i])
				cJSON_AddBoolToObject(f, "removed", true);
		} else {
			cJSON *by = cJSON_AddObjectToObject(f, "stack_depth"), *rm = NULL;

			for (j = 0; j < opts->profile_cnt; j++) {
				if (i < vs[j].depth_cnt && vs[j].depth_known)
					cJSON_AddNumberToObject(by, opts->profiles[j].name,
								vs[j].depths[i]);
				if (i < vs[j].depth_cnt && vs[j].removed[i]) {
					if (!rm)
						rm = cJSON_AddArrayToObject(f, "removed");
					cJSON_AddItemToArray(rm, cJSON_CreateString(opts->profiles[j].name));
				}
			}
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

static void *on_object(void *arg, const struct pf_object *obj)
{
	struct check_ctx *ctx = arg;
	cJSON *jobj;

	if (!ctx->objects)
		return NULL;
	jobj = cJSON_CreateObject();
	cJSON_AddStringToObject(jobj, "path", obj->path);
	cJSON_AddItemToArray(ctx->objects, jobj);
	return cJSON_AddArrayToObject(jobj, "programs");
}

/* A program's entry where the driver puts it; an extension's comes later. */
static void on_program(void *arg, void *handle, int slot, bool again,
		       const struct pf_object *obj, const struct pf_program *prog,
		       const struct pf_verdict *vs)
{
	struct check_ctx *ctx = arg;
	cJSON *jprogs = handle, *item;

	if (!jprogs)
		return;
	item = vs ? json_program(obj, prog, ctx->opts, vs) : cJSON_CreateNull();
	/* appending is O(1); only an extension's entry is found (O(n)) and replaced */
	if (again)
		cJSON_ReplaceItemInArray(jprogs, slot, item);
	else
		cJSON_AddItemToArray(jprogs, item);
}

static bool on_rule(void *arg, const struct pf_rule *rule)
{
	struct check_ctx *ctx = arg;

	return pf_cli__rule_enabled(ctx->opts, rule->id);
}

static int check_object(const struct pf_object *obj, const struct pf_opts *opts, void *arg)
{
	struct check_ctx *ctx = arg;

	(void)opts;
	return pf_driver__object(&ctx->d, obj) ? PF_EXIT_INTERNAL : PF_EXIT_OK;
}

static int model_only(const struct pf_object *obj, const struct pf_opts *opts, void *ctx)
{
	(void)obj;
	(void)opts;
	(void)ctx;
	return PF_EXIT_OK;
}

/* One kernel: "target"; several: "targets" (documented in the man page). */
static void json_target(cJSON *root, const struct pf_opts *opts)
{
	cJSON *ts;
	size_t i;

	if (opts->profile_cnt == 1) {
		cJSON_AddItemToObject(root, "target", pf_cli__json_profile(&opts->profiles[0]));
		return;
	}
	ts = cJSON_AddArrayToObject(root, "targets");
	for (i = 0; i < opts->profile_cnt; i++)
		cJSON_AddItemToArray(ts, pf_cli__json_profile(&opts->profiles[i]));
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

/*
 * A finding the baseline holds in a smaller form is reported, with a note
 * saying what grew.
 */
static void note_worse(struct pf_finding *d, const char *path, const struct pf_baseline_key *k)
{
	long long now[PF_BASELINE_MEASURES];
	size_t n = pf_finding__measures(d->message, now, PF_BASELINE_MEASURES), i;
	char grew[256] = "";
	int len = 0;

	if (n != k->measure_cnt) {
		pf_finding__note(d, NULL, -1, 0, "changed since the baseline %s, which recorded it as '%s'",
				 path, k->message ? k->message : "(no message)");
		return;
	}
	for (i = 0; i < n && len >= 0 && (size_t)len < sizeof(grew); i++)
		if (now[i] > k->measure[i])
			len += snprintf(grew + len, sizeof(grew) - (size_t)len, "%s%lld where it recorded %lld",
					len ? ", " : "", now[i], k->measure[i]);
	pf_finding__note(d, NULL, -1, 0, "worse than in the baseline %s: %s", path, grew);
}

/* Drop what the user asked not to see; keep the rest in order. */
static int filter(struct check_ctx *ctx)
{
	const struct pf_opts *opts = ctx->opts;
	struct pf_findings *r = &ctx->d.findings;
	struct pf_baseline keys = { 0 };
	const struct pf_baseline_key *worse = NULL;
	const char *run[PF_MAX_PROFILES];
	char msg[512];
	size_t i, n = 0;
	int err;

	for (i = 0; i < opts->profile_cnt; i++)
		run[i] = opts->profiles[i].name;

	if (opts->baseline) {
		err = pf_baseline__load(opts->baseline, &keys, msg, sizeof(msg));
		if (err) {
			fprintf(stderr, "bpf-preflight: %s\n", msg);
			return err == -ENOMEM ? PF_EXIT_INTERNAL : PF_EXIT_INPUT;
		}
		if (keys.version == 1)
			fprintf(stderr, "bpf-preflight: %s: warning: a version 1 baseline names only the object, "
				"function and rule, so a finding that grows stays hidden; write it anew "
				"with --write-baseline\n", opts->baseline);
	}
	for (i = 0; i < r->cnt; i++) {
		struct pf_finding *d = &r->v[i];
		bool drop = !pf_cli__rule_enabled(opts, pf_rule_id__name(d->rule)) ||
			    pf_finding__suppressed_inline(d) ||
			    (opts->prog && d->program && strcmp(opts->prog, d->program)) ||
			    config_suppressed(opts, d);

		if (!drop && opts->baseline) {
			switch (pf_baseline__match(&keys, d, run, opts->profile_cnt, &worse)) {
			case PF_BASELINE_KNOWN:
				drop = true;
				break;
			case PF_BASELINE_WORSE:
				note_worse(d, opts->baseline, worse);
				break;
			case PF_BASELINE_NEW:
				break;
			}
		}
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

static int write_baseline(struct check_ctx *ctx)
{
	const char *run[PF_MAX_PROFILES];
	size_t i;

	for (i = 0; i < ctx->opts->profile_cnt; i++)
		run[i] = ctx->opts->profiles[i].name;
	return pf_baseline__write(&ctx->d.findings, run, ctx->opts->profile_cnt,
				  ctx->opts->write_baseline);
}

/* @ok: false when the run failed beyond what the problems list says */
static int render(struct check_ctx *ctx, cJSON *root, const char *srcroot, bool ok)
{
	const struct pf_opts *opts = ctx->opts;
	const struct pf_cli_problem *pv;
	char *text = NULL;
	size_t pcnt;
	bool color, lost;

	pv = pf_cli__problems(&pcnt, &lost);
	ok = ok && !lost;

	switch (opts->format) {
	case PF_FMT_JSON:
		cJSON_AddItemToObject(root, "diagnostics", pf_report__json(&ctx->d.findings));
		cJSON_AddItemToObject(root, "errors", pf_report__json_errors(pv, pcnt));
		text = cJSON_Print(root);
		break;
	case PF_FMT_SARIF: {
		struct pf_sarif_run run = { .version = PF_VERSION, .srcroot = srcroot,
					    .problems = pv, .problem_cnt = pcnt, .ok = ok };
		cJSON *s = pf_report__sarif(&ctx->d.findings, &run);

		text = cJSON_Print(s);
		cJSON_Delete(s);
		break;
	}
	default:
		color = opts->color > 0 || (opts->color < 0 && pf_cli__color_auto());
		pf_report__text(&ctx->d.findings, color);
		/*
		 * The count a person reads last, as clang and ruff print it; a
		 * pipe or file gets the findings alone (tools count them), and a
		 * clean run prints nothing, as clang does: the exit status says it.
		 */
		if (isatty(STDOUT_FILENO))
			pf_report__summary(&ctx->d.findings, opts->profile_cnt, color);
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
	char msg[512];
	char srcroot[4096] = "";	/* %SRCROOT% of a SARIF log */
	size_t i;
	int ret, r, err;

	if (opts->format_set && opts->format == PF_FMT_DOT) {
		fprintf(stderr, "bpf-preflight: check supports --format=text|json|sarif\n");
		return PF_EXIT_INPUT;
	}
	/* before any work: a --srcroot that does not exist is a usage error */
	if (opts->format == PF_FMT_SARIF && pf_cli__srcroot(opts, srcroot, sizeof(srcroot)))
		return PF_EXIT_INPUT;
	if (pf_cli__profiles(opts))
		return PF_EXIT_INPUT;
	/*
	 * --kernel none: model and report input problems only; a JSON or
	 * SARIF consumer still gets its document (no targets, no verdicts).
	 */
	if (!opts->profile_cnt && opts->format == PF_FMT_TEXT)
		return pf_cli__for_each_object(opts, model_only, NULL);
	if (opts->format == PF_FMT_JSON) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "version", 3);
		json_target(root, opts);
		ctx.objects = cJSON_AddArrayToObject(root, "objects");
	}
	ctx.d.profiles = opts->profiles;
	ctx.d.profile_cnt = opts->profile_cnt;
	ctx.d.prog = opts->prog;
	ctx.d.margin = opts->margin;
	ctx.d.rodata = opts->rodata_set.cnt ? &opts->rodata_set : NULL;
	ctx.d.ops = (struct pf_driver_ops){ .object = on_object, .program = on_program,
					     .rule_enabled = on_rule };
	ctx.d.ctx = &ctx;
	pf_driver__init(&ctx.d);
	ret = pf_cli__for_each_object(opts, check_object, &ctx);
	err = pf_driver__finish(&ctx.d, opts->attach, opts->attach_cnt, opts->tail,
				opts->tail_cnt, msg, sizeof(msg));
	if (err) {
		pf_cli__run_error(msg);
		ret = err == -ENOMEM ? PF_EXIT_INTERNAL : PF_EXIT_INPUT;
		/* a JSON or SARIF consumer gets a document that says so */
		if (ret == PF_EXIT_INTERNAL || opts->format == PF_FMT_TEXT)
			goto out;
	}
	if (ctx.d.findings.lost) {
		/* a finding lost is a wrong answer: never print a partial report as if whole */
		fprintf(stderr, "bpf-preflight: out of memory: a finding could not be stored\n");
		ret = PF_EXIT_INTERNAL;
		goto out;
	}
	r = filter(&ctx);
	if (r == PF_EXIT_OK && ctx.d.findings.lost) {
		fprintf(stderr, "bpf-preflight: out of memory: a note could not be stored\n");
		r = PF_EXIT_INTERNAL;
	}
	if (r == PF_EXIT_OK && opts->write_baseline &&
	    write_baseline(&ctx)) {
		fprintf(stderr, "bpf-preflight: %s: cannot write baseline\n", opts->write_baseline);
		r = PF_EXIT_INPUT;
	}
	if (r == PF_EXIT_OK)
		r = render(&ctx, root, srcroot, !err);
	if (r > ret)
		ret = r;
	/* findings at or above --fail-on make the run fail (unless --exit-zero) */
	for (i = 0; i < ctx.d.findings.cnt && !opts->exit_zero; i++)
		if ((int)ctx.d.findings.v[i].severity >= opts->fail_on && ret < PF_EXIT_FINDINGS)
			ret = PF_EXIT_FINDINGS;
out:
	cJSON_Delete(root);
	pf_driver__free(&ctx.d);
	return ret;
}

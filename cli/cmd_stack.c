// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight stack`: per program, the call tree with every frame as
 * the verifier records it and as check_max_stack_depth() counts it on each
 * kernel, the worst chain, the headroom to 512 bytes, and for every
 * tail-calling subprogram the headroom of its caller frames to 256.
 *
 * The kernel columns are the program's verdict's depths (what `check`
 * prints and the kernel's "stack depth" line holds: explored accesses
 * only, fastcall and may_goto slots per kernel), so that a subprogram the
 * verifier never explores counts nothing and is marked as dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bpf_preflight.h"
#include "cli.h"
#include "explain.h"

#define TREE_MAX_LINES	400	/* a DAG can fan out; the table stays readable */

struct stack_ctx {
	const struct pf_object *obj;
	const struct pf_opts *opts;
	/* per function x profile, memoised: counted frame, worst chain below */
	uint32_t *frame;
	uint8_t *dropped;	/* never explored: opt_remove_dead_code() drops it */
	struct pf_analysis an;	/* the engine's explorations, per program */
	struct pf_verdict *vs;	/* one program's verdicts, per profile */
	int64_t *worst;		/* -1: not computed */
	/*
	 * Per function x profile, the worst frames above it (tail_headroom),
	 * -1 between programs: allocated once per object and reset over the
	 * program's functions only, not programs x functions (t_limits.sh).
	 */
	int64_t *above;
	size_t lines;
	cJSON *jprogs;		/* -f json: the object's programs; NULL: text */
};

static bool edge(const struct pf_call *c)
{
	/* async callbacks are roots of their own, not frames of the caller */
	return (c->kind == PF_CALL_SUBPROG || c->kind == PF_CALL_CALLBACK) &&
	       c->target >= 0 && !c->async;
}

static uint32_t frame_of(struct stack_ctx *sc, int func, size_t k)
{
	return sc->frame[func * sc->opts->profile_cnt + k];
}

/* Worst sum of counted frames from @func down; the graph is acyclic. */
static int64_t worst_from(struct stack_ctx *sc, int func, size_t k, unsigned int depth)
{
	const struct pf_function *f = &sc->obj->funcs[func];
	int64_t *memo = &sc->worst[func * sc->opts->profile_cnt + k], best = 0;
	size_t c;

	if (*memo >= 0)
		return *memo;
	/* The model refuses recursion; the bound only guards our stack. */
	for (c = 0; c < f->call_cnt && depth < PF_MAX_CALL_DEPTH; c++) {
		int64_t w;

		if (!edge(&f->calls[c]))
			continue;
		w = worst_from(sc, f->calls[c].target, k, depth + 1);
		if (w > best)
			best = w;
	}
	*memo = frame_of(sc, func, k) + best;
	return *memo;
}

static void print_tree(struct stack_ctx *sc, int func, unsigned int depth,
		       const int64_t *above)
{
	const struct pf_function *f = &sc->obj->funcs[func];
	const struct pf_opts *opts = sc->opts;
	int64_t below[PF_MAX_PROFILES];
	char name[80];
	size_t k, c;

	if (sc->lines++ == TREE_MAX_LINES)
		printf("  ... (tree cut at %d lines)\n", TREE_MAX_LINES);
	if (sc->lines > TREE_MAX_LINES)
		return;
	snprintf(name, sizeof(name), "%*s%s%s", (int)(2 * depth), "", f->name,
		 f->has_tail_call ? " *" : "");
	printf("  %-32s %6u", name, f->stack.depth);
	for (k = 0; k < opts->profile_cnt; k++) {
		if (sc->dropped[func * opts->profile_cnt + k])
			printf(" %9s", "-");
		else
			printf(" %9u", frame_of(sc, func, k));
		below[k] = above[k] + frame_of(sc, func, k);
	}
	printf("\n");
	for (c = 0; c < f->call_cnt && depth < PF_MAX_CALL_DEPTH; c++)
		if (edge(&f->calls[c]))
			print_tree(sc, f->calls[c].target, depth + 1, below);
}

/* Largest sum of counted frames above each tail-calling subprogram. */
static void tail_headroom(struct stack_ctx *sc, int func, unsigned int depth,
			  const int64_t *above, int64_t *worst_above, bool root)
{
	const struct pf_function *f = &sc->obj->funcs[func];
	int64_t below[PF_MAX_PROFILES];
	size_t k, c;

	for (k = 0; k < sc->opts->profile_cnt; k++) {
		int64_t *w = &worst_above[func * sc->opts->profile_cnt + k];

		if (!root && f->has_tail_call && above[k] > *w)
			*w = above[k];
		below[k] = above[k] + frame_of(sc, func, k);
	}
	if (sc->lines++ > 100000)	/* pathological fan-out: stop */
		return;
	for (c = 0; c < f->call_cnt && depth < PF_MAX_CALL_DEPTH; c++)
		if (edge(&f->calls[c]))
			tail_headroom(sc, f->calls[c].target, depth + 1, below, worst_above,
				      false);
}

/* {"KERNEL": N, ...} over the run's kernels */
static cJSON *json_by_kernel(const struct pf_opts *opts, const int64_t *v)
{
	cJSON *o = cJSON_CreateObject();
	size_t k;

	for (k = 0; k < opts->profile_cnt; k++)
		cJSON_AddNumberToObject(o, opts->profiles[k].name, (double)v[k]);
	return o;
}

/*
 * The table as data: each function of the program once, with what it
 * touches, what each kernel counts and whom it calls (the tree of the
 * text is this DAG unfolded), then the chain totals and headrooms.
 */
static void json_program(struct stack_ctx *sc, const struct pf_program *prog,
			 const int64_t *worst_above)
{
	const struct pf_object *obj = sc->obj;
	const struct pf_opts *opts = sc->opts;
	cJSON *jp = cJSON_CreateObject(), *jfuncs, *jtail;
	int64_t v[PF_MAX_PROFILES];
	size_t i, k, c, e;

	cJSON_AddStringToObject(jp, "name", obj->funcs[prog->func].name);
	cJSON_AddStringToObject(jp, "section", prog->sec_name);
	jfuncs = cJSON_AddArrayToObject(jp, "functions");
	for (i = 0; i < prog->func_cnt; i++) {
		const struct pf_function *f = &obj->funcs[prog->funcs[i]];
		cJSON *jf = cJSON_CreateObject(), *calls, *rm;

		cJSON_AddStringToObject(jf, "name", f->name);
		cJSON_AddNumberToObject(jf, "stack_depth", f->stack.depth);
		for (k = 0; k < opts->profile_cnt; k++)
			v[k] = frame_of(sc, prog->funcs[i], k);
		cJSON_AddItemToObject(jf, "counted", json_by_kernel(opts, v));
		/* as check's JSON says it: the kernels that never explore it */
		for (k = 0, rm = NULL; k < opts->profile_cnt; k++) {
			if (!sc->dropped[(size_t)prog->funcs[i] * opts->profile_cnt + k])
				continue;
			if (!rm)
				rm = cJSON_AddArrayToObject(jf, "removed");
			cJSON_AddItemToArray(rm, cJSON_CreateString(opts->profiles[k].name));
		}
		cJSON_AddBoolToObject(jf, "tail_call", f->has_tail_call);
		calls = cJSON_AddArrayToObject(jf, "calls");
		for (c = 0; c < f->call_cnt; c++) {
			if (!edge(&f->calls[c]))
				continue;
			/* a callee called twice is one edge */
			for (e = 0; e < c && !(edge(&f->calls[e]) &&
					       f->calls[e].target == f->calls[c].target); e++)
				;
			if (e == c)
				cJSON_AddItemToArray(calls, cJSON_CreateString(
					obj->funcs[f->calls[c].target].name));
		}
		cJSON_AddItemToArray(jfuncs, jf);
	}
	for (k = 0; k < opts->profile_cnt; k++)
		v[k] = worst_from(sc, prog->func, k, 0);
	cJSON_AddItemToObject(jp, "worst_chain", json_by_kernel(opts, v));
	for (k = 0; k < opts->profile_cnt; k++)
		v[k] = PF_MAX_BPF_STACK - v[k];
	cJSON_AddItemToObject(jp, "headroom", json_by_kernel(opts, v));
	jtail = cJSON_AddArrayToObject(jp, "tail_call_headroom");
	for (i = 0; i < prog->func_cnt; i++) {
		int f = prog->funcs[i];
		cJSON *jt;

		if (!obj->funcs[f].has_tail_call || f == prog->func)
			continue;
		jt = cJSON_CreateObject();
		cJSON_AddStringToObject(jt, "function", obj->funcs[f].name);
		for (k = 0; k < opts->profile_cnt; k++)
			v[k] = PF_TAILCALL_STACK_MAX - worst_above[f * opts->profile_cnt + k];
		cJSON_AddItemToObject(jt, "headroom", json_by_kernel(opts, v));
		cJSON_AddItemToArray(jtail, jt);
	}
	cJSON_AddItemToArray(sc->jprogs, jp);
}

static void stack_program(struct stack_ctx *sc, const struct pf_program *prog)
{
	const struct pf_object *obj = sc->obj;
	const struct pf_opts *opts = sc->opts;
	int64_t zero[PF_MAX_PROFILES] = { 0 }, *worst_above;
	size_t k, i;

	/* program_frames() reset sc->above for this program's functions */
	worst_above = sc->above;
	sc->lines = 0;
	tail_headroom(sc, prog->func, 0, zero, worst_above, true);
	if (sc->jprogs) {
		json_program(sc, prog, worst_above);
		return;
	}
	printf("%s: program %s (%s)\n", obj->path, obj->funcs[prog->func].name,
	       prog->sec_name);
	printf("  %-32s %6s", "call tree", "depth");
	for (k = 0; k < opts->profile_cnt; k++)
		printf(" %9s", opts->profiles[k].name);
	printf("\n");
	sc->lines = 0;
	print_tree(sc, prog->func, 0, zero);
	printf("  %-32s %6s", "worst chain", "");
	for (k = 0; k < opts->profile_cnt; k++)
		printf(" %9lld", (long long)worst_from(sc, prog->func, k, 0));
	printf("\n  %-32s %6s", "headroom to 512", "");
	for (k = 0; k < opts->profile_cnt; k++)
		printf(" %9lld", PF_MAX_BPF_STACK - (long long)worst_from(sc, prog->func, k, 0));
	printf("\n");
	for (i = 0; i < prog->func_cnt; i++) {
		int f = prog->funcs[i];

		if (!obj->funcs[f].has_tail_call || f == prog->func)
			continue;
		char label[64];

		snprintf(label, sizeof(label), "to 256 before %s", obj->funcs[f].name);
		printf("  %-32.32s %6s", label, "");
		for (k = 0; k < opts->profile_cnt; k++)
			printf(" %9lld", PF_TAILCALL_STACK_MAX -
			       (long long)worst_above[f * opts->profile_cnt + k]);
		printf("\n");
	}
	printf("  (* tail-calls; depth: bytes below r10 the function touches; kernel columns:\n"
	       "   the frame as check_max_stack_depth() counts it, from the accesses the\n"
	       "   verifier explores; -: never explored, the kernel drops it)\n\n");
}

static int explain_object(const struct pf_object *obj, const struct pf_opts *opts,
			  void *ctx)
{
	struct pf_dwarf_vars vars = { 0 };
	cJSON *jobjs = ctx, *jobj, *jprogs = NULL;
	size_t p;
	int ret = PF_EXIT_OK;

	/* DWARF names the ranges; without it they stay ranges (and say so) */
	pf_dwarf__read_vars(obj, &vars);
	if (jobjs) {
		jobj = cJSON_CreateObject();
		cJSON_AddStringToObject(jobj, "path", obj->path);
		cJSON_AddBoolToObject(jobj, "dwarf", vars.cnt > 0);
		jprogs = cJSON_AddArrayToObject(jobj, "programs");
		cJSON_AddItemToArray(jobjs, jobj);
	}
	for (p = 0; p < obj->prog_cnt && ret == PF_EXIT_OK; p++)
		if (!opts->prog || !strcmp(opts->prog, obj->funcs[obj->progs[p].func].name))
			ret = pf_explain__program(obj, &obj->progs[p], opts, &vars, jprogs);
	pf_dwarf__free_vars(&vars);
	return ret;
}

/*
 * The frames of @prog's functions on every profile, from its verdicts: the
 * depth check_max_stack_depth() counts once the kernel has explored it.
 */
static void program_frames(struct stack_ctx *sc, const struct pf_program *prog)
{
	const struct pf_opts *opts = sc->opts;
	size_t i, k, K = opts->profile_cnt;

	for (k = 0; k < K; k++)
		pf_verdict__program(&sc->an, prog, &opts->profiles[k], &sc->vs[k]);
	for (i = 0; i < prog->func_cnt; i++) {
		size_t f = (size_t)prog->funcs[i];

		for (k = 0; k < K; k++) {
			const struct pf_verdict *v = &sc->vs[k];
			bool known = true;
			uint32_t d = pf_verdict__recorded_depth(&sc->obj->funcs[f],
								&opts->profiles[k], &known);

			/* a program too large for the verdict's line keeps the static depth */
			if (i < v->depth_cnt && v->depth_known)
				d = v->depths[i];
			sc->dropped[f * K + k] = i < v->depth_cnt && v->removed[i];
			sc->frame[f * K + k] = sc->dropped[f * K + k] ? 0 :
				pf_verdict__round_frame(d, &opts->profiles[k]);
			sc->worst[f * K + k] = -1;
			sc->above[f * K + k] = -1;
		}
	}
}

static int stack_object(const struct pf_object *obj, const struct pf_opts *opts,
			void *ctx)
{
	struct stack_ctx sc = { .obj = obj, .opts = opts };
	size_t p, n = obj->func_cnt * opts->profile_cnt;
	int ret = PF_EXIT_INTERNAL;

	if (opts->explain)
		return explain_object(obj, opts, ctx);
	pf_analysis__init(&sc.an, obj);
	sc.an.ro = opts->rodata_set.cnt ? &opts->rodata_set : NULL;
	if (ctx) {
		cJSON *jobj = cJSON_CreateObject();

		cJSON_AddStringToObject(jobj, "path", obj->path);
		sc.jprogs = cJSON_AddArrayToObject(jobj, "programs");
		cJSON_AddItemToArray(ctx, jobj);
	}
	sc.frame = calloc(n + 1, sizeof(*sc.frame));
	sc.dropped = calloc(n + 1, 1);
	sc.worst = malloc((n + 1) * sizeof(*sc.worst));
	sc.above = malloc((n + 1) * sizeof(*sc.above));
	sc.vs = calloc(opts->profile_cnt + 1, sizeof(*sc.vs));
	if (!sc.frame || !sc.dropped || !sc.worst || !sc.above || !sc.vs)
		goto out;
	for (p = 0; p < obj->prog_cnt; p++) {
		if (opts->prog && strcmp(opts->prog, obj->funcs[obj->progs[p].func].name))
			continue;
		program_frames(&sc, &obj->progs[p]);
		stack_program(&sc, &obj->progs[p]);
	}
	ret = PF_EXIT_OK;
out:
	pf_analysis__free(&sc.an);
	free(sc.frame);
	free(sc.dropped);
	free(sc.worst);
	free(sc.above);
	free(sc.vs);
	return ret;
}

int cmd_stack(struct pf_opts *opts)
{
	if (pf_cli__profiles(opts))
		return PF_EXIT_INPUT;
	if (!opts->profile_cnt) {
		fprintf(stderr, "bpf-preflight: stack needs at least one kernel\n");
		return PF_EXIT_INPUT;
	}
	if (opts->explain && opts->format == PF_FMT_JSON) {
		cJSON *root = cJSON_CreateObject(), *objs;
		cJSON_AddNumberToObject(root, "version", 1);
		objs = cJSON_AddArrayToObject(root, "objects");
		return pf_cli__print_json(root, pf_cli__for_each_object(opts, stack_object, objs));
	}
	if (opts->format == PF_FMT_JSON) {
		cJSON *root = cJSON_CreateObject(), *objs, *ks;
		size_t k;
		int ret;

		cJSON_AddNumberToObject(root, "version", 1);
		ks = cJSON_AddArrayToObject(root, "kernels");
		for (k = 0; k < opts->profile_cnt; k++)
			cJSON_AddItemToArray(ks, pf_cli__json_profile(&opts->profiles[k]));
		objs = cJSON_AddArrayToObject(root, "objects");
		ret = pf_cli__for_each_object(opts, stack_object, objs);
		pf_cli__json_errors(root);
		return pf_cli__print_json(root, ret);
	}
	return pf_cli__for_each_object(opts, stack_object, NULL);
}

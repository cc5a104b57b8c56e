// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight stack --explain`: for every frame of a program, the byte
 * ranges that fill it (largest first) with name, type and source line, the
 * frame as each kernel counts it, and what the frame and the verdict would
 * be without each contributor ("without the bpf_printk format at acl.c:88:
 * 152 B, rounds to 160 on 6.1.192; refused -> accepted").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "explain.h"
#include "bpf_preflight.h"

#define WHAT_IF_MAX	6	/* contributors tried per frame, largest first */

static void range_where(const struct pf_object *obj, const struct pf_function *f,
			const struct pf_range *r, char *buf, size_t len)
{
	const struct pf_line *l = r->insn >= 0 ? pf_object__line(obj, f->sec, r->insn) : NULL;
	const char *base;

	buf[0] = '\0';
	if (!l || !l->file)
		return;
	base = strrchr(l->file, '/');
	snprintf(buf, len, "%s:%u", base ? base + 1 : l->file, l->line);
}


/* Which program verdicts change if @func touched only @depth bytes. */
static void what_if_verdicts(struct pf_analysis *an, const struct pf_program *prog,
			     const struct pf_opts *opts, int func, uint32_t depth,
			     const struct pf_verdict *now, char *buf, size_t len, cJSON *jv)
{
	const struct pf_object *obj = an->obj;
	size_t k, used = 0;

	buf[0] = '\0';
	for (k = 0; k < opts->profile_cnt; k++) {
		struct pf_verdict v;

		pf_verdict__what_if(an, prog, &opts->profiles[k], func, depth, &v);
		if (jv) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddStringToObject(o, "kernel", opts->profiles[k].name);
			cJSON_AddStringToObject(o, "result", v.result == PF_ACCEPT ? "accept" :
						v.result == PF_REJECT ? "reject" : "unknown");
			if (v.result != PF_ACCEPT)
				cJSON_AddStringToObject(o, "message", v.message);
			cJSON_AddItemToArray(jv, o);
		}
		if (v.result == now[k].result || used >= len)
			continue;
		if (now[k].result == PF_REJECT) {
			const struct pf_function *cf = &obj->funcs[now[k].func];
			char at[160] = "";
			struct pf_range r = { .insn = (int)now[k].insn };

			range_where(obj, cf, &r, at, sizeof(at));
			used += snprintf(buf + used, len - used,
					 "%son %s the %s refusal%s%s would disappear", used ? "; " : "",
					 opts->profiles[k].name, now[k].rule != PF_RULE_NONE ? pf_rule_id__name(now[k].rule) : "",
					 at[0] ? " at " : "", at);
		} else {
			used += snprintf(buf + used, len - used, "%son %s it would be %s",
					 used ? "; " : "", opts->profiles[k].name,
					 v.result == PF_REJECT ? "refused" : "unpredictable");
		}
	}
}

static void explain_frame(struct pf_analysis *an, const struct pf_program *prog,
			  const struct pf_opts *opts, const struct pf_dwarf_vars *vars,
			  int func, const struct pf_verdict *now, cJSON *jframes)
{
	const struct pf_object *obj = an->obj;
	const struct pf_function *f = &obj->funcs[func];
	struct pf_frame_map m;
	cJSON *jf = NULL, *jr = NULL, *jw = NULL;
	char desc[200], loc[160], chg[400];
	size_t i, k, tried = 0;

	if (pf_frame__map(obj, vars, func, &m))
		return;
	if (jframes) {
		jf = cJSON_CreateObject();
		cJSON_AddStringToObject(jf, "function", f->name);
		cJSON_AddNumberToObject(jf, "stack_depth", m.depth);
		jr = cJSON_AddArrayToObject(jf, "ranges");
		jw = cJSON_AddArrayToObject(jf, "without");
		cJSON_AddItemToArray(jframes, jf);
	} else {
		printf("  frame %s: %u bytes touched", f->name, m.depth);
		for (k = 0; k < opts->profile_cnt; k++) {
			bool known = true;
			uint32_t d = pf_verdict__recorded_depth(f, &opts->profiles[k], &known);

			printf("%s %s %u", k ? "," : "; counted:", opts->profiles[k].name,
			       pf_verdict__round_frame(d, &opts->profiles[k]));
		}
		printf("\n");
		if (m.cnt)
			printf("    %7s %5s  %s\n", "offset", "size", "what");
	}
	for (i = 0; i < m.cnt; i++) {
		const struct pf_range *r = &m.ranges[i];

		pf_frame__describe(r, desc, sizeof(desc));
		range_where(obj, f, r, loc, sizeof(loc));
		if (jr) {
			cJSON *o = cJSON_CreateObject();

			cJSON_AddNumberToObject(o, "offset", r->off);
			cJSON_AddNumberToObject(o, "size", r->size);
			cJSON_AddStringToObject(o, "kind", pf_range__kind_name(r->kind));
			if (r->name)
				cJSON_AddStringToObject(o, "name", r->name);
			if (r->type)
				cJSON_AddStringToObject(o, "type", r->type);
			if (loc[0])
				cJSON_AddStringToObject(o, "source", loc);
			cJSON_AddBoolToObject(o, "shared", r->shared);
			cJSON_AddItemToArray(jr, o);
		} else {
			printf("    %7d %5u  %s%s%s%s\n", r->off, r->size, desc,
			       r->shared ? " [shared slot]" : "", loc[0] ? " at " : "", loc);
		}
	}
	if (!m.have_dwarf && !jr)
		printf("    (no DWARF for %s: variable names need -g)\n", f->name);
	/* what-ifs: the largest contributors, and every printk */
	for (i = 0; i < m.cnt; i++) {
		const struct pf_range *r = &m.ranges[i];
		bool printk = r->kind == PF_RANGE_PRINTK_FMT || r->kind == PF_RANGE_VPRINTK_ARGS;
		uint32_t d;

		if (r->kind == PF_RANGE_UNKNOWN || (!printk && tried >= WHAT_IF_MAX))
			continue;
		tried++;
		d = pf_frame__depth_without(obj, &m, i);
		if (d == m.depth)
			continue;
		pf_frame__describe(r, desc, sizeof(desc));
		range_where(obj, f, r, loc, sizeof(loc));
		if (jw) {
			cJSON *o = cJSON_CreateObject(), *vs;

			cJSON_AddStringToObject(o, "without", desc);
			if (loc[0])
				cJSON_AddStringToObject(o, "source", loc);
			cJSON_AddNumberToObject(o, "stack_depth", d);
			vs = cJSON_AddArrayToObject(o, "verdicts");
			what_if_verdicts(an, prog, opts, func, d, now, chg, sizeof(chg), vs);
			cJSON_AddItemToArray(jw, o);
			continue;
		}
		what_if_verdicts(an, prog, opts, func, d, now, chg, sizeof(chg), NULL);
		printf("    without the %s%s%s: %u B", desc, loc[0] ? " at " : "", loc, d);
		for (k = 0; k < opts->profile_cnt && k < 3; k++)
			printf(", rounds to %u on %s",
			       pf_verdict__round_frame(d, &opts->profiles[k]),
			       opts->profiles[k].name);
		printf("%s%s\n", chg[0] ? "; " : "", chg);
	}
	pf_frame__free(&m);
}

int pf_explain__program(const struct pf_object *obj, const struct pf_program *prog,
			const struct pf_opts *opts, const struct pf_dwarf_vars *vars,
			cJSON *jprogs)
{
	struct pf_verdict *now = calloc(opts->profile_cnt, sizeof(*now));
	cJSON *jp = NULL, *jframes = NULL;
	struct pf_analysis an;
	size_t i, k;

	if (!now)
		return PF_EXIT_INTERNAL;
	pf_analysis__init(&an, obj);
	an.ro = opts->rodata_set.cnt ? &opts->rodata_set : NULL;
	for (k = 0; k < opts->profile_cnt; k++)
		pf_verdict__program(&an, prog, &opts->profiles[k], &now[k]);
	if (jprogs) {
		jp = cJSON_CreateObject();
		cJSON_AddStringToObject(jp, "name", obj->funcs[prog->func].name);
		jframes = cJSON_AddArrayToObject(jp, "frames");
		cJSON_AddItemToArray(jprogs, jp);
	} else {
		printf("%s: program %s (%s)\n", obj->path, obj->funcs[prog->func].name,
		       prog->sec_name);
		for (k = 0; k < opts->profile_cnt; k++)
			if (now[k].result != PF_ACCEPT)
				printf("  %s: %s\n", opts->profiles[k].name, now[k].message);
	}
	for (i = 0; i < prog->func_cnt; i++)
		explain_frame(&an, prog, opts, vars, prog->funcs[i], now, jframes);
	if (!jprogs)
		printf("\n");
	pf_analysis__free(&an);
	free(now);
	return PF_EXIT_OK;
}

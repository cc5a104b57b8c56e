// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight probe [-o FILE]`: measure the running kernel (root) and
 * write its profile, which `-k @FILE` reads on any machine. Facts the
 * probe measured differ from the fact table's row for the same release
 * are listed on stderr: that is what makes this build unlike upstream.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <cjson/cJSON.h>

#include "cli.h"
#include "bpf_preflight.h"

/* One limit: its value (null: not seen) and how it was measured. */
static void limit_json(cJSON *limits, const char *name, int value, const char *how)
{
	cJSON *o = cJSON_AddObjectToObject(limits, name);

	if (!o)
		return;
	if (value)
		cJSON_AddNumberToObject(o, "value", value);
	else
		cJSON_AddNullToObject(o, "value");
	cJSON_AddStringToObject(o, "how", how);
}

/* "limits": what every kernel the tool knows shares, seen on this one */
static void limits_json(cJSON *doc, const struct pf_probe *pr)
{
	cJSON *l = cJSON_AddObjectToObject(doc, "limits"), *o;

	if (!l)
		return;
	limit_json(l, "stack", pr->limits.stack, pr->limits.stack_how);
	limit_json(l, "tailcall_frames", pr->limits.tailcall_frames, pr->limits.tailcall_how);
	o = cJSON_AddObjectToObject(l, "rodata_const");
	if (!o)
		return;
	if (pr->limits.rodata_const == PF_UNKNOWN)
		cJSON_AddNullToObject(o, "value");
	else
		cJSON_AddBoolToObject(o, "value", pr->limits.rodata_const == PF_YES);
	cJSON_AddStringToObject(o, "how", pr->limits.rodata_how);
}

/* "features": as `bpftool feature probe` reports them, by libbpf's names */
static void features_json(cJSON *doc, const struct pf_probe *pr)
{
	const struct pf_probe_features *ft = &pr->features;
	cJSON *f = cJSON_AddObjectToObject(doc, "features"), *pt, *mt, *hl, *kf;
	int t, h;

	if (!f)
		return;
	pt = cJSON_AddObjectToObject(f, "prog_types");
	mt = cJSON_AddObjectToObject(f, "map_types");
	hl = cJSON_AddObjectToObject(f, "helpers");
	for (t = 1; t < PF_PROBE_TYPES; t++) {
		const char *name = libbpf_bpf_prog_type_str(t);
		cJSON *arr;

		if (!name || !ft->prog_type_known[t])
			continue;
		cJSON_AddBoolToObject(pt, name, ft->prog_type[t]);
		if (!ft->helpers_known[t])
			continue;
		arr = cJSON_AddArrayToObject(hl, name);
		for (h = 1; h < PF_PROBE_HELPERS; h++)
			if (ft->helpers[t][h / 64] & (1ull << (h % 64)) && pf_helper__name(h))
				cJSON_AddItemToArray(arr, cJSON_CreateString(pf_helper__name(h)));
	}
	for (t = 1; t < PF_PROBE_TYPES; t++) {
		const char *name = libbpf_bpf_map_type_str(t);

		if (name && ft->map_type_known[t])
			cJSON_AddBoolToObject(mt, name, ft->map_type[t]);
	}
	if (ft->kfunc_cnt < 0) {
		cJSON_AddNullToObject(f, "kfuncs");
		return;
	}
	kf = cJSON_AddArrayToObject(f, "kfuncs");
	for (t = 0; kf && t < ft->kfunc_cnt; t++)
		cJSON_AddItemToArray(kf, cJSON_CreateString(ft->kfuncs[t]));
}

cJSON *pf_cli__probe_json(const struct pf_probe *pr)
{
	cJSON *doc = cJSON_CreateObject(), *facts;
	int i;

	if (!doc)
		return NULL;
	cJSON_AddNumberToObject(doc, "bpf_preflight_profile", 1);
	cJSON_AddStringToObject(doc, "label", pr->release);
	cJSON_AddStringToObject(doc, "kernel", pr->profile.name);
	cJSON_AddStringToObject(doc, "release", pr->release);
	cJSON_AddStringToObject(doc, "uname_v", pr->uname_v);
	cJSON_AddStringToObject(doc, "arch", pf_arch__name(pr->profile.arch));
	cJSON_AddBoolToObject(doc, "jit", pr->jit);
	facts = cJSON_AddObjectToObject(doc, "facts");
	for (i = 0; facts && i < PF_FACT_NR; i++) {
		const struct pf_probe_fact *f = &pr->facts[i];
		cJSON *o = cJSON_AddObjectToObject(facts, pf_fact__name(i));

		if (!o)
			break;
		if (f->value == PF_UNKNOWN)
			cJSON_AddNullToObject(o, "value");
		else
			cJSON_AddBoolToObject(o, "value", f->value == PF_YES);
		cJSON_AddBoolToObject(o, "measured", f->measured);
		cJSON_AddStringToObject(o, "how", f->how);
	}
	limits_json(doc, pr);
	features_json(doc, pr);
	return doc;
}

int cmd_probe(struct pf_opts *opts)
{
	struct pf_probe *pr;
	char err[200], *text = NULL;
	cJSON *doc = NULL;
	FILE *out = stdout;
	int i, ret = PF_EXIT_INTERNAL;

	if (opts->argc) {
		fprintf(stderr, "bpf-preflight: probe takes no operands ('%s'); try --help\n",
			opts->argv[0]);
		return PF_EXIT_INPUT;
	}
	pr = calloc(1, sizeof(*pr));
	if (!pr)
		return PF_EXIT_INTERNAL;
	if (pf_probe__run(pr, err, sizeof(err))) {
		fprintf(stderr, "bpf-preflight: probe: %s\n", err);
		ret = PF_EXIT_INPUT;
		goto out;
	}
	for (i = 0; i < PF_FACT_NR; i++) {
		enum pf_tristate table = pf_profile__table(&pr->profile, i);

		if (pr->facts[i].measured && pr->facts[i].value != table)
			fprintf(stderr, "bpf-preflight: probe: %s differs from the fact table for %s: "
				"%s %s (table: %s; %s)\n", pr->release, pr->profile.name,
				pf_fact__name(i), pf_tristate__name(pr->facts[i].value), pf_tristate__name(table), pr->facts[i].how);
	}
	doc = pf_cli__probe_json(pr);
	text = doc ? cJSON_Print(doc) : NULL;
	if (!text)
		goto out;
	if (opts->output && !(out = fopen(opts->output, "w"))) {
		fprintf(stderr, "bpf-preflight: %s: %s\n", opts->output, strerror(errno));
		ret = PF_EXIT_INPUT;
		goto out;
	}
	fprintf(out, "%s\n", text);
	ret = out != stdout && fclose(out) ? PF_EXIT_INTERNAL : PF_EXIT_OK;
out:
	free(text);
	cJSON_Delete(doc);
	pf_probe__free(pr);
	free(pr);
	return ret;
}

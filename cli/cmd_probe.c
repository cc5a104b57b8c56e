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

#include <cjson/cJSON.h>

#include "cli.h"
#include "bpf_preflight.h"

static cJSON *profile_json(const struct pf_probe *pr)
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
	doc = profile_json(pr);
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
	free(pr);
	return ret;
}

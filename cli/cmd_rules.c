// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight rules [-f json]`: the rule catalogue. The JSON form is for
 * tools (as `ruff rule --all --output-format json`): every rule with its
 * severity, summary, kernels, fact-table rows and documentation page.
 */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "bpf_preflight.h"

static cJSON *json_rule(const struct pf_rule *r)
{
	const char *doc = pf_rule__doc(r->id);
	cJSON *o = cJSON_CreateObject(), *facts;
	const enum pf_fact *f;
	char desc[200];

	cJSON_AddStringToObject(o, "id", r->id);
	cJSON_AddStringToObject(o, "severity", pf_severity__name(r->severity));
	cJSON_AddStringToObject(o, "summary", r->impl->summary);
	cJSON_AddStringToObject(o, "kernels", r->impl->kernels);
	facts = cJSON_AddArrayToObject(o, "facts");
	for (f = r->impl->facts; f && *f != PF_FACT_NR; f++) {
		cJSON *jf = cJSON_CreateObject();

		cJSON_AddStringToObject(jf, "name", pf_fact__name(*f));
		cJSON_AddStringToObject(jf, "table", pf_fact__describe(*f, desc, sizeof(desc)));
		cJSON_AddItemToArray(facts, jf);
	}
	/* the page `bpf-preflight explain ID` prints; null when there is none */
	if (doc)
		cJSON_AddStringToObject(o, "explanation", doc);
	else
		cJSON_AddNullToObject(o, "explanation");
	return o;
}

int cmd_rules(struct pf_opts *opts)
{
	const enum pf_fact *f;
	cJSON *root, *arr;
	char desc[200];
	size_t i;

	if (opts->format == PF_FMT_JSON) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "version", 1);
		arr = cJSON_AddArrayToObject(root, "rules");
		for (i = 0; pf_rules[i]; i++)
			cJSON_AddItemToArray(arr, json_rule(pf_rules[i]));
		return pf_cli__print_json(root, PF_EXIT_OK);
	}
	for (i = 0; pf_rules[i]; i++) {
		const struct pf_rule *r = pf_rules[i];

		printf("%-22s %-7s %s\n", r->id, pf_severity__name(r->severity), r->impl->summary);
		printf("%-22s %-7s kernels: %s\n", "", "", r->impl->kernels);
		/* generated from the fact table, so the text above can be checked */
		for (f = r->impl->facts; f && *f != PF_FACT_NR; f++)
			printf("%-22s %-7s fact %s: %s\n", "", "", pf_fact__name(*f),
			       pf_fact__describe(*f, desc, sizeof(desc)));
	}
	return PF_EXIT_OK;
}

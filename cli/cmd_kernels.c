// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight kernels [-k KERNELS] [-f json]`: the kernel profiles the
 * tool speaks for (all built-in ones by default, or those -k names, a
 * probed @FILE included), every fact of each with its value and where the
 * value comes from: the fact table (with the row's provenance: upstream
 * release per architecture, backports, JIT, and the kernels `probe`
 * measured it on) or the profile file.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bpf_preflight.h"
#include "cli.h"

int cmd_kernels(struct pf_opts *opts)
{
	cJSON *root = NULL, *arr = NULL;
	char desc[200];
	size_t k;
	int f;

	if (opts->argc) {
		fprintf(stderr, "bpf-preflight: kernels takes no operands ('%s'); try 'bpf-preflight kernels --help'\n",
			opts->argv[0]);
		return PF_EXIT_INPUT;
	}
	if (pf_cli__profiles(opts))
		return PF_EXIT_INPUT;
	if (opts->format == PF_FMT_JSON) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "version", 1);
		arr = cJSON_AddArrayToObject(root, "kernels");
	}
	for (k = 0; k < opts->profile_cnt; k++) {
		const struct pf_profile *p = &opts->profiles[k];
		cJSON *jk = NULL, *jf = NULL;

		if (arr) {
			jk = cJSON_CreateObject();
			cJSON_AddStringToObject(jk, "kernel", p->name);
			cJSON_AddStringToObject(jk, "arch", pf_arch__name(p->arch));
			cJSON_AddBoolToObject(jk, "jit", p->jit);
			jf = cJSON_AddObjectToObject(jk, "facts");
			cJSON_AddItemToArray(arr, jk);
		} else {
			char ver[32];

			/* a label or "7.0~6.18" says nothing of the row behind it: name it */
			if (p->patch_known)
				snprintf(ver, sizeof(ver), "%u.%u.%u", PF_KV_MAJOR(p->version),
					 PF_KV_MINOR(p->version), PF_KV_PATCH(p->version));
			else
				snprintf(ver, sizeof(ver), "%u.%u", PF_KV_MAJOR(p->version),
					 PF_KV_MINOR(p->version));
			printf("%s %s%s", p->name, pf_arch__name(p->arch), p->jit ? "" : " (no JIT)");
			if (strcmp(ver, p->name))
				printf(" (table row: %s)", ver);
			putchar('\n');
		}
		for (f = 0; f < PF_FACT_NR; f++) {
			enum pf_tristate v = pf_profile__has(p, f);
			bool own = p->fact[f] != PF_SRC_TABLE;

			pf_fact__describe(f, desc, sizeof(desc));
			if (jf) {
				cJSON *o = cJSON_AddObjectToObject(jf, pf_fact__name(f));

				if (v == PF_UNKNOWN)
					cJSON_AddNullToObject(o, "value");
				else
					cJSON_AddBoolToObject(o, "value", v == PF_YES);
				cJSON_AddStringToObject(o, "source", own ? "profile" : "table");
				cJSON_AddStringToObject(o, "table", desc);
				if (pf_fact__probed(f))
					cJSON_AddStringToObject(o, "probed", pf_fact__probed(f));
				else
					cJSON_AddNullToObject(o, "probed");
			} else {
				printf("  %-24s %-8s %s%s%s%s\n", pf_fact__name(f), pf_tristate__name(v),
				       own ? "profile file; table: " : "table: ", desc,
				       pf_fact__probed(f) ? "; probed on " : "; not probed",
				       pf_fact__probed(f) ? pf_fact__probed(f) : "");
			}
		}
	}
	return root ? pf_cli__print_json(root, PF_EXIT_OK) : PF_EXIT_OK;
}

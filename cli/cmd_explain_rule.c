// SPDX-License-Identifier: MIT
/* `bpf-preflight explain RULE`: the rule's documentation page. */
#include <stdio.h>

#include "cli.h"
#include "bpf_preflight.h"

int cmd_explain_rule(struct pf_opts *opts)
{
	const struct pf_rule *rule;
	const char *doc;

	if (opts->argc != 1) {
		fprintf(stderr, "bpf-preflight: usage: bpf-preflight explain RULE\n");
		return PF_EXIT_INPUT;
	}
	rule = pf_rule__find(opts->argv[0]);
	if (!rule) {
		fprintf(stderr, "bpf-preflight: unknown rule '%s' (see 'bpf-preflight rules')\n",
			opts->argv[0]);
		return PF_EXIT_INPUT;
	}
	doc = pf_rule__doc(rule->id);
	if (doc) {
		fputs(doc, stdout);
		return PF_EXIT_OK;
	}
	printf("# %s (%s)\n\n%s\n\nKernels: %s\n", rule->id, pf_severity__name(rule->severity),
	       rule->impl->summary, rule->impl->kernels);
	return PF_EXIT_OK;
}

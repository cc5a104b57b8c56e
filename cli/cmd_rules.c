// SPDX-License-Identifier: MIT
/* `bpf-preflight rules`: the rule catalogue. */
#include <stdio.h>

#include "cli.h"
#include "bpf_preflight.h"

int cmd_rules(struct pf_opts *opts)
{
	const enum pf_fact *f;
	char desc[200];
	size_t i;

	(void)opts;
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

// SPDX-License-Identifier: MIT
/* `bpf-preflight rules`: the rule catalogue. */
#include <stdio.h>

#include "cli.h"
#include "rule.h"

int cmd_rules(struct pf_opts *opts)
{
	size_t i;

	(void)opts;
	for (i = 0; pf_rules[i]; i++) {
		const struct pf_rule *r = pf_rules[i];

		printf("%-22s %-7s %s\n", r->id, pf_severity__name(r->severity), r->impl->summary);
		printf("%-22s %-7s kernels: %s\n", "", "", r->impl->kernels);
	}
	return PF_EXIT_OK;
}

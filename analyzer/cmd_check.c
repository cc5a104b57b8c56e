// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight check`: the default command. Until the verdict stage
 * lands it models every object and reports input errors and warnings, so a
 * pre-commit hook already rejects objects libbpf could not load.
 */
#include <stdio.h>

#include "cli.h"

static int check_object(const struct pf_object *obj, const struct pf_opts *opts,
			void *ctx)
{
	(void)obj;
	(void)opts;
	(void)ctx;
	return PF_EXIT_OK;
}

int cmd_check(struct pf_opts *opts)
{
	return pf_cli__for_each_object(opts, check_object, NULL);
}

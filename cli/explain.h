/* SPDX-License-Identifier: MIT */
/* `stack --explain` and the contributor notes of refusals (cmd_explain.c). */
#ifndef PF_EXPLAIN_H
#define PF_EXPLAIN_H

#include <cjson/cJSON.h>

#include "bpf_preflight.h"
#include "cli.h"

/* Print (or add to @jprogs) the frames of @prog and their what-ifs. */
int pf_explain__program(const struct pf_object *obj, const struct pf_program *prog,
			const struct pf_opts *opts, const struct pf_dwarf_vars *vars,
			cJSON *jprogs);

#endif /* PF_EXPLAIN_H */

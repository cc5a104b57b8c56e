// SPDX-License-Identifier: MIT
/*
 * map-value-null: a bpf_map_lookup_elem() result used before it is checked
 * against NULL. The verifier refuses the program at the first such use
 * (check_mem_access(), adjust_ptr_min_max_vals()) -- except that from 6.14
 * (PF_FACT_NULL_ELIDE_CONST_KEY) a lookup in an ARRAY with a constant key
 * below max_entries is known to be non-NULL. A refusal, so it is decided
 * in the program's one verdict per kernel (analyzer/verdict.c), and its
 * finding is the verdict's.
 */
#include "rule.h"

const struct pf_rule_impl pf_rule_impl_map_value_null = {
	.summary = "a map lookup result used before its NULL check: "
		   "\"R0 invalid mem access 'map_value_or_null'\"",
	.kernels = "all; from 6.14 a constant key below max_entries of an ARRAY is known non-NULL",
	.facts = (const enum pf_fact[]){ PF_FACT_NULL_ELIDE_CONST_KEY, PF_FACT_NR },
	/* a refusal: decided in the program's verdict (analyzer/verdict.c, check_map_null) */
};

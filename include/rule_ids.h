/* SPDX-License-Identifier: MIT */
/*
 * Rule ids, from the one list rules/rules.def. The analyses tag what they
 * decide with these (a refusal names its rule); rule.h adds the catalogue.
 */
#ifndef PF_RULE_IDS_H
#define PF_RULE_IDS_H

enum pf_rule_id {
	PF_RULE_NONE = -1,	/* no rule: an accepted verdict */
#define PF_RULE(sym, id, sev, kind) PF_RULE_##sym,
#include "../rules/rules.def"
#undef PF_RULE
	PF_RULE__NR,
};

enum pf_severity { PF_SEV_NOTE, PF_SEV_WARNING, PF_SEV_ERROR };

/* REFUSAL: predicts a verifier refusal (part of the verdict); LINT: does not stop a load. */
enum pf_rule_kind { PF_KIND_REFUSAL, PF_KIND_LINT };

/* "stack-combined" for PF_RULE_stack_combined; NULL for PF_RULE_NONE. */
const char *pf_rule_id__name(enum pf_rule_id id);

#endif /* PF_RULE_IDS_H */

// SPDX-License-Identifier: MIT
/* The rule catalogue and the diagnostic helpers every rule uses. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

#define PF_RULE(sym, id, sev, kind) extern const struct pf_rule_impl pf_rule_impl_##sym;
#include "rules.def"
#undef PF_RULE

static const struct pf_rule table[PF_RULE__NR] = {
#define PF_RULE(sym, idstr, sev, knd)						\
	[PF_RULE_##sym] = { .rid = PF_RULE_##sym, .id = idstr, .severity = PF_SEV_##sev, \
			    .kind = PF_KIND_##knd, .impl = &pf_rule_impl_##sym },
#include "rules.def"
#undef PF_RULE
};

const struct pf_rule *const pf_rules[PF_RULE__NR + 1] = {
#define PF_RULE(sym, id, sev, kind) &table[PF_RULE_##sym],
#include "rules.def"
#undef PF_RULE
	NULL,
};

const struct pf_rule *pf_rule__get(enum pf_rule_id id)
{
	return id >= 0 && id < PF_RULE__NR ? &table[id] : NULL;
}

const char *pf_rule_id__name(enum pf_rule_id id)
{
	return id >= 0 && id < PF_RULE__NR ? table[id].id : NULL;
}

const struct pf_rule *pf_rule__find(const char *id)
{
	size_t i;

	for (i = 0; pf_rules[i]; i++)
		if (!strcmp(pf_rules[i]->id, id))
			return pf_rules[i];
	return NULL;
}

const char *pf_severity__name(enum pf_severity sev)
{
	return sev == PF_SEV_ERROR ? "error" : sev == PF_SEV_WARNING ? "warning" : "note";
}

struct pf_finding *pf_rule__finding(const struct pf_rule *rule, struct pf_findings *out,
				    const struct pf_object *obj, int prog, int func, size_t insn,
				    const char *fmt, ...)
{
	struct pf_finding *f;
	va_list ap;

	va_start(ap, fmt);
	f = pf_findings__vnew(out, rule->rid, rule->severity, fmt, ap);
	va_end(ap);
	pf_finding__at(f, obj, prog, func, insn);
	return f;
}

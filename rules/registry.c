// SPDX-License-Identifier: MIT
/* The rule catalogue and the diagnostic helpers every rule uses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rule.h"

extern const struct pf_rule pf_rule_stack_combined, pf_rule_stack_tailcall_frames,
	pf_rule_call_depth, pf_rule_stack_frame, pf_rule_tailcall_mixing,
	pf_rule_tailcall_btf, pf_rule_isa_v4, pf_rule_printk_stack,
	pf_rule_map_value_race, pf_rule_map_value_null, pf_rule_tailcall_hierarchy,
	pf_rule_cannot_predict, pf_rule_freplace_attach, pf_rule_prog_array_member,
	pf_rule_freplace_stack, pf_rule_tailcall_owner;

const struct pf_rule *const pf_rules[] = {
	&pf_rule_stack_combined,
	&pf_rule_stack_tailcall_frames,
	&pf_rule_call_depth,
	&pf_rule_stack_frame,
	&pf_rule_tailcall_mixing,
	&pf_rule_tailcall_btf,
	&pf_rule_isa_v4,
	&pf_rule_printk_stack,
	&pf_rule_tailcall_hierarchy,
	&pf_rule_freplace_attach,
	&pf_rule_prog_array_member,
	&pf_rule_freplace_stack,
	&pf_rule_tailcall_owner,
	&pf_rule_map_value_race,
	&pf_rule_map_value_null,
	&pf_rule_cannot_predict,
	NULL,
};

const struct pf_rule *pf_rule__find(const char *id)
{
	size_t i;

	for (i = 0; pf_rules[i]; i++)
		if (!strcmp(pf_rules[i]->id, id))
			return pf_rules[i];
	return NULL;
}

/* Overridden by the generated build/gen/rule_docs.c when the docs exist. */
__attribute__((weak)) const char *pf_rule__doc(const char *id)
{
	(void)id;
	return NULL;
}

const char *pf_severity__name(enum pf_severity sev)
{
	return sev == PF_SEV_ERROR ? "error" : sev == PF_SEV_WARNING ? "warning" : "note";
}

void pf_diag__init(struct pf_diag *d, const struct pf_rule *rule, int prog,
		   int func, size_t insn, const char *fmt, ...)
{
	va_list ap;

	memset(d, 0, sizeof(*d));
	d->rule = rule->id;
	d->severity = rule->severity;
	d->prog = prog;
	d->func = func;
	d->insn = insn;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}

void pf_diag__note(struct pf_diag *d, int func, size_t insn, const char *fmt, ...)
{
	struct pf_diag_note *n;
	va_list ap;

	if (d->note_cnt >= PF_DIAG_MAX_NOTES)
		return;
	n = &d->notes[d->note_cnt++];
	n->func = func;
	n->insn = insn;
	va_start(ap, fmt);
	vsnprintf(n->message, sizeof(n->message), fmt, ap);
	va_end(ap);
}

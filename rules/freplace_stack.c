// SPDX-License-Identifier: MIT
/*
 * freplace-stack: the verifier checks an extension's call chain alone
 * (from its own entry), but at run time it runs on the stack of the
 * program it extends, below every frame that called the replaced
 * function. When those callers plus the extension's chain pass 512 bytes
 * nothing refuses it: the combined stack simply exceeds MAX_BPF_STACK.
 */
#include <stdio.h>

#include "linkset.h"
#include "rule.h"
#include "verdict.h"

struct stack_ctx {
	const struct pf_linkset *set;
	const struct pf_rule *rule;
	size_t u, p;
	struct pf_findings *out;
};

static void emit_group(void *arg, const struct pf_outcome *o, uint32_t mask)
{
	struct stack_ctx *c = arg;
	const struct pf_link_unit *u = &c->set->units[c->u];
	const struct pf_link_prog *lp = &u->progs[c->p];
	const struct pf_link_unit *tu = &c->set->units[lp->tgt_unit];
	struct pf_finding *d;
	char kernels[512];

	pf_linkset__kernels(c->set, mask, kernels, sizeof(kernels));
	d = pf_findings__new_link(c->out, c->rule->rid, c->rule->severity, c->set, (int)c->u,
				  lp->func, u->funcs[lp->func].name, mask, "%s", o->msg);
	pf_finding__note_link(d, c->set, lp->tgt_unit, lp->tgt_func, "on %s; replaced function %s() "
			  "of %s in %s", kernels, tu->funcs[lp->tgt_func].name,
			  tu->funcs[tu->progs[lp->tgt_prog].func].name, tu->path);
	pf_finding__note_link(d, c->set, -1, -1, "hint: the verifier accepts both programs; shrink "
			  "the extension's frames or the callers above the replaced function");
}

static void freplace_stack(const struct pf_linkset *set, const struct pf_rule *rule,
			   struct pf_findings *out)
{
	struct pf_outcome o[PF_LINK_MAX_PROFILES];
	struct stack_ctx c = { .set = set, .rule = rule, .out = out };
	size_t k, n = set->profile_cnt;
	char msg[8];

	for (c.u = 0; c.u < set->unit_cnt; c.u++)
		for (c.p = 0; c.p < set->units[c.u].prog_cnt; c.p++) {
			const struct pf_link_prog *lp = &set->units[c.u].progs[c.p];
			const struct pf_link_func *tf;

			if (!lp->ext || lp->tgt_unit < 0 || lp->tgt_prog < 0)
				continue;
			tf = &set->units[lp->tgt_unit].funcs[lp->tgt_func];
			for (k = 0; k < n; k++) {
				uint32_t total = tf->callers[k] + lp->max_total[k];

				o[k].code = 0;
				/* a refused attach has its own finding */
				if (total <= PF_MAX_BPF_STACK ||
				    pf_linkset__attach(set, c.u, c.p, &set->profiles[k], msg,
						       sizeof(msg)) != PF_ACCEPT)
					continue;
				o[k].code = 1;
				snprintf(o[k].msg, sizeof(o[k].msg),
					 "stack at run time is %u bytes when '%s' replaces %s(): "
					 "%u bytes of callers above it plus %u of the extension's "
					 "chain, over the %u the verifier checks each against",
					 total, set->units[c.u].funcs[lp->func].name, tf->name,
					 tf->callers[k], lp->max_total[k], PF_MAX_BPF_STACK);
			}
			pf_outcome__group(o, n, emit_group, &c);
		}
}

const struct pf_rule_impl pf_rule_impl_freplace_stack = {
	.summary = "an extension's chain plus the frames above the function it replaces "
		   "exceed 512 bytes at run time, which no verifier check sees",
	.kernels = "all",
	.check_set = freplace_stack,
};

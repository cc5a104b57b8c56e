// SPDX-License-Identifier: MIT
/*
 * tailcall-owner: a prog array whose owner (the program that tail-calls
 * through it) is an extension takes different members on different
 * kernels: before 6.2 (and 6.1.170's backports) it is an EXT array, then
 * it takes its target's type, with expected_attach_type 0 where attach
 * types are compared, and from the CVE-2024-47794 fix no extension at
 * all. A membership that worked on one kernel breaks on the next; this
 * note says, per kernel, what the array accepts.
 */
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "linkset.h"
#include "rule.h"

struct owner_ctx {
	const struct pf_linkset *set;
	struct pf_finding *d;
};

static void add_note(void *arg, const struct pf_outcome *o, uint32_t mask)
{
	struct owner_ctx *c = arg;
	char kernels[400];

	pf_linkset__kernels(c->set, mask, kernels, sizeof(kernels));
	pf_finding__note_link(c->d, c->set, -1, -1, "on %s: %s", kernels, o->msg);
}

static void describe(const struct pf_linkset *set, size_t u, size_t m, size_t k,
		     struct pf_outcome *o)
{
	const struct pf_profile *p = &set->profiles[k];
	const char *tname;
	int op, t = pf_linkset__owner_type(set, u, m, p, &op);
	enum pf_tristate ban = pf_profile__has(p, PF_FACT_EXT_PROG_ARRAY_BAN);
	enum pf_tristate at = pf_profile__has(p, PF_FACT_PROG_ARRAY_ATTACH_TYPE);

	o->code = 1;
	if (t < 0) {
		snprintf(o->msg, sizeof(o->msg), "not known");
		return;
	}
	tname = libbpf_bpf_prog_type_str((enum bpf_prog_type)t);
	if (t == BPF_PROG_TYPE_EXT) {
		snprintf(o->msg, sizeof(o->msg), "takes extensions only (the owner counts as ext)");
		return;
	}
	snprintf(o->msg, sizeof(o->msg), "takes %s programs%s%s", tname ? tname : "?",
		 at == PF_YES ? " with expected_attach_type 0" :
		 at == PF_UNKNOWN ? " (expected_attach_type compared or not: unknown)" : "",
		 ban == PF_YES ? "; extensions refused" :
		 ban == PF_NO ? ", and extensions of such functions" :
		 "; whether extensions may join is not known");
}

static void tailcall_owner(const struct pf_linkset *set, const struct pf_rule *rule,
			   struct pf_findings *out)
{
	struct pf_outcome o[PF_LINK_MAX_PROFILES];
	size_t u, m, k, n = set->profile_cnt;

	for (u = 0; u < set->unit_cnt; u++)
		for (m = 0; m < set->units[u].map_cnt; m++) {
			const struct pf_link_unit *lu = &set->units[u];
			struct owner_ctx c = { .set = set };
			const struct pf_link_prog *owner;
			int op;

			if (!lu->maps[m].prog_array || !n)
				continue;
			pf_linkset__owner_type(set, u, m, &set->profiles[0], &op);
			if (op < 0)
				continue;
			owner = &lu->progs[op];
			if (!owner->ext)
				continue;
			c.d = pf_findings__new_link(out, rule->rid, rule->severity, set, (int)u, owner->func,
					  lu->funcs[owner->func].name,
					  n >= 32 ? ~0u : (1u << n) - 1, "prog array %s is owned by "
					  "the extension '%s': what it accepts depends on the kernel",
					  lu->maps[m].name, lu->funcs[owner->func].name);
			for (k = 0; k < n; k++)
				describe(set, u, m, k, &o[k]);
			pf_outcome__group(o, n, add_note, &c);
		}
}

const struct pf_rule_impl pf_rule_impl_tailcall_owner = {
	.summary = "a prog array an extension tail-calls through: which programs it accepts "
		   "on each kernel",
	.kernels = "all (owner type resolved from 6.2 / 6.1.170; EXT refused 6.13+, 6.12.117+, "
		   "6.1.192+; expected_attach_type compared 6.18+, 6.12.57+, 6.1.170+)",
	.facts = (const enum pf_fact[]){ PF_FACT_EXT_PROG_ARRAY_BAN, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_FACT_NR },
	.check_set = tailcall_owner,
};

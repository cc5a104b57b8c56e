// SPDX-License-Identifier: MIT
/*
 * prog-array-member: a program a prog array refuses, at BPF_MAP_UPDATE_ELEM
 * (or, when the member went in first, at the owner's load or the
 * extension's attach). Members come from static initialisers and from
 * --tail-target; the owner is the program that tail-calls through the map.
 * The kernel's checks: extensions are no tail-call targets (the
 * CVE-2024-47794 fix, 6.13 and stable backports), nor are programs an
 * extension is attached to (EBUSY), and every member must match the
 * owner's program type (an EXT counted as its target's type where the
 * kernel resolves it) and, where compared, expected_attach_type.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linkset.h"
#include "rule.h"

struct member_ctx {
	const struct pf_linkset *set;
	const struct pf_rule *rule;
	size_t u, m;
	const struct pf_link_member *mem;
	uint32_t ok;
	struct pf_findings *out;
};

static void emit_group(void *arg, const struct pf_outcome *o, uint32_t mask)
{
	struct member_ctx *c = arg;
	const struct pf_link_unit *u = &c->set->units[c->u], *xu = &c->set->units[c->mem->unit];
	const struct pf_link_map *lm = &u->maps[c->m];
	const struct pf_link_prog *x = &xu->progs[c->mem->prog];
	const char *xname = xu->funcs[x->func].name;
	struct pf_finding *d;
	char kernels[512], ok[512];

	pf_linkset__kernels(c->set, mask, kernels, sizeof(kernels));
	pf_linkset__kernels(c->set, c->ok, ok, sizeof(ok));
	if (o->code == 1)
		d = pf_findings__new_link(c->out, PF_RULE_cannot_predict, PF_SEV_WARNING, c->set,
					  c->mem->unit, x->func, xname, mask, "cannot predict whether prog array %s[%u] takes %s on this "
				  "kernel", lm->name, c->mem->idx, xname);
	else
		d = pf_findings__new_link(c->out, c->rule->rid, c->rule->severity, c->set,
					  c->mem->unit, x->func, xname, mask, "prog array %s[%u] refuses %s (%s): %s", lm->name,
				  c->mem->idx, xname, o->code == -EBUSY ? "EBUSY" : "EINVAL", o->msg);
	pf_finding__note_link(d, c->set, c->mem->unit, x->func, "%s of %s[%u] in %s (%s): refused on %s%s%s",
			  c->mem->declared ? "declared member (--tail-target)" : "static member",
			  lm->name, c->mem->idx, u->path,
			  o->code == -EBUSY ? "bpf_map_update_elem, or the extension's attach "
					      "when the member went in first" :
					      "bpf_map_update_elem, or the owner's load when the "
					      "member went in first", kernels,
			  ok[0] ? "; accepted on " : "", ok);
	if (x->ext)
		pf_finding__note_link(d, c->set, -1, -1, "hint: make the tail callee an ordinary program "
				  "of the target's type and load it with expected_attach_type 0 "
				  "(bpf_program__set_expected_attach_type(prog, 0)): an array owned "
				  "by an extension refuses SEC(\"xdp\") as libbpf >= 1.0 loads it "
				  "(BPF_XDP)");
	else if (strstr(o->msg, "expected_attach_type"))
		pf_finding__note_link(d, c->set, -1, -1, "hint: every member of a prog array needs its "
				  "owner's expected_attach_type (tc and tcx programs cannot share "
				  "one); an extension owns an array with 0");
}

static void prog_array_member(const struct pf_linkset *set, const struct pf_rule *rule,
			      struct pf_findings *out)
{
	struct pf_outcome o[PF_LINK_MAX_PROFILES];
	struct member_ctx c = { .set = set, .rule = rule, .out = out };
	size_t i, k, n = set->profile_cnt;

	for (c.u = 0; c.u < set->unit_cnt; c.u++)
		for (c.m = 0; c.m < set->units[c.u].map_cnt; c.m++) {
			const struct pf_link_map *lm = &set->units[c.u].maps[c.m];

			if (!lm->prog_array)
				continue;
			for (i = 0; i < lm->member_cnt; i++) {
				c.mem = &lm->members[i];
				c.ok = 0;
				for (k = 0; k < n; k++) {
					o[k].code = pf_linkset__member(set, c.u, c.m, c.mem,
								       &set->profiles[k], o[k].msg,
								       sizeof(o[k].msg));
					if (!o[k].code)
						c.ok |= 1u << k;
				}
				pf_outcome__group(o, n, emit_group, &c);
			}
		}
}

const struct pf_rule_impl pf_rule_impl_prog_array_member = {
	.summary = "a tail-call target its prog array refuses: an extension (6.13+ and "
		   "backports), an extended program (EBUSY), another program type or "
		   "expected_attach_type than the owner",
	.kernels = "all; EXT ban 6.13+, 6.12.117+, 6.1.192+; expected_attach_type compared "
		   "6.18+, 6.12.57+, 6.1.170+; an extension owner counts as its target's type "
		   "6.2+, 6.1.170+",
	.facts = (const enum pf_fact[]){ PF_FACT_EXT_PROG_ARRAY_BAN, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_FACT_NR },
	.check_set = prog_array_member,
};

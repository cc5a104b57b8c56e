// SPDX-License-Identifier: MIT
/*
 * freplace-attach: what BPF_PROG_LOAD of an extension prints when it is
 * loaded against its target (bpf_check_attach_target() and
 * btf_check_func_type_match()), on every kernel of the run. The target is
 * the function SEC("freplace/NAME") names, found among all the objects
 * given, or the one --attach names.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linkset.h"
#include "rule.h"
#include "verdict.h"

struct attach_ctx {
	const struct pf_linkset *set;
	const struct pf_rule *rule;
	size_t u, p;
	uint32_t ok;		/* kernels that accept */
	struct pf_findings *out;
};

static const char *hint(const char *msg)
{
	if (strstr(msg, "is not a global function"))
		return "only global functions can be replaced: drop static (and __hidden) "
		       "from the target and keep it __noinline";
	if (!strcmp(msg, "Cannot replace static functions"))
		return "the target's BTF does not match how it is called or entered (a static "
		       "function whose argument the compiler dropped or retyped, or a tracing "
		       "program): make the target a global __noinline function";
	if (strstr(msg, "changes packet data"))
		return "a tail call or a packet-resizing helper in the extension counts as "
		       "changing packet data; the replaced function must be able to do so too "
		       "(e.g. call bpf_xdp_adjust_head() on a path the verifier cannot rule "
		       "out), or move the tail call into an ordinary program";
	if (!strcmp(msg, "Cannot recursively attach"))
		return "an extension cannot replace an extension: replace the original "
		       "function instead";
	if (!strcmp(msg, "Cannot extend fentry/fexit"))
		return "fentry/fexit programs cannot be extended";
	if (strstr(msg, "args while") || strstr(msg, "doesn't match") ||
	    strstr(msg, " while ") || strstr(msg, "pointer to context"))
		return "an extension must have the replaced function's prototype: same "
		       "argument count, kinds and sizes, the same context struct";
	return NULL;
}

static void emit_group(void *arg, const struct pf_outcome *o, uint32_t mask)
{
	struct attach_ctx *c = arg;
	const struct pf_link_unit *u = &c->set->units[c->u];
	const struct pf_link_prog *lp = &u->progs[c->p];
	const char *name = u->funcs[lp->func].name, *h;
	struct pf_finding *d;
	char kernels[512], ok[512];

	if (o->code == PF_UNPREDICTABLE)
		d = pf_findings__new_link(c->out, PF_RULE_cannot_predict, PF_SEV_WARNING, c->set,
					  (int)c->u, lp->func, name, mask, "%s", o->msg);
	else
		d = pf_findings__new_link(c->out, c->rule->rid, c->rule->severity, c->set,
					  (int)c->u, lp->func, name, mask, "%s", o->msg);
	pf_linkset__kernels(c->set, mask, kernels, sizeof(kernels));
	pf_linkset__kernels(c->set, c->ok, ok, sizeof(ok));
	if (lp->tgt_unit >= 0) {
		const struct pf_link_unit *tu = &c->set->units[lp->tgt_unit];

		pf_finding__note_link(d, c->set, (int)c->u, lp->func,
				  "extension '%s' in %s, loaded to replace %s() of %s in %s: %s on "
				  "%s%s%s", name, u->path, tu->funcs[lp->tgt_func].name,
				  lp->tgt_prog >= 0 ? tu->funcs[tu->progs[lp->tgt_prog].func].name
						    : "no program", tu->path,
				  o->code == PF_REJECT ? "refused (EINVAL)" : "not predicted",
				  kernels, ok[0] ? "; accepted on " : "", ok);
		pf_finding__note_link(d, c->set, lp->tgt_unit, lp->tgt_func, "the replaced function %s()",
				  tu->funcs[lp->tgt_func].name);
	}
	h = o->code == PF_REJECT ? hint(o->msg) : NULL;
	if (h)
		pf_finding__note_link(d, c->set, -1, -1, "hint: %s", h);
}

static void freplace_attach(const struct pf_linkset *set, const struct pf_rule *rule,
			    struct pf_findings *out)
{
	struct pf_outcome o[PF_LINK_MAX_PROFILES];
	struct attach_ctx c = { .set = set, .rule = rule, .out = out };
	size_t k, n = set->profile_cnt;

	for (c.u = 0; c.u < set->unit_cnt; c.u++)
		for (c.p = 0; c.p < set->units[c.u].prog_cnt; c.p++) {
			if (!set->units[c.u].progs[c.p].ext)
				continue;
			c.ok = 0;
			for (k = 0; k < n; k++) {
				o[k].code = pf_linkset__attach(set, c.u, c.p, &set->profiles[k],
							       o[k].msg, sizeof(o[k].msg));
				if (o[k].code == PF_ACCEPT)
					c.ok |= 1u << k;
			}
			pf_outcome__group(o, n, emit_group, &c);
		}
}

const struct pf_rule_impl pf_rule_impl_freplace_attach = {
	.summary = "an extension (freplace) its target's kernel refuses at load: static or "
		   "unreliable target, prototype mismatch, extension of an extension or of "
		   "fentry/fexit, changed packet data",
	.kernels = "all; packet-data contract 6.13+ and 6.12.117+; exception callbacks (6.7+) "
		   "cannot be replaced; a tracing program's main has unreliable BTF from 6.12",
	.facts = (const enum pf_fact[]){ PF_FACT_EXT_PKT_DATA, PF_FACT_EXCEPTION_CB, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_FACT_NR },
	.check_set = freplace_attach,
};

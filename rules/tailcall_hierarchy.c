// SPDX-License-Identifier: MIT
/*
 * tailcall-hierarchy: before "bpf, x64: Fix tailcall hierarchy" (6.12; the
 * arm64 twin in the same series) the tail-call counter was passed into
 * subprograms by value. A tail call made inside a subprogram returns to
 * the subprogram's caller, so when a program reaches a tail-calling
 * subprogram more than once per run (two call sites, or a call inside a
 * loop) the counter restarts on every return and the total number of tail
 * calls grows far past 33 (selftest tailcall_bpf2bpf_hierarchy_1).
 * The verifier accepts such programs: this is a runtime warning.
 */
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "rule.h"

#define PATHS_MAX	1000000u	/* saturate: "many" */

/* Is the call at @insn inside a loop of its function (a back-edge around it)? */
static bool in_loop(const struct pf_object *obj, const struct pf_function *f, size_t insn)
{
	const struct pf_section *sec = &obj->secs[f->sec];
	size_t i;

	for (i = f->start; i < f->end; i++) {
		const struct pf_insn *in = &sec->insns[i];
		int64_t t;

		if (pf_insn__is_ld_imm64(in)) {
			i++;
			continue;
		}
		if (!pf_insn__is_jump(in))
			continue;
		t = pf_insn__jump_target(in, i);
		if (t <= (int64_t)insn && insn < i)
			return true;
	}
	return false;
}

/*
 * Number of times each function is entered per run of @prog, counting
 * every call site on every path (and "many" for calls inside loops),
 * in the program's function order (callers come before callees there
 * only for trees, so iterate to a fixed point; the graph is acyclic).
 */
static void count_entries(const struct pf_object *obj, const struct pf_program *prog,
			  unsigned int *n)
{
	size_t round, i, c;

	memset(n, 0, obj->func_cnt * sizeof(*n));
	n[prog->func] = 1;
	for (round = 0; round < prog->func_cnt; round++) {
		bool changed = false;

		for (i = 0; i < prog->func_cnt; i++) {
			const struct pf_function *f = &obj->funcs[prog->funcs[i]];
			unsigned int total = 0;
			size_t j;

			if (prog->funcs[i] == prog->func)
				continue;
			/* entries of f = sum over callers' call sites of callers' entries */
			for (j = 0; j < prog->func_cnt; j++) {
				const struct pf_function *caller = &obj->funcs[prog->funcs[j]];

				for (c = 0; c < caller->call_cnt; c++) {
					const struct pf_call *call = &caller->calls[c];
					unsigned int add;

					if (call->kind != PF_CALL_SUBPROG ||
					    call->target != prog->funcs[i])
						continue;
					add = n[prog->funcs[j]];
					if (add && in_loop(obj, caller, call->insn))
						add = PATHS_MAX;
					total = total + add > PATHS_MAX ? PATHS_MAX : total + add;
				}
			}
			if (total != n[prog->funcs[i]]) {
				n[prog->funcs[i]] = total;
				changed = true;
			}
			(void)f;
		}
		if (!changed)
			break;
	}
}

static void hierarchy(struct pf_analysis *an, const struct pf_rule *rule,
		      const struct pf_check_env *env, struct pf_findings *out)
{
	const struct pf_object *obj = an->obj;
	unsigned int n[4096];
	char kernels[300];
	size_t p, i, k, used = 0;

	if (obj->func_cnt > sizeof(n) / sizeof(n[0]))
		return;
	kernels[0] = '\0';
	for (k = 0; k < env->profile_cnt; k++) {
		const struct pf_profile *pf = &env->profiles[k];

		/* only where tail calls in subprograms load at all, and are unfixed */
		if (pf_profile__has(pf, PF_FACT_SUBPROG_TAILCALL) == PF_YES &&
		    pf_profile__has(pf, PF_FACT_TAILCALL_HIER_FIX) == PF_NO && used < sizeof(kernels))
			used += snprintf(kernels + used, sizeof(kernels) - used, "%s%s",
					 used ? ", " : "", pf->name);
	}
	if (!used)
		return;
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];

		count_entries(obj, prog, n);
		for (i = 0; i < prog->func_cnt; i++) {
			int fi = prog->funcs[i];
			const struct pf_function *f = &obj->funcs[fi];
			struct pf_finding *d;
			size_t c;

			if (fi == prog->func || !f->has_tail_call || n[fi] < 2)
				continue;
			for (c = 0; c < f->call_cnt; c++)
				if (f->calls[c].kind == PF_CALL_HELPER &&
				    f->calls[c].helper_id == PF_HELPER_TAIL_CALL)
					break;
			if (n[fi] >= PATHS_MAX)
				d = pf_rule__finding(rule, out, obj, (int)p, fi, c < f->call_cnt ? f->calls[c].insn : f->start,
					      "the tail call in %s() can run far more than 33 times per run of '%s': %s() is called inside a loop",
					      f->name, obj->funcs[prog->func].name, f->name);
			else
				d = pf_rule__finding(rule, out, obj, (int)p, fi, c < f->call_cnt ? f->calls[c].insn : f->start,
					      "the tail call in %s() can run far more than 33 times per run of '%s': %s() is entered %u times per run",
					      f->name, obj->funcs[prog->func].name, f->name, n[fi]);
			pf_finding__note(d, obj, fi, f->start,
				      "affected kernels (tail-call counter passed by value into subprograms): %s",
				      kernels);
			pf_finding__note(d, obj, -1, 0,
				      "fix: call the tail-calling subprogram once per run, or tail-call from the entry program; fixed in 6.12 (x86-64, arm64)");
		}
	}
}

const struct pf_rule_impl pf_rule_impl_tailcall_hierarchy = {
	.summary = "a tail call in a subprogram reached more than once per run: the runtime count can exceed 33",
	.kernels = "x86-64 and arm64 before 6.12; s390x before its fix (6.17, 6.12.54)",
	.facts = (const enum pf_fact[]){ PF_FACT_TAILCALL_HIER_FIX, PF_FACT_NR },
	.check_env = hierarchy,
};

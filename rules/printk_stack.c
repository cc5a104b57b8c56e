// SPDX-License-Identifier: MIT
/*
 * printk-stack: a bpf_printk() whose format string (old libbpf macro, or
 * -DBPF_NO_GLOBAL_DATA) or bpf_trace_vprintk() argument array sits on a
 * frame that is refused, or that comes within the margin of a limit
 * (512 bytes for the chain, 256 before a tail-calling subprogram).
 * Debug prints are the cheapest bytes to give back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_limits.h"
#include "dwarf_vars.h"
#include "frame.h"
#include "profile.h"
#include "rule.h"
#include "verdict.h"

/* Room left under the 512-byte chain limit or the 256-byte tail-call one. */
static bool near_limit(const struct pf_verdict *v, unsigned int margin, uint32_t *left)
{
	uint32_t room512 = v->max_total < PF_MAX_BPF_STACK ? PF_MAX_BPF_STACK - v->max_total : 0;
	uint32_t room256 = v->tail_room > 0 ? (uint32_t)v->tail_room : 0;

	*left = room512 < room256 ? room512 : room256;
	return *left <= margin;
}

static void printk_stack(struct pf_analysis *an, const struct pf_rule *rule,
			 const struct pf_check_env *env, struct pf_findings *out)
{
	const struct pf_object *obj = an->obj;
	struct pf_dwarf_vars none = { 0 };
	size_t p, i, k, r, u;
	uint8_t *has_printk = calloc(obj->func_cnt + 1, 1);

	/* one pass over the recorded uses finds the frames worth mapping */
	if (!has_printk)
		return;
	for (u = 0; u < obj->stack_use_cnt; u++) {
		const struct pf_stack_use *su = &obj->stack_uses[u];

		if (su->kind == PF_USE_HELPER_ARG &&
		    ((su->helper == BPF_FUNC_trace_printk && su->arg == 0) ||
		     (su->helper == BPF_FUNC_trace_vprintk && su->arg == 2)))
			has_printk[su->func] = 1;
	}
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];

		for (i = 0; i < prog->func_cnt; i++) {
			int func = prog->funcs[i];
			struct pf_frame_map m;

			if (!has_printk[func] || pf_frame__map(obj, &none, func, &m))
				continue;
			for (r = 0; r < m.cnt; r++) {
				const struct pf_range *pr = &m.ranges[r];
				char fixed[300] = "", refused[200] = "", close[200] = "";
				size_t uf = 0, ur = 0, uc = 0;
				uint32_t without = 0;
				struct pf_finding *d;

				if (pr->kind != PF_RANGE_PRINTK_FMT && pr->kind != PF_RANGE_VPRINTK_ARGS)
					continue;
				without = pf_frame__depth_without(obj, &m, r);
				for (k = 0; k < env->profile_cnt; k++) {
					const struct pf_profile *pf = &env->profiles[k];
					struct pf_verdict now, after;
					uint32_t left;

					pf_verdict__program(an, prog, pf, &now);
					pf_verdict__what_if(an, prog, pf, func, without, &after);
					if (now.result == PF_REJECT && after.result == PF_ACCEPT && uf < sizeof(fixed))
						uf += snprintf(fixed + uf, sizeof(fixed) - uf, "%s%s",
							       uf ? ", " : "", pf->name);
					else if (now.result == PF_REJECT && ur < sizeof(refused))
						ur += snprintf(refused + ur, sizeof(refused) - ur, "%s%s",
							       ur ? ", " : "", pf->name);
					else if (now.result == PF_ACCEPT && near_limit(&now, env->margin, &left) &&
						 uc < sizeof(close))
						uc += snprintf(close + uc, sizeof(close) - uc, "%s%s (%u B left)",
							       uc ? ", " : "", pf->name, left);
				}
				if (!uf && !ur && !uc)
					continue;
				d = pf_rule__finding(rule, out, obj, (int)p, func, pr->insn >= 0 ? (size_t)pr->insn : 0,
					      "bpf_printk puts %u bytes of %s on the stack of %s()%s%s%s%s",
					      pr->size, pr->kind == PF_RANGE_PRINTK_FMT ?
					      "format string" : "argument array",
					      obj->funcs[func].name,
					      uf ? "; without it the program is accepted on " : "", fixed,
					      !uf && ur ? "; the frame is refused on " : "", !uf ? refused : "");
				if (uc)
					pf_finding__note(d, obj, func, pr->insn, "close to a stack limit on %s", close);
				pf_finding__note(d, obj, func, pr->insn, "%s: %u B with it, %u B without",
					      obj->funcs[func].name, m.depth, without);
				if (pr->kind == PF_RANGE_PRINTK_FMT)
					pf_finding__note(d, obj, func, pr->insn,
						      "fix: drop -DBPF_NO_GLOBAL_DATA so the format goes to .rodata, or declare it 'static const char fmt[]', or remove the debug print");
				else
					pf_finding__note(d, obj, func, pr->insn,
						      "fix: pass at most 3 arguments (bpf_trace_printk needs no argument array), or remove the debug print");
			}
			pf_frame__free(&m);
		}
	}
	free(has_printk);
}

const struct pf_rule_impl pf_rule_impl_printk_stack = {
	.summary = "bpf_printk / bpf_trace_vprintk bytes on a frame that is refused or near a limit",
	.kernels = "all; the format is on the stack with old libbpf or -DBPF_NO_GLOBAL_DATA, the argument array with 4+ arguments",
	.check_env = printk_stack,
};

// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight stack`: per program, every function's frame as the
 * verifier records it and as check_max_stack_depth() counts it on each
 * kernel, the worst chain, and the headroom to 512 and to 256.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "verdict.h"

/* Worst root-to-leaf sum of counted frames (callbacks included). */
static uint32_t worst_chain(const struct pf_object *obj, int func,
			    const struct pf_profile *p, unsigned int depth)
{
	const struct pf_function *f = &obj->funcs[func];
	uint32_t best = 0, here;
	bool known = true;
	size_t c;

	here = pf_verdict__round_frame(pf_verdict__recorded_depth(f, p, &known), p);
	/* The model refuses recursion; the bound only guards the stack. */
	if (depth > PF_MAX_CALL_DEPTH)
		return here;
	for (c = 0; c < f->call_cnt; c++) {
		const struct pf_call *call = &f->calls[c];
		uint32_t sub;

		if ((call->kind != PF_CALL_SUBPROG && call->kind != PF_CALL_CALLBACK) ||
		    call->target < 0 || call->async)
			continue;
		sub = worst_chain(obj, call->target, p, depth + 1);
		if (sub > best)
			best = sub;
	}
	return here + best;
}

static int stack_object(const struct pf_object *obj, const struct pf_opts *opts,
			void *ctx)
{
	size_t p, i, k;

	(void)ctx;
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];

		if (opts->prog && strcmp(opts->prog, obj->funcs[prog->func].name))
			continue;
		printf("%s: program %s (%s)\n", obj->path, obj->funcs[prog->func].name,
		       prog->sec_name);
		printf("  %-28s %6s", "function", "depth");
		for (k = 0; k < opts->profile_cnt; k++)
			printf(" %9s", opts->profiles[k].name);
		printf("\n");
		for (i = 0; i < prog->func_cnt; i++) {
			const struct pf_function *f = &obj->funcs[prog->funcs[i]];

			printf("  %-28s %6u%s", f->name, f->stack.depth,
			       f->has_tail_call ? "*" : " ");
			for (k = 0; k < opts->profile_cnt; k++) {
				bool known = true;
				uint32_t d = pf_verdict__recorded_depth(f, &opts->profiles[k], &known);

				printf(" %9u", pf_verdict__round_frame(d, &opts->profiles[k]));
			}
			printf("\n");
		}
		printf("  %-28s %7s", "worst chain (counted)", "");
		for (k = 0; k < opts->profile_cnt; k++)
			printf(" %9u", worst_chain(obj, prog->func, &opts->profiles[k], 0));
		printf("\n  %-28s %7s", "headroom to 512", "");
		for (k = 0; k < opts->profile_cnt; k++)
			printf(" %9d", PF_MAX_BPF_STACK -
			       (int)worst_chain(obj, prog->func, &opts->profiles[k], 0));
		printf("\n  (* tail-calls: the frames before it must stay under %d)\n\n",
		       PF_TAILCALL_STACK_MAX);
	}
	return PF_EXIT_OK;
}

int cmd_stack(struct pf_opts *opts)
{
	if (pf_cli__profiles(opts))
		return PF_EXIT_INPUT;
	return pf_cli__for_each_object(opts, stack_object, NULL);
}

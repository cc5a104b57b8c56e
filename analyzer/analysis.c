// SPDX-License-Identifier: MIT
/*
 * The per-object analysis context (analysis.h): each analysis runs on
 * first use and is kept until the object is done.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"
#include "bpf_limits.h"

void pf_analysis__init(struct pf_analysis *an, const struct pf_object *obj)
{
	memset(an, 0, sizeof(*an));
	an->obj = obj;
}

const struct pf_mv_report *pf_analysis__mapvalue(struct pf_analysis *an, int func)
{
	const struct pf_object *obj = an->obj;

	if (func < 0 || (size_t)func >= obj->func_cnt)
		return NULL;
	if (!an->mv) {
		an->mv = calloc(obj->func_cnt + 1, sizeof(*an->mv));
		an->mv_done = calloc(obj->func_cnt + 1, 1);
		if (!an->mv || !an->mv_done)
			goto nomem;
	}
	if (!an->mv_done[func]) {
		if (pf_mapvalue__analyze(obj, func, &an->mv[func]))
			return NULL;
		an->mv_done[func] = 1;
	}
	return &an->mv[func];
nomem:
	free(an->mv);
	free(an->mv_done);
	an->mv = NULL;
	an->mv_done = NULL;
	return NULL;
}

/*
 * How much exploration a program is worth. Where the static bound (every
 * path, stack.c) already accepts with room to spare, the exploration only
 * makes the depth line exact: a few times the program's size, after which
 * the static depths stand. Where the bound is near a limit, or a NULL use,
 * a v4 encoding or a tail call beside calls is possible, the engine gets
 * the verifier's own budget, so that what it refuses first is what the
 * kernel meets first.
 */
/*
 * The deepest static chain from @func, frames rounded to 32 as 6.1 does:
 * memoised per function (a hostile object fans out exponentially), a call
 * back into the functions on the walk cut.
 */
static uint32_t static_chain(const struct pf_object *obj, int func, uint8_t *on, uint32_t *memo)
{
	const struct pf_function *f = &obj->funcs[func];
	uint32_t best = 0, here = (f->stack.depth + 31) / 32 * 32 + 32;
	size_t i;

	if (memo[func])
		return memo[func];
	if (on[func])
		return here;
	on[func] = 1;
	for (i = 0; i < f->call_cnt; i++) {
		const struct pf_call *c = &f->calls[i];
		uint32_t d;

		if ((c->kind != PF_CALL_SUBPROG && c->kind != PF_CALL_CALLBACK) || c->target < 0)
			continue;
		d = static_chain(obj, c->target, on, memo);
		if (d > best)
			best = d;
	}
	on[func] = 0;
	memo[func] = here + (best > UINT32_MAX / 2 ? UINT32_MAX / 2 : best);
	return memo[func];
}

/*
 * The engine prunes less than the kernel (no precision tracking), so it
 * processes more instructions than the verifier for the same program; past
 * this many it leaves the verdict to the static bound (measured: 200k keeps
 * `make bench` near its old time on the corpus, docs/performance.md).
 */
#define PF_ENGINE_RISKY_BUDGET	200000u

static size_t engine_budget(struct pf_analysis *an, const struct pf_program *prog, bool *safe)
{
	const struct pf_object *obj = an->obj;
	size_t i, insns = 0;
	bool risky = prog->func_cnt >= PF_MAX_CALL_FRAMES;

	for (i = 0; i < prog->func_cnt && !risky; i++) {
		const struct pf_function *f = &obj->funcs[prog->funcs[i]];
		const struct pf_mv_report *mv = pf_analysis__mapvalue(an, prog->funcs[i]);

		insns += f->end - f->start;
		risky = f->stack.bounded || f->stack.inexact || f->has_isa_v4 ||
			(f->has_tail_call && prog->func_cnt > 1) || !mv || mv->null_cnt;
	}
	/*
	 * One walk state per object, not per program: a function's chain is
	 * the same from every program (an object of many programs would
	 * otherwise allocate programs x functions).
	 */
	if (!risky && !an->chain_on) {
		an->chain_on = calloc(obj->func_cnt + 1, 1);
		an->chain_memo = calloc(obj->func_cnt + 1, sizeof(*an->chain_memo));
	}
	if (!risky && (!an->chain_on || !an->chain_memo ||
		       static_chain(obj, prog->func, an->chain_on, an->chain_memo) >
		       PF_MAX_BPF_STACK - 32))
		risky = true;
	*safe = !risky;
	/*
	 * A section libbpf cannot type has no verifier to match (the
	 * context, the helpers and the checks all depend on the type), so
	 * the long search for an exact refusal buys nothing: the common
	 * budget, then the static bound (cilium's legacy "2/10" tail-call
	 * sections spent 800k of the corpus' 2.4M instructions here).
	 */
	if (risky && prog->type_known)
		return PF_ENGINE_RISKY_BUDGET;
	return 4 * insns + 4096;
}

const struct pf_engine_result *pf_analysis__engine(struct pf_analysis *an,
						   const struct pf_program *prog,
						   struct pf_engine_sem sem)
{
	const struct pf_object *obj = an->obj;
	size_t idx = (size_t)(prog - obj->progs), slot;

	if (prog < obj->progs || idx >= obj->prog_cnt)
		return NULL;
	if (!an->eng) {
		an->eng = calloc(2 * obj->prog_cnt + 1, sizeof(*an->eng));
		an->eng_done = calloc(2 * obj->prog_cnt + 1, 1);
		if (!an->eng || !an->eng_done) {
			free(an->eng);
			free(an->eng_done);
			an->eng = NULL;
			an->eng_done = NULL;
			return NULL;
		}
	}
	slot = 2 * idx + sem.jeq_bounds;
	/*
	 * An exploration that never met the difference serves both, whether it
	 * finished or gave up: it is deterministic, so the other one would
	 * have followed the same paths to the same end.
	 */
	if (!an->eng_done[slot] && an->eng_done[slot ^ 1] &&
	    !an->eng[slot ^ 1].used_jeq_bounds && !an->eng[slot ^ 1].used_jeq_refine)
		return &an->eng[slot ^ 1];
	if (!an->eng_done[slot]) {
		bool safe = false;
		size_t budget = engine_budget(an, prog, &safe);

		/* with no refusal to find, a run may stop once its depths are settled */
		if (pf_engine__run(obj, prog, an->ro, budget, safe, sem, &an->eng[slot])) {
			pf_engine__free(&an->eng[slot]);
			return NULL;
		}
		an->eng_done[slot] = 1;
	}
	return &an->eng[slot];
}

void pf_analysis__free(struct pf_analysis *an)
{
	size_t i;

	for (i = 0; an->mv && i < an->obj->func_cnt; i++)
		if (an->mv_done[i])
			pf_mapvalue__free(&an->mv[i]);
	for (i = 0; an->eng && i < 2 * an->obj->prog_cnt; i++)
		if (an->eng_done[i])
			pf_engine__free(&an->eng[i]);
	free(an->mv);
	free(an->mv_done);
	free(an->eng);
	free(an->eng_done);
	free(an->chain_on);
	free(an->chain_memo);
	memset(an, 0, sizeof(*an));
}

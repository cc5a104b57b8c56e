// SPDX-License-Identifier: MIT
/*
 * The per-object analysis context (analysis.h): each analysis runs on
 * first use and is kept until the object is done.
 */
#include <stdlib.h>
#include <string.h>

#include "analysis.h"

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

const struct pf_engine_result *pf_analysis__engine(struct pf_analysis *an,
						   const struct pf_program *prog)
{
	const struct pf_object *obj = an->obj;
	size_t idx = (size_t)(prog - obj->progs);

	if (prog < obj->progs || idx >= obj->prog_cnt)
		return NULL;
	if (!an->eng) {
		an->eng = calloc(obj->prog_cnt + 1, sizeof(*an->eng));
		an->eng_done = calloc(obj->prog_cnt + 1, 1);
		if (!an->eng || !an->eng_done) {
			free(an->eng);
			free(an->eng_done);
			an->eng = NULL;
			an->eng_done = NULL;
			return NULL;
		}
	}
	if (!an->eng_done[idx]) {
		if (pf_engine__run(obj, prog, an->ro, &an->eng[idx])) {
			pf_engine__free(&an->eng[idx]);
			return NULL;
		}
		an->eng_done[idx] = 1;
	}
	return &an->eng[idx];
}

void pf_analysis__free(struct pf_analysis *an)
{
	size_t i;

	for (i = 0; an->mv && i < an->obj->func_cnt; i++)
		if (an->mv_done[i])
			pf_mapvalue__free(&an->mv[i]);
	for (i = 0; an->eng && i < an->obj->prog_cnt; i++)
		if (an->eng_done[i])
			pf_engine__free(&an->eng[i]);
	free(an->mv);
	free(an->mv_done);
	free(an->eng);
	free(an->eng_done);
	memset(an, 0, sizeof(*an));
}

/* SPDX-License-Identifier: MIT */
/*
 * The analysis context of one object: what the analyses compute on demand
 * and keep while the object is analysed (the engine's exploration per
 * program, map-value facts per function), owned by the driver, so that
 * the model itself is never written after pf_object__open() (model.h).
 */
#ifndef PF_ANALYSIS_H
#define PF_ANALYSIS_H

#include <stdint.h>

#include "engine.h"
#include "mapvalue.h"
#include "model.h"

struct pf_analysis {
	const struct pf_object *obj;
	const struct pf_rodata *ro;	/* --rodata values, or NULL */
	struct pf_mv_report *mv;	/* per function, computed on first use */
	uint8_t *mv_done;
	uint8_t *chain_on;		/* static_chain(): on the walk, per function */
	uint32_t *chain_memo;		/* ... and its deepest chain, per function */
	struct pf_engine_result *eng;	/* per program and jeq_bounds (2 p + b), on first use */
	uint8_t *eng_done;
};

void pf_analysis__init(struct pf_analysis *an, const struct pf_object *obj);
void pf_analysis__free(struct pf_analysis *an);

/* Map-value facts of function @func, computed once; NULL when out of memory. */
const struct pf_mv_report *pf_analysis__mapvalue(struct pf_analysis *an, int func);

/* The engine's exploration of @prog under @sem, computed once; NULL when out of memory. */
const struct pf_engine_result *pf_analysis__engine(struct pf_analysis *an,
						   const struct pf_program *prog,
						   struct pf_engine_sem sem);

#endif /* PF_ANALYSIS_H */

/* SPDX-License-Identifier: MIT */
/*
 * The analysis context of one object: what the analyses compute on demand
 * and keep while the object is analysed (map-value facts per function),
 * owned by the driver, so that the model itself is never written after
 * pf_object__open() (model.h).
 */
#ifndef PF_ANALYSIS_H
#define PF_ANALYSIS_H

#include <stdint.h>

#include "mapvalue.h"
#include "model.h"

struct pf_analysis {
	const struct pf_object *obj;
	struct pf_mv_report *mv;	/* per function, computed on first use */
	uint8_t *mv_done;
};

void pf_analysis__init(struct pf_analysis *an, const struct pf_object *obj);
void pf_analysis__free(struct pf_analysis *an);

/* Map-value facts of function @func, computed once; NULL when out of memory. */
const struct pf_mv_report *pf_analysis__mapvalue(struct pf_analysis *an, int func);

#endif /* PF_ANALYSIS_H */

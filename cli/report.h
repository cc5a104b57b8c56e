/* SPDX-License-Identifier: MIT */
/*
 * Reporting: the run's findings (finding.h) are filtered (rules enabled,
 * inline suppressions, config suppressions, baseline), then rendered once
 * as GCC text, JSON or SARIF. Renderers never see the model.
 */
#ifndef PF_REPORT_H
#define PF_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "bpf_preflight.h"

/* A stable hash of (object basename, program, function, rule, line text). */
unsigned long long pf_finding__fingerprint(const struct pf_finding *d);
/* @out[i]: finding i's fingerprint, unique in the run (SARIF, JSON). */
void pf_findings__fingerprints(const struct pf_findings *r, unsigned long long *out);
/* "// bpf-preflight: disable=RULE" on the reported line or the line above. */
bool pf_finding__suppressed_inline(const struct pf_finding *d);

/* Renderers. */
void pf_report__text(const struct pf_findings *r, bool color);
/*
 * After the text on a terminal: "2 errors and 1 warning in 3 programs of 2
 * objects, 11 kernels" -- the findings shown, by severity; the programs and
 * objects they are in; the kernels checked. Nothing when there are none.
 */
void pf_report__summary(const struct pf_findings *r, size_t kernel_cnt, bool color);
cJSON *pf_report__json(const struct pf_findings *r);
cJSON *pf_report__sarif(const struct pf_findings *r, const char *version);

/* Baselines: {"version":1,"findings":[{"object","function","rule"}]} */
struct pf_baseline_key {
	char *object, *function, *rule;
};

struct pf_baseline {
	struct pf_baseline_key *keys;
	size_t cnt;
};

int pf_baseline__write(const struct pf_findings *r, const char *path);
int pf_baseline__load(const char *path, struct pf_baseline *b);
bool pf_baseline__has(const struct pf_baseline *b, const struct pf_finding *d);
void pf_baseline__free(struct pf_baseline *b);

#endif /* PF_REPORT_H */

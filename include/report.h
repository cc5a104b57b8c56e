/* SPDX-License-Identifier: MIT */
/*
 * Reporting: every finding of a run is collected as a pf_rdiag (owned
 * strings, resolved source positions), filtered (rules enabled, inline
 * suppressions, config suppressions, baseline), then rendered once as GCC
 * text, JSON or SARIF. Renderers never see the model.
 */
#ifndef PF_REPORT_H
#define PF_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "rule.h"

struct pf_rnote {
	char *message;
	char *file;		/* NULL when unknown */
	unsigned int line, col;
	char *function;
	long insn;		/* slot inside the function, -1 unknown */
};

struct pf_rdiag {
	const char *rule;
	enum pf_severity severity;
	char *message;
	char *file;		/* source file, or the object when unknown */
	unsigned int line, col;	/* 0 when unknown */
	long insn;
	char *object, *program, *function;
	char *src_text;		/* the line's text from BTF line info */
	char **kernels;
	size_t kernel_cnt;
	struct pf_rnote *notes;
	size_t note_cnt;
};

struct pf_report {
	struct pf_rdiag *d;
	size_t cnt, cap;
};

struct pf_rdiag *pf_report__add(struct pf_report *r);
void pf_rdiag__note(struct pf_rdiag *d, const char *msg, const char *file,
		    unsigned int line, unsigned int col, const char *function, long insn);
void pf_rdiag__kernel(struct pf_rdiag *d, const char *kernel);
void pf_rdiag__free(struct pf_rdiag *d);
void pf_report__free(struct pf_report *r);

/* A stable hash of (object basename, function, rule): baselines, SARIF. */
unsigned long long pf_rdiag__fingerprint(const struct pf_rdiag *d);
/* "// bpf-preflight: disable=RULE" on the reported line or the line above. */
bool pf_rdiag__suppressed_inline(const struct pf_rdiag *d);

/* Renderers. */
void pf_report__text(const struct pf_report *r, bool color);
cJSON *pf_report__json(const struct pf_report *r);
cJSON *pf_report__sarif(const struct pf_report *r, const char *version);

/* Baselines: {"version":1,"findings":[{"object","function","rule"}]} */
int pf_baseline__write(const struct pf_report *r, const char *path);
int pf_baseline__load(const char *path, struct pf_report *keys);
bool pf_baseline__has(const struct pf_report *keys, const struct pf_rdiag *d);

#endif /* PF_REPORT_H */

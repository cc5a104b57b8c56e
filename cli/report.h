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
/* The input errors of the run (cli.h), as "errors": [{"file", "message"}]. */
struct pf_cli_problem;
cJSON *pf_report__json_errors(const struct pf_cli_problem *pv, size_t pcnt);

/* What a SARIF log says about the run besides its results. */
struct pf_sarif_run {
	const char *version;		/* the tool's */
	const char *srcroot;		/* %SRCROOT%, absolute; NULL: none, file:// URIs */
	const struct pf_cli_problem *problems;	/* toolExecutionNotifications */
	size_t problem_cnt;
	bool ok;			/* false: executionSuccessful false whatever the problems */
};
cJSON *pf_report__sarif(const struct pf_findings *r, const struct pf_sarif_run *run);

/*
 * The numbers of @msg that state a size or a count (report.c says which),
 * at most @max of them into @v; returns how many.
 */
size_t pf_finding__measures(const char *msg, long long *v, size_t max);

/*
 * Baselines. Version 2: {"version":2,"findings":[{"object","program",
 * "function","rule","kernels":[..],"measure":[..],"message"}]}, one entry
 * per problem, sorted. What identifies the problem: object basename,
 * program, function, rule and the kernels it is on (a finding that names
 * none: the run's); what measures it: the
 * message's sizes and counts. Version 1 entries (object, function, rule)
 * are still read, with that key alone.
 */
#define PF_BASELINE_MEASURES	8

struct pf_baseline_key {
	char *object, *program, *function, *rule;
	char **kernels;
	size_t kernel_cnt;
	long long measure[PF_BASELINE_MEASURES];
	size_t measure_cnt;
	char *message;		/* what it said then; NULL when the file has none */
};

struct pf_baseline {
	struct pf_baseline_key *keys;
	size_t cnt;
	int version;
};

enum pf_baseline_match {
	PF_BASELINE_NEW,	/* no entry of its key: report */
	PF_BASELINE_KNOWN,	/* an entry measures at least as much: quiet */
	PF_BASELINE_WORSE,	/* entries of its key measure less: report */
};

/* @run: the run's kernels, the kernels of a finding that names none. */
int pf_baseline__write(const struct pf_findings *r, const char *const *run, size_t run_cnt,
		       const char *path);
/* 0, or a negative errno and one line "PATH[:LINE:COL]: what is wrong" in @err. */
int pf_baseline__load(const char *path, struct pf_baseline *b, char *err, size_t errlen);
/*
 * A finding is known when an entry of its object, program, function and
 * rule names all of its kernels and measures at least as much; worse when
 * such an entry sharing any of its kernels measures less (*@worse, the
 * first); new otherwise.
 */
enum pf_baseline_match pf_baseline__match(const struct pf_baseline *b,
					  const struct pf_finding *d,
					  const char *const *run, size_t run_cnt,
					  const struct pf_baseline_key **worse);
void pf_baseline__free(struct pf_baseline *b);

#endif /* PF_REPORT_H */

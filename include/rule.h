/* SPDX-License-Identifier: MIT */
/*
 * Rules: one line each in rules/rules.def (id, severity, refusal or lint)
 * and one file each under rules/ with its texts and checks. The refusals
 * are decided in the program's one verdict (analyzer/verdict.c) and carry
 * no check of their own; the others read the model or the analysis set and
 * add pf_findings to the run's collection.
 */
#ifndef PF_RULE_H
#define PF_RULE_H

#include <stddef.h>

#include "analysis.h"
#include "finding.h"
#include "model.h"
#include "profile.h"
#include "rule_ids.h"

struct pf_linkset;
struct pf_rule;

/* What rules that depend on kernels see of the run's options. */
struct pf_check_env {
	const struct pf_profile *profiles;
	size_t profile_cnt;
	unsigned int margin;	/* bytes: "near a limit" (--margin) */
};

/* What a rule's own file provides: its texts and its checks. */
struct pf_rule_impl {
	const char *summary;
	const char *kernels;	/* which kernels it concerns, for `rules` */
	/* the fact-table rows it depends on, ended by PF_FACT_NR (tests/t_rules.sh
	 * checks .kernels against them) */
	const enum pf_fact *facts;
	/* none of these for the refusals decided in the verdict (analyzer/verdict.c) */
	void (*check)(struct pf_analysis *an, const struct pf_rule *rule,
		      struct pf_findings *out);
	/* rules whose findings depend on the target kernels */
	void (*check_env)(struct pf_analysis *an, const struct pf_rule *rule,
			  const struct pf_check_env *env, struct pf_findings *out);
	/* rules over all objects of the run at once (extensions, prog arrays) */
	void (*check_set)(const struct pf_linkset *set, const struct pf_rule *rule,
			  struct pf_findings *out);
};

/* A catalogue entry: rules/rules.def's line and the rule's implementation. */
struct pf_rule {
	enum pf_rule_id rid;
	const char *id;
	enum pf_severity severity;
	enum pf_rule_kind kind;
	const struct pf_rule_impl *impl;
};

/* All rules, NULL-terminated, in catalogue order. */
extern const struct pf_rule *const pf_rules[];
const struct pf_rule *pf_rule__get(enum pf_rule_id id);
const struct pf_rule *pf_rule__find(const char *id);
/* The rule's documentation page (docs/rules/ID.md, built in), or NULL. */
const char *pf_rule__doc(const char *id);
const char *pf_severity__name(enum pf_severity sev);

/* A finding of @rule, with its severity, located at (@prog, @func, @insn) of @obj. */
struct pf_finding *pf_rule__finding(const struct pf_rule *rule, struct pf_findings *out,
				    const struct pf_object *obj, int prog, int func, size_t insn,
				    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

#endif /* PF_RULE_H */

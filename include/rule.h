/* SPDX-License-Identifier: MIT */
/*
 * Rules: one file each under rules/, each with its id, severity, a one-line
 * summary, and one function over the model. The verifier-replay rules
 * (stack-combined, call-depth, ...) share one engine (analyzer/verdict.c)
 * and carry no function of their own; the lint rules (map values, printk)
 * read the model and emit diagnostics through one callback.
 */
#ifndef PF_RULE_H
#define PF_RULE_H

#include <stddef.h>

#include "model.h"
#include "rule_ids.h"

#define PF_DIAG_MAX_NOTES 8

struct pf_diag_note {
	int func;		/* function index, -1 for none */
	size_t insn;		/* slot inside its section */
	char message[200];
};

struct pf_diag {
	const char *rule;
	enum pf_severity severity;
	char message[400];
	int prog;		/* program index, -1 if object-wide */
	int func;		/* function index of the location */
	size_t insn;		/* slot inside the function's section */
	struct pf_diag_note notes[PF_DIAG_MAX_NOTES];
	size_t note_cnt;
};

typedef void (*pf_emit_fn)(void *ctx, const struct pf_object *obj,
			   const struct pf_diag *d);

struct pf_profile;
struct pf_linkset;
struct pf_set_diag;
struct pf_rule;

/* A finding of a rule over the whole analysis set (linkset.h). */
typedef void (*pf_set_emit_fn)(void *ctx, const struct pf_linkset *set,
			       const struct pf_set_diag *d);

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
	/* none of these for the refusals decided in the verdict (analyzer/verdict.c) */
	void (*check)(const struct pf_object *obj, const struct pf_rule *rule,
		      pf_emit_fn emit, void *ctx);
	/* rules whose findings depend on the target kernels */
	void (*check_env)(const struct pf_object *obj, const struct pf_rule *rule,
			  const struct pf_check_env *env, pf_emit_fn emit, void *ctx);
	/* rules over all objects of the run at once (extensions, prog arrays) */
	void (*check_set)(const struct pf_linkset *set, const struct pf_rule *rule,
			  pf_set_emit_fn emit, void *ctx);
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

/* Start a diagnostic of @rule at (@func, @insn); callers add notes. */
void pf_diag__init(struct pf_diag *d, const struct pf_rule *rule, int prog,
		   int func, size_t insn, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void pf_diag__note(struct pf_diag *d, int func, size_t insn, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif /* PF_RULE_H */

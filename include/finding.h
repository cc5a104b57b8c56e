/* SPDX-License-Identifier: MIT */
/*
 * The one finding type. Every producer -- a refusal in a program's
 * verdict, a lint rule over one object, a rule over the whole analysis
 * set -- builds a pf_finding in the run's collection: its rule, where it
 * is (object, program, function, slot, source position), on which
 * kernels, and the notes that explain it. Positions are resolved when the
 * finding is made, so the filters and renderers (report.h) never see the
 * model.
 *
 * A finding that could not be stored whole (out of memory) marks the
 * collection lost; the driver then ends the run with exit 3, never
 * silently.
 */
#ifndef PF_FINDING_H
#define PF_FINDING_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "rule_ids.h"

struct pf_linkset;

struct pf_finding_note {
	char *message;
	char *file;		/* NULL when unknown */
	unsigned int line, col;
	char *function;
	long insn;		/* slot inside the function, -1 unknown */
	char **kernels;		/* the kernels the note is about; none: all the finding's */
	size_t kernel_cnt;
};

struct pf_finding {
	enum pf_rule_id rule;
	enum pf_severity severity;
	char *message;
	char *object, *program, *function;
	char *file;		/* source file, NULL when unknown (the object is named) */
	unsigned int line, col;	/* 0 when unknown */
	long insn;		/* slot inside the function, -1 unknown */
	char *src_text;		/* the line's text from BTF line info */
	char *src_above;	/* line - 1's text from BTF line info, NULL when none */
	char **kernels;
	size_t kernel_cnt;
	struct pf_finding_note *notes;
	size_t note_cnt;
	bool *lost;		/* the collection's flag: set when a part is not stored */
};

struct pf_findings {
	struct pf_finding *v;
	size_t cnt, cap;
	bool lost;		/* a finding, or part of one, could not be stored */
};

/*
 * Start a finding in @out. The pointer is valid until the next
 * pf_findings__new() on @out (the array may move). NULL when out of
 * memory; every pf_finding__*() below accepts NULL and does nothing.
 */
struct pf_finding *pf_findings__new(struct pf_findings *out, enum pf_rule_id rule,
				    enum pf_severity severity, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
struct pf_finding *pf_findings__vnew(struct pf_findings *out, enum pf_rule_id rule,
				     enum pf_severity severity, const char *fmt, va_list ap);
void pf_findings__free(struct pf_findings *out);
/* Free what one finding holds (the filters drop findings one by one). */
void pf_finding__free(struct pf_finding *f);

/* Located at slot @insn (in its section) of function @func; @prog < 0: none. */
void pf_finding__at(struct pf_finding *f, const struct pf_object *obj,
		    int prog, int func, size_t insn);
/* A note at slot @insn of @func, or with no location when @func < 0. */
void pf_finding__note(struct pf_finding *f, const struct pf_object *obj,
		      int func, size_t insn, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void pf_finding__kernel(struct pf_finding *f, const char *kernel);
/* A note at the finding's own place that goes first (a program's verdict leads). */
void pf_finding__lead_note(struct pf_finding *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * One problem, one finding: the findings from index @from on that are the
 * same rule at the same place (object, program, function, slot) become
 * the first of them, whatever each kernel's numbers. The first one's
 * message stays the headline; where the kernels differ (message or note),
 * each variant becomes a note naming exactly the kernels that print it,
 * so no note states one number for kernels that count differently.
 * Order is kept: the merged finding stands where its first part was.
 */
void pf_findings__merge(struct pf_findings *out, size_t from);

/* The same for a function of a unit of the analysis set (linkset.h). */
void pf_finding__at_link(struct pf_finding *f,
			 const struct pf_linkset *set, int unit, int func, const char *program);
void pf_finding__note_link(struct pf_finding *f,
			   const struct pf_linkset *set, int unit, int func, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* pf_findings__new() + pf_finding__at_link() + pf_finding__kernels(). */
struct pf_finding *pf_findings__new_link(struct pf_findings *out, enum pf_rule_id rule,
					 enum pf_severity severity, const struct pf_linkset *set,
					 int unit, int func, const char *program, uint32_t mask,
					 const char *fmt, ...) __attribute__((format(printf, 9, 10)));
/* The kernels of @mask (bit i: the set's profile i). */
void pf_finding__kernels(struct pf_finding *f,
			 const struct pf_linkset *set, uint32_t mask);

#endif /* PF_FINDING_H */

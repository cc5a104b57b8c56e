/* SPDX-License-Identifier: MIT */
/*
 * The verdict driver: every object of a run, every program on every
 * kernel profile, every check that can refuse in the order the kernel
 * meets them, and every lint rule, into one collection of findings. The
 * one place verdicts are decided; front ends (the CLI, the fuzz target)
 * hand it objects and render what it reports.
 *
 *   pf_driver__init();
 *   for each object: pf_driver__object();	(in command-line order)
 *   pf_driver__finish();			(the set: extensions, prog arrays)
 *   ... d.findings ...
 *   pf_driver__free();
 */
#ifndef PF_DRIVER_H
#define PF_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "dwarf_vars.h"
#include "finding.h"
#include "linkset.h"
#include "model.h"
#include "profile.h"
#include "rule.h"
#include "verdict.h"

struct pf_driver_ops {
	/* An object's programs follow; the handle comes back in program(). */
	void *(*object)(void *ctx, const struct pf_object *obj);
	/*
	 * Program @slot of an object (its place among the programs reported,
	 * in order) with its verdict on each profile. @vs is NULL for an
	 * extension: its verdict needs the whole set, and program() is called
	 * again for the same handle and slot from pf_driver__finish(), with
	 * @again set; otherwise each call's slot is the next one.
	 */
	void (*program)(void *ctx, void *handle, int slot, bool again,
			const struct pf_object *obj, const struct pf_program *prog,
			const struct pf_verdict *vs);
	/* Is @rule to run? NULL: every rule. */
	bool (*rule_enabled)(void *ctx, const struct pf_rule *rule);
};

struct pf_driver {
	/* set by the caller before pf_driver__init() */
	const struct pf_profile *profiles;
	size_t profile_cnt;
	const char *prog;		/* only the program of this name, or NULL */
	unsigned int margin;		/* bytes: "near a limit" */
	const struct pf_rodata *rodata;	/* --rodata values, or NULL */
	struct pf_driver_ops ops;
	void *ctx;

	/* the result */
	struct pf_findings findings;

	/* private */
	struct pf_dwarf_vars vars;	/* of the current object, read at its first refusal */
	bool vars_read;
	struct pf_linkset set;
	int set_err;
	uint8_t rodata_found[64];	/* per --rodata value: an object has the variable */
	struct pf_pending_ext *pending;
	size_t pending_cnt, pending_cap;
};

void pf_driver__init(struct pf_driver *d);
/* One modelled object: 0, or -ENOMEM. */
int pf_driver__object(struct pf_driver *d, const struct pf_object *obj);
/*
 * Once every object is in: --attach / --tail-target, the rules over the
 * set, the extensions' verdicts. 0; -EINVAL (a spec that names nothing)
 * or -EIO (an object that no longer opens) with @err; -ENOMEM.
 */
int pf_driver__finish(struct pf_driver *d, char *const *attach, size_t attach_cnt,
		      char *const *tail, size_t tail_cnt, char *err, size_t errlen);
void pf_driver__free(struct pf_driver *d);

#endif /* PF_DRIVER_H */

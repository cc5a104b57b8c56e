/* SPDX-License-Identifier: MIT */
/*
 * The verdict of one program on one kernel profile: accept, or the first
 * message the verifier prints when it refuses, with where and why.
 */
#ifndef PF_VERDICT_H
#define PF_VERDICT_H

#include "bpf_limits.h"
#include "analysis.h"
#include "model.h"
#include "profile.h"
#include "rule_ids.h"

enum pf_result { PF_ACCEPT, PF_REJECT, PF_UNPREDICTABLE };

/* One frame of the call chain a refusal happened on. */
struct pf_frame {
	int func;		/* function index */
	size_t call_insn;	/* slot of the call into the next frame */
	uint32_t depth;		/* the frame's stack_depth as the verifier records it */
	uint32_t rounded;	/* as check_max_stack_depth counts it (0 if private) */
	bool priv;		/* on a private stack */
	bool calls;		/* call_insn is set: the chain goes on from there */
};

/* What the refusing check adds to its finding (the lookup behind a NULL use, a fix). */
struct pf_verdict_note {
	int func;		/* function index, -1 for none */
	size_t insn;		/* slot inside its section */
	char message[200];
};

#define PF_VERDICT_MAX_NOTES 3

struct pf_verdict {
	enum pf_result result;
	enum pf_rule_id rule;	/* the refusal's rule; PF_RULE_NONE when accepted or unknown */
	char message[256];	/* the verifier's first message, or "cannot predict: ..." */

	/* Where to point the user: function and slot of the culprit. */
	int func;
	size_t insn;

	struct pf_verdict_note notes[PF_VERDICT_MAX_NOTES];
	size_t note_cnt;

	/* The chain from the root to the refusing frame. */
	struct pf_frame chain[PF_MAX_CALL_FRAMES + 1];
	size_t chain_len;
	uint32_t chain_total;	/* sum of rounded frames counted */
	uint32_t max_total;	/* deepest running total the walk reached */
	int32_t tail_room;	/* least room under 256 before a tail-calling subprog (256: none) */

	/* Per function of the program, kernel order: "stack depth" values. */
	uint32_t depths[64];
	size_t depth_cnt;	/* may be < prog->func_cnt if huge */
	bool removed[64];	/* never explored: opt_remove_dead_code() drops it from the line */
	bool depth_known;	/* false when the profile's rounding is unknown */
};

/* Decide @prog on @p; never fails (unknown constructs give PF_UNKNOWN). */
void pf_verdict__program(struct pf_analysis *an, const struct pf_program *prog,
			 const struct pf_profile *p, struct pf_verdict *v);

/* The same, as if function @func touched only @depth bytes below r10. */
void pf_verdict__what_if(struct pf_analysis *an, const struct pf_program *prog,
			 const struct pf_profile *p, int func, uint32_t depth,
			 struct pf_verdict *v);

/* The stack_depth the verifier records for @f on @p (before rounding to frames). */
uint32_t pf_verdict__recorded_depth(const struct pf_function *f,
				    const struct pf_profile *p, bool *known);
/* A frame as check_max_stack_depth counts it on @p. */
uint32_t pf_verdict__round_frame(uint32_t depth, const struct pf_profile *p);

#endif /* PF_VERDICT_H */

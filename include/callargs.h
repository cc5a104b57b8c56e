/* SPDX-License-Identifier: MIT */
/*
 * What an argument register holds at a bpf-to-bpf call, and whether a
 * static callee's BTF prototype agrees with it. The verifier checks every
 * call against the callee's BTF (btf_check_func_arg_match()); for a static
 * callee a mismatch is not an error but marks the callee's BTF unreliable,
 * and an extension may then not replace it ("Cannot replace static
 * functions"). Compilers cause such mismatches by dropping unused
 * arguments or passing pointers as integers.
 */
#ifndef PF_CALLARGS_H
#define PF_CALLARGS_H

#include "model.h"

enum pf_argk {
	PF_ARGK_UNKNOWN,	/* a merge point or a load: anything */
	PF_ARGK_NOT_INIT,	/* never written, or scratched by an earlier call */
	PF_ARGK_SCALAR,
	PF_ARGK_CTX,		/* the program's context pointer */
	PF_ARGK_PTR,		/* the stack, a map, a function */
};

/*
 * The kind of register @reg (1..5) at the call in slot @call of @f, from a
 * walk back through straight-line code; @targets marks jump targets of @f
 * (pf_function__jump_targets(): one byte per slot from f->start), where
 * paths merge and the walk stops.
 */
enum pf_argk pf_callargs__kind(const struct pf_object *obj, const struct pf_function *f,
			       const uint8_t *targets, size_t call, int reg);
/*
 * Set @unreliable[f] for every static function f of @obj that a call
 * passes something its BTF prototype does not say (one pass over all
 * calls); @prog_type[f] is the type of a program f belongs to, or -1.
 * 0 or -ENOMEM.
 */
int pf_callargs__mark(const struct pf_object *obj, const int *prog_type, uint8_t *unreliable);

#endif /* PF_CALLARGS_H */

/* SPDX-License-Identifier: MIT */
/*
 * Per-function stack facts with the verifier's semantics (verifier-facts.md
 * §1): the deepest r10-relative byte each function touches, directly, via
 * derived pointers, spilled pointers, helper and kfunc memory arguments,
 * and through pointers its callees receive into its frame.
 */
#ifndef PF_STACK_H
#define PF_STACK_H

#include <stdint.h>

#include "model.h"

/* How a helper argument touches memory, as in struct bpf_func_proto. */
enum pf_arg_kind {
	PF_ARG_NONE = 0,
	PF_ARG_MAP,		/* const map pointer: sizes come from it */
	PF_ARG_KEY,		/* map key: key_size bytes */
	PF_ARG_VALUE,		/* map value: value_size bytes */
	PF_ARG_MEM,		/* memory, size in the next argument */
	PF_ARG_SIZE,		/* the size of the previous argument */
	PF_ARG_FIXED4,		/* fixed-size output: 4 bytes */
	PF_ARG_FIXED8,		/* 8 bytes */
	PF_ARG_FIXED16,		/* a struct bpf_dynptr */
};

/* What a helper returns, as the verifier types r0 after the call. */
enum pf_ret_kind {
	PF_RET_SCALAR = 0,		/* RET_INTEGER, RET_VOID */
	PF_RET_MAP_VALUE_OR_NULL,	/* bpf_map_lookup_elem() */
	PF_RET_PTR_OR_NULL,		/* ringbuf memory, sockets, ... */
};

/*
 * One helper, in the shape of the kernel's struct bpf_func_proto: the one
 * table of helper facts (helper_protos.c).
 */
struct pf_helper_proto {
	uint8_t arg[5];		/* enum pf_arg_kind for r1..r5 */
	uint8_t ret;		/* enum pf_ret_kind */
	uint8_t writes;		/* bit i: argument i+1 is written (ARG_PTR_TO_UNINIT_MEM) */
	uint8_t cb_arg;		/* 1-based argument that takes a callback, 0 for none */
	uint8_t cb_ctx_arg;	/* 1-based argument the callback receives as its context */
	bool cb_async;		/* the callback runs later, from a frame 0 of its own */
};

/* NULL when the helper takes no memory argument we know of. */
const struct pf_helper_proto *pf_helper__proto(int id);
/* Bytes an argument of fixed size touches (PF_ARG_FIXED*), else 0. */
int pf_arg__fixed_size(enum pf_arg_kind kind);

/*
 * Fill pf_function.stack for every function. Callees first, so that what
 * a callee touches through a pointer argument is charged to the caller
 * that owns the frame.
 */
int pf_stack__analyze(struct pf_object *obj, char *err, size_t errlen);

#endif /* PF_STACK_H */

/* SPDX-License-Identifier: MIT */
/*
 * What fills a stack frame: each byte range a function touches, attributed
 * to a variable (DWARF), a bpf_printk format or bpf_trace_vprintk argument
 * array, a helper or kfunc buffer, memory a callee reaches through a
 * pointer, a register spill, or nothing known.
 */
#ifndef PF_FRAME_H
#define PF_FRAME_H

#include <stdbool.h>
#include <stdint.h>

#include "dwarf_vars.h"
#include "model.h"

enum pf_range_kind {
	PF_RANGE_VAR,		/* a local variable (DWARF) */
	PF_RANGE_PARAM,		/* a parameter kept on the stack (DWARF) */
	PF_RANGE_PRINTK_FMT,	/* bpf_printk's format string on the stack */
	PF_RANGE_VPRINTK_ARGS,	/* bpf_trace_vprintk's u64 argument array */
	PF_RANGE_HELPER_BUF,	/* a helper's memory argument */
	PF_RANGE_KFUNC_BUF,	/* a kfunc's memory argument */
	PF_RANGE_CALLEE,	/* reached by a callee through a pointer */
	PF_RANGE_SPILL,		/* register spill slots */
	PF_RANGE_UNKNOWN,	/* touched, nothing above explains it */
};

struct pf_range {
	enum pf_range_kind kind;
	int32_t off;		/* lowest byte, relative to r10 (negative) */
	uint32_t size;
	const char *name;	/* variable name, helper name, ... */
	const char *type;	/* DWARF type, or NULL */
	int insn;		/* the instruction that makes it (uses), or -1 */
	bool shared;		/* clang shares these bytes with another range */
};

struct pf_frame_map {
	int func;
	uint32_t depth;		/* the verifier's raw depth (stack.c) */
	uint32_t frame_size;	/* clang's frame, to place DW_OP_fbreg offsets */
	bool have_dwarf;
	struct pf_range *ranges;	/* largest first */
	size_t cnt;
};

const char *pf_range__kind_name(enum pf_range_kind kind);

/* Build the map of @func; @vars may be empty (no -g). 0 or -ENOMEM. */
int pf_frame__map(const struct pf_object *obj, const struct pf_dwarf_vars *vars,
		  int func, struct pf_frame_map *out);
void pf_frame__free(struct pf_frame_map *m);
/* The function's depth if range @skip were gone (bytes others cover stay). */
uint32_t pf_frame__depth_without(const struct pf_object *obj, const struct pf_frame_map *m,
				 size_t skip);

/* "t (struct tunnel)", "bpf_printk format string (77 bytes)" */
void pf_frame__describe(const struct pf_range *r, char *buf, size_t len);

#endif /* PF_FRAME_H */

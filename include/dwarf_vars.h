/* SPDX-License-Identifier: MIT */
/* Stack-resident variables and parameters read from DWARF (analyzer/dwarf.c). */
#ifndef PF_DWARF_VARS_H
#define PF_DWARF_VARS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

struct pf_dwarf_var {
	int func;		/* model function the variable belongs to */
	const char *name;	/* "t", or "inlined_fn::b" for inlined copies */
	const char *type;	/* "struct tunnel", "__u8[64]"; NULL if unknown */
	int32_t fbreg;		/* DW_OP_fbreg: bytes above the frame's bottom */
	uint32_t size;
	bool param;
};

struct pf_dwarf_vars {
	struct pf_dwarf_var *vars;	/* names and types owned here (pf_dwarf__free_vars) */
	size_t cnt;
};

/* 0, or -ENOENT without DWARF, -EINVAL when libdwarf cannot read it. */
int pf_dwarf__read_vars(const struct pf_object *obj, struct pf_dwarf_vars *out);
void pf_dwarf__free_vars(struct pf_dwarf_vars *vars);

#endif /* PF_DWARF_VARS_H */

/* SPDX-License-Identifier: MIT */
/*
 * Map values from bpf_map_lookup_elem() (helper 1) and
 * bpf_map_lookup_percpu_elem() (helper 195), followed through one
 * function: registers, stack spills, copies and offsets, whether the
 * pointer was checked against NULL on the path (with the verifier's
 * semantics: a check marks every copy of the same lookup result), and
 * which values are stored back after arithmetic on what was read.
 *
 * The rules map-value-null and map-value-race read the result; the
 * verifier messages and the advice live in the rules.
 */
#ifndef PF_MAPVALUE_H
#define PF_MAPVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Whether a lookup result may be NULL where it is used; ordered, joins take the max. */
enum pf_mv_null {
	PF_MV_NONNULL = 0,	/* checked on every path */
	PF_MV_NULL_OLD,		/* ARRAY, constant key below max_entries: NULL before 6.14 only */
	PF_MV_NULL_UNSURE,	/* ARRAY, key we cannot read: 6.14+ may know it is constant */
	PF_MV_MAYBE_NULL,	/* NULL-able on every kernel */
};

/* A use of a lookup result the verifier refuses while it may be NULL. */
struct pf_mv_null_use {
	size_t insn;		/* slot (in the section) of the dereference or arithmetic */
	size_t lookup_insn;	/* slot of the lookup call */
	int map;		/* map index */
	int reg;		/* register the verifier names in its message */
	bool arith;		/* pointer arithmetic, not a memory access */
	enum pf_mv_null level;
	int64_t key;		/* constant key of the lookup, or -1 when not known */
	int lookup_func;	/* function of the lookup, -1: the same as the use */
};

/* A store of a value computed from a load of the same value bytes. */
struct pf_mv_race {
	size_t store_insn;	/* slot of the store */
	size_t load_insn;	/* slot of the load it was computed from */
	size_t lookup_insn;	/* slot of the lookup call */
	int map;		/* map index */
	int32_t off;		/* byte offset in the value, when !var_off */
	uint8_t size;		/* bytes stored */
	bool var_off;		/* a variable index (val->slot[i]): offset unknown */
};

struct pf_mv_report {
	struct pf_mv_null_use *nulls;	/* in slot order, at most one per lookup */
	size_t null_cnt;
	struct pf_mv_race *races;	/* in slot order, one per store */
	size_t race_cnt;
	bool skipped;		/* too large to analyse (see PF_MV_MAX_LEADERS) */
};

/* Branch targets per function we keep states for: bounds memory on hostile input. */
#define PF_MV_MAX_LEADERS	(1u << 16)

/* True when values of map type @type are one copy per CPU. */
bool pf_mapvalue__percpu(uint32_t type);

/*
 * Analyse function @func of @obj. Returns 0 and fills @out (release with
 * pf_mapvalue__free()), or a negative errno; functions without a lookup
 * give an empty report.
 */
int pf_mapvalue__analyze(const struct pf_object *obj, int func, struct pf_mv_report *out);
void pf_mapvalue__free(struct pf_mv_report *r);

/* Index of the first program whose functions include @func, or -1. */
int pf_mapvalue__program_of(const struct pf_object *obj, int func);

#endif /* PF_MAPVALUE_H */

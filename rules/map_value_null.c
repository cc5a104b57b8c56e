// SPDX-License-Identifier: MIT
/*
 * map-value-null: a bpf_map_lookup_elem() result used before it is checked
 * against NULL. The verifier refuses the program at the first such use
 * with the message predicted here, on every kernel (check_mem_access(),
 * adjust_ptr_min_max_vals()) -- except that from 6.14 a lookup in an ARRAY
 * or PERCPU_ARRAY with a constant key below max_entries is known to be
 * non-NULL (d2102f2f5d75, "bpf: verifier: Support eliding map lookup
 * nullness"). Those lookups get a warning that says which kernels refuse
 * them rather than a guess.
 */
#include <stdio.h>

#include "mapvalue.h"
#include "rule.h"

static const char *map_name(const struct pf_map *m)
{
	return m->name && m->name[0] ? m->name : "?";
}

/* The verifier's own line for this use. */
static void verifier_msg(const struct pf_mv_null_use *u, char *buf, size_t len)
{
	if (u->arith)
		snprintf(buf, len, "R%d pointer arithmetic on map_value_or_null prohibited, "
			 "null-check it first", u->reg);
	else
		snprintf(buf, len, "R%d invalid mem access 'map_value_or_null'", u->reg);
}

static void null_emit(const struct pf_object *obj, const struct pf_rule *rule, int func,
		      int prog, const struct pf_mv_null_use *u, pf_emit_fn emit, void *ctx)
{
	const struct pf_function *f = &obj->funcs[func];
	const struct pf_map *m = &obj->maps[u->map];
	bool percpu_elem = obj->secs[f->sec].insns[u->lookup_insn].imm ==
			   BPF_FUNC_map_lookup_percpu_elem;
	const char *pname = prog >= 0 ? obj->funcs[obj->progs[prog].func].name : NULL;
	char vmsg[160];
	struct pf_diag d;

	verifier_msg(u, vmsg, sizeof(vmsg));
	switch (u->level) {
	case PF_MV_MAYBE_NULL:
		pf_diag__init(&d, rule, prog, func, u->insn, "%s", vmsg);
		if (u->key >= m->max_entries)	/* an ARRAY key past the end */
			pf_diag__note(&d, func, u->lookup_insn,
				      "the constant key %lld is not below max_entries %u of '%s': "
				      "this lookup always returns NULL", (long long)u->key,
				      m->max_entries, map_name(m));
		else
			pf_diag__note(&d, func, u->lookup_insn,
				      "%s(&%s) returns NULL when the key is not in the map, and "
				      "the value is used before any check on this path",
				      percpu_elem ? "bpf_map_lookup_percpu_elem" : "bpf_map_lookup_elem",
				      map_name(m));
		if (prog >= 0)
			pf_diag__note(&d, -1, 0, "program '%s' is refused by every kernel", pname);
		break;
	case PF_MV_NULL_OLD:
		pf_diag__init(&d, rule, prog, func, u->insn,
			      "cannot be sure: kernels before %s refuse this use with \"%s\"; "
			      "%s and later know that array '%s' gives a value for the constant "
			      "key %lld", PF_MV_ELIDE_KERNEL, vmsg, PF_MV_ELIDE_KERNEL, map_name(m),
			      (long long)u->key);
		d.severity = PF_SEV_WARNING;
		pf_diag__note(&d, func, u->lookup_insn,
			      "lookup in '%s' (max_entries %u) with the constant key %lld",
			      map_name(m), m->max_entries, (long long)u->key);
		break;
	default:
		pf_diag__init(&d, rule, prog, func, u->insn,
			      "cannot be sure: \"%s\" on kernels before %s, and on later ones "
			      "unless the verifier knows the key is a constant below "
			      "max_entries %u of array '%s'", vmsg, PF_MV_ELIDE_KERNEL,
			      m->max_entries, map_name(m));
		d.severity = PF_SEV_WARNING;
		pf_diag__note(&d, func, u->lookup_insn, "lookup in '%s' with a key not known here",
			      map_name(m));
		break;
	}
	pf_diag__note(&d, -1, 0, "fix: check the pointer before using it: if (!val) return ...;");
	emit(ctx, obj, &d);
}

static void map_value_null(const struct pf_object *obj, const struct pf_rule *rule,
			   pf_emit_fn emit, void *ctx)
{
	size_t fi, i;

	for (fi = 0; fi < obj->func_cnt; fi++) {
		const struct pf_mv_report *r = pf_mapvalue__get(obj, (int)fi);
		int prog;

		if (!r)
			continue;	/* out of memory: this rule stays silent */
		prog = r->null_cnt ? pf_mapvalue__program_of(obj, (int)fi) : -1;
		for (i = 0; i < r->null_cnt; i++)
			null_emit(obj, rule, (int)fi, prog, &r->nulls[i], emit, ctx);
	}
}

const struct pf_rule pf_rule_map_value_null = {
	.id = "map-value-null", .severity = PF_SEV_ERROR,
	.summary = "a map lookup result used before its NULL check: "
		   "\"R0 invalid mem access 'map_value_or_null'\"",
	.kernels = "all; from 6.14 a constant key below max_entries of an ARRAY is known non-NULL",
	.check = map_value_null,
};

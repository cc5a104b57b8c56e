// SPDX-License-Identifier: MIT
/*
 * map-value-race: a map value read, computed with and written back with
 * plain instructions (val->count++, *val += len) while other CPUs can do
 * the same to the same value. bpf_map_lookup_elem() returns a pointer into
 * the map itself, so on a HASH, ARRAY or LRU_HASH map two CPUs interleave
 * their loads and stores and updates are lost under load. The verifier
 * accepts it; nothing but the counters says so.
 *
 * Not reported: atomic instructions (__sync_fetch_and_add() and friends),
 * per-CPU maps, updates inside a bpf_spin_lock region, plain stores that
 * do not depend on what was read.
 */
#include <ctype.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "mapvalue.h"
#include "rule.h"

/* "BPF_MAP_TYPE_LRU_HASH", as users write it in their map definitions. */
static void type_name(uint32_t type, char *buf, size_t len)
{
	const char *s = libbpf_bpf_map_type_str(type);
	size_t n;

	n = (size_t)snprintf(buf, len, "BPF_MAP_TYPE_");
	for (; s && *s && n + 1 < len; s++)
		buf[n++] = (char)toupper((unsigned char)*s);
	if (!s)
		snprintf(buf + n, len - n, "%u", type);
	else
		buf[n] = '\0';
}

/* The per-CPU twin of a shared map type, for the advice. */
static const char *percpu_twin(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH:
		return "BPF_MAP_TYPE_PERCPU_HASH";
	case BPF_MAP_TYPE_ARRAY:
		return "BPF_MAP_TYPE_PERCPU_ARRAY";
	case BPF_MAP_TYPE_LRU_HASH:
		return "BPF_MAP_TYPE_LRU_PERCPU_HASH";
	default:
		return "a per-CPU map type";
	}
}

static void race_emit(const struct pf_object *obj, const struct pf_rule *rule, int func,
		      int prog, const struct pf_mv_race *r, struct pf_findings *out)
{
	const struct pf_map *m = &obj->maps[r->map];
	const char *name = m->name && m->name[0] ? m->name : "?";
	char type[64], bytes[64];
	struct pf_finding *d;

	type_name(m->type, type, sizeof(type));
	if (r->var_off)
		snprintf(bytes, sizeof(bytes), "the bytes at a variable index");
	else
		snprintf(bytes, sizeof(bytes), "bytes %d-%d", r->off, r->off + r->size - 1);
	d = pf_rule__finding(rule, out, obj, prog, func, r->store_insn,
		      "non-atomic update of a value of map '%s' (%s): %s are read, modified and "
		      "written back while other CPUs may do the same; concurrent updates are lost",
		      name, type, bytes);
	pf_finding__note(d, obj, func, r->load_insn, "the value is read here");
	pf_finding__note(d, obj, func, r->lookup_insn,
		      "bpf_map_lookup_elem() returns a pointer into '%s' itself, shared by all CPUs",
		      name);
	pf_finding__note(d, obj, -1, 0,
		      "fix: an atomic instruction (__sync_fetch_and_add(&val->field, n)), a per-CPU "
		      "map (%s, summed by the reader), or a struct bpf_spin_lock in the value held "
		      "around the update", percpu_twin(m->type));
}

static void map_value_race(struct pf_analysis *an, const struct pf_rule *rule,
			   struct pf_findings *out)
{
	const struct pf_object *obj = an->obj;
	size_t fi, i;

	for (fi = 0; fi < obj->func_cnt; fi++) {
		const struct pf_mv_report *r = pf_analysis__mapvalue(an, (int)fi);
		int prog;

		if (!r)
			continue;	/* out of memory: this rule stays silent */
		prog = r->race_cnt ? pf_mapvalue__program_of(obj, (int)fi) : -1;
		for (i = 0; i < r->race_cnt; i++)
			race_emit(obj, rule, (int)fi, prog, &r->races[i], out);
	}
}

const struct pf_rule_impl pf_rule_impl_map_value_race = {
	.summary = "a non-atomic read-modify-write of a map value shared by all CPUs "
		   "(HASH, ARRAY, LRU_HASH): concurrent updates are lost",
	.kernels = "all: a run-time race the verifier accepts",
	.check = map_value_race,
};

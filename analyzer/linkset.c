// SPDX-License-Identifier: MIT
/*
 * The analysis set (linkset.h): one unit per object, then extensions
 * matched to their targets and prog arrays wired across objects. The
 * verdicts follow the kernel's order of checks: bpf_check_attach_target()
 * and btf_check_func_type_match() for an extension's BTF_PROG_LOAD,
 * bpf_prog_map_compatible() and the prog_array update path for members.
 * What each kernel does differently is a fact of its profile.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "callargs.h"
#include "model.h"
#include "util.h"
#include "linkset.h"
#include "verdict.h"

static int func__find(const struct pf_link_unit *u, const char *name);

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int type__read(const struct btf *btf, uint32_t id, struct pf_link_type *out)
{
	const struct btf_type *t = id ? pf_btf__skip_mods(btf, id) : NULL;
	int kind;

	memset(out, 0, sizeof(*out));
	if (!t)
		return 0;	/* void: info 0 */
	out->info = t->info;
	kind = btf_kind(t);
	out->has_size = kind == BTF_KIND_INT || kind == BTF_KIND_STRUCT ||
			kind == BTF_KIND_UNION || kind == BTF_KIND_ENUM ||
			kind == BTF_KIND_DATASEC || kind == BTF_KIND_FLOAT || kind == BTF_KIND_ENUM64;
	if (out->has_size)
		out->size = t->size;
	out->is_scalar = btf_is_int(t) || btf_is_any_enum(t);
	out->is_ptr = btf_is_ptr(t);
	if (out->is_ptr) {
		const struct btf_type *ref = pf_btf__skip_mods(btf, t->type);

		if (ref && btf_is_composite(ref)) {
			/* a hostile string offset gives NULL */
			const char *name = btf__name_by_offset(btf, ref->name_off);

			out->is_ptr_struct = true;
			out->struct_name = strdup(name ? name : "");
			if (!out->struct_name)
				return -ENOMEM;
		}
	}
	return 0;
}

static int proto__read(const struct pf_object *obj, const struct pf_function *f,
		       struct pf_link_proto *out)
{
	const struct btf_type *fn, *proto;
	const struct btf_param *params;
	int i, err;

	memset(out, 0, sizeof(*out));
	if (!obj->btf || !f->btf_id)
		return 0;
	fn = btf__type_by_id(obj->btf, f->btf_id);
	proto = fn && btf_is_func(fn) ? btf__type_by_id(obj->btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto))
		return 0;
	out->nargs = btf_vlen(proto);
	params = btf_params(proto);
	err = type__read(obj->btf, proto->type, &out->ret);
	for (i = 0; !err && i < out->nargs && i < PF_LINK_MAX_ARGS; i++)
		err = type__read(obj->btf, params[i].type, &out->args[i]);
	out->known = !err;
	return err;
}

/* bpf_helper_changes_pkt_data(): helpers after which packet pointers are stale. */
static bool helper_changes_pkt(int id)
{
	switch (id) {
	case BPF_FUNC_skb_store_bytes:
	case BPF_FUNC_l3_csum_replace:
	case BPF_FUNC_l4_csum_replace:
	case BPF_FUNC_clone_redirect:
	case BPF_FUNC_skb_vlan_push:
	case BPF_FUNC_skb_vlan_pop:
	case BPF_FUNC_skb_change_proto:
	case BPF_FUNC_skb_change_tail:
	case BPF_FUNC_skb_pull_data:
	case BPF_FUNC_xdp_adjust_head:
	case BPF_FUNC_lwt_push_encap:
	case BPF_FUNC_lwt_seg6_store_bytes:
	case BPF_FUNC_lwt_seg6_adjust_srh:
	case BPF_FUNC_lwt_seg6_action:
	case BPF_FUNC_skb_adjust_room:
	case BPF_FUNC_xdp_adjust_meta:
	case BPF_FUNC_skb_change_head:
	case BPF_FUNC_xdp_adjust_tail:
	case BPF_FUNC_msg_pull_data:
	case BPF_FUNC_msg_push_data:
	case BPF_FUNC_msg_pop_data:
	case BPF_FUNC_store_hdr_opt:
		return true;
	default:
		return false;
	}
}

/* Own calls first, then what callees do, to a fixed point (call graphs are shallow). */
static void unit__pkt_effects(struct pf_link_unit *u, const struct pf_object *obj)
{
	size_t i, c, pass;
	bool changed = true;

	for (i = 0; i < obj->func_cnt; i++)
		for (c = 0; c < obj->funcs[i].call_cnt; c++) {
			const struct pf_call *call = &obj->funcs[i].calls[c];

			if (call->kind != PF_CALL_HELPER)
				continue;
			if (call->helper_id == PF_HELPER_TAIL_CALL)
				u->funcs[i].tail_calls = true;
			else if (helper_changes_pkt(call->helper_id))
				u->funcs[i].changes_pkt = true;
		}
	for (pass = 0; changed && pass <= PF_MAX_CALL_DEPTH; pass++) {
		changed = false;
		for (i = 0; i < obj->func_cnt; i++)
			for (c = 0; c < obj->funcs[i].call_cnt; c++) {
				const struct pf_call *call = &obj->funcs[i].calls[c];
				struct pf_link_func *to = &u->funcs[i], *from;

				if (call->kind != PF_CALL_SUBPROG || call->target < 0)
					continue;
				from = &u->funcs[call->target];
				if ((from->changes_pkt && !to->changes_pkt) ||
				    (from->tail_calls && !to->tail_calls)) {
					to->changes_pkt |= from->changes_pkt;
					to->tail_calls |= from->tail_calls;
					changed = true;
				}
			}
	}
}

/* Scratch for unit__callers(), sized for the object once. */
struct callers_scratch {
	int *post;
	struct dfs { int func; size_t next; } *st;
	uint8_t *seen;
	uint32_t *best;
};

static int scratch__init(struct callers_scratch *s, size_t func_cnt)
{
	s->post = calloc(func_cnt + 1, sizeof(*s->post));
	s->st = calloc(func_cnt + 1, sizeof(*s->st));
	s->seen = calloc(func_cnt + 1, 1);
	s->best = calloc(func_cnt + 1, sizeof(*s->best));
	return s->post && s->st && s->seen && s->best ? 0 : -ENOMEM;
}

static void scratch__free(struct callers_scratch *s)
{
	free(s->post);
	free(s->st);
	free(s->seen);
	free(s->best);
}

/*
 * Deepest caller chain above each function of @prog on every profile:
 * longest paths in the call DAG, relaxed in reverse postorder (linear in
 * what the program reaches).
 */
static void unit__callers(struct pf_link_unit *u, const struct pf_object *obj,
			  const struct pf_program *prog, const struct pf_profile *profiles,
			  size_t profile_cnt, struct callers_scratch *s)
{
	size_t i, k, c, top = 0, post_cnt = 0;

	s->st[top++] = (struct dfs){ prog->func, 0 };
	s->seen[prog->func] = 1;
	while (top) {
		struct dfs *d = &s->st[top - 1];
		const struct pf_function *f = &obj->funcs[d->func];

		if (d->next < f->call_cnt) {
			const struct pf_call *call = &f->calls[d->next++];

			if (call->kind == PF_CALL_SUBPROG && call->target >= 0 &&
			    !s->seen[call->target] && top < obj->func_cnt) {
				s->seen[call->target] = 1;
				s->st[top++] = (struct dfs){ call->target, 0 };
			}
			continue;
		}
		s->post[post_cnt++] = d->func;
		top--;
	}
	for (k = 0; k < profile_cnt; k++) {
		for (i = 0; i < post_cnt; i++)
			s->best[s->post[i]] = 0;
		for (i = post_cnt; i-- > 0;) {
			const struct pf_function *f = &obj->funcs[s->post[i]];
			uint32_t here = s->best[s->post[i]];
			bool known;
			uint32_t frame = pf_verdict__round_frame(
				pf_verdict__recorded_depth(f, &profiles[k], &known), &profiles[k]);

			for (c = 0; c < f->call_cnt; c++) {
				const struct pf_call *call = &f->calls[c];

				if (call->kind == PF_CALL_SUBPROG && call->target >= 0 &&
				    s->best[call->target] < here + frame)
					s->best[call->target] = here + frame;
			}
		}
		for (i = 0; i < post_cnt; i++)
			if (u->funcs[s->post[i]].callers[k] < s->best[s->post[i]])
				u->funcs[s->post[i]].callers[k] = s->best[s->post[i]];
	}
	for (i = 0; i < post_cnt; i++)
		s->seen[s->post[i]] = 0;
}

/*
 * Is a program's main function's BTF at odds with how the verifier enters
 * it (r1 = context)? Measured (tests/lib/freplace-records.md): a tracing
 * main with arguments always is; `int f(void)` is not on 6.1 and is on
 * 6.12. Other mains: a context pointer or nothing agrees.
 */
static void main__reliability(struct pf_link_func *lf, const struct pf_link_prog *lp,
			      const struct pf_profile *profiles, size_t profile_cnt)
{
	size_t k;

	for (k = 0; k < profile_cnt; k++) {
		int8_t v;

		if (!lf->proto.known)
			v = 0;
		else if (lp->prog_type == BPF_PROG_TYPE_TRACING && lp->type_known)
			v = lf->proto.nargs ? 1 :
			    (int8_t)pf_profile__has(&profiles[k], PF_FACT_TRACING_MAIN_UNRELIABLE);
		else
			v = lf->proto.nargs > 1 ||
			    (lf->proto.nargs == 1 && !lf->proto.args[0].is_ptr_struct);
		lf->unreliable[k] = v;
	}
}

static int unit__progs(struct pf_link_unit *u, struct pf_analysis *an,
		       const struct pf_profile *profiles, size_t profile_cnt)
{
	const struct pf_object *obj = an->obj;
	struct callers_scratch s = { 0 };
	size_t p, i, c, k;
	int err = -ENOMEM;

	u->progs = calloc(obj->prog_cnt + 1, sizeof(*u->progs));
	if (!u->progs || scratch__init(&s, obj->func_cnt))
		goto out;
	u->prog_cnt = obj->prog_cnt;
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *op = &obj->progs[p];
		struct pf_link_prog *lp = &u->progs[p];
		size_t cap = 0;

		lp->func = op->func;
		lp->sec_name = strdup(op->sec_name);
		if (!lp->sec_name)
			goto out;
		lp->type_known = op->type_known;
		lp->prog_type = op->prog_type;
		lp->attach_type = op->attach_type;
		lp->ext = op->type_known && op->prog_type == BPF_PROG_TYPE_EXT;
		lp->fentry_fexit = op->type_known && op->prog_type == BPF_PROG_TYPE_TRACING &&
				   (op->attach_type == BPF_TRACE_FENTRY ||
				    op->attach_type == BPF_TRACE_FEXIT);
		lp->has_btf = obj->btf && obj->funcs[op->func].has_func_info;
		lp->tgt_unit = lp->tgt_func = lp->tgt_prog = -1;
		if (lp->ext && strchr(lp->sec_name, '/'))
			lp->ext_target = strchr(lp->sec_name, '/') + 1;
		u->funcs[op->func].is_main = true;
		main__reliability(&u->funcs[op->func], lp, profiles, profile_cnt);
		for (k = 0; k < profile_cnt; k++) {
			struct pf_verdict v;

			if (!lp->ext)
				break;
			pf_verdict__program(an, op, &profiles[k], &v);
			lp->max_total[k] = v.max_total;
		}
		for (i = 0; i < op->func_cnt; i++) {
			const struct pf_function *f = &obj->funcs[op->funcs[i]];

			if (u->funcs[op->funcs[i]].prog < 0)
				u->funcs[op->funcs[i]].prog = (int)p;
			for (c = 0; c < f->call_cnt; c++) {
				const struct pf_call *call = &f->calls[c];
				size_t m;

				if (call->kind != PF_CALL_HELPER ||
				    call->helper_id != PF_HELPER_TAIL_CALL || call->map < 0)
					continue;
				for (m = 0; m < lp->tail_map_cnt; m++)
					if (lp->tail_maps[m] == call->map)
						break;
				if (m < lp->tail_map_cnt)
					continue;
				if (pf_grow((void **)&lp->tail_maps, &cap, lp->tail_map_cnt + 1,
					    sizeof(int)))
					goto out;
				lp->tail_maps[lp->tail_map_cnt++] = call->map;
			}
		}
		unit__callers(u, obj, op, profiles, profile_cnt, &s);
	}
	err = 0;
out:
	scratch__free(&s);
	return err;
}

static int unit__maps(struct pf_link_unit *u, const struct pf_object *obj)
{
	size_t i, s, p;

	u->maps = calloc(obj->map_cnt + 1, sizeof(*u->maps));
	if (!u->maps)
		return -ENOMEM;
	u->map_cnt = obj->map_cnt;
	for (i = 0; i < obj->map_cnt; i++) {
		const struct pf_map *m = &obj->maps[i];
		struct pf_link_map *lm = &u->maps[i];

		lm->name = strdup(m->name ? m->name : "");
		if (!lm->name)
			return -ENOMEM;
		lm->prog_array = m->type == BPF_MAP_TYPE_PROG_ARRAY;
		lm->member_cap = m->slot_cnt + 1;
		lm->members = calloc(lm->member_cap, sizeof(*lm->members));
		if (!lm->members)
			return -ENOMEM;
		for (s = 0; s < m->slot_cnt; s++) {
			if (m->slots[s] < 0)
				continue;
			for (p = 0; p < obj->prog_cnt; p++)
				if (obj->progs[p].func == m->slots[s])
					break;
			if (p == obj->prog_cnt)
				continue;
			lm->members[lm->member_cnt++] = (struct pf_link_member){
				.idx = (uint32_t)s, .unit = -1, .prog = (int)p,
			};
		}
	}
	return 0;
}

static int unit__funcs(struct pf_link_unit *u, const struct pf_object *obj)
{
	size_t i;

	u->funcs = calloc(obj->func_cnt + 1, sizeof(*u->funcs));
	if (!u->funcs)
		return -ENOMEM;
	u->func_cnt = obj->func_cnt;
	for (i = 0; i < obj->func_cnt; i++) {
		const struct pf_function *f = &obj->funcs[i];
		struct pf_link_func *lf = &u->funcs[i];
		const struct pf_line *l = pf_object__line(obj, f->sec, f->start);

		lf->name = strdup(f->name);
		if (!lf->name || proto__read(obj, f, &lf->proto))
			return -ENOMEM;
		lf->global = f->global;
		lf->in_btf = obj->btf && f->btf_id;
		lf->prog = -1;
		if (l && l->file) {
			lf->file = strdup(l->file);
			lf->src = dup_or_null(l->text);
			lf->line = l->line;
			lf->col = l->col;
		}
	}
	return 0;
}

/*
 * Static callees, from their call sites, with the context type of the
 * program they belong to (the kernels measured agree on these).
 */
static int unit__static_reliability(struct pf_link_unit *u, const struct pf_object *obj,
				    size_t profile_cnt)
{
	int *types = calloc(obj->func_cnt + 1, sizeof(int));
	uint8_t *bad = calloc(obj->func_cnt + 1, 1);
	size_t i, k;
	int err = -ENOMEM;

	if (!types || !bad)
		goto out;
	for (i = 0; i < obj->func_cnt; i++) {
		const struct pf_link_func *lf = &u->funcs[i];

		types[i] = lf->prog >= 0 && u->progs[lf->prog].type_known ?
			   u->progs[lf->prog].prog_type : -1;
	}
	err = pf_callargs__mark(obj, types, bad);
	for (i = 0; !err && i < obj->func_cnt; i++) {
		if (u->funcs[i].global || u->funcs[i].is_main)
			continue;
		for (k = 0; k < profile_cnt; k++)
			u->funcs[i].unreliable[k] = (int8_t)bad[i];
	}
out:
	free(types);
	free(bad);
	return err;
}

/*
 * Exception callbacks: a program's main carries the BTF decl tag
 * "exception_callback:NAME" (what __exception_cb() writes, 6.7+).
 */
static void unit__exception_cbs(struct pf_link_unit *u, const struct pf_object *obj)
{
	static const char tag[] = "exception_callback:";
	uint32_t id, n;
	size_t p;

	if (!obj->btf)
		return;
	n = btf__type_cnt(obj->btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(obj->btf, id);
		const char *name;
		int f;

		if (!t || !btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1)
			continue;
		name = btf__name_by_offset(obj->btf, t->name_off);
		if (!name || strncmp(name, tag, sizeof(tag) - 1))
			continue;
		for (p = 0; p < obj->prog_cnt; p++)
			if (obj->funcs[obj->progs[p].func].btf_id == (int)t->type)
				break;
		f = p < obj->prog_cnt ? func__find(u, name + sizeof(tag) - 1) : -1;
		if (f >= 0)
			u->funcs[f].exception_cb = true;
	}
}

void pf_linkset__init(struct pf_linkset *set, const struct pf_profile *profiles, size_t cnt)
{
	memset(set, 0, sizeof(*set));
	set->profiles = profiles;
	set->profile_cnt = cnt < PF_LINK_MAX_PROFILES ? cnt : PF_LINK_MAX_PROFILES;
}

int pf_linkset__add(struct pf_linkset *set, struct pf_analysis *an)
{
	const struct pf_object *obj = an->obj;
	struct pf_link_unit *u;
	size_t pc = set->profile_cnt;
	int err;

	if (pf_grow((void **)&set->units, &set->unit_cap, set->unit_cnt + 1,
		    sizeof(*set->units)))
		return -ENOMEM;
	u = &set->units[set->unit_cnt++];
	memset(u, 0, sizeof(*u));
	u->path = strdup(obj->path);
	if (!u->path)
		return -ENOMEM;
	err = unit__funcs(u, obj);
	if (!err)
		err = unit__progs(u, an, set->profiles, pc);
	if (!err)
		err = unit__maps(u, obj);
	if (!err)
		err = unit__static_reliability(u, obj, pc);
	if (err)
		return err;
	unit__pkt_effects(u, obj);
	unit__exception_cbs(u, obj);
	return 0;
}

bool pf_linkset__path_is(const char *path, const char *obj, size_t len)
{
	size_t pl = strlen(path);

	if (pl == len && !strncmp(path, obj, len))
		return true;
	return pl > len && path[pl - len - 1] == '/' && !strncmp(path + pl - len, obj, len);
}

/* The unit an object spec names: its index, -1 none, -2 more than one. */
static int unit__find(const struct pf_linkset *set, const char *obj, size_t len)
{
	int found = -1;
	size_t i;

	for (i = 0; i < set->unit_cnt; i++) {
		if (!pf_linkset__path_is(set->units[i].path, obj, len))
			continue;
		if (found >= 0)
			return -2;
		found = (int)i;
	}
	return found;
}

static int prog__find(const struct pf_link_unit *u, const char *name)
{
	size_t p;

	for (p = 0; p < u->prog_cnt; p++)
		if (!strcmp(u->funcs[u->progs[p].func].name, name))
			return (int)p;
	return -1;
}

static int func__find(const struct pf_link_unit *u, const char *name)
{
	size_t f;

	for (f = 0; f < u->func_cnt; f++)
		if (!strcmp(u->funcs[f].name, name))
			return (int)f;
	return -1;
}

/* "OBJ:NAME" -> unit and the name after the last ':'; -EINVAL with @err. */
static int spec__split(const struct pf_linkset *set, const char *spec, size_t len,
		       int *unit, char *name, size_t name_len, char *err, size_t errlen)
{
	const char *colon = memrchr(spec, ':', len);

	if (!colon || colon == spec || (size_t)(spec + len - colon - 1) >= name_len ||
	    colon + 1 == spec + len) {
		snprintf(err, errlen, "'%.*s': want OBJECT:NAME", (int)len, spec);
		return -EINVAL;
	}
	*unit = unit__find(set, spec, (size_t)(colon - spec));
	if (*unit < 0) {
		snprintf(err, errlen, "'%.*s': %s object among the operands", (int)len, spec,
			 *unit == -2 ? "more than one such" : "no such");
		return -EINVAL;
	}
	snprintf(name, name_len, "%.*s", (int)(spec + len - colon - 1), colon + 1);
	return 0;
}

static void ext__target(const struct pf_linkset *set, struct pf_link_prog *lp, int tu, int tf)
{
	lp->tgt_unit = tu;
	lp->tgt_func = tf;
	lp->tgt_prog = set->units[tu].funcs[tf].prog;
}

static int resolve__attach(struct pf_linkset *set, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	char name[256], tname[256];
	int eu, tu, ep, tf;

	if (!eq) {
		snprintf(err, errlen, "--attach '%s': want EXT_OBJ:PROG=TARGET_OBJ:FUNC", spec);
		return -EINVAL;
	}
	if (spec__split(set, spec, (size_t)(eq - spec), &eu, name, sizeof(name), err, errlen) ||
	    spec__split(set, eq + 1, strlen(eq + 1), &tu, tname, sizeof(tname), err, errlen))
		return -EINVAL;
	ep = prog__find(&set->units[eu], name);
	if (ep < 0 || !set->units[eu].progs[ep].ext) {
		snprintf(err, errlen, "--attach '%s': %s in %s is not a freplace program", spec,
			 name, set->units[eu].path);
		return -EINVAL;
	}
	tf = func__find(&set->units[tu], tname);
	if (tf < 0) {
		snprintf(err, errlen, "--attach '%s': no function %s in %s", spec, tname,
			 set->units[tu].path);
		return -EINVAL;
	}
	ext__target(set, &set->units[eu].progs[ep], tu, tf);
	set->units[eu].progs[ep].tgt_declared = true;
	set->units[eu].progs[ep].tgt_cnt = 1;
	return 0;
}

/* SEC("freplace/NAME") without --attach: the one function of that name. */
static void resolve__by_name(struct pf_linkset *set)
{
	size_t u, p, v;

	for (u = 0; u < set->unit_cnt; u++)
		for (p = 0; p < set->units[u].prog_cnt; p++) {
			struct pf_link_prog *lp = &set->units[u].progs[p];

			if (!lp->ext || lp->tgt_declared || !lp->ext_target)
				continue;
			for (v = 0; v < set->unit_cnt; v++) {
				int f = func__find(&set->units[v], lp->ext_target);

				if (f < 0)
					continue;
				if (!lp->tgt_cnt++)
					ext__target(set, lp, (int)v, f);
			}
			if (lp->tgt_cnt > 1)
				lp->tgt_unit = lp->tgt_func = lp->tgt_prog = -1;
		}
}

static int resolve__tail(struct pf_linkset *set, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '='), *lb = strchr(spec, '['), *colon;
	struct pf_link_map *lm = NULL;
	char name[256], *end;
	unsigned long idx;
	int mu = -1, pu, pp;
	size_t u, m;

	if (!eq || !lb || lb > eq || lb == spec) {
		snprintf(err, errlen, "--tail-target '%s': want [OBJ:]MAP[IDX]=OBJ:PROG", spec);
		return -EINVAL;
	}
	idx = strtoul(lb + 1, &end, 10);
	if (end == lb + 1 || *end != ']' || end + 1 != eq || idx > UINT32_MAX) {
		snprintf(err, errlen, "--tail-target '%s': want [OBJ:]MAP[IDX]=OBJ:PROG", spec);
		return -EINVAL;
	}
	colon = memrchr(spec, ':', (size_t)(lb - spec));
	if (colon) {
		mu = unit__find(set, spec, (size_t)(colon - spec));
		if (mu < 0) {
			snprintf(err, errlen, "--tail-target '%s': %s object among the operands",
				 spec, mu == -2 ? "more than one such" : "no such");
			return -EINVAL;
		}
	}
	snprintf(name, sizeof(name), "%.*s", (int)(lb - (colon ? colon + 1 : spec)),
		 colon ? colon + 1 : spec);
	for (u = 0; u < set->unit_cnt; u++) {
		if (mu >= 0 && (int)u != mu)
			continue;
		for (m = 0; m < set->units[u].map_cnt; m++) {
			if (!set->units[u].maps[m].prog_array ||
			    strcmp(set->units[u].maps[m].name, name))
				continue;
			if (lm) {
				snprintf(err, errlen, "--tail-target '%s': %s is in more than one "
					 "object; write OBJ:%s", spec, name, name);
				return -EINVAL;
			}
			lm = &set->units[u].maps[m];
		}
	}
	if (!lm) {
		snprintf(err, errlen, "--tail-target '%s': no prog array %s", spec, name);
		return -EINVAL;
	}
	if (spec__split(set, eq + 1, strlen(eq + 1), &pu, name, sizeof(name), err, errlen))
		return -EINVAL;
	pp = prog__find(&set->units[pu], name);
	if (pp < 0) {
		snprintf(err, errlen, "--tail-target '%s': no program %s in %s", spec, name,
			 set->units[pu].path);
		return -EINVAL;
	}
	if (pf_grow((void **)&lm->members, &lm->member_cap, lm->member_cnt + 1,
		    sizeof(*lm->members)))
		return -ENOMEM;
	lm->members[lm->member_cnt++] = (struct pf_link_member){
		.idx = (uint32_t)idx, .unit = pu, .prog = pp, .declared = true,
	};
	return 0;
}

int pf_linkset__resolve(struct pf_linkset *set, char *const *attach, size_t attach_cnt,
			char *const *tail, size_t tail_cnt, char *err, size_t errlen)
{
	size_t i, u, m, k;

	/* static initialisers name programs of their own object */
	for (u = 0; u < set->unit_cnt; u++)
		for (m = 0; m < set->units[u].map_cnt; m++)
			for (k = 0; k < set->units[u].maps[m].member_cnt; k++)
				if (set->units[u].maps[m].members[k].unit < 0)
					set->units[u].maps[m].members[k].unit = (int)u;
	for (i = 0; i < attach_cnt; i++)
		if (resolve__attach(set, attach[i], err, errlen))
			return -EINVAL;
	resolve__by_name(set);
	for (i = 0; i < tail_cnt; i++)
		if (resolve__tail(set, tail[i], err, errlen))
			return -EINVAL;
	return 0;
}

/* ---- verdicts ----------------------------------------------------------- */

static const char *const btf_kind_names[] = {
	"UNKNOWN", "INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF",
	"VOLATILE", "CONST", "RESTRICT", "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT",
	"DECL_TAG", "TYPE_TAG", "ENUM64",
};

static const char *kind_str(uint32_t info)
{
	uint32_t k = (info >> 24) & 0x1f;

	return k < sizeof(btf_kind_names) / sizeof(btf_kind_names[0]) ? btf_kind_names[k]
									: "UNKNOWN";
}

/*
 * A refusal the kernel's source shows but no kernel here was seen to print
 * (no loader can build the case): say it is refused, not with which words.
 */
static int unconfirmed(char *msg, size_t len, const char *what)
{
	snprintf(msg, len, "cannot predict: refused (%s), but the message is not confirmed on a "
		 "kernel", what);
	return PF_UNPREDICTABLE;
}

/* btf_check_func_type_match(): fn1 is the extension, fn2 the target. */
static int proto__check(const struct pf_link_func *f1, const struct pf_link_func *f2,
			    char *msg, size_t len)
{
	const struct pf_link_proto *p1 = &f1->proto, *p2 = &f2->proto;
	int i;

	if (!f1->global) {
		snprintf(msg, len, "%s() is not a global function", f1->name);
		return PF_REJECT;
	}
	if (!f2->global) {
		snprintf(msg, len, "%s() is not a global function", f2->name);
		return PF_REJECT;
	}
	if (p1->nargs != p2->nargs) {
		snprintf(msg, len, "%s() has %d args while %s() has %d args", f1->name, p1->nargs,
			 f2->name, p2->nargs);
		return PF_REJECT;
	}
	if (p1->ret.info != p2->ret.info && (!p1->ret.info || !p2->ret.info))
		return unconfirmed(msg, len, "a void return against a typed one");
	if (p1->ret.info != p2->ret.info) {
		snprintf(msg, len, "Return type %s of %s() doesn't match type %s of %s()",
			 kind_str(p1->ret.info), f1->name, kind_str(p2->ret.info), f2->name);
		return PF_REJECT;
	}
	for (i = 0; i < p1->nargs && i < PF_LINK_MAX_ARGS; i++) {
		const struct pf_link_type *a1 = &p1->args[i], *a2 = &p2->args[i];

		if (a1->info != a2->info && (!a1->info || !a2->info))
			return unconfirmed(msg, len, "an argument of unknown kind");
		if (a1->info != a2->info) {
			snprintf(msg, len, "arg%d in %s() is %s while %s() has %s", i, f1->name,
				 kind_str(a1->info), f2->name, kind_str(a2->info));
			return PF_REJECT;
		}
		if (a1->has_size && a1->size != a2->size) {
			snprintf(msg, len, "arg%d in %s() has size %u while %s() has %u", i,
				 f1->name, a1->size, f2->name, a2->size);
			return PF_REJECT;
		}
		if (a1->is_scalar)
			continue;
		if (!a1->is_ptr)
			return unconfirmed(msg, len, "an argument neither scalar nor pointer");
		if (!a1->is_ptr_struct || !a2->is_ptr_struct)
			return unconfirmed(msg, len, "a pointer argument not to a context struct");
		if (strcmp(a1->struct_name, a2->struct_name)) {
			snprintf(msg, len, "arg%d %s(struct %s *) doesn't match %s(struct %s *)", i,
				 f1->name, a1->struct_name, f2->name, a2->struct_name);
			return PF_REJECT;
		}
	}
	return PF_ACCEPT;
}

static size_t profile__index(const struct pf_linkset *set, const struct pf_profile *p)
{
	size_t k = (size_t)(p - set->profiles);

	return k < set->profile_cnt && k < PF_LINK_MAX_PROFILES ? k : 0;
}

int pf_linkset__attach(const struct pf_linkset *set, size_t u, size_t prog,
		       const struct pf_profile *p, char *msg, size_t len)
{
	const struct pf_link_unit *eu = &set->units[u], *tu;
	const struct pf_link_prog *lp = &eu->progs[prog], *tp;
	const struct pf_link_func *ef = &eu->funcs[lp->func], *tf;
	size_t k = profile__index(set, p);
	enum pf_tristate pkt;

	msg[0] = '\0';
	if (!lp->ext)
		return PF_ACCEPT;
	if (lp->tgt_unit < 0) {
		snprintf(msg, len, lp->tgt_cnt > 1 ?
			 "cannot predict: %s() is in more than one object; say which with --attach" :
			 "cannot predict: no %s() among the objects given", lp->ext_target ?
			 lp->ext_target : "target");
		return PF_UNPREDICTABLE;
	}
	tu = &set->units[lp->tgt_unit];
	tf = &tu->funcs[lp->tgt_func];
	if (!tf->in_btf) {
		snprintf(msg, len, "cannot predict: %s() has no BTF in %s, so libbpf cannot "
			 "find it", tf->name, tu->path);
		return PF_UNPREDICTABLE;
	}
	if (lp->tgt_prog < 0) {
		/* no program calls it: it is not among the target's func_info */
		snprintf(msg, len, "Subprog %s doesn't exist", tf->name);
		return PF_REJECT;
	}
	tp = &tu->progs[lp->tgt_prog];
	if (tf->exception_cb) {
		enum pf_tristate exc = pf_profile__has(p, PF_FACT_EXCEPTION_CB);

		if (exc == PF_UNKNOWN) {
			snprintf(msg, len, "cannot predict: whether this kernel has exception "
				 "callbacks is not known");
			return PF_UNPREDICTABLE;
		}
		if (exc == PF_YES) {
			snprintf(msg, len, "Extension programs cannot attach to exception callback");
			return PF_REJECT;
		}
	}
	if (tf->unreliable[k] < 0) {
		snprintf(msg, len, "cannot predict: whether %s() has reliable BTF on this kernel "
			 "is not known", tf->name);
		return PF_UNPREDICTABLE;
	}
	if (tf->unreliable[k]) {
		snprintf(msg, len, "Cannot replace static functions");
		return PF_REJECT;
	}
	if (!p->jit)
		return unconfirmed(msg, len, "extensions need the JIT");
	pkt = pf_profile__has(p, PF_FACT_EXT_PKT_DATA);
	if ((ef->changes_pkt || ef->tail_calls) && !(tf->changes_pkt || tf->tail_calls)) {
		if (pkt == PF_UNKNOWN) {
			snprintf(msg, len, "cannot predict: whether this kernel checks that "
				 "extensions keep packet data is not known");
			return PF_UNPREDICTABLE;
		}
		if (pkt == PF_YES) {
			snprintf(msg, len, "Extension program changes packet data, while "
				 "original does not");
			return PF_REJECT;
		}
	}
	if (tp->ext) {
		snprintf(msg, len, "Cannot recursively attach");
		return PF_REJECT;
	}
	if (tp->fentry_fexit) {
		snprintf(msg, len, "Cannot extend fentry/fexit");
		return PF_REJECT;
	}
	if (!lp->has_btf)
		return unconfirmed(msg, len, "an extension without BTF");
	if (!ef->proto.known || !tf->proto.known) {
		snprintf(msg, len, "cannot predict: a BTF prototype could not be read");
		return PF_UNPREDICTABLE;
	}
	return proto__check(ef, tf, msg, len);
}

/* Is program @prog of unit @u replaced in part by an extension of the set? */
static const struct pf_link_prog *extended_by(const struct pf_linkset *set, int u, int prog,
					      int *ext_unit)
{
	size_t v, p;

	for (v = 0; v < set->unit_cnt; v++)
		for (p = 0; p < set->units[v].prog_cnt; p++) {
			const struct pf_link_prog *lp = &set->units[v].progs[p];

			if (lp->ext && lp->tgt_unit == u && lp->tgt_prog == prog) {
				*ext_unit = (int)v;
				return lp;
			}
		}
	return NULL;
}

/* The type bpf_prog_map_compatible() compares: EXT resolved to its target's where the kernel does. */
static int resolved_type(const struct pf_linkset *set, const struct pf_link_prog *lp,
			 const struct pf_profile *p)
{
	enum pf_tristate r;

	if (!lp->type_known)
		return -1;
	if (!lp->ext)
		return lp->prog_type;
	r = pf_profile__has(p, PF_FACT_PROG_ARRAY_RESOLVE_EXT);
	if (r == PF_NO)
		return BPF_PROG_TYPE_EXT;
	if (r == PF_UNKNOWN || lp->tgt_unit < 0 || lp->tgt_prog < 0)
		return -1;
	return set->units[lp->tgt_unit].progs[lp->tgt_prog].prog_type;
}

/* An EXT program is loaded with expected_attach_type 0 (measured: it owns arrays as 0). */
static int compat_attach_type(const struct pf_link_prog *lp)
{
	return lp->ext ? 0 : lp->attach_type;
}

/* The owner: the first program of the map's object that tail-calls through it, else the first member. */
static const struct pf_link_prog *owner_of(const struct pf_linkset *set, size_t u, size_t map,
					   int *ou, int *op)
{
	const struct pf_link_unit *lu = &set->units[u];
	const struct pf_link_map *lm = &lu->maps[map];
	size_t p, t;

	for (p = 0; p < lu->prog_cnt; p++)
		for (t = 0; t < lu->progs[p].tail_map_cnt; t++)
			if (lu->progs[p].tail_maps[t] == (int)map) {
				*ou = (int)u;
				*op = (int)p;
				return &lu->progs[p];
			}
	if (!lm->member_cnt)
		return NULL;
	*ou = lm->members[0].unit;
	*op = lm->members[0].prog;
	return &set->units[*ou].progs[*op];
}

int pf_linkset__owner_type(const struct pf_linkset *set, size_t u, size_t map,
			   const struct pf_profile *p, int *owner_prog)
{
	const struct pf_link_prog *o;
	int ou, op;

	o = owner_of(set, u, map, &ou, &op);
	*owner_prog = o ? op : -1;
	return o ? resolved_type(set, o, p) : -1;
}

static const char *type_name(int t)
{
	const char *s = libbpf_bpf_prog_type_str((enum bpf_prog_type)t);

	return s ? s : "unknown";
}

int pf_linkset__member(const struct pf_linkset *set, size_t u, size_t map,
		       const struct pf_link_member *m, const struct pf_profile *p,
		       char *why, size_t len)
{
	const struct pf_link_prog *x = &set->units[m->unit].progs[m->prog], *o, *e;
	const char *xname = set->units[m->unit].funcs[x->func].name;
	enum pf_tristate ban = pf_profile__has(p, PF_FACT_EXT_PROG_ARRAY_BAN), at;
	int ou, op, eu, ot, xt;

	why[0] = '\0';
	if (x->ext && ban != PF_NO) {
		if (ban == PF_UNKNOWN)
			return 1;
		snprintf(why, len, "%s is an extension (BPF_PROG_TYPE_EXT), which this kernel "
			 "refuses as a tail-call target", xname);
		return -EINVAL;
	}
	e = extended_by(set, m->unit, m->prog, &eu);
	if (e && ban != PF_NO) {
		if (ban == PF_UNKNOWN)
			return 1;
		snprintf(why, len, "%s is extended by %s (%s): a program with an attached "
			 "extension cannot be a tail-call target, nor can one attach to a member",
			 xname, set->units[eu].funcs[e->func].name, set->units[eu].path);
		return -EBUSY;
	}
	o = owner_of(set, u, map, &ou, &op);
	if (!o || (ou == m->unit && op == m->prog))
		return 0;
	ot = resolved_type(set, o, p);
	xt = resolved_type(set, x, p);
	if (ot < 0 || xt < 0)
		return 1;
	if (ot != xt) {
		snprintf(why, len, "%s is %s while the array's owner %s is %s%s", xname,
			 type_name(xt), set->units[ou].funcs[o->func].name, type_name(ot),
			 o->ext ? " (an extension counts as its target's type)" : "");
		return -EINVAL;
	}
	at = pf_profile__has(p, PF_FACT_PROG_ARRAY_ATTACH_TYPE);
	if (compat_attach_type(x) != compat_attach_type(o) && at != PF_NO) {
		if (at == PF_UNKNOWN)
			return 1;
		snprintf(why, len, "%s has expected_attach_type %d while the array's owner %s has "
			 "%d%s", xname, compat_attach_type(x), set->units[ou].funcs[o->func].name,
			 compat_attach_type(o),
			 o->ext ? " (an extension owns it with 0)" : "");
		return -EINVAL;
	}
	return 0;
}

/* ---- diagnostics and teardown ------------------------------------------ */

void pf_outcome__group(const struct pf_outcome *o, size_t n,
		       void (*fn)(void *arg, const struct pf_outcome *o, uint32_t mask),
		       void *arg)
{
	uint32_t done = 0, mask;
	size_t i, j;

	for (i = 0; i < n && i < PF_LINK_MAX_PROFILES; i++) {
		if (!o[i].code || (done & (1u << i)))
			continue;
		mask = 0;
		for (j = i; j < n && j < PF_LINK_MAX_PROFILES; j++)
			if (o[j].code == o[i].code && !strcmp(o[j].msg, o[i].msg))
				mask |= 1u << j;
		done |= mask;
		fn(arg, &o[i], mask);
	}
}

void pf_linkset__kernels(const struct pf_linkset *set, uint32_t mask, char *buf, size_t len)
{
	size_t k, used = 0;

	buf[0] = '\0';
	for (k = 0; k < set->profile_cnt && k < PF_LINK_MAX_PROFILES && used < len; k++) {
		int w;

		if (!(mask & (1u << k)))
			continue;
		w = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			     set->profiles[k].name);
		used += w > 0 ? (size_t)w : 0;
	}
}

static void type__free(struct pf_link_type *t)
{
	free(t->struct_name);
}

void pf_linkset__free(struct pf_linkset *set)
{
	size_t u, i, a;

	for (u = 0; u < set->unit_cnt; u++) {
		struct pf_link_unit *lu = &set->units[u];

		for (i = 0; i < lu->func_cnt; i++) {
			struct pf_link_func *f = &lu->funcs[i];

			free(f->name);
			free(f->file);
			free(f->src);
			type__free(&f->proto.ret);
			for (a = 0; a < PF_LINK_MAX_ARGS; a++)
				type__free(&f->proto.args[a]);
		}
		for (i = 0; i < lu->prog_cnt; i++) {
			free(lu->progs[i].sec_name);
			free(lu->progs[i].tail_maps);
		}
		for (i = 0; i < lu->map_cnt; i++) {
			free(lu->maps[i].name);
			free(lu->maps[i].members);
		}
		free(lu->funcs);
		free(lu->progs);
		free(lu->maps);
		free(lu->path);
	}
	free(set->units);
	memset(set, 0, sizeof(*set));
}

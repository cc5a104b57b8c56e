// SPDX-License-Identifier: MIT
/*
 * The stack map of one function (include/frame.h). Ranges come from the
 * stack uses stack.c recorded (helper and kfunc buffers, printk formats,
 * callee pointers, spills) and from DWARF variables; bytes the verifier
 * sees touched that nothing explains are "unknown".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_limits.h"
#include "frame.h"
#include "util.h"

#define round_up(x, a)	((((x) + (a) - 1) / (a)) * (a))

const char *pf_range__kind_name(enum pf_range_kind kind)
{
	static const char *const names[] = {
		[PF_RANGE_VAR] = "variable",
		[PF_RANGE_PARAM] = "parameter",
		[PF_RANGE_PRINTK_FMT] = "bpf_printk format",
		[PF_RANGE_VPRINTK_ARGS] = "bpf_trace_vprintk arguments",
		[PF_RANGE_HELPER_BUF] = "helper buffer",
		[PF_RANGE_KFUNC_BUF] = "kfunc buffer",
		[PF_RANGE_CALLEE] = "callee memory",
		[PF_RANGE_SPILL] = "register spill",
		[PF_RANGE_UNKNOWN] = "unknown",
	};

	return kind <= PF_RANGE_UNKNOWN ? names[kind] : "?";
}

static bool touched(const struct pf_function *f, int32_t off)
{
	uint32_t d = (uint32_t)-off;

	return off < 0 && d <= PF_MAX_BPF_STACK &&
	       (f->stack.touched[(d - 1) / 8] & (1u << ((d - 1) % 8)));
}

static int add(struct pf_frame_map *m, size_t *cap, struct pf_range r)
{
	if (pf_grow((void **)&m->ranges, cap, m->cnt + 1, sizeof(r)))
		return -ENOMEM;
	m->ranges[m->cnt++] = r;
	return 0;
}

static bool overlaps(const struct pf_range *a, int32_t off, uint32_t size)
{
	return a->off < off + (int32_t)size && off < a->off + (int32_t)a->size;
}

static const char *use_name(const struct pf_object *obj, const struct pf_stack_use *u,
			    enum pf_range_kind *kind)
{
	switch (u->kind) {
	case PF_USE_HELPER_ARG:
		if (u->helper == BPF_FUNC_trace_printk && u->arg == 0) {
			*kind = PF_RANGE_PRINTK_FMT;
			return "bpf_printk format";
		}
		if (u->helper == BPF_FUNC_trace_vprintk && u->arg == 2) {
			*kind = PF_RANGE_VPRINTK_ARGS;
			return "bpf_printk arguments (bpf_trace_vprintk)";
		}
		*kind = PF_RANGE_HELPER_BUF;
		return pf_helper__name(u->helper);
	case PF_USE_KFUNC_ARG:
		*kind = PF_RANGE_KFUNC_BUF;
		return u->callee;
	case PF_USE_CALLEE:
		*kind = PF_RANGE_CALLEE;
		return u->callee;
	default:
		*kind = PF_RANGE_SPILL;
		return "spill";
	}
	(void)obj;
}

/* DW_OP_fbreg counts from the bottom of clang's frame: find that frame. */
static uint32_t frame_size(const struct pf_function *f, const struct pf_dwarf_vars *vars,
			   int func)
{
	uint32_t top = 0;
	size_t i;

	for (i = 0; i < vars->cnt; i++)
		if (vars->vars[i].func == func &&
		    (uint32_t)vars->vars[i].fbreg + vars->vars[i].size > top)
			top = vars->vars[i].fbreg + vars->vars[i].size;
	top = round_up(top, 8);
	return top > round_up(f->stack.depth, 8) ? top : round_up(f->stack.depth, 8);
}

static int range_cmp(const void *a, const void *b)
{
	const struct pf_range *x = a, *y = b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

int pf_frame__map(const struct pf_object *obj, const struct pf_dwarf_vars *vars,
		  int func, struct pf_frame_map *out)
{
	const struct pf_function *f = &obj->funcs[func];
	size_t cap = 0, i, j;
	int32_t o;

	memset(out, 0, sizeof(*out));
	out->func = func;
	out->depth = f->stack.depth;
	out->frame_size = frame_size(f, vars, func);
	out->have_dwarf = vars->cnt > 0;
	/* 1. what the code says: helper/kfunc buffers, printk, callees, spills */
	for (i = 0; i < obj->stack_use_cnt; i++) {
		const struct pf_stack_use *u = &obj->stack_uses[i];
		struct pf_range r = { .off = u->off, .size = u->size, .insn = (int)u->insn };

		if (u->func != func)
			continue;
		r.name = use_name(obj, u, &r.kind);
		/* one range per place: a buffer used by several calls is one thing */
		for (j = 0; j < out->cnt; j++)
			if (out->ranges[j].off == r.off && out->ranges[j].kind == r.kind)
				break;
		if (j < out->cnt) {
			if (r.size > out->ranges[j].size)
				out->ranges[j].size = r.size;
			continue;
		}
		if (add(out, &cap, r))
			return -ENOMEM;
	}
	/* 2. DWARF variables; the printk macro's own locals are already named */
	for (i = 0; i < vars->cnt; i++) {
		const struct pf_dwarf_var *v = &vars->vars[i];
		struct pf_range r = {
			.kind = v->param ? PF_RANGE_PARAM : PF_RANGE_VAR,
			.off = v->fbreg - (int32_t)out->frame_size, .size = v->size,
			.name = v->name, .type = v->type, .insn = -1,
		};

		if (v->func != func)
			continue;
		for (j = 0; j < out->cnt; j++) {
			struct pf_range *u = &out->ranges[j];

			if ((u->kind == PF_RANGE_PRINTK_FMT || u->kind == PF_RANGE_VPRINTK_ARGS) &&
			    overlaps(u, r.off, r.size))
				break;
		}
		if (j < out->cnt)
			continue;
		/* a helper buffer that is exactly a variable is that variable */
		for (j = 0; j < out->cnt; j++) {
			struct pf_range *u = &out->ranges[j];

			if ((u->kind == PF_RANGE_HELPER_BUF || u->kind == PF_RANGE_KFUNC_BUF ||
			     u->kind == PF_RANGE_SPILL || u->kind == PF_RANGE_CALLEE) &&
			    u->off >= r.off && u->off + (int32_t)u->size <= r.off + (int32_t)r.size) {
				u->kind = PF_RANGE_UNKNOWN + 1;	/* drop below */
			}
		}
		if (add(out, &cap, r))
			return -ENOMEM;
	}
	/* a "spill" inside a named range is that range being written */
	for (i = 0; i < out->cnt; i++) {
		struct pf_range *sp = &out->ranges[i];

		if (sp->kind != PF_RANGE_SPILL)
			continue;
		for (j = 0; j < out->cnt; j++)
			if (j != i && out->ranges[j].kind != PF_RANGE_SPILL &&
			    out->ranges[j].kind <= PF_RANGE_UNKNOWN &&
			    overlaps(&out->ranges[j], sp->off, sp->size))
				sp->kind = PF_RANGE_UNKNOWN + 1;
	}
	for (i = j = 0; i < out->cnt; i++)
		if (out->ranges[i].kind <= PF_RANGE_UNKNOWN)
			out->ranges[j++] = out->ranges[i];
	out->cnt = j;
	/* 3. shared slots: clang reuses bytes for variables with disjoint lives */
	for (i = 0; i < out->cnt; i++)
		for (j = i + 1; j < out->cnt; j++)
			if (overlaps(&out->ranges[i], out->ranges[j].off, out->ranges[j].size))
				out->ranges[i].shared = out->ranges[j].shared = true;
	/* 4. touched bytes nothing explains */
	for (o = -(int32_t)(f->stack.depth > PF_MAX_BPF_STACK ? PF_MAX_BPF_STACK : f->stack.depth);
	     o < 0; o++) {
		struct pf_range r = { .kind = PF_RANGE_UNKNOWN, .off = o, .size = 0, .insn = -1 };

		if (!touched(f, o))
			continue;
		for (j = 0; j < out->cnt; j++)
			if (overlaps(&out->ranges[j], o, 1))
				break;
		if (j < out->cnt)
			continue;
		while (o < 0 && touched(f, o)) {
			for (j = 0; j < out->cnt; j++)
				if (overlaps(&out->ranges[j], o, 1))
					break;
			if (j < out->cnt)
				break;
			r.size++;
			o++;
		}
		r.name = "unknown";
		if (add(out, &cap, r))
			return -ENOMEM;
	}
	if (out->cnt)
		qsort(out->ranges, out->cnt, sizeof(*out->ranges), range_cmp);
	return 0;
}

void pf_frame__free(struct pf_frame_map *m)
{
	free(m->ranges);
	memset(m, 0, sizeof(*m));
}

uint32_t pf_frame__depth_without(const struct pf_object *obj, const struct pf_frame_map *m,
				 size_t skip)
{
	const struct pf_function *f = &obj->funcs[m->func];
	const struct pf_range *gone = &m->ranges[skip];
	int32_t o;
	size_t j;

	/* the deepest touched byte that survives: outside @gone, or shared */
	for (o = -(int32_t)(m->depth > PF_MAX_BPF_STACK ? PF_MAX_BPF_STACK : m->depth); o < 0; o++) {
		if (!touched(f, o))
			continue;
		if (!overlaps(gone, o, 1))
			return (uint32_t)-o;
		for (j = 0; j < m->cnt; j++)
			if (j != skip && overlaps(&m->ranges[j], o, 1) &&
			    m->ranges[j].kind != PF_RANGE_UNKNOWN)
				return (uint32_t)-o;
	}
	return 0;
}

void pf_frame__describe(const struct pf_range *r, char *buf, size_t len)
{
	switch (r->kind) {
	case PF_RANGE_VAR:
	case PF_RANGE_PARAM:
		snprintf(buf, len, "%s%s (%s)", r->kind == PF_RANGE_PARAM ? "parameter " : "",
			 r->name, r->type ? r->type : "?");
		break;
	case PF_RANGE_PRINTK_FMT:
		snprintf(buf, len, "bpf_printk format string (%u bytes)", r->size);
		break;
	case PF_RANGE_VPRINTK_ARGS:
		snprintf(buf, len, "bpf_printk argument array (%u bytes, bpf_trace_vprintk)",
			 r->size);
		break;
	case PF_RANGE_HELPER_BUF:
		snprintf(buf, len, "buffer passed to bpf_%s", r->name ? r->name : "?");
		break;
	case PF_RANGE_KFUNC_BUF:
		snprintf(buf, len, "buffer passed to %s()", r->name ? r->name : "?");
		break;
	case PF_RANGE_CALLEE:
		snprintf(buf, len, "memory %s() reaches through a pointer", r->name ? r->name : "?");
		break;
	case PF_RANGE_SPILL:
		snprintf(buf, len, "register spill");
		break;
	default:
		snprintf(buf, len, "unknown");
		break;
	}
}

// SPDX-License-Identifier: MIT
/*
 * Programs: one per entry function, typed through libbpf's section table,
 * with the functions it reaches in the order libbpf appends them. libbpf's
 * bpf_object__reloc_code() appends a subprogram at its first call (or
 * callback reference) and recurses into it at once, so the order is a
 * depth-first pre-order over call sites in instruction order; the kernel
 * numbers subprograms by start offset, hence this is its subprog order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "internal.h"

struct frame {
	int func;
	size_t next_call;
};

static bool call_is_edge(const struct pf_call *c)
{
	return (c->kind == PF_CALL_SUBPROG || c->kind == PF_CALL_CALLBACK) &&
	       c->target >= 0;
}

/*
 * Iterative so that a hostile object cannot drive our stack depth; the
 * explicit stack holds at most func_cnt frames because a function on the
 * stack is never pushed again (a cycle is followed once).
 */
static int program__order(struct pf_build *b, struct pf_program *prog,
			  struct frame *stack, uint8_t *state, int *order)
{
	struct pf_object *obj = b->obj;
	size_t depth = 0, i;

	/*
	 * @order and @state are shared by all programs and only the entries
	 * this program reaches are used and reset: time and memory stay
	 * linear in what it reaches, not programs x functions (a hostile
	 * object of 20000 one-insn programs took 1.4 GB; tests/t_limits.sh).
	 */
	prog->funcs = order;
	prog->funcs[prog->func_cnt++] = prog->func;
	state[prog->func] = 1;	/* 1: on the stack, 2: done */
	stack[depth++] = (struct frame){ .func = prog->func };

	while (depth) {
		struct frame *top = &stack[depth - 1];
		const struct pf_function *f = &obj->funcs[top->func];
		const struct pf_call *c;

		if (top->next_call >= f->call_cnt) {
			state[top->func] = 2;
			depth--;
			continue;
		}
		c = &f->calls[top->next_call++];
		if (!call_is_edge(c))
			continue;
		/*
		 * A function already appended (on the stack: a cycle, or done)
		 * is not appended again, as libbpf does; what the kernel makes
		 * of a cycle (check_cfg(), the frame limit) is the verdict's.
		 */
		if (state[c->target] == 1)
			continue;
		if (state[c->target] == 2)
			continue;
		if (obj->funcs[c->target].entry && c->target != prog->func &&
		    obj->secs[obj->funcs[c->target].sec].exec &&
		    obj->funcs[c->target].sec != b->text_sec) {
			/* libbpf only appends .text subprograms. */
			pf_warn(obj, "program '%s' calls entry program '%s'",
				obj->funcs[prog->func].name, obj->funcs[c->target].name);
		}
		prog->funcs[prog->func_cnt++] = c->target;
		state[c->target] = 1;
		stack[depth++] = (struct frame){ .func = c->target };
	}
	for (i = 0; i < prog->func_cnt; i++)
		state[order[i]] = 0;
	prog->funcs = pf_calloc(prog->func_cnt, sizeof(*prog->funcs));
	if (!prog->funcs)
		return pf_fail(b, -ENOMEM, "out of memory");
	memcpy(prog->funcs, order, prog->func_cnt * sizeof(*prog->funcs));
	return 0;
}

static void program__type(struct pf_program *prog, const char *sec_name)
{
	enum bpf_prog_type type;
	enum bpf_attach_type attach;

	prog->sec_name = sec_name;
	/*
	 * SEC("?raw_tp"): a program libbpf does not load by default
	 * (bpf_program__set_autoload() turns it on); the type is the rest's.
	 * libbpf_prog_type_by_name() does not take the '?'.
	 */
	if (sec_name[0] == '?')
		sec_name++;
	if (!libbpf_prog_type_by_name(sec_name, &type, &attach)) {
		prog->type_known = true;
		prog->prog_type = type;
		prog->attach_type = attach;
		return;
	}
	/*
	 * Sections newer than the libbpf we link (Debian 12: 1.1), as libbpf
	 * >= 1.3 loads them; the attach type matters to prog arrays.
	 */
	if (!strcmp(sec_name, "tcx/ingress") || !strcmp(sec_name, "tcx/egress")) {
		prog->type_known = true;
		prog->prog_type = BPF_PROG_TYPE_SCHED_CLS;
		prog->attach_type = sec_name[4] == 'i' ? 46 /* BPF_TCX_INGRESS */
						      : 47 /* BPF_TCX_EGRESS */;
	}
}

/* One line for all programs libbpf cannot type, not one per program. */
static void programs__warn_unknown(struct pf_object *obj)
{
	char names[200] = "";
	size_t i, n = 0, shown = 0, used = 0;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct pf_program *p = &obj->progs[i];

		size_t j;

		if (p->type_known)
			continue;
		n++;
		/* name each unknown section once */
		for (j = 0; j < i; j++)
			if (!obj->progs[j].type_known && !strcmp(obj->progs[j].sec_name, p->sec_name))
				break;
		if (j < i)
			continue;
		if (shown++ < 4 && used < sizeof(names)) {
			int w = snprintf(names + used, sizeof(names) - used, "%s'%s'",
					 used ? ", " : "", p->sec_name);

			used += w > 0 ? (size_t)w : 0;
		}
	}
	if (n)
		pf_warn(obj, "%zu program%s in section%s libbpf does not recognise: %s%s",
			n, n > 1 ? "s" : "", shown > 1 ? "s" : "", names, shown > 4 ? ", ..." : "");
}

int pf_programs__build(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	struct frame *stack;
	uint8_t *state;
	int *order;
	size_t i, nr = 0;
	int err = 0;

	for (i = 0; i < obj->func_cnt; i++)
		nr += obj->funcs[i].entry;
	if (!nr)
		pf_warn(obj, "no entry programs: code only in .text (libbpf loads nothing from it)");
	obj->progs = pf_calloc(nr, sizeof(*obj->progs));
	stack = pf_calloc(obj->func_cnt, sizeof(*stack));
	state = pf_calloc(obj->func_cnt, 1);
	order = pf_calloc(obj->func_cnt, sizeof(*order));
	if (!obj->progs || !stack || !state || !order) {
		err = pf_fail(b, -ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < obj->func_cnt && !err; i++) {
		struct pf_program *prog;

		if (!obj->funcs[i].entry)
			continue;
		prog = &obj->progs[obj->prog_cnt++];
		prog->func = (int)i;
		program__type(prog, obj->secs[obj->funcs[i].sec].name);
		err = program__order(b, prog, stack, state, order);
		if (prog->funcs == order) {	/* failed: own nothing */
			prog->funcs = NULL;
			prog->func_cnt = 0;
		}
	}
	if (!err)
		programs__warn_unknown(obj);
out:
	free(stack);
	free(state);
	free(order);
	return err;
}

static int sub_ref_cmp(const void *a, const void *b)
{
	const struct pf_sub_ref *x = a, *y = b;

	return (x->func > y->func) - (x->func < y->func);
}

int pf_program__sub_refs(const struct pf_program *prog, struct pf_sub_ref **out)
{
	struct pf_sub_ref *r = malloc((prog->func_cnt + 1) * sizeof(*r));
	size_t i;

	*out = r;
	if (!r)
		return -ENOMEM;
	for (i = 0; i < prog->func_cnt; i++)
		r[i] = (struct pf_sub_ref){ .func = prog->funcs[i], .sub = (int)i };
	qsort(r, prog->func_cnt, sizeof(*r), sub_ref_cmp);
	return 0;
}

int pf_sub_ref__find(const struct pf_sub_ref *refs, size_t n, int func)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (refs[mid].func < func)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && refs[lo].func == func ? refs[lo].sub : -1;
}

// SPDX-License-Identifier: MIT
/*
 * Stack-resident variables from DWARF, through libdwarf.
 *
 * libdwarf reads the in-memory image through its object-access interface
 * (dwarf_object_init_b), so nothing is re-read from disk and fuzzing works
 * on buffers. Relocations are not applied: Debian 12's libdwarf cannot
 * apply BPF ones (DW_DLE_RELOC_SECTION_RELOC_TARGET_SIZE_UNKNOWN), and BPF
 * REL relocations point at section symbols of value 0, so the bytes as
 * stored are already right (verifier-facts.md §11).
 *
 * A variable lives at DW_OP_fbreg N: N bytes above the bottom of the frame
 * clang allocated (frame.c turns that into an r10 offset).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdwarf.h>
#include <dwarf.h>

#include "dwarf_vars.h"
#include "util.h"

#define DIE_MAX_DEPTH	32	/* nesting of blocks and inlined calls we follow */
/*
 * DIEs visited per object, all walks together: libdwarf follows
 * DW_AT_sibling as the file says, so a crafted one may lead back to an
 * earlier DIE and the sibling chain never end.
 */
#define DIES_MAX	(1u << 22)
#define VARS_MAX	65536u

/*
 * Every libdwarf call gets a Dwarf_Error to fill: libdwarf 20210528
 * dereferences a NULL one on some error paths (dwarf_object_init_b(),
 * _dwarf_extract_string_offset_via_str_offsets(): found by tests/fuzz).
 * The errors belong to the Dwarf_Debug and go with dwarf_object_finish();
 * DWARF is read by the thread that runs the commands only, thread-local
 * all the same.
 */
static __thread Dwarf_Error dw_err;
#define DWERR (&dw_err)

struct access {
	const struct pf_object *obj;
};

/*
 * The sections libdwarf may see: the DIEs, their abbreviations and
 * strings, nothing else. Debian 12's libdwarf (20210528) crashes on
 * corrupt range and location lists (a double free in dwarf_load_rnglists()
 * when a CU is loaded, reads out of bounds in loclists; found by
 * tests/fuzz), and the variables read here need neither.
 */
static bool acc_wanted(const char *name)
{
	static const char *const wanted[] = {
		".debug_info", ".debug_abbrev", ".debug_str", ".debug_str_offsets",
		".debug_line_str", ".debug_addr",
	};
	size_t i;

	for (i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++)
		if (!strcmp(name, wanted[i]))
			return true;
	return false;
}

static int acc_section_info(void *p, Dwarf_Half idx, Dwarf_Obj_Access_Section *out,
			    int *err)
{
	const struct pf_object *obj = ((struct access *)p)->obj;
	const struct pf_section *s;

	(void)err;
	memset(out, 0, sizeof(*out));
	if (idx == 0) {
		out->name = "";
		return DW_DLV_OK;
	}
	if (idx > obj->sec_cnt)
		return DW_DLV_NO_ENTRY;
	s = &obj->secs[idx - 1];
	if (!acc_wanted(s->name)) {
		out->name = "";
		return DW_DLV_OK;
	}
	out->type = s->type;
	out->size = s->data ? s->size : 0;
	out->name = s->name;
	return DW_DLV_OK;
}

static Dwarf_Endianness acc_byte_order(void *p)
{
	return ((struct access *)p)->obj->big_endian ? DW_OBJECT_MSB : DW_OBJECT_LSB;
}

static Dwarf_Small acc_length_size(void *p)
{
	(void)p;
	return 4;
}

static Dwarf_Small acc_pointer_size(void *p)
{
	(void)p;
	return 8;
}

static Dwarf_Unsigned acc_section_count(void *p)
{
	return ((struct access *)p)->obj->sec_cnt + 1;
}

static int acc_load_section(void *p, Dwarf_Half idx, Dwarf_Small **data, int *err)
{
	const struct pf_object *obj = ((struct access *)p)->obj;

	(void)err;
	if (idx == 0 || idx > obj->sec_cnt || !obj->secs[idx - 1].data ||
	    !acc_wanted(obj->secs[idx - 1].name))
		return DW_DLV_NO_ENTRY;
	/* libdwarf only reads; the cast drops the const it does not declare. */
	*data = (Dwarf_Small *)obj->secs[idx - 1].data;
	return DW_DLV_OK;
}

static const Dwarf_Obj_Access_Methods methods = {
	.get_section_info = acc_section_info,
	.get_byte_order = acc_byte_order,
	.get_length_size = acc_length_size,
	.get_pointer_size = acc_pointer_size,
	.get_section_count = acc_section_count,
	.load_section = acc_load_section,
	.relocate_a_section = NULL,
};

struct reader {
	Dwarf_Debug dbg;
	const struct pf_object *obj;
	struct pf_dwarf_vars *out;
	size_t cap;
	size_t dies;		/* visited, against DIES_MAX */
};

/* Name of a DIE, or of its abstract origin for inlined copies. */
static Dwarf_Die origin_of(struct reader *r, Dwarf_Die die)
{
	Dwarf_Attribute at;
	Dwarf_Off off;
	Dwarf_Die o = NULL;

	if (dwarf_attr(die, DW_AT_abstract_origin, &at, DWERR) != DW_DLV_OK)
		return NULL;
	if (dwarf_global_formref(at, &off, DWERR) != DW_DLV_OK ||
	    dwarf_offdie_b(r->dbg, off, 1, &o, DWERR) != DW_DLV_OK)
		o = NULL;
	dwarf_dealloc_attribute(at);
	return o;
}

static Dwarf_Die type_of(struct reader *r, Dwarf_Die die)
{
	Dwarf_Attribute at;
	Dwarf_Off off;
	Dwarf_Die t = NULL;

	if (dwarf_attr(die, DW_AT_type, &at, DWERR) != DW_DLV_OK)
		return NULL;
	if (dwarf_global_formref(at, &off, DWERR) != DW_DLV_OK ||
	    dwarf_offdie_b(r->dbg, off, 1, &t, DWERR) != DW_DLV_OK)
		t = NULL;
	dwarf_dealloc_attribute(at);
	return t;
}

/* Size and a short C name of a type ("struct tunnel", "__u8[64]"). */
static long long type_describe(struct reader *r, Dwarf_Die t, char *buf, size_t len,
			       unsigned int depth)
{
	Dwarf_Unsigned sz;
	Dwarf_Half tag;
	char *name = NULL;
	long long size = -1;

	buf[0] = '\0';
	if (!t || depth > DIE_MAX_DEPTH || dwarf_tag(t, &tag, DWERR) != DW_DLV_OK)
		return -1;
	dwarf_diename(t, &name, DWERR);
	switch (tag) {
	case DW_TAG_typedef:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: {
		Dwarf_Die inner = type_of(r, t);
		char tmp[96];

		size = type_describe(r, inner, tmp, sizeof(tmp), depth + 1);
		if (inner)
			dwarf_dealloc_die(inner);
		if (tag == DW_TAG_typedef && name)
			snprintf(buf, len, "%s", name);
		else
			snprintf(buf, len, "%s%s", tag == DW_TAG_const_type ? "const " :
				 tag == DW_TAG_volatile_type ? "volatile " : "", tmp);
		return size;
	}
	case DW_TAG_array_type: {
		Dwarf_Die elem = type_of(r, t), sub = NULL;
		Dwarf_Attribute at;
		Dwarf_Unsigned cnt = 0;
		char tmp[96];
		long long esz;

		esz = type_describe(r, elem, tmp, sizeof(tmp), depth + 1);
		if (elem)
			dwarf_dealloc_die(elem);
		if (dwarf_child(t, &sub, DWERR) == DW_DLV_OK) {
			if (dwarf_attr(sub, DW_AT_count, &at, DWERR) == DW_DLV_OK) {
				dwarf_formudata(at, &cnt, DWERR);
				dwarf_dealloc_attribute(at);
			} else if (dwarf_attr(sub, DW_AT_upper_bound, &at, DWERR) == DW_DLV_OK) {
				if (dwarf_formudata(at, &cnt, DWERR) == DW_DLV_OK)
					cnt++;
				dwarf_dealloc_attribute(at);
			}
			dwarf_dealloc_die(sub);
		}
		snprintf(buf, len, "%s[%llu]", tmp, (unsigned long long)cnt);
		return esz >= 0 && cnt < (1u << 20) ? esz * (long long)cnt : -1;
	}
	case DW_TAG_pointer_type:
		snprintf(buf, len, "pointer");
		return 8;
	default:
		break;
	}
	if (dwarf_bytesize(t, &sz, DWERR) == DW_DLV_OK)
		size = (long long)sz;
	snprintf(buf, len, "%s%s", tag == DW_TAG_structure_type ? "struct " :
		 tag == DW_TAG_union_type ? "union " : tag == DW_TAG_enumeration_type ?
		 "enum " : "", name ? name : "(anon)");
	return size;
}

/* The fbreg offset of a variable that lives in the frame, or false. */
static bool location_fbreg(Dwarf_Die die, long long *fbreg)
{
	Dwarf_Loc_Head_c head = NULL;
	Dwarf_Unsigned cnt = 0, i;
	Dwarf_Attribute at;
	Dwarf_Half form = 0;
	bool found = false;

	if (dwarf_attr(die, DW_AT_location, &at, DWERR) != DW_DLV_OK)
		return false;
	/*
	 * Frame variables have one expression (exprloc); location lists
	 * (sec_offset, loclistx) are for values in registers, and libdwarf
	 * 20210528 reads out of bounds on corrupt ones (found by tests/fuzz).
	 */
	if (dwarf_whatform(at, &form, DWERR) != DW_DLV_OK ||
	    (form != DW_FORM_exprloc && form != DW_FORM_block1 && form != DW_FORM_block2 &&
	     form != DW_FORM_block4 && form != DW_FORM_block)) {
		dwarf_dealloc_attribute(at);
		return false;
	}
	if (dwarf_get_loclist_c(at, &head, &cnt, DWERR) != DW_DLV_OK) {
		dwarf_dealloc_attribute(at);
		return false;
	}
	for (i = 0; i < cnt && i < 64 && !found; i++) {
		Dwarf_Small lle, src;
		Dwarf_Unsigned rlo, rhi, ops = 0, eoff, loff;
		Dwarf_Bool unavail;
		Dwarf_Addr lo, hi;
		Dwarf_Locdesc_c desc = NULL;
		Dwarf_Small atom, atom2 = 0;
		Dwarf_Unsigned op1, op2, op3, br;

		if (dwarf_get_locdesc_entry_d(head, i, &lle, &rlo, &rhi, &unavail, &lo, &hi,
					      &ops, &desc, &src, &eoff, &loff, DWERR) != DW_DLV_OK ||
		    !ops)
			continue;
		if (dwarf_get_location_op_value_c(desc, 0, &atom, &op1, &op2, &op3, &br,
						  DWERR) != DW_DLV_OK || atom != DW_OP_fbreg)
			continue;
		/* "fbreg N, stack_value" is the address itself, not storage */
		if (ops > 1 && dwarf_get_location_op_value_c(desc, 1, &atom2, &op2, &op2, &op3,
							     &br, DWERR) == DW_DLV_OK &&
		    atom2 == DW_OP_stack_value)
			continue;
		*fbreg = (long long)(Dwarf_Signed)op1;
		found = true;
	}
	dwarf_loc_head_c_dealloc(head);
	dwarf_dealloc_attribute(at);
	return found;
}

static void keep_var(struct reader *r, int func, Dwarf_Die die, Dwarf_Half tag,
		     const char *inlined_in)
{
	Dwarf_Die origin = origin_of(r, die), src = origin ? origin : die, type;
	char tname[128], *name = NULL, *full;
	struct pf_dwarf_var *v;
	long long fbreg, size;

	if (r->out->cnt >= VARS_MAX || !location_fbreg(die, &fbreg))
		goto out;
	dwarf_diename(src, &name, DWERR);
	type = type_of(r, src);
	size = type_describe(r, type, tname, sizeof(tname), 0);
	if (type)
		dwarf_dealloc_die(type);
	if (size <= 0 || size > 4096 || fbreg < 0 || fbreg > 4096)
		goto out;
	if (pf_grow((void **)&r->out->vars, &r->cap, r->out->cnt + 1, sizeof(*v)))
		goto out;
	if (asprintf(&full, "%s%s%s", inlined_in ? inlined_in : "", inlined_in ? "::" : "",
		     name ? name : "(anon)") < 0)
		goto out;
	v = &r->out->vars[r->out->cnt++];
	v->func = func;
	v->name = full;
	v->type = strdup(tname);	/* NULL when out of memory: printed as "?" */
	v->fbreg = (int32_t)fbreg;
	v->size = (uint32_t)size;
	v->param = tag == DW_TAG_formal_parameter;
out:
	if (origin)
		dwarf_dealloc_die(origin);
}

/* Walk a function's DIE subtree iteratively (depth bounded). */
static void walk_function(struct reader *r, int func, Dwarf_Die fn)
{
	struct { Dwarf_Die die; const char *inl; } stk[DIE_MAX_DEPTH];
	char *inl_names[DIE_MAX_DEPTH] = { 0 };
	size_t depth = 0;
	Dwarf_Die child;

	if (dwarf_child(fn, &child, DWERR) != DW_DLV_OK)
		return;
	stk[depth].die = child;
	stk[depth++].inl = NULL;
	while (depth) {
		Dwarf_Die die = stk[depth - 1].die, next = NULL, sub = NULL;
		const char *inl = stk[depth - 1].inl;
		Dwarf_Half tag = 0;

		if (r->dies++ >= DIES_MAX) {
			while (depth)
				dwarf_dealloc_die(stk[--depth].die);
			break;
		}
		dwarf_tag(die, &tag, DWERR);
		if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter)
			keep_var(r, func, die, tag, inl);
		/* descend into blocks and inlined calls */
		if ((tag == DW_TAG_lexical_block || tag == DW_TAG_inlined_subroutine) &&
		    depth < DIE_MAX_DEPTH && dwarf_child(die, &sub, DWERR) == DW_DLV_OK) {
			const char *in = inl;

			/* replace this entry by its sibling later; push the child */
			if (dwarf_siblingof_b(r->dbg, die, 1, &next, DWERR) != DW_DLV_OK)
				next = NULL;
			if (tag == DW_TAG_inlined_subroutine) {
				Dwarf_Die o = origin_of(r, die);
				char *n = NULL;
				/*
				 * The name lives in the slot the child takes: live
				 * entries only point at names of their slot or below
				 * (keyed by depth instead, a later inlined call freed a
				 * name still in use: valgrind, make memcheck).
				 */
				size_t slot = next ? depth : depth - 1;

				if (o && dwarf_diename(o, &n, DWERR) == DW_DLV_OK) {
					free(inl_names[slot]);
					inl_names[slot] = strdup(n);
					in = inl_names[slot];
				}
				if (o)
					dwarf_dealloc_die(o);
			}
			dwarf_dealloc_die(die);
			if (next)
				stk[depth - 1].die = next;
			else
				depth--;
			stk[depth].die = sub;
			stk[depth++].inl = in;
			continue;
		}
		if (dwarf_siblingof_b(r->dbg, die, 1, &next, DWERR) != DW_DLV_OK)
			next = NULL;
		dwarf_dealloc_die(die);
		if (next)
			stk[depth - 1].die = next;
		else
			depth--;
	}
	for (depth = 0; depth < DIE_MAX_DEPTH; depth++)
		free(inl_names[depth]);
}

/* Top-level subprograms of a CU, matched to model functions by name. */
static void walk_cu(struct reader *r, Dwarf_Die cu)
{
	Dwarf_Die die = NULL, next;

	if (dwarf_child(cu, &die, DWERR) != DW_DLV_OK)
		return;
	while (die && r->dies++ < DIES_MAX) {
		Dwarf_Half tag = 0;
		char *name = NULL;

		dwarf_tag(die, &tag, DWERR);
		if (tag == DW_TAG_subprogram && dwarf_diename(die, &name, DWERR) == DW_DLV_OK) {
			int func = pf_object__find_func(r->obj, name);

			if (func >= 0)
				walk_function(r, func, die);
		}
		if (dwarf_siblingof_b(r->dbg, die, 1, &next, DWERR) != DW_DLV_OK)
			next = NULL;
		dwarf_dealloc_die(die);
		die = next;
	}
	if (die)	/* the budget ran out */
		dwarf_dealloc_die(die);
}

/*
 * libdwarf abort()s on an error when the call passed no Dwarf_Error and
 * the dbg has no handler (corrupt DWARF, found by tests/fuzz): the calls
 * above treat every non-OK return as "no more", so the handler does nothing.
 */
static void dwarf_ignore_error(Dwarf_Error error, Dwarf_Ptr arg)
{
	(void)error;
	(void)arg;
}

int pf_dwarf__read_vars(const struct pf_object *obj, struct pf_dwarf_vars *out)
{
	struct access acc = { .obj = obj };
	Dwarf_Obj_Access_Interface iface = { .object = &acc, .methods = &methods };
	struct reader r = { .obj = obj, .out = out };
	Dwarf_Unsigned next_off = 0;
	size_t cus = 0, i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!obj->has_dwarf)
		return -ENOENT;
	/*
	 * libdwarf 20210528 dereferences NULL inside dwarf_object_init_b()
	 * when a DWARF section name appears twice (found by the fuzzer):
	 * such an object has no trustworthy DWARF anyway.
	 */
	for (i = 0; i < obj->sec_cnt; i++) {
		size_t j;

		if (strncmp(obj->secs[i].name, ".debug_", 7))
			continue;
		for (j = i + 1; j < obj->sec_cnt; j++)
			if (!strcmp(obj->secs[i].name, obj->secs[j].name))
				return -EINVAL;
	}
	dwarf_set_reloc_application(0);
	ret = dwarf_object_init_b(&iface, dwarf_ignore_error, NULL, DW_GROUPNUMBER_ANY,
				   &r.dbg, DWERR);
	if (ret != DW_DLV_OK) {
		/* no Dwarf_Debug to own it: an error made without one is freed here */
		if (ret == DW_DLV_ERROR && dw_err)
			dwarf_dealloc_error(NULL, dw_err);
		dw_err = NULL;
		return -EINVAL;
	}
	while (cus++ < 4096) {
		Dwarf_Die cu = NULL;

		ret = dwarf_next_cu_header_d(r.dbg, 1, NULL, NULL, NULL, NULL, NULL, NULL,
					     NULL, NULL, &next_off, NULL, DWERR);
		if (ret != DW_DLV_OK)
			break;
		if (dwarf_siblingof_b(r.dbg, NULL, 1, &cu, DWERR) != DW_DLV_OK)
			continue;
		walk_cu(&r, cu);
		dwarf_dealloc_die(cu);
	}
	dwarf_object_finish(r.dbg, DWERR);
	dw_err = NULL;
	return 0;
}

void pf_dwarf__free_vars(struct pf_dwarf_vars *vars)
{
	size_t i;

	for (i = 0; i < vars->cnt; i++) {
		free((char *)vars->vars[i].name);
		free((char *)vars->vars[i].type);
	}
	free(vars->vars);
	memset(vars, 0, sizeof(*vars));
}

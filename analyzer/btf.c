// SPDX-License-Identifier: MIT
/*
 * Type and source information. .BTF is parsed by libbpf (btf__new handles
 * either byte order). .BTF.ext is decoded here by hand: libbpf parses it
 * only inside bpf_object__open(), which refuses legacy objects and exposes
 * no accessor for the raw records. Layout: include/uapi/linux/btf.h and
 * tools/lib/bpf/libbpf_internal.h (struct btf_ext_header).
 */
#include <byteswap.h>
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "internal.h"

#define BTF_EXT_MAGIC		0xeB9F
#define BTF_EXT_MIN_HDR		24	/* through line_info_len */
#define FUNC_INFO_MIN_REC	8	/* insn_off, type_id */
#define LINE_INFO_MIN_REC	16	/* insn_off, file, line, line_col */

/*
 * The kernel refuses BTF whose modifier or typedef chains are longer
 * (MAX_RESOLVE_DEPTH, kernel/bpf/btf.c), so no loadable object is cut
 * short by this limit.
 */
#define PF_BTF_MAX_RESOLVE_DEPTH 32

struct ext_reader {
	const uint8_t *data;
	uint32_t size;
	bool swap;
};

static uint32_t ext_u32(const struct ext_reader *r, uint32_t off)
{
	uint32_t v;

	memcpy(&v, r->data + off, 4);
	return r->swap ? bswap_32(v) : v;
}

int pf_btf__load(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	struct pf_section *s;
	int sec, err;

	obj->has_dwarf = pf_elf__find_section(obj, ".debug_info") >= 0;
	sec = pf_elf__find_section(obj, ".BTF");
	if (sec < 0)
		return 0;
	s = &obj->secs[sec];
	if (!s->data || !s->size)
		return pf_fail(b, -EINVAL, "empty .BTF section");
	obj->btf = btf__new(s->data, s->size);
	err = libbpf_get_error(obj->btf);
	if (err) {
		obj->btf = NULL;
		return pf_fail(b, err, "corrupt .BTF section (libbpf: %s)",
			       strerror(-err));
	}
	return 0;
}

/*
 * libbpf's btf__new() checks that type ids are in range but not that they
 * are acyclic (the kernel does, btf_resolve(): "Loop detected"): a crafted
 * typedef may name itself, or two modifiers each other. Every walk of
 * modifiers and typedefs goes through here, so none of them can spin.
 */
const struct btf_type *pf_btf__skip_mods(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t;
	int depth;

	for (depth = 0; depth <= PF_BTF_MAX_RESOLVE_DEPTH; depth++) {
		t = btf__type_by_id(btf, id);
		if (!t || (!btf_is_mod(t) && !btf_is_typedef(t)))
			return t;
		id = t->type;
	}
	return NULL;
}

const struct btf_type *pf_btf__func_proto(const struct btf *btf, const char *name)
{
	const struct btf_type *t;
	int id;

	if (!btf || !name)
		return NULL;
	id = btf__find_by_name_kind(btf, name, BTF_KIND_FUNC);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	t = t ? btf__type_by_id(btf, t->type) : NULL;
	return t && btf_is_func_proto(t) ? t : NULL;
}

/*
 * Walk one .BTF.ext subsection (func_info or line_info): a record size,
 * then per ELF section {name_off, count, records}. @fn sees each record.
 */
typedef int (*ext_rec_fn)(struct pf_build *b, int sec, const struct ext_reader *r,
			  uint32_t rec_off);

static int ext__walk(struct pf_build *b, const struct ext_reader *r,
		     uint32_t off, uint32_t len, uint32_t min_rec, const char *what,
		     ext_rec_fn fn)
{
	struct pf_object *obj = b->obj;
	uint32_t end, rec_size;

	if (!len)
		return 0;
	if (off > r->size || len > r->size - off || len < 4)
		return pf_fail(b, -EINVAL, ".BTF.ext: %s lies outside the section", what);
	end = off + len;
	rec_size = ext_u32(r, off);
	if (rec_size < min_rec || rec_size % 4 || rec_size > 1024)
		return pf_fail(b, -EINVAL, ".BTF.ext: bad %s record size %u", what,
			       rec_size);
	off += 4;
	while (off < end) {
		uint32_t name_off, cnt, i;
		const char *name;
		int sec;

		if (end - off < 8)
			return pf_fail(b, -EINVAL, ".BTF.ext: truncated %s", what);
		name_off = ext_u32(r, off);
		cnt = ext_u32(r, off + 4);
		off += 8;
		if (!cnt || cnt > (end - off) / rec_size)
			return pf_fail(b, -EINVAL, ".BTF.ext: bad %s count %u", what, cnt);
		name = btf__name_by_offset(obj->btf, name_off);
		sec = name ? pf_elf__find_section(obj, name) : -1;
		if (sec < 0 || !obj->secs[sec].exec)
			return pf_fail(b, -EINVAL, ".BTF.ext: %s names unknown section '%s'",
				       what, name ? name : "?");
		for (i = 0; i < cnt; i++, off += rec_size) {
			int err = fn(b, sec, r, off);

			if (err)
				return err;
		}
	}
	return 0;
}

static int ext__func_info(struct pf_build *b, int sec, const struct ext_reader *r,
			  uint32_t off)
{
	struct pf_object *obj = b->obj;
	uint32_t insn_off = ext_u32(r, off), type_id = ext_u32(r, off + 4);
	const struct btf_type *t;
	struct pf_function *f;
	int fi;

	fi = pf_object__func_at(obj, sec, insn_off / PF_INSN_SZ);
	t = btf__type_by_id(obj->btf, type_id);
	if (!t || !btf_is_func(t))
		return pf_fail(b, -EINVAL, ".BTF.ext: func_info type %u is not a FUNC",
			       type_id);
	if (fi < 0 || obj->funcs[fi].start != insn_off / PF_INSN_SZ || insn_off % 8) {
		pf_warn(obj, "func_info at %s+%u starts no function",
			obj->secs[sec].name, insn_off);
		return 0;
	}
	f = &obj->funcs[fi];
	f->has_func_info = true;
	f->btf_id = type_id;
	/*
	 * The kernel decides static/global from BTF linkage, not the symbol;
	 * libbpf first rewrites hidden globals (__hidden) to static.
	 */
	f->global = pf_btf_func_linkage(t) == BTF_FUNC_GLOBAL &&
		    !(f->sym >= 0 && obj->syms[f->sym].visibility == STV_HIDDEN);
	return 0;
}

static int ext__line_info(struct pf_build *b, int sec, const struct ext_reader *r,
			  uint32_t off)
{
	struct pf_object *obj = b->obj;
	struct pf_section *s = &obj->secs[sec];
	uint32_t insn = ext_u32(r, off) / PF_INSN_SZ;
	uint32_t line_col = ext_u32(r, off + 12);
	struct pf_line *l;

	if (insn >= s->insn_cnt)
		return pf_fail(b, -EINVAL, ".BTF.ext: line_info for insn %u beyond section '%s' (%zu insns)",
			       insn, s->name, s->insn_cnt);
	if (pf_grow((void **)&obj->lines, &b->line_cap, obj->line_cnt + 1,
		    sizeof(*obj->lines)))
		return pf_fail(b, -ENOMEM, "out of memory");
	if (!s->line_idx) {
		s->line_idx = pf_calloc(s->insn_cnt, sizeof(*s->line_idx));
		if (!s->line_idx)
			return pf_fail(b, -ENOMEM, "out of memory");
	}
	l = &obj->lines[obj->line_cnt++];
	l->file = btf__name_by_offset(obj->btf, ext_u32(r, off + 4));
	l->text = btf__name_by_offset(obj->btf, ext_u32(r, off + 8));
	l->line = line_col >> 10;
	l->col = line_col & 0x3ff;
	s->line_idx[insn] = obj->line_cnt;
	return 0;
}

/* A line_info record covers the slots up to the next record. */
static void ext__spread_lines(struct pf_object *obj)
{
	size_t i, j;

	for (i = 0; i < obj->sec_cnt; i++) {
		struct pf_section *s = &obj->secs[i];
		uint32_t cur = 0;

		if (!s->line_idx)
			continue;
		for (j = 0; j < s->insn_cnt; j++) {
			int fi = pf_object__func_at(obj, i, j);

			/* Never carry a line across a function boundary. */
			if (fi >= 0 && obj->funcs[fi].start == j)
				cur = 0;
			if (s->line_idx[j])
				cur = s->line_idx[j];
			else
				s->line_idx[j] = cur;
		}
	}
}

int pf_btf__apply_ext(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	struct ext_reader r;
	uint32_t hdr_len, fi_off, fi_len, li_off, li_len;
	uint16_t magic;
	int sec, err;

	sec = pf_elf__find_section(obj, ".BTF.ext");
	if (sec < 0 || !obj->btf)
		return 0;
	r.data = obj->secs[sec].data;
	r.size = obj->secs[sec].size;
	if (!r.data || r.size < BTF_EXT_MIN_HDR)
		return pf_fail(b, -EINVAL, ".BTF.ext: truncated header");
	memcpy(&magic, r.data, 2);
	if (magic != BTF_EXT_MAGIC && bswap_16(magic) != BTF_EXT_MAGIC)
		return pf_fail(b, -EINVAL, ".BTF.ext: bad magic 0x%04x", magic);
	r.swap = magic != BTF_EXT_MAGIC;
	if (r.data[2] != 1)
		return pf_fail(b, -EINVAL, ".BTF.ext: unsupported version %u", r.data[2]);
	hdr_len = ext_u32(&r, 4);
	if (hdr_len < BTF_EXT_MIN_HDR || hdr_len > r.size)
		return pf_fail(b, -EINVAL, ".BTF.ext: bad header length %u", hdr_len);
	fi_off = ext_u32(&r, 8);
	fi_len = ext_u32(&r, 12);
	li_off = ext_u32(&r, 16);
	li_len = ext_u32(&r, 20);
	obj->has_btf_ext = true;

	/* Offsets count from the end of the header. */
	r.data += hdr_len;
	r.size -= hdr_len;
	err = ext__walk(b, &r, fi_off, fi_len, FUNC_INFO_MIN_REC, "func_info",
			ext__func_info);
	if (!err)
		err = ext__walk(b, &r, li_off, li_len, LINE_INFO_MIN_REC, "line_info",
				ext__line_info);
	if (err)
		return err;
	obj->has_line_info = obj->line_cnt > 0;
	ext__spread_lines(obj);
	return 0;
}

int pf_program__exception_cb(const struct pf_object *obj, const struct pf_program *prog)
{
	static const char tag[] = "exception_callback:";
	int main_id = obj->funcs[prog->func].btf_id;
	uint32_t id, n;

	if (!obj->btf || main_id <= 0)
		return -1;
	n = btf__type_cnt(obj->btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(obj->btf, id);
		const char *name;

		if (!t || !btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1 ||
		    (int)t->type != main_id)
			continue;
		name = btf__name_by_offset(obj->btf, t->name_off);
		if (name && !strncmp(name, tag, sizeof(tag) - 1))
			return pf_object__find_func(obj, name + sizeof(tag) - 1);
	}
	return -1;
}

// SPDX-License-Identifier: MIT
/*
 * Map definitions: BTF-defined maps in ".maps" (read through libbpf's BTF
 * accessors, the way libbpf's parse_btf_map_def() reads them), legacy
 * struct bpf_map_def arrays in "maps" sections, and statically initialised
 * prog arrays (slots are R_BPF_64_ABS64 relocations in .rel.maps).
 */
#include <byteswap.h>
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "internal.h"

#define LEGACY_DEF_MIN	16	/* type, key_size, value_size, max_entries */

static int maps__add(struct pf_build *b, size_t *cap, struct pf_map **out)
{
	struct pf_object *obj = b->obj;

	if (obj->map_cnt >= PF_MAX_FUNCS)
		return pf_fail(b, -E2BIG, "more than %u maps", PF_MAX_FUNCS);
	if (pf_grow((void **)&obj->maps, cap, obj->map_cnt + 1, sizeof(**out)))
		return pf_fail(b, -ENOMEM, "out of memory");
	*out = &obj->maps[obj->map_cnt++];
	(*out)->sym = -1;
	return 0;
}

static int find_symbol_named(const struct pf_object *obj, uint32_t shndx, const char *name)
{
	size_t i;

	for (i = 0; name && i < obj->sym_cnt; i++) {
		const struct pf_symbol *s = &obj->syms[i];

		if (s->shndx == shndx && s->type != STT_SECTION && !strcmp(s->name, name))
			return (int)i;
	}
	return -1;
}

/*
 * __uint(name, N) is "int (*name)[N]": the number is the array length.
 * Modifiers on the member are skipped, as libbpf's get_map_field_int() does.
 */
static bool btf_member_uint(const struct btf *btf, const struct btf_member *m,
			    uint32_t *val)
{
	const struct btf_type *t = pf_btf__skip_mods(btf, m->type);
	const struct btf_array *arr;

	if (!t || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_array(t))
		return false;
	arr = btf_array(t);
	*val = arr->nelems;
	return true;
}

/* __type(key, T) is "T *key": the size is T's. */
static bool btf_member_type_size(const struct btf *btf, const struct btf_member *m,
				 uint32_t *val)
{
	const struct btf_type *t = btf__type_by_id(btf, m->type);
	long long sz;

	if (!t || !btf_is_ptr(t))
		return false;
	sz = btf__resolve_size(btf, t->type);
	if (sz < 0 || sz > UINT32_MAX)
		return false;
	*val = (uint32_t)sz;
	return true;
}

static int maps__slots_from_relocs(struct pf_build *b, struct pf_map *map,
				   const struct pf_section *sec, uint64_t values_off,
				   uint32_t nr)
{
	struct pf_object *obj = b->obj;
	size_t i;

	map->slots = pf_calloc(nr, sizeof(*map->slots));
	if (!map->slots)
		return pf_fail(b, -ENOMEM, "out of memory");
	map->slot_cnt = nr;
	for (i = 0; i < nr; i++)
		map->slots[i] = -1;
	for (i = 0; i < sec->reloc_cnt; i++) {
		const struct pf_reloc *r = &sec->relocs[i];
		const struct pf_symbol *sym = &obj->syms[r->sym];
		uint64_t slot;
		int sidx;

		if (r->offset < map->sec_off + values_off ||
		    r->offset >= map->sec_off + map->def_size)
			continue;
		slot = (r->offset - map->sec_off - values_off) / 8;
		/* Old LLVM wrote R_BPF_64_64, binutils 2.40 its own number. */
		if (slot >= nr || (r->type != PF_R_BPF_64_ABS64 &&
				   r->type != PF_R_BPF_64_64 &&
				   r->type != PF_R_BPF_GNU_DATA_64))
			return pf_fail(b, -EINVAL, "map '%s': bad slot relocation",
				       map->name);
		sidx = pf_elf__sec_by_shndx(obj, sym->shndx);
		map->slots[slot] = sidx < 0 ? -1 :
			pf_object__func_at(obj, sidx, sym->value / PF_INSN_SZ);
		if (map->slots[slot] < 0)
			return pf_fail(b, -EINVAL, "map '%s': slot %llu names '%s', not a function",
				       map->name, (unsigned long long)slot, sym->name);
		if (!obj->funcs[map->slots[slot]].entry)
			pf_warn(obj, "map '%s': slot %llu: '%s' isn't an entry-point program; libbpf refuses it",
				map->name, (unsigned long long)slot, sym->name);
	}
	return 0;
}

static int maps__parse_btf_def(struct pf_build *b, struct pf_map *map,
			       const struct btf_type *def, const struct pf_section *sec)
{
	const struct btf *btf = b->obj->btf;
	const struct btf_member *m = btf_members(def);
	uint64_t values_off = 0;
	bool has_values = false;
	uint64_t nr;
	int i;

	for (i = 0; i < btf_vlen(def); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		uint32_t v;

		if (!name)
			continue;
		if (!strcmp(name, "type") && btf_member_uint(btf, m, &v))
			map->type = v;
		else if (!strcmp(name, "max_entries") && btf_member_uint(btf, m, &v))
			map->max_entries = v;
		else if (!strcmp(name, "map_flags") && btf_member_uint(btf, m, &v))
			map->map_flags = v;
		else if (!strcmp(name, "key_size") && btf_member_uint(btf, m, &v))
			map->key_size = v;
		else if (!strcmp(name, "value_size") && btf_member_uint(btf, m, &v))
			map->value_size = v;
		else if (!strcmp(name, "key") && btf_member_type_size(btf, m, &v))
			map->key_size = v;
		else if (!strcmp(name, "value") && btf_member_type_size(btf, m, &v))
			map->value_size = v;
		else if (!strcmp(name, "values")) {
			/* __array(values, ...): slots filled by relocations. */
			values_off = btf_member_bit_offset(def, i) / 8;
			has_values = true;
		}
	}
	/* Prog arrays and map-in-map outer maps hold 4-byte ids. */
	if (has_values && !map->value_size)
		map->value_size = 4;
	if (!has_values || map->type != BPF_MAP_TYPE_PROG_ARRAY)
		return 0;
	/* The initialiser sizes the definition; never trust max_entries alone. */
	nr = values_off < map->def_size ? (map->def_size - values_off) / 8 : 0;
	if (nr > map->max_entries)
		nr = map->max_entries;
	return maps__slots_from_relocs(b, map, sec, values_off, nr);
}

static int maps__build_btf(struct pf_build *b, int sec, size_t *cap)
{
	struct pf_object *obj = b->obj;
	const struct btf_var_secinfo *vsi;
	const struct btf_type *ds;
	int id, i, err;

	if (!obj->btf) {
		/* libbpf refuses this too; the code can still be checked */
		pf_warn(obj, "'.maps' section without BTF: map definitions unknown (libbpf refuses to load it)");
		return 0;
	}
	id = btf__find_by_name_kind(obj->btf, ".maps", BTF_KIND_DATASEC);
	if (id < 0)
		return pf_fail(b, -EINVAL, "'.maps' section has no DATASEC in BTF");
	ds = btf__type_by_id(obj->btf, id);
	vsi = btf_var_secinfos(ds);
	for (i = 0; i < btf_vlen(ds); i++, vsi++) {
		const struct btf_type *var = btf__type_by_id(obj->btf, vsi->type);
		const struct btf_type *def;
		struct pf_map *map;

		if (!var || !btf_is_var(var))
			return pf_fail(b, -EINVAL, "'.maps' entry %d is not a variable", i);
		def = pf_btf__skip_mods(obj->btf, var->type);
		if (!def || !btf_is_struct(def))
			return pf_fail(b, -EINVAL, "map '%s' is not a struct",
				       btf__name_by_offset(obj->btf, var->name_off));
		err = maps__add(b, cap, &map);
		if (err)
			return err;
		map->name = btf__name_by_offset(obj->btf, var->name_off);
		map->sec_name = obj->secs[sec].name;
		map->sec = sec;
		/*
		 * clang leaves DATASEC offsets 0 and libbpf fixes them from the
		 * symbols (btf_fixup_datasec()): trust the symbol named like the
		 * variable, the DATASEC only without one.
		 */
		map->sym = find_symbol_named(obj, obj->secs[sec].elf_index, map->name);
		map->sec_off = map->sym >= 0 ? obj->syms[map->sym].value : vsi->offset;
		map->def_size = map->sym >= 0 && obj->syms[map->sym].size ?
				obj->syms[map->sym].size : vsi->size;
		if (map->sec_off > obj->secs[sec].size ||
		    map->def_size > obj->secs[sec].size - map->sec_off)
			return pf_fail(b, -EINVAL, "map '%s' lies outside '.maps'",
				       map->name);
		err = maps__parse_btf_def(b, map, def, &obj->secs[sec]);
		if (err)
			return err;
	}
	return 0;
}

static uint32_t legacy_u32(const struct pf_object *obj, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return obj->big_endian ? bswap_32(v) : v;
}

/* libbpf < 1.0: each symbol of the section is a struct bpf_map_def. */
static int maps__build_legacy(struct pf_build *b, int sec, size_t *cap)
{
	struct pf_object *obj = b->obj;
	const struct pf_section *s = &obj->secs[sec];
	size_t i, nr = 0, def_size;
	int err;

	for (i = 0; i < obj->sym_cnt; i++)
		if (obj->syms[i].shndx == s->elf_index &&
		    obj->syms[i].type != STT_SECTION && obj->syms[i].bind != STB_LOCAL)
			nr++;
	if (!nr)
		return 0;
	def_size = s->size / nr;
	if (def_size < LEGACY_DEF_MIN || !s->data)
		return pf_fail(b, -EINVAL, "section '%s': %zu maps in %llu bytes",
			       s->name, nr, (unsigned long long)s->size);
	for (i = 0; i < obj->sym_cnt; i++) {
		const struct pf_symbol *sym = &obj->syms[i];
		const uint8_t *p;
		struct pf_map *map;

		if (sym->shndx != s->elf_index || sym->type == STT_SECTION ||
		    sym->bind == STB_LOCAL)
			continue;
		if (sym->value > s->size || LEGACY_DEF_MIN > s->size - sym->value)
			return pf_fail(b, -EINVAL, "map '%s' lies outside '%s'",
				       sym->name, s->name);
		err = maps__add(b, cap, &map);
		if (err)
			return err;
		p = s->data + sym->value;
		map->name = sym->name;
		map->sec_name = s->name;
		map->legacy = true;
		map->sym = (int)i;
		map->sec = sec;
		map->sec_off = sym->value;
		map->def_size = def_size;
		map->type = legacy_u32(obj, p);
		map->key_size = legacy_u32(obj, p + 4);
		map->value_size = legacy_u32(obj, p + 8);
		map->max_entries = legacy_u32(obj, p + 12);
		if (def_size >= 20 && s->size - sym->value >= 20)
			map->map_flags = legacy_u32(obj, p + 16);
	}
	return 0;
}

int pf_maps__build(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	size_t i, cap = 0;
	int err = 0;

	for (i = 0; i < obj->sec_cnt && !err; i++) {
		const char *name = obj->secs[i].name;

		if (!strcmp(name, ".maps"))
			err = maps__build_btf(b, i, &cap);
		else if (!strcmp(name, "maps") || !strncmp(name, "maps/", 5))
			err = maps__build_legacy(b, i, &cap);
	}
	return err;
}

int pf_object__map_of_reloc(const struct pf_object *obj, const struct pf_reloc *r,
			    const struct pf_insn *insn)
{
	const struct pf_symbol *s = &obj->syms[r->sym];
	uint64_t off = s->value;
	size_t i;

	/*
	 * Against a named map symbol the offset is the symbol's; against a
	 * section symbol it sits in the addend (RELA) or the imm (REL).
	 */
	if (r->addend)
		off += r->addend;
	else if (s->type == STT_SECTION && insn)
		off += (uint32_t)insn->imm;
	for (i = 0; i < obj->map_cnt; i++) {
		const struct pf_map *m = &obj->maps[i];

		if (obj->secs[m->sec].elf_index == s->shndx &&
		    off >= m->sec_off && off < m->sec_off + m->def_size)
			return (int)i;
	}
	return -1;
}

// SPDX-License-Identifier: MIT
/*
 * ELF layer: sections, symbols and relocations through libelf, which also
 * converts symbol and relocation tables of either byte order to host order.
 * Instruction bytes are left as they are and decoded by insn.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libelf.h>

#include "internal.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

static int elf__check_header(struct pf_build *b, GElf_Ehdr *ehdr)
{
	struct pf_object *obj = b->obj;
	size_t i;

	if (obj->image_size < EI_NIDENT || memcmp(obj->image, ELFMAG, SELFMAG))
		return pf_fail(b, -ENOEXEC, "not an ELF file");
	if (elf_kind(b->elf) != ELF_K_ELF)
		return pf_fail(b, -ENOEXEC, "not an ELF file");
	if (gelf_getclass(b->elf) != ELFCLASS64)
		return pf_fail(b, -ENOEXEC, "not a BPF object: 32-bit ELF");
	if (!gelf_getehdr(b->elf, ehdr))
		return pf_fail(b, -ENOEXEC, "truncated or corrupt ELF header: %s",
			       elf_errmsg(-1));
	switch (ehdr->e_ident[EI_DATA]) {
	case ELFDATA2LSB:
		obj->big_endian = false;
		break;
	case ELFDATA2MSB:
		obj->big_endian = true;
		break;
	default:
		return pf_fail(b, -ENOEXEC, "unknown ELF byte order %u",
			       ehdr->e_ident[EI_DATA]);
	}
	obj->e_machine = ehdr->e_machine;
	if (ehdr->e_machine == EM_BPF)
		return 0;
	if (ehdr->e_machine != EM_NONE)
		return pf_fail(b, -ENOEXEC, "not a BPF object (e_machine %u)",
			       ehdr->e_machine);
	/* Old LLVM wrote e_machine 0; accept it when the code looks like BPF. */
	for (i = 0; i < obj->sec_cnt; i++)
		if (obj->secs[i].exec)
			break;
	if (i == obj->sec_cnt)
		return pf_fail(b, -ENOEXEC,
			       "not a BPF object (e_machine 0 and no code sections)");
	pf_warn(obj, "e_machine is 0, not EM_BPF (247); treating it as BPF");
	return 0;
}

static int elf__load_insns(struct pf_build *b, struct pf_section *s)
{
	size_t i;

	if (s->size % PF_INSN_SZ)
		return pf_fail(b, -EINVAL,
			       "section '%s': size %llu is not a multiple of 8",
			       s->name, (unsigned long long)s->size);
	s->insn_cnt = s->size / PF_INSN_SZ;
	if (s->insn_cnt > PF_MAX_INSNS)
		return pf_fail(b, -E2BIG, "section '%s': %zu instructions (limit %u)",
			       s->name, s->insn_cnt, PF_MAX_INSNS);
	s->insns = pf_calloc(s->insn_cnt, sizeof(*s->insns));
	if (!s->insns)
		return pf_fail(b, -ENOMEM, "out of memory");
	for (i = 0; i < s->insn_cnt; i++)
		pf_insn__decode(s->data + i * PF_INSN_SZ, b->obj->big_endian,
				&s->insns[i]);
	return 0;
}

static int elf__load_sections(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	size_t shnum, shstrndx, total_insns = 0;
	Elf_Scn *scn = NULL;
	int err;

	if (elf_getshdrnum(b->elf, &shnum) || elf_getshdrstrndx(b->elf, &shstrndx))
		return pf_fail(b, -EINVAL, "corrupt section header table: %s",
			       elf_errmsg(-1));
	if (shnum > PF_MAX_SECTIONS)
		return pf_fail(b, -E2BIG, "%zu sections (limit %u)", shnum,
			       PF_MAX_SECTIONS);
	obj->secs = pf_calloc(shnum, sizeof(*obj->secs));
	if (!obj->secs)
		return pf_fail(b, -ENOMEM, "out of memory");
	b->symtab_shndx = -1;
	b->text_sec = UINT32_MAX;

	while ((scn = elf_nextscn(b->elf, scn))) {
		struct pf_section *s;
		GElf_Shdr shdr;
		Elf_Data *data;
		const char *name;

		if (obj->sec_cnt >= shnum)
			break;
		if (!gelf_getshdr(scn, &shdr))
			return pf_fail(b, -EINVAL, "corrupt section header: %s",
				       elf_errmsg(-1));
		name = elf_strptr(b->elf, shstrndx, shdr.sh_name);
		if (!name)
			return pf_fail(b, -EINVAL,
				       "corrupt section name table (section %zu)",
				       elf_ndxscn(scn));
		s = &obj->secs[obj->sec_cnt];
		s->name = name;
		s->elf_index = elf_ndxscn(scn);
		s->type = shdr.sh_type;
		s->flags = shdr.sh_flags;
		s->size = shdr.sh_size;
		if (shdr.sh_type == SHT_SYMTAB) {
			if (b->symtab_shndx >= 0)
				return pf_fail(b, -EINVAL, "more than one symbol table");
			b->symtab_shndx = s->elf_index;
		}
		if (shdr.sh_type != SHT_NOBITS && shdr.sh_type != SHT_NULL) {
			if (shdr.sh_offset > obj->image_size ||
			    shdr.sh_size > obj->image_size - shdr.sh_offset)
				return pf_fail(b, -EINVAL,
					       "section '%s' lies outside the file (truncated?)",
					       name);
			/* Raw bytes: code and BTF are decoded by us/libbpf. */
			data = elf_rawdata(scn, NULL);
			if (shdr.sh_size && (!data || !data->d_buf ||
					     data->d_size != shdr.sh_size))
				return pf_fail(b, -EINVAL, "section '%s': unreadable data",
					       name);
			s->data = shdr.sh_size ? data->d_buf : NULL;
		} else {
			s->size = shdr.sh_type == SHT_NOBITS ? shdr.sh_size : 0;
		}
		s->exec = shdr.sh_type == SHT_PROGBITS &&
			  (shdr.sh_flags & SHF_EXECINSTR);
		if (s->exec) {
			err = elf__load_insns(b, s);
			if (err)
				return err;
			total_insns += s->insn_cnt;
			if (total_insns > PF_MAX_INSNS) {
				/* not counted in sec_cnt yet: free it here (LeakSanitizer, t_limits.sh) */
				free(s->insns);
				s->insns = NULL;
				return pf_fail(b, -E2BIG, "more than %u instructions",
					       PF_MAX_INSNS);
			}
			if (!strcmp(name, ".text"))
				b->text_sec = obj->sec_cnt;
		}
		obj->sec_cnt++;
	}
	return 0;
}

int pf_elf__sec_by_shndx(const struct pf_object *obj, uint32_t shndx)
{
	/* Sections are stored in header order starting at index 1. */
	if (shndx >= 1 && shndx - 1 < obj->sec_cnt &&
	    obj->secs[shndx - 1].elf_index == shndx)
		return (int)(shndx - 1);
	return -1;
}

int pf_elf__find_section(const struct pf_object *obj, const char *name)
{
	size_t i;

	for (i = 0; i < obj->sec_cnt; i++)
		if (!strcmp(obj->secs[i].name, name))
			return (int)i;
	return -1;
}

static int elf__load_symbols(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	GElf_Shdr shdr;
	Elf_Data *data;
	Elf_Scn *scn;
	size_t i, cnt;

	if (b->symtab_shndx < 0)
		return 0;	/* stripped: legacy section programs still work */
	scn = elf_getscn(b->elf, b->symtab_shndx);
	if (!scn || !gelf_getshdr(scn, &shdr))
		return pf_fail(b, -EINVAL, "corrupt symbol table");
	if (shdr.sh_entsize != gelf_fsize(b->elf, ELF_T_SYM, 1, EV_CURRENT))
		return pf_fail(b, -EINVAL, "corrupt symbol table: entry size %llu",
			       (unsigned long long)shdr.sh_entsize);
	if (pf_elf__sec_by_shndx(obj, shdr.sh_link) < 0 ||
	    obj->secs[shdr.sh_link - 1].type != SHT_STRTAB)
		return pf_fail(b, -EINVAL,
			       "corrupt symbol table: string table link %u is not a string table",
			       (unsigned int)shdr.sh_link);
	data = elf_getdata(scn, NULL);
	if (!data)
		return pf_fail(b, -EINVAL, "corrupt symbol table: %s",
			       elf_errmsg(-1));
	cnt = data->d_size / gelf_fsize(b->elf, ELF_T_SYM, 1, EV_CURRENT);
	if (cnt > PF_MAX_SYMBOLS)
		return pf_fail(b, -E2BIG, "%zu symbols (limit %u)", cnt,
			       PF_MAX_SYMBOLS);
	obj->syms = pf_calloc(cnt, sizeof(*obj->syms));
	if (!obj->syms)
		return pf_fail(b, -ENOMEM, "out of memory");
	for (i = 0; i < cnt; i++) {
		struct pf_symbol *s = &obj->syms[i];
		GElf_Sym sym;
		const char *name;

		if (!gelf_getsym(data, i, &sym))
			return pf_fail(b, -EINVAL, "corrupt symbol %zu", i);
		name = elf_strptr(b->elf, shdr.sh_link, sym.st_name);
		if (!name)
			return pf_fail(b, -EINVAL,
				       "corrupt symbol %zu: name offset %u outside the string table",
				       i, (unsigned int)sym.st_name);
		s->name = name;
		s->value = sym.st_value;
		s->size = sym.st_size;
		s->shndx = sym.st_shndx;
		s->type = GELF_ST_TYPE(sym.st_info);
		s->bind = GELF_ST_BIND(sym.st_info);
		s->visibility = GELF_ST_VISIBILITY(sym.st_other);
		/* Section symbols carry no name of their own. */
		if (s->type == STT_SECTION && !s->name[0]) {
			int sec = pf_elf__sec_by_shndx(obj, s->shndx);

			if (sec >= 0)
				s->name = obj->secs[sec].name;
		}
	}
	obj->sym_cnt = cnt;
	return 0;
}

static int reloc_cmp(const void *a, const void *b)
{
	const struct pf_reloc *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static unsigned int reloc_width(uint32_t type, bool code)
{
	switch (type) {
	case PF_R_BPF_64_64:
		return code ? 16 : 8;	/* code: both halves of an ld_imm64 */
	case PF_R_BPF_64_ABS64:
	case PF_R_BPF_GNU_DATA_64:
		return 8;
	case PF_R_BPF_64_ABS32:
	case PF_R_BPF_64_NODYLD32:
		return 4;
	case PF_R_BPF_64_32:
		return 8;	/* the call instruction */
	default:
		return 1;
	}
}

/* Only relocations of code and map sections matter to the model. */
static bool wants_relocs(const struct pf_section *s)
{
	return s->exec || !strcmp(s->name, ".maps") || !strcmp(s->name, "maps") ||
	       !strncmp(s->name, "maps/", 5);
}

static int elf__load_relocs_of(struct pf_build *b, Elf_Scn *scn, GElf_Shdr *shdr)
{
	struct pf_object *obj = b->obj;
	bool rela = shdr->sh_type == SHT_RELA;
	struct pf_section *t;
	Elf_Data *data;
	size_t i, cnt, total = 0;
	int tsec;

	tsec = pf_elf__sec_by_shndx(obj, shdr->sh_info);
	if (tsec < 0)
		return pf_fail(b, -EINVAL,
			       "relocation section %zu targets missing section %u",
			       elf_ndxscn(scn), (unsigned int)shdr->sh_info);
	t = &obj->secs[tsec];
	if (!wants_relocs(t))
		return 0;
	if ((int)shdr->sh_link != b->symtab_shndx)
		return pf_fail(b, -EINVAL, "relocations of '%s' use no symbol table",
			       t->name);
	data = elf_getdata(scn, NULL);
	if (!data)
		return pf_fail(b, -EINVAL, "corrupt relocations of '%s': %s",
			       t->name, elf_errmsg(-1));
	/* Old LLVM wrote RELA; the addend then lives in the entry. */
	cnt = data->d_size / gelf_fsize(b->elf, rela ? ELF_T_RELA : ELF_T_REL, 1,
					 EV_CURRENT);
	for (i = 0; i < obj->sec_cnt; i++)
		total += obj->secs[i].reloc_cnt;
	if (cnt > PF_MAX_RELOCS || total + cnt > PF_MAX_RELOCS)
		return pf_fail(b, -E2BIG, "more than %u relocations", PF_MAX_RELOCS);
	if (t->relocs)
		return pf_fail(b, -EINVAL, "section '%s' has two relocation sections",
			       t->name);
	t->relocs = pf_calloc(cnt, sizeof(*t->relocs));
	if (!t->relocs)
		return pf_fail(b, -ENOMEM, "out of memory");
	for (i = 0; i < cnt; i++) {
		struct pf_reloc *r = &t->relocs[i];
		GElf_Rela rela_ent = { 0 };
		GElf_Rel rel;

		if (rela ? !gelf_getrela(data, i, &rela_ent) : !gelf_getrel(data, i, &rel))
			return pf_fail(b, -EINVAL, "corrupt relocation %zu of '%s'",
				       i, t->name);
		if (rela) {
			rel.r_offset = rela_ent.r_offset;
			rel.r_info = rela_ent.r_info;
		}
		r->offset = rel.r_offset;
		r->type = GELF_R_TYPE(rel.r_info);
		r->sym = GELF_R_SYM(rel.r_info);
		r->addend = rela_ent.r_addend;
		if (r->sym >= obj->sym_cnt)
			return pf_fail(b, -EINVAL,
				       "relocation %zu of '%s' names symbol %u of %zu",
				       i, t->name, r->sym, obj->sym_cnt);
		if (r->offset > t->size || reloc_width(r->type, t->exec) > t->size - r->offset)
			return pf_fail(b, -EINVAL,
				       "relocation %zu of '%s' at offset %llu lies outside the section",
				       i, t->name, (unsigned long long)r->offset);
		if (t->exec && r->offset % PF_INSN_SZ &&
		    r->type != PF_R_BPF_64_ABS32 && r->type != PF_R_BPF_64_NODYLD32)
			return pf_fail(b, -EINVAL,
				       "relocation %zu of '%s' is not on an instruction",
				       i, t->name);
	}
	t->reloc_cnt = cnt;
	qsort(t->relocs, cnt, sizeof(*t->relocs), reloc_cmp);
	return 0;
}

static int elf__load_relocs(struct pf_build *b)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr shdr;
	int err;

	while ((scn = elf_nextscn(b->elf, scn))) {
		if (!gelf_getshdr(scn, &shdr))
			return pf_fail(b, -EINVAL, "corrupt section header");
		if (shdr.sh_type != SHT_REL && shdr.sh_type != SHT_RELA)
			continue;
		err = elf__load_relocs_of(b, scn, &shdr);
		if (err)
			return err;
	}
	return 0;
}

int pf_elf__load(struct pf_build *b)
{
	struct pf_object *obj = b->obj;
	GElf_Ehdr ehdr;
	size_t i;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return pf_fail(b, -EINVAL, "libelf: %s", elf_errmsg(-1));
	if (obj->image_size < EI_NIDENT || memcmp(obj->image, ELFMAG, SELFMAG))
		return pf_fail(b, -ENOEXEC, obj->image_size ? "not an ELF file"
							     : "empty file");
	b->elf = elf_memory((char *)obj->image, obj->image_size);
	if (!b->elf)
		return pf_fail(b, -ENOEXEC, "not an ELF file: %s", elf_errmsg(-1));
	obj->priv = b->elf;
	if (gelf_getclass(b->elf) == ELFCLASS64 && gelf_getehdr(b->elf, &ehdr) &&
	    ehdr.e_machine != EM_BPF && ehdr.e_machine != EM_NONE)
		return pf_fail(b, -ENOEXEC, "not a BPF object (e_machine %u)",
			       ehdr.e_machine);
	if (gelf_getehdr(b->elf, &ehdr) &&
	    (ehdr.e_shoff > obj->image_size || (uint64_t)ehdr.e_shnum *
	     ehdr.e_shentsize > obj->image_size - ehdr.e_shoff))
		return pf_fail(b, -EINVAL,
			       "truncated: the section header table ends at byte %llu of %zu",
			       (unsigned long long)(ehdr.e_shoff +
				(uint64_t)ehdr.e_shnum * ehdr.e_shentsize),
			       obj->image_size);
	/* Instructions are decoded while sections load: byte order first. */
	obj->big_endian = obj->image[EI_DATA] == ELFDATA2MSB;
	err = elf__load_sections(b);
	if (err)
		return err;
	err = elf__check_header(b, &ehdr);
	if (err)
		return err;
	err = elf__load_symbols(b);
	if (err)
		return err;
	err = elf__load_relocs(b);
	if (err)
		return err;
	for (i = 0; i < obj->sec_cnt; i++)
		if (obj->secs[i].exec)
			return 0;
	return pf_fail(b, -ENOEXEC, "no BPF code: the object has no executable section");
}

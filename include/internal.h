/* SPDX-License-Identifier: MIT */
/*
 * Analyzer-private declarations: the stages that build a pf_object, in the
 * order pf_object__open_mem() runs them. Rules never include this file.
 */
#ifndef PF_INTERNAL_H
#define PF_INTERNAL_H

#include <stdarg.h>
#include <gelf.h>

#include "model.h"
#include "util.h"

/* BTF FUNC linkage lives in vlen; libbpf 1.1 has no accessor for it. */
#define pf_btf_func_linkage(t) btf_vlen(t)

struct pf_build {
	struct pf_object *obj;
	Elf *elf;
	char *err;
	size_t errlen;
	int symtab_shndx;	/* SHT_SYMTAB section index */
	uint32_t text_sec;	/* index into obj->secs of .text, or UINT32_MAX */
	size_t line_cap;	/* capacity of obj->lines */
};

/* The one error path: record @fmt in the caller's buffer, return @errn. */
int pf_fail(struct pf_build *b, int errn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void pf_warn(struct pf_object *obj, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Hand @s (malloc'ed) to @obj, freed with it; frees @s on failure. */
int pf_object__keep_string(struct pf_object *obj, char *s);


/* elf.c: sections, symbols, relocations, byte order. */
int pf_elf__load(struct pf_build *b);
int pf_elf__find_section(const struct pf_object *obj, const char *name);

/* btf.c: .BTF through libbpf, .BTF.ext by hand. */
struct btf_type;
int pf_btf__load(struct pf_build *b);
/* After functions exist: func_info linkage and per-insn line info. */
int pf_btf__apply_ext(struct pf_build *b);

/* functions.c: entry programs and subprograms. */
int pf_functions__build(struct pf_build *b);

/* maps.c: BTF-defined and legacy maps, static prog arrays. */
int pf_maps__build(struct pf_build *b);

/* calls.c: call sites, callbacks, tail calls; per-program order. */
int pf_calls__build(struct pf_build *b);
int pf_programs__build(struct pf_build *b);

#endif /* PF_INTERNAL_H */

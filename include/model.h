/* SPDX-License-Identifier: MIT */
/*
 * The model of one compiled BPF object, built once by the analyzer and read
 * by every rule and reporter. Nothing here is written after
 * pf_object__open() returns.
 *
 * Indices, not pointers, link the pieces (function -> section, call ->
 * function, map slot -> function), so the arrays can grow while the model
 * is built.
 */
#ifndef PF_MODEL_H
#define PF_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "insn.h"

struct btf;
struct btf_type;

/* Relocation types of the BPF ELF ABI (llvm's BPFRelocs.def). */
enum pf_reloc_type {
	PF_R_BPF_NONE = 0,
	PF_R_BPF_64_64 = 1,
	PF_R_BPF_64_ABS64 = 2,
	PF_R_BPF_64_ABS32 = 3,
	PF_R_BPF_64_NODYLD32 = 4,
	PF_R_BPF_64_32 = 10,
	PF_R_BPF_GNU_DATA_64 = 12,	/* binutils' old number for _ABS64 */
};

struct pf_symbol {
	const char *name;
	uint64_t value;
	uint64_t size;
	uint32_t shndx;		/* SHN_UNDEF for externs */
	uint8_t type;		/* STT_* */
	uint8_t bind;		/* STB_* */
	uint8_t visibility;	/* STV_* */
};

struct pf_reloc {
	uint64_t offset;	/* byte offset in the relocated section */
	uint32_t type;		/* enum pf_reloc_type */
	uint32_t sym;		/* index into pf_object.syms */
	int64_t addend;		/* RELA only (old LLVM); 0 for REL */
};

/* A source position from .BTF.ext line_info; line 0 means unknown. */
struct pf_line {
	const char *file;
	const char *text;	/* the source line as recorded in BTF */
	uint32_t line;
	uint32_t col;
};

struct pf_section {
	const char *name;
	uint32_t elf_index;	/* section header index */
	uint32_t type;		/* SHT_* */
	uint64_t flags;		/* SHF_* */
	const uint8_t *data;	/* NULL for SHT_NOBITS */
	uint64_t size;
	bool exec;		/* SHF_EXECINSTR PROGBITS: holds code */

	/* For code sections only. */
	struct pf_insn *insns;
	size_t insn_cnt;
	struct pf_reloc *relocs;	/* sorted by offset */
	size_t reloc_cnt;
	/* Per insn: 1-based index into pf_object.lines, 0 when unknown. */
	uint32_t *line_idx;
};

enum pf_call_kind {
	PF_CALL_HELPER,		/* call imm, src_reg 0 */
	PF_CALL_SUBPROG,	/* bpf-to-bpf call */
	PF_CALL_KFUNC,		/* call relocated against an undefined extern */
	PF_CALL_EXTERN,		/* call to an undefined non-kfunc symbol */
	PF_CALL_CALLBACK,	/* ld_imm64 of a function address */
};

/* One call site or callback reference inside a function. */
struct pf_call {
	size_t insn;		/* slot index inside the section */
	enum pf_call_kind kind;
	int helper_id;		/* PF_CALL_HELPER */
	int target;		/* function index, or -1 */
	const char *sym_name;	/* kfunc / extern name */

	/* PF_CALL_CALLBACK: the call that takes the callback, if found. */
	int consumer_insn;	/* slot index, or -1 */
	int consumer_helper;	/* helper id, or -1 */
	const char *consumer_kfunc;
	bool async;		/* timer / wq callback: a root of its own */
	bool loop_inline;	/* bpf_loop with constant zero flags: inlinable */

	/* Tail calls (helper 12). */
	int map;		/* map index of the prog array, or -1 */
	int64_t index;		/* constant slot, or -1 when not constant */
};

struct pf_function {
	const char *name;
	uint32_t sec;		/* index into pf_object.secs */
	size_t start;		/* first slot, inside the section */
	size_t end;		/* one past the last slot */
	int sym;		/* symbol index, -1 for legacy section programs */
	bool entry;		/* an entry program (not .text) */
	bool global;		/* kernel view: BTF linkage, else binding */
	int btf_id;		/* BTF FUNC type id, 0 when absent */
	bool has_func_info;	/* a .BTF.ext func_info record names it */
	bool has_tail_call;	/* any call 12 inside, reachable or not */
	bool has_isa_v4;	/* uses cpu v4 encodings (sign-extension, sdiv, bswap, gotol) */

	struct pf_call *calls;
	size_t call_cnt;

	/* Stack facts (stack.c). */
	struct pf_stack_facts {
		uint32_t depth;		/* deepest byte below r10, unrounded */
		int32_t arg_min_off[5];	/* deepest offset via pointer arg i */
		uint8_t arg_used;	/* bit i: arg i was dereferenced */
		bool bounded;		/* an access we could not place: an upper bound is unknown */
		bool inexact;		/* variable offsets: depth is an upper bound */
		size_t deepest_insn;	/* the access that set depth */
		uint8_t touched[64];	/* bit d-1: byte r10-d is touched, d in 1..512 */
	} stack;
};

struct pf_program {
	int func;		/* entry function index */
	const char *sec_name;
	bool type_known;	/* libbpf knows the section name */
	int prog_type;		/* enum bpf_prog_type */
	int attach_type;	/* enum bpf_attach_type */

	/* Functions in libbpf's append order = kernel subprog order. */
	int *funcs;
	size_t func_cnt;
};

struct pf_map {
	const char *name;
	const char *sec_name;	/* ".maps", "maps", ... */
	bool legacy;		/* struct bpf_map_def in a "maps" section */
	int sym;		/* symbol index, -1 if anonymous */
	uint32_t sec;		/* section index */
	uint64_t sec_off;	/* offset of the definition in it */
	uint64_t def_size;
	uint32_t type;		/* enum bpf_map_type */
	uint32_t key_size;
	uint32_t value_size;
	uint32_t max_entries;
	uint32_t map_flags;

	/* Statically initialised prog array: slot -> function, -1 if empty. */
	int *slots;
	size_t slot_cnt;
};

/* What put bytes on a frame, besides plain loads and stores (stack.c). */
enum pf_stack_use_kind {
	PF_USE_HELPER_ARG,	/* a helper's memory argument */
	PF_USE_KFUNC_ARG,	/* a kfunc's memory argument */
	PF_USE_CALLEE,		/* a callee or callback dereferences a pointer into it */
	PF_USE_SPILL,		/* an 8-byte store of a register (spill) */
};

struct pf_stack_use {
	int func;		/* the frame's function */
	size_t insn;		/* the call or store */
	int32_t off;		/* lowest byte, relative to r10 (negative) */
	uint32_t size;
	uint8_t kind;		/* enum pf_stack_use_kind */
	uint8_t arg;		/* argument index (0-based) for calls */
	int helper;		/* helper id, or -1 */
	const char *callee;	/* kfunc or function name, or NULL */
};

struct pf_object {
	const char *path;
	uint8_t *image;		/* the file, owned */
	size_t image_size;
	bool big_endian;
	uint16_t e_machine;

	struct pf_section *secs;
	size_t sec_cnt;
	struct pf_symbol *syms;
	size_t sym_cnt;
	struct pf_function *funcs;
	size_t func_cnt;
	struct pf_program *progs;
	size_t prog_cnt;
	struct pf_map *maps;
	size_t map_cnt;

	struct btf *btf;	/* NULL when the object has no .BTF */
	struct pf_line *lines;	/* .BTF.ext line_info records */
	size_t line_cnt;
	bool has_btf_ext;
	bool has_line_info;
	bool has_dwarf;		/* .debug_info present */

	/* Warnings met while modelling, one line each, without the path. */
	char **warnings;
	size_t warning_cnt;

	struct pf_stack_use *stack_uses;	/* sorted by (func, off) */
	size_t stack_use_cnt;


	char **owned;		/* strings the model made (names), freed with it */
	size_t owned_cnt;

	void *priv;		/* analyzer-private state (libelf handle) */
};

/*
 * Limits on what one object may contain. They bound memory and time on
 * hostile input; a real object is far below each.
 */
#define PF_MAX_FILE_SIZE	(256u << 20)
#define PF_MAX_SECTIONS		65536u
#define PF_MAX_SYMBOLS		(1u << 20)
#define PF_MAX_RELOCS		(4u << 20)
#define PF_MAX_INSNS		(4u << 20)	/* per object */
#define PF_MAX_FUNCS		65536u
#define PF_MAX_CALL_DEPTH	64u	/* call graph nesting we model */

/*
 * Open and model @path. On failure returns a negative errno and writes one
 * line (no path, no newline) into @err.
 */
int pf_object__open(const char *path, struct pf_object **out,
		    char *err, size_t errlen);
int pf_object__open_mem(const char *name, const void *buf, size_t size,
			struct pf_object **out, char *err, size_t errlen);
void pf_object__free(struct pf_object *obj);

/* Lookups used by every reporter. */
const struct pf_line *pf_object__line(const struct pf_object *obj,
				      uint32_t sec, size_t insn);
int pf_object__func_at(const struct pf_object *obj, uint32_t sec, size_t insn);
/*
 * The text BTF line info holds for line @line of @file, from any record;
 * NULL when no record names that line (clang records only lines that
 * produced instructions: a comment-only or blank line has none).
 */
const char *pf_object__line_text(const struct pf_object *obj, const char *file,
				 uint32_t line);
const struct pf_reloc *pf_section__reloc_at(const struct pf_section *sec,
					    uint64_t offset);
int pf_object__find_func(const struct pf_object *obj, const char *name);
/*
 * Number the basic-block leaders of @f (its start, jump targets, and the
 * slot after a jump) 1..n in @leader_idx (one entry per slot, zeroed by the
 * caller); returns n. The dataflows keep states only there.
 */
size_t pf_function__leaders(const struct pf_object *obj, const struct pf_function *f,
			    uint32_t *leader_idx);
/*
 * Mark in @target (one byte per slot of @f) the slots a jump of @f goes to:
 * check_cfg()'s jump targets (branch and ja targets, not fall-throughs).
 */
void pf_function__jump_targets(const struct pf_object *obj, const struct pf_function *f,
			       uint8_t *target);
/* The call site (or callback reference) at slot @insn of @f, or NULL. */
const struct pf_call *pf_function__call_at(const struct pf_function *f, size_t insn);
/*
 * Function index -> subprog index of @prog, as a sorted array (a table of
 * every function of the object per program would be quadratic on objects
 * of many small programs). pf_program__sub_refs() allocates it (free());
 * pf_sub_ref__find() gives the subprog, or -1 when @func is not in it.
 */
struct pf_sub_ref {
	int func, sub;
};
int pf_program__sub_refs(const struct pf_program *prog, struct pf_sub_ref **out);
int pf_sub_ref__find(const struct pf_sub_ref *refs, size_t n, int func);

/* Index into obj->secs of the section with ELF header index @shndx, or -1. */
int pf_elf__sec_by_shndx(const struct pf_object *obj, uint32_t shndx);

/* Map an ld_imm64 relocation refers to, or -1. */
int pf_object__map_of_reloc(const struct pf_object *obj, const struct pf_reloc *r,
			    const struct pf_insn *insn);

/* Helper id -> name ("map_lookup_elem"), NULL when unknown. */
const char *pf_helper__name(int id);
int pf_helper__max_id(void);

/* btf.c */
/*
 * The type @id names with modifiers and typedefs skipped, as the kernel
 * compares types; void (id 0) is libbpf's void type. NULL for an id
 * outside @btf or a chain longer than the kernel accepts (a loop in a
 * crafted object). The one walk of BTF chains: analyzer passes after the
 * build use it too.
 */
const struct btf_type *pf_btf__skip_mods(const struct btf *btf, uint32_t id);
/* The prototype of the function (a kfunc, an extern) @name in @btf, or NULL. */
const struct btf_type *pf_btf__func_proto(const struct btf *btf, const char *name);
/*
 * The exception callback @prog's main names with the BTF decl tag
 * "exception_callback:NAME" (__exception_cb(), 6.7+): a function index,
 * or -1.
 */
int pf_program__exception_cb(const struct pf_object *obj, const struct pf_program *prog);

#endif /* PF_MODEL_H */

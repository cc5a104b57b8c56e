/* SPDX-License-Identifier: MIT */
/*
 * The analysis set: what the objects of one run share once they are loaded
 * together. A program extension (SEC("freplace/F")) replaces a function of
 * a program in another object (or its own); a prog array of one object may
 * hold programs of others. Objects are modelled and freed one at a time, so
 * each leaves a unit here: the summary those cross-object checks need
 * (BTF prototypes, linkage, what changes packet data, stack chains per
 * kernel profile, prog arrays and who tail-calls through them).
 *
 * pf_linkset__add() summarises one object; pf_linkset__resolve() matches
 * every extension to its target and wires prog arrays; the attach and
 * membership verdicts below are what the kernel decides at BPF_PROG_LOAD of
 * an extension and at BPF_MAP_UPDATE_ELEM of a prog array.
 */
#ifndef PF_LINKSET_H
#define PF_LINKSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis.h"
#include "model.h"
#include "profile.h"
#include "rule_ids.h"

#define PF_LINK_MAX_ARGS	12	/* MAX_BPF_FUNC_ARGS */
#define PF_LINK_MAX_PROFILES	32	/* = PF_MAX_PROFILES: kernels are a bit mask */

/* A BTF type with modifiers and typedefs skipped, as the kernel compares it. */
struct pf_link_type {
	uint32_t info;		/* BTF info word: kind, vlen, kflag */
	uint32_t size;		/* for kinds that have one */
	bool has_size;
	bool is_ptr_struct;	/* pointer to a struct or union */
	bool is_ptr;
	bool is_scalar;		/* int, enum, enum64 (btf_type_is_int/btf_is_any_enum) */
	char *struct_name;	/* is_ptr_struct: the pointee's name */
};

struct pf_link_proto {
	bool known;		/* FUNC -> FUNC_PROTO read from BTF */
	int nargs;
	struct pf_link_type ret;
	struct pf_link_type args[PF_LINK_MAX_ARGS];
};

struct pf_link_func {
	char *name;
	bool global;		/* BTF linkage as the kernel sees it (after libbpf) */
	bool in_btf;		/* has a BTF FUNC: libbpf can find it by name */
	bool is_main;		/* the entry function of a program */
	int prog;		/* a program whose subprograms include it, -1: none */
	/* The verifier will find its BTF at odds with how it is called or
	 * entered (btf_check_subprog_arg_match): "Cannot replace static
	 * functions" for an extension. Per profile, as a tristate. */
	int8_t unreliable[PF_LINK_MAX_PROFILES];
	bool exception_cb;	/* named by a program's "exception_callback:" decl tag */
	bool changes_pkt;	/* it or a callee calls a packet-changing helper */
	bool tail_calls;	/* it or a callee makes a tail call */
	struct pf_link_proto proto;
	/* per profile: bytes of the deepest caller chain above it (rounded frames) */
	uint32_t callers[PF_LINK_MAX_PROFILES];
	/* where it starts */
	char *file;
	uint32_t line, col;
	char *src;
};

struct pf_link_prog {
	int func;		/* its main, index into the unit's funcs */
	char *sec_name;
	bool type_known;
	int prog_type;		/* enum bpf_prog_type */
	int attach_type;	/* enum bpf_attach_type, as libbpf sets it */
	bool ext;		/* BPF_PROG_TYPE_EXT */
	bool fentry_fexit;	/* TRACING with fentry/fexit attach */
	bool has_btf;		/* func_info reaches the kernel */
	const char *ext_target;	/* SEC("freplace/NAME"): NAME (into sec_name) */
	uint32_t max_total[PF_LINK_MAX_PROFILES];	/* deepest chain, bytes */
	int *tail_maps;		/* prog arrays it tail-calls through (unit map indices) */
	size_t tail_map_cnt;

	/* Set by pf_linkset__resolve() for extensions. */
	int tgt_unit, tgt_func, tgt_prog;	/* -1 when not found */
	int tgt_cnt;		/* candidates by name (>1: ambiguous, none chosen) */
	bool tgt_declared;	/* from --attach */
};

struct pf_link_member {
	uint32_t idx;
	int unit, prog;
	bool declared;		/* --tail-target, not a static initialiser */
};

struct pf_link_map {
	char *name;
	bool prog_array;
	struct pf_link_member *members;
	size_t member_cnt, member_cap;
};

struct pf_link_unit {
	char *path;
	struct pf_link_func *funcs;
	size_t func_cnt;
	struct pf_link_prog *progs;
	size_t prog_cnt;
	struct pf_link_map *maps;
	size_t map_cnt;
};

struct pf_linkset {
	struct pf_link_unit *units;
	size_t unit_cnt, unit_cap;
	const struct pf_profile *profiles;
	size_t profile_cnt;
};

/* An empty set over @profiles (at most PF_LINK_MAX_PROFILES are used). */
void pf_linkset__init(struct pf_linkset *set, const struct pf_profile *profiles, size_t cnt);
/* Summarise @obj into a new unit of @set; 0 or -ENOMEM. */
int pf_linkset__add(struct pf_linkset *set, struct pf_analysis *an);
/*
 * Match extensions to targets (by name, or as @attach says:
 * "EXT_OBJ:PROG=TARGET_OBJ:FUNC") and add the declared prog-array members
 * (@tail: "[OBJ:]MAP[IDX]=OBJ:PROG"). On a spec that names nothing in the
 * set: -EINVAL with one line in @err.
 */
int pf_linkset__resolve(struct pf_linkset *set, char *const *attach, size_t attach_cnt,
			char *const *tail, size_t tail_cnt, char *err, size_t errlen);
void pf_linkset__free(struct pf_linkset *set);

/* Does @spec's object part name @path ("x.o" matches "dir/x.o")? */
bool pf_linkset__path_is(const char *path, const char *obj, size_t obj_len);

/*
 * What BPF_PROG_LOAD of extension @prog of unit @u says against its
 * target on @p: PF_ACCEPT, or PF_REJECT with the verifier's message;
 * PF_UNPREDICTABLE when the target is unknown or a fact is.
 */
int pf_linkset__attach(const struct pf_linkset *set, size_t u, size_t prog,
		       const struct pf_profile *p, char *msg, size_t len);

/* Why a prog array refuses a member on @p: 0 (accepted), -EINVAL or -EBUSY, or 1 (unknown). */
int pf_linkset__member(const struct pf_linkset *set, size_t u, size_t map,
		       const struct pf_link_member *m, const struct pf_profile *p,
		       char *why, size_t len);

/* The program type a prog array's owner has on @p (EXT resolved or not), or -1. */
int pf_linkset__owner_type(const struct pf_linkset *set, size_t u, size_t map,
			   const struct pf_profile *p, int *owner_prog);

/* One kernel's outcome of a check; rules group kernels with equal outcomes. */
struct pf_outcome {
	int code;		/* rule-defined; 0 = fine */
	char msg[300];
};

/* Call @fn once per distinct non-zero outcome of @o[0..n) with the kernels that share it. */
void pf_outcome__group(const struct pf_outcome *o, size_t n,
		       void (*fn)(void *arg, const struct pf_outcome *o, uint32_t mask),
		       void *arg);

/* "6.1.192 x86_64, 6.12.117 x86_64" for the profiles in @mask */
void pf_linkset__kernels(const struct pf_linkset *set, uint32_t mask, char *buf, size_t len);

#endif /* PF_LINKSET_H */

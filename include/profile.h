/* SPDX-License-Identifier: MIT */
/*
 * Kernel profiles: what a given kernel (version, architecture, JIT) does.
 * Every kernel difference the rules depend on is one row of the fact table
 * in analyzer/profile.c, with the upstream release that brought it, the
 * first release of each stable series that carries a backport, and
 * whether it is a property of the JIT (then it is never true without the
 * JIT). Rules ask pf_profile__has(); they never compare versions or look
 * at the JIT themselves.
 */
#ifndef PF_PROFILE_H
#define PF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PF_KV(a, b, c)	(((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))
#define PF_KV_MAJOR(v)	((v) >> 16)
#define PF_KV_MINOR(v)	(((v) >> 8) & 0xff)
#define PF_KV_PATCH(v)	((v) & 0xff)

enum pf_arch {
	PF_ARCH_X86_64,
	PF_ARCH_ARM64,
	PF_ARCH_S390X,
	PF_ARCH_LOONGARCH64,
	PF_ARCH_RISCV64,
	PF_ARCH_PPC64LE,
	PF_ARCH_NR,
};

enum pf_fact {
	/* check_max_stack_depth rounds frames to 16 (JIT) instead of 32, min 1 */
	PF_FACT_ROUND16_JIT,
	/* stack_depth is recorded rounded up to 8 (else the exact offset) */
	PF_FACT_DEPTH_ROUND8,
	/* async (timer, wq) callbacks are walked as roots of their own */
	PF_FACT_ASYNC_CB_ROOT,
	/* the JIT supports tail calls in programs with bpf-to-bpf calls */
	PF_FACT_SUBPROG_TAILCALL,
	/* "mixing of tail_calls and bpf-to-bpf calls is not supported" text */
	PF_FACT_MIXING_MSG_V615,
	/*
	 * Private stacks, per program type: bpf_enable_priv_stack() gives
	 * them to kprobe, tracepoint, perf_event and raw_tp programs and to
	 * tracing programs with recursion checks. Builds of one release
	 * differ here (measured on 6.18.44 builds), hence one fact a type.
	 */
	PF_FACT_PRIV_STACK_KPROBE,
	PF_FACT_PRIV_STACK_TRACEPOINT,
	PF_FACT_PRIV_STACK_PERF_EVENT,
	PF_FACT_PRIV_STACK_RAW_TP,
	PF_FACT_PRIV_STACK_TRACING,
	/* exception callbacks (bpf_throw) are separate roots */
	PF_FACT_EXCEPTION_CB,
	/* tail-call counter shared through subprograms (hierarchy fix) */
	PF_FACT_TAILCALL_HIER_FIX,
	/* EXT programs refused as prog_array members (CVE-2024-47794 fix) */
	PF_FACT_EXT_PROG_ARRAY_BAN,
	/* prog_array members need equal expected_attach_type */
	PF_FACT_PROG_ARRAY_ATTACH_TYPE,
	/* extensions must not change packet data unless the target does */
	PF_FACT_EXT_PKT_DATA,
	/* check_max_stack_depth walks roots from the last subprog down */
	PF_FACT_ROOTS_REVERSE,
	/* bpf_loop calls with a known callback are inlined: +24 bytes of stack */
	PF_FACT_BPF_LOOP_INLINE,
	/* prog arrays compare an EXT program as its target's type (resolve_prog_type) */
	PF_FACT_PROG_ARRAY_RESOLVE_EXT,
	/* a tracing program's main is always "unreliable" BTF, even `int f(void)` */
	PF_FACT_TRACING_MAIN_UNRELIABLE,
	/* cpu v4 instructions: sign-extending loads/moves, sdiv/smod, bswap, gotol */
	PF_FACT_ISA_V4,
	/* a lookup in an ARRAY with a constant key below max_entries is non-NULL */
	PF_FACT_NULL_ELIDE_CONST_KEY,
	/* global functions are verified after main, and only when called (lazily) */
	PF_FACT_GLOBAL_LAZY,
	/* check_cfg() lets a bpf-to-bpf call close a loop (recursion reaches do_check) */
	PF_FACT_CFG_CALL_LOOP_OK,
	/* a helper's stack access is typed "read from"/"write to", not "indirect access to" */
	PF_FACT_HELPER_ACCESS_TYPED,
	/* may_goto keeps an 8-byte counter on the stack (do_misc_fixups) */
	PF_FACT_MAY_GOTO_STACK,
	/* timed may_goto: 16 bytes instead of 8 */
	PF_FACT_MAY_GOTO_TIMED,
	/* tnum_strn() prints a known value as a number ("0"), not "(0x0; 0x0)" */
	PF_FACT_TNUM_CONST_DECIMAL,
	/* the variable-offset stack message prints the fixed offset ("off=%d") */
	PF_FACT_VAR_OFF_MSG_OFF,
	/* is_branch_taken() decides JEQ/JNE by bounds and known bits, not only for a constant */
	PF_FACT_JEQ_BOUNDS,
	/* privileged programs may read stack slots the path never wrote */
	PF_FACT_UNINIT_STACK_READ,
	/* a zero-sized stack range ends at smax + off, which may not pass 0 */
	PF_FACT_ZERO_SIZE_END,
	/* bpf_fastcall: spill/fill pairs around an inlined call are dropped, the frame lowered */
	PF_FACT_FASTCALL,
	/* ... and bpf_get_smp_processor_id() is such a call (inlined with the JIT) */
	PF_FACT_FASTCALL_HELPER,
	PF_FACT_NR,
};

enum pf_tristate { PF_NO = 0, PF_YES = 1, PF_UNKNOWN = -1 };

/* A profile's own value for a fact (a measured kernel), else the table's. */
enum pf_fact_src { PF_SRC_TABLE = 0, PF_SRC_NO, PF_SRC_YES, PF_SRC_UNKNOWN };

struct pf_profile {
	uint32_t version;	/* PF_KV(); patch 0 = the x.y release */
	bool patch_known;	/* "6.1" vs "6.1.170" */
	enum pf_arch arch;
	bool jit;
	char name[64];		/* "6.1.170", a profile file's label, "7.0~6.18" */
	uint8_t fact[PF_FACT_NR];	/* enum pf_fact_src: overrides the table */
};

/* Parse "6.1", "6.1.170", "6.12.117+deb12-cloud-amd64"; 0 on success. */
int pf_profile__parse(const char *s, enum pf_arch arch, bool jit,
		      struct pf_profile *out);
int pf_arch__parse(const char *s, enum pf_arch *out);
const char *pf_arch__name(enum pf_arch arch);

/* "yes", "no", "unknown" */
const char *pf_tristate__name(enum pf_tristate v);

enum pf_tristate pf_profile__has(const struct pf_profile *p, enum pf_fact fact);
/* The upstream release that brought @fact on @arch ("6.14"), or NULL if none. */
const char *pf_fact__since(enum pf_fact fact, enum pf_arch arch, char *buf, size_t len);
/* The row's provenance: "6.13; backports 6.12.117, 6.1.192; with the JIT". */
const char *pf_fact__describe(enum pf_fact fact, char *buf, size_t len);
/* The kernels `probe` measured the row on ("6.1.170, ... (host)"), or NULL. */
const char *pf_fact__probed(enum pf_fact fact);
/* What the fact table alone says (no profile override). */
enum pf_tristate pf_profile__table(const struct pf_profile *p, enum pf_fact fact);
/* The fact's name in profile files ("priv_stack_kprobe"); NULL if out of range. */
const char *pf_fact__name(enum pf_fact fact);
int pf_fact__parse(const char *name, enum pf_fact *out);
/* Override @fact with a measured value (PF_YES, PF_NO or PF_UNKNOWN). */
void pf_profile__set(struct pf_profile *p, enum pf_fact fact, enum pf_tristate v);

/*
 * Read a profile written by `bpf-preflight probe` (JSON, schema/profile.json):
 * the release parsed as pf_profile__parse() does, then every fact it carries
 * overrides the table. 0, or -errno with a one-line reason in @err.
 */
int pf_profile__load(const char *path, struct pf_profile *out, char *err, size_t errlen);
/* The same from the file's text (a profile just probed, a cached one). */
int pf_profile__load_text(const char *text, struct pf_profile *out, char *err, size_t errlen);

/*
 * 0 when @s is an upstream release the table can speak for; else -EINVAL
 * (not a version) or -ERANGE (before the oldest or after the newest known
 * kernel, or a distribution build with a tag) with the reason in @why.
 */
int pf_profile__place(const char *s, char *why, size_t len);

/*
 * The upstream release of a running kernel from its uname -r and -v:
 * Debian names its 6.1 kernels 6.1.0-N and says the release in -v
 * ("... Debian 6.1.170-3 (date)"); other kernels say it in -r.
 */
void pf_profile__uname_release(const char *release, const char *version, char *buf, size_t len);

/*
 * The known kernel (of pf_profile__known()) nearest @s: the newest not
 * after it, else the oldest; into @buf. NULL when @s is not a version.
 * What "-k X~" assumes X is like.
 */
const char *pf_profile__nearest(const char *s, char *buf, size_t len);

/* The kernels `--kernel all` (and no --kernel) reports on. */
const char *const *pf_profile__known(void);

#endif /* PF_PROFILE_H */

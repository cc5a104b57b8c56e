// SPDX-License-Identifier: MIT
/*
 * The kernel fact table. Each fact: the upstream release that brought it
 * (per architecture where the JIT matters) and, per stable series, the
 * backport: the first release known to carry it and the last known not
 * to. Releases between those two are honestly unknown. Sources are in
 * ../shared/docs/verifier-facts.md; "measured" means a Debian kernel
 * booted by `make vmtest` (6.1.170, 6.1.192, 6.12.x) or the 6.18 host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "bpf_limits.h"
#include "profile.h"
#include "util.h"

struct backport {
	uint32_t series;	/* PF_KV(x, y, 0) */
	uint8_t first_with;	/* first patch release known to carry it */
	uint8_t last_without;	/* last patch release known not to (0: none known) */
};

struct fact_row {
	enum pf_fact fact;
	uint32_t upstream[PF_ARCH_NR];	/* 0: never (as of 6.18) */
	struct backport bp[4];
	bool jit;			/* a property of the JIT: never without it */
	/*
	 * When the upstream release is only bracketed: the newest x.y known
	 * not to have it; releases after it and before upstream are unknown.
	 */
	uint32_t known_without;
	/*
	 * Where `bpf-preflight probe` measured this row's value (make
	 * vmtest checks it on every run: tests/lib/profile-vs-table.py);
	 * NULL: no experiment can see it.
	 */
	const char *probed;
};

#define PROBED_VM	"6.1.170, 6.1.192, 6.12.118 (Debian, qemu, x86_64 and arm64)"
#define PROBED_VM_HOST	PROBED_VM ", 6.18.44 (host, x86_64)"
#define PROBED_612_HOST	"6.12.118 (Debian, qemu, x86_64 and arm64), 6.18.44 (host)"


#define ALL(v)	{ v, v, v, v, v, v }
#define PRIV_STACK_UPSTREAM	{ PF_KV(6, 13, 0), PF_KV(6, 17, 0), 0, 0, 0, 0 }

static const struct fact_row facts[PF_FACT_NR] = {
	/* "bpf: Fix test verif_scale_strobemeta_subprogs failure due to llvm19" */
	[PF_FACT_ROUND16_JIT] = { PF_FACT_ROUND16_JIT, ALL(PF_KV(6, 9, 0)), {}, .jit = true, .probed = PROBED_VM_HOST },
	/* grow_stack_state() rounds to 8; measured: 6.1.170 exact, 6.1.192 by 8 */
	[PF_FACT_DEPTH_ROUND8] = { PF_FACT_DEPTH_ROUND8, ALL(PF_KV(6, 8, 0)),
	  { { PF_KV(6, 1, 0), 192, 170 } }, .jit = false, .probed = PROBED_VM_HOST },
	/* 5415ccd50a86 "bpf: Fix max stack depth check for async callbacks" */
	[PF_FACT_ASYNC_CB_ROOT] = { PF_FACT_ASYNC_CB_ROOT, ALL(PF_KV(6, 5, 0)),
	  { { PF_KV(6, 1, 0), 170, 0 } }, .jit = false, .probed = PROBED_VM_HOST },
	/* x86-64 e411901c0b77 (5.10), arm64 6.0, s390x dd691e847d28, loongarch bb035ef0cc91 */
	[PF_FACT_SUBPROG_TAILCALL] = { PF_FACT_SUBPROG_TAILCALL,
	  { PF_KV(5, 10, 0), PF_KV(6, 0, 0), PF_KV(6, 3, 0), PF_KV(6, 4, 0), 0, 0 }, {}, .jit = true, .probed = PROBED_VM_HOST },
	/* a2598045ead9 "bpf: clarify a misleading verifier error message" */
	[PF_FACT_MIXING_MSG_V615] = { PF_FACT_MIXING_MSG_V615, ALL(PF_KV(6, 15, 0)), {}, .jit = false },
	/*
	 * "bpf: Support private stack for bpf progs" (x86-64), 6c17a882d380
	 * (arm64). Upstream gives every one of these types a private stack;
	 * a build can differ (6.18.44-fc-v1045 and -v1252 refuse kprobe,
	 * tracepoint and raw_tp frames of 304+304 while perf_event is accepted,
	 * -v669 accepted kprobe): `bpf-preflight probe` measures them.
	 */
	[PF_FACT_PRIV_STACK_KPROBE] = { PF_FACT_PRIV_STACK_KPROBE, PRIV_STACK_UPSTREAM, {}, .jit = true, .probed = PROBED_VM },
	[PF_FACT_PRIV_STACK_TRACEPOINT] = { PF_FACT_PRIV_STACK_TRACEPOINT, PRIV_STACK_UPSTREAM, {}, .jit = true, .probed = PROBED_VM },
	[PF_FACT_PRIV_STACK_PERF_EVENT] = { PF_FACT_PRIV_STACK_PERF_EVENT, PRIV_STACK_UPSTREAM, {}, .jit = true, .probed = PROBED_VM_HOST },
	[PF_FACT_PRIV_STACK_RAW_TP] = { PF_FACT_PRIV_STACK_RAW_TP, PRIV_STACK_UPSTREAM, {}, .jit = true, .probed = PROBED_VM },
	[PF_FACT_PRIV_STACK_TRACING] = { PF_FACT_PRIV_STACK_TRACING, PRIV_STACK_UPSTREAM, {}, .jit = true, .probed = PROBED_VM },
	[PF_FACT_EXCEPTION_CB] = { PF_FACT_EXCEPTION_CB, ALL(PF_KV(6, 7, 0)), {}, .jit = false, .probed = PROBED_VM_HOST },
	/* 116e04ba1459 "bpf, x64: Fix tailcall hierarchy" and its arm64 twin */
	[PF_FACT_TAILCALL_HIER_FIX] = { PF_FACT_TAILCALL_HIER_FIX,
	  { PF_KV(6, 12, 0), PF_KV(6, 12, 0), PF_KV(6, 17, 0), 0, 0, 0 },
	  { { PF_KV(6, 12, 0), 54, 0 } }, .jit = true, .probed = PROBED_VM_HOST },
	/* d6083f040d5d "bpf: Prevent tailcall infinite loop caused by freplace" */
	[PF_FACT_EXT_PROG_ARRAY_BAN] = { PF_FACT_EXT_PROG_ARRAY_BAN, ALL(PF_KV(6, 13, 0)),
	  { { PF_KV(6, 1, 0), 192, 170 }, { PF_KV(6, 12, 0), 117, 0 } }, .jit = false, .probed = PROBED_VM },
	/* 4540aed51b12 "bpf: Enforce expected_attach_type for tailcall compatibility";
	 * measured on 6.1.170 too (tests/lib/freplace-records.md, fact 4) */
	[PF_FACT_PROG_ARRAY_ATTACH_TYPE] = { PF_FACT_PROG_ARRAY_ATTACH_TYPE, ALL(PF_KV(6, 18, 0)),
	  { { PF_KV(6, 1, 0), 170, 0 }, { PF_KV(6, 12, 0), 57, 0 } }, .jit = false, .probed = PROBED_VM_HOST },
	/* 1c123c567fb1 "bpf: Resolve fext program type when checking map compatibility";
	 * measured on 6.1.170 (freplace-records.md, fact 3) */
	[PF_FACT_PROG_ARRAY_RESOLVE_EXT] = { PF_FACT_PROG_ARRAY_RESOLVE_EXT, ALL(PF_KV(6, 2, 0)),
	  { { PF_KV(6, 1, 0), 170, 0 } }, .jit = false, .probed = PROBED_VM },
	/* measured: `int f(void)` fentry is reliable on 6.1.170/.192, not on 6.12.117;
	 * the release between that changed it is not known */
	[PF_FACT_TRACING_MAIN_UNRELIABLE] = { PF_FACT_TRACING_MAIN_UNRELIABLE, ALL(PF_KV(6, 12, 0)), {},
	  .jit = false, .known_without = PF_KV(6, 1, 0), .probed = PROBED_VM },
	/* "bpf: check changes_pkt_data property for extension programs" */
	[PF_FACT_EXT_PKT_DATA] = { PF_FACT_EXT_PKT_DATA, ALL(PF_KV(6, 13, 0)),
	  { { PF_KV(6, 12, 0), 117, 0 } }, .jit = false, .probed = PROBED_VM },
	/* "bpf: Find eligible subprogs for private stack support"; Debian 6.12 carries it */
	[PF_FACT_ROOTS_REVERSE] = { PF_FACT_ROOTS_REVERSE, ALL(PF_KV(6, 13, 0)),
	  { { PF_KV(6, 12, 0), 58, 0 } }, .jit = false, .probed = PROBED_VM_HOST },
	/* "bpf: Inline calls to bpf_loop when callback is known" */
	[PF_FACT_BPF_LOOP_INLINE] = { PF_FACT_BPF_LOOP_INLINE, ALL(PF_KV(5, 19, 0)), {}, .jit = false, .probed = PROBED_VM_HOST },
	/* "bpf: Support new sign-extension load insns" and the rest of cpu v4 */
	[PF_FACT_ISA_V4] = { PF_FACT_ISA_V4, ALL(PF_KV(6, 6, 0)), {}, .jit = false, .probed = PROBED_VM_HOST },
	/* d2102f2f5d75 "bpf: verifier: Support eliding map lookup nullness" */
	[PF_FACT_NULL_ELIDE_CONST_KEY] = { PF_FACT_NULL_ELIDE_CONST_KEY, ALL(PF_KV(6, 14, 0)), {}, .jit = false, .probed = PROBED_VM_HOST },
	/* "bpf: validate global subprogs lazily" (v6.8): uncalled globals are never verified */
	[PF_FACT_GLOBAL_LAZY] = { PF_FACT_GLOBAL_LAZY, ALL(PF_KV(6, 8, 0)), {}, .jit = false, .probed = PROBED_VM_HOST },
	/*
	 * 10e14e9652bf "bpf: fix control-flow graph checking in privileged
	 * mode" (v6.7, 6.6.3): a bpf-to-bpf call may close a loop in
	 * check_cfg(); 6.1.y refuses it ("back-edge from insn 7 to 3",
	 * measured on 6.1.170/.192).
	 */
	[PF_FACT_CFG_CALL_LOOP_OK] = { PF_FACT_CFG_CALL_LOOP_OK, ALL(PF_KV(6, 7, 0)),
	  { { PF_KV(6, 6, 0), 3, 0 } }, .jit = false, .probed = PROBED_VM_HOST },
	/*
	 * 37cce22dbd51 "bpf: verifier: Refactor helper access type tracking"
	 * (v6.14; not in 6.12.y): measured 6.12.117 "invalid indirect access
	 * to stack R3 off=-513 size=8", 6.18.44 "invalid write to stack R3 ..."
	 */
	[PF_FACT_HELPER_ACCESS_TYPED] = { PF_FACT_HELPER_ACCESS_TYPED, ALL(PF_KV(6, 14, 0)), {},
	  .jit = false, .probed = PROBED_VM_HOST },
	/*
	 * is_scalar_branch_taken() in Debian's 6.12.118 source decides a JEQ
	 * or JNE by disjoint bounds and by known bits that differ
	 * (tnum_overlap()); 6.1's is_branch64/32_taken() only for a constant.
	 * Measured: "(r & 15) * 4 + 3 == 62" and "== 64" are explored by
	 * 6.1.170/.192 and pruned by 6.12.118 and 6.18. The release between
	 * that changed it is not known.
	 */
	[PF_FACT_JEQ_BOUNDS] = { PF_FACT_JEQ_BOUNDS, ALL(PF_KV(6, 12, 0)), {},
	  .jit = false, .known_without = PF_KV(6, 1, 0), .probed = PROBED_VM_HOST },
	/*
	 * 6b4a64bafd10 "bpf: Fix accesses to uninit stack slots" (v6.8;
	 * 6.1.191, CVE-2023-52452): reads below the written stack are allowed
	 * for privileged programs. Measured: 6.1.170 refuses "invalid read
	 * from stack R10 off=-496 size=1", 6.1.192 accepts (tools/gen-programs.py).
	 */
	[PF_FACT_UNINIT_STACK_READ] = { PF_FACT_UNINIT_STACK_READ, ALL(PF_KV(6, 8, 0)),
	  { { PF_KV(6, 1, 0), 191, 170 } }, .jit = false, .probed = PROBED_VM_HOST },
	/*
	 * a833a17aeac7 "bpf: Fix verification of indirect var-off stack
	 * access" (v6.8; the int-overflow fix of v6.9 names it): a zero-sized
	 * range ends at smax + off, which may not pass 0; before, it ended at
	 * its start. Measured (testdata/engine/zero_size.bpf.c): 6.1.170,
	 * 6.1.192, 6.12.118 and 6.18 refuse "r1 in fp-16 .. fp+47, size 0".
	 * Which 6.1 release took the backport is not known.
	 */
	[PF_FACT_ZERO_SIZE_END] = { PF_FACT_ZERO_SIZE_END, ALL(PF_KV(6, 8, 0)),
	  { { PF_KV(6, 1, 0), 170, 0 } }, .jit = false, .probed = PROBED_VM_HOST },
	/* 5bd90cdc65ef "bpf: Minor logging improvement" (v6.8): "var_off=%s off=%d size=%d" */
	[PF_FACT_VAR_OFF_MSG_OFF] = { PF_FACT_VAR_OFF_MSG_OFF, ALL(PF_KV(6, 8, 0)), {}, .jit = false, .probed = PROBED_VM_HOST },
	/* 011832b97b31 "bpf: Introduce may_goto instruction" (v6.9, stack_extra 8); measured on 6.12.117 */
	[PF_FACT_MAY_GOTO_STACK] = { PF_FACT_MAY_GOTO_STACK, ALL(PF_KV(6, 9, 0)), {}, .jit = false, .probed = PROBED_VM_HOST },
	/*
	 * 6.12's kernel/bpf/log.c prints a constant tnum as a number (16-bit
	 * values in decimal); 6.1's kernel/bpf/tnum.c always "(%#llx; %#llx)".
	 * Measured on 6.18 (misaligned stack access off 0+-8+2 size 8,
	 * verifier_raw_stack selftest). The release between is not known.
	 */
	[PF_FACT_TNUM_CONST_DECIMAL] = { PF_FACT_TNUM_CONST_DECIMAL, ALL(PF_KV(6, 12, 0)), {},
	  .jit = false, .known_without = PF_KV(6, 1, 0), .probed = PROBED_VM_HOST },
	/*
	 * e723608bf428 "bpf: Add verifier support for timed may_goto" (v6.15)
	 * with 2fb761823ead for the x86-64 JIT: 16 bytes; measured on 6.18.
	 * Other JITs gained it later (arm64 posted in August 2025): not known.
	 */
	[PF_FACT_MAY_GOTO_TIMED] = { PF_FACT_MAY_GOTO_TIMED, { PF_KV(6, 15, 0), 0, 0, 0, 0, 0 }, {},
	  .jit = true, .probed = PROBED_VM_HOST },
	/*
	 * 5b5f51bff1b6 "bpf: no_caller_saved_registers attribute for helper
	 * calls" (v6.12, renamed bpf_fastcall before the release):
	 * mark_fastcall_patterns(), remove_fastcall_spills_fills(); the kfuncs
	 * bpf_cast_to_kern_ctx and bpf_rdonly_cast (is_fastcall_kfunc_call())
	 * are in Debian's 6.12.118 source. Measured on 6.18: the selftest
	 * verifier_bpf_fastcall 'simple' prints "stack depth 8" (48 without).
	 */
	[PF_FACT_FASTCALL] = { PF_FACT_FASTCALL, ALL(PF_KV(6, 12, 0)), {}, .jit = false, .probed = PROBED_612_HOST },
	/*
	 * bpf_get_smp_processor_id() is the one helper with .allow_fastcall;
	 * the x86-64 verifier inlines it when the JIT is on (6.12's
	 * verifier_inlines_helper_call()), the arm64 and riscv64 JITs do
	 * (bpf_jit_inlines_helper_call(); 6.12's selftest
	 * verifier_bpf_fastcall.c says so). Elsewhere the pairs stay.
	 */
	[PF_FACT_FASTCALL_HELPER] = { PF_FACT_FASTCALL_HELPER,
	  { PF_KV(6, 12, 0), PF_KV(6, 12, 0), 0, 0, PF_KV(6, 12, 0), 0 }, {}, .jit = true, .probed = PROBED_VM_HOST },
};

enum pf_tristate pf_profile__has(const struct pf_profile *p, enum pf_fact fact)
{
	if (fact < PF_FACT_NR) {
		switch (p->fact[fact]) {
		case PF_SRC_NO:
			return PF_NO;
		case PF_SRC_YES:
			return PF_YES;
		case PF_SRC_UNKNOWN:
			return PF_UNKNOWN;
		default:
			break;
		}
	}
	return pf_profile__table(p, fact);
}

const char *pf_tristate__name(enum pf_tristate v)
{
	return v == PF_YES ? "yes" : v == PF_NO ? "no" : "unknown";
}

void pf_profile__set(struct pf_profile *p, enum pf_fact fact, enum pf_tristate v)
{
	if (fact >= PF_FACT_NR)
		return;
	p->fact[fact] = v == PF_YES ? PF_SRC_YES : v == PF_NO ? PF_SRC_NO : PF_SRC_UNKNOWN;
}

/* The fact's row; NULL for a fact the table has no row for (a bug: t_unit). */
static const struct fact_row *row_of(enum pf_fact fact)
{
	if ((unsigned int)fact >= PF_FACT_NR || facts[fact].fact != fact)
		return NULL;
	return &facts[fact];
}

enum pf_tristate pf_profile__table(const struct pf_profile *p, enum pf_fact fact)
{
	const struct fact_row *row = row_of(fact);
	uint32_t series = p->version & ~0xffu, up;
	size_t j;

	if (!row || p->arch >= PF_ARCH_NR)
		return PF_UNKNOWN;
	up = row->upstream[p->arch];
	if (row->jit && !p->jit)
		return PF_NO;
	if (up && series >= up)
		return PF_YES;
	if (row->known_without && series > row->known_without)
		return PF_UNKNOWN;
	for (j = 0; j < sizeof(row->bp) / sizeof(row->bp[0]); j++) {
		const struct backport *bp = &row->bp[j];

		if (bp->series != series || !bp->first_with)
			continue;
		if (!p->patch_known)
			return PF_NO;	/* "x.y" means the x.y.0 release */
		if (PF_KV_PATCH(p->version) >= bp->first_with)
			return PF_YES;
		if (PF_KV_PATCH(p->version) <= bp->last_without)
			return PF_NO;
		return PF_UNKNOWN;
	}
	return PF_NO;
}

static const char *const arch_names[PF_ARCH_NR] = {
	[PF_ARCH_X86_64] = "x86_64",
	[PF_ARCH_ARM64] = "arm64",
	[PF_ARCH_S390X] = "s390x",
	[PF_ARCH_LOONGARCH64] = "loongarch64",
	[PF_ARCH_RISCV64] = "riscv64",
	[PF_ARCH_PPC64LE] = "ppc64le",
};

const char *pf_arch__name(enum pf_arch arch)
{
	return arch < PF_ARCH_NR ? arch_names[arch] : "?";
}

int pf_arch__parse(const char *s, enum pf_arch *out)
{
	int i;

	if (!strcmp(s, "amd64"))
		s = "x86_64";
	else if (!strcmp(s, "aarch64"))
		s = "arm64";
	for (i = 0; i < PF_ARCH_NR; i++) {
		if (!strcmp(s, arch_names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

int pf_profile__parse(const char *s, enum pf_arch arch, bool jit,
		      struct pf_profile *out)
{
	unsigned long a, b, c = 0;
	char *end;

	memset(out, 0, sizeof(*out));
	a = strtoul(s, &end, 10);
	if (end == s || *end != '.')
		return -EINVAL;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s)
		return -EINVAL;
	if (*end == '.') {
		s = end + 1;
		c = strtoul(s, &end, 10);
		if (end == s)
			return -EINVAL;
		out->patch_known = true;
	}
	/* Anything after the numbers ("-47-cloud-amd64", "+deb12") is a build tag. */
	if (*end && *end != '-' && *end != '+' && *end != '_')
		return -EINVAL;
	if (a < 4 || a > 255 || b > 255)
		return -EINVAL;
	out->version = PF_KV(a, b, c > 255 ? 255 : c);
	out->arch = arch;
	out->jit = jit;
	if (out->patch_known)
		snprintf(out->name, sizeof(out->name), "%lu.%lu.%lu", a, b, c);
	else
		snprintf(out->name, sizeof(out->name), "%lu.%lu", a, b);
	return 0;
}

void pf_profile__uname_release(const char *release, const char *version, char *buf, size_t len)
{
	const char *deb = strstr(version, "Debian ");

	if (deb && deb[7] >= '0' && deb[7] <= '9')
		snprintf(buf, len, "%.*s", (int)strcspn(deb + 7, " -"), deb + 7);
	else
		snprintf(buf, len, "%s", release);
}

const char *const *pf_profile__known(void)
{
	/*
	 * Releases the tool speaks for when no --kernel is given: the LTS
	 * lines and the releases where a fact changed, plus the Debian
	 * builds `make vmtest` boots.
	 */
	static const char *const known[] = {
		"5.10", "5.15", "6.1.170", "6.1.192", "6.6", "6.8", "6.9",
		"6.12.117", "6.13", "6.15", "6.18", NULL,
	};
	return known;
}

/* ---- fact names and profile files ---- */

static const char *const fact_names[PF_FACT_NR] = {
	[PF_FACT_ROUND16_JIT]		= "round16_jit",
	[PF_FACT_DEPTH_ROUND8]		= "depth_round8",
	[PF_FACT_ASYNC_CB_ROOT]		= "async_cb_root",
	[PF_FACT_SUBPROG_TAILCALL]	= "subprog_tailcall",
	[PF_FACT_MIXING_MSG_V615]	= "mixing_msg_v615",
	[PF_FACT_PRIV_STACK_KPROBE]	= "priv_stack_kprobe",
	[PF_FACT_PRIV_STACK_TRACEPOINT]	= "priv_stack_tracepoint",
	[PF_FACT_PRIV_STACK_PERF_EVENT]	= "priv_stack_perf_event",
	[PF_FACT_PRIV_STACK_RAW_TP]	= "priv_stack_raw_tp",
	[PF_FACT_PRIV_STACK_TRACING]	= "priv_stack_tracing",
	[PF_FACT_EXCEPTION_CB]		= "exception_cb",
	[PF_FACT_TAILCALL_HIER_FIX]	= "tailcall_hier_fix",
	[PF_FACT_EXT_PROG_ARRAY_BAN]	= "ext_prog_array_ban",
	[PF_FACT_PROG_ARRAY_ATTACH_TYPE] = "prog_array_attach_type",
	[PF_FACT_EXT_PKT_DATA]		= "ext_pkt_data",
	[PF_FACT_ROOTS_REVERSE]		= "roots_reverse",
	[PF_FACT_BPF_LOOP_INLINE]	= "bpf_loop_inline",
	[PF_FACT_PROG_ARRAY_RESOLVE_EXT] = "prog_array_resolve_ext",
	[PF_FACT_TRACING_MAIN_UNRELIABLE] = "tracing_main_unreliable",
	[PF_FACT_ISA_V4]		= "isa_v4",
	[PF_FACT_NULL_ELIDE_CONST_KEY]	= "null_elide_const_key",
	[PF_FACT_GLOBAL_LAZY]		= "global_lazy",
	[PF_FACT_CFG_CALL_LOOP_OK]	= "cfg_call_loop_ok",
	[PF_FACT_HELPER_ACCESS_TYPED]	= "helper_access_typed",
	[PF_FACT_MAY_GOTO_STACK]	= "may_goto_stack",
	[PF_FACT_MAY_GOTO_TIMED]	= "may_goto_timed",
	[PF_FACT_TNUM_CONST_DECIMAL]	= "tnum_const_decimal",
	[PF_FACT_VAR_OFF_MSG_OFF]	= "var_off_msg_off",
	[PF_FACT_JEQ_BOUNDS]		= "jeq_bounds",
	[PF_FACT_UNINIT_STACK_READ]	= "uninit_stack_read",
	[PF_FACT_ZERO_SIZE_END]		= "zero_size_end",
	[PF_FACT_FASTCALL]		= "fastcall",
	[PF_FACT_FASTCALL_HELPER]	= "fastcall_helper",
};

const char *pf_fact__since(enum pf_fact fact, enum pf_arch arch, char *buf, size_t len)
{
	const struct fact_row *row = row_of(fact);
	uint32_t up = row && arch < PF_ARCH_NR ? row->upstream[arch] : 0;

	if (!up)
		return NULL;
	snprintf(buf, len, "%u.%u", PF_KV_MAJOR(up), PF_KV_MINOR(up));
	return buf;
}

/* "6.13", or "x86_64 6.13, arm64 6.17" where architectures differ */
static size_t describe_upstream(const struct fact_row *row, char *buf, size_t len)
{
	size_t used = 0;
	int a;
	bool same = true;

	for (a = 1; a < PF_ARCH_NR; a++)
		if (row->upstream[a] != row->upstream[0])
			same = false;
	for (a = 0; a < PF_ARCH_NR && used < len; a++) {
		uint32_t up = row->upstream[a];

		if (!up || (same && a))
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s%s%u.%u", used ? ", " : "",
					 same ? "" : pf_arch__name(a), same ? "" : " ",
					 PF_KV_MAJOR(up), PF_KV_MINOR(up));
	}
	if (!used)
		used = (size_t)snprintf(buf, len, "no release yet");
	return used < len ? used : len;
}

const char *pf_fact__describe(enum pf_fact fact, char *buf, size_t len)
{
	const struct fact_row *row = row_of(fact);
	size_t j, used;

	if (row) {
		used = describe_upstream(row, buf, len);
		for (j = 0; j < sizeof(row->bp) / sizeof(row->bp[0]) && used < len; j++)
			if (row->bp[j].first_with)
				used += (size_t)snprintf(buf + used, len - used, "%s%u.%u.%u",
							 j ? ", " : "; backports ",
							 PF_KV_MAJOR(row->bp[j].series),
							 PF_KV_MINOR(row->bp[j].series),
							 row->bp[j].first_with);
		if (row->jit && used < len)
			snprintf(buf + used, len - used, "; with the JIT");
		return buf;
	}
	snprintf(buf, len, "not in the table");
	return buf;
}

const char *pf_fact__probed(enum pf_fact fact)
{
	const struct fact_row *row = row_of(fact);

	return row ? row->probed : NULL;
}

const char *pf_fact__name(enum pf_fact fact)
{
	return fact < PF_FACT_NR ? fact_names[fact] : NULL;
}

int pf_fact__parse(const char *name, enum pf_fact *out)
{
	int i;

	for (i = 0; i < PF_FACT_NR; i++) {
		if (fact_names[i] && !strcmp(fact_names[i], name)) {
			*out = i;
			return 0;
		}
	}
	return -ENOENT;
}

#define LOAD_FAIL(e, ...)						\
	do {								\
		snprintf(err, errlen, __VA_ARGS__);			\
		ret = (e);						\
		goto out;						\
	} while (0)

/*
 * A label names the kernel in every report and in -k lists: one word that
 * fits pf_profile's name, without the list's comma or blanks that would
 * make "refused by A, B" ambiguous.
 */
static int label_check(const char *label, char *err, size_t errlen)
{
	const char *c;

	if (strlen(label) >= sizeof(((struct pf_profile *)0)->name)) {
		snprintf(err, errlen, "label '%.20s...' is longer than %zu characters", label,
			 sizeof(((struct pf_profile *)0)->name) - 1);
		return -EINVAL;
	}
	for (c = label; *c; c++) {
		if (*c == ',' || (unsigned char)*c <= ' ' || *c == 0x7f) {
			snprintf(err, errlen, "label '%s' has a comma, a blank or a control character", label);
			return -EINVAL;
		}
	}
	return 0;
}

int pf_profile__load(const char *path, struct pf_profile *out, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int ret;

	ret = pf_file__read(path, 1 << 20, &text, &len);
	if (ret) {
		snprintf(err, errlen, "cannot read profile (%s)", strerror(-ret));
		return ret;
	}
	ret = pf_profile__load_text(text, out, err, errlen);
	free(text);
	return ret;
}

int pf_profile__load_text(const char *text, struct pf_profile *out, char *err, size_t errlen)
{
	const cJSON *v, *facts, *f;
	cJSON *doc = NULL;
	enum pf_arch arch = PF_ARCH_X86_64;
	int ret = 0;

	doc = cJSON_Parse(text);
	if (!doc || !cJSON_IsObject(doc))
		LOAD_FAIL(-EINVAL, "not a JSON profile");
	v = cJSON_GetObjectItemCaseSensitive(doc, "bpf_preflight_profile");
	if (!cJSON_IsNumber(v) || v->valueint != 1)
		LOAD_FAIL(-EINVAL, "not a bpf-preflight profile (want \"bpf_preflight_profile\": 1)");
	v = cJSON_GetObjectItemCaseSensitive(doc, "arch");
	if (cJSON_IsString(v) && pf_arch__parse(v->valuestring, &arch))
		LOAD_FAIL(-EINVAL, "unknown architecture '%s'", v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(doc, "kernel");
	if (!cJSON_IsString(v) || pf_profile__parse(v->valuestring, arch, true, out))
		LOAD_FAIL(-EINVAL, "no kernel release X.Y.Z in \"kernel\"");
	v = cJSON_GetObjectItemCaseSensitive(doc, "jit");
	if (!cJSON_IsBool(v))
		LOAD_FAIL(-EINVAL, "\"jit\" is not true or false");
	out->jit = cJSON_IsTrue(v);
	v = cJSON_GetObjectItemCaseSensitive(doc, "label");
	if (v && (!cJSON_IsString(v) || !*v->valuestring))
		LOAD_FAIL(-EINVAL, "\"label\" is not a non-empty string");
	if (v) {
		ret = label_check(v->valuestring, err, errlen);
		if (ret)
			goto out;
		snprintf(out->name, sizeof(out->name), "%s", v->valuestring);
	}
	/*
	 * Limits every kernel the tool knows shares: a kernel measured with
	 * others is one the tool cannot speak for, whatever its facts say.
	 */
	{
		static const struct { const char *name; int want; } lim[] = {
			{ "stack", PF_MAX_BPF_STACK }, { "tailcall_frames", PF_TAILCALL_STACK_MAX },
		};
		const cJSON *limits = cJSON_GetObjectItemCaseSensitive(doc, "limits");
		size_t i;

		for (i = 0; limits && i < sizeof(lim) / sizeof(lim[0]); i++) {
			v = cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(limits, lim[i].name), "value");
			if (cJSON_IsNumber(v) && v->valueint != lim[i].want)
				LOAD_FAIL(-ERANGE, "limit '%s' measured %d bytes; the tool models kernels "
					  "with %d", lim[i].name, v->valueint, lim[i].want);
		}
		/* the engine reads .rodata knobs as constants, as these kernels do */
		v = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(limits, "rodata_const"), "value");
		if (cJSON_IsFalse(v))
			LOAD_FAIL(-ERANGE, "this kernel does not read frozen read-only maps (.rodata) "
				  "as constants; the tool models kernels that do");
	}
	facts = cJSON_GetObjectItemCaseSensitive(doc, "facts");
	if (facts && !cJSON_IsObject(facts))
		LOAD_FAIL(-EINVAL, "\"facts\" is not an object");
	cJSON_ArrayForEach(f, facts) {
		enum pf_fact fact;

		if (pf_fact__parse(f->string, &fact))
			LOAD_FAIL(-EINVAL, "unknown fact '%s'", f->string);
		/* what the probe could not measure is the table's: this tool's table */
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(f, "measured")))
			continue;
		v = cJSON_GetObjectItemCaseSensitive(f, "value");
		if (cJSON_IsBool(v))
			pf_profile__set(out, fact, cJSON_IsTrue(v) ? PF_YES : PF_NO);
		else if (cJSON_IsNull(v))
			pf_profile__set(out, fact, PF_UNKNOWN);
		else
			LOAD_FAIL(-EINVAL, "fact '%s': \"value\" is not true, false or null", f->string);
	}
out:
	cJSON_Delete(doc);
	return ret;
}

const char *pf_profile__nearest(const char *s, char *buf, size_t len)
{
	const char *const *known = pf_profile__known(), *best = known[0];
	struct pf_profile p, k;
	size_t i;

	if (pf_profile__parse(s, PF_ARCH_X86_64, true, &p))
		return NULL;
	/* the table's list is in release order: the last one not after @s */
	for (i = 0; known[i]; i++)
		if (!pf_profile__parse(known[i], PF_ARCH_X86_64, true, &k) && k.version <= p.version)
			best = known[i];
	snprintf(buf, len, "%s", best);
	return buf;
}

/*
 * Can the table speak for @s? Only for an upstream release between the
 * oldest and the newest kernels it knows: outside them a fact's state is
 * a guess, and a distribution or vendor build (a tag after X.Y.Z) carries
 * backports the table cannot know. Never a silent guess: the reason says
 * what to do instead, the explicit "assumed like" opt-in included.
 */
int pf_profile__place(const char *s, char *why, size_t len)
{
	const char *const *known = pf_profile__known();
	uint32_t oldest = 0, newest = 0, series;
	struct pf_profile p, k;
	char near[32];
	size_t used, i;

	if (pf_profile__parse(s, PF_ARCH_X86_64, true, &p)) {
		snprintf(why, len, "bad kernel version '%s' (want X.Y or X.Y.Z, host, all, none, @FILE, "
			 "@DIR or X~KNOWN)", s);
		return -EINVAL;
	}
	for (i = 0; known[i]; i++) {
		if (pf_profile__parse(known[i], PF_ARCH_X86_64, true, &k))
			continue;
		series = k.version & ~0xffu;
		if (!oldest || series < oldest)
			oldest = series;
		if (series > newest)
			newest = series;
	}
	series = p.version & ~0xffu;
	pf_profile__nearest(s, near, sizeof(near));
	if (s[strspn(s, "0123456789.")])
		used = (size_t)snprintf(why, len, "cannot place kernel '%s': a distribution or vendor build "
					"carries backports the fact table does not know; measure it with "
					"'bpf-preflight probe' on that machine and use -k @FILE, or give "
					"its upstream release X.Y.Z, or assume it is like a known kernel: "
					"-k '%s~%s'", s, s, near);
	else if (series < oldest)
		used = (size_t)snprintf(why, len, "kernel %s is older than the oldest the tool knows (%u.%u); "
					"measure it with 'bpf-preflight probe' and use -k @FILE, or "
					"assume it is like a known kernel: -k %s~%s",
					s, PF_KV_MAJOR(oldest), PF_KV_MINOR(oldest), s, near);
	else if (series > newest)
		used = (size_t)snprintf(why, len, "kernel %s is newer than the newest the tool knows (%u.%u); "
					"measure it with 'bpf-preflight probe' and use -k @FILE, or "
					"assume it is like a known kernel: -k %s~%s",
					s, PF_KV_MAJOR(newest), PF_KV_MINOR(newest), s, near);
	else
		return 0;
	for (i = 0; known[i] && used < len; i++)
		used += (size_t)snprintf(why + used, len - used, "%s%s", i ? ", " : "; known: ",
					 known[i]);
	return -ERANGE;
}

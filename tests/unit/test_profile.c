// SPDX-License-Identifier: MIT
/*
 * Unit tests for the kernel profile lookup (include/profile.h,
 * analyzer/profile.c): release parsing, the fact table with its backports
 * and brackets, per-architecture rows, overrides, fact names and profile
 * files. Every expectation names the row of the table in analyzer/profile.c
 * it checks. One line per case ("ok"/"FAIL"), then a summary; the exit
 * status is 1 if any case failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"

static int n_pass, n_fail;

/* One check inside a case; a case passes when all its checks do. */
static int case_fail;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			printf("    %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			printf("\n");					\
			case_fail = 1;					\
		}							\
	} while (0)

static void run_case(const char *name, void (*fn)(void))
{
	case_fail = 0;
	fn();
	if (case_fail) {
		n_fail++;
		printf("FAIL %s\n", name);
	} else {
		n_pass++;
		printf("ok   %s\n", name);
	}
}

static const char *tri(enum pf_tristate t)
{
	return t == PF_YES ? "YES" : t == PF_NO ? "NO" : t == PF_UNKNOWN ? "UNKNOWN" : "?";
}

/* What the table says for @fact on kernel @rel, @arch; PF_UNKNOWN - 1 if @rel does not parse. */
static enum pf_tristate table(const char *rel, enum pf_arch arch, enum pf_fact fact)
{
	struct pf_profile p;

	if (pf_profile__parse(rel, arch, true, &p))
		return (enum pf_tristate)(PF_UNKNOWN - 1);
	return pf_profile__has(&p, fact);
}

#define EXPECT(rel, arch, fact, want)					\
	do {								\
		enum pf_tristate got_ = table(rel, arch, fact);		\
		CHECK(got_ == (want), "%s %s %s: got %s, want %s", #fact,	\
		      pf_arch__name(arch), rel, tri(got_), tri(want));	\
	} while (0)

/* ---- pf_profile__parse ---- */

static void t_parse_ok(void)
{
	struct pf_profile p;

	CHECK(pf_profile__parse("6.1", PF_ARCH_X86_64, true, &p) == 0, "6.1 does not parse");
	CHECK(p.version == PF_KV(6, 1, 0) && !p.patch_known && !strcmp(p.name, "6.1"),
	      "6.1: version %#x patch_known %d name %s", p.version, p.patch_known, p.name);
	CHECK(pf_profile__parse("6.1.170", PF_ARCH_ARM64, false, &p) == 0, "6.1.170 does not parse");
	CHECK(p.version == PF_KV(6, 1, 170) && p.patch_known && p.arch == PF_ARCH_ARM64 &&
	      !p.jit && !strcmp(p.name, "6.1.170"),
	      "6.1.170: version %#x patch_known %d arch %d jit %d name %s",
	      p.version, p.patch_known, p.arch, p.jit, p.name);
	/* a build tag after the numbers is allowed (header comment of pf_profile__parse) */
	CHECK(pf_profile__parse("6.12.117+deb12-cloud-amd64", PF_ARCH_X86_64, true, &p) == 0 &&
	      p.version == PF_KV(6, 12, 117) && !strcmp(p.name, "6.12.117"),
	      "6.12.117+deb12-cloud-amd64: version %#x name %s", p.version, p.name);
	CHECK(pf_profile__parse("5.15-1-amd64", PF_ARCH_X86_64, true, &p) == 0 &&
	      p.version == PF_KV(5, 15, 0) && !p.patch_known, "5.15-1-amd64 does not parse as 5.15");
}

static void t_parse_errors(void)
{
	static const char *const bad[] = {
		"6",		/* no minor */
		"x.y",		/* not numbers */
		"6.1a",		/* 'a' is not a build tag separator (-, +, _) */
		"3.10",		/* major below 4 */
		"6.",		/* empty minor */
		"6.1.",		/* empty patch */
		"",
		"6.256",	/* minor above 255 */
	};
	struct pf_profile p;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(pf_profile__parse(bad[i], PF_ARCH_X86_64, true, &p) == -EINVAL,
		      "\"%s\" parses", bad[i]);
}

/* ---- the fact table ---- */

static void t_depth_round8_backport(void)
{
	/* row PF_FACT_DEPTH_ROUND8: ALL(6.8), backport { 6.1, first_with 192, last_without 170 } */
	EXPECT("6.1", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_NO);	/* "x.y" is x.y.0 */
	EXPECT("6.1.170", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_NO);	/* <= last_without */
	EXPECT("6.1.192", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_YES);	/* >= first_with */
	EXPECT("6.1.200", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_YES);
	EXPECT("6.1.100", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_NO);
	/* between last_without 170 and first_with 192: nobody knows */
	EXPECT("6.1.171", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_UNKNOWN);
	EXPECT("6.1.180", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_UNKNOWN);
	EXPECT("6.1.191", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_UNKNOWN);
	/* upstream 6.8 (ALL(PF_KV(6, 8, 0))); 6.6 has no backport row */
	EXPECT("6.6", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_NO);
	EXPECT("6.6.50", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_NO);
	EXPECT("6.8", PF_ARCH_X86_64, PF_FACT_DEPTH_ROUND8, PF_YES);
}

static void t_round16_jit(void)
{
	/* row PF_FACT_ROUND16_JIT: ALL(PF_KV(6, 9, 0)), no backports */
	EXPECT("6.8", PF_ARCH_X86_64, PF_FACT_ROUND16_JIT, PF_NO);
	EXPECT("6.8.12", PF_ARCH_X86_64, PF_FACT_ROUND16_JIT, PF_NO);
	EXPECT("6.9", PF_ARCH_X86_64, PF_FACT_ROUND16_JIT, PF_YES);
	EXPECT("6.9", PF_ARCH_ARM64, PF_FACT_ROUND16_JIT, PF_YES);
}

static void t_subprog_tailcall_arch(void)
{
	/* row PF_FACT_SUBPROG_TAILCALL: x86_64 5.10, arm64 6.0, s390x 6.3, loongarch64 6.4, riscv64/ppc64le 0 */
	EXPECT("5.10", PF_ARCH_X86_64, PF_FACT_SUBPROG_TAILCALL, PF_YES);
	EXPECT("5.15", PF_ARCH_ARM64, PF_FACT_SUBPROG_TAILCALL, PF_NO);
	EXPECT("6.0", PF_ARCH_ARM64, PF_FACT_SUBPROG_TAILCALL, PF_YES);
	EXPECT("6.2", PF_ARCH_S390X, PF_FACT_SUBPROG_TAILCALL, PF_NO);
	EXPECT("6.3", PF_ARCH_S390X, PF_FACT_SUBPROG_TAILCALL, PF_YES);
	/* upstream 0: never, whatever the release */
	EXPECT("6.18", PF_ARCH_RISCV64, PF_FACT_SUBPROG_TAILCALL, PF_NO);
}

static void t_priv_stack_arch(void)
{
	/* rows PF_FACT_PRIV_STACK_*: PRIV_STACK_UPSTREAM = { x86_64 6.13, arm64 6.17, others 0 } */
	static const enum pf_fact priv[] = {
		PF_FACT_PRIV_STACK_KPROBE, PF_FACT_PRIV_STACK_TRACEPOINT,
		PF_FACT_PRIV_STACK_PERF_EVENT, PF_FACT_PRIV_STACK_RAW_TP,
		PF_FACT_PRIV_STACK_TRACING,
	};
	size_t i;

	for (i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
		EXPECT("6.12", PF_ARCH_X86_64, priv[i], PF_NO);
		EXPECT("6.12.117", PF_ARCH_X86_64, priv[i], PF_NO);	/* no backport rows */
		EXPECT("6.13", PF_ARCH_X86_64, priv[i], PF_YES);
		EXPECT("6.13", PF_ARCH_ARM64, priv[i], PF_NO);
		EXPECT("6.16", PF_ARCH_ARM64, priv[i], PF_NO);
		EXPECT("6.17", PF_ARCH_ARM64, priv[i], PF_YES);
		EXPECT("6.18", PF_ARCH_S390X, priv[i], PF_NO);
	}
}

static void t_bracket_tracing_main(void)
{
	/*
	 * row PF_FACT_TRACING_MAIN_UNRELIABLE: ALL(PF_KV(6, 12, 0)), and
	 * brackets[] { PF_FACT_TRACING_MAIN_UNRELIABLE, known_without 6.1 }:
	 * 6.1 known NO, 6.2..6.11 unknown, 6.12 on YES.
	 */
	EXPECT("6.1", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_NO);
	EXPECT("6.1.192", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_NO);
	EXPECT("6.2", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_UNKNOWN);
	EXPECT("6.6", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_UNKNOWN);
	EXPECT("6.11", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_UNKNOWN);
	EXPECT("6.12", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_YES);
	EXPECT("6.12.117", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_YES);
	EXPECT("5.15", PF_ARCH_X86_64, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_NO);
}

static void t_other_backports(void)
{
	/* row PF_FACT_EXT_PROG_ARRAY_BAN: ALL(6.13), { 6.1, 192, 170 }, { 6.12, 117, 0 } */
	EXPECT("6.12.116", PF_ARCH_X86_64, PF_FACT_EXT_PROG_ARRAY_BAN, PF_UNKNOWN);
	EXPECT("6.12.117", PF_ARCH_X86_64, PF_FACT_EXT_PROG_ARRAY_BAN, PF_YES);
	EXPECT("6.12", PF_ARCH_X86_64, PF_FACT_EXT_PROG_ARRAY_BAN, PF_NO);
	EXPECT("6.1.170", PF_ARCH_X86_64, PF_FACT_EXT_PROG_ARRAY_BAN, PF_NO);
	EXPECT("6.1.192", PF_ARCH_X86_64, PF_FACT_EXT_PROG_ARRAY_BAN, PF_YES);
	/* row PF_FACT_ASYNC_CB_ROOT: ALL(6.5), { 6.1, first_with 170, last_without 0 } */
	EXPECT("6.1.169", PF_ARCH_X86_64, PF_FACT_ASYNC_CB_ROOT, PF_UNKNOWN);
	EXPECT("6.1.170", PF_ARCH_X86_64, PF_FACT_ASYNC_CB_ROOT, PF_YES);
	EXPECT("6.1.0", PF_ARCH_X86_64, PF_FACT_ASYNC_CB_ROOT, PF_NO);	/* patch 0 <= last_without 0 */
	/* row PF_FACT_TAILCALL_HIER_FIX: { x86_64 6.12, arm64 6.12, s390x 6.17, ... } */
	EXPECT("6.12", PF_ARCH_S390X, PF_FACT_TAILCALL_HIER_FIX, PF_NO);
	EXPECT("6.17", PF_ARCH_S390X, PF_FACT_TAILCALL_HIER_FIX, PF_YES);
}

static void t_jit_column(void)
{
	struct pf_profile p;

	/* rows with .jit = true answer NO without the JIT, whatever the release */
	CHECK(pf_profile__parse("6.9", PF_ARCH_X86_64, false, &p) == 0, "6.9 does not parse");
	/* row PF_FACT_ROUND16_JIT: ALL(6.9), .jit = true */
	CHECK(pf_profile__has(&p, PF_FACT_ROUND16_JIT) == PF_NO, "round16_jit without JIT not NO");
	/* row PF_FACT_SUBPROG_TAILCALL: x86_64 5.10, .jit = true */
	CHECK(pf_profile__has(&p, PF_FACT_SUBPROG_TAILCALL) == PF_NO,
	      "subprog_tailcall without JIT not NO");
	/* row PF_FACT_DEPTH_ROUND8: ALL(6.8), .jit = false: the JIT does not matter */
	CHECK(pf_profile__has(&p, PF_FACT_DEPTH_ROUND8) == PF_YES, "depth_round8 without JIT not YES");
	CHECK(pf_profile__parse("6.18", PF_ARCH_X86_64, false, &p) == 0, "6.18 does not parse");
	/* rows PF_FACT_PRIV_STACK_*: PRIV_STACK_UPSTREAM, .jit = true */
	CHECK(pf_profile__has(&p, PF_FACT_PRIV_STACK_KPROBE) == PF_NO,
	      "priv_stack_kprobe without JIT not NO");
	/* an override still wins over the jit column */
	pf_profile__set(&p, PF_FACT_PRIV_STACK_KPROBE, PF_YES);
	CHECK(pf_profile__has(&p, PF_FACT_PRIV_STACK_KPROBE) == PF_YES, "override does not win");
}

/* ---- overrides ---- */

static void t_override(void)
{
	struct pf_profile p;

	CHECK(pf_profile__parse("6.1.170", PF_ARCH_X86_64, true, &p) == 0, "6.1.170 does not parse");
	/* row PF_FACT_DEPTH_ROUND8: 6.1.170 <= last_without 170, the table says NO */
	CHECK(pf_profile__has(&p, PF_FACT_DEPTH_ROUND8) == PF_NO, "no override: not NO");
	pf_profile__set(&p, PF_FACT_DEPTH_ROUND8, PF_YES);
	CHECK(pf_profile__has(&p, PF_FACT_DEPTH_ROUND8) == PF_YES, "override YES does not win");
	CHECK(pf_profile__table(&p, PF_FACT_DEPTH_ROUND8) == PF_NO, "table changed by an override");
	pf_profile__set(&p, PF_FACT_DEPTH_ROUND8, PF_UNKNOWN);
	CHECK(pf_profile__has(&p, PF_FACT_DEPTH_ROUND8) == PF_UNKNOWN, "override UNKNOWN does not win");
	/* row PF_FACT_BPF_LOOP_INLINE: ALL(5.19), YES on 6.1; an override NO wins */
	pf_profile__set(&p, PF_FACT_BPF_LOOP_INLINE, PF_NO);
	CHECK(pf_profile__has(&p, PF_FACT_BPF_LOOP_INLINE) == PF_NO, "override NO does not win");
	CHECK(pf_profile__table(&p, PF_FACT_BPF_LOOP_INLINE) == PF_YES,
	      "table BPF_LOOP_INLINE on 6.1.170 not YES");
	/* other facts keep the table's answer (row PF_FACT_ISA_V4: ALL(6.6), NO on 6.1) */
	CHECK(pf_profile__has(&p, PF_FACT_ISA_V4) == PF_NO, "an unrelated fact changed");
	/* out of range: ignored by set, unknown to has */
	pf_profile__set(&p, PF_FACT_NR, PF_YES);
	CHECK(pf_profile__has(&p, PF_FACT_NR) == PF_UNKNOWN, "PF_FACT_NR is not UNKNOWN");
}

/* ---- fact names ---- */

static void t_fact_names(void)
{
	int i, j;

	for (i = 0; i < PF_FACT_NR; i++) {
		const char *name = pf_fact__name(i);
		enum pf_fact back = PF_FACT_NR;

		char desc[200];

		CHECK(name && *name, "fact %d has no name", i);
		/* the table is indexed by fact: every fact has its row */
		CHECK(strcmp(pf_fact__describe(i, desc, sizeof(desc)), "not in the table"),
		      "fact %d '%s' has no row in the fact table", i, name ? name : "?");
		if (!name)
			continue;
		CHECK(pf_fact__parse(name, &back) == 0 && back == (enum pf_fact)i,
		      "fact %d '%s' parses back as %d", i, name, back);
		for (j = 0; j < i; j++)
			CHECK(!pf_fact__name(j) || strcmp(name, pf_fact__name(j)),
			      "facts %d and %d share the name '%s'", j, i, name);
	}
	CHECK(pf_fact__name(PF_FACT_NR) == NULL, "PF_FACT_NR has a name");
	{
		enum pf_fact f;

		CHECK(pf_fact__parse("no_such_fact", &f) == -ENOENT, "no_such_fact parses");
		CHECK(pf_fact__parse("", &f) == -ENOENT, "the empty name parses");
	}
}

/* ---- profile files ---- */

static char tmpdir[] = "/tmp/pf-unit-XXXXXX";

/* Write @json to a file in tmpdir; its path in @path. */
static void write_file(char *path, size_t len, const char *base, const char *json)
{
	FILE *f;

	snprintf(path, len, "%s/%s", tmpdir, base);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fputs(json, f);
	fclose(f);
}

static void t_load_valid(void)
{
	char path[256], err[256] = "";
	struct pf_profile p;
	int ret;

	write_file(path, sizeof(path), "valid.json",
		   "{ \"bpf_preflight_profile\": 1, \"label\": \"lab-6.1\",\n"
		   "  \"kernel\": \"6.1.170-1-cloud-amd64\", \"arch\": \"arm64\", \"jit\": true,\n"
		   "  \"facts\": {\n"
		   "    \"depth_round8\": { \"value\": true },\n"
		   "    \"bpf_loop_inline\": { \"value\": false },\n"
		   "    \"isa_v4\": { \"value\": null }\n"
		   "  } }\n");
	ret = pf_profile__load(path, &p, err, sizeof(err));
	CHECK(ret == 0, "load: %d (%s)", ret, err);
	if (ret)
		return;
	CHECK(p.version == PF_KV(6, 1, 170) && p.patch_known, "kernel: %#x", p.version);
	CHECK(p.arch == PF_ARCH_ARM64 && p.jit, "arch %d jit %d", p.arch, p.jit);
	CHECK(!strcmp(p.name, "lab-6.1"), "label: %s", p.name);
	/* row PF_FACT_DEPTH_ROUND8 says NO on 6.1.170; the file says true */
	CHECK(pf_profile__has(&p, PF_FACT_DEPTH_ROUND8) == PF_YES, "depth_round8 not YES");
	CHECK(pf_profile__table(&p, PF_FACT_DEPTH_ROUND8) == PF_NO, "table depth_round8 not NO");
	/* row PF_FACT_BPF_LOOP_INLINE (ALL 5.19) says YES; the file says false */
	CHECK(pf_profile__has(&p, PF_FACT_BPF_LOOP_INLINE) == PF_NO, "bpf_loop_inline not NO");
	/* row PF_FACT_ISA_V4 (ALL 6.6) says NO; the file says null (unknown) */
	CHECK(pf_profile__has(&p, PF_FACT_ISA_V4) == PF_UNKNOWN, "isa_v4 not UNKNOWN");
	/* not in the file, so the table: row PF_FACT_SUBPROG_TAILCALL, arm64 6.0, YES on 6.1 */
	CHECK(pf_profile__has(&p, PF_FACT_SUBPROG_TAILCALL) == PF_YES, "subprog_tailcall not YES");
	unlink(path);
}

static void t_load_unknown_fact(void)
{
	char path[256], err[256] = "";
	struct pf_profile p;
	int ret;

	write_file(path, sizeof(path), "fact.json",
		   "{ \"bpf_preflight_profile\": 1, \"kernel\": \"6.12.117\", \"jit\": true,\n"
		   "  \"facts\": { \"no_such_fact\": { \"value\": true } } }\n");
	ret = pf_profile__load(path, &p, err, sizeof(err));
	CHECK(ret == -EINVAL, "load: %d, want -EINVAL", ret);
	CHECK(strstr(err, "no_such_fact") != NULL, "message does not name the fact: %s", err);
	unlink(path);
}

static void t_load_wrong_magic(void)
{
	static const char *const docs[] = {
		"{ \"bpf_preflight_profile\": 2, \"kernel\": \"6.1\", \"jit\": true }",
		"{ \"bpf_preflight_profile\": \"1\", \"kernel\": \"6.1\", \"jit\": true }",
		"{ \"kernel\": \"6.1\", \"jit\": true }",
		"[ 1 ]",
		"not json",
	};
	char path[256], err[256];
	struct pf_profile p;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		err[0] = '\0';
		write_file(path, sizeof(path), "magic.json", docs[i]);
		ret = pf_profile__load(path, &p, err, sizeof(err));
		CHECK(ret == -EINVAL && *err, "%s: %d (%s), want -EINVAL", docs[i], ret, err);
		unlink(path);
	}
}

static void t_load_bad_fields(void)
{
	static const char *const docs[] = {
		/* kernel release that pf_profile__parse refuses */
		"{ \"bpf_preflight_profile\": 1, \"kernel\": \"3.10\", \"jit\": true }",
		/* jit missing */
		"{ \"bpf_preflight_profile\": 1, \"kernel\": \"6.1\" }",
		"{ \"bpf_preflight_profile\": 1, \"kernel\": \"6.1\", \"jit\": true, \"arch\": \"vax\" }",
		"{ \"bpf_preflight_profile\": 1, \"kernel\": \"6.1\", \"jit\": true, \"facts\": [] }",
		"{ \"bpf_preflight_profile\": 1, \"kernel\": \"6.1\", \"jit\": true,"
		" \"facts\": { \"isa_v4\": { \"value\": 1 } } }",
	};
	char path[256], err[256];
	struct pf_profile p;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		err[0] = '\0';
		write_file(path, sizeof(path), "fields.json", docs[i]);
		ret = pf_profile__load(path, &p, err, sizeof(err));
		CHECK(ret == -EINVAL && *err, "%s: %d (%s), want -EINVAL", docs[i], ret, err);
		unlink(path);
	}
}

static void t_load_missing(void)
{
	char path[256], err[256] = "";
	struct pf_profile p;
	int ret;

	snprintf(path, sizeof(path), "%s/does-not-exist.json", tmpdir);
	ret = pf_profile__load(path, &p, err, sizeof(err));
	CHECK(ret == -ENOENT, "load: %d, want -ENOENT", ret);
	CHECK(strstr(err, "cannot read") != NULL, "message: %s", err);
}

int main(void)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} cases[] = {
		{ "parse: 6.1, 6.1.170, build tags", t_parse_ok },
		{ "parse errors: 6, x.y, 6.1a, 3.10, ...", t_parse_errors },
		{ "depth_round8: 6.1 NO, 6.1.170 NO, 6.1.192 YES, between UNKNOWN", t_depth_round8_backport },
		{ "round16_jit: 6.8 NO, 6.9 YES", t_round16_jit },
		{ "subprog_tailcall per arch: x86_64 5.10 YES, arm64 5.15 NO / 6.0 YES", t_subprog_tailcall_arch },
		{ "priv_stack_*: x86_64 6.12 NO / 6.13 YES, arm64 6.13 NO / 6.17 YES", t_priv_stack_arch },
		{ "tracing_main_unreliable bracket: 6.1 NO, 6.6 UNKNOWN, 6.12 YES", t_bracket_tracing_main },
		{ "other backports: ext_prog_array_ban, async_cb_root, tailcall_hier_fix", t_other_backports },
		{ "jit column: JIT rows NO without the JIT, others unchanged", t_jit_column },
		{ "override: pf_profile__set wins, pf_profile__table unchanged", t_override },
		{ "fact names: unique, name <-> parse round trip", t_fact_names },
		{ "load: valid profile file", t_load_valid },
		{ "load: unknown fact is an error", t_load_unknown_fact },
		{ "load: wrong bpf_preflight_profile is an error", t_load_wrong_magic },
		{ "load: bad kernel, jit, arch, facts, value", t_load_bad_fields },
		{ "load: missing file is an error", t_load_missing },
	};
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(cases[i].name, cases[i].fn);
	rmdir(tmpdir);
	printf("test_profile: %d passed, %d failed\n", n_pass, n_fail);
	return n_fail ? 1 : 0;
}

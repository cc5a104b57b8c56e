// SPDX-License-Identifier: MIT
/*
 * libFuzzer (and AFL++) target over the whole pipeline on one in-memory
 * ELF object:
 *
 *   1. pf_object__open_mem(): ELF, BTF, functions, maps, call graph, stack
 *      facts. A refusal must come with one line of reason.
 *   2. Every program against every known kernel (pf_verdict__program),
 *      each verdict rendered to JSON with its source locations and call
 *      chain; every rule's check() into one collection of findings,
 *      rendered by the JSON renderer users read; the disassembler over
 *      every slot in both syntaxes.
 *   3. The real commands on the same bytes (through a memfd path, stdout
 *      and stderr captured in memory): check text and JSON, graph JSON on
 *      every input, and one of check single-kernel JSON, check SARIF,
 *      check -k none, stack, stack --explain, dump, dump --raw, graph dot.
 *      Every JSON document they print must parse back.
 *
 * Any sanitizer report, abort, leak or a broken contract (refusal without
 * a reason, invalid JSON, an internal error) is a finding.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <cjson/cJSON.h>

#include "bpf_preflight.h"
#include "cli.h"
#include "report.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_object: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

/* ---- 2. the pieces of the pipeline, called directly ---- */

static void json_loc(cJSON *o, const struct pf_object *obj, int func, size_t insn)
{
	const struct pf_function *f;
	const struct pf_line *l;

	if (func < 0 || (size_t)func >= obj->func_cnt)
		die("location outside the model", NULL);
	f = &obj->funcs[func];
	l = pf_object__line(obj, f->sec, insn);
	cJSON_AddStringToObject(o, "function", f->name ? f->name : "?");
	cJSON_AddStringToObject(o, "file", l && l->file ? l->file : obj->path);
	cJSON_AddNumberToObject(o, "line", l ? l->line : 0);
	cJSON_AddNumberToObject(o, "column", l ? l->col : 0);
	if (l && l->text)
		cJSON_AddStringToObject(o, "source", l->text);
	cJSON_AddNumberToObject(o, "insn", (double)(insn - f->start));
}


static cJSON *json_verdict(const struct pf_object *obj, const struct pf_program *prog,
			   const struct pf_profile *p, const struct pf_verdict *v)
{
	cJSON *o = cJSON_CreateObject(), *chain, *depths;
	size_t c;

	cJSON_AddStringToObject(o, "kernel", p->name);
	cJSON_AddStringToObject(o, "result", v->result == PF_ACCEPT ? "accept" :
				v->result == PF_REJECT ? "reject" : "unknown");
	if (v->result != PF_ACCEPT) {
		if (!memchr(v->message, '\0', sizeof(v->message)) || !v->message[0])
			die("verdict without a message", p->name);
		cJSON_AddStringToObject(o, "message", v->message);
		json_loc(o, obj, v->func, v->insn);
	}
	if (v->rule != PF_RULE_NONE) {
		if (!pf_rule_id__name(v->rule))
			die("verdict names no known rule", p->name);
		cJSON_AddStringToObject(o, "rule", pf_rule_id__name(v->rule));
	}
	if (v->chain_len > sizeof(v->chain) / sizeof(v->chain[0]))
		die("verdict chain overflow", p->name);
	chain = cJSON_AddArrayToObject(o, "chain");
	for (c = 0; c < v->chain_len; c++) {
		const struct pf_frame *fr = &v->chain[c];
		cJSON *n = cJSON_CreateObject();

		if (fr->func < 0 || (size_t)fr->func >= obj->func_cnt)
			die("a frame outside the model", p->name);
		json_loc(n, obj, fr->func, fr->calls ? fr->call_insn : obj->funcs[fr->func].start);
		cJSON_AddNumberToObject(n, "stack_depth", fr->depth);
		cJSON_AddNumberToObject(n, "counted", fr->priv ? 0 : fr->rounded);
		cJSON_AddItemToArray(chain, n);
	}
	if (v->depth_cnt > sizeof(v->depths) / sizeof(v->depths[0]) ||
	    v->depth_cnt > prog->func_cnt)
		die("verdict depth overflow", p->name);
	depths = cJSON_AddArrayToObject(o, "stack_depths");
	for (c = 0; c < v->depth_cnt && v->depth_known; c++)
		cJSON_AddItemToArray(depths, cJSON_CreateNumber(v->depths[c]));
	return o;
}

/*
 * Every known kernel on x86_64 with the JIT, plus one more architecture
 * (with or without the JIT) chosen by the input, so that every profile is
 * met across inputs without multiplying the cost of each.
 */
static void check_program(struct pf_analysis *an, const struct pf_program *prog,
			  cJSON *verdicts, unsigned int pick)
{
	const struct pf_object *obj = an->obj;
	const char *const *known = pf_profile__known();
	enum pf_arch other = (enum pf_arch)(pick % PF_ARCH_NR);
	bool other_jit = (pick / PF_ARCH_NR) % 2;
	struct pf_verdict v;
	struct pf_profile p;
	int round;

	if (prog->func < 0 || (size_t)prog->func >= obj->func_cnt || !prog->func_cnt ||
	    prog->funcs[0] != prog->func)
		die("program entry outside the model", NULL);
	for (; *known; known++) {
		for (round = 0; round < 2; round++) {
			if (pf_profile__parse(*known, round ? other : PF_ARCH_X86_64,
					      round ? other_jit : true, &p))
				die("a known kernel does not parse", *known);
			pf_verdict__program(an, prog, &p, &v);
			cJSON_AddItemToArray(verdicts, json_verdict(obj, prog, &p, &v));
		}
	}
}

static void disassemble(const struct pf_object *obj)
{
	char text[160];
	size_t s, i;

	for (s = 0; s < obj->sec_cnt; s++) {
		const struct pf_section *sec = &obj->secs[s];

		for (i = 0; sec->exec && i < sec->insn_cnt; i++) {
			const struct pf_insn *next = i + 1 < sec->insn_cnt ? &sec->insns[i + 1] : NULL;
			int n = pf_insn__disasm(&sec->insns[i], next, PF_DISASM_LLVM, text,
						sizeof(text));

			if (!memchr(text, '\0', sizeof(text)))
				die("disassembly not terminated", NULL);
			pf_insn__disasm(&sec->insns[i], next, PF_DISASM_KERNEL, text, sizeof(text));
			(void)pf_insn__valid(&sec->insns[i]);
			if (n == 2)
				i++;
		}
	}
}

static void json_roundtrip(cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);
	cJSON *back;

	if (!text)
		return;		/* out of memory: not a finding */
	back = cJSON_Parse(text);
	if (!back)
		die("the rendered JSON does not parse", NULL);
	cJSON_Delete(back);
	cJSON_free(text);
}

static void pipeline(const struct pf_object *obj, unsigned int pick)
{
	cJSON *root = cJSON_CreateObject(), *progs, *warns;
	struct pf_findings found = { 0 };
	struct pf_analysis an;
	size_t i;

	cJSON_AddStringToObject(root, "path", obj->path);
	warns = cJSON_AddArrayToObject(root, "warnings");
	for (i = 0; i < obj->warning_cnt; i++) {
		if (strchr(obj->warnings[i], '\n'))
			die("a warning spans lines", obj->warnings[i]);
		cJSON_AddItemToArray(warns, cJSON_CreateString(obj->warnings[i]));
	}
	pf_analysis__init(&an, obj);
	progs = cJSON_AddArrayToObject(root, "programs");
	for (i = 0; i < obj->prog_cnt; i++) {
		cJSON *p = cJSON_CreateObject();

		cJSON_AddStringToObject(p, "name", obj->funcs[obj->progs[i].func].name);
		cJSON_AddStringToObject(p, "section", obj->progs[i].sec_name);
		check_program(&an, &obj->progs[i], cJSON_AddArrayToObject(p, "verdicts"), pick);
		cJSON_AddItemToArray(progs, p);
	}
	for (i = 0; pf_rules[i]; i++)
		if (pf_rules[i]->impl->check)
			pf_rules[i]->impl->check(&an, pf_rules[i], &found);
	/* the findings through the renderer users read */
	cJSON_AddItemToObject(root, "diagnostics", pf_report__json(&found));
	pf_findings__free(&found);
	pf_analysis__free(&an);
	disassemble(obj);
	json_roundtrip(root);
	cJSON_Delete(root);
}

/* ---- 3. the commands, on the same bytes ---- */

static int memfd = -1;
static char memfd_path[64];

struct command {
	int (*fn)(struct pf_opts *opts);
	const char *kernels;
	enum pf_format format;
	bool format_set;
	bool raw;
	bool json;		/* stdout is one JSON document */
	bool explain;
};

/* The first ALWAYS commands run on every input, one of the rest by pick. */
#define ALWAYS 3
static const struct command commands[] = {
	{ cmd_check, NULL, PF_FMT_TEXT, false, false, false, false },
	{ cmd_check, "all", PF_FMT_JSON, true, false, true, false },
	{ cmd_graph, NULL, PF_FMT_JSON, true, false, true, false },
	{ cmd_check, "6.1", PF_FMT_JSON, true, false, true, false },
	{ cmd_check, "none", PF_FMT_TEXT, false, false, false, false },
	{ cmd_stack, "6.1,6.18", PF_FMT_TEXT, false, false, false, false },
	{ cmd_dump, NULL, PF_FMT_TEXT, false, false, false, false },
	{ cmd_dump, NULL, PF_FMT_TEXT, false, true, false, false },
	{ cmd_graph, NULL, PF_FMT_DOT, false, false, false, false },
	{ cmd_check, "6.1,6.18", PF_FMT_SARIF, true, false, true, false },
	{ cmd_stack, "6.1,6.18", PF_FMT_TEXT, false, false, false, true },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void run_command(const struct command *c)
{
	/* main()'s defaults; colour off: stdout is not a terminal anyway */
	struct pf_opts opts = { .margin = 32, .fail_on = PF_SEV_ERROR, .color = 0 };
	char *argv[] = { memfd_path, NULL };
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *so = stdout, *se = stderr, *mo, *me;
	int rc;

	opts.format = c->format;
	opts.format_set = c->format_set;
	opts.kernels = c->kernels;
	opts.raw = c->raw;
	opts.explain = c->explain;
	opts.argc = 1;
	opts.argv = argv;
	mo = open_memstream(&out, &out_len);
	me = open_memstream(&err, &err_len);
	if (!mo || !me)
		die("open_memstream", strerror(errno));
	stdout = mo;
	stderr = me;
	rc = c->fn(&opts);
	stdout = so;
	stderr = se;
	fclose(mo);
	fclose(me);
	if (rc < PF_EXIT_OK || rc > PF_EXIT_INPUT)
		die("a command failed internally", err);
	if (c->json) {
		cJSON *doc = cJSON_Parse(out);

		if (!doc)
			die("a command printed invalid JSON", out);
		cJSON_Delete(doc);
	}
	free(out);
	free(err);
}

static void run_commands(const uint8_t *data, size_t size, unsigned int pick)
{
	size_t i;

	if (memfd < 0)
		return;
	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		die("cannot write the memfd", strerror(errno));
	for (i = 0; i < ALWAYS; i++)
		run_command(&commands[i]);
	run_command(&commands[ALWAYS + pick % (NCOMMANDS - ALWAYS)]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *no_cmds = getenv("FUZZ_NO_COMMANDS");

	(void)argc;
	(void)argv;
	libbpf_set_print(silent_print);
	/* FUZZ_NO_COMMANDS=1: the direct pipeline only (faster, less coverage). */
	if (no_cmds && *no_cmds == '1')
		return 0;
	memfd = memfd_create("fuzz-input.o", MFD_CLOEXEC);
	if (memfd >= 0)
		snprintf(memfd_path, sizeof(memfd_path), "/proc/self/fd/%d", memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pf_object *obj;
	unsigned int pick;
	char err[256];
	size_t i;
	int ret;

	if (size > PF_MAX_FILE_SIZE)
		return 0;
	memset(err, 'x', sizeof(err));
	ret = pf_object__open_mem("fuzz-input.o", data, size, &obj, err, sizeof(err));
	if (ret) {
		if (ret > 0 || obj)
			die("a failed open returned an object or a positive status", NULL);
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			die("an input was refused without a reason", NULL);
		if (strchr(err, '\n'))
			die("a refusal spans lines", err);
		return 0;
	}
	/* A cheap function of the input picks the variants this run covers. */
	pick = (unsigned int)size * 2654435761u;
	for (i = 0; i < size; i += 1 + size / 16)
		pick = (pick ^ data[i]) * 16777619u;
	pick >>= 8;
	pipeline(obj, pick);
	pf_object__free(obj);
	run_commands(data, size, pick);
	return 0;
}

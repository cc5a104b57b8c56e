// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight dump`: disassembly interleaved with source lines, function
 * and program boundaries, resolved call targets, helper and map names; with
 * -f json the same as one document for all objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <cjson/cJSON.h>

#include "cli.h"

/* What a reader needs beside the raw instruction. */
static void annotate(const struct pf_object *obj, const struct pf_section *sec,
		     const struct pf_function *f, size_t i, char *buf, size_t len)
{
	const struct pf_call *c = pf_function__call_at(f, i);
	const struct pf_reloc *r;
	const char *name;

	buf[0] = '\0';
	if (c) {
		switch (c->kind) {
		case PF_CALL_HELPER:
			name = pf_helper__name(c->helper_id);
			if (c->helper_id == PF_HELPER_TAIL_CALL) {
				char idx[32] = "?";

				if (c->index >= 0)
					snprintf(idx, sizeof(idx), "%lld", (long long)c->index);
				snprintf(buf, len, "bpf_tail_call(%s[%s])",
					 c->map >= 0 ? obj->maps[c->map].name : "?", idx);
			} else if (name) {
				snprintf(buf, len, "bpf_%s", name);
			} else {
				snprintf(buf, len, "unknown helper #%d", c->helper_id);
			}
			return;
		case PF_CALL_SUBPROG:
			snprintf(buf, len, "-> %s", c->target >= 0 ?
				 obj->funcs[c->target].name : "?? (no function there)");
			return;
		case PF_CALL_KFUNC:
			snprintf(buf, len, "kfunc %s", c->sym_name ? c->sym_name : "?");
			return;
		case PF_CALL_EXTERN:
			snprintf(buf, len, "extern %s (unresolved)", c->sym_name);
			return;
		case PF_CALL_CALLBACK:
			if (c->target < 0)
				snprintf(buf, len, "&?? (no function there)");
			else if (c->consumer_insn >= 0)
				snprintf(buf, len, "&%s: %s callback for insn %d",
					 obj->funcs[c->target].name,
					 c->async ? "async" : "sync", c->consumer_insn);
			else
				snprintf(buf, len, "&%s: callback, consumer unknown",
					 obj->funcs[c->target].name);
			return;
		}
	}
	r = pf_section__reloc_at(sec, i * PF_INSN_SZ);
	if (r && pf_insn__is_ld_imm64(&sec->insns[i])) {
		const struct pf_symbol *sym = &obj->syms[r->sym];
		int m = pf_object__map_of_reloc(obj, r, &sec->insns[i]);

		if (m >= 0) {
			snprintf(buf, len, "map %s (%s)", obj->maps[m].name,
				 pf_map_type_str(obj->maps[m].type));
			return;
		}
		snprintf(buf, len, "%s%+d", sym->name[0] ? sym->name : "?",
			 sec->insns[i].imm);
	}
}

/* Print the source line when the line (not just the column) changes. */
static void dump_source(const struct pf_object *obj, const struct pf_function *f,
			size_t i, const struct pf_line **last)
{
	const struct pf_line *l = pf_object__line(obj, f->sec, i);
	const char *base;

	if (!l || (*last && (*last)->line == l->line && (*last)->file == l->file))
		return;
	*last = l;
	base = l->file ? strrchr(l->file, '/') : NULL;
	base = base ? base + 1 : (l->file ? l->file : "?");
	printf("; %s:%u: %s\n", base, l->line, l->text ? l->text : "");
}

static void dump_function(const struct pf_object *obj, const struct pf_function *f)
{
	const struct pf_section *sec = &obj->secs[f->sec];
	const struct pf_line *last = NULL;
	char text[128], note[160];
	size_t i;

	printf("\n%s <%s>: %s %s, %zu insns%s%s\n", sec->name, f->name,
	       f->global ? "global" : "static",
	       f->entry ? "entry program" : "subprogram", f->end - f->start,
	       f->has_func_info ? "" : ", no BTF func_info",
	       f->has_tail_call ? ", tail-calls" : "");
	for (i = f->start; i < f->end; i++) {
		const struct pf_insn *next = i + 1 < f->end ? &sec->insns[i + 1] : NULL;
		int n;

		dump_source(obj, f, i, &last);
		n = pf_insn__disasm(&sec->insns[i], next, PF_DISASM_KERNEL, text,
				    sizeof(text));
		annotate(obj, sec, f, i, note, sizeof(note));
		if (note[0])
			printf("%6zu: %-36s ; %s\n", i, text, note);
		else
			printf("%6zu: %s\n", i, text);
		if (n == 2)
			i++;
	}
}

/*
 * --raw: every slot of every code section in llvm-objdump's syntax, one
 * line each, "SECTION<TAB>SLOT<TAB>TEXT": a listing for diffing.
 */
static void dump_raw(const struct pf_object *obj)
{
	char text[128];
	size_t s, i;

	for (s = 0; s < obj->sec_cnt; s++) {
		const struct pf_section *sec = &obj->secs[s];

		for (i = 0; sec->exec && i < sec->insn_cnt; i++) {
			const struct pf_insn *next = i + 1 < sec->insn_cnt ? &sec->insns[i + 1] : NULL;
			int n = pf_insn__disasm(&sec->insns[i], next, PF_DISASM_LLVM, text,
						sizeof(text));

			printf("%s\t%zu\t%s\n", sec->name, i, text);
			if (n == 2)
				i++;
		}
	}
}

/* ---- JSON ---- */

static cJSON *json_function(const struct pf_object *obj, const struct pf_function *f,
			    bool reached)
{
	const struct pf_section *sec = &obj->secs[f->sec];
	const struct pf_line *last = NULL;
	cJSON *jf = cJSON_CreateObject(), *code;
	char text[128], note[160];
	size_t i;

	cJSON_AddStringToObject(jf, "name", f->name);
	cJSON_AddStringToObject(jf, "section", sec->name);
	cJSON_AddBoolToObject(jf, "global", f->global);
	cJSON_AddBoolToObject(jf, "entry", f->entry);
	cJSON_AddBoolToObject(jf, "reached", reached);
	cJSON_AddBoolToObject(jf, "func_info", f->has_func_info);
	cJSON_AddBoolToObject(jf, "tail_call", f->has_tail_call);
	code = cJSON_AddArrayToObject(jf, "insns");
	for (i = f->start; i < f->end; i++) {
		const struct pf_insn *next = i + 1 < f->end ? &sec->insns[i + 1] : NULL;
		const struct pf_line *l = pf_object__line(obj, f->sec, i);
		cJSON *ji = cJSON_CreateObject();
		int n;

		n = pf_insn__disasm(&sec->insns[i], next, PF_DISASM_KERNEL, text, sizeof(text));
		annotate(obj, sec, f, i, note, sizeof(note));
		cJSON_AddNumberToObject(ji, "slot", (double)i);
		cJSON_AddStringToObject(ji, "text", text);
		if (note[0])
			cJSON_AddStringToObject(ji, "note", note);
		if (l) {
			cJSON_AddStringToObject(ji, "file", l->file ? l->file : "");
			cJSON_AddNumberToObject(ji, "line", l->line);
			cJSON_AddNumberToObject(ji, "column", l->col);
			/* the line's text once, where the line starts, as the text form */
			if (l->text && (!last || last->line != l->line || last->file != l->file))
				cJSON_AddStringToObject(ji, "source", l->text);
			last = l;
		}
		cJSON_AddItemToArray(code, ji);
		if (n == 2)
			i++;
	}
	return jf;
}

static int dump_json(const struct pf_object *obj, const struct pf_opts *opts, cJSON *objs)
{
	cJSON *jo = cJSON_CreateObject(), *maps, *progs, *funcs;
	uint8_t *reached = calloc(obj->func_cnt + 1, 1);
	size_t p, k;

	if (!reached) {
		cJSON_Delete(jo);
		return PF_EXIT_INTERNAL;
	}
	cJSON_AddStringToObject(jo, "path", obj->path);
	cJSON_AddStringToObject(jo, "endian", obj->big_endian ? "big" : "little");
	cJSON_AddBoolToObject(jo, "btf", obj->btf != NULL);
	cJSON_AddBoolToObject(jo, "line_info", obj->has_line_info);
	cJSON_AddBoolToObject(jo, "dwarf", obj->has_dwarf);
	maps = cJSON_AddArrayToObject(jo, "maps");
	for (k = 0; k < obj->map_cnt; k++) {
		const struct pf_map *m = &obj->maps[k];
		cJSON *jm = cJSON_CreateObject();

		cJSON_AddStringToObject(jm, "name", m->name);
		cJSON_AddStringToObject(jm, "type", pf_map_type_str(m->type));
		cJSON_AddNumberToObject(jm, "key_size", m->key_size);
		cJSON_AddNumberToObject(jm, "value_size", m->value_size);
		cJSON_AddNumberToObject(jm, "max_entries", m->max_entries);
		cJSON_AddBoolToObject(jm, "legacy", m->legacy);
		cJSON_AddItemToArray(maps, jm);
	}
	progs = cJSON_AddArrayToObject(jo, "programs");
	funcs = cJSON_AddArrayToObject(jo, "functions");
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];
		cJSON *jp, *fl;

		for (k = 0; k < prog->func_cnt; k++)
			reached[prog->funcs[k]] = 1;
		if (opts->prog && strcmp(opts->prog, obj->funcs[prog->func].name))
			continue;
		jp = cJSON_CreateObject();
		cJSON_AddStringToObject(jp, "name", obj->funcs[prog->func].name);
		cJSON_AddStringToObject(jp, "section", prog->sec_name);
		cJSON_AddStringToObject(jp, "type", prog->type_known ?
					pf_prog_type_str(prog->prog_type) : "unknown");
		fl = cJSON_AddArrayToObject(jp, "functions");
		for (k = 0; k < prog->func_cnt; k++)
			cJSON_AddItemToArray(fl, cJSON_CreateString(obj->funcs[prog->funcs[k]].name));
		cJSON_AddItemToArray(progs, jp);
	}
	/*
	 * Each function once (the text repeats a subprogram under every
	 * program that calls it); with -p only that program's.
	 */
	for (k = 0; k < obj->func_cnt; k++) {
		bool want = !opts->prog;

		for (p = 0; p < obj->prog_cnt && !want; p++) {
			const struct pf_program *prog = &obj->progs[p];
			size_t j;

			if (strcmp(opts->prog, obj->funcs[prog->func].name))
				continue;
			for (j = 0; j < prog->func_cnt && !want; j++)
				want = prog->funcs[j] == (int)k;
		}
		if (want)
			cJSON_AddItemToArray(funcs, json_function(obj, &obj->funcs[k], reached[k]));
	}
	free(reached);
	cJSON_AddItemToArray(objs, jo);
	return PF_EXIT_OK;
}

static int dump_object(const struct pf_object *obj, const struct pf_opts *opts,
		       void *ctx)
{
	size_t p, k;

	if (ctx)
		return dump_json(obj, opts, ctx);
	if (opts->raw) {
		dump_raw(obj);
		return PF_EXIT_OK;
	}
	printf("%s: %s-endian BPF, %zu programs, %zu functions, %zu maps; %s%s%s%s\n",
	       obj->path, obj->big_endian ? "big" : "little", obj->prog_cnt,
	       obj->func_cnt, obj->map_cnt, obj->btf ? "BTF" : "no BTF",
	       obj->has_line_info ? ", line info" : "",
	       obj->has_dwarf ? ", DWARF" : "",
	       obj->e_machine ? "" : ", e_machine 0");
	for (k = 0; k < obj->map_cnt; k++) {
		const struct pf_map *m = &obj->maps[k];

		printf("map %s: %s, key %u, value %u, max_entries %u%s\n", m->name,
		       pf_map_type_str(m->type), m->key_size, m->value_size,
		       m->max_entries, m->legacy ? " (legacy bpf_map_def)" : "");
	}
	for (p = 0; p < obj->prog_cnt; p++) {
		const struct pf_program *prog = &obj->progs[p];

		if (opts->prog && strcmp(opts->prog, obj->funcs[prog->func].name))
			continue;
		printf("\nprogram %s: section %s, type %s, functions:",
		       obj->funcs[prog->func].name, prog->sec_name,
		       prog->type_known ? pf_prog_type_str(prog->prog_type) : "unknown");
		for (k = 0; k < prog->func_cnt; k++)
			printf(" %s", obj->funcs[prog->funcs[k]].name);
		printf("\n");
		for (k = 0; k < prog->func_cnt; k++)
			dump_function(obj, &obj->funcs[prog->funcs[k]]);
	}
	/* Functions no program reaches are still worth seeing. */
	if (!opts->prog) {
		uint8_t *reached = calloc(obj->func_cnt + 1, 1);

		if (!reached)
			return PF_EXIT_INTERNAL;
		for (p = 0; p < obj->prog_cnt; p++)
			for (k = 0; k < obj->progs[p].func_cnt; k++)
				reached[obj->progs[p].funcs[k]] = 1;
		for (k = 0; k < obj->func_cnt; k++) {
			if (reached[k])
				continue;
			printf("\nunreached:");
			dump_function(obj, &obj->funcs[k]);
		}
		free(reached);
	}
	return PF_EXIT_OK;
}

int cmd_dump(struct pf_opts *opts)
{
	cJSON *root, *objs;
	int ret;

	if (opts->format != PF_FMT_JSON)
		return pf_cli__for_each_object(opts, dump_object, NULL);
	if (opts->raw) {
		/* --raw is a listing to diff, llvm-objdump's text by design */
		fprintf(stderr, "bpf-preflight: dump --raw does not speak json; use --raw with -f text, or -f json without --raw\n");
		return PF_EXIT_INPUT;
	}
	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "version", 1);
	objs = cJSON_AddArrayToObject(root, "objects");
	ret = pf_cli__for_each_object(opts, dump_object, objs);
	pf_cli__json_errors(root);
	return pf_cli__print_json(root, ret);
}

// SPDX-License-Identifier: MIT
/*
 * `bpf-preflight graph`: programs, functions and their call, callback and
 * tail-call edges, with statically initialised prog_array slots. DOT for
 * people, JSON (one document for all objects, schema/graph.schema.json) for
 * tools.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"

static const char *edge_kind(const struct pf_call *c)
{
	switch (c->kind) {
	case PF_CALL_SUBPROG:
		return "call";
	case PF_CALL_CALLBACK:
		return c->async ? "async_callback" : "callback";
	case PF_CALL_KFUNC:
		return "kfunc";
	case PF_CALL_EXTERN:
		return "extern";
	case PF_CALL_HELPER:
		return c->helper_id == PF_HELPER_TAIL_CALL ? "tail_call" : "helper";
	}
	return "?";
}

/* ---- DOT ---- */

static void dot_object(const struct pf_object *obj, int n)
{
	size_t i, j;

	printf("  subgraph cluster_%d {\n    label=\"%s\";\n", n, obj->path);
	for (i = 0; i < obj->func_cnt; i++) {
		const struct pf_function *f = &obj->funcs[i];

		printf("    \"o%d_f%zu\" [label=\"%s%s\", shape=%s];\n", n, i, f->name,
		       f->global ? "" : " (static)", f->entry ? "doubleoctagon" : "box");
	}
	for (i = 0; i < obj->map_cnt; i++)
		if (obj->maps[i].type == BPF_MAP_TYPE_PROG_ARRAY)
			printf("    \"o%d_m%zu\" [label=\"%s\", shape=cylinder];\n", n, i,
			       obj->maps[i].name);
	for (i = 0; i < obj->func_cnt; i++) {
		const struct pf_function *f = &obj->funcs[i];

		for (j = 0; j < f->call_cnt; j++) {
			const struct pf_call *c = &f->calls[j];

			if (c->target >= 0)
				printf("    \"o%d_f%zu\" -> \"o%d_f%d\" [label=\"%s\"%s];\n",
				       n, i, n, c->target, edge_kind(c),
				       c->kind == PF_CALL_CALLBACK ? ", style=dashed" : "");
			else if (c->kind == PF_CALL_HELPER &&
				 c->helper_id == PF_HELPER_TAIL_CALL && c->map >= 0)
				printf("    \"o%d_f%zu\" -> \"o%d_m%d\" [label=\"tail_call[%lld]\", color=red];\n",
				       n, i, n, c->map, (long long)c->index);
		}
	}
	for (i = 0; i < obj->map_cnt; i++)
		for (j = 0; j < obj->maps[i].slot_cnt; j++)
			if (obj->maps[i].slots[j] >= 0)
				printf("    \"o%d_m%zu\" -> \"o%d_f%d\" [label=\"[%zu]\", style=dotted];\n",
				       n, i, n, obj->maps[i].slots[j], j);
	printf("  }\n");
}

/* ---- JSON ---- */

static cJSON *json_functions(const struct pf_object *obj)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < obj->func_cnt; i++) {
		const struct pf_function *f = &obj->funcs[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", f->name);
		cJSON_AddStringToObject(o, "section", obj->secs[f->sec].name);
		cJSON_AddNumberToObject(o, "start", (double)f->start);
		cJSON_AddNumberToObject(o, "insns", (double)(f->end - f->start));
		cJSON_AddBoolToObject(o, "global", f->global);
		cJSON_AddBoolToObject(o, "entry", f->entry);
		cJSON_AddBoolToObject(o, "func_info", f->has_func_info);
		cJSON_AddBoolToObject(o, "tail_call", f->has_tail_call);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *json_edges(const struct pf_object *obj)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, j;

	for (i = 0; i < obj->func_cnt; i++) {
		const struct pf_function *f = &obj->funcs[i];

		for (j = 0; j < f->call_cnt; j++) {
			const struct pf_call *c = &f->calls[j];
			const struct pf_line *l = pf_object__line(obj, f->sec, c->insn);
			cJSON *o;

			if (c->kind == PF_CALL_HELPER && c->helper_id != PF_HELPER_TAIL_CALL)
				continue;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "from", f->name);
			cJSON_AddStringToObject(o, "kind", edge_kind(c));
			cJSON_AddNumberToObject(o, "insn", (double)(c->insn - f->start));
			if (c->target >= 0)
				cJSON_AddStringToObject(o, "to", obj->funcs[c->target].name);
			if (c->sym_name)
				cJSON_AddStringToObject(o, "to", c->sym_name);
			if (c->kind == PF_CALL_CALLBACK && c->consumer_helper >= 0)
				cJSON_AddNumberToObject(o, "helper", c->consumer_helper);
			if (c->kind == PF_CALL_CALLBACK && c->consumer_kfunc)
				cJSON_AddStringToObject(o, "kfunc", c->consumer_kfunc);
			if (c->kind == PF_CALL_HELPER) {
				if (c->map >= 0)
					cJSON_AddStringToObject(o, "map", obj->maps[c->map].name);
				if (c->index >= 0)
					cJSON_AddNumberToObject(o, "index", (double)c->index);
			}
			if (l) {
				cJSON_AddStringToObject(o, "file", l->file ? l->file : "");
				cJSON_AddNumberToObject(o, "line", l->line);
				cJSON_AddNumberToObject(o, "column", l->col);
			}
			cJSON_AddItemToArray(arr, o);
		}
	}
	return arr;
}

static cJSON *json_maps(const struct pf_object *obj)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, j;

	for (i = 0; i < obj->map_cnt; i++) {
		const struct pf_map *m = &obj->maps[i];
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "name", m->name);
		cJSON_AddStringToObject(o, "type", pf_map_type_str(m->type));
		cJSON_AddNumberToObject(o, "key_size", m->key_size);
		cJSON_AddNumberToObject(o, "value_size", m->value_size);
		cJSON_AddNumberToObject(o, "max_entries", m->max_entries);
		cJSON_AddBoolToObject(o, "legacy", m->legacy);
		if (m->slot_cnt) {
			cJSON *slots = cJSON_AddArrayToObject(o, "slots");

			for (j = 0; j < m->slot_cnt; j++) {
				cJSON *s;

				if (m->slots[j] < 0)
					continue;
				s = cJSON_CreateObject();
				cJSON_AddNumberToObject(s, "index", (double)j);
				cJSON_AddStringToObject(s, "program", obj->funcs[m->slots[j]].name);
				cJSON_AddItemToArray(slots, s);
			}
		}
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *json_programs(const struct pf_object *obj)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, j;

	for (i = 0; i < obj->prog_cnt; i++) {
		const struct pf_program *p = &obj->progs[i];
		cJSON *o = cJSON_CreateObject(), *fl;

		cJSON_AddStringToObject(o, "name", obj->funcs[p->func].name);
		cJSON_AddStringToObject(o, "section", p->sec_name);
		cJSON_AddStringToObject(o, "type", p->type_known ?
					pf_prog_type_str(p->prog_type) : "unknown");
		fl = cJSON_AddArrayToObject(o, "functions");
		for (j = 0; j < p->func_cnt; j++)
			cJSON_AddItemToArray(fl, cJSON_CreateString(obj->funcs[p->funcs[j]].name));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

struct graph_ctx {
	cJSON *objects;
	int n;
};

static int graph_object(const struct pf_object *obj, const struct pf_opts *opts,
			void *ctx)
{
	struct graph_ctx *g = ctx;
	cJSON *o;

	if (opts->format != PF_FMT_JSON) {
		dot_object(obj, g->n++);
		return PF_EXIT_OK;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "path", obj->path);
	cJSON_AddItemToObject(o, "programs", json_programs(obj));
	cJSON_AddItemToObject(o, "functions", json_functions(obj));
	cJSON_AddItemToObject(o, "edges", json_edges(obj));
	cJSON_AddItemToObject(o, "maps", json_maps(obj));
	cJSON_AddItemToArray(g->objects, o);
	return PF_EXIT_OK;
}

int cmd_graph(struct pf_opts *opts)
{
	struct graph_ctx g = { 0 };
	cJSON *root = NULL;
	int ret;

	if (opts->format_set && opts->format != PF_FMT_JSON &&
	    opts->format != PF_FMT_DOT) {
		fprintf(stderr, "bpf-preflight: graph does not speak that format; use -f dot or -f json\n");
		return PF_EXIT_INPUT;
	}
	if (opts->format == PF_FMT_JSON) {
		root = cJSON_CreateObject();
		cJSON_AddNumberToObject(root, "version", 1);
		g.objects = cJSON_AddArrayToObject(root, "objects");
	} else {
		printf("digraph bpf {\n  node [fontname=\"monospace\"];\n");
	}
	ret = pf_cli__for_each_object(opts, graph_object, &g);
	if (!root) {
		printf("}\n");
		return ret;
	}
	pf_cli__json_errors(root);
	return pf_cli__print_json(root, ret);
}

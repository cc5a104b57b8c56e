// SPDX-License-Identifier: MIT
/* Shared command-line plumbing: opening operands, the input error path. */
#include <stdio.h>

#include <bpf/libbpf.h>

#include "cli.h"

void pf_cli__input_error(const char *path, const char *reason)
{
	fprintf(stderr, "bpf-preflight: %s: %s\n", path, reason);
}

void pf_cli__warnings(const struct pf_object *obj)
{
	size_t i;

	for (i = 0; i < obj->warning_cnt; i++)
		fprintf(stderr, "bpf-preflight: %s: warning: %s\n", obj->path,
			obj->warnings[i]);
}

int pf_cli__for_each_object(const struct pf_opts *opts, pf_object_fn fn, void *ctx)
{
	int ret = PF_EXIT_OK;
	int i;

	for (i = 0; i < opts->argc; i++) {
		struct pf_object *obj;
		char err[256];
		int r;

		if (pf_object__open(opts->argv[i], &obj, err, sizeof(err))) {
			pf_cli__input_error(opts->argv[i], err);
			ret = ret > PF_EXIT_INPUT ? ret : PF_EXIT_INPUT;
			continue;
		}
		pf_cli__warnings(obj);
		r = fn(obj, opts, ctx);
		if (r > ret)
			ret = r;
		pf_object__free(obj);
	}
	return ret;
}

const char *pf_prog_type_str(int type)
{
	const char *s = libbpf_bpf_prog_type_str(type);

	return s ? s : "unknown";
}

const char *pf_map_type_str(unsigned int type)
{
	const char *s = libbpf_bpf_map_type_str(type);

	return s ? s : "unknown";
}

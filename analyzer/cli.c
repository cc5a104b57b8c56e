// SPDX-License-Identifier: MIT
/* Shared command-line plumbing: opening operands, the input error path. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

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

/*
 * Debian names its 6.1 kernels 6.1.0-N; the upstream release is in
 * uname -v ("... Debian 6.1.170-3 (date)"). Other kernels say it in -r.
 */
static void host_release(char *buf, size_t len)
{
	struct utsname u;
	const char *deb;

	if (uname(&u)) {
		snprintf(buf, len, "unknown");
		return;
	}
	deb = strstr(u.version, "Debian ");
	if (deb && deb[7] >= '0' && deb[7] <= '9')
		snprintf(buf, len, "%.*s", (int)strcspn(deb + 7, " -"), deb + 7);
	else
		snprintf(buf, len, "%s", u.release);
}

static int add_profile(struct pf_opts *opts, const char *ver)
{
	struct pf_profile *p;

	if (opts->profile_cnt >= PF_MAX_PROFILES) {
		fprintf(stderr, "bpf-preflight: too many kernels (limit %d)\n",
			PF_MAX_PROFILES);
		return -EINVAL;
	}
	p = &opts->profiles[opts->profile_cnt];
	if (pf_profile__parse(ver, opts->arch, !opts->no_jit, p)) {
		fprintf(stderr, "bpf-preflight: bad kernel version '%s' (want X.Y or X.Y.Z, host or all)\n",
			ver);
		return -EINVAL;
	}
	opts->profile_cnt++;
	return 0;
}

int pf_cli__profiles(struct pf_opts *opts)
{
	const char *const *known = pf_profile__known();
	char *list, *tok, *save = NULL;
	int err = 0;

	if (opts->kernels && !strcmp(opts->kernels, "none"))
		return 0;
	if (!opts->kernels || !strcmp(opts->kernels, "all")) {
		for (; *known && !err; known++)
			err = add_profile(opts, *known);
		return err;
	}
	list = strdup(opts->kernels);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		char host[80];

		if (!strcmp(tok, "host")) {
			host_release(host, sizeof(host));
			err = add_profile(opts, host);
		} else if (!strcmp(tok, "all")) {
			for (known = pf_profile__known(); *known && !err; known++)
				err = add_profile(opts, *known);
		} else {
			err = add_profile(opts, tok);
		}
	}
	free(list);
	return err;
}

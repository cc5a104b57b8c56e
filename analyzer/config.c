// SPDX-License-Identifier: MIT
/*
 * The project configuration file, `.bpf-preflight`, found in the current
 * directory or the nearest parent (or given with --config). One setting a
 * line, "key = value", '#' starts a comment:
 *
 *   kernels  = 6.1.192, 6.12.117     (as --kernel)
 *   arch     = arm64                 (as --arch)
 *   jit      = false                 (as --no-jit)
 *   disable  = printk-stack          (as --disable, comma-separated)
 *   enable   = ...
 *   fail-on  = warning               (as --fail-on)
 *   margin   = 48                    (as --margin)
 *   suppress = my_func:stack-combined   (no source line info needed)
 *   attach   = acl.o:acl=dispatcher.o:acl_stub      (as --attach, repeatable)
 *   tail-target = acl.o:acl_progs[0]=algo.o:algo   (as --tail-target, repeatable)
 *
 * Options on the command line win over the file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rule.h"

/* Strings the file's list settings hold (options point into argv instead). */
static char *owned[320];
static size_t owned_cnt;

static char *keep(const char *s)
{
	char *d = owned_cnt < sizeof(owned) / sizeof(owned[0]) ? strdup(s) : NULL;

	if (d)
		owned[owned_cnt++] = d;
	return d;
}

void pf_config__free(void)
{
	while (owned_cnt)
		free(owned[--owned_cnt]);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int add_list(const char **arr, size_t *cnt, size_t max, char *val)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(val, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		tok = trim(tok);
		if (!*tok)
			continue;
		if (*cnt >= max)
			return -E2BIG;
		arr[(*cnt)++] = strdup(tok);
	}
	return 0;
}

static int apply(struct pf_opts *opts, const char *path, unsigned int lineno,
		 const char *key, char *val)
{
	if (!strcmp(key, "kernels") || !strcmp(key, "kernel")) {
		if (!opts->kernels)
			opts->kernels = strdup(val);
	} else if (!strcmp(key, "arch")) {
		if (pf_arch__parse(val, &opts->arch))
			goto bad;
	} else if (!strcmp(key, "jit")) {
		if (!strcmp(val, "false") || !strcmp(val, "no") || !strcmp(val, "0"))
			opts->no_jit = true;
	} else if (!strcmp(key, "disable")) {
		if (add_list(opts->rules_off, &opts->rules_off_cnt, 64, val))
			goto bad;
	} else if (!strcmp(key, "enable")) {
		if (add_list(opts->rules_on, &opts->rules_on_cnt, 64, val))
			goto bad;
	} else if (!strcmp(key, "fail-on")) {
		if (!strcmp(val, "error"))
			opts->fail_on = PF_SEV_ERROR;
		else if (!strcmp(val, "warning"))
			opts->fail_on = PF_SEV_WARNING;
		else if (!strcmp(val, "note"))
			opts->fail_on = PF_SEV_NOTE;
		else
			goto bad;
	} else if (!strcmp(key, "margin")) {
		opts->margin = (unsigned int)strtoul(val, NULL, 10);
	} else if (!strcmp(key, "attach")) {
		if (!strchr(val, '=') || opts->attach_cnt >= 64 || !keep(val))
			goto bad;
		opts->attach[opts->attach_cnt++] = owned[owned_cnt - 1];
	} else if (!strcmp(key, "tail-target")) {
		if (!strchr(val, '=') || opts->tail_cnt >= 256 || !keep(val))
			goto bad;
		opts->tail[opts->tail_cnt++] = owned[owned_cnt - 1];
	} else if (!strcmp(key, "suppress")) {
		if (!strchr(val, ':') || opts->suppress_cnt >= 64)
			goto bad;
		opts->suppress[opts->suppress_cnt++] = strdup(val);
	} else {
		fprintf(stderr, "bpf-preflight: %s:%u: unknown setting '%s'\n", path, lineno, key);
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, "bpf-preflight: %s:%u: bad value for '%s': %s\n", path, lineno, key, val);
	return -EINVAL;
}

/* The nearest .bpf-preflight from the current directory up, or NULL. */
static char *find_config(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 32];
	char *slash;

	if (!getcwd(dir, sizeof(dir)))
		return NULL;
	for (;;) {
		snprintf(path, sizeof(path), "%s/.bpf-preflight", dir);
		if (!access(path, R_OK))
			return strdup(path);
		slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			break;
		*slash = '\0';
	}
	snprintf(path, sizeof(path), "/.bpf-preflight");
	return access(path, R_OK) ? NULL : strdup(path);
}

int pf_config__load(struct pf_opts *opts)
{
	char *path = opts->config ? strdup(opts->config) : find_config();
	char line[1024];
	unsigned int n = 0;
	FILE *f;
	int err = 0;

	if (!path)
		return 0;
	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		fprintf(stderr, "bpf-preflight: %s: %s\n", path, strerror(errno));
		free(path);
		return err;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		char *s, *eq;

		n++;
		s = strchr(line, '#');
		if (s)
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			fprintf(stderr, "bpf-preflight: %s:%u: expected 'key = value'\n", path, n);
			err = -EINVAL;
			break;
		}
		*eq = '\0';
		err = apply(opts, path, n, trim(s), trim(eq + 1));
	}
	fclose(f);
	free(path);
	return err;
}

bool pf_cli__rule_enabled(const struct pf_opts *opts, const char *id)
{
	bool on = true;
	size_t i;

	for (i = 0; i < opts->rules_off_cnt; i++)
		if (!strcmp(opts->rules_off[i], id) || !strcmp(opts->rules_off[i], "all"))
			on = false;
	for (i = 0; i < opts->rules_on_cnt; i++)
		if (!strcmp(opts->rules_on[i], id) || !strcmp(opts->rules_on[i], "all"))
			on = true;
	return on;
}

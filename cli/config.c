// SPDX-License-Identifier: MIT
/*
 * Settings: the option table and the project configuration file.
 *
 * pf_options[] is the one list of settings. main.c builds getopt_long's
 * tables and the --help text from it; the configuration file,
 * `.bpf-preflight`, found in the current directory or the nearest parent
 * (or given with --config), sets the entries that have a key. Both go
 * through the entry's parse function, so a value the command line refuses
 * is refused in the file too, with the same message after "FILE:LINE: ".
 *
 * The file holds one setting a line, "key = value"; '#' starts a comment:
 *
 *   kernels  = 6.1.192, 6.12.117     (as --kernel; "kernel" works too)
 *   profiles = profiles              (as --kernel @DIR; relative to this file)
 *   arch     = arm64                 (as --arch)
 *   jit      = false                 (as --no-jit; true is the default)
 *   disable  = printk-stack          (as --disable, comma-separated)
 *   enable   = ...
 *   fail-on  = warning               (as --fail-on)
 *   margin   = 48                    (as --margin)
 *   suppress = my_func:stack-combined   (no source line info needed)
 *   attach   = acl.o:acl=dispatcher.o:acl_stub      (as --attach, repeatable)
 *   tail-target = acl.o:acl_progs[0]=algo.o:algo   (as --tail-target, repeatable)
 *   srcroot  = .                     (as --srcroot; relative to this file)
 *
 * The file is read before the command line, so options win over it: a
 * single value is replaced, the first --kernel replaces the file's kernels;
 * rule lists, attach and tail-target entries add to the file's.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "bpf_preflight.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

__attribute__((format(printf, 2, 3)))
static int opt_error(const struct pf_optsrc *src, const char *fmt, ...)
{
	va_list ap;

	fputs("bpf-preflight: ", stderr);
	if (src)
		fprintf(stderr, "%s:%u: ", src->path, src->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/*
 * A copy of @len bytes of @s that lives as long as @opts: file values sit
 * in a line buffer, and a joined --kernel list is new, so settings never
 * point into storage that goes away.
 */
static char *keep(struct pf_opts *opts, const char *s, size_t len)
{
	char **owned, *d;

	owned = realloc(opts->owned, (opts->owned_cnt + 1) * sizeof(*owned));
	if (!owned)
		return NULL;
	opts->owned = owned;
	d = strndup(s, len);
	if (d)
		opts->owned[opts->owned_cnt++] = d;
	return d;
}

void pf_config__free(struct pf_opts *opts)
{
	while (opts->owned_cnt)
		free(opts->owned[--opts->owned_cnt]);
	free(opts->owned);
	opts->owned = NULL;
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

/*
 * The next comma-separated item of *@s, blanks around it dropped, as a
 * kept string; *@s moves past it. NULL at the end, or with -ENOMEM in *@err.
 */
static char *next_item(struct pf_opts *opts, const char **s, int *err)
{
	const char *p = *s, *e;
	char *item;

	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p) {
		*s = p;
		return NULL;
	}
	e = p + strcspn(p, ",");
	*s = e;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	item = keep(opts, p, (size_t)(e - p));
	if (!item)
		*err = -ENOMEM;
	return item;
}

/* Digits only: strtoul() would take "-5" as a huge number and " 5" as 5. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = v;
	return 0;
}

static int oom(const struct pf_optsrc *src)
{
	opt_error(src, "out of memory");
	return -ENOMEM;
}

/* Store @val as a string setting. */
static int set_string(struct pf_opts *opts, const char **dst, const char *val,
		      const struct pf_optsrc *src)
{
	char *s = keep(opts, val, strlen(val));

	if (!s)
		return oom(src);
	*dst = s;
	return 0;
}

/*
 * X~KNOWN (or X~ for the nearest): the opt-in to assume that X, a kernel
 * the table cannot place, behaves like KNOWN, which it can.
 */
static int assumed_ok(const char *k, char *why, size_t len)
{
	const char *tilde = strchr(k, '~');
	struct pf_profile p;
	char x[64];

	if (tilde == k || strchr(tilde + 1, '~') || tilde - k >= (int)sizeof(x)) {
		snprintf(why, len, "'%s': want X~KNOWN (X assumed like the known kernel KNOWN)", k);
		return -EINVAL;
	}
	snprintf(x, sizeof(x), "%.*s", (int)(tilde - k), k);
	if (strcmp(x, "host") && pf_profile__parse(x, PF_ARCH_X86_64, true, &p)) {
		snprintf(why, len, "'%s': '%.*s' is not a kernel version (X.Y[.Z] or host)", k,
			 (int)(tilde - k), k);
		return -EINVAL;
	}
	return tilde[1] && pf_profile__place(tilde + 1, why, len) ? -EINVAL : 0;
}

/* 0, or -EINVAL with the reason in @why: a kernel the table cannot place is an error */
static int kernel_ok(const char *k, char *why, size_t len)
{
	if (k[0] == '@') {
		snprintf(why, len, "--kernel @FILE wants a file name");
		return k[1] ? 0 : -EINVAL;
	}
	if (strchr(k, '~'))
		return assumed_ok(k, why, len);
	if (!strcmp(k, "host") || !strcmp(k, "all") || !strcmp(k, "none"))
		return 0;
	return pf_profile__place(k, why, len) ? -EINVAL : 0;
}

/*
 * A relative path in the config file is relative to the file's directory,
 * where its writer looked, not where a later run starts; @s kept.
 */
static char *config_path(struct pf_opts *opts, const char *val, const struct pf_optsrc *src)
{
	const char *slash = src ? strrchr(src->path, '/') : NULL;
	char *s, *kept;
	int n;

	if (!slash || val[0] == '/')
		return keep(opts, val, strlen(val));
	n = (int)(slash - src->path);
	s = malloc((size_t)n + strlen(val) + 2);
	if (!s)
		return NULL;
	sprintf(s, "%.*s/%s", n, src->path, val);
	kept = keep(opts, s, strlen(s));
	free(s);
	return kept;
}

/*
 * -k adds to the kernels given before it; the file's list is replaced by
 * the command line's. The list is checked here, so that a bad version is
 * refused with its line in the file; @FILE profiles are read later.
 */
static int parse_kernel(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	bool replace = !opts->kernels || (opts->kernels_file && !src);
	const char *old = replace ? "" : opts->kernels;
	size_t len = strlen(old), cnt = 0;
	char *list, *copy, *tok, *save = NULL, why[600];
	bool none = !strcmp(old, "none");
	int err = 0;

	if (*old)
		cnt = strchr(old, ',') ? 2 : 1;	/* only "more than one" matters */
	/* the old list plus every item of @val, blanks dropped, and a comma */
	list = malloc(len + strlen(val) + 2);
	copy = strdup(val);
	if (!list || !copy) {
		free(list);
		free(copy);
		return oom(src);
	}
	memcpy(list, old, len + 1);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const char *path = NULL;
		char *grown;

		tok = trim(tok);
		if (!*tok)
			continue;
		if (kernel_ok(tok, why, sizeof(why))) {
			err = opt_error(src, "%s", why);
			break;
		}
		/* "kernels = @profiles" in a file: in the file's directory */
		if (tok[0] == '@' && src && !(path = config_path(opts, tok + 1, src))) {
			err = oom(src);
			break;
		}
		none |= !strcmp(tok, "none");
		grown = realloc(list, len + strlen(path ? path : tok) + 3);
		if (!grown) {
			err = oom(src);
			break;
		}
		list = grown;
		len += (size_t)sprintf(list + len, "%s%s%s", len ? "," : "", path ? "@" : "",
				       path ? path : tok);
		cnt++;
	}
	if (!err && !cnt)
		err = opt_error(src, "--kernel wants a list of kernels");
	/* none means "model only": another kernel beside it contradicts it */
	if (!err && none && cnt > 1)
		err = opt_error(src, "--kernel none takes no other kernel");
	if (!err) {
		err = set_string(opts, &opts->kernels, list, src);
		opts->kernels_file = src != NULL;
	}
	free(copy);
	free(list);
	return err;
}

/*
 * "profiles = DIR" (config file only): a fleet's recorded kernels, every
 * *.json in DIR, as "kernels = @DIR". Checked here, so that a wrong path
 * is refused with the file's line; what is in it is read with the rest.
 */
static int parse_profiles(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	const char *dir;
	char *k, *real;
	struct stat st;
	int err;

	if (!*val)
		return opt_error(src, "profiles wants a directory");
	dir = config_path(opts, val, src);
	if (!dir)
		return oom(src);
	if (stat(dir, &st))
		return opt_error(src, "profiles: %s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return opt_error(src, "profiles: %s is not a directory (a single profile: kernels = @FILE)",
				 dir);
	/* absolute: parse_kernel() would make a relative one the file's again */
	real = realpath(dir, NULL);
	k = real ? malloc(strlen(real) + 2) : NULL;
	if (!k) {
		free(real);
		return oom(src);
	}
	sprintf(k, "@%s", real);
	err = parse_kernel(opts, k, src);
	free(k);
	free(real);
	return err;
}

static int parse_arch(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	if (pf_arch__parse(val, &opts->arch))
		return opt_error(src, "unknown architecture '%s'", val);
	return 0;
}

/* --no-jit, or the file's "jit = false" (and "jit = true" to say the default). */
static int parse_no_jit(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	if (!val || !strcmp(val, "false") || !strcmp(val, "no") || !strcmp(val, "0"))
		opts->no_jit = true;
	else if (!strcmp(val, "true") || !strcmp(val, "yes") || !strcmp(val, "1"))
		opts->no_jit = false;
	else
		return opt_error(src, "jit wants true or false");
	return 0;
}

static int parse_format(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	if (!strcmp(val, "text"))
		opts->format = PF_FMT_TEXT;
	else if (!strcmp(val, "json"))
		opts->format = PF_FMT_JSON;
	else if (!strcmp(val, "dot"))
		opts->format = PF_FMT_DOT;
	else if (!strcmp(val, "sarif"))
		opts->format = PF_FMT_SARIF;
	else
		return opt_error(src, "unknown format '%s'", val);
	opts->format_set = true;
	return 0;
}

static int parse_fail_on(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	if (!strcmp(val, "error"))
		opts->fail_on = PF_SEV_ERROR;
	else if (!strcmp(val, "warning"))
		opts->fail_on = PF_SEV_WARNING;
	else if (!strcmp(val, "note"))
		opts->fail_on = PF_SEV_NOTE;
	else
		return opt_error(src, "--fail-on wants error, warning or note");
	return 0;
}

static int parse_exit_zero(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	(void)val;
	(void)src;
	opts->exit_zero = true;
	return 0;
}

static int parse_color(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	if (!strcmp(val, "auto"))
		opts->color = -1;
	else if (!strcmp(val, "always"))
		opts->color = 1;
	else if (!strcmp(val, "never"))
		opts->color = 0;
	else
		return opt_error(src, "--color wants auto, always or never");
	return 0;
}

static int parse_rules(struct pf_opts *opts, char *val, const struct pf_optsrc *src,
		       const char **arr, size_t *cnt, const char *what)
{
	const char *p = val;
	char *rule;
	int err = 0;

	while ((rule = next_item(opts, &p, &err))) {
		if (!pf_rule__find(rule) && strcmp(rule, "all"))
			return opt_error(src, "unknown rule '%s' (see 'bpf-preflight rules')", rule);
		if (*cnt >= 64)
			return opt_error(src, "too many rules for %s (limit 64)", what);
		arr[(*cnt)++] = rule;
	}
	return err ? oom(src) : 0;
}

static int parse_enable(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return parse_rules(opts, val, src, opts->rules_on, &opts->rules_on_cnt, "--enable");
}

static int parse_disable(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return parse_rules(opts, val, src, opts->rules_off, &opts->rules_off_cnt, "--disable");
}

/*
 * --rodata NAME=VALUE: what user space writes into a .rodata variable
 * before the load (a skeleton's rodata->NAME = VALUE). Comma-separated
 * and repeatable; the last value given for a name wins.
 */
static int parse_rodata(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	const char *p = val;
	char *item;
	int err = 0;

	while ((item = next_item(opts, &p, &err))) {
		char *eq = strchr(item, '='), *end;
		unsigned long long v;
		size_t i;

		if (!eq || eq == item || !eq[1])
			return opt_error(src, "--rodata wants NAME=VALUE, not '%s'", item);
		*eq = '\0';
		errno = 0;
		if (eq[1] == '-')
			v = (unsigned long long)strtoll(eq + 1, &end, 0);
		else
			v = strtoull(eq + 1, &end, 0);
		if (errno || *end)
			return opt_error(src, "--rodata %s: '%s' is not an integer", item, eq + 1);
		for (i = 0; i < opts->rodata_set.cnt; i++)
			if (!strcmp(opts->rodata[i].name, item))
				break;
		if (i == opts->rodata_set.cnt) {
			if (i >= sizeof(opts->rodata) / sizeof(opts->rodata[0]))
				return opt_error(src, "too many --rodata values (limit 64)");
			opts->rodata_set.cnt++;
		}
		opts->rodata[i] = (struct pf_rodata_value){ .name = item, .value = v };
		opts->rodata_set.v = opts->rodata;
	}
	return err ? oom(src) : 0;
}

static int parse_baseline(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return set_string(opts, &opts->baseline, val, src);
}

static int parse_write_baseline(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return set_string(opts, &opts->write_baseline, val, src);
}

static int parse_config(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return set_string(opts, &opts->config, val, src);
}

/* A repeatable "A=B" setting into @arr, which holds @max. */
static int add_spec(struct pf_opts *opts, char *val, const struct pf_optsrc *src,
		    char **arr, size_t *cnt, size_t max, const char *what, const char *form)
{
	if (!strchr(val, '='))
		return opt_error(src, "%s wants %s", what, form);
	if (*cnt >= max)
		return opt_error(src, "too many %s (limit %zu)", what, max);
	arr[*cnt] = keep(opts, val, strlen(val));
	if (!arr[*cnt])
		return oom(src);
	(*cnt)++;
	return 0;
}

static int parse_attach(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return add_spec(opts, val, src, opts->attach, &opts->attach_cnt,
			ARRAY_SIZE(opts->attach), "--attach", "EXT_OBJ:PROG=TARGET_OBJ:FUNC");
}

static int parse_tail_target(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return add_spec(opts, val, src, opts->tail, &opts->tail_cnt,
			ARRAY_SIZE(opts->tail), "--tail-target", "[OBJ:]MAP[IDX]=OBJ:PROG");
}

/* "FUNCTION:RULE": the rule must exist, or the line silences nothing. */
static int parse_suppress(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	const char *colon = strrchr(val, ':');

	if (!colon || colon == val || !colon[1])
		return opt_error(src, "suppress wants FUNCTION:RULE");
	if (!pf_rule__find(colon + 1) && strcmp(colon + 1, "all"))
		return opt_error(src, "unknown rule '%s' (see 'bpf-preflight rules')", colon + 1);
	if (opts->suppress_cnt >= ARRAY_SIZE(opts->suppress))
		return opt_error(src, "too many suppress settings (limit %zu)",
				 ARRAY_SIZE(opts->suppress));
	opts->suppress[opts->suppress_cnt] = keep(opts, val, strlen(val));
	if (!opts->suppress[opts->suppress_cnt])
		return oom(src);
	opts->suppress_cnt++;
	return 0;
}

static int parse_prog(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return set_string(opts, &opts->prog, val, src);
}

static int parse_jobs(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	unsigned long n;
	long cpus;

	if (parse_uint(val, 1024, &n))
		return opt_error(src, "--jobs wants 0..1024 (0: one per CPU)");
	cpus = sysconf(_SC_NPROCESSORS_ONLN);
	opts->jobs = n ? (unsigned int)n : cpus > 0 ? (unsigned int)cpus : 1;
	return 0;
}

static int parse_raw(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	(void)val;
	(void)src;
	opts->raw = true;
	return 0;
}

static int parse_explain(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	(void)val;
	(void)src;
	opts->explain = true;
	return 0;
}

static int parse_margin(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	unsigned long m;

	if (parse_uint(val, 512, &m))
		return opt_error(src, "--margin wants 0..512 bytes");
	opts->margin = (unsigned int)m;
	return 0;
}

static int parse_output(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	return set_string(opts, &opts->output, val, src);
}

/*
 * --srcroot DIR; in the config file a relative DIR is relative to the
 * file's directory ("srcroot = ." in the file at the top of the tree),
 * which is where its writer looked, not where a later run starts.
 */
static int parse_srcroot(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	const char *slash = src ? strrchr(src->path, '/') : NULL;
	char *s;
	int n;

	if (!*val)
		return opt_error(src, "srcroot wants a directory");
	if (!slash || val[0] == '/')
		return set_string(opts, &opts->srcroot, val, src);
	n = (int)(slash - src->path);
	s = malloc((size_t)n + strlen(val) + 2);
	if (!s)
		return oom(src);
	sprintf(s, "%.*s/%s", n, src->path, val);
	n = set_string(opts, &opts->srcroot, s, src);
	free(s);
	return n;
}

static int parse_help(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	(void)val;
	(void)src;
	opts->help = true;
	return 0;
}

static int parse_version(struct pf_opts *opts, char *val, const struct pf_optsrc *src)
{
	(void)val;
	(void)src;
	opts->version = true;
	return 0;
}

#define CHECK	PF_CMD_CHECK
#define MODEL	PF_CMD_MODEL
#define KERNELS	(PF_CMD_CHECK | PF_CMD_STACK | PF_CMD_KERNELS)

/* In --help order. */
const struct pf_option pf_options[] = {
	{ "kernel", 'k', true, "LIST", "kernels", KERNELS,
	  "kernels: X.Y[.Z], host, all (default), none, @FILE (a profile\n"
	  "written by probe), @DIR (its *.json profiles), X~KNOWN (X\n"
	  "assumed like KNOWN); comma-separated, repeatable", parse_kernel },
	{ NULL, 0, true, NULL, "profiles", KERNELS, NULL, parse_profiles },
	{ "output", 'o', true, "FILE", NULL, PF_CMD_PROBE,
	  "probe: write the profile to FILE", parse_output },
	{ "arch", 'a', true, "ARCH", "arch", KERNELS,
	  "x86_64 (default), arm64, s390x, loongarch64, riscv64, ppc64le", parse_arch },
	{ "no-jit", 0, false, NULL, "jit", KERNELS,
	  "the interpreter instead of the JIT", parse_no_jit },
	{ "format", 'f', true, "FMT", NULL, MODEL | PF_CMD_KERNELS | PF_CMD_RULES,
	  "text (default), json, sarif (check only),\n"
	  "dot (graph only, its default)", parse_format },
	{ "srcroot", 0, true, "DIR", "srcroot", CHECK,
	  "sarif: the directory URIs are relative to (default: the\n"
	  "git top level above the current directory)", parse_srcroot },
	{ "fail-on", 0, true, "SEV", "fail-on", CHECK,
	  "exit 1 on findings at or above error (default), warning, note", parse_fail_on },
	{ "exit-zero", 0, false, NULL, NULL, CHECK,
	  "exit 0 even with findings", parse_exit_zero },
	{ "color", 0, true, "WHEN", NULL, CHECK,
	  "auto (default; off when NO_COLOR is set and not empty,\n"
	  "or TERM=dumb), always, never", parse_color },
	{ "enable", 'e', true, "RULE", "enable", CHECK,
	  "run RULE (after --disable or the config file)", parse_enable },
	{ "disable", 'd', true, "RULE", "disable", CHECK,
	  "do not run RULE (all: every rule); -e and -d take\n"
	  "comma-separated rules and are repeatable", parse_disable },
	{ "rodata", 0, true, "NAME=VALUE", "rodata", CHECK | PF_CMD_EXPLAIN,
	  "the value user space sets in the .rodata variable NAME\n"
	  "before the load (repeatable; default: the object's)", parse_rodata },
	{ "baseline", 0, true, "FILE", NULL, CHECK,
	  "report only findings not in FILE", parse_baseline },
	{ "write-baseline", 0, true, "FILE", NULL, CHECK,
	  "write the findings to FILE", parse_write_baseline },
	{ "config", 0, true, "FILE", NULL, PF_CMD_ALL,
	  "settings file (default: .bpf-preflight here or above)", parse_config },
	{ "attach", 0, true, "EXT_OBJ:PROG=TARGET_OBJ:FUNC", "attach", CHECK,
	  "the function an freplace program replaces (default: the\n"
	  "one function of its SEC(\"freplace/NAME\") among the objects)", parse_attach },
	{ "tail-target", 0, true, "[OBJ:]MAP[IDX]=OBJ:PROG", "tail-target", CHECK,
	  "a program user space puts into a prog array", parse_tail_target },
	{ NULL, 0, true, NULL, "suppress", CHECK, NULL, parse_suppress },
	{ "prog", 'p', true, "NAME", NULL, PF_CMD_CHECK | PF_CMD_STACK | PF_CMD_DUMP,
	  "only the program NAME", parse_prog },
	{ "jobs", 'j', true, "N", NULL, MODEL,
	  "model N objects in parallel (0: one per CPU); output in\n"
	  "command-line order, the same as with -j 1", parse_jobs },
	{ "raw", 0, false, NULL, NULL, PF_CMD_DUMP,
	  "dump: every slot as SECTION<TAB>SLOT<TAB>llvm-objdump text", parse_raw },
	{ "explain", 0, false, NULL, NULL, PF_CMD_STACK,
	  "stack: the byte ranges of each frame and what-ifs", parse_explain },
	{ "margin", 0, true, "BYTES", "margin", CHECK,
	  "near a limit for printk-stack (default 32)", parse_margin },
	{ "help", 'h', false, NULL, NULL, PF_CMD_ALL,
	  "this help; after a command, the options it takes", parse_help },
	{ "version", 'V', false, NULL, NULL, PF_CMD_ALL,
	  "print the version", parse_version },
};
const size_t pf_option_cnt = ARRAY_SIZE(pf_options);

/*
 * The entry a file key names: its key, or the long name of an option that
 * takes a value ("kernel" as well as "kernels"). A flag's long name is no
 * key: "no-jit = false" would read as its opposite.
 */
static const struct pf_option *option_by_key(const char *key)
{
	size_t i;

	for (i = 0; i < pf_option_cnt; i++) {
		const struct pf_option *o = &pf_options[i];

		if (o->key && (!strcmp(key, o->key) ||
			       (o->has_arg && o->name && !strcmp(key, o->name))))
			return o;
	}
	return NULL;
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
	struct pf_optsrc src = { .path = path };
	char line[1024];
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
		const struct pf_option *o;
		char *s, *eq;

		src.line++;
		s = strchr(line, '#');
		if (s)
			*s = '\0';
		s = trim(line);
		if (!*s)
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			err = opt_error(&src, "expected 'key = value'");
			break;
		}
		*eq = '\0';
		s = trim(s);
		o = option_by_key(s);
		if (!o) {
			err = opt_error(&src, "unknown setting '%s'", s);
			break;
		}
		err = o->parse(opts, trim(eq + 1), &src);
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

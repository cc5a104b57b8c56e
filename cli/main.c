// SPDX-License-Identifier: MIT
/*
 * bpf-preflight command line: a command table in the style of bpftool's
 * cmd_select(), `check` the default command, then the options. getopt_long's
 * tables and --help come from pf_options[] (config.c), which also reads the
 * config file; each command takes only the options and formats it uses.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <elfutils/version.h>
#include <libdwarf.h>

#include "cli.h"
#include "bpf_preflight.h"

#ifndef PF_VERSION
#error "PF_VERSION is not defined: the Makefile passes it (VERSION := ...)"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define FMT(f) (1u << (f))

struct cmd {
	const char *name;
	int (*fn)(struct pf_opts *opts);
	unsigned int bit;		/* PF_CMD_*: the options it takes */
	unsigned int formats;		/* FMT(PF_FMT_*) it prints */
	const char *format_names;	/* the same, for the message */
	bool objects;			/* needs at least one object operand */
	const char *synopsis;
	const char *summary;
};

static const struct cmd cmds[] = {
	{ "check", cmd_check, PF_CMD_CHECK, FMT(PF_FMT_TEXT) | FMT(PF_FMT_JSON) | FMT(PF_FMT_SARIF),
	  "text|json|sarif", true,
	  "check [OPTIONS] OBJ...", "verifier verdicts for every program (default)" },
	{ "stack", cmd_stack, PF_CMD_STACK, FMT(PF_FMT_TEXT) | FMT(PF_FMT_JSON), "text|json", true,
	  "stack [--explain] [OPTIONS] OBJ...",
	  "frames per kernel, worst chains; --explain: what fills each frame" },
	{ "dump", cmd_dump, PF_CMD_DUMP, FMT(PF_FMT_TEXT) | FMT(PF_FMT_JSON), "text|json", true,
	  "dump [--raw] [--prog NAME] OBJ...", "disassembly with source, calls, maps" },
	{ "graph", cmd_graph, PF_CMD_GRAPH, FMT(PF_FMT_DOT) | FMT(PF_FMT_JSON), "dot|json", true,
	  "graph [--format=dot|json] OBJ...", "programs, calls, callbacks, tail calls" },
	{ "rules", cmd_rules, PF_CMD_RULES, FMT(PF_FMT_TEXT) | FMT(PF_FMT_JSON), "text|json", false,
	  "rules [-f json]", "the rule catalogue: ids, severities, kernels" },
	{ "explain", cmd_explain_rule, PF_CMD_EXPLAIN, 0, NULL, false,
	  "explain RULE", "the rule's documentation" },
	{ "probe", cmd_probe, PF_CMD_PROBE, 0, NULL, false,
	  "probe [-o FILE]", "measure the running kernel (root); -k @FILE reads the profile" },
	{ "kernels", cmd_kernels, PF_CMD_KERNELS, FMT(PF_FMT_TEXT) | FMT(PF_FMT_JSON), "text|json",
	  false, "kernels [-k KERNELS] [-f json]",
	  "the kernel profiles: every fact, its value and where it comes from" },
};

/* The option column of --help is 21 wide; longer ones put the text below. */
static void usage_option(FILE *out, const struct pf_option *o)
{
	const char *h = o->help;
	char left[96];
	size_t n;

	snprintf(left, sizeof(left), "  %c%c%c --%s%s%s", o->short_name ? '-' : ' ',
		 o->short_name ? o->short_name : ' ', o->short_name ? ',' : ' ', o->name,
		 o->arg_name ? "=" : "", o->arg_name ? o->arg_name : "");
	if (strlen(left) <= 20)
		fprintf(out, "%-21s", left);
	else
		fprintf(out, "%s\n%21s", left, "");
	for (;;) {
		n = strcspn(h, "\n");
		fprintf(out, "%.*s\n", (int)n, h);
		if (!h[n])
			break;
		h += n + 1;
		fprintf(out, "%21s", "");
	}
}

/* Everything, or with @cmd only its synopsis and the options it takes. */
static void usage(FILE *out, const struct cmd *cmd)
{
	size_t i;

	if (cmd) {
		fprintf(out, "Usage: bpf-preflight %s\n%s.\n", cmd->synopsis, cmd->summary);
	} else {
		fprintf(out,
			"Usage: bpf-preflight [COMMAND] [OPTIONS] OBJ...\n"
			"Predict what the Linux BPF verifier will refuse in compiled BPF objects.\n"
			"OBJ: a BPF object, - (stdin), a directory (its *.o, recursively) or a .skel.h.\n\n"
			"Commands:\n");
		for (i = 0; i < ARRAY_SIZE(cmds); i++)
			fprintf(out, "  %s   %s\n", cmds[i].synopsis, cmds[i].summary);
	}
	fprintf(out, "\nOptions:\n");
	for (i = 0; i < pf_option_cnt; i++)
		if (pf_options[i].name && pf_options[i].help &&
		    (!cmd || pf_options[i].cmds & cmd->bit))
			usage_option(out, &pf_options[i]);
	if (!cmd)
		fprintf(out,
			"\nA command refuses the options it does not take; 'bpf-preflight COMMAND\n"
			"--help' lists its own.\n");
	fprintf(out, "\nExit status: 0 clean, 1 findings, 2 usage or input error, 3 internal error.\n");
}

/* getopt_long's value for an option: its short name, or 256 + its index. */
static int option_val(size_t i)
{
	return pf_options[i].short_name ? pf_options[i].short_name : 256 + (int)i;
}

static const struct pf_option *option_by_val(int val)
{
	size_t i;

	for (i = 0; i < pf_option_cnt; i++)
		if (pf_options[i].name && option_val(i) == val)
			return &pf_options[i];
	return NULL;
}

/* getopt_long's tables, built from pf_options[]; 0 or -ENOMEM. */
static int getopt_tables(struct option **longopts, char **shortopts)
{
	struct option *lo = calloc(pf_option_cnt + 1, sizeof(*lo));
	char *so = malloc(3 * pf_option_cnt + 2), *p = so;
	size_t i, n = 0;

	if (!lo || !so) {
		free(lo);
		free(so);
		return -ENOMEM;
	}
	/* ':' first: a missing value returns ':', told apart from an unknown option */
	*p++ = ':';
	for (i = 0; i < pf_option_cnt; i++) {
		const struct pf_option *o = &pf_options[i];

		if (!o->name)
			continue;
		lo[n].name = o->name;
		lo[n].has_arg = o->has_arg ? required_argument : no_argument;
		lo[n].val = option_val(i);
		n++;
		if (o->short_name) {
			*p++ = o->short_name;
			if (o->has_arg)
				*p++ = ':';
		}
	}
	*p = '\0';
	*longopts = lo;
	*shortopts = so;
	return 0;
}

/* "check", "check and stack", "check, stack, dump and graph" */
static void cmd_names(char *buf, size_t len, unsigned int bits)
{
	size_t i, n = 0, total = 0, at = 0;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		total += !!(bits & cmds[i].bit);
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(cmds) && at < len; i++) {
		if (!(bits & cmds[i].bit))
			continue;
		n++;
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       n == 1 ? "" : n == total ? " and " : ", ", cmds[i].name);
	}
}

/* One line for what getopt_long refused, then where to look. */
static void bad_option(int c, char **argv, const struct cmd *cmd, bool cmd_given)
{
	const struct pf_option *o = optopt ? option_by_val(optopt) : NULL;
	const char *arg = argv[optind - 1];
	size_t len = strcspn(arg, "="), i, hits = 0;

	if (c == ':' && o) {
		fprintf(stderr, "bpf-preflight: option '--%s' needs a value\n", o->name);
	} else if (o) {
		fprintf(stderr, "bpf-preflight: option '--%s' takes no value\n", o->name);
	} else if (optopt) {
		fprintf(stderr, "bpf-preflight: unknown option '-%c'\n", optopt);
	} else {
		/* getopt_long takes any unique prefix: a shared one is ambiguous */
		for (i = 0; i < pf_option_cnt && len > 2; i++)
			hits += pf_options[i].name &&
				!strncmp(pf_options[i].name, arg + 2, len - 2);
		fprintf(stderr, "bpf-preflight: %s option '%.*s'\n",
			hits > 1 ? "ambiguous" : "unknown", (int)len, arg);
	}
	fprintf(stderr, "try 'bpf-preflight%s%s --help'\n", cmd_given ? " " : "",
		cmd_given ? cmd->name : "");
}

/*
 * The formats a command prints; another is refused in one line that
 * names the ones it has, never printed as text instead (a consumer that
 * asked for SARIF would read text as a broken log).
 */
static int cmd_format_ok(const struct cmd *cmd, const struct pf_opts *opts)
{
	static const char *const names[] = {
		[PF_FMT_TEXT] = "text", [PF_FMT_JSON] = "json",
		[PF_FMT_DOT] = "dot", [PF_FMT_SARIF] = "sarif",
	};
	char use[64];
	size_t f, n = 0, o = 0;

	if (!opts->format_set || (cmd->formats & FMT(opts->format)))
		return 0;
	for (f = 0; f < ARRAY_SIZE(names); f++)
		n += !!(cmd->formats & FMT(f));
	use[0] = '\0';
	for (f = 0; f < ARRAY_SIZE(names) && o < sizeof(use); f++)
		if (cmd->formats & FMT(f))
			o += (size_t)snprintf(use + o, sizeof(use) - o, "%s-f %s",
					      !o ? "" : --n == 1 ? " or " : ", ", names[f]);
	fprintf(stderr, "bpf-preflight: %s does not speak %s; use %s\n", cmd->name,
		names[opts->format], use);
	return -EINVAL;
}

/* libbpf's own warnings would break "one line per bad input". */
static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int main(int argc, char **argv)
{
	const struct cmd *cmd = &cmds[0];
	struct pf_opts opts = { .margin = 32, .fail_on = PF_SEV_ERROR, .color = -1 };
	struct option *longopts = NULL;
	char *shortopts = NULL, names[80];
	const struct pf_option *o;
	bool cmd_given = false, no_file = false;
	int c, ret = PF_EXIT_INPUT;
	size_t i;

	libbpf_set_print(silent_print);
	/*
	 * Objects are modelled one after another, each with buffers of the
	 * same few sizes: keep freed memory in the heap for the next one
	 * instead of returning it to the kernel and faulting it in again
	 * (a sixth of the corpus time went to page faults).
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	if (argc > 1 && argv[1][0] != '-') {
		for (i = 0; i < ARRAY_SIZE(cmds) && strcmp(argv[1], cmds[i].name); i++)
			;
		if (i < ARRAY_SIZE(cmds)) {
			cmd = &cmds[i];
			cmd_given = true;
			argv++;
			argc--;
		} else if (!strpbrk(argv[1], "./") && access(argv[1], F_OK)) {
			/*
			 * Neither a command nor a file: a typo, better named as
			 * such than reported as a missing object. What looks
			 * like a path ("x.o", "dir/x") goes to check, which
			 * says why it cannot be read.
			 */
			fprintf(stderr, "bpf-preflight: unknown command '%s' (commands:", argv[1]);
			for (i = 0; i < ARRAY_SIZE(cmds); i++)
				fprintf(stderr, "%s %s", i ? "," : "", cmds[i].name);
			fprintf(stderr, ")\n");
			goto out;
		}
	}
	if (getopt_tables(&longopts, &shortopts)) {
		ret = PF_EXIT_INTERNAL;
		goto out;
	}
	opterr = 0;	/* bad_option() says it in one line */
	/*
	 * The config file before the options, so that every option given
	 * overrides it: a first pass only looks for --config (its errors
	 * wait for the second), the second applies the options. optind = 0
	 * makes glibc start over. --help and --version work whatever the
	 * file says.
	 */
	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		o = option_by_val(c);
		if (!o)
			continue;
		if (!strcmp(o->name, "help") || !strcmp(o->name, "version"))
			no_file = true;
		else if (!strcmp(o->name, "config") && o->parse(&opts, optarg, NULL))
			goto out;
	}
	if (!no_file && pf_config__load(&opts))
		goto out;
	optind = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		o = option_by_val(c);
		if (c == '?' || c == ':' || !o) {
			bad_option(c, argv, cmd, cmd_given);
			goto out;
		}
		if (!(o->cmds & cmd->bit)) {
			cmd_names(names, sizeof(names), o->cmds);
			fprintf(stderr, "bpf-preflight: --%s is for %s, not %s\n", o->name, names,
				cmd->name);
			goto out;
		}
		if (o->parse(&opts, optarg, NULL))
			goto out;
		if (opts.help || opts.version)
			break;
	}
	if (opts.help) {
		usage(stdout, cmd_given ? cmd : NULL);
		ret = PF_EXIT_OK;
		goto out;
	}
	if (opts.version) {
		const char *const *k = pf_profile__known();
		size_t n = 0;

		while (k[n])
			n++;
		printf("bpf-preflight %s (libbpf %s, libelf %d.%d, libdwarf %s); kernels %s to %s\n",
		       PF_VERSION, libbpf_version_string(), _ELFUTILS_VERSION / 1000,
		       _ELFUTILS_VERSION % 1000, dwarf_package_version(), k[0], n ? k[n - 1] : "?");
		ret = PF_EXIT_OK;
		goto out;
	}
	if (cmd_format_ok(cmd, &opts))
		goto out;
	opts.argc = argc - optind;
	opts.argv = argv + optind;
	if (cmd->objects && !opts.argc) {
		fprintf(stderr, "bpf-preflight: no object files given\n"
			"try 'bpf-preflight%s%s --help'\n", cmd_given ? " " : "",
			cmd_given ? cmd->name : "");
		goto out;
	}
	ret = cmd->fn(&opts);
out:
	pf_cli__problems_free();
	free(longopts);
	free(shortopts);
	pf_config__free(&opts);
	return ret;
}

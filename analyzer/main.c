// SPDX-License-Identifier: MIT
/*
 * bpf-preflight command line: global options, then a command table in the
 * style of bpftool's cmd_select(); `check` is the default command.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "cli.h"

#ifndef PF_VERSION
#define PF_VERSION "0.1.0"
#endif

struct cmd {
	const char *name;
	int (*fn)(struct pf_opts *opts);
	const char *synopsis;
};

static const struct cmd cmds[] = {
	{ "check", cmd_check, "check [OPTIONS] OBJ...   verifier verdicts for every program (default)" },
	{ "stack", cmd_stack, "stack [--explain] [OPTIONS] OBJ...   frames per kernel, worst chains; --explain: what fills each frame" },
	{ "dump",  cmd_dump,  "dump [--raw] [--prog NAME] OBJ...   disassembly with source, calls, maps" },
	{ "graph", cmd_graph, "graph [--format=dot|json] OBJ...   programs, calls, callbacks, tail calls" },
	{ "rules", cmd_rules, "rules   the rule catalogue: ids, severities, kernels" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: bpf-preflight [COMMAND] [OPTIONS] OBJ...\n"
		"Predict what the Linux BPF verifier will refuse in compiled BPF objects.\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(out, "  %s\n", cmds[i].synopsis);
	fprintf(out,
		"\nOptions:\n"
		"  -k, --kernel=LIST  kernels: X.Y[.Z], host, all (default), none; comma-separated\n"
		"  -a, --arch=ARCH    x86_64 (default), arm64, s390x, loongarch64, riscv64, ppc64le\n"
		"      --no-jit       the interpreter instead of the JIT\n"
		"  -f, --format=FMT   output format: text, json, dot (graph)\n"
		"  -p, --prog=NAME    only the program NAME\n"
		"      --raw          dump: every slot as SECTION<TAB>SLOT<TAB>llvm-objdump text\n"
		"      --explain      stack: the byte ranges of each frame and what-ifs\n"
		"      --margin=BYTES near a limit for printk-stack (default 32)\n"
		"  -h, --help         this help\n"
		"  -V, --version      print the version\n"
		"\nExit status: 0 clean, 1 findings, 2 usage or input error, 3 internal error.\n");
}

static int parse_format(const char *s, struct pf_opts *opts)
{
	if (!strcmp(s, "text"))
		opts->format = PF_FMT_TEXT;
	else if (!strcmp(s, "json"))
		opts->format = PF_FMT_JSON;
	else if (!strcmp(s, "dot"))
		opts->format = PF_FMT_DOT;
	else
		return -1;
	opts->format_set = true;
	return 0;
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
	static const struct option longopts[] = {
		{ "format",  required_argument, NULL, 'f' },
		{ "kernel",  required_argument, NULL, 'k' },
		{ "arch",    required_argument, NULL, 'a' },
		{ "no-jit",  no_argument,       NULL, 'J' },
		{ "prog",    required_argument, NULL, 'p' },
		{ "raw",     no_argument,       NULL, 'r' },
		{ "explain", no_argument,       NULL, 'E' },
		{ "margin",  required_argument, NULL, 'M' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ 0 }
	};
	const struct cmd *cmd = &cmds[0];
	struct pf_opts opts = { .margin = 32 };
	size_t i;
	int c;

	libbpf_set_print(silent_print);
	if (argc > 1 && argv[1][0] != '-') {
		for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
			if (!strcmp(argv[1], cmds[i].name)) {
				cmd = &cmds[i];
				argv++;
				argc--;
				break;
			}
		}
	}
	while ((c = getopt_long(argc, argv, "f:p:k:a:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_format(optarg, &opts)) {
				fprintf(stderr, "bpf-preflight: unknown format '%s'\n", optarg);
				return PF_EXIT_INPUT;
			}
			break;
		case 'p':
			opts.prog = optarg;
			break;
		case 'k':
			opts.kernels = optarg;
			break;
		case 'a':
			if (pf_arch__parse(optarg, &opts.arch)) {
				fprintf(stderr, "bpf-preflight: unknown architecture '%s'\n", optarg);
				return PF_EXIT_INPUT;
			}
			break;
		case 'J':
			opts.no_jit = true;
			break;
		case 'r':
			opts.raw = true;
			break;
		case 'E':
			opts.explain = true;
			break;
		case 'M': {
			char *end;
			unsigned long m = strtoul(optarg, &end, 10);

			if (*end || end == optarg || m > 512) {
				fprintf(stderr, "bpf-preflight: --margin wants 0..512 bytes\n");
				return PF_EXIT_INPUT;
			}
			opts.margin = (unsigned int)m;
			break;
		}
		case 'h':
			usage(stdout);
			return PF_EXIT_OK;
		case 'V':
			printf("bpf-preflight %s (libbpf %s)\n", PF_VERSION,
			       libbpf_version_string());
			return PF_EXIT_OK;
		default:
			usage(stderr);
			return PF_EXIT_INPUT;
		}
	}
	opts.argc = argc - optind;
	opts.argv = argv + optind;
	if (cmd->fn == cmd_rules)
		return cmd->fn(&opts);
	if (!opts.argc) {
		fprintf(stderr, "bpf-preflight: no object files given\n");
		usage(stderr);
		return PF_EXIT_INPUT;
	}
	return cmd->fn(&opts);
}

// SPDX-License-Identifier: MIT
/*
 * bpf-preflight command line: global options, then a command table in the
 * style of bpftool's cmd_select(); `check` is the default command.
 */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cli.h"
#include "rule.h"

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
	{ "explain", cmd_explain_rule, "explain RULE   the rule's documentation" },
	{ "probe", cmd_probe, "probe [-o FILE]   measure the running kernel (root); -k @FILE reads the profile" },
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
		"  -k, --kernel=LIST  kernels: X.Y[.Z], host, all (default), none, @FILE (a profile\n"
		"                     written by probe); comma-separated\n"
		"  -o, --output=FILE  probe: write the profile to FILE\n"
		"  -a, --arch=ARCH    x86_64 (default), arm64, s390x, loongarch64, riscv64, ppc64le\n"
		"      --no-jit       the interpreter instead of the JIT\n"
		"  -f, --format=FMT   output format: text, json, sarif (check), dot (graph)\n"
		"      --fail-on=SEV  exit 1 on findings at or above error (default), warning, note\n"
		"      --exit-zero    exit 0 even with findings\n"
		"      --color=WHEN   auto (default; off when NO_COLOR is set), always, never\n"
		"  -e, --enable=RULE  run RULE (after --disable or the config file)\n"
		"  -d, --disable=RULE do not run RULE (all: every rule)\n"
		"      --baseline=FILE        report only findings not in FILE\n"
		"      --write-baseline=FILE  write the findings to FILE\n"
		"      --config=FILE  settings file (default: .bpf-preflight here or above)\n"
		"      --attach=EXT_OBJ:PROG=TARGET_OBJ:FUNC\n"
		"                     the function an freplace program replaces (default: the\n"
		"                     one function of its SEC(\"freplace/NAME\") among the objects)\n"
		"      --tail-target=[OBJ:]MAP[IDX]=OBJ:PROG\n"
		"                     a program user space puts into a prog array\n"
		"  -p, --prog=NAME    only the program NAME\n"
		"  -j, --jobs=N       model N objects in parallel (0: one per CPU); output in\n"
		"                     command-line order, the same as with -j 1\n"
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
	else if (!strcmp(s, "sarif"))
		opts->format = PF_FMT_SARIF;
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
		{ "jobs",    required_argument, NULL, 'j' },
		{ "raw",     no_argument,       NULL, 'r' },
		{ "explain", no_argument,       NULL, 'E' },
		{ "margin",  required_argument, NULL, 'M' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "exit-zero", no_argument,     NULL, 'Z' },
		{ "color",   required_argument, NULL, 'C' },
		{ "enable",  required_argument, NULL, 'e' },
		{ "disable", required_argument, NULL, 'd' },
		{ "baseline", required_argument, NULL, 'B' },
		{ "write-baseline", required_argument, NULL, 'W' },
		{ "config",  required_argument, NULL, 'c' },
		{ "attach",  required_argument, NULL, 'A' },
		{ "tail-target", required_argument, NULL, 'T' },
		{ "output",  required_argument, NULL, 'o' },
		{ "help",    no_argument,       NULL, 'h' },
		{ "version", no_argument,       NULL, 'V' },
		{ 0 }
	};
	const struct cmd *cmd = &cmds[0];
	struct pf_opts opts = { .margin = 32, .fail_on = PF_SEV_ERROR, .color = -1 };
	size_t i;
	int c;

	libbpf_set_print(silent_print);
	/*
	 * Objects are modelled one after another, each with buffers of the
	 * same few sizes: keep freed memory in the heap for the next one
	 * instead of returning it to the kernel and faulting it in again
	 * (a sixth of the corpus time went to page faults).
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	/* The config file first, so that every option given overrides it. */
	for (i = 1; i < (size_t)argc; i++) {
		if (!strncmp(argv[i], "--config=", 9))
			opts.config = argv[i] + 9;
		else if (!strcmp(argv[i], "--config") && i + 1 < (size_t)argc)
			opts.config = argv[i + 1];
	}
	if (pf_config__load(&opts))
		return PF_EXIT_INPUT;
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
	while ((c = getopt_long(argc, argv, "f:p:k:a:j:e:d:o:hV", longopts, NULL)) != -1) {
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
		case 'o':
			opts.output = optarg;
			break;
		case 'j': {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			long cpus;

			if (*end || end == optarg || optarg[0] == '-' || n > 1024) {
				fprintf(stderr, "bpf-preflight: --jobs wants 0..1024 (0: one per CPU)\n");
				return PF_EXIT_INPUT;
			}
			cpus = sysconf(_SC_NPROCESSORS_ONLN);
			opts.jobs = n ? (unsigned int)n : cpus > 0 ? (unsigned int)cpus : 1;
			break;
		}
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
		case 'F':
			if (!strcmp(optarg, "error"))
				opts.fail_on = PF_SEV_ERROR;
			else if (!strcmp(optarg, "warning"))
				opts.fail_on = PF_SEV_WARNING;
			else if (!strcmp(optarg, "note"))
				opts.fail_on = PF_SEV_NOTE;
			else {
				fprintf(stderr, "bpf-preflight: --fail-on wants error, warning or note\n");
				return PF_EXIT_INPUT;
			}
			break;
		case 'Z':
			opts.exit_zero = true;
			break;
		case 'C':
			if (!strcmp(optarg, "auto"))
				opts.color = -1;
			else if (!strcmp(optarg, "always"))
				opts.color = 1;
			else if (!strcmp(optarg, "never"))
				opts.color = 0;
			else {
				fprintf(stderr, "bpf-preflight: --color wants auto, always or never\n");
				return PF_EXIT_INPUT;
			}
			break;
		case 'e':
		case 'd':
			if (!pf_rule__find(optarg) && strcmp(optarg, "all")) {
				fprintf(stderr, "bpf-preflight: unknown rule '%s' (see 'bpf-preflight rules')\n",
					optarg);
				return PF_EXIT_INPUT;
			}
			if (c == 'e' && opts.rules_on_cnt < 64)
				opts.rules_on[opts.rules_on_cnt++] = optarg;
			else if (c == 'd' && opts.rules_off_cnt < 64)
				opts.rules_off[opts.rules_off_cnt++] = optarg;
			break;
		case 'B':
			opts.baseline = optarg;
			break;
		case 'W':
			opts.write_baseline = optarg;
			break;
		case 'c':
			break;	/* read before the other options */
		case 'A':
			if (!strchr(optarg, '=') || opts.attach_cnt >= 64) {
				fprintf(stderr, "bpf-preflight: --attach wants EXT_OBJ:PROG=TARGET_OBJ:FUNC\n");
				return PF_EXIT_INPUT;
			}
			opts.attach[opts.attach_cnt++] = optarg;
			break;
		case 'T':
			if (!strchr(optarg, '=') || opts.tail_cnt >= 256) {
				fprintf(stderr, "bpf-preflight: --tail-target wants [OBJ:]MAP[IDX]=OBJ:PROG\n");
				return PF_EXIT_INPUT;
			}
			opts.tail[opts.tail_cnt++] = optarg;
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
	if (cmd->fn == cmd_rules || cmd->fn == cmd_explain_rule || cmd->fn == cmd_probe)
		return cmd->fn(&opts);
	if (!opts.argc) {
		fprintf(stderr, "bpf-preflight: no object files given\n");
		usage(stderr);
		return PF_EXIT_INPUT;
	}
	c = cmd->fn(&opts);
	pf_config__free();
	return c;
}

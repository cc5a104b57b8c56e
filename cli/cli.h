/* SPDX-License-Identifier: MIT */
/* Command-line front end: shared options and the per-command entry points. */
#ifndef PF_CLI_H
#define PF_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bpf_preflight.h"

/* Exit statuses (documented in the man page). */
enum {
	PF_EXIT_OK = 0,
	PF_EXIT_FINDINGS = 1,
	PF_EXIT_INPUT = 2,	/* usage or input errors */
	PF_EXIT_INTERNAL = 3,
};

enum pf_format { PF_FMT_TEXT, PF_FMT_JSON, PF_FMT_DOT, PF_FMT_SARIF };

#define PF_MAX_PROFILES 32

struct pf_opts {
	enum pf_format format;
	struct pf_profile profiles[PF_MAX_PROFILES];
	size_t profile_cnt;
	const char *kernels;	/* --kernel as given (NULL: all known) */
	enum pf_arch arch;
	bool no_jit;
	bool format_set;
	const char *prog;	/* restrict to one program */
	bool raw;		/* dump: llvm-objdump syntax, no annotations */
	bool explain;		/* stack: what fills each frame */
	int fail_on;		/* enum pf_severity: findings at or above fail */
	bool exit_zero;
	int color;		/* -1 auto, 0 never, 1 always */
	const char *baseline, *write_baseline, *config;
	const char *rules_off[64], *rules_on[64];	/* --disable / --enable */
	size_t rules_off_cnt, rules_on_cnt;
	char *suppress[64];	/* "FUNCTION:RULE" from the config file */
	size_t suppress_cnt;
	unsigned int margin;	/* bytes from a limit that count as "near" */
	char *attach[64];	/* --attach EXT_OBJ:PROG=TARGET_OBJ:FUNC */
	size_t attach_cnt;
	char *tail[256];	/* --tail-target [OBJ:]MAP[IDX]=OBJ:PROG */
	size_t tail_cnt;
	struct pf_rodata_value rodata[64];	/* --rodata NAME=VALUE */
	struct pf_rodata rodata_set;		/* points at them */
	const char *output;	/* -o: probe writes the profile there */
	const char *srcroot;	/* --srcroot: %SRCROOT% of SARIF (default: git top level) */
	unsigned int jobs;	/* -j: objects modelled in parallel (0, 1: serially) */
	bool kernels_file;	/* kernels came from the config file: -k replaces them */
	bool help, version;	/* -h, -V */
	char **owned;		/* strings the settings point to (pf_config__free) */
	size_t owned_cnt;
	int argc;		/* remaining operands (objects) */
	char **argv;
};

/* The commands, as bits of struct pf_option's @cmds. */
enum {
	PF_CMD_CHECK	= 1 << 0,
	PF_CMD_STACK	= 1 << 1,
	PF_CMD_DUMP	= 1 << 2,
	PF_CMD_GRAPH	= 1 << 3,
	PF_CMD_RULES	= 1 << 4,
	PF_CMD_EXPLAIN	= 1 << 5,
	PF_CMD_PROBE	= 1 << 6,
	PF_CMD_KERNELS	= 1 << 7,
	PF_CMD_ALL	= (1 << 8) - 1,
	PF_CMD_MODEL	= PF_CMD_CHECK | PF_CMD_STACK | PF_CMD_DUMP | PF_CMD_GRAPH,
};

/* Where a setting was given: a config file line; NULL means the command line. */
struct pf_optsrc {
	const char *path;
	unsigned int line;
};

/*
 * One setting, the single source of truth for getopt_long, the config file
 * and --help: @parse validates and stores it whichever way it was given,
 * so both refuse the same values with the same message.
 */
struct pf_option {
	const char *name;	/* --name; NULL: only in the config file */
	char short_name;	/* -c; 0: none */
	bool has_arg;		/* on the command line; in the file a value always */
	const char *arg_name;	/* for --help: --kernel=LIST */
	const char *key;	/* config file key; NULL: command line only */
	unsigned int cmds;	/* PF_CMD_* that take it on the command line */
	const char *help;	/* '\n' continues at the help column; NULL: not listed */
	/* @val is NULL for an option without argument; 0 or -errno, said on stderr */
	int (*parse)(struct pf_opts *opts, char *val, const struct pf_optsrc *src);
};

extern const struct pf_option pf_options[];
extern const size_t pf_option_cnt;

/* Is rule @id enabled by --enable/--disable and the config file? */
bool pf_cli__rule_enabled(const struct pf_opts *opts, const char *id);
/* Read .bpf-preflight (found upward from the cwd, or --config); 0 or -errno. */
int pf_config__load(struct pf_opts *opts);
/* Release the strings the settings hold (from either source). */
void pf_config__free(struct pf_opts *opts);

/* Report an unreadable/invalid input: "bpf-preflight: FILE: reason". */
void pf_cli__input_error(const char *path, const char *reason);
/* An error of the run that names no one input: "bpf-preflight: message". */
void pf_cli__run_error(const char *message);
/* Print an object's modelling warnings to stderr. */
void pf_cli__warnings(const struct pf_object *obj);

/* What the three above said, in order, for the JSON and SARIF reports. */
struct pf_cli_problem {
	bool error;		/* an input error (exit 2); else a warning */
	char *file;		/* the input it is about; NULL: the run */
	char *message;
};
/* @lost: one could not be stored (out of memory): the list is not whole. */
const struct pf_cli_problem *pf_cli__problems(size_t *cnt, bool *lost);
void pf_cli__problems_free(void);
/*
 * The repository root SARIF URIs are relative to (%SRCROOT%): --srcroot,
 * else the nearest directory upward from the current one that holds .git,
 * else the current directory. Into @buf, absolute, without a trailing '/'
 * (but "/" itself); 0 or -errno (said on stderr).
 */
int pf_cli__srcroot(const struct pf_opts *opts, char *buf, size_t len);
/*
 * Open every operand in turn and call @fn on each object that models;
 * inputs that fail are reported and make the return PF_EXIT_INPUT.
 */
typedef int (*pf_object_fn)(const struct pf_object *obj,
			    const struct pf_opts *opts, void *ctx);
int pf_cli__for_each_object(const struct pf_opts *opts, pf_object_fn fn, void *ctx);
/*
 * The operands as objects (input.c): FILE, - (stdin), DIR (its *.o and
 * *.bpf.o, recursively, sorted), X.skel.h (the object bpftool embedded).
 */
struct pf_input {
	char *name;		/* as reported: the path, "<stdin>", "x.skel.h (x)" */
	uint8_t *buf;		/* the object read already, or NULL: open the file @name */
	size_t size;
	char *err;		/* cannot be read: reported in its place (exit 2) */
};

struct pf_inputs {
	struct pf_input *v;
	size_t cnt, cap;
	bool stdin_used;
};

/* 0 or -ENOMEM; an operand that cannot be read is an input with @err. */
int pf_inputs__expand(struct pf_inputs *in, int argc, char *const *argv);
/* pf_object__open() of one input: 0, or -errno and one line in @err */
int pf_input__open(const struct pf_input *it, struct pf_object **out, char *err, size_t errlen);
void pf_inputs__free(struct pf_inputs *in);

/* --color=auto: stdout is a terminal that takes colour */
bool pf_cli__color_auto(void);

int cmd_dump(struct pf_opts *opts);
int cmd_graph(struct pf_opts *opts);
int cmd_check(struct pf_opts *opts);
int cmd_stack(struct pf_opts *opts);
int cmd_rules(struct pf_opts *opts);
int cmd_explain_rule(struct pf_opts *opts);
int cmd_probe(struct pf_opts *opts);
int cmd_kernels(struct pf_opts *opts);

/* Print @root, free it, and return @ret (PF_EXIT_INTERNAL if it cannot print). */
struct cJSON;
int pf_cli__print_json(struct cJSON *root, int ret);
/* Add "errors": the input errors so far (pf_cli__problems), as check's JSON has. */
void pf_cli__json_errors(struct cJSON *root);
/* {"kernel", "arch", "jit"} of @p */
struct cJSON *pf_cli__json_profile(const struct pf_profile *p);

/* Resolve --kernel/--arch/--no-jit into opts->profiles; 0 or -EINVAL. */
int pf_cli__profiles(struct pf_opts *opts);
/*
 * -k host (host.c): the running kernel measured (root), cached under
 * $XDG_CACHE_HOME/bpf-preflight, else the table's row, said. @like: the
 * "host~KNOWN" opt-in for a release the table cannot place ("" for the
 * nearest), or NULL. 0 or -errno, said on stderr.
 */
int pf_cli__host_profile(const struct pf_opts *opts, const char *like, struct pf_profile *out);
/* The profile document `probe` writes (cmd_probe.c), for -k host's cache too. */
struct pf_probe;
struct cJSON *pf_cli__probe_json(const struct pf_probe *pr);
/*
 * A note about the run that a report reader must see ("kernel 7.0: assumed
 * like 6.18"): "bpf-preflight: message" on stderr, and a warning of the
 * SARIF invocation, since a CI upload never shows stderr.
 */
void pf_cli__run_note(const char *message);

/* Names for display ("xdp", "prog_array"); never NULL. */
const char *pf_prog_type_str(int type);
const char *pf_map_type_str(unsigned int type);

#endif /* PF_CLI_H */

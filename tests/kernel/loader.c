// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader.c - the test oracle of bpf-preflight.
 *
 * Loads BPF programs from compiled ELF objects into the running kernel, one
 * program per load, and prints what the kernel's verifier said in a
 * machine-readable form.  The tests compare the analyser's predictions with
 * these records, on the host and on other kernels booted under qemu
 * (tests/vm/), so the loader must behave the same everywhere: it is linked
 * against Debian's libbpf 1.1.2 (statically for the VM initramfs).
 *
 * Usage: loader [options] [--all | --prog NAME ...] OBJ...
 *
 * Output: "KERNEL <uname -r>" and "KVERSION <uname -v>", then one record per
 * program:
 *
 *   PROG <obj> <prog>           (<prog> is "-" for object-level records)
 *   SEC <section> <prog type>
 *   NOTE <free text>            (zero or more, anywhere in the record: how
 *                                the load was done, what is unavailable)
 *   RESULT ok | fail <errno> <ERRNAME> | libbpf-fail <errno> <ERRNAME>
 *        | open-fail <errno> <ERRNAME> | crash <signo> <SIGNAME>
 *        | no-such-prog
 *   MSGCTX <line>               (zero or more, see extract_log_info())
 *   MSG <verifier refusal line> (only when the log has one)
 *   DEPTH <a+b+c>               (the "stack depth" stats line, as printed)
 *   PROCESSED <n>               (from "processed N insns ...")
 *   FUNCS <name> ...            (accepted programs: the kernel's func_info,
 *                                in subprogram index order)
 *   LIBBPF <last libbpf warning> (when libbpf, not the verifier, failed)
 *   LOG <line>                  (with --print-log: the whole verifier log)
 *   END
 *
 * Each object is handled in a child process, because libbpf 1.1 crashes on
 * some malformed objects (found by mutating test objects: SIGSEGV inside
 * bpf_object__open_mem()).  A child killed by a signal gets the record
 * "PROG <obj> -" / "RESULT crash <signal> <SIGNAME>" / "END".  Records are
 * written with full buffering and flushed at END, so a crash normally drops
 * the unfinished record; only one larger than the 1 MiB stdio buffer (e.g.
 * with --print-log) can appear cut, without END, before the crash record.
 *
 * "fail" means the kernel refused BPF_PROG_LOAD for the program; "libbpf-fail"
 * means libbpf gave up before or after that syscall (map creation,
 * relocation, CO-RE, ...), so the record says nothing about the verifier.
 *
 * The code is organised as open -> select -> load one -> act -> report.
 *
 * Experiments (MODE_PLAN: --plan FILE, --exp SPEC, --attach, --prog-array-
 * insert, --test-run) load several programs and act on them: freplace
 * attach, prog-array insertion, BPF_PROG_TEST_RUN.  The plan syntax is
 * described above plan_add_step() and in tests/vm/freplace.plan.  Each
 * experiment (per compiler-variant prefix of its objects) gives ONE record:
 *
 *   PROG <subject object> <experiment name>
 *   NOTE experiment: <free text>     NOTE handle <h> = <object>:<prog> [target <h2>:<func>] ...
 *   SEC <section> <prog type>        (of the subject program, when opened)
 *   STEP <op>:<args> ok | fail <errno> <ERRNAME> | libbpf-fail <errno> <ERRNAME> | skip
 *        one per step, in order: load:<h>, attach:<h>, detach:<h>,
 *        insert:<h>.<map>[<idx>]=<h2>, delete:<h>.<map>[<idx>], testrun:<h>,
 *        counters:<h>.  "fail" = the syscall of the step (BPF_PROG_LOAD,
 *        BPF_LINK_CREATE, BPF_MAP_UPDATE_ELEM, ...) failed with that errno;
 *        "skip" = not run because an earlier step failed
 *   MSGCTX/MSG/DEPTH/PROCESSED       right after a load STEP: its verifier
 *                                    log, as in the per-program records
 *   LIBBPF <warning>                 after a libbpf-fail STEP
 *   RETVAL <n>                       after a testrun STEP: the program's return value
 *   COUNT <h>.<global> <value>       after testrun/counters: every integer
 *                                    global (.bss/.data) of <h>'s object,
 *                                    read back from the kernel
 *   RESULT ok | fail <errno> <ERRNAME> | libbpf-fail ... | no-such-prog | crash ...
 *                                    the outcome of the last step that ran
 *                                    (the failing one, unless it was "try")
 *   END
 *
 * Lines are flushed step by step, so a kernel crash leaves the steps done.
 * The tags are a superset of the per-program records: parsers that know
 * PROG/SEC/NOTE/RESULT/MSG/END read an experiment as one record whose MSG
 * is the failing step's verifier message.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* 16 MiB: big enough for level-1 logs of most programs; on overflow we retry
 * with level 4 alone (see run_program()).  --log-size changes it (tests of
 * that retry path use a tiny buffer). */
#define LOADER_DEFAULT_LOG_SIZE (16u << 20)

/* BPF_LOG_LEVEL1 | BPF_LOG_STATS: the error text, the instruction trace and
 * the "stack depth" line (printed only when log_level & 4, on all kernels). */
#define LOADER_DEFAULT_LOG_LEVEL 5u
#define LOADER_STATS_LOG_LEVEL 4u

/* MODE_VERIFY loads each program alone (one record per program);
 * MODE_PLAN runs experiments (--plan, --exp, --attach, --prog-array-insert,
 * --test-run; one record per experiment, see "experiments" below). */
enum loader_mode {
	MODE_VERIFY,
	MODE_PLAN,
};

struct loader_opts {
	enum loader_mode mode;
	bool all;
	char **progs;		/* --prog names, NULL-terminated */
	size_t nr_progs;
	const char *log_dir;	/* --log-dir: full verifier logs go here */
	bool print_log;		/* --print-log: LOG lines in the record */
	bool verbose;		/* -v: libbpf's own messages on stderr */
	bool keep_slot_init;	/* --keep-slot-init: don't strip .rel.maps */
	__u32 log_level;
	size_t log_size;
};

/* An object file read into memory, possibly patched (see strip_slot_init). */
struct loader_obj {
	const char *name;	/* as printed: the path given, or --as NAME */
	const char *path;	/* where it is read from */
	char *buf;
	size_t size;
	size_t slot_relocs_dropped;
};

/* What one load produced; filled by load_one(), printed by run_program(). */
struct load_result {
	int err;		/* 0 or positive errno */
	bool kernel_refused;	/* the BPF_PROG_LOAD syscall itself failed */
	bool slot_init_failed;	/* libbpf failed filling a prog array slot */
	bool retried_stats_only;
	__u32 log_level;
	char section[256];
	char type[64];
	bool btf_rejected;	/* libbpf loaded it without the object's BTF */
};

static struct loader_opts opts = {
	.mode = MODE_VERIFY,
	.log_level = LOADER_DEFAULT_LOG_LEVEL,
	.log_size = LOADER_DEFAULT_LOG_SIZE,
};

static char *log_buf;

/* ---- libbpf print hook ------------------------------------------------ */

/* libbpf reports why it failed only through its print callback.  We keep the
 * last few warnings (LIBBPF lines: the cause is often not the last one, e.g.
 * "no .text section found yet sub-program call exists" comes before "failed
 * to relocate calls") and recognise the messages that tell a kernel refusal
 * apart from a libbpf-side failure, or that change what the kernel saw. */
#define LOADER_MAX_WARN 6

static void put_clean(const char *s, size_t len);

static struct {
	char warn[LOADER_MAX_WARN][512];
	int nr_warn;		/* total seen; the last LOADER_MAX_WARN are kept */
	bool prog_load_failed;
	bool slot_init_failed;
	bool btf_rejected;
} lp;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	char line[1024];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, args);
	if (opts.verbose)
		fputs(line, stderr);
	if (level != LIBBPF_WARN)
		return 0;
	/* libbpf 1.1: "prog '%s': BPF program load failed: %s" is printed right
	 * after the BPF_PROG_LOAD syscall fails. */
	if (strstr(line, "BPF program load failed"))
		lp.prog_load_failed = true;
	/* libbpf 1.1 init_prog_array_slots(): printed after all programs were
	 * loaded, when a statically initialised slot's program is not loaded. */
	if (strstr(line, "failed to initialize slot"))
		lp.slot_init_failed = true;
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	/* libbpf 1.1 retries without BTF when the kernel refuses the object's
	 * BTF (e.g. gcc-bpf's INT encodings on 6.18).  The program is then
	 * verified without func_info, which changes verdicts (tail calls in
	 * subprogs need BTF), so the record must say so. */
	if (strstr(line, "BTF is optional, ignoring"))
		lp.btf_rejected = true;
	/* Keep causes, not the generic epilogue or the dumped logs (the
	 * verifier log is ours anyway; -v shows BTF logs). */
	if (n && !strstr(line, "failed to load object") &&
	    !strstr(line, "LOAD LOG --")) {
		snprintf(lp.warn[lp.nr_warn % LOADER_MAX_WARN],
			 sizeof(lp.warn[0]), "%s", line);
		lp.nr_warn++;
	}
	return 0;
}

/* The kept warnings, oldest first, as LIBBPF lines. */
static void print_libbpf_warnings(void)
{
	int first = lp.nr_warn > LOADER_MAX_WARN ? lp.nr_warn - LOADER_MAX_WARN : 0;

	for (int i = first; i < lp.nr_warn; i++) {
		const char *w = lp.warn[i % LOADER_MAX_WARN];

		fputs("LIBBPF ", stdout);
		put_clean(w, strlen(w));
		putchar('\n');
	}
}

/* ---- small helpers ---------------------------------------------------- */

static const char *errname(int err)
{
	/* libbpf's own codes (enum libbpf_errno), e.g. 4001 for a file that
	 * is not a BPF ELF object. */
	static const char *const libbpf_names[] = {
		"LIBBPF_ERRNO__LIBELF", "LIBBPF_ERRNO__FORMAT",
		"LIBBPF_ERRNO__KVERSION", "LIBBPF_ERRNO__ENDIAN",
		"LIBBPF_ERRNO__INTERNAL", "LIBBPF_ERRNO__RELOC",
		"LIBBPF_ERRNO__LOAD", "LIBBPF_ERRNO__VERIFY",
		"LIBBPF_ERRNO__PROG2BIG", "LIBBPF_ERRNO__KVER",
		"LIBBPF_ERRNO__PROGTYPE", "LIBBPF_ERRNO__WRNGPID",
		"LIBBPF_ERRNO__INVSEQ", "LIBBPF_ERRNO__NLPARSE",
	};
	const char *s;

	if (err >= 4000 && err < 4000 + (int)(sizeof(libbpf_names) / sizeof(libbpf_names[0])))
		return libbpf_names[err - 4000];
	s = strerrorname_np(err);
	return s ? s : "E?";
}

static bool starts_with(const char *s, const char *pfx)
{
	return strncmp(s, pfx, strlen(pfx)) == 0;
}

/* Print a string as printable ASCII: tabs and other control characters
 * become spaces, bytes >= 0x7f become \xNN.  A record then stays one text
 * line whatever a (possibly corrupt) object's names or libbpf's messages
 * about them contain, and line tools never take the output for binary. */
static void put_clean(const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c < 0x20 ? ' ' : c);
	}
}

static void put_str(const char *s)
{
	put_clean(s, strlen(s));
}

/* "PROG <obj> <prog>": names come from the command line and the ELF. */
static void put_prog_line(const char *obj, const char *prog)
{
	fputs("PROG ", stdout);
	put_str(obj);
	putchar(' ');
	put_str(prog);
	putchar('\n');
}

static void put_line(const char *tag, const char *s, size_t len)
{
	fputs(tag, stdout);
	putchar(' ');
	put_clean(s, len);
	putchar('\n');
}

/* ---- reading the object ----------------------------------------------- */

static int read_file(const char *path, char **bufp, size_t *sizep)
{
	struct stat st;
	char *buf;
	size_t off = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = errno ? errno : EINVAL;
		close(fd);
		return err;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return ENOMEM;
	}
	while (off < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + off, (size_t)st.st_size - off);

		if (r <= 0) {
			err = r < 0 ? errno : EIO;
			free(buf);
			close(fd);
			return err;
		}
		off += (size_t)r;
	}
	close(fd);
	*bufp = buf;
	*sizep = off;
	return 0;
}

/*
 * Statically initialised prog arrays (`.values = { [i] = &prog }`) are
 * R_BPF_64_ABS64 relocations in `.rel.maps`.  libbpf fills those slots after
 * loading every program, and when only ONE program is loaded the slot's
 * program has no fd, so bpf_object__load() fails *after* the verifier
 * accepted our program and unloads it (we would lose FUNCS and the verdict
 * would look like a failure).  Slot contents never influence the verifier,
 * so we empty `.rel.maps` in our in-memory copy: libbpf then sees no
 * initial slots.  Map-in-map initial slots live in the same section and are
 * dropped too, which is equally irrelevant to verification.  Anything that
 * doesn't look like a sane little-endian ELF64 is left alone for libbpf to
 * judge.
 */
static void strip_slot_init(struct loader_obj *o)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)o->buf;
	Elf64_Shdr *sh, *strsh;

	if (o->size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shnum == 0 ||
	    eh->e_shoff > o->size ||
	    (o->size - eh->e_shoff) / sizeof(Elf64_Shdr) < eh->e_shnum ||
	    eh->e_shstrndx >= eh->e_shnum || eh->e_shoff % 8)
		return;
	sh = (Elf64_Shdr *)(o->buf + eh->e_shoff);
	strsh = &sh[eh->e_shstrndx];
	if (strsh->sh_offset > o->size || strsh->sh_size > o->size - strsh->sh_offset)
		return;
	for (size_t i = 0; i < eh->e_shnum; i++) {
		const char *name;

		if (sh[i].sh_type != SHT_REL || sh[i].sh_name >= strsh->sh_size)
			continue;
		name = o->buf + strsh->sh_offset + sh[i].sh_name;
		if (strnlen(name, strsh->sh_size - sh[i].sh_name) ==
		    strsh->sh_size - sh[i].sh_name)
			continue;	/* unterminated name */
		if (strcmp(name, ".rel.maps") || sh[i].sh_size == 0)
			continue;
		if (sh[i].sh_entsize)
			o->slot_relocs_dropped += sh[i].sh_size / sh[i].sh_entsize;
		sh[i].sh_size = 0;
	}
}

/* ---- verifier log parsing --------------------------------------------- */

/* The statistics block printed at the end of every log (print_verification_
 * stats(); "verification time" and "stack depth" only with log_level & 4). */
static bool is_stats_line(const char *l)
{
	return starts_with(l, "verification time ") ||
	       starts_with(l, "stack depth ") ||
	       (starts_with(l, "processed ") && strstr(l, " insns"));
}

/* Lines of the level-1/2 trace, never an error message: instruction lines
 * ("12: (85) call pc+2", "12: R1=ctx()"), source lines ("; x = 1;"), branch
 * lines, register state dumps (which start with a space), and the headers
 * printed around calls, exits and loops. */
static bool is_trace_line(const char *l)
{
	static const char *const pfx[] = {
		"; ", "from ", "caller:", "callee:", "returning from callee:",
		"to caller at ", "cur state:", "old state:", "mark_precise:",
		"last_idx ", "regs=", "parent ", "propagating ", "func#",
		"Validating ", "Func#", "Live regs before insn:",
	};
	const char *p = l;

	if (*l == '\0' || *l == ' ' || *l == '\t')
		return true;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p != l && *p == ':')
		return true;
	if (starts_with(l, "frame") && l[5] >= '0' && l[5] <= '9')
		return true;
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (starts_with(l, pfx[i]))
			return true;
	return false;
}

struct log_info {
	const char *msg;	/* the refusal line */
	size_t msg_len;
	const char *ctx[4];	/* earlier lines of the same message block */
	size_t ctx_len[4];
	int nr_ctx;
	const char *depth;	/* text after "stack depth " */
	size_t depth_len;
	long processed;
};

/*
 * How the refusal line is found.  With log_level 1 the verifier prints the
 * instruction trace, stops at the first error, prints that error (one line
 * for the errors this project cares about, sometimes followed by a state
 * dump, e.g. "infinite loop detected" + "cur state:"), and always ends with
 * the statistics block.  Errors found after do_check (check_max_stack_depth:
 * "combined stack size ...", "tail_calls are not allowed when ...", "the call
 * stack of N frames is too deep !") come after the complete trace and before
 * the statistics.  So: drop the trailing statistics lines, then walk back
 * over trace and state lines (is_trace_line()); the first line that is
 * neither is MSG.  The lines right above it that are not trace lines either
 * belong to the same multi-line message and are printed as MSGCTX, in log
 * order (e.g. "invalid access to map value, ..." above "R1 min value is
 * outside of the allowed memory range").  With log_level 4 alone there is no
 * trace and the same rule picks the last message.  Only used for refused
 * programs: an accepted program's log has no refusal line.  One libbpf
 * touch: for an instruction it poisoned because a CO-RE relocation failed,
 * libbpf 1.1 rewrites the kernel's "invalid func unknown#195896080" in the
 * log into "<insn>: <invalid CO-RE relocation>" and "failed to resolve CO-RE
 * relocation ...", so that is what MSG shows then.
 */
static void extract_log_info(const char *log, struct log_info *li)
{
	const char *lines[4096];
	size_t lens[4096];
	size_t n = 0, stats_start;
	const char *p = log;
	long i;

	memset(li, 0, sizeof(*li));
	li->processed = -1;
	/* Only the tail matters: keep a ring of the last 4096 lines. */
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		lines[n % 4096] = p;
		lens[n % 4096] = len;
		n++;
		p += len + (e ? 1 : 0);
	}
	if (n == 0)
		return;

	stats_start = n;
	for (size_t k = n; k > 0 && n - k < 4096; k--) {
		char tmp[256];
		size_t len = lens[(k - 1) % 4096];
		const char *l = lines[(k - 1) % 4096];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)len, l);
		if (tmp[0] == '\0')
			continue;
		if (!is_stats_line(tmp))
			break;
		stats_start = k - 1;
		if (starts_with(tmp, "stack depth ")) {
			li->depth = l + strlen("stack depth ");
			li->depth_len = len - strlen("stack depth ");
		} else if (starts_with(tmp, "processed ")) {
			li->processed = strtol(tmp + strlen("processed "), NULL, 10);
		}
	}

	for (i = (long)stats_start - 1; i >= 0 && (long)n - i <= 4096; i--) {
		char tmp[256];
		size_t len = lens[i % 4096];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)len, lines[i % 4096]);
		if (is_trace_line(tmp))
			continue;
		li->msg = lines[i % 4096];
		li->msg_len = len;
		break;
	}
	if (!li->msg)
		return;
	/* Context: the non-trace lines directly above MSG. */
	for (long j = i - 1; j >= 0 && (long)n - j <= 4096 && li->nr_ctx < 4; j--) {
		char tmp[256];
		size_t len = lens[j % 4096];

		snprintf(tmp, sizeof(tmp), "%.*s", (int)len, lines[j % 4096]);
		if (is_trace_line(tmp))
			break;
		li->nr_ctx++;
	}
	for (int k = 0; k < li->nr_ctx; k++) {
		long j = i - li->nr_ctx + k;

		li->ctx[k] = lines[j % 4096];
		li->ctx_len[k] = lens[j % 4096];
	}
}

/* ---- the kernel's view of an accepted program ------------------------- */

/* FUNCS comes from the kernel, not from the ELF: func_info of the loaded
 * program is in subprogram index order, the order of "stack depth". */
static void print_funcs(int prog_fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	struct bpf_func_info *fi;
	struct btf *btf;
	__u32 nr;

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		printf("NOTE funcs unavailable: get_info %s\n", errname(errno));
		return;
	}
	nr = info.nr_func_info;
	if (nr == 0 || info.btf_id == 0) {
		printf("NOTE funcs unavailable: no func_info (object without BTF)\n");
		return;
	}
	fi = calloc(nr, sizeof(*fi));
	if (!fi)
		return;
	memset(&info, 0, sizeof(info));
	info.nr_func_info = nr;
	info.func_info_rec_size = sizeof(*fi);
	info.func_info = (__u64)(uintptr_t)fi;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		printf("NOTE funcs unavailable: get_info %s\n", errname(errno));
		free(fi);
		return;
	}
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf) {
		printf("NOTE funcs unavailable: btf id %u: %s\n", info.btf_id,
		       errname(errno));
		free(fi);
		return;
	}
	fputs("FUNCS", stdout);
	for (__u32 i = 0; i < nr && i < info.nr_func_info; i++) {
		const struct btf_type *t = btf__type_by_id(btf, fi[i].type_id);
		const char *name = t ? btf__name_by_offset(btf, t->name_off) : NULL;

		putchar(' ');
		if (name && *name)
			put_clean(name, strlen(name));
		else
			printf("#%u", fi[i].type_id);
	}
	putchar('\n');
	btf__free(btf);
	free(fi);
}

/* ---- logs on disk ----------------------------------------------------- */

static void write_log_file(const char *obj, const char *prog)
{
	char path[4096], name[1024];
	size_t k = 0;
	FILE *f;

	/* One flat directory: "dir/sub/x.o" + "prog" -> "dir_sub_x.o__prog.log". */
	for (const char *s = obj; *s && k < sizeof(name) - 1; s++)
		name[k++] = (*s == '/') ? '_' : *s;
	name[k] = '\0';
	snprintf(path, sizeof(path), "%s/%s__%s.log", opts.log_dir, name, prog);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "loader: cannot write %s: %s\n", path, strerror(errno));
		return;
	}
	fputs(log_buf, f);
	fclose(f);
}

/* ---- loading one program ---------------------------------------------- */

static struct bpf_object *open_obj(const struct loader_obj *o, int *errp)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo,
		/* The printed name, not the path we read: libbpf derives the
		 * internal map names (.rodata, ...) from it as open_file()
		 * would, and quotes it in messages, so LIBBPF lines are the
		 * same on the host and in the VM (where the path is /objs/N.o). */
		.object_name = o->name,
	);
	struct bpf_object *obj;

	obj = bpf_object__open_mem(o->buf, o->size, &oo);
	*errp = obj ? 0 : (errno ? errno : EINVAL);
	return obj;
}

/*
 * Load only `prog_name` of a fresh copy of the object.  On success the
 * object stays loaded and is returned through objp for program_act().
 */
static void load_one(const struct loader_obj *o, const char *prog_name,
		     __u32 log_level, struct load_result *r,
		     struct bpf_object **objp)
{
	struct bpf_program *p, *target = NULL;
	struct bpf_object *obj;
	const char *type;
	int err;

	*objp = NULL;
	memset(r, 0, sizeof(*r));
	memset(&lp, 0, sizeof(lp));
	r->log_level = log_level;
	log_buf[0] = '\0';

	obj = open_obj(o, &err);
	if (!obj) {	/* opened fine before; treat as libbpf failure */
		r->err = err;
		return;
	}
	bpf_object__for_each_program(p, obj) {
		bool me = strcmp(bpf_program__name(p), prog_name) == 0;

		bpf_program__set_autoload(p, me);
		if (me)
			target = p;
	}
	if (!target) {	/* cannot happen: names come from the same object */
		r->err = ENOENT;
		bpf_object__close(obj);
		return;
	}
	snprintf(r->section, sizeof(r->section), "%s",
		 bpf_program__section_name(target));
	type = libbpf_bpf_prog_type_str(bpf_program__type(target));
	snprintf(r->type, sizeof(r->type), "%s", type ? type : "?");
	/* libbpf 1.1 uses a custom log buffer as is and never retries with
	 * another level when one is set, so what we get is exactly the
	 * kernel's log of this one BPF_PROG_LOAD. */
	bpf_program__set_log_level(target, log_level);
	bpf_program__set_log_buf(target, log_buf, opts.log_size);

	err = bpf_object__load(obj);
	r->slot_init_failed = lp.slot_init_failed;
	r->kernel_refused = lp.prog_load_failed;
	r->btf_rejected = lp.btf_rejected;
	if (err == 0) {
		r->err = 0;
		*objp = obj;
		return;
	}
	r->err = -err;
	/* A failed slot init means our program was loaded (and accepted):
	 * libbpf loads every program before it fills prog arrays. */
	if (r->slot_init_failed && !r->kernel_refused)
		r->err = 0;
	bpf_object__close(obj);
}

/* Mode-specific work on a loaded program; MODE_VERIFY only reads
 * func_info (experiments act in run_experiment()). */
static void program_act(struct bpf_object *obj, const char *prog_name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog_name);

	switch (opts.mode) {
	case MODE_VERIFY:
		if (p && bpf_program__fd(p) >= 0)
			print_funcs(bpf_program__fd(p));
		break;
	case MODE_PLAN:		/* experiments do not use run_program() */
		break;
	}
}

static void report_log(const struct load_result *r)
{
	struct log_info li;

	extract_log_info(log_buf, &li);
	if (r->err && r->kernel_refused) {
		for (int k = 0; k < li.nr_ctx; k++)
			put_line("MSGCTX", li.ctx[k], li.ctx_len[k]);
		if (li.msg)
			put_line("MSG", li.msg, li.msg_len);
	}
	if (li.depth)
		put_line("DEPTH", li.depth, li.depth_len);
	if (li.processed >= 0)
		printf("PROCESSED %ld\n", li.processed);
}

static void print_log_lines(void)
{
	const char *p = log_buf;

	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		put_line("LOG", p, len);
		p += len + (e ? 1 : 0);
	}
}

static void run_program(const struct loader_obj *o, const char *prog_name)
{
	struct load_result r = { 0 };
	struct bpf_object *obj;

	load_one(o, prog_name, opts.log_level, &r, &obj);
	/* A log bigger than the buffer makes the kernel fail the load with
	 * ENOSPC whatever the verdict (6.1 keeps the head of the log, 6.4+ the
	 * tail).  Level 4 alone has no trace but keeps the error text and the
	 * statistics, which is all the records need. */
	if (r.err == ENOSPC && r.kernel_refused &&
	    r.log_level != LOADER_STATS_LOG_LEVEL) {
		load_one(o, prog_name, LOADER_STATS_LOG_LEVEL, &r, &obj);
		r.retried_stats_only = true;
	}

	put_prog_line(o->name, prog_name);
	if (r.section[0]) {
		fputs("SEC ", stdout);
		put_str(r.section);
		printf(" %s\n", r.type);
	}
	if (o->slot_relocs_dropped)
		printf("NOTE static map slot init skipped (%zu relocations)\n",
		       o->slot_relocs_dropped);
	if (r.retried_stats_only)
		printf("NOTE log overflow at level %u, reloaded with level %u\n",
		       opts.log_level, LOADER_STATS_LOG_LEVEL);
	else if (r.log_level != LOADER_DEFAULT_LOG_LEVEL)
		printf("NOTE log level %u\n", r.log_level);

	if (r.err == 0) {
		puts("RESULT ok");
		if (r.slot_init_failed)
			puts("NOTE accepted, then libbpf failed to fill a prog array slot; funcs unavailable");
	} else if (r.kernel_refused) {
		printf("RESULT fail %d %s\n", r.err, errname(r.err));
	} else {
		printf("RESULT libbpf-fail %d %s\n", r.err, errname(r.err));
	}
	if (r.btf_rejected)
		puts("NOTE kernel refused the object's BTF; libbpf loaded the program without BTF");
	report_log(&r);
	/* Before program_act(): lp still holds this load's messages. */
	if (r.err && !r.kernel_refused)
		print_libbpf_warnings();
	if (obj) {
		program_act(obj, prog_name);
		bpf_object__close(obj);
	}
	if (opts.print_log)
		print_log_lines();
	if (opts.log_dir)
		write_log_file(o->name, prog_name);
	puts("END");
	fflush(stdout);
}

static bool selected(const char *name)
{
	if (opts.all)
		return true;
	for (size_t i = 0; i < opts.nr_progs; i++)
		if (strcmp(opts.progs[i], name) == 0)
			return true;
	return false;
}

static void object_record(const char *obj, const char *prog, const char *result,
			  int err)
{
	put_prog_line(obj, prog);
	if (err)
		printf("RESULT %s %d %s\n", result, err, errname(err));
	else
		printf("RESULT %s\n", result);
	print_libbpf_warnings();
	puts("END");
	fflush(stdout);
}

static void run_object(const char *name, const char *path)
{
	struct loader_obj o = { .name = name, .path = path };
	struct bpf_object *obj;
	struct bpf_program *p;
	char **names = NULL;
	size_t nr = 0;
	int err;

	memset(&lp, 0, sizeof(lp));
	err = read_file(path, &o.buf, &o.size);
	if (err) {
		snprintf(lp.warn[0], sizeof(lp.warn[0]), "cannot read %s: %s",
			 path, strerror(err));
		lp.nr_warn = 1;
		object_record(name, "-", "open-fail", err);
		return;
	}
	if (!opts.keep_slot_init)
		strip_slot_init(&o);

	/* First open: only to list the programs (names are unique per
	 * object in libbpf, so they identify the program on reopen). */
	obj = open_obj(&o, &err);
	if (!obj) {
		object_record(name, "-", "open-fail", err);
		free(o.buf);
		return;
	}
	bpf_object__for_each_program(p, obj) {
		char **nn;

		if (!selected(bpf_program__name(p)))
			continue;
		nn = realloc(names, (nr + 1) * sizeof(*names));
		if (!nn)
			break;
		names = nn;
		names[nr++] = strdup(bpf_program__name(p));
	}
	/* Named programs that the object lacks get a record of their own, so
	 * a typo in a test never passes silently. */
	for (size_t i = 0; !opts.all && i < opts.nr_progs; i++)
		if (!bpf_object__find_program_by_name(obj, opts.progs[i])) {
			memset(&lp, 0, sizeof(lp));
			object_record(name, opts.progs[i], "no-such-prog", 0);
		}
	bpf_object__close(obj);

	for (size_t i = 0; i < nr; i++) {
		if (names[i])
			run_program(&o, names[i]);
		free(names[i]);
	}
	free(names);
	free(o.buf);
}

/*
 * --probe: can this process load a privileged program type at all?  host.sh
 * uses it to skip (exit 77) instead of reporting EPERM for every program.
 * XDP, not a socket filter, because socket filters may be allowed to
 * unprivileged users while everything the tests load needs privileges.
 */
static int probe(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "probe", "GPL", insns, 2, NULL);

	if (fd < 0) {
		int err = errno;

		printf("PROBE fail %d %s\n", err, errname(err));
		return 3;
	}
	close(fd);
	puts("PROBE ok");
	return 0;
}

/* Run one object in a child so that a libbpf crash costs one record, not
 * the rest of the run (see the top comment). */
static void run_object_isolated(const char *name, const char *path)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {		/* no isolation, but still an answer */
		run_object(name, path);
		return;
	}
	if (pid == 0) {
		run_object(name, path);
		fflush(stdout);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 0;
			break;
		}
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *sn = sigabbrev_np(sig);

		put_prog_line(name, "-");
		printf("RESULT crash %d SIG%s\nEND\n", sig, sn ? sn : "?");
		fflush(stdout);
	}
}

/* ---- experiments: attach, prog-array membership, test runs ------------ */

/*
 * MODE_PLAN runs experiments instead of loading every program alone.  An
 * experiment is a list of steps on named handles (a handle is one program
 * of a fresh bpf_object, loaded with libbpf), run in order; the first step
 * that fails ends it unless it is marked "try".  Plan file syntax (also used
 * by --exp, with ';' between steps, and produced by the shorthand options):
 *
 *   experiment NAME [subject=H] [-- free text]
 *     load H OBJREF PROG [target=H2:FUNC] [type=TYPE[:ATTACHTYPE]]
 *                        [set=VAR[.FIELD]=VALUE] ... [reuse=MAP@H2] ...
 *                             reuse: this object's MAP is H2's MAP (same fd,
 *                             bpf_map__reuse_fd), e.g. a prog array filled
 *                             before its owner program loads
 *     [try] attach H          freplace: bpf_program__attach_freplace() to the
 *                             load target; other programs: bpf_program__attach()
 *     [try] detach H          destroy H's link
 *     [try] insert H MAP IDX H2   bpf_map_update_elem(H's map MAP, IDX, H2's fd)
 *     [try] delete H MAP IDX
 *     [try] testrun H [repeat=N]  BPF_PROG_TEST_RUN with a 64-byte IPv4/UDP
 *                             packet, then COUNT lines for H's globals
 *     counters H              COUNT lines for H's globals (.bss/.data)
 *   end
 *
 * PROG "-" loads no program (maps only: a prog array without owner).
 * OBJREF names an object given on the command line: equal to its printed
 * name (--as) or a "/"-separated suffix of it.  When a reference matches
 * several objects (the same scenario in several compiler variants), the
 * experiment runs once per variant prefix; references matching one object
 * (e.g. libxdp's dispatcher) join every run.  A reference matching none is
 * read from that path.
 */
enum step_op { OP_LOAD, OP_ATTACH, OP_DETACH, OP_INSERT, OP_DELETE,
	       OP_TESTRUN, OP_COUNTERS };

#define PLAN_MAX_STEPS 32
#define PLAN_MAX_SETS 8
#define PLAN_MAX_HANDLES 16

struct plan_step {
	enum step_op op;
	bool try_;
	char *h;		/* the handle the step works on */
	char *obj;		/* load: object reference */
	char *prog;		/* load: program name or "-" */
	char *tgt_h, *tgt_func;	/* load: target=H2:FUNC */
	char *type;		/* load: type=TYPE[:ATTACH] */
	char *sets[PLAN_MAX_SETS];
	int nr_sets;
	char *reuse[PLAN_MAX_SETS];	/* load: reuse=MAP@H2 */
	int nr_reuse;
	char *map;		/* insert, delete */
	__u32 idx;
	char *h2;		/* insert: the member */
	__u32 repeat;		/* testrun */
};

struct plan_exp {
	char *name;
	char *desc;
	char *subject;		/* handle whose object names the record */
	struct plan_step steps[PLAN_MAX_STEPS];
	int nr_steps;
	const char *where;	/* "file:line" or the option, for errors */
};

static struct plan_exp *plan;
static size_t plan_len;

/* The objects experiments may refer to (positional arguments). */
static struct loader_obj *pobjs;
static size_t nr_pobjs;

static struct plan_exp *plan_new(const char *name, const char *where)
{
	struct plan_exp *p = realloc(plan, (plan_len + 1) * sizeof(*plan));

	if (!p)
		return NULL;
	plan = p;
	p = &plan[plan_len++];
	memset(p, 0, sizeof(*p));
	p->name = strdup(name);
	p->where = strdup(where);
	return p;
}

static int plan_error(const char *where, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "loader: %s: ", where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static bool parse_u32(const char *s, __u32 *v)
{
	char *end;
	unsigned long x;

	if (!*s)
		return false;
	errno = 0;
	x = strtoul(s, &end, 0);
	if (*end || errno || x > 0xffffffffu)
		return false;
	*v = (__u32)x;
	return true;
}

/* One step from its words (words[0] is the operation, "try" removed). */
static int plan_add_step(struct plan_exp *e, char **w, int n, bool try_,
			 const char *where)
{
	struct plan_step *s;

	if (e->nr_steps == PLAN_MAX_STEPS)
		return plan_error(where, "more than %d steps", PLAN_MAX_STEPS);
	s = &e->steps[e->nr_steps];
	memset(s, 0, sizeof(*s));
	s->try_ = try_;
	if (n < 2)
		return plan_error(where, "'%s' needs a handle", w[0]);
	s->h = strdup(w[1]);
	if (!strcmp(w[0], "load")) {
		s->op = OP_LOAD;
		if (n < 4)
			return plan_error(where, "usage: load H OBJREF PROG [options]");
		s->obj = strdup(w[2]);
		s->prog = strdup(w[3]);
		for (int i = 4; i < n; i++) {
			if (starts_with(w[i], "target=")) {
				char *c = strchr(w[i] + 7, ':');

				if (!c || c == w[i] + 7 || !c[1])
					return plan_error(where, "target=H:FUNC expected, got '%s'", w[i]);
				s->tgt_h = strndup(w[i] + 7, (size_t)(c - w[i] - 7));
				s->tgt_func = strdup(c + 1);
			} else if (starts_with(w[i], "type=")) {
				s->type = strdup(w[i] + 5);
			} else if (starts_with(w[i], "reuse=")) {
				if (s->nr_reuse == PLAN_MAX_SETS || !strchr(w[i], '@'))
					return plan_error(where, "reuse=MAP@H expected, got '%s'", w[i]);
				s->reuse[s->nr_reuse++] = strdup(w[i] + 6);
			} else if (starts_with(w[i], "set=")) {
				if (s->nr_sets == PLAN_MAX_SETS)
					return plan_error(where, "too many set=");
				s->sets[s->nr_sets++] = strdup(w[i] + 4);
			} else {
				return plan_error(where, "unknown load option '%s'", w[i]);
			}
		}
	} else if (!strcmp(w[0], "attach") || !strcmp(w[0], "detach") ||
		   !strcmp(w[0], "counters")) {
		s->op = w[0][0] == 'a' ? OP_ATTACH : w[0][0] == 'd' ? OP_DETACH : OP_COUNTERS;
		if (n != 2)
			return plan_error(where, "usage: %s H", w[0]);
	} else if (!strcmp(w[0], "insert") || !strcmp(w[0], "delete")) {
		bool ins = w[0][0] == 'i';

		s->op = ins ? OP_INSERT : OP_DELETE;
		if (n != (ins ? 5 : 4) || !parse_u32(w[3], &s->idx))
			return plan_error(where, ins ? "usage: insert H MAP IDX H2"
					  : "usage: delete H MAP IDX");
		s->map = strdup(w[2]);
		if (ins)
			s->h2 = strdup(w[4]);
	} else if (!strcmp(w[0], "testrun")) {
		s->op = OP_TESTRUN;
		s->repeat = 1;
		if (n > 3 || (n == 3 && (!starts_with(w[2], "repeat=") ||
					 !parse_u32(w[2] + 7, &s->repeat))))
			return plan_error(where, "usage: testrun H [repeat=N]");
	} else {
		return plan_error(where, "unknown step '%s'", w[0]);
	}
	e->nr_steps++;
	return 0;
}

/* Split a line into at most 32 words; returns the count. */
static int split_words(char *line, char **w)
{
	int n = 0;

	for (char *t = strtok(line, " \t\r\n"); t && n < 32; t = strtok(NULL, " \t\r\n"))
		w[n++] = t;
	return n;
}

/* Check what the parser cannot see line by line: handles are loaded before
 * use, the subject exists. */
static int plan_check(struct plan_exp *e)
{
	char *loaded[PLAN_MAX_STEPS];
	int nl = 0;

	if (e->nr_steps == 0)
		return plan_error(e->where, "experiment %s has no steps", e->name);
	for (int i = 0; i < e->nr_steps; i++) {
		struct plan_step *s = &e->steps[i];
		const char *need[3] = { s->op == OP_LOAD ? NULL : s->h, s->tgt_h, s->h2 };

		for (int k = 0; k < 3; k++) {
			bool ok = !need[k];

			for (int j = 0; j < nl && !ok; j++)
				ok = !strcmp(loaded[j], need[k]);
			if (!ok)
				return plan_error(e->where, "%s: step %d uses handle '%s' before loading it",
						  e->name, i + 1, need[k]);
		}
		for (int r = 0; r < s->nr_reuse; r++) {
			const char *hn = strchr(s->reuse[r], '@') + 1;
			bool ok = false;

			for (int j = 0; j < nl && !ok; j++)
				ok = !strcmp(loaded[j], hn);
			if (!ok)
				return plan_error(e->where, "%s: step %d reuses a map of '%s' before loading it",
						  e->name, i + 1, hn);
		}
		if (s->op == OP_LOAD) {
			for (int j = 0; j < nl; j++)
				if (!strcmp(loaded[j], s->h))
					return plan_error(e->where, "%s: handle '%s' loaded twice",
							  e->name, s->h);
			if (nl == PLAN_MAX_HANDLES)
				return plan_error(e->where, "too many handles");
			loaded[nl++] = s->h;
		}
	}
	if (!e->subject) {
		struct plan_step *s = &e->steps[e->nr_steps - 1];

		e->subject = strdup(s->op == OP_INSERT ? s->h2 : s->h);
	}
	for (int j = 0; j < nl; j++)
		if (!strcmp(loaded[j], e->subject))
			return 0;
	return plan_error(e->where, "%s: subject '%s' is never loaded", e->name, e->subject);
}

/* "experiment NAME [subject=H] [-- text]" */
static struct plan_exp *plan_begin(char **w, int n, const char *rest_text,
				   const char *where)
{
	struct plan_exp *e;

	if (n < 2)
		return plan_error(where, "experiment needs a name"), NULL;
	e = plan_new(w[1], where);
	if (!e)
		return NULL;
	for (int i = 2; i < n; i++) {
		if (!strcmp(w[i], "--"))
			break;
		if (starts_with(w[i], "subject="))
			e->subject = strdup(w[i] + 8);
		else
			return plan_error(where, "unknown experiment option '%s'", w[i]), NULL;
	}
	if (rest_text)
		e->desc = strdup(rest_text);
	return e;
}

static int plan_read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	struct plan_exp *cur = NULL;
	char line[4096], where[4200];
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "loader: cannot read plan %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *w[32], *hash, *dd;
		const char *text = NULL;
		bool try_ = false;
		int n;

		lineno++;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		dd = strstr(line, " -- ");
		if (dd) {	/* free text: kept verbatim, not split */
			*dd = '\0';
			text = dd + 4;
			text += strspn(text, " \t");
		}
		n = split_words(line, w);
		if (n == 0)
			continue;
		if (!strcmp(w[0], "experiment")) {
			char *t = NULL;

			if (cur) {
				fclose(f);
				return plan_error(where, "experiment inside experiment %s", cur->name);
			}
			if (text) {
				t = strdup(text);
				t[strcspn(t, "\r\n")] = '\0';
			}
			cur = plan_begin(w, n, t, where);
			free(t);
			if (!cur) {
				fclose(f);
				return -1;
			}
			continue;
		}
		if (!strcmp(w[0], "end")) {
			if (!cur || plan_check(cur)) {
				fclose(f);
				return cur ? -1 : plan_error(where, "'end' outside an experiment");
			}
			cur = NULL;
			continue;
		}
		if (!cur) {
			fclose(f);
			return plan_error(where, "'%s' outside an experiment", w[0]);
		}
		if (!strcmp(w[0], "try")) {
			try_ = true;
			memmove(w, w + 1, (size_t)(n - 1) * sizeof(*w));
			n--;
			if (n == 0) {
				fclose(f);
				return plan_error(where, "'try' without a step");
			}
		}
		if (plan_add_step(cur, w, n, try_, where)) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (cur)
		return plan_error(path, "experiment %s has no 'end'", cur->name);
	return 0;
}

/* --exp 'NAME [options] [-- text]; step; step; ...' */
static int plan_from_string(const char *spec, const char *where)
{
	char *copy = strdup(spec), *save = NULL, *part, *w[32];
	struct plan_exp *e = NULL;
	int n;

	if (!copy)
		return -1;
	for (part = strtok_r(copy, ";", &save); part; part = strtok_r(NULL, ";", &save)) {
		bool try_ = false;

		if (!e) {
			char *dd = strstr(part, " -- "), *text = NULL;
			char *words[34];

			if (dd) {
				*dd = '\0';
				text = dd + 4;
			}
			words[0] = "experiment";
			n = split_words(part, words + 1) + 1;
			e = plan_begin(words, n, text, where);
			if (!e)
				goto fail;
			continue;
		}
		n = split_words(part, w);
		if (n == 0)
			continue;
		if (!strcmp(w[0], "try")) {
			try_ = true;
			memmove(w, w + 1, (size_t)(n - 1) * sizeof(*w));
			n--;
		}
		if (n == 0 || plan_add_step(e, w, n, try_, where))
			goto fail;
	}
	if (!e || plan_check(e))
		goto fail;
	free(copy);
	return 0;
fail:
	if (!e)
		plan_error(where, "empty experiment");
	free(copy);
	return -1;
}

/* Shorthands.  OBJ:PROG splits at the last ':' (paths have none). */
static int split2(char *s, char **a, char **b)
{
	char *c = strrchr(s, ':');

	if (!c || c == s || !c[1])
		return -1;
	*c = '\0';
	*a = s;
	*b = c + 1;
	return 0;
}

/* --attach EXT_OBJ:EXTPROG=TGT_OBJ:TGTPROG:FUNC */
static int plan_attach_opt(const char *arg)
{
	char *s = strdup(arg), *eq = strchr(s, '='), *eobj, *eprog, *tobj, *tprog, *func;
	char buf[8192];
	int err = -1;

	if (!eq)
		goto out;
	*eq = '\0';
	if (split2(s, &eobj, &eprog) || split2(eq + 1, &tobj, &func) ||
	    split2(tobj, &tobj, &tprog))
		goto out;
	snprintf(buf, sizeof(buf),
		 "attach:%s@%s -- --attach %s; load t %s %s; load e %s %s target=t:%s; attach e",
		 eprog, func, arg, tobj, tprog, eobj, eprog, func);
	err = plan_from_string(buf, "--attach");
out:
	if (err && !eq)
		fprintf(stderr, "loader: --attach EXT_OBJ:PROG=TGT_OBJ:TGTPROG:FUNC expected\n");
	free(s);
	return err;
}

/* --prog-array-insert MAP_OBJ:OWNER:MAP[IDX]=OBJ:PROG   (OWNER "-": no owner) */
static int plan_insert_opt(const char *arg)
{
	char *s = strdup(arg), *eq = strchr(s, '='), *mobj, *owner, *map, *mobj2, *obj, *prog, *br;
	char buf[8192];
	__u32 idx;
	int err = -1;

	if (!eq)
		goto out;
	*eq = '\0';
	if (split2(s, &mobj2, &map) || split2(mobj2, &mobj, &owner) ||
	    split2(eq + 1, &obj, &prog))
		goto out;
	br = strchr(map, '[');
	if (!br || br[strlen(br) - 1] != ']')
		goto out;
	*br = '\0';
	br[strlen(br + 1)] = '\0';
	if (!parse_u32(br + 1, &idx))
		goto out;
	snprintf(buf, sizeof(buf),
		 "insert:%s[%u]=%s -- --prog-array-insert %s; load o %s %s; load m %s %s; insert o %s %u m",
		 map, idx, prog, arg, mobj, owner, obj, prog, map, idx);
	err = plan_from_string(buf, "--prog-array-insert");
out:
	if (err)
		fprintf(stderr, "loader: --prog-array-insert MAP_OBJ:OWNER:MAP[IDX]=OBJ:PROG expected\n");
	free(s);
	return err;
}

/* --test-run OBJ:PROG[:N][@MAP[IDX]]  (@: first insert PROG into its own MAP) */
static int plan_testrun_opt(const char *arg)
{
	char *s = strdup(arg), *at = strchr(s, '@'), *obj, *prog, *rep = NULL, *br;
	char buf[8192], ins[512] = "";
	__u32 n = 1, idx;
	int err = -1;

	if (at) {
		*at++ = '\0';
		br = strchr(at, '[');
		if (!br || br[strlen(br) - 1] != ']')
			goto out;
		*br = '\0';
		br[strlen(br + 1)] = '\0';
		if (!parse_u32(br + 1, &idx))
			goto out;
		snprintf(ins, sizeof(ins), "; insert p %s %u p", at, idx);
	}
	if (split2(s, &obj, &prog))
		goto out;
	if (parse_u32(prog, &n)) {	/* OBJ:PROG:N */
		rep = prog;
		if (split2(obj, &obj, &prog))
			goto out;
	}
	snprintf(buf, sizeof(buf), "testrun:%s -- --test-run %s; load p %s %s%s; testrun p repeat=%u",
		 prog, arg, obj, prog, ins, rep ? n : 1);
	err = plan_from_string(buf, "--test-run");
out:
	if (err)
		fprintf(stderr, "loader: --test-run OBJ:PROG[:N][@MAP[IDX]] expected\n");
	free(s);
	return err;
}

/* ---- running experiments ---------------------------------------------- */

struct handle {
	const char *name;
	struct loader_obj *o;
	struct bpf_object *obj;
	struct bpf_program *prog;	/* NULL for "load H OBJ -" */
	int fd;
	struct bpf_link *link;
	int tgt_fd;
	const char *tgt_func;
};

/* Objects matching a reference: equal name, or name ending in "/REF". */
static size_t obj_matches(const char *ref, size_t *idx, size_t max)
{
	size_t n = 0, rl = strlen(ref);

	for (size_t i = 0; i < nr_pobjs; i++) {
		const char *nm = pobjs[i].name;
		size_t nl = strlen(nm);

		if (!strcmp(nm, ref) ||
		    (nl > rl && nm[nl - rl - 1] == '/' && !strcmp(nm + nl - rl, ref))) {
			if (n < max)
				idx[n] = i;
			n++;
		}
	}
	return n;
}

/* A reference that matches no command-line object but is a readable file
 * becomes one (so the shorthands work with plain paths). */
static void obj_add_path(const char *ref)
{
	size_t idx;
	struct loader_obj *p;

	if (obj_matches(ref, &idx, 1) || access(ref, R_OK))
		return;
	p = realloc(pobjs, (nr_pobjs + 1) * sizeof(*pobjs));
	if (!p)
		return;
	pobjs = p;
	memset(&pobjs[nr_pobjs], 0, sizeof(*pobjs));
	pobjs[nr_pobjs].name = strdup(ref);
	pobjs[nr_pobjs].path = strdup(ref);
	nr_pobjs++;
}

static int obj_ensure_read(struct loader_obj *o)
{
	int err;

	if (o->buf)
		return 0;
	err = read_file(o->path, &o->buf, &o->size);
	if (err)
		return err;
	if (!opts.keep_slot_init)
		strip_slot_init(o);
	return 0;
}

static struct handle *find_handle(struct handle *hs, int nh, const char *name)
{
	for (int i = 0; i < nh; i++)
		if (!strcmp(hs[i].name, name))
			return &hs[i];
	return NULL;
}

static void put_step(const char *name, const char *outcome, int err)
{
	fputs("STEP ", stdout);
	put_str(name);
	if (err)
		printf(" %s %d %s\n", outcome, err, errname(err));
	else
		printf(" %s\n", outcome);
	fflush(stdout);
}

/* type=TYPE[:ATTACH], names as libbpf prints them, or numbers; tcx_ingress
 * and tcx_egress are known by number because libbpf 1.1 predates them. */
static int parse_type(const char *spec, enum bpf_prog_type *type,
		      int *attach)
{
	char buf[128], *c;
	__u32 v;

	snprintf(buf, sizeof(buf), "%s", spec);
	c = strchr(buf, ':');
	if (c)
		*c++ = '\0';
	*attach = -1;
	if (parse_u32(buf, &v)) {
		*type = (enum bpf_prog_type)v;
	} else {
		int t;

		for (t = 0; t < 256; t++) {
			const char *s = libbpf_bpf_prog_type_str((enum bpf_prog_type)t);

			if (s && !strcmp(s, buf))
				break;
		}
		if (t == 256)
			return -1;
		*type = (enum bpf_prog_type)t;
	}
	if (!c)
		return 0;
	if (parse_u32(c, &v)) {
		*attach = (int)v;
	} else if (!strcmp(c, "tcx_ingress")) {
		*attach = 46;
	} else if (!strcmp(c, "tcx_egress")) {
		*attach = 47;
	} else {
		int a;

		for (a = 0; a < 256; a++) {
			const char *s = libbpf_bpf_attach_type_str((enum bpf_attach_type)a);

			if (s && !strcmp(s, c))
				break;
		}
		if (a == 256)
			return -1;
		*attach = a;
	}
	return 0;
}

/* libbpf 1.1 predates tcx (libbpf 1.3): give SEC("tcx/ingress") and
 * SEC("tcx/egress") programs what a newer libbpf gives them (sched_cls,
 * BPF_TCX_INGRESS 46 / BPF_TCX_EGRESS 47).  True if it did. */
static bool tcx_fixup(struct bpf_program *p)
{
	const char *sec = bpf_program__section_name(p);
	bool in;

	if (bpf_program__type(p) != BPF_PROG_TYPE_UNSPEC ||
	    (strcmp(sec, "tcx/ingress") && strcmp(sec, "tcx/egress")))
		return false;
	in = sec[4] == 'i';
	bpf_program__set_type(p, BPF_PROG_TYPE_SCHED_CLS);
	bpf_program__set_expected_attach_type(p, (enum bpf_attach_type)(in ? 46 : 47));
	return true;
}

/* The BTF type behind typedefs and modifiers. */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id, __u32 *idp)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) ||
		     btf_is_restrict(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (idp)
		*idp = id;
	return t;
}

/* set=VAR[.FIELD]=VALUE: patch the initial value of a global (.rodata,
 * .data, .bss) before load, as a loader like libxdp does with its config. */
static int apply_set(struct bpf_object *obj, const char *spec, char *why, size_t wl)
{
	char buf[256], *eq, *dot;
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m;
	unsigned long long val;
	char *end;

	snprintf(buf, sizeof(buf), "%s", spec);
	eq = strchr(buf, '=');
	if (!eq || !btf) {
		snprintf(why, wl, "set=%s: %s", spec, btf ? "VAR[.FIELD]=VALUE expected" : "object has no BTF");
		return EINVAL;
	}
	*eq = '\0';
	val = strtoull(eq + 1, &end, 0);
	if (*end) {
		snprintf(why, wl, "set=%s: bad value", spec);
		return EINVAL;
	}
	dot = strchr(buf, '.');
	if (dot)
		*dot++ = '\0';
	bpf_object__for_each_map(m, obj) {
		const struct btf_type *ds;
		const struct btf_var_secinfo *vs;
		size_t sz;
		char *data;

		if (!bpf_map__is_internal(m))
			continue;
		ds = btf__type_by_id(btf, bpf_map__btf_value_type_id(m));
		if (!ds || !btf_is_datasec(ds))
			continue;
		vs = btf_var_secinfos(ds);
		for (int i = 0; i < btf_vlen(ds); i++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);
			__u32 off = vs->offset, size = vs->size;

			if (!var || strcmp(btf__name_by_offset(btf, var->name_off), buf))
				continue;
			if (dot) {
				const struct btf_type *st = skip_mods(btf, var->type, NULL);
				const struct btf_member *mb;
				bool found = false;

				if (!st || !btf_is_composite(st)) {
					snprintf(why, wl, "set=%s: %s is not a struct", spec, buf);
					return EINVAL;
				}
				mb = btf_members(st);
				for (int k = 0; k < btf_vlen(st); k++, mb++) {
					__u32 mid;
					const struct btf_type *mt;

					if (strcmp(btf__name_by_offset(btf, mb->name_off), dot))
						continue;
					mt = skip_mods(btf, mb->type, &mid);
					if (!mt || btf_member_bitfield_size(st, k)) {
						snprintf(why, wl, "set=%s: unsupported field", spec);
						return EINVAL;
					}
					off += btf_member_bit_offset(st, k) / 8;
					size = (__u32)btf__resolve_size(btf, mid);
					found = true;
					break;
				}
				if (!found) {
					snprintf(why, wl, "set=%s: no field %s", spec, dot);
					return EINVAL;
				}
			}
			if (size != 1 && size != 2 && size != 4 && size != 8) {
				snprintf(why, wl, "set=%s: size %u is not 1, 2, 4 or 8", spec, size);
				return EINVAL;
			}
			/* libbpf 1.1 returns it const, but before load it is
			 * the writable image that bpf_object__load() uses. */
			data = (char *)(uintptr_t)bpf_map__initial_value(m, &sz);
			if (!data || off + size > sz) {
				snprintf(why, wl, "set=%s: no initial value to patch", spec);
				return EINVAL;
			}
			/* Little-endian targets only (the kernels here are x86-64). */
			for (__u32 b = 0; b < size; b++)
				data[off + b] = (char)(val >> (8 * b));
			return 0;
		}
	}
	snprintf(why, wl, "set=%s: no global %s", spec, buf);
	return ENOENT;
}

/* COUNT <handle>.<var> <value> for every integer global of the handle's
 * object, read back from the kernel's map (.bss and .data). */
static void print_counters(struct handle *h)
{
	struct btf *btf = bpf_object__btf(h->obj);
	struct bpf_map *m;

	if (!btf)
		return;
	bpf_object__for_each_map(m, h->obj) {
		const struct btf_type *ds;
		const struct btf_var_secinfo *vs;
		const char *mn = bpf_map__name(m);
		__u32 key = 0, vsz = bpf_map__value_size(m);
		unsigned char *val;

		if (!bpf_map__is_internal(m) || bpf_map__fd(m) < 0 ||
		    (!strstr(mn, ".bss") && !strstr(mn, ".data")))
			continue;
		ds = btf__type_by_id(btf, bpf_map__btf_value_type_id(m));
		if (!ds || !btf_is_datasec(ds))
			continue;
		val = calloc(1, vsz);
		if (!val)
			return;
		if (bpf_map_lookup_elem(bpf_map__fd(m), &key, val)) {
			printf("NOTE counters of %s: lookup %s\n", mn, errname(errno));
			free(val);
			continue;
		}
		vs = btf_var_secinfos(ds);
		for (int i = 0; i < btf_vlen(ds); i++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);
			unsigned long long v = 0;

			if (!var || vs->offset + vs->size > vsz ||
			    (vs->size != 1 && vs->size != 2 && vs->size != 4 && vs->size != 8))
				continue;
			for (__u32 b = 0; b < vs->size; b++)
				v |= (unsigned long long)val[vs->offset + b] << (8 * b);
			printf("COUNT %s.", h->name);
			put_str(btf__name_by_offset(btf, var->name_off));
			printf(" %llu\n", v);
		}
		free(val);
	}
	fflush(stdout);
}

static bool lp_warned(const char *needle)
{
	int first = lp.nr_warn > LOADER_MAX_WARN ? lp.nr_warn - LOADER_MAX_WARN : 0;

	for (int i = first; i < lp.nr_warn; i++)
		if (strstr(lp.warn[i % LOADER_MAX_WARN], needle))
			return true;
	return false;
}

/* One load step.  Returns 0 or the positive errno; *kernel says whether the
 * kernel (rather than libbpf) refused. */
static struct handle *find_handle(struct handle *hs, int nh, const char *name);

static int step_load(struct plan_step *s, struct handle *h, struct handle *tgt,
		     struct handle *hs, int nh, bool *kernel)
{
	struct bpf_program *p;
	char why[512] = "";
	int err;

	*kernel = false;
	err = obj_ensure_read(h->o);
	if (err) {
		printf("NOTE cannot read %s: %s\n", h->o->path, strerror(err));
		return err;
	}
	h->obj = open_obj(h->o, &err);
	if (!h->obj)
		return err;
	bpf_object__for_each_program(p, h->obj) {
		bool me = strcmp(bpf_program__name(p), s->prog) == 0;

		bpf_program__set_autoload(p, me);
		if (me)
			h->prog = p;
	}
	if (!h->prog && strcmp(s->prog, "-")) {
		printf("NOTE %s has no program %s\n", h->o->name, s->prog);
		return ENOENT;
	}
	if (h->prog) {
		const char *sec = bpf_program__section_name(h->prog);

		if (s->type) {
			enum bpf_prog_type t;
			int a;

			if (parse_type(s->type, &t, &a)) {
				printf("NOTE bad type=%s\n", s->type);
				return EINVAL;
			}
			bpf_program__set_type(h->prog, t);
			if (a >= 0)
				bpf_program__set_expected_attach_type(h->prog, (enum bpf_attach_type)a);
		} else if (tcx_fixup(h->prog)) {
			printf("NOTE %s: libbpf 1.1 does not know SEC(\"%s\"): type sched_cls, expected_attach_type %d set by the loader\n",
			       h->name, sec, bpf_program__expected_attach_type(h->prog));
		}
		if (tgt) {
			err = bpf_program__set_attach_target(h->prog, tgt->fd, s->tgt_func);
			if (err) {
				printf("NOTE set_attach_target: %s\n", errname(-err));
				return -err;
			}
			h->tgt_fd = tgt->fd;
			h->tgt_func = s->tgt_func;
		}
		bpf_program__set_log_level(h->prog, opts.log_level);
		bpf_program__set_log_buf(h->prog, log_buf, opts.log_size);
	}
	for (int i = 0; i < s->nr_reuse; i++) {
		char mn[256], *at;
		struct handle *o;
		struct bpf_map *mine, *theirs;

		snprintf(mn, sizeof(mn), "%s", s->reuse[i]);
		at = strchr(mn, '@');
		*at = '\0';
		o = find_handle(hs, nh, at + 1);
		mine = bpf_object__find_map_by_name(h->obj, mn);
		theirs = o && o->obj ? bpf_object__find_map_by_name(o->obj, mn) : NULL;
		if (!mine || !theirs || bpf_map__fd(theirs) < 0) {
			printf("NOTE reuse=%s: no map %s on both sides\n", s->reuse[i], mn);
			return ENOENT;
		}
		err = bpf_map__reuse_fd(mine, bpf_map__fd(theirs));
		if (err) {
			printf("NOTE reuse=%s: %s\n", s->reuse[i], errname(-err));
			return -err;
		}
	}
	for (int i = 0; i < s->nr_sets; i++) {
		err = apply_set(h->obj, s->sets[i], why, sizeof(why));
		if (err) {
			printf("NOTE %s\n", why);
			return err;
		}
	}
	log_buf[0] = '\0';
	memset(&lp, 0, sizeof(lp));
	err = bpf_object__load(h->obj);
	*kernel = lp.prog_load_failed;
	if (lp.btf_rejected)
		puts("NOTE kernel refused the object's BTF; libbpf loaded the program without BTF");
	if (err)
		return -err;
	h->fd = h->prog ? bpf_program__fd(h->prog) : -1;
	return 0;
}

static void report_step_log(bool kernel_refused)
{
	struct log_info li;

	extract_log_info(log_buf, &li);
	if (kernel_refused) {
		for (int k = 0; k < li.nr_ctx; k++)
			put_line("MSGCTX", li.ctx[k], li.ctx_len[k]);
		if (li.msg)
			put_line("MSG", li.msg, li.msg_len);
	}
	if (li.depth)
		put_line("DEPTH", li.depth, li.depth_len);
	if (li.processed >= 0)
		printf("PROCESSED %ld\n", li.processed);
	if (opts.print_log)
		print_log_lines();
}

/* A 64-byte Ethernet/IPv4/UDP packet. */
static void make_packet(unsigned char *pkt, size_t len)
{
	memset(pkt, 0, len);
	memset(pkt, 0xff, 6);				/* dst MAC */
	pkt[6] = 0x02;					/* src MAC 02:00:00:00:00:01 */
	pkt[11] = 0x01;
	pkt[12] = 0x08;					/* ETH_P_IP */
	pkt[14] = 0x45;					/* IPv4, ihl 5 */
	pkt[17] = (unsigned char)(len - 14);		/* tot_len */
	pkt[22] = 64;					/* ttl */
	pkt[23] = 17;					/* UDP */
	pkt[26] = 10; pkt[29] = 1;			/* 10.0.0.1 */
	pkt[30] = 10; pkt[33] = 2;			/* 10.0.0.2 */
	pkt[35] = 0x35; pkt[37] = 0x35;			/* ports 53 */
	pkt[39] = (unsigned char)(len - 34);		/* udp len */
}

/* "SEC <section> <type>" of the subject program, from a throw-away open,
 * so that the record has it whether or not its load step runs. */
static void print_subject_sec(struct plan_exp *e, struct loader_obj *o)
{
	struct plan_step *s = NULL;
	struct bpf_object *obj;
	struct bpf_program *p;
	const char *ts;
	int err;

	for (int i = 0; i < e->nr_steps; i++)
		if (e->steps[i].op == OP_LOAD && !strcmp(e->steps[i].h, e->subject))
			s = &e->steps[i];
	if (!s || !strcmp(s->prog, "-") || obj_ensure_read(o))
		return;
	obj = open_obj(o, &err);
	if (!obj)
		return;
	p = bpf_object__find_program_by_name(obj, s->prog);
	if (p) {
		enum bpf_prog_type t;
		int a;

		if (s->type && !parse_type(s->type, &t, &a))
			bpf_program__set_type(p, t);
		else
			tcx_fixup(p);
		ts = libbpf_bpf_prog_type_str(bpf_program__type(p));
		fputs("SEC ", stdout);
		put_str(bpf_program__section_name(p));
		printf(" %s\n", ts ? ts : "?");
	}
	bpf_object__close(obj);
}

/* Run one experiment with objects chosen for one variant prefix. */
static void run_experiment(struct plan_exp *e, size_t *objsel)
{
	struct handle hs[PLAN_MAX_HANDLES];
	int nh = 0, last_err = 0;
	const char *last_outcome = "ok";
	bool stopped = false;
	struct loader_obj *subj = NULL;

	memset(hs, 0, sizeof(hs));
	/* The record's object: the subject handle's. */
	for (int i = 0; i < e->nr_steps; i++)
		if (e->steps[i].op == OP_LOAD && !strcmp(e->steps[i].h, e->subject))
			subj = &pobjs[objsel[i]];
	put_prog_line(subj->name, e->name);
	print_subject_sec(e, subj);
	if (e->desc) {
		fputs("NOTE experiment: ", stdout);
		put_str(e->desc);
		putchar('\n');
	}
	for (int i = 0; i < e->nr_steps; i++) {
		struct plan_step *s = &e->steps[i];

		if (s->op != OP_LOAD)
			continue;
		printf("NOTE handle %s = ", s->h);
		put_str(pobjs[objsel[i]].name);
		putchar(':');
		put_str(s->prog);
		if (s->tgt_h)
			printf(" target %s:%s", s->tgt_h, s->tgt_func);
		for (int k = 0; k < s->nr_sets; k++)
			printf(" set %s", s->sets[k]);
		for (int k = 0; k < s->nr_reuse; k++)
			printf(" reuse %s", s->reuse[k]);
		if (s->type)
			printf(" type %s", s->type);
		putchar('\n');
	}
	fflush(stdout);

	for (int i = 0; i < e->nr_steps; i++) {
		struct plan_step *s = &e->steps[i];
		struct handle *h = s->op == OP_LOAD ? NULL : find_handle(hs, nh, s->h);
		char name[512];
		int err = 0;
		bool kernel = true;

		switch (s->op) {
		case OP_LOAD: snprintf(name, sizeof(name), "load:%s", s->h); break;
		case OP_ATTACH: snprintf(name, sizeof(name), "attach:%s", s->h); break;
		case OP_DETACH: snprintf(name, sizeof(name), "detach:%s", s->h); break;
		case OP_INSERT:
			snprintf(name, sizeof(name), "insert:%s.%s[%u]=%s", s->h, s->map, s->idx, s->h2);
			break;
		case OP_DELETE:
			snprintf(name, sizeof(name), "delete:%s.%s[%u]", s->h, s->map, s->idx);
			break;
		case OP_TESTRUN: snprintf(name, sizeof(name), "testrun:%s", s->h); break;
		case OP_COUNTERS: snprintf(name, sizeof(name), "counters:%s", s->h); break;
		}
		if (stopped) {
			put_step(name, "skip", 0);
			continue;
		}
		memset(&lp, 0, sizeof(lp));
		switch (s->op) {
		case OP_LOAD: {
			struct handle *nhd = &hs[nh++];

			nhd->name = s->h;
			nhd->o = &pobjs[objsel[i]];
			nhd->fd = -1;
			nhd->tgt_fd = -1;
			err = step_load(s, nhd, s->tgt_h ? find_handle(hs, nh, s->tgt_h) : NULL,
					hs, nh, &kernel);
			if (err && !kernel && lp.slot_init_failed)
				puts("NOTE libbpf failed to fill a static prog array slot");
			put_step(name, err ? (kernel ? "fail" : "libbpf-fail") : "ok", err);
			report_step_log(err && kernel);
			if (err && !kernel)
				print_libbpf_warnings();
			break;
		}
		case OP_ATTACH: {
			struct bpf_link *l;

			if (!h->prog) {
				puts("NOTE no program to attach");
				err = EINVAL;
				kernel = false;
			} else {
				if (h->tgt_func)
					l = bpf_program__attach_freplace(h->prog, h->tgt_fd, h->tgt_func);
				else
					l = bpf_program__attach(h->prog);
				err = libbpf_get_error(l) ? -(int)libbpf_get_error(l) : 0;
				if (err) {
					kernel = lp_warned("failed to attach");
				} else {
					h->link = l;
				}
			}
			put_step(name, err ? (kernel ? "fail" : "libbpf-fail") : "ok", err);
			if (err && !kernel)
				print_libbpf_warnings();
			break;
		}
		case OP_DETACH:
			if (h->link) {
				err = bpf_link__destroy(h->link);
				err = err < 0 ? -err : 0;
				h->link = NULL;
			} else {
				puts("NOTE not attached");
				err = ENOENT;
				kernel = false;
			}
			put_step(name, err ? (kernel ? "fail" : "libbpf-fail") : "ok", err);
			break;
		case OP_INSERT:
		case OP_DELETE: {
			struct bpf_map *m = bpf_object__find_map_by_name(h->obj, s->map);
			struct handle *h2 = s->h2 ? find_handle(hs, nh, s->h2) : NULL;

			if (!m || bpf_map__fd(m) < 0) {
				printf("NOTE %s has no map %s\n", h->name, s->map);
				err = ENOENT;
				kernel = false;
			} else if (h2 && h2->fd < 0) {
				printf("NOTE %s has no program\n", h2->name);
				err = ENOENT;
				kernel = false;
			} else if (s->op == OP_INSERT) {
				err = bpf_map_update_elem(bpf_map__fd(m), &s->idx, &h2->fd, BPF_ANY) ? errno : 0;
			} else {
				err = bpf_map_delete_elem(bpf_map__fd(m), &s->idx) ? errno : 0;
			}
			put_step(name, err ? (kernel ? "fail" : "libbpf-fail") : "ok", err);
			break;
		}
		case OP_TESTRUN: {
			unsigned char pkt[64], out[256];
			LIBBPF_OPTS(bpf_test_run_opts, to,
				.data_in = pkt, .data_size_in = sizeof(pkt),
				.data_out = out, .data_size_out = sizeof(out),
				.repeat = s->repeat,
			);

			make_packet(pkt, sizeof(pkt));
			if (h->fd < 0) {
				puts("NOTE no program to run");
				err = EINVAL;
				kernel = false;
			} else {
				err = bpf_prog_test_run_opts(h->fd, &to) ? errno : 0;
			}
			put_step(name, err ? (kernel ? "fail" : "libbpf-fail") : "ok", err);
			if (!err) {
				printf("RETVAL %u\n", to.retval);
				print_counters(h);
			}
			break;
		}
		case OP_COUNTERS:
			put_step(name, "ok", 0);
			print_counters(h);
			break;
		}
		fflush(stdout);
		last_err = err;
		last_outcome = err ? (kernel ? "fail" : "libbpf-fail") : "ok";
		if (err && !s->try_)
			stopped = true;
	}
	if (last_err)
		printf("RESULT %s %d %s\n", last_outcome, last_err, errname(last_err));
	else
		puts("RESULT ok");
	for (int i = nh - 1; i >= 0; i--) {
		if (hs[i].link)
			bpf_link__destroy(hs[i].link);
		if (hs[i].obj)
			bpf_object__close(hs[i].obj);
	}
	puts("END");
	fflush(stdout);
}

/* A record for an experiment that cannot run (an object is missing). */
static void experiment_unrunnable(struct plan_exp *e, const char *obj, const char *why)
{
	put_prog_line(obj, e->name);
	fputs("NOTE ", stdout);
	put_str(why);
	putchar('\n');
	puts("RESULT no-such-prog");
	puts("END");
	fflush(stdout);
}

/* In a child, like run_object_isolated(): a libbpf crash costs one record. */
static void run_experiment_isolated(struct plan_exp *e, size_t *objsel)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		run_experiment(e, objsel);
		return;
	}
	if (pid == 0) {
		run_experiment(e, objsel);
		fflush(stdout);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = 0;
			break;
		}
	}
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		const char *sn = sigabbrev_np(sig);

		/* The child flushed its lines step by step; close its record. */
		printf("RESULT crash %d SIG%s\nEND\n", sig, sn ? sn : "?");
		fflush(stdout);
	}
}

/* Resolve each load step's object per variant prefix and run. */
static void run_plan_experiment(struct plan_exp *e)
{
	size_t sel[PLAN_MAX_STEPS];
	char *prefixes[64];
	size_t nrp = 0;

	for (int i = 0; i < e->nr_steps; i++)
		if (e->steps[i].op == OP_LOAD)
			obj_add_path(e->steps[i].obj);
	/* Prefixes of the references that match several objects. */
	for (int i = 0; i < e->nr_steps; i++) {
		size_t idx[64], n;

		if (e->steps[i].op != OP_LOAD)
			continue;
		n = obj_matches(e->steps[i].obj, idx, 64);
		if (n < 2)
			continue;
		for (size_t k = 0; k < n && k < 64; k++) {
			const char *nm = pobjs[idx[k]].name;
			size_t pl = strlen(nm) - strlen(e->steps[i].obj);
			bool seen = false;

			for (size_t j = 0; j < nrp && !seen; j++)
				seen = strlen(prefixes[j]) == pl && !strncmp(prefixes[j], nm, pl);
			if (!seen && nrp < 64)
				prefixes[nrp++] = strndup(nm, pl);
		}
	}
	for (size_t pi = 0; pi < (nrp ? nrp : 1); pi++) {
		const char *pfx = nrp ? prefixes[pi] : NULL;
		char why[1024] = "";

		for (int i = 0; i < e->nr_steps && !why[0]; i++) {
			size_t idx[64], n;
			const char *ref = e->steps[i].obj;
			bool got = false;

			if (e->steps[i].op != OP_LOAD)
				continue;
			n = obj_matches(ref, idx, 64);
			if (n == 1) {
				sel[i] = idx[0];
				got = true;
			}
			for (size_t k = 0; k < n && k < 64 && pfx && !got; k++) {
				const char *nm = pobjs[idx[k]].name;

				if (strlen(nm) == strlen(pfx) + strlen(ref) && starts_with(nm, pfx)) {
					sel[i] = idx[k];
					got = true;
				}
			}
			if (!got)
				snprintf(why, sizeof(why), "no object %s%s for handle %s",
					 pfx ? pfx : "", ref, e->steps[i].h);
		}
		if (why[0]) {
			/* Name the record after the subject's object. */
			char nm[1024] = "";

			for (int i = 0; i < e->nr_steps; i++)
				if (e->steps[i].op == OP_LOAD && !strcmp(e->steps[i].h, e->subject))
					snprintf(nm, sizeof(nm), "%s%s", pfx ? pfx : "", e->steps[i].obj);
			experiment_unrunnable(e, nm, why);
			continue;
		}
		run_experiment_isolated(e, sel);
	}
	for (size_t j = 0; j < nrp; j++)
		free(prefixes[j]);
}

static void run_plan(void)
{
	for (size_t i = 0; i < plan_len; i++)
		run_plan_experiment(&plan[i]);
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: loader [options] [--all | --prog NAME ...] [--as NAME] OBJ...\n"
"       loader --probe    exit 0 if BPF programs can be loaded, else 3\n"
"  --all             load every program of each object (default if no --prog)\n"
"  --prog NAME       load only this program (repeatable)\n"
"  --as NAME         print NAME instead of the next OBJ's path\n"
"  --log-dir DIR     write each full verifier log to DIR/<obj>__<prog>.log\n"
"  --print-log       add the full verifier log as LOG lines to each record\n"
"  --log-level N     verifier log level (default 5 = 1|4)\n"
"  --log-size BYTES  verifier log buffer size (default 16 MiB, at least 256)\n"
"  --keep-slot-init  keep static prog-array initialisation (.rel.maps)\n"
"  -v                show libbpf's messages on stderr\n"
"experiments (instead of loading each program alone; OBJ... are the objects\n"
"they may name, by path suffix; see the comment at the top of loader.c):\n"
"  --plan FILE       run the experiments of a plan file (tests/vm/freplace.plan)\n"
"  --exp 'NAME [-- text]; STEP; STEP...'   one experiment in plan syntax\n"
"  --attach EXT_OBJ:PROG=TGT_OBJ:TGTPROG:FUNC\n"
"                    load TGTPROG, load PROG as its extension of FUNC, attach it\n"
"  --prog-array-insert MAP_OBJ:OWNER:MAP[IDX]=OBJ:PROG\n"
"                    load OWNER (\"-\": no program, maps only), then PROG, and\n"
"                    insert PROG into OWNER's MAP at IDX\n"
"  --test-run OBJ:PROG[:N][@MAP[IDX]]\n"
"                    BPF_PROG_TEST_RUN (N repeats) after inserting PROG into\n"
"                    its own MAP[IDX]; prints RETVAL and COUNT lines\n");
}

int main(int argc, char **argv)
{
	enum { OPT_ALL = 256, OPT_PROG, OPT_AS, OPT_LOG_DIR, OPT_PRINT_LOG,
	       OPT_LOG_LEVEL, OPT_LOG_SIZE, OPT_KEEP_SLOT_INIT, OPT_PROBE,
	       OPT_PLAN, OPT_EXP, OPT_ATTACH, OPT_INSERT, OPT_TEST_RUN };
	static const struct option lopts[] = {
		{ "all", no_argument, NULL, OPT_ALL },
		{ "prog", required_argument, NULL, OPT_PROG },
		{ "as", required_argument, NULL, OPT_AS },
		{ "log-dir", required_argument, NULL, OPT_LOG_DIR },
		{ "print-log", no_argument, NULL, OPT_PRINT_LOG },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "log-size", required_argument, NULL, OPT_LOG_SIZE },
		{ "keep-slot-init", no_argument, NULL, OPT_KEEP_SLOT_INIT },
		{ "probe", no_argument, NULL, OPT_PROBE },
		{ "plan", required_argument, NULL, OPT_PLAN },
		{ "exp", required_argument, NULL, OPT_EXP },
		{ "attach", required_argument, NULL, OPT_ATTACH },
		{ "prog-array-insert", required_argument, NULL, OPT_INSERT },
		{ "test-run", required_argument, NULL, OPT_TEST_RUN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* "--as NAME OBJ" pairs are positional, so parse in order ("-"
	 * prefix in optstring: non-options come back as 1). */
	const char **objs = calloc((size_t)argc, sizeof(*objs));
	const char **as = calloc((size_t)argc, sizeof(*as));
	const char *pending_as = NULL;
	size_t nr_objs = 0;
	struct utsname u;
	int c;

	opts.progs = calloc((size_t)argc, sizeof(*opts.progs));
	if (!objs || !as || !opts.progs)
		return 1;
	while ((c = getopt_long(argc, argv, "-vh", lopts, NULL)) != -1) {
		switch (c) {
		case 1:
			as[nr_objs] = pending_as;
			objs[nr_objs++] = optarg;
			pending_as = NULL;
			break;
		case OPT_ALL:
			opts.all = true;
			break;
		case OPT_PROG:
			opts.progs[opts.nr_progs++] = optarg;
			break;
		case OPT_AS:
			pending_as = optarg;
			break;
		case OPT_LOG_DIR:
			opts.log_dir = optarg;
			break;
		case OPT_PRINT_LOG:
			opts.print_log = true;
			break;
		case OPT_LOG_LEVEL: {
			char *end;
			unsigned long v = strtoul(optarg, &end, 0);

			if (*end || v == 0 || v > 0xffff) {
				fprintf(stderr, "loader: bad --log-level '%s'\n", optarg);
				return 2;
			}
			opts.log_level = (__u32)v;
			break;
		}
		case OPT_LOG_SIZE: {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 0);

			/* The kernel wants at least 128 bytes and less than
			 * 4 GiB (UINT_MAX >> 2 before 6.4). */
			if (*end || v < 256 || v > (1ull << 30)) {
				fprintf(stderr, "loader: bad --log-size '%s'\n", optarg);
				return 2;
			}
			opts.log_size = (size_t)v;
			break;
		}
		case OPT_KEEP_SLOT_INIT:
			opts.keep_slot_init = true;
			break;
		case OPT_PROBE:
			libbpf_set_print(libbpf_print);
			return probe();
		case OPT_PLAN:
		case OPT_EXP:
		case OPT_ATTACH:
		case OPT_INSERT:
		case OPT_TEST_RUN: {
			int r = c == OPT_PLAN ? plan_read_file(optarg)
				: c == OPT_EXP ? plan_from_string(optarg, "--exp")
				: c == OPT_ATTACH ? plan_attach_opt(optarg)
				: c == OPT_INSERT ? plan_insert_opt(optarg)
				: plan_testrun_opt(optarg);

			if (r)
				return 2;
			opts.mode = MODE_PLAN;
			break;
		}
		case 'v':
			opts.verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (nr_objs == 0 && opts.mode != MODE_PLAN) {
		usage(stderr);
		return 2;
	}
	if (pending_as) {
		fprintf(stderr, "loader: --as %s is not followed by an object\n", pending_as);
		return 2;
	}
	if (opts.nr_progs == 0)
		opts.all = true;
	if (opts.all && opts.nr_progs) {
		fprintf(stderr, "loader: --all and --prog exclude each other\n");
		return 2;
	}

	log_buf = malloc(opts.log_size);
	if (!log_buf) {
		fprintf(stderr, "loader: cannot allocate the log buffer\n");
		return 1;
	}
	libbpf_set_print(libbpf_print);
	/* Whole records or nothing on a crash (see the top comment). */
	setvbuf(stdout, NULL, _IOFBF, 1 << 20);

	/* KVERSION tells Debian builds apart: 6.1.0-47 is "Debian 6.1.170-3". */
	if (uname(&u) == 0)
		printf("KERNEL %s\nKVERSION %s\n", u.release, u.version);
	else
		puts("KERNEL ?");
	fflush(stdout);
	if (opts.mode == MODE_PLAN) {
		pobjs = calloc(nr_objs + 1, sizeof(*pobjs));
		if (!pobjs)
			return 1;
		for (size_t i = 0; i < nr_objs; i++) {
			pobjs[i].name = as[i] ? as[i] : objs[i];
			pobjs[i].path = objs[i];
		}
		nr_pobjs = nr_objs;
		run_plan();
	} else {
		for (size_t i = 0; i < nr_objs; i++)
			run_object_isolated(as[i] ? as[i] : objs[i], objs[i]);
	}

	free(log_buf);
	free(objs);
	free(as);
	free(opts.progs);
	return 0;
}

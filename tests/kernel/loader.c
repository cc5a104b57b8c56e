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
 * The code is organised as open -> select -> load one -> act -> report, so
 * that later modes (attach, prog-array insertion experiments) only add an
 * "act" step on the loaded object; see enum loader_mode.
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

/* What to do with a program once it is loaded.  Only MODE_VERIFY exists now;
 * attach and prog-array insertion experiments will add members here and a
 * case in program_act(), working on the still-loaded object. */
enum loader_mode {
	MODE_VERIFY,
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

/* Mode-specific work on a loaded program.  Future modes (attach,
 * prog-array insertion) go here; MODE_VERIFY only reads func_info. */
static void program_act(struct bpf_object *obj, const char *prog_name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, prog_name);

	switch (opts.mode) {
	case MODE_VERIFY:
		if (p && bpf_program__fd(p) >= 0)
			print_funcs(bpf_program__fd(p));
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
"  -v                show libbpf's messages on stderr\n");
}

int main(int argc, char **argv)
{
	enum { OPT_ALL = 256, OPT_PROG, OPT_AS, OPT_LOG_DIR, OPT_PRINT_LOG,
	       OPT_LOG_LEVEL, OPT_LOG_SIZE, OPT_KEEP_SLOT_INIT, OPT_PROBE };
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
	if (nr_objs == 0) {
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
	for (size_t i = 0; i < nr_objs; i++)
		run_object_isolated(as[i] ? as[i] : objs[i], objs[i]);

	free(log_buf);
	free(objs);
	free(as);
	free(opts.progs);
	return 0;
}

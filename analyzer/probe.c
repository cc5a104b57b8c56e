// SPDX-License-Identifier: MIT
/*
 * The probe: what the running kernel does, measured. Every experiment is a
 * few raw instructions loaded with bpf_prog_load() (no ELF, no attach) and
 * read off the verdict and the verifier log; the fd is closed at once, so
 * nothing is left behind. Facts no experiment here answers keep the fact
 * table's value and say so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "model.h"
#include "probe.h"

#define LOG_SIZE	(64 * 1024)

static struct bpf_insn ins(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src,
			      .off = off, .imm = imm };
	return i;
}

#define MOV_IMM(d, v)	ins(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, v)
#define STX_DW(d, s, o)	ins(BPF_STX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_W(d, o, v)	ins(BPF_ST | BPF_MEM | BPF_W, d, 0, o, v)
#define CALL_SUB(rel)	ins(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, rel)
#define EXIT()		ins(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
#define MOV_REG(d, s)	ins(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU_IMM(op, d, v) ins(BPF_ALU64 | (op) | BPF_K, d, 0, 0, v)
#define ADD_REG(d, s)	ins(BPF_ALU64 | BPF_ADD | BPF_X, d, s, 0, 0)
#define LDX_W(d, s, o)	ins(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define LDX_DW(d, s, o)	ins(BPF_LDX | BPF_MEM | BPF_DW, d, s, o, 0)
#define ST_DW(d, o, v)	ins(BPF_ST | BPF_MEM | BPF_DW, d, 0, o, v)
#define JEQ_IMM(d, v, o) ins(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, v)
#define CALL_HELPER(id)	ins(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define CALL_KFUNC(id)	ins(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, id)
/* ld_imm64 of a map fd: two instructions */
#define LD_MAP(d, fd)	ins(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), ins(0, 0, 0, 0, 0)
/* may_goto (BPF_JMP | BPF_JCOND, src_reg BPF_MAY_GOTO = 0): opcode 0xe5 */
#define MAY_GOTO(o)	ins(BPF_JMP | 0xe0 | BPF_K, 0, 0, o, 0)
/* cpu v4 sign-extending move: r0 = (s8)r0 */
#define MOVSX8(d, s)	ins(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 8, 0)
#define NR(a)		(sizeof(a) / sizeof((a)[0]))

struct load {
	int fd;		/* >= 0: accepted */
	int err;	/* -errno when refused */
	char msg[160];	/* the verifier's last non-empty log line when refused */
	long depth[8];	/* "stack depth A+B" when accepted */
	int depth_cnt;
};

static char *log_buf;
static unsigned int kern_version;	/* LINUX_VERSION_CODE, for kprobes before 5.0 */

/* The last non-empty line of the log: the verifier's refusal. */
static void last_line(const char *log, char *out, size_t len)
{
	const char *end = log + strlen(log), *start;

	while (end > log && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > log && start[-1] != '\n')
		start--;
	/* the stats and "processed N insns" lines follow the message */
	while (start > log && (!strncmp(start, "processed ", 10) ||
			       !strncmp(start, "stack depth ", 12) ||
			       !strncmp(start, "verification time", 17))) {
		end = start - 1;
		start = end;
		while (start > log && start[-1] != '\n')
			start--;
	}
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

static void parse_depth(const char *log, struct load *l)
{
	const char *p = strstr(log, "stack depth ");
	char *end;

	l->depth_cnt = 0;
	if (!p)
		return;
	p += 12;
	while (l->depth_cnt < 8) {
		long v = strtol(p, &end, 10);

		if (end == p)
			break;
		l->depth[l->depth_cnt++] = v;
		if (*end != '+')
			break;
		p = end + 1;
	}
}

/*
 * Load @insns with @opts (NULL: none) and keep the program: its fd stays
 * open in l->fd for experiments that go on with it (a prog array insert).
 */
static void load_keep(enum bpf_prog_type type, const struct bpf_insn *insns, size_t cnt,
		      struct bpf_prog_load_opts *opts, struct load *l)
{
	LIBBPF_OPTS(bpf_prog_load_opts, none);

	if (!opts)
		opts = &none;
	opts->log_buf = log_buf;
	opts->log_size = LOG_SIZE;
	opts->log_level = 1 | 4;	/* the log with the stats: "stack depth" */
	opts->kern_version = kern_version;
	memset(l, 0, sizeof(*l));
	log_buf[0] = '\0';
	l->fd = bpf_prog_load(type, "pf_probe", "GPL", insns, cnt, opts);
	if (l->fd >= 0) {
		parse_depth(log_buf, l);
		return;
	}
	l->err = -errno;
	last_line(log_buf, l->msg, sizeof(l->msg));
}

/* Load, read the verdict, close: nothing is left behind. */
static void load(enum bpf_prog_type type, const struct bpf_insn *insns, size_t cnt,
		 struct load *l)
{
	load_keep(type, insns, cnt, NULL, l);
	if (l->fd >= 0)
		close(l->fd);
}

static void set(struct pf_probe *pr, enum pf_fact f, enum pf_tristate v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set(struct pf_probe *pr, enum pf_fact f, enum pf_tristate v, const char *fmt, ...)
{
	struct pf_probe_fact *pf = &pr->facts[f];
	char what[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (v == PF_UNKNOWN) {
		/* not measurable here: the table's value stands, and says so */
		pf->value = pf_profile__table(&pr->profile, f);
		pf->measured = false;
		snprintf(pf->how, sizeof(pf->how), "not measured (%s): fact table", what);
		return;
	}
	pf->value = v;
	pf->measured = true;
	snprintf(pf->how, sizeof(pf->how), "measured: %s", what);
	pf_profile__set(&pr->profile, f, v);
}

static const char *refusal(const struct load *l)
{
	return l->msg[0] ? l->msg : strerror(-l->err);
}

/*
 * The common reading of one load: accepted means @accepted; a refusal
 * whose text holds @needle means the other answer; any other refusal
 * cannot tell, and the table's value stands.
 */
static void decide(struct pf_probe *pr, enum pf_fact f, const struct load *l,
		   enum pf_tristate accepted, const char *needle, const char *what)
{
	if (l->fd >= 0)
		set(pr, f, accepted, "%s: accepted", what);
	else if (strstr(l->msg, needle))
		set(pr, f, accepted == PF_YES ? PF_NO : PF_YES, "%s: refused '%s'", what, l->msg);
	else
		set(pr, f, PF_UNKNOWN, "%s: refused for another reason '%s'", what, refusal(l));
}

/* A main frame touching @main_off below r10 that calls a subprogram touching @sub_off. */
static void load_two_frames(enum bpf_prog_type type, int16_t main_off, int16_t sub_off,
			    struct load *l)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_1, 0), STX_DW(BPF_REG_10, BPF_REG_1, main_off),
		CALL_SUB(2), MOV_IMM(BPF_REG_0, 0), EXIT(),
		MOV_IMM(BPF_REG_1, 0), STX_DW(BPF_REG_10, BPF_REG_1, sub_off),
		MOV_IMM(BPF_REG_0, 0), EXIT(),
	};

	load(type, p, sizeof(p) / sizeof(p[0]), l);
}

/*
 * Private stack for one program type: a main frame and a subprogram frame
 * of 304 bytes each. With a private stack the subprogram's frame is not
 * counted against the caller's (accepted); without, "combined stack size
 * of 2 calls is 608".
 */
static void probe_priv_stack(struct pf_probe *pr, enum pf_fact f, enum bpf_prog_type type,
			     const char *tname)
{
	char what[64];
	struct load l;

	if (!pr->jit) {
		set(pr, f, PF_NO, "JIT off: the interpreter has no private stacks");
		return;
	}
	load_two_frames(type, -304, -304, &l);
	snprintf(what, sizeof(what), "%s frames 304+304", tname);
	decide(pr, f, &l, PF_YES, "combined stack size", what);
}

/*
 * Frame rounding in check_max_stack_depth: a main frame of 8 bytes and a
 * subprogram of 488. Rounded to 16 (6.9+ with the JIT): 16+496 = 512,
 * accepted; rounded to 32: 32+512 = 544, refused.
 */
static void probe_round16(struct pf_probe *pr)
{
	struct load l;

	if (!pr->jit) {
		set(pr, PF_FACT_ROUND16_JIT, PF_UNKNOWN, "JIT off: the JIT's rounding cannot be seen");
		return;
	}
	load_two_frames(BPF_PROG_TYPE_SOCKET_FILTER, -8, -488, &l);
	decide(pr, PF_FACT_ROUND16_JIT, &l, PF_YES, "combined stack size of 2 calls is 544",
	       "socket filter frames 8+488 (16+496, or 32+512)");
}

/* stack_depth as recorded: a 4-byte store at r10-4 reads "stack depth 4" or 8. */
static void probe_depth_round8(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		ST_W(BPF_REG_10, -4, 0), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, p, sizeof(p) / sizeof(p[0]), &l);
	if (l.fd < 0 || l.depth_cnt != 1)
		set(pr, PF_FACT_DEPTH_ROUND8, PF_UNKNOWN, "4-byte store at r10-4: %s",
		    l.fd < 0 ? refusal(&l) : "no stack depth line in the log");
	else
		set(pr, PF_FACT_DEPTH_ROUND8, l.depth[0] == 8 ? PF_YES : l.depth[0] == 4 ? PF_NO :
		    PF_UNKNOWN, "4-byte store at r10-4: stack depth %ld", l.depth[0]);
}

static void probe_isa_v4(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_0, 0), MOVSX8(BPF_REG_0, BPF_REG_0), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, p, sizeof(p) / sizeof(p[0]), &l);
	if (l.fd >= 0)
		set(pr, PF_FACT_ISA_V4, PF_YES, "r0 = (s8)r0: accepted");
	else if (l.err == -EINVAL)
		set(pr, PF_FACT_ISA_V4, PF_NO, "r0 = (s8)r0: refused '%s'", refusal(&l));
	else
		set(pr, PF_FACT_ISA_V4, PF_UNKNOWN, "r0 = (s8)r0: %s", refusal(&l));
}

/*
 * Programs with subprograms need BTF for some checks (tail calls in
 * subprograms, callbacks, global functions): func_info with one FUNC
 * `int fN(void)` per subprogram, starting at @starts with @linkage
 * (BTF_FUNC_STATIC or BTF_FUNC_GLOBAL). The BTF object is returned for
 * btf__free() after the load; NULL with errno when it cannot be made.
 */
#define FUNCS_MAX 4

struct funcs {
	int cnt;
	__u32 start[FUNCS_MAX];
	int linkage[FUNCS_MAX];
	struct bpf_func_info info[FUNCS_MAX];
};

static struct btf *funcs_btf(struct funcs *fn, struct bpf_prog_load_opts *opts)
{
	struct btf *btf = btf__new_empty();
	int i, int_id, proto, id, err;
	char name[16];

	if (!btf)
		return NULL;
	int_id = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	proto = int_id > 0 ? btf__add_func_proto(btf, int_id) : int_id;
	err = proto > 0 ? 0 : proto;
	for (i = 0; !err && i < fn->cnt; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		id = btf__add_func(btf, name, fn->linkage[i], proto);
		if (id < 0) {
			err = id;
			break;
		}
		fn->info[i].insn_off = fn->start[i];
		fn->info[i].type_id = (__u32)id;
	}
	if (!err)
		err = btf__load_into_kernel(btf);
	if (err) {
		btf__free(btf);
		errno = -err;
		return NULL;
	}
	opts->prog_btf_fd = btf__fd(btf);
	opts->func_info = fn->info;
	opts->func_info_cnt = (__u32)fn->cnt;
	opts->func_info_rec_size = sizeof(struct bpf_func_info);
	return btf;
}

/* load() for a program with func_info: -errno when its BTF cannot be made. */
static int load_funcs(enum bpf_prog_type type, const struct bpf_insn *insns, size_t cnt,
		      struct funcs *fn, struct bpf_prog_load_opts *opts, struct load *l)
{
	LIBBPF_OPTS(bpf_prog_load_opts, none);
	struct btf *btf;

	if (!opts)
		opts = &none;
	btf = funcs_btf(fn, opts);
	if (!btf) {
		memset(l, 0, sizeof(*l));
		l->fd = -1;
		l->err = -errno;
		snprintf(l->msg, sizeof(l->msg), "cannot load its BTF (%s)", strerror(errno));
		return l->err;
	}
	load_keep(type, insns, cnt, opts, l);
	btf__free(btf);
	return 0;
}

/* A prog array of @n slots, or -errno. */
static int prog_array(unsigned int n)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_PROG_ARRAY, "pf_probe", 4, 4, n, NULL);

	return fd < 0 ? -errno : fd;
}

/*
 * Tail calls in a program with bpf-to-bpf calls (check_map_func_
 * compatibility(), bpf_jit_supports_subprog_tailcalls()), and the 256-byte
 * rule of check_max_stack_depth(): main with a frame of @main_off bytes
 * calls a subprogram that tail-calls.
 */
static void load_subprog_tailcall(int map, int16_t main_off, struct load *l)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_2, 0), STX_DW(BPF_REG_10, BPF_REG_2, main_off),
		CALL_SUB(2), MOV_IMM(BPF_REG_0, 0), EXIT(),
		LD_MAP(BPF_REG_2, map), MOV_IMM(BPF_REG_3, 0),
		CALL_HELPER(BPF_FUNC_tail_call), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	/* "tail_call is not allowed in subprogs without BTF" */
	struct funcs fn = { .cnt = 2, .start = { 0, 5 }, .linkage = { BTF_FUNC_STATIC, BTF_FUNC_STATIC } };

	load_funcs(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &fn, NULL, l);
	if (l->fd >= 0)
		close(l->fd);
}

static void probe_subprog_tailcall(struct pf_probe *pr)
{
	int map = prog_array(1);
	struct load l;

	if (map < 0) {
		set(pr, PF_FACT_SUBPROG_TAILCALL, PF_UNKNOWN, "prog array: %s", strerror(-map));
		set(pr, PF_FACT_MIXING_MSG_V615, PF_UNKNOWN, "prog array: %s", strerror(-map));
		return;
	}
	load_subprog_tailcall(map, -8, &l);
	if (l.fd >= 0) {
		set(pr, PF_FACT_SUBPROG_TAILCALL, PF_YES,
		    "tail call in a subprogram called by main: accepted");
		/* the refusal's text cannot be seen where mixing is allowed */
		set(pr, PF_FACT_MIXING_MSG_V615, PF_UNKNOWN,
		    "mixing tail calls and calls is accepted here, so its refusal cannot be read");
	} else if (strstr(l.msg, "tail_calls are not allowed in non-JITed programs")) {
		set(pr, PF_FACT_SUBPROG_TAILCALL, PF_NO, "tail call in a subprogram: refused '%s'", l.msg);
		set(pr, PF_FACT_MIXING_MSG_V615, PF_NO, "refused '%s'", l.msg);
	} else if (strstr(l.msg, "mixing of tail_calls and bpf-to-bpf calls")) {
		set(pr, PF_FACT_SUBPROG_TAILCALL, PF_NO, "tail call in a subprogram: refused '%s'", l.msg);
		set(pr, PF_FACT_MIXING_MSG_V615, PF_YES, "refused '%s'", l.msg);
	} else {
		set(pr, PF_FACT_SUBPROG_TAILCALL, PF_UNKNOWN,
		    "tail call in a subprogram: refused for another reason '%s'", refusal(&l));
		set(pr, PF_FACT_MIXING_MSG_V615, PF_UNKNOWN, "refused for another reason '%s'",
		    refusal(&l));
	}
	if (l.fd >= 0) {
		/* the 256-byte rule: 256 bytes of caller frames are too many */
		load_subprog_tailcall(map, -256, &l);
		if (l.fd < 0 && strstr(l.msg, "tail_calls are not allowed when call stack of previous frames is 256"))
			pr->limits.tailcall_frames = 256;
		snprintf(pr->limits.tailcall_how, sizeof(pr->limits.tailcall_how),
			 "main frame 256, then a tail-calling subprogram: %s",
			 l.fd >= 0 ? "accepted" : refusal(&l));
	}
	close(map);
}

/*
 * The frame limit: one frame of 512 bytes is accepted, 520 is not; two
 * frames of 256 are accepted, 256+264 are "combined stack size ... Too large".
 */
static void probe_stack_limit(struct pf_probe *pr)
{
	struct load one, two;

	load_two_frames(BPF_PROG_TYPE_SOCKET_FILTER, -256, -256, &two);
	load_two_frames(BPF_PROG_TYPE_SOCKET_FILTER, -256, -264, &one);
	if (two.fd >= 0 && one.fd < 0 && strstr(one.msg, "combined stack size of 2 calls"))
		pr->limits.stack = 512;
	snprintf(pr->limits.stack_how, sizeof(pr->limits.stack_how),
		 "frames 256+256: %s; 256+264: %s", two.fd >= 0 ? "accepted" : refusal(&two),
		 one.fd >= 0 ? "accepted" : refusal(&one));
}

/*
 * A bpf-to-bpf call that closes a loop (a subprogram calling itself):
 * check_cfg() before 10e14e9652bf calls it a back-edge; after, the walk
 * reaches do_check(), which refuses it for its depth.
 */
static void probe_cfg_call_loop(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		CALL_SUB(2), MOV_IMM(BPF_REG_0, 0), EXIT(),
		CALL_SUB(-1), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &l);
	if (l.fd >= 0)
		set(pr, PF_FACT_CFG_CALL_LOOP_OK, PF_UNKNOWN, "a self-calling subprogram: accepted");
	else if (strstr(l.msg, "back-edge from insn"))
		set(pr, PF_FACT_CFG_CALL_LOOP_OK, PF_NO, "a self-calling subprogram: refused '%s'", l.msg);
	else
		set(pr, PF_FACT_CFG_CALL_LOOP_OK, PF_YES,
		    "a self-calling subprogram: check_cfg() passed, refused later '%s'", refusal(&l));
}

/*
 * is_branch_taken() by known bits: r = (len & 15) * 4 + 3 has its low
 * bits 11, so "r == 62" is never true; the branch reads an unwritten
 * register. Pruned: accepted; explored: "R9 !read_ok".
 */
static void probe_jeq_bounds(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		LDX_W(BPF_REG_0, BPF_REG_1, 0), ALU_IMM(BPF_AND, BPF_REG_0, 15),
		ALU_IMM(BPF_MUL, BPF_REG_0, 4), ALU_IMM(BPF_ADD, BPF_REG_0, 3),
		JEQ_IMM(BPF_REG_0, 62, 2), MOV_IMM(BPF_REG_0, 0), EXIT(),
		MOV_REG(BPF_REG_0, BPF_REG_9), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &l);
	decide(pr, PF_FACT_JEQ_BOUNDS, &l, PF_YES, "R9 !read_ok",
	       "a branch on (len & 15) * 4 + 3 == 62 that reads an unwritten r9");
}

/* A privileged read of a stack slot no path wrote (6b4a64bafd10). */
static void probe_uninit_stack_read(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		LDX_DW(BPF_REG_0, BPF_REG_10, -8), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &l);
	decide(pr, PF_FACT_UNINIT_STACK_READ, &l, PF_YES, "invalid read from stack",
	       "read of unwritten r10-8");
}

/* A refusal whose text says the fact: @yes, or @no; anything else cannot tell. */
static void decide_text(struct pf_probe *pr, enum pf_fact f, const struct load *l,
			const char *yes, const char *no, const char *what)
{
	if (strstr(l->msg, yes))
		set(pr, f, PF_YES, "%s: '%s'", what, l->msg);
	else if (strstr(l->msg, no))
		set(pr, f, PF_NO, "%s: '%s'", what, l->msg);
	else
		set(pr, f, PF_UNKNOWN, "%s: %s", what, l->fd >= 0 ? "accepted" : refusal(l));
}

/*
 * The texts of stack refusals: a helper writing below the frame ("invalid
 * indirect access to stack" before 37cce22dbd51, "invalid write to
 * stack" after), a variable-offset store past r10 ("off=%d" since
 * 5bd90cdc65ef) and a misaligned store (a constant tnum in decimal).
 */
static void probe_stack_messages(struct pf_probe *pr)
{
	const struct bpf_insn helper[] = {
		MOV_IMM(BPF_REG_2, 0), MOV_REG(BPF_REG_3, BPF_REG_10),
		ALU_IMM(BPF_ADD, BPF_REG_3, -520), MOV_IMM(BPF_REG_4, 8),
		CALL_HELPER(BPF_FUNC_skb_load_bytes), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	const struct bpf_insn var_off[] = {
		LDX_W(BPF_REG_1, BPF_REG_1, 0), ALU_IMM(BPF_AND, BPF_REG_1, 8),
		MOV_REG(BPF_REG_2, BPF_REG_10), ADD_REG(BPF_REG_2, BPF_REG_1),
		ST_DW(BPF_REG_2, -8, 0), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	const struct bpf_insn misaligned[] = {
		ST_DW(BPF_REG_10, -6, 0), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, helper, NR(helper), &l);
	decide_text(pr, PF_FACT_HELPER_ACCESS_TYPED, &l, "invalid write to stack R3 off=-520 size=8",
		    "invalid indirect access to stack R3 off=-520 size=8", "skb_load_bytes to r10-520");
	load(BPF_PROG_TYPE_SOCKET_FILTER, var_off, NR(var_off), &l);
	decide_text(pr, PF_FACT_VAR_OFF_MSG_OFF, &l,
		    "invalid variable-offset write to stack R2 var_off=(0x0; 0x8) off=-8 size=8",
		    "invalid variable-offset write to stack R2 var_off=(0x0; 0x8) size=8",
		    "store at r10+(len&8)-8");
	load(BPF_PROG_TYPE_SOCKET_FILTER, misaligned, NR(misaligned), &l);
	decide_text(pr, PF_FACT_TNUM_CONST_DECIMAL, &l, "misaligned stack access off 0+0+-6 size 8",
		    "misaligned stack access off (0x0; 0x0)+0+-6 size 8", "8-byte store at r10-6");
}

/* may_goto: unknown before 6.9, then 8 bytes of stack, 16 when timed. */
static void probe_may_goto(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		MAY_GOTO(1), MOV_IMM(BPF_REG_0, 1), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &l);
	if (l.fd < 0 && strstr(l.msg, "unknown opcode e5")) {
		set(pr, PF_FACT_MAY_GOTO_STACK, PF_NO, "may_goto: refused '%s'", l.msg);
		set(pr, PF_FACT_MAY_GOTO_TIMED, PF_NO, "may_goto: refused '%s'", l.msg);
	} else if (l.fd < 0 || l.depth_cnt != 1) {
		set(pr, PF_FACT_MAY_GOTO_STACK, PF_UNKNOWN, "may_goto: %s",
		    l.fd < 0 ? refusal(&l) : "no stack depth line in the log");
		set(pr, PF_FACT_MAY_GOTO_TIMED, PF_UNKNOWN, "may_goto: %s",
		    l.fd < 0 ? refusal(&l) : "no stack depth line in the log");
	} else {
		set(pr, PF_FACT_MAY_GOTO_STACK, l.depth[0] >= 8 ? PF_YES : PF_NO,
		    "may_goto in a frame of 0 bytes: stack depth %ld", l.depth[0]);
		set(pr, PF_FACT_MAY_GOTO_TIMED, l.depth[0] == 16 ? PF_YES : l.depth[0] == 8 ? PF_NO :
		    PF_UNKNOWN, "may_goto in a frame of 0 bytes: stack depth %ld", l.depth[0]);
	}
}

/* A lookup in a 1-slot ARRAY with the constant key 0, used unchecked. */
static void probe_null_elide(struct pf_probe *pr)
{
	int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pf_probe", 4, 8, 1, NULL);
	struct load l;

	if (map < 0) {
		set(pr, PF_FACT_NULL_ELIDE_CONST_KEY, PF_UNKNOWN, "array map: %s", strerror(errno));
		return;
	}
	{
		const struct bpf_insn p[] = {
			ST_W(BPF_REG_10, -4, 0), MOV_REG(BPF_REG_2, BPF_REG_10),
			ALU_IMM(BPF_ADD, BPF_REG_2, -4), LD_MAP(BPF_REG_1, map),
			CALL_HELPER(BPF_FUNC_map_lookup_elem), LDX_DW(BPF_REG_0, BPF_REG_0, 0),
			MOV_IMM(BPF_REG_0, 0), EXIT(),
		};

		load(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &l);
	}
	close(map);
	decide(pr, PF_FACT_NULL_ELIDE_CONST_KEY, &l, PF_YES, "map_value_or_null",
	       "unchecked lookup of key 0");
}

/*
 * bpf_fastcall: r2 spilled to r10-8 around a call and filled after. Where
 * the pattern is known and the call inlined, the pair goes and the frame
 * is 0 bytes; else 8. The helper (bpf_get_smp_processor_id) needs the
 * JIT's inlining, and the proto with .allow_fastcall that tracing types
 * get; the kfunc bpf_cast_to_kern_ctx needs neither.
 */
static int fastcall_depth(struct bpf_insn call, enum bpf_prog_type type, struct load *l)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_2, 0), STX_DW(BPF_REG_10, BPF_REG_2, -8), call,
		LDX_DW(BPF_REG_2, BPF_REG_10, -8), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};

	load(type, p, NR(p), l);
	return l->fd >= 0 && l->depth_cnt == 1 ? (int)l->depth[0] : -1;
}

static void probe_fastcall(struct pf_probe *pr)
{
	struct load l;
	int d, id;

	/* kprobe: socket filters get the raw variant, which is no fastcall */
	d = fastcall_depth(CALL_HELPER(BPF_FUNC_get_smp_processor_id), BPF_PROG_TYPE_KPROBE, &l);
	if (d == 0)
		set(pr, PF_FACT_FASTCALL_HELPER, PF_YES,
		    "r2 spilled around bpf_get_smp_processor_id(): stack depth 0");
	else if (d == 8)
		set(pr, PF_FACT_FASTCALL_HELPER, PF_NO,
		    "r2 spilled around bpf_get_smp_processor_id(): stack depth 8");
	else
		set(pr, PF_FACT_FASTCALL_HELPER, PF_UNKNOWN, "r2 spilled around bpf_get_smp_processor_id(): %s",
		    l.fd < 0 ? refusal(&l) : "no stack depth line");
	if (d == 0) {
		set(pr, PF_FACT_FASTCALL, PF_YES, "the helper's spill/fill pair was dropped");
		return;
	}
	id = pr->vmlinux ? btf__find_by_name_kind(pr->vmlinux, "bpf_cast_to_kern_ctx", BTF_KIND_FUNC) : -1;
	if (id <= 0) {
		set(pr, PF_FACT_FASTCALL, PF_UNKNOWN, "the helper kept its pair and vmlinux BTF has no bpf_cast_to_kern_ctx");
		return;
	}
	/* r1 is the context: the kfunc's argument */
	d = fastcall_depth(CALL_KFUNC(id), BPF_PROG_TYPE_KPROBE, &l);
	if (d == 0 || d == 8)
		set(pr, PF_FACT_FASTCALL, d ? PF_NO : PF_YES,
		    "r2 spilled around bpf_cast_to_kern_ctx(): stack depth %d", d);
	else
		set(pr, PF_FACT_FASTCALL, PF_UNKNOWN, "r2 spilled around bpf_cast_to_kern_ctx(): %s",
		    l.fd < 0 ? refusal(&l) : "no stack depth line");
}

/*
 * prog array owners and expected_attach_type (4540aed51b12): two
 * cgroup/sock_addr programs of other attach types in one prog array.
 */
static void probe_prog_array_attach_type(struct pf_probe *pr)
{
	const struct bpf_insn p[] = { MOV_IMM(BPF_REG_0, 1), EXIT() };
	LIBBPF_OPTS(bpf_prog_load_opts, o4, .expected_attach_type = BPF_CGROUP_INET4_CONNECT);
	LIBBPF_OPTS(bpf_prog_load_opts, o6, .expected_attach_type = BPF_CGROUP_INET6_CONNECT);
	int map = prog_array(2), err;
	struct load a, b;
	__u32 k0 = 0, k1 = 1;

	if (map < 0) {
		set(pr, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_UNKNOWN, "prog array: %s", strerror(-map));
		return;
	}
	load_keep(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, p, NR(p), &o4, &a);
	load_keep(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, p, NR(p), &o6, &b);
	if (a.fd < 0 || b.fd < 0) {
		set(pr, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_UNKNOWN, "cgroup/connect4, connect6: %s",
		    refusal(a.fd < 0 ? &a : &b));
	} else if (bpf_map_update_elem(map, &k0, &a.fd, BPF_ANY)) {
		set(pr, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_UNKNOWN, "inserting cgroup/connect4: %s",
		    strerror(errno));
	} else {
		err = bpf_map_update_elem(map, &k1, &b.fd, BPF_ANY) ? -errno : 0;
		if (!err)
			set(pr, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_NO,
			    "cgroup/connect6 inserted beside cgroup/connect4: accepted");
		else if (err == -EINVAL)
			set(pr, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_YES,
			    "cgroup/connect6 inserted beside cgroup/connect4: EINVAL");
		else
			set(pr, PF_FACT_PROG_ARRAY_ATTACH_TYPE, PF_UNKNOWN,
			    "cgroup/connect6 inserted beside cgroup/connect4: %s", strerror(-err));
	}
	if (a.fd >= 0)
		close(a.fd);
	if (b.fd >= 0)
		close(b.fd);
	close(map);
}

/* Exceptions (bpf_throw, 6.7) exist where vmlinux BTF has the kfunc. */
static void probe_exception_cb(struct pf_probe *pr)
{
	if (!pr->vmlinux) {
		set(pr, PF_FACT_EXCEPTION_CB, PF_UNKNOWN, "no vmlinux BTF");
		return;
	}
	if (btf__find_by_name_kind(pr->vmlinux, "bpf_throw", BTF_KIND_FUNC) > 0)
		set(pr, PF_FACT_EXCEPTION_CB, PF_YES, "vmlinux BTF has the kfunc bpf_throw");
	else
		set(pr, PF_FACT_EXCEPTION_CB, PF_NO, "vmlinux BTF has no kfunc bpf_throw");
}

/*
 * bpf_loop() with a known callback and no flags is inlined
 * (optimize_bpf_loop(), 5.19): the caller's frame grows by 24 bytes.
 */
static void probe_bpf_loop_inline(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_1, 1),
		/* r2 = the callback at insn 8: ld_imm64 with BPF_PSEUDO_FUNC */
		ins(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_FUNC, 0, 6), ins(0, 0, 0, 0, 0),
		MOV_IMM(BPF_REG_3, 0), MOV_IMM(BPF_REG_4, 0), CALL_HELPER(BPF_FUNC_loop),
		MOV_IMM(BPF_REG_0, 0), EXIT(),
		MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	struct funcs fn = { .cnt = 2, .start = { 0, 8 }, .linkage = { BTF_FUNC_STATIC, BTF_FUNC_STATIC } };
	struct load l;

	load_funcs(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &fn, NULL, &l);
	if (l.fd >= 0)
		close(l.fd);
	if (l.fd < 0 || l.depth_cnt < 1)
		set(pr, PF_FACT_BPF_LOOP_INLINE, PF_UNKNOWN, "bpf_loop(1, cb, 0, 0): %s",
		    l.fd < 0 ? refusal(&l) : "no stack depth line in the log");
	else
		set(pr, PF_FACT_BPF_LOOP_INLINE, l.depth[0] == 24 ? PF_YES : l.depth[0] == 0 ? PF_NO :
		    PF_UNKNOWN, "bpf_loop(1, cb, 0, 0) in a frame of 0 bytes: stack depth %ld",
		    l.depth[0]);
}

/*
 * Global functions verified lazily (6.8): a global function whose one
 * call is on a branch never taken reads an unwritten register. Lazy:
 * never verified, accepted; eager: "R9 !read_ok".
 */
static void probe_global_lazy(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_1, 0), JEQ_IMM(BPF_REG_1, 0, 2), CALL_SUB(3), MOV_IMM(BPF_REG_0, 0),
		MOV_IMM(BPF_REG_0, 0), EXIT(),
		MOV_REG(BPF_REG_0, BPF_REG_9), EXIT(),
	};
	struct funcs fn = { .cnt = 2, .start = { 0, 6 }, .linkage = { BTF_FUNC_STATIC, BTF_FUNC_GLOBAL } };
	struct load l;

	load_funcs(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &fn, NULL, &l);
	if (l.fd >= 0)
		close(l.fd);
	decide(pr, PF_FACT_GLOBAL_LAZY, &l, PF_YES, "R9 !read_ok",
	       "a global function called only on a dead branch");
}

/*
 * Private stacks for tracing programs (fentry with recursion checks).
 * Needs a target in vmlinux BTF and the right to load fentry programs.
 */
static void probe_priv_stack_tracing(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_1, 0), STX_DW(BPF_REG_10, BPF_REG_1, -304),
		CALL_SUB(2), MOV_IMM(BPF_REG_0, 0), EXIT(),
		MOV_IMM(BPF_REG_1, 0), STX_DW(BPF_REG_10, BPF_REG_1, -304),
		MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	struct funcs fn = { .cnt = 2, .start = { 0, 5 }, .linkage = { BTF_FUNC_STATIC, BTF_FUNC_STATIC } };
	struct load l;
	int id;

	if (!pr->jit) {
		set(pr, PF_FACT_PRIV_STACK_TRACING, PF_NO, "JIT off: the interpreter has no private stacks");
		return;
	}
	id = pr->vmlinux ? btf__find_by_name_kind(pr->vmlinux, "bpf_fentry_test1", BTF_KIND_FUNC) : -1;
	if (id <= 0) {
		set(pr, PF_FACT_PRIV_STACK_TRACING, PF_UNKNOWN, "no bpf_fentry_test1 in vmlinux BTF");
		return;
	}
	opts.attach_btf_id = (__u32)id;
	load_funcs(BPF_PROG_TYPE_TRACING, p, NR(p), &fn, &opts, &l);
	if (l.fd >= 0)
		close(l.fd);
	decide(pr, PF_FACT_PRIV_STACK_TRACING, &l, PF_YES, "combined stack size",
	       "fentry/bpf_fentry_test1 frames 304+304");
}

/*
 * Extensions (freplace): a tc program whose main calls the global
 * `int f1(void)`, replaced by an EXT program. Inserting the EXT program
 * into a prog array is refused since d6083f040d5d (EINVAL); an EXT program
 * that may change packet data (a bpf_skb_pull_data() call, even on a dead
 * branch: check_cfg() marks it) replacing one that does not is refused at
 * load since "bpf: check changes_pkt_data property for extension programs".
 */
/*
 * The target of the freplace experiments: a tc program whose main calls
 * the global `int f1(void)` (its BTF's type 4: int, the proto, f0, f1),
 * which may change packet data when @pkt (a bpf_skb_pull_data() call on
 * a dead branch, which check_cfg() still marks).
 */
#define EXT_TARGET_BTF_ID	4

static void load_ext_target(bool pkt, struct load *t)
{
	const struct bpf_insn plain[] = {
		CALL_SUB(1), EXIT(),
		MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	const struct bpf_insn changes[] = {
		CALL_SUB(1), EXIT(),
		MOV_IMM(BPF_REG_0, 0), JEQ_IMM(BPF_REG_0, 0, 1),
		CALL_HELPER(BPF_FUNC_skb_pull_data), EXIT(),
	};
	struct funcs tf = { .cnt = 2, .start = { 0, 2 }, .linkage = { BTF_FUNC_STATIC, BTF_FUNC_GLOBAL } };

	if (pkt)
		load_funcs(BPF_PROG_TYPE_SCHED_CLS, changes, NR(changes), &tf, NULL, t);
	else
		load_funcs(BPF_PROG_TYPE_SCHED_CLS, plain, NR(plain), &tf, NULL, t);
}

/* An freplace program @insns of the function @btf_id in @target. */
static void load_ext(int target, __u32 btf_id, const struct bpf_insn *insns, size_t cnt,
		     struct load *e)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .attach_prog_fd = (__u32)target,
		    .attach_btf_id = btf_id);
	struct funcs ef = { .cnt = 1, .start = { 0 }, .linkage = { BTF_FUNC_GLOBAL } };

	load_funcs(BPF_PROG_TYPE_EXT, insns, cnt, &ef, &opts, e);
}

static void probe_ext(struct pf_probe *pr)
{
	const struct bpf_insn ext[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	const struct bpf_insn ext_pkt[] = {
		MOV_IMM(BPF_REG_0, 0), JEQ_IMM(BPF_REG_0, 0, 1),
		CALL_HELPER(BPF_FUNC_skb_pull_data), EXIT(),
	};
	struct load t, e;
	__u32 key = 0;
	int map, err;

	load_ext_target(false, &t);
	if (t.fd < 0) {
		set(pr, PF_FACT_EXT_PROG_ARRAY_BAN, PF_UNKNOWN, "the tc target: %s", refusal(&t));
		set(pr, PF_FACT_EXT_PKT_DATA, PF_UNKNOWN, "the tc target: %s", refusal(&t));
		return;
	}
	load_ext(t.fd, EXT_TARGET_BTF_ID, ext, NR(ext), &e);
	map = prog_array(1);
	if (e.fd < 0) {
		set(pr, PF_FACT_EXT_PROG_ARRAY_BAN, PF_UNKNOWN, "freplace of a tc function: %s", refusal(&e));
	} else if (map < 0) {
		set(pr, PF_FACT_EXT_PROG_ARRAY_BAN, PF_UNKNOWN, "prog array: %s", strerror(-map));
	} else {
		err = bpf_map_update_elem(map, &key, &e.fd, BPF_ANY) ? -errno : 0;
		set(pr, PF_FACT_EXT_PROG_ARRAY_BAN, !err ? PF_NO : err == -EINVAL ? PF_YES : PF_UNKNOWN,
		    "an freplace program inserted into an empty prog array: %s",
		    err ? strerror(-err) : "accepted");
	}
	if (map >= 0)
		close(map);
	if (e.fd >= 0)
		close(e.fd);
	load_ext(t.fd, EXT_TARGET_BTF_ID, ext_pkt, NR(ext_pkt), &e);
	if (e.fd >= 0)
		close(e.fd);
	decide(pr, PF_FACT_EXT_PKT_DATA, &e, PF_NO, "changes packet data",
	       "freplace calling bpf_skb_pull_data() of a function that does not");
	close(t.fd);
}

/*
 * A zero-sized helper range that starts in the frame and may end past 0
 * (r1 in fp-16 .. fp+47, size 0): refused since a833a17aeac7, which ends
 * it at smax + off; before, it ended at its start.
 */
static void probe_zero_size_end(struct pf_probe *pr)
{
	const struct bpf_insn p[] = {
		MOV_IMM(BPF_REG_0, 0), STX_DW(BPF_REG_10, BPF_REG_0, -16),
		STX_DW(BPF_REG_10, BPF_REG_0, -8), LDX_W(BPF_REG_1, BPF_REG_1, 0),
		ALU_IMM(BPF_AND, BPF_REG_1, 63), ALU_IMM(BPF_ADD, BPF_REG_1, -16),
		ADD_REG(BPF_REG_1, BPF_REG_10), MOV_IMM(BPF_REG_2, 0), MOV_IMM(BPF_REG_3, 0),
		CALL_HELPER(BPF_FUNC_probe_read_kernel), MOV_IMM(BPF_REG_0, 0), EXIT(),
	};
	struct load l;

	load(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &l);
	decide(pr, PF_FACT_ZERO_SIZE_END, &l, PF_NO, "invalid variable-offset",
	       "probe_read_kernel(fp-16 .. fp+47, 0)");
}

/* The kfuncs vmlinux BTF tags "bpf_kfunc" (kernels since the tag). */
static void probe_kfuncs(struct pf_probe *pr)
{
	struct pf_probe_features *ft = &pr->features;
	const struct btf *btf = pr->vmlinux;
	__u32 i, n;

	ft->kfunc_cnt = -1;
	if (!btf)
		return;
	n = btf__type_cnt(btf);
	for (i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i), *f;
		char **grown;

		if (!btf_is_decl_tag(t) || btf_decl_tag(t)->component_idx != -1 ||
		    strcmp(btf__name_by_offset(btf, t->name_off), "bpf_kfunc"))
			continue;
		f = btf__type_by_id(btf, t->type);
		if (!f || !btf_is_func(f))
			continue;
		if (ft->kfunc_cnt < 0)
			ft->kfunc_cnt = 0;
		grown = realloc(ft->kfuncs, (size_t)(ft->kfunc_cnt + 1) * sizeof(*grown));
		if (!grown)
			return;
		ft->kfuncs = grown;
		ft->kfuncs[ft->kfunc_cnt] = strdup(btf__name_by_offset(btf, f->name_off));
		if (ft->kfuncs[ft->kfunc_cnt])
			ft->kfunc_cnt++;
	}
}

/*
 * May a program of @type call helper @id? The verifier's texts for "no":
 * "invalid func" (no such helper), "unknown func" (6.1: not for this
 * type), "program of this type cannot use helper" (later). Any other
 * outcome got past the helper's lookup: yes. libbpf 1.1's
 * libbpf_probe_bpf_helper() knows only the first two, so it is not used.
 * -1 when the program type cannot be loaded this way at all.
 */
static int helper_ok(enum bpf_prog_type type, enum bpf_attach_type attach, int id)
{
	const struct bpf_insn p[] = { CALL_HELPER(id), MOV_IMM(BPF_REG_0, 0), EXIT() };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach);
	struct load l;

	load_keep(type, p, NR(p), &opts, &l);
	if (l.fd >= 0) {
		close(l.fd);
		return 1;
	}
	if (!log_buf[0])
		return -1;	/* refused before the verifier ran */
	return strstr(log_buf, "invalid func ") || strstr(log_buf, "unknown func ") ||
	       strstr(log_buf, "cannot use helper") ? 0 : 1;
}

/* The attach type a bare load of @type needs (as libbpf's probes set it). */
static enum bpf_attach_type probe_attach_type(enum bpf_prog_type type)
{
	switch (type) {
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		return BPF_CGROUP_INET4_CONNECT;
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		return BPF_CGROUP_GETSOCKOPT;
	case BPF_PROG_TYPE_SK_LOOKUP:
		return BPF_SK_LOOKUP;
	default:
		return 0;
	}
}

/* Does `r0 = 0; exit` load as @type? Else its helpers cannot be probed. */
static bool bare_loads(enum bpf_prog_type type, enum bpf_attach_type attach)
{
	const struct bpf_insn p[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = attach);
	struct load l;

	load_keep(type, p, NR(p), &opts, &l);
	if (l.fd < 0)
		return false;
	close(l.fd);
	return true;
}

/*
 * Program and map types, and the helpers of each program type, as
 * `bpftool feature probe` reports them: libbpf's probes for the types (a
 * minimal load or map create each), helper_ok() for the helpers. Types
 * that need an attach target (tracing, ext, lsm, struct_ops) stay unknown.
 */
static void probe_features(struct pf_probe *pr)
{
	struct pf_probe_features *ft = &pr->features;
	int t, h, r, max_helper = pf_helper__max_id();

	for (t = 1; t < PF_PROBE_TYPES && libbpf_bpf_prog_type_str(t); t++) {
		r = libbpf_probe_bpf_prog_type(t, NULL);
		ft->prog_type_known[t] = r >= 0;
		ft->prog_type[t] = r > 0;
		if (r <= 0 || !bare_loads(t, probe_attach_type(t)))
			continue;
		for (h = 1; h <= max_helper && h < PF_PROBE_HELPERS; h++) {
			r = helper_ok(t, probe_attach_type(t), h);
			if (r < 0)
				break;
			ft->helpers_known[t] = true;
			if (r > 0)
				ft->helpers[t][h / 64] |= 1ull << (h % 64);
		}
	}
	for (t = 1; t < PF_PROBE_TYPES && libbpf_bpf_map_type_str(t); t++) {
		r = libbpf_probe_bpf_map_type(t, NULL);
		ft->map_type_known[t] = r >= 0;
		ft->map_type[t] = r > 0;
	}
	probe_kfuncs(pr);
}

void pf_probe__free(struct pf_probe *pr)
{
	int i;

	for (i = 0; i < pr->features.kfunc_cnt; i++)
		free(pr->features.kfuncs[i]);
	free(pr->features.kfuncs);
	pr->features.kfuncs = NULL;
	pr->features.kfunc_cnt = -1;
}

/*
 * The tail-call hierarchy (116e04ba1459 and its arm64 twin): an entry
 * that counts its runs and calls a tail-calling subprogram twice, inserted
 * into its own prog array, run once with BPF_PROG_TEST_RUN. With the
 * fix the counter is shared through subprograms: 33 tail calls, 34 runs;
 * without, every subprogram call restarts it and the runs reach the cap
 * of 1000 (measured: tests/lib/freplace-records.md, hier_entry).
 */
static void probe_tailcall_hier(struct pf_probe *pr)
{
	int jt = prog_array(1), cnt = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pf_probe", 4, 8, 1, NULL);
	__u32 key = 0;
	__u64 runs = 0;
	unsigned char pkt[64] = { 0 };
	struct load l = { .fd = -1 };
	int err;

	if (jt < 0 || cnt < 0) {
		set(pr, PF_FACT_TAILCALL_HIER_FIX, PF_UNKNOWN, "maps: %s", strerror(jt < 0 ? -jt : errno));
		goto out;
	}
	{
		const struct bpf_insn p[] = {
			MOV_REG(BPF_REG_6, BPF_REG_1), ST_W(BPF_REG_10, -4, 0),
			MOV_REG(BPF_REG_2, BPF_REG_10), ALU_IMM(BPF_ADD, BPF_REG_2, -4),
			LD_MAP(BPF_REG_1, cnt), CALL_HELPER(BPF_FUNC_map_lookup_elem),
			JEQ_IMM(BPF_REG_0, 0, 8), LDX_DW(BPF_REG_1, BPF_REG_0, 0),
			ALU_IMM(BPF_ADD, BPF_REG_1, 1), STX_DW(BPF_REG_0, BPF_REG_1, 0),
			ins(BPF_JMP | BPF_JGT | BPF_K, BPF_REG_1, 0, 4, 1000),
			MOV_REG(BPF_REG_1, BPF_REG_6), CALL_SUB(4),
			MOV_REG(BPF_REG_1, BPF_REG_6), CALL_SUB(2),
			MOV_IMM(BPF_REG_0, 0), EXIT(),
			LD_MAP(BPF_REG_2, jt), MOV_IMM(BPF_REG_3, 0),
			CALL_HELPER(BPF_FUNC_tail_call), MOV_IMM(BPF_REG_0, 0), EXIT(),
		};
		struct funcs fn = { .cnt = 2, .start = { 0, 18 },
				    .linkage = { BTF_FUNC_STATIC, BTF_FUNC_STATIC } };

		load_funcs(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &fn, NULL, &l);
	}
	if (l.fd < 0) {
		set(pr, PF_FACT_TAILCALL_HIER_FIX, PF_UNKNOWN, "the entry: %s", refusal(&l));
		goto out;
	}
	err = bpf_map_update_elem(jt, &key, &l.fd, BPF_ANY) ? -errno : 0;
	if (!err) {
		LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = pkt, .data_size_in = sizeof(pkt));

		err = bpf_prog_test_run_opts(l.fd, &run) ? -errno : 0;
		if (!err)
			err = bpf_map_lookup_elem(cnt, &key, &runs) ? -errno : 0;
		/* the entry holds the array, the array holds the entry: break it */
		bpf_map_delete_elem(jt, &key);
	}
	if (err)
		set(pr, PF_FACT_TAILCALL_HIER_FIX, PF_UNKNOWN, "the entry's test run: %s", strerror(-err));
	else
		set(pr, PF_FACT_TAILCALL_HIER_FIX, runs == 34 ? PF_YES : runs > 34 ? PF_NO : PF_UNKNOWN,
		    "an entry calling a tail-calling subprogram twice: %llu runs in one test run",
		    (unsigned long long)runs);
out:
	if (l.fd >= 0)
		close(l.fd);
	if (jt >= 0)
		close(jt);
	if (cnt >= 0)
		close(cnt);
}

/*
 * A program arming a bpf_timer: an ARRAY map whose value is "struct
 * bpf_timer" (16 bytes, as the verifier finds it by name in the map's
 * BTF) and @nfunc static functions f0.. in the same BTF for func_info.
 */
struct timer_prog {
	struct btf *btf;
	int map;
	struct bpf_func_info info[FUNCS_MAX];
};

static int timer_prog__open(struct timer_prog *tp, int nfunc, const __u32 *starts)
{
	int int_id, u64_id, arr, timer, val, proto, id = 0, err, i;
	char name[16];

	tp->map = -1;
	tp->btf = btf__new_empty();
	if (!tp->btf)
		return -errno;
	int_id = btf__add_int(tp->btf, "int", 4, BTF_INT_SIGNED);
	u64_id = btf__add_int(tp->btf, "unsigned long long", 8, 0);
	arr = btf__add_array(tp->btf, int_id, u64_id, 2);
	timer = btf__add_struct(tp->btf, "bpf_timer", 16);
	err = timer < 0 ? timer : btf__add_field(tp->btf, "__opaque", arr, 0, 0);
	val = err ? err : btf__add_struct(tp->btf, "val", 16);
	err = val < 0 ? val : btf__add_field(tp->btf, "t", timer, 0, 0);
	proto = err ? err : btf__add_func_proto(tp->btf, int_id);
	for (i = 0; proto > 0 && id >= 0 && i < nfunc && i < FUNCS_MAX; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		id = btf__add_func(tp->btf, name, BTF_FUNC_STATIC, proto);
		tp->info[i].insn_off = starts[i];
		tp->info[i].type_id = (__u32)id;
	}
	err = proto < 0 ? proto : id < 0 ? id : btf__load_into_kernel(tp->btf);
	if (!err) {
		LIBBPF_OPTS(bpf_map_create_opts, mo, .btf_fd = (__u32)btf__fd(tp->btf),
			    .btf_key_type_id = (__u32)int_id, .btf_value_type_id = (__u32)val);

		tp->map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pf_probe", 4, 16, 1, &mo);
		err = tp->map < 0 ? -errno : 0;
	}
	return err;
}

static void timer_prog__load(struct timer_prog *tp, const struct bpf_insn *insns, size_t cnt,
			     int nfunc, struct load *l)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .prog_btf_fd = (__u32)btf__fd(tp->btf),
		    .func_info = tp->info, .func_info_cnt = (__u32)nfunc,
		    .func_info_rec_size = sizeof(struct bpf_func_info));

	load_keep(BPF_PROG_TYPE_SOCKET_FILTER, insns, cnt, &opts, l);
	if (l->fd >= 0)
		close(l->fd);
}

static void timer_prog__close(struct timer_prog *tp)
{
	if (tp->map >= 0)
		close(tp->map);
	btf__free(tp->btf);
}

/*
 * Main, with a frame of @main_off bytes, arms a timer whose callback (at
 * @cb) follows: 22 instructions, with
 * a call to the subprogram at @sub first when @call_sub.
 */
#define TIMER_MAIN(map, main_off, call_sub, sub, cb)					\
	MOV_IMM(BPF_REG_1, 0), STX_DW(BPF_REG_10, BPF_REG_1, main_off),			\
	call_sub ? CALL_SUB((sub) - 3) : MOV_IMM(BPF_REG_0, 0),				\
	ST_W(BPF_REG_10, -4, 0), MOV_REG(BPF_REG_2, BPF_REG_10),			\
	ALU_IMM(BPF_ADD, BPF_REG_2, -4), LD_MAP(BPF_REG_1, map),			\
	CALL_HELPER(BPF_FUNC_map_lookup_elem), JEQ_IMM(BPF_REG_0, 0, 10),		\
	MOV_REG(BPF_REG_6, BPF_REG_0), MOV_REG(BPF_REG_1, BPF_REG_6),			\
	LD_MAP(BPF_REG_2, map), MOV_IMM(BPF_REG_3, 1),					\
	CALL_HELPER(BPF_FUNC_timer_init), MOV_REG(BPF_REG_1, BPF_REG_6),		\
	ins(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_2, BPF_PSEUDO_FUNC, 0, (cb) - 18),	\
	ins(0, 0, 0, 0, 0),								\
	CALL_HELPER(BPF_FUNC_timer_set_callback), MOV_IMM(BPF_REG_0, 0), EXIT()
#define FRAME(off)	MOV_IMM(BPF_REG_1, 0), STX_DW(BPF_REG_10, BPF_REG_1, off)

/*
 * Async callbacks as roots of their own (5415ccd50a86): main with a frame
 * of 320 bytes arms a timer whose callback has 320 more. Own roots:
 * accepted; walked as main's callee: "combined stack size of 2 calls".
 */
static void probe_async_cb_root(struct pf_probe *pr)
{
	const __u32 starts[] = { 0, 22 };
	struct timer_prog tp;
	struct load l;
	int err = timer_prog__open(&tp, 2, starts);

	if (err) {
		set(pr, PF_FACT_ASYNC_CB_ROOT, PF_UNKNOWN, "a map with a bpf_timer: %s", strerror(-err));
	} else {
		const struct bpf_insn p[] = {
			TIMER_MAIN(tp.map, -320, false, 0, 22),
			FRAME(-320), MOV_IMM(BPF_REG_0, 0), EXIT(),
		};

		timer_prog__load(&tp, p, NR(p), 2, &l);
		decide(pr, PF_FACT_ASYNC_CB_ROOT, &l, PF_YES, "combined stack size",
		       "frame 320 arming a timer whose callback has 320");
	}
	timer_prog__close(&tp);
}

/*
 * The order of roots in check_max_stack_depth() ("bpf: Find eligible
 * subprogs for private stack support" walks them from the last): two
 * roots too deep, main (320, calling 336) and the timer callback (320,
 * calling 320). The first refusal names the first root walked: 640 is
 * the callback's chain, anything else main's (656, or 672 rounded to 32).
 */
static void probe_roots_reverse(struct pf_probe *pr)
{
	const __u32 starts[] = { 0, 22, 26, 31 };
	struct timer_prog tp;
	struct load l;
	int err = timer_prog__open(&tp, 4, starts);

	if (err || !pr->facts[PF_FACT_ASYNC_CB_ROOT].measured ||
	    pr->facts[PF_FACT_ASYNC_CB_ROOT].value != PF_YES) {
		set(pr, PF_FACT_ROOTS_REVERSE, PF_UNKNOWN, "%s", err ? strerror(-err) :
		    "callbacks are not roots of their own here, so there is no second root");
	} else {
		const struct bpf_insn p[] = {
			TIMER_MAIN(tp.map, -320, true, 22, 26),
			FRAME(-336), MOV_IMM(BPF_REG_0, 0), EXIT(),		/* 22: a */
			FRAME(-320), CALL_SUB(2), MOV_IMM(BPF_REG_0, 0), EXIT(), /* 26: cb */
			FRAME(-320), MOV_IMM(BPF_REG_0, 0), EXIT(),		/* 31: b */
		};

		timer_prog__load(&tp, p, NR(p), 4, &l);
		if (l.fd < 0 && strstr(l.msg, "combined stack size of 2 calls is 640"))
			set(pr, PF_FACT_ROOTS_REVERSE, PF_YES, "main 320+336, timer callback 320+320: '%s'",
			    l.msg);
		else if (l.fd < 0 && strstr(l.msg, "combined stack size of 2 calls is"))
			set(pr, PF_FACT_ROOTS_REVERSE, PF_NO, "main 320+336, timer callback 320+320: '%s'",
			    l.msg);
		else
			set(pr, PF_FACT_ROOTS_REVERSE, PF_UNKNOWN, "main 320+336, timer callback 320+320: %s",
			    l.fd >= 0 ? "accepted" : refusal(&l));
	}
	timer_prog__close(&tp);
}

/*
 * Prog arrays take an freplace program as its target's type (1c123c567fb1,
 * resolve_prog_type()): a tc program owns the array, then an freplace of
 * a tc function that names the array (a tail call on a dead branch; the
 * map is used all the same) loads; without, bpf_check_tail_call() finds
 * EXT unlike tc after the verifier passed, and the load fails with
 * EINVAL (seen on 6.12.118 with an xdp owner). The target may change
 * packet data, so the tail call is no reason to refuse (ext_pkt_data).
 */
static void probe_prog_array_resolve_ext(struct pf_probe *pr)
{
	const struct bpf_insn member[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	int jt = prog_array(1);
	struct load t, m = { .fd = -1 }, e = { .fd = -1 };
	__u32 key = 0;

	if (jt < 0) {
		set(pr, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_UNKNOWN, "prog array: %s", strerror(-jt));
		return;
	}
	load_ext_target(true, &t);
	if (t.fd < 0) {
		set(pr, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_UNKNOWN, "the tc target: %s", refusal(&t));
		goto out;
	}
	load_keep(BPF_PROG_TYPE_SCHED_CLS, member, NR(member), NULL, &m);
	if (m.fd < 0 || bpf_map_update_elem(jt, &key, &m.fd, BPF_ANY)) {
		set(pr, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_UNKNOWN, "a tc member: %s",
		    m.fd < 0 ? refusal(&m) : strerror(errno));
		goto out;
	}
	{
		const struct bpf_insn ext[] = {
			MOV_IMM(BPF_REG_0, 0), JEQ_IMM(BPF_REG_0, 0, 4),
			LD_MAP(BPF_REG_2, jt), MOV_IMM(BPF_REG_3, 0),
			CALL_HELPER(BPF_FUNC_tail_call), EXIT(),
		};

		load_ext(t.fd, EXT_TARGET_BTF_ID, ext, NR(ext), &e);
	}
	if (e.fd >= 0)
		set(pr, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_YES,
		    "an freplace of a tc function using a tc-owned prog array: accepted");
	else if (e.err == -EINVAL && strstr(log_buf, "processed "))
		set(pr, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_NO,
		    "an freplace of a tc function using a tc-owned prog array: verified, then EINVAL");
	else
		set(pr, PF_FACT_PROG_ARRAY_RESOLVE_EXT, PF_UNKNOWN,
		    "an freplace of a tc function using a tc-owned prog array: %s", refusal(&e));
	bpf_map_delete_elem(jt, &key);
out:
	if (e.fd >= 0)
		close(e.fd);
	if (m.fd >= 0)
		close(m.fd);
	if (t.fd >= 0)
		close(t.fd);
	close(jt);
}

/*
 * A tracing program's main as BTF: an freplace of an fentry program whose
 * main is `int f0(void)`. Reliable (6.1): it loads; unreliable (6.12):
 * "Cannot replace static functions" (tests/lib/freplace-records.md).
 */
static void probe_tracing_main(struct pf_probe *pr)
{
	const struct bpf_insn p[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	struct funcs fn = { .cnt = 1, .start = { 0 }, .linkage = { BTF_FUNC_GLOBAL } };
	struct load t, e = { .fd = -1 };
	int id = pr->vmlinux ? btf__find_by_name_kind(pr->vmlinux, "bpf_fentry_test1", BTF_KIND_FUNC) : -1;

	if (id <= 0) {
		set(pr, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_UNKNOWN, "no bpf_fentry_test1 in vmlinux BTF");
		return;
	}
	opts.attach_btf_id = (__u32)id;
	load_funcs(BPF_PROG_TYPE_TRACING, p, NR(p), &fn, &opts, &t);
	if (t.fd < 0) {
		set(pr, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_UNKNOWN, "fentry/bpf_fentry_test1: %s",
		    refusal(&t));
		return;
	}
	/* f0 is the target BTF's type 3: int, the proto, f0 */
	load_ext(t.fd, 3, p, NR(p), &e);
	/*
	 * bpf_check_attach_target() refuses an unreliable target before it
	 * refuses extending fentry/fexit at all: the latter means reliable.
	 */
	if (e.fd >= 0 || strstr(e.msg, "Cannot extend fentry/fexit"))
		set(pr, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_NO,
		    "freplace of an fentry main 'int f0(void)': %s", e.fd >= 0 ? "accepted" :
		    "past the static-function check, refused 'Cannot extend fentry/fexit'");
	else if (strstr(e.msg, "Cannot replace static functions"))
		set(pr, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_YES,
		    "freplace of an fentry main 'int f0(void)': refused '%s'", e.msg);
	else
		set(pr, PF_FACT_TRACING_MAIN_UNRELIABLE, PF_UNKNOWN,
		    "freplace of an fentry main 'int f0(void)': %s", refusal(&e));
	if (e.fd >= 0)
		close(e.fd);
	close(t.fd);
}

/*
 * Constant .rodata: a frozen BPF_F_RDONLY_PROG array (what libbpf makes
 * of .rodata) holding 0, read through its direct value address; a branch
 * on the value reads an unwritten register when it is not 0. Read as a
 * constant, the branch is dead: accepted; else "R9 !read_ok". Every
 * kernel the tool models does this (the engine's .rodata knobs rely on
 * it), so it is kept with the limits, not as a fact.
 */
static void probe_rodata_const(struct pf_probe *pr)
{
	LIBBPF_OPTS(bpf_map_create_opts, mo, .map_flags = BPF_F_RDONLY_PROG);
	int map = bpf_map_create(BPF_MAP_TYPE_ARRAY, "pf_probe", 4, 8, 1, &mo);
	__u32 key = 0;
	__u64 zero = 0;
	struct load l;

	pr->limits.rodata_const = PF_UNKNOWN;
	if (map < 0 || bpf_map_update_elem(map, &key, &zero, BPF_ANY) || bpf_map_freeze(map)) {
		snprintf(pr->limits.rodata_how, sizeof(pr->limits.rodata_how),
			 "a frozen read-only array: %s", strerror(errno));
		if (map >= 0)
			close(map);
		return;
	}
	{
		const struct bpf_insn p[] = {
			ins(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, BPF_PSEUDO_MAP_VALUE, 0, map),
			ins(0, 0, 0, 0, 0), LDX_DW(BPF_REG_0, BPF_REG_1, 0),
			JEQ_IMM(BPF_REG_0, 0, 2), MOV_REG(BPF_REG_0, BPF_REG_9), EXIT(),
			MOV_IMM(BPF_REG_0, 0), EXIT(),
		};

		load(BPF_PROG_TYPE_SOCKET_FILTER, p, NR(p), &l);
	}
	close(map);
	if (l.fd >= 0)
		pr->limits.rodata_const = PF_YES;
	else if (strstr(l.msg, "R9 !read_ok"))
		pr->limits.rodata_const = PF_NO;
	snprintf(pr->limits.rodata_how, sizeof(pr->limits.rodata_how),
		 "a branch on 0 read from a frozen read-only array, reading an unwritten r9 "
		 "when not 0: %s", l.fd >= 0 ? "accepted" : refusal(&l));
}

static int read_jit(bool *jit)
{
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
	int v = 0;

	if (!f)
		return -errno;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	if (v < 0)
		return -EIO;
	*jit = v != 0;
	return 0;
}

int pf_probe__run(struct pf_probe *pr, char *err, size_t errlen)
{
	const struct bpf_insn trivial[] = { MOV_IMM(BPF_REG_0, 0), EXIT() };
	enum pf_arch arch;
	struct utsname u;
	char upstream[65];
	struct load l;
	int i, ret = 0;

	memset(pr, 0, sizeof(*pr));
	if (uname(&u)) {
		snprintf(err, errlen, "uname: %s", strerror(errno));
		return -errno;
	}
	snprintf(pr->release, sizeof(pr->release), "%s", u.release);
	snprintf(pr->uname_v, sizeof(pr->uname_v), "%s", u.version);
	if (pf_arch__parse(u.machine, &arch)) {
		snprintf(err, errlen, "architecture '%s' is not one the tool models", u.machine);
		return -ENOTSUP;
	}
	pf_profile__uname_release(u.release, u.version, upstream, sizeof(upstream));
	if (pf_profile__parse(upstream, arch, true, &pr->profile)) {
		snprintf(err, errlen, "cannot read a release X.Y.Z from '%s'", upstream);
		return -EINVAL;
	}
	ret = read_jit(&pr->jit);
	if (ret) {
		snprintf(err, errlen, "cannot read net.core.bpf_jit_enable (%s)", strerror(-ret));
		return ret;
	}
	pr->profile.jit = pr->jit;
	kern_version = pr->profile.version;	/* PF_KV() is KERNEL_VERSION()'s layout */
	log_buf = malloc(LOG_SIZE);
	if (!log_buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* vmlinux BTF names kfuncs; without it those experiments say so */
	pr->vmlinux = btf__load_vmlinux_btf();
	if (!pr->vmlinux)
		pr->vmlinux = NULL;
	load(BPF_PROG_TYPE_SOCKET_FILTER, trivial, 2, &l);
	if (l.fd < 0) {
		snprintf(err, errlen, "cannot load BPF programs here (%s)", strerror(-l.err));
		ret = l.err;
		goto out;
	}
	for (i = 0; i < PF_FACT_NR; i++) {
		pr->facts[i].value = pf_profile__table(&pr->profile, i);
		snprintf(pr->facts[i].how, sizeof(pr->facts[i].how),
			 "fact table for %s (not measured by this probe)", pr->profile.name);
	}
	probe_priv_stack(pr, PF_FACT_PRIV_STACK_KPROBE, BPF_PROG_TYPE_KPROBE, "kprobe");
	probe_priv_stack(pr, PF_FACT_PRIV_STACK_TRACEPOINT, BPF_PROG_TYPE_TRACEPOINT, "tracepoint");
	probe_priv_stack(pr, PF_FACT_PRIV_STACK_PERF_EVENT, BPF_PROG_TYPE_PERF_EVENT, "perf_event");
	probe_priv_stack(pr, PF_FACT_PRIV_STACK_RAW_TP, BPF_PROG_TYPE_RAW_TRACEPOINT, "raw_tp");
	probe_round16(pr);
	probe_depth_round8(pr);
	probe_isa_v4(pr);
	probe_subprog_tailcall(pr);
	probe_stack_limit(pr);
	probe_rodata_const(pr);
	probe_cfg_call_loop(pr);
	probe_jeq_bounds(pr);
	probe_uninit_stack_read(pr);
	probe_stack_messages(pr);
	probe_may_goto(pr);
	probe_null_elide(pr);
	probe_fastcall(pr);
	probe_prog_array_attach_type(pr);
	probe_exception_cb(pr);
	probe_bpf_loop_inline(pr);
	probe_global_lazy(pr);
	probe_priv_stack_tracing(pr);
	probe_ext(pr);
	probe_zero_size_end(pr);
	probe_tailcall_hier(pr);
	probe_async_cb_root(pr);
	probe_roots_reverse(pr);
	probe_prog_array_resolve_ext(pr);
	probe_tracing_main(pr);
	probe_features(pr);
out:
	btf__free(pr->vmlinux);
	pr->vmlinux = NULL;
	free(log_buf);
	log_buf = NULL;
	return ret;
}

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
#include <linux/bpf.h>

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
/* cpu v4 sign-extending move: r0 = (s8)r0 */
#define MOVSX8(d, s)	ins(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 8, 0)

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

static void load(enum bpf_prog_type type, const struct bpf_insn *insns, size_t cnt,
		 struct load *l)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log_buf,
		    .log_size = LOG_SIZE, .log_level = 1 | 4, .kern_version = kern_version);

	memset(l, 0, sizeof(*l));
	log_buf[0] = '\0';
	l->fd = bpf_prog_load(type, "pf_probe", "GPL", insns, cnt, &opts);
	if (l->fd >= 0) {
		parse_depth(log_buf, l);
		close(l->fd);
		return;
	}
	l->err = -errno;
	last_line(log_buf, l->msg, sizeof(l->msg));
}

static void set(struct pf_probe *pr, enum pf_fact f, enum pf_tristate v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set(struct pf_probe *pr, enum pf_fact f, enum pf_tristate v, const char *fmt, ...)
{
	struct pf_probe_fact *pf = &pr->facts[f];
	char what[160];
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
	struct load l;

	if (!pr->jit) {
		set(pr, f, PF_NO, "JIT off: the interpreter has no private stacks");
		return;
	}
	load_two_frames(type, -304, -304, &l);
	if (l.fd >= 0)
		set(pr, f, PF_YES, "%s frames 304+304: accepted", tname);
	else if (strstr(l.msg, "combined stack size"))
		set(pr, f, PF_NO, "%s frames 304+304: refused '%s'", tname, l.msg);
	else
		set(pr, f, PF_UNKNOWN, "%s frames 304+304: refused for another reason '%s'",
		    tname, refusal(&l));
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
	if (l.fd >= 0)
		set(pr, PF_FACT_ROUND16_JIT, PF_YES, "socket filter frames 8+488: accepted (16+496)");
	else if (strstr(l.msg, "combined stack size of 2 calls is 544"))
		set(pr, PF_FACT_ROUND16_JIT, PF_NO, "socket filter frames 8+488: refused '%s'", l.msg);
	else
		set(pr, PF_FACT_ROUND16_JIT, PF_UNKNOWN,
		    "socket filter frames 8+488: refused for another reason '%s'", refusal(&l));
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
out:
	free(log_buf);
	log_buf = NULL;
	return ret;
}

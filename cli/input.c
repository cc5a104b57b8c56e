// SPDX-License-Identifier: MIT
/*
 * The operands as users have them, turned into the objects to model:
 *
 *   FILE       an object, opened by the library (pf_object__open)
 *   -          one object (or a skeleton) read from standard input
 *   DIR        every *.o (and so *.bpf.o) below it, sorted, each once
 *   X.skel.h   the object `bpftool gen skeleton` embedded in the header
 *
 * Everything that cannot be read becomes an input with an error, reported
 * in its place in command-line order, so one bad operand never hides the
 * reports of the others.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

#define STDIN_NAME	"<stdin>"
#define SKEL_SUFFIX	".skel.h"
#define MAX_DIR_DEPTH	64	/* below a directory operand; deeper is a loop or a mistake */

static struct pf_input *input__new(struct pf_inputs *in, const char *name)
{
	struct pf_input *it;

	if (pf_grow((void **)&in->v, &in->cap, in->cnt + 1, sizeof(*in->v)))
		return NULL;
	it = &in->v[in->cnt];
	memset(it, 0, sizeof(*it));
	it->name = strdup(name);
	if (!it->name)
		return NULL;
	in->cnt++;
	return it;
}

/* An input that reports @fmt in its place; -ENOMEM or 0. */
static int input__error(struct pf_inputs *in, const char *name, const char *fmt, ...)
{
	struct pf_input *it = input__new(in, name);
	va_list ap;
	int n;

	if (!it)
		return -ENOMEM;
	va_start(ap, fmt);
	n = vasprintf(&it->err, fmt, ap);
	va_end(ap);
	if (n < 0) {
		it->err = NULL;
		return -ENOMEM;
	}
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int line_of(const char *text, size_t at)
{
	int line = 1;
	size_t i;

	for (i = 0; i < at; i++)
		line += text[i] == '\n';
	return line;
}

/*
 * Decode the C string literal whose opening quote is at @*pos, and any
 * literal that follows it with only white space between (they are one
 * string in C), into @out; @*pos ends after the last closing quote.
 * Hand-parsed: no library exposes how bpftool embeds the object, which
 * is "\x7f\x45..." with \0 for zero bytes and backslash-newline every
 * 78 columns (bpftool's print_hex()); this takes any valid escape.
 */
static int literal__decode(const char *t, size_t len, size_t *pos, uint8_t **out, size_t *outlen,
			   size_t *outcap, char *err, size_t errlen)
{
	size_t i = *pos + 1;

	*outlen = 0;
	for (;;) {
		unsigned int v;
		int n;

		if (i >= len || t[i] == '\n') {
			snprintf(err, errlen, "line %d: unterminated string literal", line_of(t, *pos));
			return -EINVAL;
		}
		if (t[i] == '"') {
			size_t j = i + 1;

			/* "a" "b" is "ab"; so is "a\<newline>b", handled below */
			while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n' || t[j] == '\r'))
				j++;
			if (j < len && t[j] == '"') {
				i = j + 1;
				continue;
			}
			*pos = i + 1;
			return 0;
		}
		if (*outlen + 1 > *outcap) {
			size_t cap = *outcap ? *outcap * 2 : 4096;
			uint8_t *p = realloc(*out, cap);

			if (!p) {
				snprintf(err, errlen, "out of memory");
				return -ENOMEM;
			}
			*out = p;
			*outcap = cap;
		}
		if (t[i] != '\\') {
			(*out)[(*outlen)++] = (uint8_t)t[i++];
			continue;
		}
		i++;
		if (i < len && t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
			i++;
		if (i >= len) {
			snprintf(err, errlen, "line %d: unterminated string literal", line_of(t, *pos));
			return -EINVAL;
		}
		switch (t[i]) {
		case '\n':	/* line splice: nothing */
			i++;
			continue;
		case 'x':
			for (v = 0, n = 0, i++; i < len && strchr("0123456789abcdefABCDEF", t[i]) && t[i];
			     i++, n++) {
				v = v * 16 + (unsigned int)(t[i] <= '9' ? t[i] - '0' : (t[i] | 0x20) - 'a' + 10);
				if (v > 0xff)
					break;
			}
			if (!n || v > 0xff) {
				snprintf(err, errlen, "line %d: bad \\x escape", line_of(t, i));
				return -EINVAL;
			}
			break;
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
			for (v = 0, n = 0; n < 3 && i < len && t[i] >= '0' && t[i] <= '7'; i++, n++)
				v = v * 8 + (unsigned int)(t[i] - '0');
			if (v > 0xff) {
				snprintf(err, errlen, "line %d: bad octal escape", line_of(t, i));
				return -EINVAL;
			}
			break;
		default: {
			static const char from[] = "ntrabfv\\'\"?", to[] = "\n\t\r\a\b\f\v\\'\"?";
			const char *c = t[i] ? strchr(from, t[i]) : NULL;

			if (!c) {
				snprintf(err, errlen, "line %d: unknown escape '\\%c'", line_of(t, i),
					 t[i] >= ' ' && t[i] < 127 ? t[i] : '?');
				return -EINVAL;
			}
			v = (unsigned char)to[c - from];
			i++;
		}
		}
		(*out)[(*outlen)++] = (uint8_t)v;
	}
}

/* The first number after @key in @t, or -1. */
static long long number_after(const char *t, size_t len, const char *key)
{
	const char *p = memmem(t, len, key, strlen(key));
	char *end;
	long long v;

	if (!p)
		return -1;
	p += strlen(key);
	if (p >= t + len || *p < '0' || *p > '9')
		return -1;
	v = strtoll(p, &end, 10);
	return end > p ? v : -1;
}

/*
 * The skeleton's name: `s->name = "NAME";` in NAME__create_skeleton(),
 * else the NAME of NAME__elf_bytes(), else none.
 */
static void skel__name(const char *t, size_t len, char *name, size_t namelen)
{
	static const char idchars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
	const char *p = memmem(t, len, "s->name = \"", 11), *e;

	name[0] = '\0';
	if (p) {
		p += 11;
		e = p;
		while (e < t + len && *e && strchr(idchars, *e))
			e++;
		if (e < t + len && *e == '"' && e > p) {
			snprintf(name, namelen, "%.*s", (int)(e - p), p);
			return;
		}
	}
	p = memmem(t, len, "__elf_bytes(", 12);
	if (p) {
		e = p;
		while (p > t && p[-1] && strchr(idchars, p[-1]))
			p--;
		if (e > p)
			snprintf(name, namelen, "%.*s", (int)(e - p), p);
	}
}

/*
 * The object a libbpf skeleton header embeds: the first string literal
 * that decodes to an ELF file. Comments and character literals are
 * skipped so that a quote in them does not start a string.
 */
static int skel__decode(const char *t, size_t len, uint8_t **obj, size_t *objlen,
			char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, i = 0;
	long long said;
	int ret;

	*obj = NULL;
	*objlen = 0;
	while (i < len) {
		if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
			const char *e = memmem(t + i + 2, len - i - 2, "*/", 2);

			i = e ? (size_t)(e - t) + 2 : len;
		} else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
			while (i < len && t[i] != '\n')
				i++;
		} else if (t[i] == '\'') {
			for (i++; i < len && t[i] != '\'' && t[i] != '\n'; i++)
				if (t[i] == '\\')
					i++;
			i++;
		} else if (t[i] == '"') {
			ret = literal__decode(t, len, &i, &buf, &n, &cap, err, errlen);
			if (ret) {
				free(buf);
				return ret;
			}
			if (n >= 4 && !memcmp(buf, "\x7f" "ELF", 4))
				break;
			n = 0;
		} else {
			i++;
		}
	}
	if (!n) {
		free(buf);
		if (memmem(t, len, "bpf_load_and_run", 16) || memmem(t, len, "skel_internal.h", 15))
			snprintf(err, errlen, "a light skeleton (bpftool gen skeleton -L) holds a "
				 "loader program, not the object: give the object itself");
		else
			snprintf(err, errlen, "no embedded object (not a skeleton from bpftool gen skeleton?)");
		return -ENOEXEC;
	}
	/* bpftool says the size: "*sz = N;" (7.x), "s->data_sz = N;" (5.x) */
	said = number_after(t, len, "*sz = ");
	if (said < 0)
		said = number_after(t, len, "data_sz = ");
	if (said >= 0 && (size_t)said != n) {
		free(buf);
		snprintf(err, errlen, "the embedded object is %zu bytes, the skeleton says %lld "
			 "(edited or cut?)", n, said);
		return -EINVAL;
	}
	*obj = buf;
	*objlen = n;
	return 0;
}

/* @text (a skeleton read from @base) as one input: its object, or why not. */
static int input__skeleton(struct pf_inputs *in, const char *base, const char *text, size_t len)
{
	struct pf_input *it;
	char name[128], why[256], *display;
	uint8_t *obj;
	size_t objlen;
	int n;

	if (skel__decode(text, len, &obj, &objlen, why, sizeof(why)))
		return input__error(in, base, "%s", why);
	skel__name(text, len, name, sizeof(name));
	n = name[0] ? asprintf(&display, "%s (%s)", base, name) : asprintf(&display, "%s", base);
	if (n < 0) {
		free(obj);
		return -ENOMEM;
	}
	it = input__new(in, display);
	free(display);
	if (!it) {
		free(obj);
		return -ENOMEM;
	}
	it->buf = obj;
	it->size = objlen;
	return 0;
}

/* All of @fd, up to @max bytes, NUL-terminated; 0 or -errno (-EFBIG). */
static int read_fd(int fd, size_t max, char **buf, size_t *size)
{
	size_t cap = 64 << 10, got = 0;
	char *p = malloc(cap + 1);
	ssize_t n;

	*buf = NULL;
	*size = 0;
	if (!p)
		return -ENOMEM;
	for (;;) {
		if (got == cap) {
			char *q;

			if (cap > max) {
				free(p);
				return -EFBIG;
			}
			cap *= 2;
			q = realloc(p, cap + 1);
			if (!q) {
				free(p);
				return -ENOMEM;
			}
			p = q;
		}
		n = read(fd, p + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(p);
			return (int)n;
		}
		if (!n)
			break;
		got += (size_t)n;
	}
	if (got > max) {
		free(p);
		return -EFBIG;
	}
	p[got] = '\0';
	*buf = p;
	*size = got;
	return 0;
}

static int input__stdin(struct pf_inputs *in)
{
	struct pf_input *it;
	char *buf;
	size_t size;
	int ret;

	if (in->stdin_used)
		return input__error(in, STDIN_NAME, "given more than once (it holds one input)");
	in->stdin_used = true;
	if (isatty(STDIN_FILENO))
		return input__error(in, STDIN_NAME, "is a terminal: pipe an object in, or name a file");
	ret = read_fd(STDIN_FILENO, PF_MAX_FILE_SIZE, &buf, &size);
	if (ret == -EFBIG)
		return input__error(in, STDIN_NAME, "too large (limit %u bytes)", PF_MAX_FILE_SIZE);
	if (ret == -ENOMEM)
		return ret;
	if (ret)
		return input__error(in, STDIN_NAME, "%s", strerror(-ret));
	if (!size) {
		free(buf);
		return input__error(in, STDIN_NAME, "empty input");
	}
	/* `bpftool gen skeleton x.o | bpf-preflight check -`: not ELF, but a skeleton */
	if ((size < 4 || memcmp(buf, "\x7f" "ELF", 4)) &&
	    memmem(buf, size, "bpf_object_skeleton", 19)) {
		ret = input__skeleton(in, STDIN_NAME, buf, size);
		free(buf);
		return ret;
	}
	it = input__new(in, STDIN_NAME);
	if (!it) {
		free(buf);
		return -ENOMEM;
	}
	it->buf = (uint8_t *)buf;
	it->size = size;
	return 0;
}

static int input__skel_file(struct pf_inputs *in, const char *path)
{
	char *text;
	size_t len;
	int ret = pf_file__read(path, PF_MAX_FILE_SIZE, &text, &len);

	if (ret == -ENOMEM)
		return ret;
	if (ret == -EFBIG)
		return input__error(in, path, "file too large (limit %u bytes)", PF_MAX_FILE_SIZE);
	if (ret)
		return input__error(in, path, "%s", ret == -EINVAL ? "not a regular file"
								   : strerror(-ret));
	ret = input__skeleton(in, path, text, len);
	free(text);
	return ret;
}

/* A directory walk: what it found and what it left out. */
struct walk {
	struct pf_inputs *in;
	struct seen {
		dev_t dev;
		ino_t ino;
	} *seen;		/* directories and files taken: each once, loops end */
	size_t seen_cnt, seen_cap;
	size_t found, skipped;
	char *skipped_eg;	/* one host object, for the message */
	unsigned int skipped_machine;
};

/* true if @st was met before; else remembers it (false, or -ENOMEM) */
static int walk__seen(struct walk *w, const struct stat *st)
{
	size_t i;

	for (i = 0; i < w->seen_cnt; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return 1;
	if (pf_grow((void **)&w->seen, &w->seen_cap, w->seen_cnt + 1, sizeof(*w->seen)))
		return -ENOMEM;
	w->seen[w->seen_cnt].dev = st->st_dev;
	w->seen[w->seen_cnt].ino = st->st_ino;
	w->seen_cnt++;
	return 0;
}

/*
 * e_machine of an ELF file that is not BPF, else 0: a build tree holds
 * host objects beside the BPF ones, and `check build/` means the BPF ones.
 * EM_NONE stays in (old LLVM wrote it for BPF: the library decides), and
 * so does anything that is not ELF: a broken object is reported, not
 * skipped.
 */
static unsigned int host_machine(const char *path)
{
	unsigned char h[20];
	unsigned int m;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, h, sizeof(h));
	close(fd);
	if (n != (ssize_t)sizeof(h) || memcmp(h, "\x7f" "ELF", 4))
		return 0;
	m = h[5] == 2 ? (unsigned int)h[18] << 8 | h[19] : (unsigned int)h[19] << 8 | h[18];
	return m == EM_BPF || m == 0 ? 0 : m;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk__dir(struct walk *w, const char *dir, unsigned int depth)
{
	struct dirent **ents;
	int n, i, ret = 0;

	n = scandir(dir, &ents, NULL, by_name);
	if (n < 0)
		return errno == ENOMEM ? -ENOMEM : input__error(w->in, dir, "%s", strerror(errno));
	for (i = 0; i < n; i++) {
		const char *e = ents[i]->d_name;
		struct stat st;
		unsigned int m;
		char *path;
		int seen;

		if (ret || !strcmp(e, ".") || !strcmp(e, ".."))
			continue;
		if (asprintf(&path, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e) < 0) {
			ret = -ENOMEM;
			continue;
		}
		/* stat, not lstat: a link to an object or a directory counts, once */
		if (stat(path, &st)) {
			free(path);	/* a dangling link in a build tree: nothing to check */
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			seen = walk__seen(w, &st);
			if (seen < 0)
				ret = seen;
			else if (!seen && depth >= MAX_DIR_DEPTH)
				ret = input__error(w->in, path, "more than %d directories deep",
						   MAX_DIR_DEPTH);
			else if (!seen)
				ret = walk__dir(w, path, depth + 1);
		} else if (S_ISREG(st.st_mode) && ends_with(e, ".o")) {
			seen = walk__seen(w, &st);
			m = seen ? 0 : host_machine(path);
			if (seen < 0) {
				ret = seen;
			} else if (seen) {
				;
			} else if (m) {
				if (!w->skipped++) {
					w->skipped_eg = path;
					w->skipped_machine = m;
					path = NULL;
				}
			} else {
				w->found++;
				ret = input__new(w->in, path) ? 0 : -ENOMEM;
			}
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return ret;
}

static int input__dir(struct pf_inputs *in, const char *dir, const struct stat *st)
{
	struct walk w = { .in = in };
	int ret = walk__seen(&w, st);

	if (!ret)
		ret = walk__dir(&w, dir, 0);
	if (!ret && !w.found && w.skipped)
		ret = input__error(in, dir, "no BPF objects: its %zu .o file%s %s for another "
				   "machine (%s: e_machine %u)", w.skipped, w.skipped > 1 ? "s" : "",
				   w.skipped > 1 ? "are" : "is", w.skipped_eg, w.skipped_machine);
	else if (!ret && !w.found)
		ret = input__error(in, dir, "no .o or .bpf.o files");
	else if (!ret && w.skipped)
		/* said once, before the reports: what the run leaves out */
		fprintf(stderr, "bpf-preflight: %s: note: skipped %zu non-BPF object%s (%s: "
			"e_machine %u%s)\n", dir, w.skipped, w.skipped > 1 ? "s" : "", w.skipped_eg,
			w.skipped_machine, w.skipped > 1 ? ", ..." : "");
	free(w.skipped_eg);
	free(w.seen);
	return ret;
}

int pf_inputs__expand(struct pf_inputs *in, int argc, char *const *argv)
{
	struct stat st;
	int i, ret = 0;

	memset(in, 0, sizeof(*in));
	for (i = 0; i < argc && !ret; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-"))
			ret = input__stdin(in);
		else if (!stat(a, &st) && S_ISDIR(st.st_mode))
			ret = input__dir(in, a, &st);
		else if (ends_with(a, SKEL_SUFFIX))
			ret = input__skel_file(in, a);
		else
			ret = input__new(in, a) ? 0 : -ENOMEM;	/* the library opens it */
		if (ret)
			break;
	}
	if (ret)
		pf_inputs__free(in);
	return ret;
}

int pf_input__open(const struct pf_input *it, struct pf_object **out, char *err, size_t errlen)
{
	*out = NULL;
	if (it->err) {
		snprintf(err, errlen, "%s", it->err);
		return -EINVAL;
	}
	if (it->buf)
		return pf_object__open_mem(it->name, it->buf, it->size, out, err, errlen);
	return pf_object__open(it->name, out, err, errlen);
}

void pf_inputs__free(struct pf_inputs *in)
{
	size_t i;

	for (i = 0; i < in->cnt; i++) {
		free(in->v[i].name);
		free(in->v[i].buf);
		free(in->v[i].err);
	}
	free(in->v);
	memset(in, 0, sizeof(*in));
}

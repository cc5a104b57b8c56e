// SPDX-License-Identifier: MIT
/*
 * The collected findings of a run and their renderers: GCC-style text
 * (with a source excerpt and caret when the file is readable, colour on a
 * terminal), the JSON "diagnostics" array, and SARIF 2.1.0.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "report.h"

static const char *basename_of(const char *p)
{
	const char *b = p ? strrchr(p, '/') : NULL;

	return b ? b + 1 : (p ? p : "");
}

/* FNV-1a over @n strings, each followed by a 0xff separator */
static unsigned long long hash_parts(const char *const *parts, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		const unsigned char *s = (const unsigned char *)parts[i];

		for (; *s; s++) {
			h ^= *s;
			h *= 1099511628211ULL;
		}
		h ^= 0xff;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * What identifies a problem and survives unrelated edits: the object's
 * name, program, function and rule, and the text of the line it points at
 * (whitespace trimmed), as GitHub's primaryLocationLineHash does; the slot
 * in the function when no line text is known.
 */
unsigned long long pf_finding__fingerprint(const struct pf_finding *d)
{
	char slot[32], text[1024];
	const char *t = d->src_text ? d->src_text : "";
	size_t n;
	const char *parts[6] = { basename_of(d->object), d->program ? d->program : "",
				 d->function ? d->function : "", pf_rule_id__name(d->rule),
				 text, slot };

	t += strspn(t, " \t");
	n = strlen(t);
	while (n && strchr(" \t\r\n", t[n - 1]))
		n--;
	snprintf(text, sizeof(text), "%.*s", (int)n, t);
	snprintf(slot, sizeof(slot), "%ld", n ? -1L : d->insn);
	return hash_parts(parts, 6);
}

/*
 * The fingerprints of a run, unique per finding: two problems whose
 * identity hashes alike (the same line twice in one function, objects of
 * one name in two directories) take their order among those alike too.
 */
void pf_findings__fingerprints(const struct pf_findings *r, unsigned long long *out)
{
	size_t i, j;

	for (i = 0; i < r->cnt; i++) {
		unsigned long long h = pf_finding__fingerprint(&r->v[i]), base = h, k = 0;
		bool clash = true;

		while (clash) {
			clash = false;
			for (j = 0; j < i && !clash; j++)
				clash = out[j] == h;
			if (clash)
				h = (base ^ ++k) * 1099511628211ULL;
		}
		out[i] = h;
	}
}

/* Line @n (1-based) of @path into @buf; false when unreadable. */
static bool read_line(const char *path, unsigned int n, char *buf, size_t len)
{
	FILE *f;
	unsigned int i = 0;
	bool ok = false;

	if (!path || !n || !(f = fopen(path, "r")))
		return false;
	while (fgets(buf, (int)len, f)) {
		size_t l = strlen(buf);

		if (l && buf[l - 1] != '\n' && !feof(f)) {
			/* a line longer than the buffer: skip its rest */
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		if (++i == n) {
			buf[strcspn(buf, "\n")] = '\0';
			ok = true;
			break;
		}
	}
	fclose(f);
	return ok;
}

/* Edit distance of @a[0..n) and @b, capped: for "did you mean". */
static size_t distance(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b), row[64], i, j;

	if (n >= 63 || m >= 63)
		return 64;
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= m; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[m];
}

#define DISABLE_MARK	"bpf-preflight: disable="

/* An id that names no rule: say so, with the closest one. */
static void unknown_id(const char *p, size_t len, const char *where, unsigned int line)
{
	size_t best = SIZE_MAX, d, i;
	const char *near = NULL;
	char id[64];

	snprintf(id, sizeof(id), "%.*s", (int)(len < 63 ? len : 63), p);
	if (!strcmp(id, "all") || pf_rule__find(id))
		return;
	for (i = 0; pf_rules[i]; i++) {
		d = distance(p, len, pf_rules[i]->id);
		if (d < best) {
			best = d;
			near = pf_rules[i]->id;
		}
	}
	fprintf(stderr, "bpf-preflight: %s:%u: warning: '" DISABLE_MARK "%s' names no rule%s%s%s (bpf-preflight rules lists them)\n",
		where ? where : "?", line, id, near && best <= 3 ? "; did you mean '" : "",
		near && best <= 3 ? near : "", near && best <= 3 ? "'?" : "");
}

/* The first time the comment @ids at @where:@line is read (one warning per comment). */
static bool first_reading(const char *ids, const char *where, unsigned int line)
{
	static unsigned long long seen[64];
	static size_t seen_cnt;
	const char *parts[2] = { where ? where : "", ids };
	unsigned long long h = hash_parts(parts, 2) ^ line;
	size_t i;

	for (i = 0; i < seen_cnt; i++)
		if (seen[i] == h)
			return false;
	if (seen_cnt < sizeof(seen) / sizeof(seen[0]))
		seen[seen_cnt++] = h;
	return true;
}

/*
 * Does the suppression comment in @text (@where:@line) disable @rule? A
 * rule id in it that names no rule would leave the finding standing with
 * no word why: it warns, once per comment.
 */
static bool line_disables(const char *text, const char *rule, const char *where,
			  unsigned int line)
{
	const char *p = text ? strstr(text, DISABLE_MARK) : NULL;
	size_t n = strlen(rule);
	bool hit = false, warn;

	if (!p)
		return false;
	p += strlen(DISABLE_MARK);
	warn = first_reading(p, where, line);
	while (*p) {
		size_t len = strcspn(p, ", \t*");

		if ((len == n && !strncmp(p, rule, n)) || (len == 3 && !strncmp(p, "all", 3)))
			hit = true;
		else if (warn && len)
			unknown_id(p, len, where, line);
		p += len;
		if (*p != ',')
			break;
		p++;
	}
	return hit;
}

bool pf_finding__suppressed_inline(const struct pf_finding *d)
{
	char buf[1024];
	const char *rule = pf_rule_id__name(d->rule);

	if (line_disables(d->src_text, rule, d->file, d->line))
		return true;
	if (read_line(d->file, d->line, buf, sizeof(buf)) &&
	    line_disables(buf, rule, d->file, d->line))
		return true;
	if (d->line <= 1)
		return false;
	/*
	 * The line above: BTF holds its text only when it produced code (a
	 * comment at the end of the previous statement); a comment-only line
	 * is read from the source file, so it needs the sources in place.
	 */
	if (line_disables(d->src_above, rule, d->file, d->line - 1))
		return true;
	return read_line(d->file, d->line - 1, buf, sizeof(buf)) &&
	       line_disables(buf, rule, d->file, d->line - 1);
}

/* ---- text ---- */

#define C_BOLD	"\033[1m"
#define C_RED	"\033[1;31m"
#define C_MAG	"\033[1;35m"
#define C_CYAN	"\033[1;36m"
#define C_GREEN	"\033[1;32m"
#define C_OFF	"\033[0m"

static void text_loc(const char *file, unsigned int line, unsigned int col,
		     const char *object, bool color)
{
	printf("%s", color ? C_BOLD : "");
	if (file && line)
		printf("%s:%u:%u:", file, line, col ? col : 1);
	else
		printf("%s:", file ? file : object);
	printf("%s ", color ? C_OFF : "");
}

static void text_excerpt(const struct pf_finding *d, bool color)
{
	char buf[1024];
	const char *text = NULL;
	unsigned int i;

	if (d->line && read_line(d->file, d->line, buf, sizeof(buf)))
		text = buf;
	else if (d->src_text && d->src_text[0])
		text = d->src_text;
	if (!text)
		return;
	printf(" %5u | %s\n       | ", d->line, text);
	if (color)
		printf(C_GREEN);
	for (i = 1; i < d->col && text[i - 1]; i++)
		putchar(text[i - 1] == '\t' ? '\t' : ' ');
	printf("^%s\n", color ? C_OFF : "");
}

void pf_report__text(const struct pf_findings *r, bool color)
{
	size_t i, j;

	for (i = 0; i < r->cnt; i++) {
		const struct pf_finding *d = &r->v[i];
		const char *sev = pf_severity__name(d->severity);
		const char *c = d->severity == PF_SEV_ERROR ? C_RED :
				d->severity == PF_SEV_WARNING ? C_MAG : C_CYAN;

		text_loc(d->file, d->line, d->col, d->object, color);
		printf("%s%s:%s %s [%s]\n", color ? c : "", sev, color ? C_OFF : "",
		       d->message, pf_rule_id__name(d->rule));
		text_excerpt(d, color);
		for (j = 0; j < d->note_cnt; j++) {
			const struct pf_finding_note *n = &d->notes[j];

			text_loc(n->file, n->line, n->col, d->object, color);
			printf("%snote:%s %s\n", color ? C_CYAN : "", color ? C_OFF : "", n->message);
		}
	}
}

/* "2 errors" into @buf at @used; "" for none */
static size_t count_words(char *buf, size_t len, size_t used, size_t n, const char *what,
			  const char *sep, const char *c, bool color)
{
	if (!n || used >= len)
		return used;
	return used + (size_t)snprintf(buf + used, len - used, "%s%s%zu %s%s%s", sep,
				       color ? c : "", n, what, n == 1 ? "" : "s",
				       color ? C_OFF : "");
}

static bool seen_before(const struct pf_findings *r, size_t i, bool program)
{
	const struct pf_finding *d = &r->v[i];
	size_t j;

	for (j = 0; j < i; j++) {
		const struct pf_finding *e = &r->v[j];

		if (!e->object || strcmp(e->object, d->object))
			continue;
		if (!program || (e->program && !strcmp(e->program, d->program)))
			return true;
	}
	return false;
}

void pf_report__summary(const struct pf_findings *r, size_t kernel_cnt, bool color)
{
	size_t sev[3] = { 0 }, progs = 0, objs = 0, i, used = 0, parts = 0, k;
	const char *what[3] = { "note", "warning", "error" }, *c[3] = { C_CYAN, C_MAG, C_RED };
	char line[512];

	if (!r->cnt)
		return;
	for (i = 0; i < r->cnt; i++) {
		const struct pf_finding *d = &r->v[i];

		if ((unsigned int)d->severity < 3)
			sev[d->severity]++;
		if (d->object && !seen_before(r, i, false))
			objs++;
		if (d->object && d->program && !seen_before(r, i, true))
			progs++;
	}
	/* worst first, as the findings matter: "2 errors, 1 warning and 1 note" */
	for (k = 3; k-- > 0;) {
		const char *sep = "";

		if (!sev[k])
			continue;
		if (parts)
			sep = (k == 0 || (k == 1 && !sev[0])) ? " and " : ", ";
		used = count_words(line, sizeof(line), used, sev[k], what[k], sep, c[k], color);
		parts++;
	}
	line[used < sizeof(line) ? used : sizeof(line) - 1] = '\0';
	printf("%s in ", line);
	if (progs)
		printf("%zu program%s of ", progs, progs == 1 ? "" : "s");
	printf("%zu object%s, %zu kernel%s\n", objs, objs == 1 ? "" : "s", kernel_cnt,
	       kernel_cnt == 1 ? "" : "s");
}

/* ---- JSON ---- */

static void json_pos(cJSON *o, const char *file, const char *object, unsigned int line,
		     unsigned int col, long insn)
{
	cJSON_AddStringToObject(o, "file", file ? file : object);
	cJSON_AddNumberToObject(o, "line", line);
	cJSON_AddNumberToObject(o, "column", line ? (col ? col : 1) : 0);
	if (insn >= 0)
		cJSON_AddNumberToObject(o, "insn", (double)insn);
}

cJSON *pf_report__json(const struct pf_findings *r)
{
	cJSON *arr = cJSON_CreateArray();
	unsigned long long *fps = calloc(r->cnt + 1, sizeof(*fps));
	size_t i, j;

	if (!fps) {
		cJSON_Delete(arr);
		return NULL;
	}
	pf_findings__fingerprints(r, fps);
	for (i = 0; i < r->cnt; i++) {
		const struct pf_finding *d = &r->v[i];
		cJSON *o = cJSON_CreateObject(), *k, *notes;
		char hash[32];
		size_t m;

		cJSON_AddStringToObject(o, "rule", pf_rule_id__name(d->rule));
		cJSON_AddStringToObject(o, "severity", pf_severity__name(d->severity));
		cJSON_AddStringToObject(o, "message", d->message);
		json_pos(o, d->file, d->object, d->line, d->col, d->insn);
		cJSON_AddStringToObject(o, "object", d->object);
		if (d->program)
			cJSON_AddStringToObject(o, "program", d->program);
		if (d->function)
			cJSON_AddStringToObject(o, "function", d->function);
		if (d->kernel_cnt) {
			k = cJSON_AddArrayToObject(o, "kernels");
			for (j = 0; j < d->kernel_cnt; j++)
				cJSON_AddItemToArray(k, cJSON_CreateString(d->kernels[j]));
		}
		snprintf(hash, sizeof(hash), "%016llx", fps[i]);
		cJSON_AddStringToObject(o, "fingerprint", hash);
		notes = cJSON_AddArrayToObject(o, "notes");
		for (j = 0; j < d->note_cnt; j++) {
			const struct pf_finding_note *n = &d->notes[j];
			cJSON *no = cJSON_CreateObject();

			cJSON_AddStringToObject(no, "message", n->message);
			if (n->function)
				cJSON_AddStringToObject(no, "function", n->function);
			json_pos(no, n->file, d->object, n->line, n->col, n->insn);
			if (n->kernel_cnt) {
				k = cJSON_AddArrayToObject(no, "kernels");
				for (m = 0; m < n->kernel_cnt; m++)
					cJSON_AddItemToArray(k, cJSON_CreateString(n->kernels[m]));
			}
			cJSON_AddItemToArray(notes, no);
		}
		cJSON_AddItemToArray(arr, o);
	}
	free(fps);
	return arr;
}

cJSON *pf_report__json_errors(const struct pf_cli_problem *pv, size_t pcnt)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < pcnt; i++) {
		cJSON *o;

		if (!pv[i].error)
			continue;
		o = cJSON_CreateObject();
		if (pv[i].file)
			cJSON_AddStringToObject(o, "file", pv[i].file);
		cJSON_AddStringToObject(o, "message", pv[i].message);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* ---- SARIF 2.1.0 ---- */

static const char *sarif_level(enum pf_severity s)
{
	return s == PF_SEV_ERROR ? "error" : s == PF_SEV_WARNING ? "warning" : "note";
}

/*
 * @path made absolute against the current directory (which is what a
 * relative path of the debug info or the command line means to the text
 * renderer too), with "." and ".." taken out lexically, or through
 * realpath() when it exists, so that symlinks resolve as getcwd() does.
 */
static bool absolute_path(const char *path, char *out, size_t len)
{
	char cwd[4096], *real = realpath(path, NULL);
	size_t o = 0;
	const char *p;

	if (real) {
		bool fits = strlen(real) < len;

		if (fits)
			snprintf(out, len, "%s", real);
		free(real);
		return fits;
	}
	if (path[0] == '/')
		cwd[0] = '\0';
	else if (!getcwd(cwd, sizeof(cwd)))
		return false;
	if ((size_t)snprintf(out, len, "%s/%s", cwd, path) >= len)
		return false;
	/* lexically: out is rewritten in place, o never passes the reader */
	for (p = out; *p;) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o && out[o - 1] != '/')
				o--;
			if (o)
				o--;
		} else {
			out[o++] = '/';
			memmove(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (!o)
		out[o++] = '/';
	out[o] = '\0';
	return true;
}

/* RFC 3986: percent-encode what a URI path cannot hold as is. */
static void uri_escape(char *buf, size_t len, size_t o, const char *path)
{
	const char *p;

	for (p = path; *p && o + 4 < len; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f || strchr("%#?[]\"<>\\^`{|}", c))
			o += (size_t)snprintf(buf + o, len - o, "%%%02X", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
}

/*
 * SARIF wants URIs: a path under @srcroot (the repository root, which
 * GitHub resolves uploaded results against) is relative to %SRCROOT%,
 * whichever directory the run started in; any other is a file:// URI.
 */
static void sarif_uri(cJSON *art, const char *path, const char *srcroot)
{
	char abs[4096], buf[8192];
	size_t n = srcroot ? strlen(srcroot) : 0;

	if (srcroot && absolute_path(path, abs, sizeof(abs))) {
		/* srcroot "/" holds everything: its prefix is "" before the '/' */
		if (n == 1)
			n = 0;
		if (!strncmp(abs, srcroot, n) && abs[n] == '/' && abs[n + 1]) {
			uri_escape(buf, sizeof(buf), 0, abs + n + 1);
			cJSON_AddStringToObject(art, "uri", buf);
			cJSON_AddStringToObject(art, "uriBaseId", "%SRCROOT%");
			return;
		}
		path = abs;
	}
	/* an absolute URI takes no uriBaseId (SARIF1004) */
	uri_escape(buf, sizeof(buf), (size_t)snprintf(buf, sizeof(buf), "file://"), path);
	cJSON_AddStringToObject(art, "uri", buf);
}

static cJSON *sarif_location(const char *file, const char *object, unsigned int line,
			     unsigned int col, const char *srcroot)
{
	cJSON *loc = cJSON_CreateObject(), *phys, *art;

	phys = cJSON_AddObjectToObject(loc, "physicalLocation");
	art = cJSON_AddObjectToObject(phys, "artifactLocation");
	sarif_uri(art, file ? file : object, srcroot);
	if (line) {
		cJSON *reg = cJSON_AddObjectToObject(phys, "region");

		cJSON_AddNumberToObject(reg, "startLine", line);
		cJSON_AddNumberToObject(reg, "startColumn", col ? col : 1);
	}
	return loc;
}

/* "stack-combined" -> "StackCombined": SARIF rule names are not ids. */
static const char *camel(const char *id, char *buf, size_t len)
{
	size_t o = 0;
	bool up = true;

	for (; *id && o + 1 < len; id++) {
		if (*id == '-') {
			up = true;
			continue;
		}
		buf[o++] = up && *id >= 'a' && *id <= 'z' ? (char)(*id - 'a' + 'A') : *id;
		up = false;
	}
	buf[o] = '\0';
	return buf;
}

static cJSON *sarif_rules(void)
{
	cJSON *rules = cJSON_CreateArray();
	size_t i;

	for (i = 0; pf_rules[i]; i++) {
		const struct pf_rule *rule = pf_rules[i];
		const char *doc = pf_rule__doc(rule->id);
		cJSON *o = cJSON_CreateObject(), *t, *cfg;
		char name[64];

		cJSON_AddStringToObject(o, "id", rule->id);
		cJSON_AddStringToObject(o, "name", camel(rule->id, name, sizeof(name)));
		t = cJSON_AddObjectToObject(o, "shortDescription");
		cJSON_AddStringToObject(t, "text", rule->impl->summary);
		t = cJSON_AddObjectToObject(o, "fullDescription");
		cJSON_AddStringToObject(t, "text", rule->impl->summary);
		t = cJSON_AddObjectToObject(o, "help");
		cJSON_AddStringToObject(t, "text", doc ? doc : rule->impl->summary);
		if (doc)
			cJSON_AddStringToObject(t, "markdown", doc);
		cfg = cJSON_AddObjectToObject(o, "defaultConfiguration");
		cJSON_AddStringToObject(cfg, "level", sarif_level(rule->severity));
		cJSON_AddItemToArray(rules, o);
	}
	return rules;
}

/*
 * The run's invocation: whether it did what it was asked (no input it
 * could not read), and what it said on stderr about the inputs, each with
 * the input as its location, so that a consumer that never sees stderr
 * (a code-scanning upload) can tell a partial run from a clean one.
 */
static cJSON *sarif_invocation(const struct pf_cli_problem *pv, size_t pcnt, bool ok,
			       const char *srcroot)
{
	cJSON *inv = cJSON_CreateObject(), *notes = NULL;
	size_t i;

	for (i = 0; i < pcnt; i++)
		ok = ok && !pv[i].error;
	cJSON_AddBoolToObject(inv, "executionSuccessful", ok);
	for (i = 0; i < pcnt; i++) {
		cJSON *n = cJSON_CreateObject(), *msg, *locs;

		if (!notes)
			notes = cJSON_AddArrayToObject(inv, "toolExecutionNotifications");
		cJSON_AddStringToObject(n, "level", pv[i].error ? "error" : "warning");
		msg = cJSON_AddObjectToObject(n, "message");
		/* as on stderr: a viewer may show the text without the location */
		if (pv[i].file) {
			char *t = malloc(strlen(pv[i].file) + strlen(pv[i].message) + 3);

			if (t)
				sprintf(t, "%s: %s", pv[i].file, pv[i].message);
			cJSON_AddStringToObject(msg, "text", t ? t : pv[i].message);
			free(t);
		} else {
			cJSON_AddStringToObject(msg, "text", pv[i].message);
		}
		if (pv[i].file) {
			locs = cJSON_AddArrayToObject(n, "locations");
			cJSON_AddItemToArray(locs, sarif_location(pv[i].file, NULL, 0, 0, srcroot));
		}
		cJSON_AddItemToArray(notes, n);
	}
	return inv;
}

cJSON *pf_report__sarif(const struct pf_findings *r, const struct pf_sarif_run *run_info)
{
	cJSON *root = cJSON_CreateObject(), *runs, *run, *drv, *results;
	const char *srcroot = run_info->srcroot;
	unsigned long long *fps;
	size_t i, j;

	cJSON_AddStringToObject(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(root, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(root, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	drv = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
	if (srcroot) {
		char uri[8300];
		cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");
		size_t o = (size_t)snprintf(uri, sizeof(uri), "file://");

		uri_escape(uri, sizeof(uri) - 1, o, srcroot);
		/* a base URI ends in '/' (SARIF 3.14.14) */
		o = strlen(uri);
		if (o && uri[o - 1] != '/')
			snprintf(uri + o, sizeof(uri) - o, "/");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(bases, "%SRCROOT%"), "uri", uri);
	}
	cJSON_AddItemToArray(cJSON_AddArrayToObject(run, "invocations"),
			     sarif_invocation(run_info->problems, run_info->problem_cnt,
					      run_info->ok, srcroot));
	cJSON_AddStringToObject(drv, "name", "bpf-preflight");
	cJSON_AddStringToObject(drv, "version", run_info->version);
	cJSON_AddStringToObject(drv, "informationUri", "https://example.invalid/bpf-preflight");
	cJSON_AddItemToObject(drv, "rules", sarif_rules());
	results = cJSON_AddArrayToObject(run, "results");
	fps = calloc(r->cnt + 1, sizeof(*fps));
	if (!fps) {
		cJSON_Delete(root);
		return NULL;
	}
	pf_findings__fingerprints(r, fps);
	for (i = 0; i < r->cnt; i++) {
		const struct pf_finding *d = &r->v[i];
		cJSON *res = cJSON_CreateObject(), *locs, *rel, *fp, *msg;
		char hash[32];

		cJSON_AddStringToObject(res, "ruleId", pf_rule_id__name(d->rule));
		cJSON_AddNumberToObject(res, "ruleIndex", d->rule);
		cJSON_AddStringToObject(res, "level", sarif_level(d->severity));
		msg = cJSON_AddObjectToObject(res, "message");
		cJSON_AddStringToObject(msg, "text", d->message);
		locs = cJSON_AddArrayToObject(res, "locations");
		cJSON_AddItemToArray(locs, sarif_location(d->file, d->object, d->line, d->col, srcroot));
		if (d->note_cnt) {
			rel = cJSON_AddArrayToObject(res, "relatedLocations");
			for (j = 0; j < d->note_cnt; j++) {
				const struct pf_finding_note *n = &d->notes[j];
				cJSON *l = sarif_location(n->file, d->object, n->line, n->col, srcroot);

				cJSON_AddNumberToObject(l, "id", (double)j);
				msg = cJSON_AddObjectToObject(l, "message");
				cJSON_AddStringToObject(msg, "text", n->message);
				cJSON_AddItemToArray(rel, l);
			}
		}
		fp = cJSON_AddObjectToObject(res, "partialFingerprints");
		snprintf(hash, sizeof(hash), "%016llx", fps[i]);
		cJSON_AddStringToObject(fp, "bpfPreflight/v2", hash);
		cJSON_AddItemToArray(results, res);
	}
	free(fps);
	return root;
}

/* ---- baselines ---- */

/* A word from @p up to a space or punctuation: is it one of @words? */
static bool word_in(const char *p, const char *const *words)
{
	size_t n = strcspn(p, " ,;:.()"), i;

	for (i = 0; words[i]; i++)
		if (strlen(words[i]) == n && !strncmp(p, words[i], n))
			return true;
	return false;
}

/*
 * The measures of a finding: the numbers of its message that state a size
 * or a count, in order. Such a number is a word of its own (not part of a
 * name such as R10 or c200_304, of a version such as 6.1.192, or of
 * off=-520) and is followed by its unit or the thing counted ("77 bytes",
 * "544 B", "2 calls", "9 frames", "33 times") or stated as the size ("is
 * 544"). Numbers that name a place or an identity -- "insn 12", "subprog
 * 3", "key 7", "max_entries 8" -- are not measures: they move when
 * unrelated code moves. For a measure, larger is worse.
 */
size_t pf_finding__measures(const char *msg, long long *v, size_t max)
{
	static const char *const units[] = { "byte", "bytes", "B", "call", "calls", "frame",
					     "frames", "time", "times", NULL };
	const char *p = msg;
	size_t n = 0;

	while (p && *p) {
		const char *q = p;
		long long x = 0;
		bool plain, stated;

		if (!(*p >= '0' && *p <= '9') || (p > msg && p[-1] != ' ' && p[-1] != '(')) {
			p++;
			continue;
		}
		for (; *q >= '0' && *q <= '9'; q++)
			if (x < (LLONG_MAX - 9) / 10)
				x = x * 10 + (*q - '0');
		plain = (!*q || *q == ' ' || strchr(",;:).", *q)) &&
			!(*q && *q != ' ' && q[1] >= '0' && q[1] <= '9');
		stated = (p - msg >= 3 && !strncmp(p - 3, "is ", 3) &&
			  (p - msg == 3 || p[-4] == ' ')) ||
			 (*q == ' ' && word_in(q + 1, units));
		if (plain && stated && n < max)
			v[n++] = x;
		p = q;
	}
	return n;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static cJSON *string_array(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	size_t i;

	for (i = 0; a && i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

/*
 * A finding as a baseline entry (pointers into the finding). A finding
 * that names no kernels is on every kernel of the run (@run).
 */
static void entry_of(const struct pf_finding *d, const char *const *run, size_t run_cnt,
		     struct pf_baseline_key *k)
{
	memset(k, 0, sizeof(*k));
	k->object = (char *)basename_of(d->object);
	k->program = (char *)or_empty(d->program);
	k->function = (char *)or_empty(d->function);
	k->rule = (char *)pf_rule_id__name(d->rule);
	k->kernels = d->kernel_cnt ? d->kernels : (char **)run;
	k->kernel_cnt = d->kernel_cnt ? d->kernel_cnt : run_cnt;
	k->measure_cnt = pf_finding__measures(d->message, k->measure, PF_BASELINE_MEASURES);
	k->message = d->message;
}

static int cmp_kernels(const struct pf_baseline_key *a, const struct pf_baseline_key *b)
{
	size_t i;
	int c;

	for (i = 0; i < a->kernel_cnt && i < b->kernel_cnt; i++)
		if ((c = strcmp(a->kernels[i], b->kernels[i])))
			return c;
	return (a->kernel_cnt > b->kernel_cnt) - (a->kernel_cnt < b->kernel_cnt);
}

/* What identifies the problem: object, program, function, rule, kernels. */
static int cmp_key(const struct pf_baseline_key *a, const struct pf_baseline_key *b)
{
	int c;

	if ((c = strcmp(a->object, b->object)) || (c = strcmp(a->program, b->program)) ||
	    (c = strcmp(a->function, b->function)) || (c = strcmp(a->rule, b->rule)))
		return c;
	return cmp_kernels(a, b);
}

/* The file's order: by key, then measures, then message (stable for diffs). */
static int cmp_entry(const void *pa, const void *pb)
{
	const struct pf_baseline_key *a = pa, *b = pb;
	size_t i;
	int c = cmp_key(a, b);

	if (c)
		return c;
	for (i = 0; i < a->measure_cnt && i < b->measure_cnt; i++)
		if (a->measure[i] != b->measure[i])
			return a->measure[i] < b->measure[i] ? -1 : 1;
	if (a->measure_cnt != b->measure_cnt)
		return a->measure_cnt < b->measure_cnt ? -1 : 1;
	return strcmp(a->message, b->message);
}

/* @a measures no more than @b: as many numbers, none larger. */
static bool within(const struct pf_baseline_key *a, const struct pf_baseline_key *b)
{
	size_t i;

	if (a->measure_cnt != b->measure_cnt)
		return false;
	for (i = 0; i < a->measure_cnt; i++)
		if (a->measure[i] > b->measure[i])
			return false;
	return true;
}

int pf_baseline__write(const struct pf_findings *r, const char *const *run, size_t run_cnt,
		       const char *path)
{
	struct pf_baseline_key *v = calloc(r->cnt + 1, sizeof(*v));
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text = NULL;
	size_t i, j;
	FILE *f;
	int err = 0;

	if (!v || !root) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < r->cnt; i++)
		entry_of(&r->v[i], run, run_cnt, &v[i]);
	qsort(v, r->cnt, sizeof(*v), cmp_entry);
	cJSON_AddNumberToObject(root, "version", 2);
	arr = cJSON_AddArrayToObject(root, "findings");
	for (i = 0; i < r->cnt; i++) {
		cJSON *o, *m;
		bool covered = false;

		/*
		 * One entry per problem: an instance that another of the same
		 * key measures at least as large says nothing more (the
		 * baseline keeps the largest, so neither is reported).
		 */
		for (j = 0; j < r->cnt && !covered; j++)
			covered = j != i && !cmp_key(&v[i], &v[j]) && within(&v[i], &v[j]) &&
				  (!within(&v[j], &v[i]) || j < i);
		if (covered)
			continue;
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "object", v[i].object);
		cJSON_AddStringToObject(o, "program", v[i].program);
		cJSON_AddStringToObject(o, "function", v[i].function);
		cJSON_AddStringToObject(o, "rule", v[i].rule);
		cJSON_AddItemToObject(o, "kernels", string_array(v[i].kernels, v[i].kernel_cnt));
		m = cJSON_AddArrayToObject(o, "measure");
		for (j = 0; j < v[i].measure_cnt; j++)
			cJSON_AddItemToArray(m, cJSON_CreateNumber((double)v[i].measure[j]));
		cJSON_AddStringToObject(o, "message", v[i].message);
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_Print(root);
	if (!text) {
		err = -ENOMEM;
		goto out;
	}
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", text) < 0)
		err = -errno;
	if (f && fclose(f) && !err)
		err = -errno;
out:
	cJSON_free(text);
	cJSON_Delete(root);
	free(v);
	return err;
}

/* Line and column of @at in @buf, 1-based. */
static void position(const char *buf, const char *at, unsigned int *line, unsigned int *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = buf; p < at && *p; p++) {
		if (*p == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* "near '...'": up to 16 characters either side of @at, on its line. */
static void near(const char *buf, const char *at, char *what, size_t len)
{
	const char *a = at, *b = at;

	while (a > buf && at - a < 16 && a[-1] != '\n')
		a--;
	while (*b && b - at < 16 && *b != '\n')
		b++;
	snprintf(what, len, "near '%.*s'", (int)(b - a), a);
}

/* Entry @i of a version-@version file into @k; a message in @err on failure. */
static int entry_load(const cJSON *it, int version, size_t i, struct pf_baseline_key *k,
		      char *err, size_t errlen)
{
	const struct {
		const char *name;
		char **field;
		bool in_v1;
	} strs[] = {
		{ "object", &k->object, true }, { "program", &k->program, false },
		{ "function", &k->function, true }, { "rule", &k->rule, true },
	};
	const cJSON *a, *e;
	size_t j;

	if (!cJSON_IsObject(it)) {
		snprintf(err, errlen, "findings[%zu] is not an object", i);
		return -EINVAL;
	}
	for (j = 0; j < sizeof(strs) / sizeof(strs[0]); j++) {
		if (version == 1 && !strs[j].in_v1)
			continue;
		e = cJSON_GetObjectItemCaseSensitive(it, strs[j].name);
		if (!cJSON_IsString(e)) {
			snprintf(err, errlen, "findings[%zu]: \"%s\" is missing or not a string",
				 i, strs[j].name);
			return -EINVAL;
		}
		if (!(*strs[j].field = strdup(e->valuestring)))
			return -ENOMEM;
	}
	if (version == 1)
		return 0;
	a = cJSON_GetObjectItemCaseSensitive(it, "kernels");
	if (!cJSON_IsArray(a)) {
		snprintf(err, errlen, "findings[%zu]: \"kernels\" is missing or not an array", i);
		return -EINVAL;
	}
	k->kernels = calloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*k->kernels));
	if (!k->kernels)
		return -ENOMEM;
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e)) {
			snprintf(err, errlen, "findings[%zu]: \"kernels\" holds a non-string", i);
			return -EINVAL;
		}
		if (!(k->kernels[k->kernel_cnt++] = strdup(e->valuestring)))
			return -ENOMEM;
	}
	a = cJSON_GetObjectItemCaseSensitive(it, "measure");
	if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > PF_BASELINE_MEASURES) {
		snprintf(err, errlen, "findings[%zu]: \"measure\" is missing or not an array of up to %d numbers",
			 i, PF_BASELINE_MEASURES);
		return -EINVAL;
	}
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsNumber(e) || e->valuedouble < 0 || e->valuedouble > 1e15 ||
		    e->valuedouble != (double)(long long)e->valuedouble) {
			snprintf(err, errlen, "findings[%zu]: \"measure\" holds something other than a whole number >= 0", i);
			return -EINVAL;
		}
		k->measure[k->measure_cnt++] = (long long)e->valuedouble;
	}
	e = cJSON_GetObjectItemCaseSensitive(it, "message");
	if (e && !cJSON_IsString(e)) {
		snprintf(err, errlen, "findings[%zu]: \"message\" is not a string", i);
		return -EINVAL;
	}
	if (e && !(k->message = strdup(e->valuestring)))
		return -ENOMEM;
	return 0;
}

int pf_baseline__load(const char *path, struct pf_baseline *b, char *err, size_t errlen)
{
	const cJSON *arr, *ver, *it;
	const char *end = NULL;
	char what[200] = "";
	unsigned int line, col;
	cJSON *root = NULL;
	char *buf;
	size_t n, i = 0;
	int ret;

	memset(b, 0, sizeof(*b));
	ret = pf_file__read(path, 64 << 20, &buf, &n);
	if (ret) {
		snprintf(err, errlen, "%s: cannot read the baseline: %s", path,
			 ret == -EINVAL ? "not a regular file" :
			 ret == -EFBIG ? "larger than 64 MiB" : strerror(-ret));
		return ret;
	}
	/* NUL-terminated: text after the value is an error too */
	root = cJSON_ParseWithOpts(buf, &end, 1);
	if (!root) {
		/* where the parser stopped: the mistake is there or just before */
		if (!end || end < buf || end > buf + n)
			end = buf + n;
		position(buf, end, &line, &col);
		if (!n)
			snprintf(what, sizeof(what), "the file is empty");
		else if (!*end)
			snprintf(what, sizeof(what), "it ends early");
		else
			near(buf, end, what, sizeof(what));
		snprintf(err, errlen, "%s:%u:%u: not valid JSON: %s", path, line, col, what);
		free(buf);
		return -EINVAL;
	}
	free(buf);
	ver = cJSON_GetObjectItemCaseSensitive(root, "version");
	arr = cJSON_GetObjectItemCaseSensitive(root, "findings");
	if (!cJSON_IsObject(root) || !cJSON_IsNumber(ver) || !cJSON_IsArray(arr)) {
		snprintf(what, sizeof(what), "not a bpf-preflight baseline: want an object with a \"version\" number and a \"findings\" array");
		ret = -EINVAL;
		goto out;
	}
	if (ver->valuedouble != 1 && ver->valuedouble != 2) {
		snprintf(what, sizeof(what), "baseline version %g: this bpf-preflight reads versions 1 and 2",
			 ver->valuedouble);
		ret = -EINVAL;
		goto out;
	}
	b->version = (int)ver->valuedouble;
	b->keys = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*b->keys));
	if (!b->keys) {
		ret = -ENOMEM;
		goto out;
	}
	cJSON_ArrayForEach(it, arr) {
		ret = entry_load(it, b->version, i++, &b->keys[b->cnt++], what, sizeof(what));
		if (ret)
			goto out;
	}
out:
	cJSON_Delete(root);
	if (ret == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory reading the baseline", path);
	else if (ret)
		snprintf(err, errlen, "%s: %s", path, what);
	if (ret)
		pf_baseline__free(b);
	return ret;
}

/* Every kernel of @f is one @k was recorded on. */
/* How many of @f's kernels @k names. */
static size_t kernels_common(const struct pf_baseline_key *f, const struct pf_baseline_key *k)
{
	size_t i, j, n = 0;

	for (i = 0; i < f->kernel_cnt; i++) {
		for (j = 0; j < k->kernel_cnt && strcmp(f->kernels[i], k->kernels[j]); j++)
			;
		n += j < k->kernel_cnt;
	}
	return n;
}

enum pf_baseline_match pf_baseline__match(const struct pf_baseline *b,
					  const struct pf_finding *d,
					  const char *const *run, size_t run_cnt,
					  const struct pf_baseline_key **worse)
{
	struct pf_baseline_key f;
	size_t i, common;

	*worse = NULL;
	entry_of(d, run, run_cnt, &f);
	for (i = 0; i < b->cnt; i++) {
		const struct pf_baseline_key *k = &b->keys[i];

		if (strcmp(k->rule, f.rule) || strcmp(k->object, f.object) ||
		    strcmp(k->function, f.function))
			continue;
		/* version 1 knew no program, kernels or measures */
		if (b->version == 1)
			return PF_BASELINE_KNOWN;
		if (strcmp(k->program, f.program))
			continue;
		common = kernels_common(&f, k);
		if (!common)
			continue;
		/* on all of its kernels, no larger: known */
		if (common == f.kernel_cnt && within(&f, k))
			return PF_BASELINE_KNOWN;
		/*
		 * Larger where the entry has kernels in common with it: worse
		 * (one finding holds every kernel's numbers, so a problem that
		 * grew and spread to new kernels is one finding, said worse).
		 */
		if (!within(&f, k) && !*worse)
			*worse = k;
	}
	return *worse ? PF_BASELINE_WORSE : PF_BASELINE_NEW;
}

void pf_baseline__free(struct pf_baseline *b)
{
	size_t i, j;

	for (i = 0; i < b->cnt; i++) {
		struct pf_baseline_key *k = &b->keys[i];

		free(k->object);
		free(k->program);
		free(k->function);
		free(k->rule);
		for (j = 0; j < k->kernel_cnt; j++)
			free(k->kernels[j]);
		free(k->kernels);
		free(k->message);
	}
	free(b->keys);
	memset(b, 0, sizeof(*b));
}

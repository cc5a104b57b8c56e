// SPDX-License-Identifier: MIT
/*
 * The collected findings of a run and their renderers: GCC-style text
 * (with a source excerpt and caret when the file is readable, colour on a
 * terminal), the JSON "diagnostics" array, and SARIF 2.1.0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct pf_rdiag *pf_report__add(struct pf_report *r)
{
	struct pf_rdiag *d;

	if (r->cnt == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 16;
		void *p = realloc(r->d, ncap * sizeof(*r->d));

		if (!p)
			return NULL;
		r->d = p;
		r->cap = ncap;
	}
	d = &r->d[r->cnt++];
	memset(d, 0, sizeof(*d));
	d->insn = -1;
	return d;
}

void pf_rdiag__note(struct pf_rdiag *d, const char *msg, const char *file,
		    unsigned int line, unsigned int col, const char *function, long insn)
{
	struct pf_rnote *n;
	void *p = realloc(d->notes, (d->note_cnt + 1) * sizeof(*d->notes));

	if (!p)
		return;
	d->notes = p;
	n = &d->notes[d->note_cnt++];
	n->message = dup_or_null(msg);
	n->file = dup_or_null(file);
	n->line = line;
	n->col = col;
	n->function = dup_or_null(function);
	n->insn = insn;
}

void pf_rdiag__kernel(struct pf_rdiag *d, const char *kernel)
{
	void *p = realloc(d->kernels, (d->kernel_cnt + 1) * sizeof(*d->kernels));

	if (!p)
		return;
	d->kernels = p;
	d->kernels[d->kernel_cnt++] = strdup(kernel);
}

void pf_rdiag__free(struct pf_rdiag *d)
{
	size_t j;

	free(d->message);
	free(d->file);
	free(d->object);
	free(d->program);
	free(d->function);
	free(d->src_text);
	for (j = 0; j < d->kernel_cnt; j++)
		free(d->kernels[j]);
	free(d->kernels);
	for (j = 0; j < d->note_cnt; j++) {
		free(d->notes[j].message);
		free(d->notes[j].file);
		free(d->notes[j].function);
	}
	free(d->notes);
	memset(d, 0, sizeof(*d));
}

void pf_report__free(struct pf_report *r)
{
	size_t i;

	for (i = 0; i < r->cnt; i++)
		pf_rdiag__free(&r->d[i]);
	free(r->d);
	memset(r, 0, sizeof(*r));
}

static const char *basename_of(const char *p)
{
	const char *b = p ? strrchr(p, '/') : NULL;

	return b ? b + 1 : (p ? p : "");
}

unsigned long long pf_rdiag__fingerprint(const struct pf_rdiag *d)
{
	const char *parts[3] = { basename_of(d->object), d->function ? d->function : "",
				 d->rule };
	unsigned long long h = 1469598103934665603ULL;	/* FNV-1a */
	size_t i;

	for (i = 0; i < 3; i++) {
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

static bool line_disables(const char *text, const char *rule)
{
	const char *p = text ? strstr(text, "bpf-preflight: disable=") : NULL;
	size_t n = strlen(rule);

	if (!p)
		return false;
	p += strlen("bpf-preflight: disable=");
	while (*p) {
		size_t len = strcspn(p, ", \t*");

		if ((len == n && !strncmp(p, rule, n)) || (len == 3 && !strncmp(p, "all", 3)))
			return true;
		p += len;
		if (*p != ',')
			break;
		p++;
	}
	return false;
}

bool pf_rdiag__suppressed_inline(const struct pf_rdiag *d)
{
	char buf[1024];

	if (!d->line)
		return false;
	if (line_disables(d->src_text, d->rule))
		return true;
	if (read_line(d->file, d->line, buf, sizeof(buf)) && line_disables(buf, d->rule))
		return true;
	return d->line > 1 && read_line(d->file, d->line - 1, buf, sizeof(buf)) &&
	       line_disables(buf, d->rule);
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

static void text_excerpt(const struct pf_rdiag *d, bool color)
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

void pf_report__text(const struct pf_report *r, bool color)
{
	size_t i, j;

	for (i = 0; i < r->cnt; i++) {
		const struct pf_rdiag *d = &r->d[i];
		const char *sev = pf_severity__name(d->severity);
		const char *c = d->severity == PF_SEV_ERROR ? C_RED :
				d->severity == PF_SEV_WARNING ? C_MAG : C_CYAN;

		text_loc(d->file, d->line, d->col, d->object, color);
		printf("%s%s:%s %s [%s]\n", color ? c : "", sev, color ? C_OFF : "",
		       d->message, d->rule);
		text_excerpt(d, color);
		for (j = 0; j < d->note_cnt; j++) {
			const struct pf_rnote *n = &d->notes[j];

			text_loc(n->file, n->line, n->col, d->object, color);
			printf("%snote:%s %s\n", color ? C_CYAN : "", color ? C_OFF : "", n->message);
		}
	}
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

cJSON *pf_report__json(const struct pf_report *r)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i, j;

	for (i = 0; i < r->cnt; i++) {
		const struct pf_rdiag *d = &r->d[i];
		cJSON *o = cJSON_CreateObject(), *k, *notes;

		cJSON_AddStringToObject(o, "rule", d->rule);
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
		notes = cJSON_AddArrayToObject(o, "notes");
		for (j = 0; j < d->note_cnt; j++) {
			const struct pf_rnote *n = &d->notes[j];
			cJSON *no = cJSON_CreateObject();

			cJSON_AddStringToObject(no, "message", n->message);
			if (n->function)
				cJSON_AddStringToObject(no, "function", n->function);
			json_pos(no, n->file, d->object, n->line, n->col, n->insn);
			cJSON_AddItemToArray(notes, no);
		}
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
 * SARIF wants URIs: a path under the current directory is relative to
 * %SRCROOT% (which the run defines), any other becomes a file:// URI.
 */
static void sarif_uri(cJSON *art, const char *path)
{
	char cwd[4096], buf[8192];
	size_t n, o = 0;
	const char *p;

	if (path[0] != '/') {
		cJSON_AddStringToObject(art, "uri", path);
		cJSON_AddStringToObject(art, "uriBaseId", "%SRCROOT%");
		return;
	}
	if (getcwd(cwd, sizeof(cwd)) && (n = strlen(cwd)) && !strncmp(path, cwd, n) &&
	    path[n] == '/') {
		cJSON_AddStringToObject(art, "uri", path + n + 1);
		cJSON_AddStringToObject(art, "uriBaseId", "%SRCROOT%");
		return;
	}
	o = (size_t)snprintf(buf, sizeof(buf), "file://");
	for (p = path; *p && o + 4 < sizeof(buf); p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= ' ' || c >= 0x7f || strchr("%#?[]\"", c))
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%%%02X", c);
		else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	cJSON_AddStringToObject(art, "uri", buf);
}

static cJSON *sarif_location(const char *file, const char *object, unsigned int line,
			     unsigned int col)
{
	cJSON *loc = cJSON_CreateObject(), *phys, *art;

	phys = cJSON_AddObjectToObject(loc, "physicalLocation");
	art = cJSON_AddObjectToObject(phys, "artifactLocation");
	sarif_uri(art, file ? file : object);
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

static int rule_index(const char *id)
{
	int i;

	for (i = 0; pf_rules[i]; i++)
		if (!strcmp(pf_rules[i]->id, id))
			return i;
	return -1;
}

cJSON *pf_report__sarif(const struct pf_report *r, const char *version)
{
	cJSON *root = cJSON_CreateObject(), *runs, *run, *drv, *results;
	size_t i, j;

	cJSON_AddStringToObject(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(root, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(root, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	drv = cJSON_AddObjectToObject(cJSON_AddObjectToObject(run, "tool"), "driver");
	{
		char cwd[4096], uri[4200];
		cJSON *bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");

		if (getcwd(cwd, sizeof(cwd))) {
			snprintf(uri, sizeof(uri), "file://%s/", cwd);
			cJSON_AddStringToObject(cJSON_AddObjectToObject(bases, "%SRCROOT%"), "uri", uri);
		}
	}
	cJSON_AddStringToObject(drv, "name", "bpf-preflight");
	cJSON_AddStringToObject(drv, "version", version);
	cJSON_AddStringToObject(drv, "informationUri", "https://example.invalid/bpf-preflight");
	cJSON_AddItemToObject(drv, "rules", sarif_rules());
	results = cJSON_AddArrayToObject(run, "results");
	for (i = 0; i < r->cnt; i++) {
		const struct pf_rdiag *d = &r->d[i];
		cJSON *res = cJSON_CreateObject(), *locs, *rel, *fp, *msg;
		char hash[32];

		cJSON_AddStringToObject(res, "ruleId", d->rule);
		if (rule_index(d->rule) >= 0)
			cJSON_AddNumberToObject(res, "ruleIndex", rule_index(d->rule));
		cJSON_AddStringToObject(res, "level", sarif_level(d->severity));
		msg = cJSON_AddObjectToObject(res, "message");
		cJSON_AddStringToObject(msg, "text", d->message);
		locs = cJSON_AddArrayToObject(res, "locations");
		cJSON_AddItemToArray(locs, sarif_location(d->file, d->object, d->line, d->col));
		if (d->note_cnt) {
			rel = cJSON_AddArrayToObject(res, "relatedLocations");
			for (j = 0; j < d->note_cnt; j++) {
				const struct pf_rnote *n = &d->notes[j];
				cJSON *l = sarif_location(n->file, d->object, n->line, n->col);

				cJSON_AddNumberToObject(l, "id", (double)j);
				msg = cJSON_AddObjectToObject(l, "message");
				cJSON_AddStringToObject(msg, "text", n->message);
				cJSON_AddItemToArray(rel, l);
			}
		}
		fp = cJSON_AddObjectToObject(res, "partialFingerprints");
		snprintf(hash, sizeof(hash), "%016llx", pf_rdiag__fingerprint(d));
		cJSON_AddStringToObject(fp, "bpfPreflight/v1", hash);
		cJSON_AddItemToArray(results, res);
	}
	return root;
}

/* ---- baselines ---- */

int pf_baseline__write(const struct pf_report *r, const char *path)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	char *text;
	FILE *f;
	size_t i;
	int err = 0;

	cJSON_AddNumberToObject(root, "version", 1);
	arr = cJSON_AddArrayToObject(root, "findings");
	for (i = 0; i < r->cnt; i++) {
		cJSON *o = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "object", basename_of(r->d[i].object));
		cJSON_AddStringToObject(o, "function", r->d[i].function ? r->d[i].function : "");
		cJSON_AddStringToObject(o, "rule", r->d[i].rule);
		cJSON_AddItemToArray(arr, o);
	}
	text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return -ENOMEM;
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", text) < 0)
		err = -errno;
	if (f && fclose(f))
		err = -errno;
	cJSON_free(text);
	return err;
}

int pf_baseline__load(const char *path, struct pf_report *keys)
{
	cJSON *root, *arr, *it;
	char *buf = NULL;
	long n;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > (64 << 20) ||
	    fseek(f, 0, SEEK_SET) || !(buf = calloc(1, n + 1)) ||
	    fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -EINVAL;
	}
	fclose(f);
	root = cJSON_Parse(buf);
	free(buf);
	arr = root ? cJSON_GetObjectItem(root, "findings") : NULL;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, arr) {
		cJSON *o = cJSON_GetObjectItem(it, "object"), *fn = cJSON_GetObjectItem(it, "function");
		cJSON *ru = cJSON_GetObjectItem(it, "rule");
		struct pf_rdiag *d;

		if (!cJSON_IsString(o) || !cJSON_IsString(fn) || !cJSON_IsString(ru))
			continue;
		d = pf_report__add(keys);
		if (!d)
			break;
		d->object = strdup(o->valuestring);
		d->function = strdup(fn->valuestring);
		/* keys live as long as the baseline: keep the rule string owned */
		d->message = strdup(ru->valuestring);
		d->rule = d->message;
	}
	cJSON_Delete(root);
	return 0;
}

bool pf_baseline__has(const struct pf_report *keys, const struct pf_rdiag *d)
{
	size_t i;

	for (i = 0; i < keys->cnt; i++) {
		const struct pf_rdiag *k = &keys->d[i];

		if (!strcmp(k->rule, d->rule) && !strcmp(k->object, basename_of(d->object)) &&
		    !strcmp(k->function, d->function ? d->function : ""))
			return true;
	}
	return false;
}

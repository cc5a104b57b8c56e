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
	return d->line > 1 && read_line(d->file, d->line - 1, buf, sizeof(buf)) &&
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

cJSON *pf_report__sarif(const struct pf_findings *r, const char *version)
{
	cJSON *root = cJSON_CreateObject(), *runs, *run, *drv, *results;
	unsigned long long *fps;
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
		cJSON_AddItemToArray(locs, sarif_location(d->file, d->object, d->line, d->col));
		if (d->note_cnt) {
			rel = cJSON_AddArrayToObject(res, "relatedLocations");
			for (j = 0; j < d->note_cnt; j++) {
				const struct pf_finding_note *n = &d->notes[j];
				cJSON *l = sarif_location(n->file, d->object, n->line, n->col);

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

int pf_baseline__write(const struct pf_findings *r, const char *path)
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

		cJSON_AddStringToObject(o, "object", basename_of(r->v[i].object));
		cJSON_AddStringToObject(o, "function", r->v[i].function ? r->v[i].function : "");
		cJSON_AddStringToObject(o, "rule", pf_rule_id__name(r->v[i].rule));
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

int pf_baseline__load(const char *path, struct pf_baseline *b)
{
	cJSON *root, *arr, *it;
	char *buf;
	size_t n;
	int err;

	memset(b, 0, sizeof(*b));
	err = pf_file__read(path, 64 << 20, &buf, &n);
	if (err)
		return err;
	root = cJSON_Parse(buf);
	free(buf);
	arr = root ? cJSON_GetObjectItem(root, "findings") : NULL;
	if (!cJSON_IsArray(arr)) {
		cJSON_Delete(root);
		return -EINVAL;
	}
	b->keys = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*b->keys));
	if (!b->keys) {
		cJSON_Delete(root);
		return -ENOMEM;
	}
	cJSON_ArrayForEach(it, arr) {
		cJSON *o = cJSON_GetObjectItem(it, "object"), *fn = cJSON_GetObjectItem(it, "function");
		cJSON *ru = cJSON_GetObjectItem(it, "rule");
		struct pf_baseline_key *k;

		if (!cJSON_IsString(o) || !cJSON_IsString(fn) || !cJSON_IsString(ru))
			continue;
		k = &b->keys[b->cnt++];
		k->object = strdup(o->valuestring);
		k->function = strdup(fn->valuestring);
		k->rule = strdup(ru->valuestring);
		if (!k->object || !k->function || !k->rule) {
			cJSON_Delete(root);
			pf_baseline__free(b);
			return -ENOMEM;
		}
	}
	cJSON_Delete(root);
	return 0;
}

bool pf_baseline__has(const struct pf_baseline *b, const struct pf_finding *d)
{
	const char *rule = pf_rule_id__name(d->rule);
	size_t i;

	for (i = 0; i < b->cnt; i++) {
		const struct pf_baseline_key *k = &b->keys[i];

		if (!strcmp(k->rule, rule) && !strcmp(k->object, basename_of(d->object)) &&
		    !strcmp(k->function, d->function ? d->function : ""))
			return true;
	}
	return false;
}

void pf_baseline__free(struct pf_baseline *b)
{
	size_t i;

	for (i = 0; i < b->cnt; i++) {
		free(b->keys[i].object);
		free(b->keys[i].function);
		free(b->keys[i].rule);
	}
	free(b->keys);
	memset(b, 0, sizeof(*b));
}

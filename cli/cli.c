// SPDX-License-Identifier: MIT
/* Shared command-line plumbing: opening operands, the input error path. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <cjson/cJSON.h>

#include "cli.h"
#include "report.h"

/*
 * What went to stderr about the inputs, kept for the reports: a SARIF or
 * JSON consumer (a CI upload, an editor) never sees stderr, and a run
 * that skipped an unreadable object must not look like a clean one there.
 * One process is one run, so the list is the process's.
 */
static struct pf_cli_problem *problems;
static size_t problem_cnt;
static bool problems_lost;

static void problem_add(bool error, const char *path, const char *message)
{
	struct pf_cli_problem *v, *p;

	v = realloc(problems, (problem_cnt + 1) * sizeof(*v));
	if (!v) {
		problems_lost = true;
		return;
	}
	problems = v;
	p = &problems[problem_cnt];
	p->error = error;
	p->file = path ? strdup(path) : NULL;
	p->message = strdup(message);
	if (!p->message || (path && !p->file)) {
		free(p->file);
		free(p->message);
		problems_lost = true;
		return;
	}
	problem_cnt++;
}

const struct pf_cli_problem *pf_cli__problems(size_t *cnt, bool *lost)
{
	*cnt = problem_cnt;
	if (lost)
		*lost = problems_lost;
	return problems;
}

void pf_cli__problems_free(void)
{
	while (problem_cnt--) {
		free(problems[problem_cnt].file);
		free(problems[problem_cnt].message);
	}
	free(problems);
	problems = NULL;
	problem_cnt = 0;
}

void pf_cli__input_error(const char *path, const char *reason)
{
	fprintf(stderr, "bpf-preflight: %s: %s\n", path, reason);
	problem_add(true, path, reason);
}

void pf_cli__run_error(const char *message)
{
	fprintf(stderr, "bpf-preflight: %s\n", message);
	problem_add(true, NULL, message);
}

void pf_cli__warnings(const struct pf_object *obj)
{
	size_t i;

	for (i = 0; i < obj->warning_cnt; i++) {
		fprintf(stderr, "bpf-preflight: %s: warning: %s\n", obj->path,
			obj->warnings[i]);
		problem_add(false, obj->path, obj->warnings[i]);
	}
}

/* One operand: report it, or hand its model to @fn; the worst status. */
/*
 * What -p NAME matched over the objects: a name that selects nothing (a
 * typo, a subprogram) is an error, not an empty report.
 */
struct prog_find {
	bool opened;		/* some object opened */
	bool found;		/* ... and has a program NAME */
	const char *subprog_in;	/* an object where NAME is a function, not a program */
	char names[240];	/* the programs there are, for the message */
	size_t names_len;
	bool names_more;
};

static void prog_find__note(struct prog_find *pf, const char *want, const struct pf_object *obj,
			    const char *path)
{
	size_t p;

	pf->opened = true;
	for (p = 0; p < obj->prog_cnt; p++) {
		const char *name = obj->funcs[obj->progs[p].func].name;
		int n;

		if (!name)
			continue;
		if (!strcmp(name, want)) {
			pf->found = true;
			return;
		}
		n = snprintf(pf->names + pf->names_len, sizeof(pf->names) - pf->names_len, "%s%s",
			     pf->names_len ? ", " : "", name);
		if (n < 0 || (size_t)n >= sizeof(pf->names) - pf->names_len) {
			pf->names[pf->names_len] = '\0';
			pf->names_more = true;
		} else {
			pf->names_len += (size_t)n;
		}
	}
	for (p = 0; p < obj->func_cnt && !pf->subprog_in; p++)
		if (obj->funcs[p].name && !strcmp(obj->funcs[p].name, want))
			pf->subprog_in = path;
}

static int for_one(const struct pf_opts *opts, const struct pf_input *in, struct pf_object *obj,
		   int open_err, const char *err, pf_object_fn fn, void *ctx, int ret,
		   struct prog_find *pf)
{
	int r;

	if (open_err) {
		pf_cli__input_error(in->name, err);
		return ret > PF_EXIT_INPUT ? ret : PF_EXIT_INPUT;
	}
	pf_cli__warnings(obj);
	if (opts->prog)
		prog_find__note(pf, opts->prog, obj, in->name);
	r = fn(obj, opts, ctx);
	pf_object__free(obj);
	return r > ret ? r : ret;
}

/*
 * -j N: N threads model the operands (pf_object__open, the expensive part,
 * which shares nothing between objects) at most 2N ahead of this thread,
 * which reports and runs @fn on each in command-line order exactly as the
 * serial loop does: the output is the same as with -j 1 by construction.
 */
struct jobs {
	const struct pf_inputs *in;
	struct job_slot {
		struct pf_object *obj;
		int err;
		bool done;
		char msg[256];
	} *slots;
	int next;		/* next operand a worker takes */
	int consumed;		/* operands handed on in order */
	int window;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static void *jobs_worker(void *arg)
{
	struct jobs *j = arg;
	struct job_slot *s;
	int i;

	for (;;) {
		pthread_mutex_lock(&j->lock);
		while (j->next < (int)j->in->cnt && j->next >= j->consumed + j->window)
			pthread_cond_wait(&j->cond, &j->lock);
		if (j->next >= (int)j->in->cnt) {
			pthread_mutex_unlock(&j->lock);
			return NULL;
		}
		i = j->next++;
		pthread_mutex_unlock(&j->lock);
		s = &j->slots[i];
		s->err = pf_input__open(&j->in->v[i], &s->obj, s->msg, sizeof(s->msg));
		pthread_mutex_lock(&j->lock);
		s->done = true;
		pthread_cond_broadcast(&j->cond);
		pthread_mutex_unlock(&j->lock);
	}
}

static int for_each_parallel(const struct pf_opts *opts, const struct pf_inputs *in,
			     pf_object_fn fn, void *ctx, struct prog_find *pf)
{
	struct jobs j = { .in = in };
	int cnt = (int)in->cnt;
	unsigned int want = opts->jobs < (unsigned int)cnt ? opts->jobs : (unsigned int)cnt;
	pthread_t *tids;
	unsigned int started = 0, t;
	int ret = PF_EXIT_OK, i;

	j.slots = calloc(cnt, sizeof(*j.slots));
	tids = calloc(want, sizeof(*tids));
	if (!j.slots || !tids) {
		free(j.slots);
		free(tids);
		return -1;
	}
	j.window = 2 * (int)want;
	pthread_mutex_init(&j.lock, NULL);
	pthread_cond_init(&j.cond, NULL);
	for (t = 0; t < want; t++)
		if (!pthread_create(&tids[started], NULL, jobs_worker, &j))
			started++;
	if (!started) {
		/* No thread at all: model in this thread, serially. */
		pthread_mutex_lock(&j.lock);
		j.next = cnt;
		pthread_mutex_unlock(&j.lock);
	}
	for (i = 0; i < cnt; i++) {
		struct job_slot *s = &j.slots[i];

		if (started) {
			pthread_mutex_lock(&j.lock);
			while (!s->done)
				pthread_cond_wait(&j.cond, &j.lock);
			pthread_mutex_unlock(&j.lock);
		} else {
			s->err = pf_input__open(&in->v[i], &s->obj, s->msg, sizeof(s->msg));
		}
		ret = for_one(opts, &in->v[i], s->obj, s->err, s->msg, fn, ctx, ret, pf);
		pthread_mutex_lock(&j.lock);
		j.consumed = i + 1;
		pthread_cond_broadcast(&j.cond);
		pthread_mutex_unlock(&j.lock);
	}
	for (t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	pthread_cond_destroy(&j.cond);
	pthread_mutex_destroy(&j.lock);
	free(j.slots);
	free(tids);
	return ret;
}

static int prog_find__result(const struct pf_opts *opts, const struct prog_find *pf, int ret)
{
	if (!opts->prog || !pf->opened || pf->found)
		return ret;
	if (pf->subprog_in)
		fprintf(stderr, "bpf-preflight: -p %s: a function of %s, not a program (programs: %s%s)\n",
			opts->prog, pf->subprog_in, pf->names_len ? pf->names : "none",
			pf->names_more ? ", ..." : "");
	else
		fprintf(stderr, "bpf-preflight: -p %s: no program of that name (programs: %s%s)\n",
			opts->prog, pf->names_len ? pf->names : "none", pf->names_more ? ", ..." : "");
	return ret > PF_EXIT_INPUT ? ret : PF_EXIT_INPUT;
}

int pf_cli__for_each_object(const struct pf_opts *opts, pf_object_fn fn, void *ctx)
{
	struct prog_find pf = { 0 };
	struct pf_inputs in;
	int ret = PF_EXIT_OK;
	size_t i;

	if (pf_inputs__expand(&in, opts->argc, opts->argv)) {
		fprintf(stderr, "bpf-preflight: out of memory\n");
		return PF_EXIT_INTERNAL;
	}
	if (opts->jobs > 1 && in.cnt > 1) {
		ret = for_each_parallel(opts, &in, fn, ctx, &pf);
		if (ret >= 0)
			goto out;
		ret = PF_EXIT_OK;	/* out of memory for the slots: serially */
	}
	for (i = 0; i < in.cnt; i++) {
		struct pf_object *obj;
		char err[256];
		int open_err;

		open_err = pf_input__open(&in.v[i], &obj, err, sizeof(err));
		ret = for_one(opts, &in.v[i], obj, open_err, err, fn, ctx, ret, &pf);
	}
out:
	ret = prog_find__result(opts, &pf, ret);
	pf_inputs__free(&in);
	return ret;
}

/*
 * --color=auto: a terminal, unless NO_COLOR is set to something
 * (no-color.org: "present and not an empty string") or TERM says the
 * terminal is dumb.
 */
bool pf_cli__color_auto(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (no && *no)
		return false;
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(STDOUT_FILENO);
}

const char *pf_prog_type_str(int type)
{
	const char *s = libbpf_bpf_prog_type_str(type);

	return s ? s : "unknown";
}

const char *pf_map_type_str(unsigned int type)
{
	const char *s = libbpf_bpf_map_type_str(type);

	return s ? s : "unknown";
}

void pf_cli__run_note(const char *message)
{
	fprintf(stderr, "bpf-preflight: %s\n", message);
	problem_add(false, NULL, message);
}

/* The next profile slot, or NULL (said) when the run has as many as it takes. */
static struct pf_profile *next_profile(struct pf_opts *opts)
{
	if (opts->profile_cnt < PF_MAX_PROFILES)
		return &opts->profiles[opts->profile_cnt];
	fprintf(stderr, "bpf-preflight: too many kernels (limit %d)\n", PF_MAX_PROFILES);
	return NULL;
}

static int add_profile(struct pf_opts *opts, const char *ver)
{
	struct pf_profile *p = next_profile(opts);

	if (!p)
		return -EINVAL;
	if (pf_profile__parse(ver, opts->arch, !opts->no_jit, p)) {
		fprintf(stderr, "bpf-preflight: bad kernel version '%s' (want X.Y or X.Y.Z, host, all, none, "
			"@FILE, @DIR or X~KNOWN)\n", ver);
		return -EINVAL;
	}
	opts->profile_cnt++;
	return 0;
}

/*
 * A kernel named by a label (a profile file, -k host) must be the only
 * one of that name: reports, baselines and stack_depth keys tell the
 * kernels apart by name alone.
 */
static int name_unique(const struct pf_opts *opts, const struct pf_profile *p, const char *what)
{
	size_t i;

	for (i = 0; i < opts->profile_cnt; i++) {
		if (&opts->profiles[i] != p && !strcmp(opts->profiles[i].name, p->name)) {
			fprintf(stderr, "bpf-preflight: %s: kernel '%s' is in the run twice; reports name "
				"kernels by label, so give each profile its own \"label\"\n", what, p->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* -k @FILE: a profile `bpf-preflight probe` wrote on the target machine. */
static int add_profile_file(struct pf_opts *opts, const char *path)
{
	struct pf_profile *p = next_profile(opts);
	char why[600], ver[32];
	int err;

	if (!p)
		return -EINVAL;
	err = pf_profile__load(path, p, why, sizeof(why));
	if (err) {
		fprintf(stderr, "bpf-preflight: %s: %s\n", path, why);
		return err;
	}
	if (name_unique(opts, p, path))
		return -EINVAL;
	/*
	 * The measured facts stand; the others come from the table, which
	 * cannot place a kernel outside its range: say so, once.
	 */
	snprintf(ver, sizeof(ver), "%u.%u.%u", PF_KV_MAJOR(p->version), PF_KV_MINOR(p->version),
		 PF_KV_PATCH(p->version));
	if (pf_profile__place(ver, why, sizeof(why)) && (why[strcspn(why, ";")] = '\0', 1))
		fprintf(stderr, "bpf-preflight: %s: warning: %s; the facts the profile did not "
			"measure are the fact table's nearest row\n", path, why);
	if (opts->no_jit)
		p->jit = false;
	opts->profile_cnt++;
	return 0;
}

static int json_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && !strcmp(d->d_name + n - 5, ".json");
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * -k @DIR (and the config file's "profiles = DIR"): a fleet's recorded
 * kernels, every *.json in DIR in byte order (the same in every locale).
 * A directory without one is an error: a CI job pointed at the wrong
 * place must not pass for checking nothing.
 */
static int add_profile_dir(struct pf_opts *opts, const char *dir)
{
	struct dirent **names = NULL;
	char path[4096];
	int n, i, err = 0;

	n = scandir(dir, &names, json_name, name_cmp);
	if (n < 0) {
		err = -errno;
		fprintf(stderr, "bpf-preflight: %s: %s\n", dir, strerror(errno));
		return err;
	}
	if (!n) {
		fprintf(stderr, "bpf-preflight: %s: no profiles (*.json) in the directory; write them "
			"with 'bpf-preflight probe -o %s/HOST.json' on each kind of machine\n", dir, dir);
		err = -ENOENT;
	}
	for (i = 0; i < n; i++) {
		if (!err) {
			snprintf(path, sizeof(path), "%s%s%s", dir,
				 dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]->d_name);
			err = add_profile_file(opts, path);
		}
		free(names[i]);
	}
	free(names);
	return err;
}

static int add_profile_path(struct pf_opts *opts, const char *path)
{
	struct stat st;

	if (!*path) {
		fprintf(stderr, "bpf-preflight: --kernel @FILE wants a file name\n");
		return -EINVAL;
	}
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return add_profile_dir(opts, path);
	return add_profile_file(opts, path);
}

/*
 * -k X~KNOWN: the explicit opt-in for a kernel the table cannot place
 * (a release after its newest, a vendor build): KNOWN's row, labelled
 * "X~KNOWN" in every report and said once. "X~" is X's nearest known.
 */
static int add_assumed(struct pf_opts *opts, const char *tok)
{
	const char *tilde = strchr(tok, '~');
	char x[64], like[32], why[600], note[200];
	struct pf_profile *p;
	int err;

	snprintf(x, sizeof(x), "%.*s", (int)(tilde - tok), tok);
	if (!strcmp(x, "host")) {
		p = next_profile(opts);
		if (!p)
			return -EINVAL;
		err = pf_cli__host_profile(opts, tilde + 1, p);
		if (!err)
			err = name_unique(opts, p, "-k host");
		if (!err)
			opts->profile_cnt++;
		return err;
	}
	err = pf_profile__place(x, why, sizeof(why));
	if (err == -EINVAL) {
		fprintf(stderr, "bpf-preflight: -k %s: %s\n", tok, why);
		return err;
	}
	if (!err) {
		/* the table knows X (now): its own row beats any other's */
		snprintf(note, sizeof(note), "kernel %s: the fact table knows it; '~%s' ignored", x,
			 tilde + 1);
		pf_cli__run_note(note);
		return add_profile(opts, x);
	}
	if (tilde[1])
		snprintf(like, sizeof(like), "%s", tilde + 1);
	else if (!pf_profile__nearest(x, like, sizeof(like)))
		return add_profile(opts, x);	/* not a version: said there */
	if (pf_profile__place(like, why, sizeof(why))) {
		fprintf(stderr, "bpf-preflight: -k %s: %s\n", tok, why);
		return -EINVAL;
	}
	err = add_profile(opts, like);
	if (err)
		return err;
	p = &opts->profiles[opts->profile_cnt - 1];
	if (snprintf(p->name, sizeof(p->name), "%s~%s", x, like) >= (int)sizeof(p->name)) {
		fprintf(stderr, "bpf-preflight: -k %s: longer than %zu characters\n", tok,
			sizeof(p->name) - 1);
		opts->profile_cnt--;
		return -EINVAL;
	}
	snprintf(note, sizeof(note), "kernel %s: assumed like %s (not measured)", x, like);
	pf_cli__run_note(note);
	return 0;
}

static int add_host(struct pf_opts *opts)
{
	struct pf_profile *p = next_profile(opts);
	int err;

	if (!p)
		return -EINVAL;
	err = pf_cli__host_profile(opts, NULL, p);
	if (!err)
		err = name_unique(opts, p, "-k host");
	if (!err)
		opts->profile_cnt++;
	return err;
}

int pf_cli__profiles(struct pf_opts *opts)
{
	const char *const *known = pf_profile__known();
	char *list, *tok, *save = NULL;
	int err = 0;

	if (opts->kernels && !strcmp(opts->kernels, "none"))
		return 0;
	if (!opts->kernels || !strcmp(opts->kernels, "all")) {
		for (; *known && !err; known++)
			err = add_profile(opts, *known);
		return err;
	}
	list = strdup(opts->kernels);
	if (!list)
		return -ENOMEM;
	for (tok = strtok_r(list, ",", &save); tok && !err;
	     tok = strtok_r(NULL, ",", &save)) {
		if (tok[0] == '@') {
			err = add_profile_path(opts, tok + 1);
		} else if (strchr(tok, '~')) {
			err = add_assumed(opts, tok);
		} else if (!strcmp(tok, "host")) {
			err = add_host(opts);
		} else if (!strcmp(tok, "all")) {
			for (known = pf_profile__known(); *known && !err; known++)
				err = add_profile(opts, *known);
		} else {
			err = add_profile(opts, tok);
		}
	}
	free(list);
	return err;
}

int pf_cli__print_json(cJSON *root, int ret)
{
	char *text = cJSON_Print(root);

	if (text)
		printf("%s\n", text);
	cJSON_free(text);
	cJSON_Delete(root);
	return text ? ret : PF_EXIT_INTERNAL;
}

/*
 * The git top level by walking up from the physical current directory to
 * the first directory holding ".git" (a directory, or the file of a
 * worktree or submodule), rather than `git rev-parse --show-toplevel`:
 * no git binary needed where the tool runs (a CI image may lack it), and
 * no refusal by git's safe.directory check when the checkout belongs to
 * another user, as in a container job, where rev-parse fails and the URIs
 * would silently become relative to the wrong directory.
 */
int pf_cli__srcroot(const struct pf_opts *opts, char *buf, size_t len)
{
	char *real, probe[4096 + 8], *slash;
	size_t n;

	if (opts->srcroot) {
		real = realpath(opts->srcroot, NULL);
		if (!real) {
			int err = -errno;

			fprintf(stderr, "bpf-preflight: --srcroot %s: %s\n", opts->srcroot,
				strerror(-err));
			return err;
		}
		if (strlen(real) >= len) {
			free(real);
			fprintf(stderr, "bpf-preflight: --srcroot %s: path too long\n",
				opts->srcroot);
			return -ENAMETOOLONG;
		}
		snprintf(buf, len, "%s", real);
		free(real);
		return 0;
	}
	if (!getcwd(buf, len)) {
		int err = -errno;

		fprintf(stderr, "bpf-preflight: cannot name the current directory (%s)\n",
			strerror(-err));
		return err;
	}
	for (n = strlen(buf);;) {
		snprintf(probe, sizeof(probe), "%.*s/.git", (int)n, buf);
		if (!access(probe, F_OK)) {
			buf[n ? n : 1] = '\0';	/* "/" stays "/" */
			return 0;
		}
		slash = n ? memrchr(buf, '/', n) : NULL;
		if (!slash)
			break;
		n = (size_t)(slash - buf);
	}
	/* not in a git tree: the current directory, as before */
	return getcwd(buf, len) ? 0 : -errno;
}

void pf_cli__json_errors(cJSON *root)
{
	cJSON_AddItemToObject(root, "errors", pf_report__json_errors(problems, problem_cnt));
}

cJSON *pf_cli__json_profile(const struct pf_profile *p)
{
	cJSON *t = cJSON_CreateObject();

	cJSON_AddStringToObject(t, "kernel", p->name);
	cJSON_AddStringToObject(t, "arch", pf_arch__name(p->arch));
	cJSON_AddBoolToObject(t, "jit", p->jit);
	return t;
}

// SPDX-License-Identifier: MIT
/*
 * -k host: the kernel this runs on. Two builds of one release differ
 * (6.18.44 builds with and without private stacks for kprobes), so the
 * table's row for the release is only a guess at this build: as root the
 * kernel is measured once with the probe and its profile cached, keyed by
 * what names the build (uname -r, uname -v with its build number and date,
 * the machine), under $XDG_CACHE_HOME/bpf-preflight (~/.cache by default).
 * A matching cache is read, nothing is loaded. Without root the table's
 * row stands in, and the run says that its facts are assumed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "bpf_preflight.h"

struct host {
	struct utsname u;
	enum pf_arch arch;
	char release[80];	/* the upstream release (Debian's 6.1.0-N says it in -v) */
	char dir[4096];		/* the cache directory; "" when there is none */
	char cache[4096 + 256];	/* the cache file */
};

/* FNV-1a: the file name only has to tell builds apart, the file says the key */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (h ^ '\n') * 0x100000001b3ull;
}

/*
 * XDG Base Directory: $XDG_CACHE_HOME if absolute (a relative one is to be
 * ignored), else $HOME/.cache. BPF_PREFLIGHT_NO_CACHE set: none at all.
 */
static void host_cache_path(struct host *h)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME"), *no;
	char name[96];
	uint64_t key;
	size_t i;

	h->dir[0] = h->cache[0] = '\0';
	no = getenv("BPF_PREFLIGHT_NO_CACHE");
	if (no && *no)
		return;
	if (xdg && xdg[0] == '/')
		snprintf(h->dir, sizeof(h->dir), "%s/bpf-preflight", xdg);
	else if (home && home[0] == '/')
		snprintf(h->dir, sizeof(h->dir), "%s/.cache/bpf-preflight", home);
	else
		return;
	key = fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ull, h->u.release), h->u.version), h->u.machine);
	/* the release as read, for a person listing the directory */
	snprintf(name, sizeof(name), "%.64s", h->u.release);
	for (i = 0; name[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-_", name[i]))
			name[i] = '_';
	snprintf(h->cache, sizeof(h->cache), "%s/%s-%s-%016llx.json", h->dir, name,
		 pf_arch__name(h->arch), (unsigned long long)key);
}

static int host_init(struct host *h, const struct pf_opts *opts)
{
	if (uname(&h->u)) {
		int err = -errno;

		fprintf(stderr, "bpf-preflight: -k host: uname: %s\n", strerror(-err));
		return err;
	}
	if (pf_arch__parse(h->u.machine, &h->arch))
		h->arch = opts->arch;
	pf_profile__uname_release(h->u.release, h->u.version, h->release, sizeof(h->release));
	host_cache_path(h);
	return 0;
}

/* Is the JIT on now (net.core.bpf_jit_enable)? -errno when it cannot be read. */
static int host_jit(bool *on)
{
	FILE *f = fopen("/proc/sys/net/core/bpf_jit_enable", "r");
	int v = 0, n;

	if (!f)
		return -errno;
	n = fscanf(f, "%d", &v);
	fclose(f);
	if (n != 1)
		return -EIO;
	*on = v != 0;
	return 0;
}

static bool json_str_is(const cJSON *doc, const char *key, const char *want)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);

	return cJSON_IsString(v) && !strcmp(v->valuestring, want);
}

/*
 * The cached profile, if it is this build's: its key matches, and it has
 * every fact this version of the tool knows (one written by an older
 * version would leave the new ones to the table without saying so).
 * 0; -ENOENT when there is none; else -EINVAL with the reason in @why.
 */
static int cache_read(const struct host *h, struct pf_profile *out, char *why, size_t len)
{
	bool jit = false;
	const cJSON *facts;
	cJSON *doc = NULL;
	char *text = NULL;
	size_t size;
	int i, err;

	err = pf_file__read(h->cache, 1 << 20, &text, &size);
	if (err == -ENOENT)
		return err;
	if (err) {
		snprintf(why, len, "cannot read it (%s)", strerror(-err));
		return -EINVAL;
	}
	err = -EINVAL;
	doc = cJSON_Parse(text);
	if (!doc) {
		snprintf(why, len, "not JSON");
		goto out;
	}
	if (!json_str_is(doc, "release", h->u.release) || !json_str_is(doc, "uname_v", h->u.version) ||
	    !json_str_is(doc, "arch", pf_arch__name(h->arch))) {
		snprintf(why, len, "the profile of another build (its release, uname -v or arch differ)");
		goto out;
	}
	/* net.core.bpf_jit_enable changes what the kernel does, not its name */
	if (host_jit(&jit) == 0 &&
	    cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(doc, "jit")) &&
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "jit")) != jit) {
		snprintf(why, len, "measured with the JIT %s, which is %s now", jit ? "off" : "on",
			 jit ? "on" : "off");
		goto out;
	}
	facts = cJSON_GetObjectItemCaseSensitive(doc, "facts");
	for (i = 0; i < PF_FACT_NR; i++) {
		if (!cJSON_GetObjectItemCaseSensitive(facts, pf_fact__name(i))) {
			snprintf(why, len, "no fact '%s' (written by another version of bpf-preflight)",
				 pf_fact__name(i));
			goto out;
		}
	}
	err = pf_profile__load_text(text, out, why, len) ? -EINVAL : 0;
out:
	cJSON_Delete(doc);
	free(text);
	return err;
}

static int mkdir_p(char *path, mode_t mode)
{
	char *s;

	for (s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(path, mode) && errno != EEXIST) {
			*s = '/';
			return -errno;
		}
		*s = '/';
	}
	return mkdir(path, mode) && errno != EEXIST ? -errno : 0;
}

/* Write @text as the cache, whole or not at all: a reader never sees half a file. */
static int cache_write(struct host *h, const char *text)
{
	char tmp[sizeof(h->cache) + 32];
	FILE *f;
	int err;

	err = mkdir_p(h->dir, 0755);
	if (err)
		return err;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", h->cache, (long)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	if (fputs(text, f) < 0 || fputc('\n', f) < 0) {
		err = -errno;
		fclose(f);
		goto fail;
	}
	if (fclose(f)) {
		err = -errno;
		goto fail;
	}
	if (!rename(tmp, h->cache))
		return 0;
	err = -errno;
fail:
	unlink(tmp);
	return err ? err : -EIO;
}

/* Measure the running kernel and cache what was measured; the reason in @why if not. */
static int host_measure(struct host *h, struct pf_profile *out, char *why, size_t len)
{
	struct pf_probe *pr = calloc(1, sizeof(*pr));
	cJSON *doc = NULL;
	char *text = NULL;
	int err;

	if (!pr) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	err = pf_probe__run(pr, why, len);
	if (err)
		goto out;
	doc = pf_cli__probe_json(pr);
	text = doc ? cJSON_Print(doc) : NULL;
	if (!text) {
		snprintf(why, len, "out of memory");
		err = -ENOMEM;
		goto out;
	}
	/* the very document `probe -o` writes, read as -k @FILE reads it */
	err = pf_profile__load_text(text, out, why, len);
	if (err)
		goto out;
	if (!h->cache[0]) {
		fprintf(stderr, "bpf-preflight: -k host: measured %s (no cache: %s)\n", h->u.release,
			getenv("BPF_PREFLIGHT_NO_CACHE") ? "BPF_PREFLIGHT_NO_CACHE is set"
							 : "neither XDG_CACHE_HOME nor HOME is set");
	} else if ((err = cache_write(h, text))) {
		fprintf(stderr, "bpf-preflight: %s: cannot cache the profile (%s); measured for this run only\n",
			h->cache, strerror(-err));
		err = 0;
	} else {
		fprintf(stderr, "bpf-preflight: -k host: measured %s, profile cached in %s\n",
			h->u.release, h->cache);
	}
out:
	cJSON_free(text);
	cJSON_Delete(doc);
	pf_probe__free(pr);
	free(pr);
	return err;
}

/*
 * Not measured: the table's row for the release when the table can place
 * it, or, opted in with host~KNOWN, KNOWN's row; else exit 2 with what to
 * do. Either way the run says the facts are assumed.
 */
static int host_table(const struct host *h, const struct pf_opts *opts, const char *like,
		      const char *reason, struct pf_profile *out)
{
	char why[600], near[32], note[1200];

	if (!pf_profile__place(h->release, why, sizeof(why))) {
		pf_profile__parse(h->release, h->arch, !opts->no_jit, out);
		snprintf(note, sizeof(note), "kernel host (%s): the fact table's row for %s, assumed, "
			 "not measured (%s; run once as root to measure it and cache the profile)",
			 h->u.release, out->name, reason);
		pf_cli__run_note(note);
		return 0;
	}
	if (!pf_profile__nearest(h->release, near, sizeof(near)))
		snprintf(near, sizeof(near), "%s", pf_profile__known()[0]);
	if (like && *like) {
		if (pf_profile__place(like, why, sizeof(why))) {
			fprintf(stderr, "bpf-preflight: -k host~%s: %s\n", like, why);
			return -EINVAL;
		}
		snprintf(near, sizeof(near), "%s", like);
	}
	if (!like) {
		why[strcspn(why, ";")] = '\0';
		fprintf(stderr, "bpf-preflight: -k host: %s, and it is not measured (%s); run once as "
			"root to measure it and cache the profile, or opt in to assuming it is like a "
			"known kernel with -k host~%s\n", why, reason, near);
		return -ERANGE;
	}
	pf_profile__parse(near, h->arch, !opts->no_jit, out);
	if (snprintf(out->name, sizeof(out->name), "%s~%s", h->release, near) >= (int)sizeof(out->name)) {
		fprintf(stderr, "bpf-preflight: -k host~%s: '%s~%s' is longer than %zu characters\n",
			like, h->release, near, sizeof(out->name) - 1);
		return -EINVAL;
	}
	snprintf(note, sizeof(note), "kernel %s: assumed like %s (not measured: %s)", h->release,
		 near, reason);
	pf_cli__run_note(note);
	return 0;
}

int pf_cli__host_profile(const struct pf_opts *opts, const char *like, struct pf_profile *out)
{
	char why[600], bad[700] = "", reason[700];
	struct host h;
	int err;

	err = host_init(&h, opts);
	if (err)
		return err;
	if (h.cache[0]) {
		err = cache_read(&h, out, why, sizeof(why));
		if (!err)
			goto done;
		if (err != -ENOENT)
			snprintf(bad, sizeof(bad), "%s: not a usable profile (%s)", h.cache, why);
	}
	/* a broken cache is said, never a crash: measured again, or passed over */
	if (*bad)
		fprintf(stderr, "bpf-preflight: %s; %s\n", bad,
			geteuid() ? "ignored (not root: cannot measure again)" : "measuring again");
	if (geteuid())
		snprintf(reason, sizeof(reason), "not root");
	else if (host_measure(&h, out, why, sizeof(why)))
		snprintf(reason, sizeof(reason), "the probe failed: %s", why);
	else
		goto done;
	err = host_table(&h, opts, like, reason, out);
	if (err)
		return err;
done:
	if (opts->no_jit)
		out->jit = false;
	return 0;
}

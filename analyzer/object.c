// SPDX-License-Identifier: MIT
/*
 * pf_object life cycle: read the file, run the modelling stages in order,
 * free everything. Every stage reports failure through pf_fail().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <libelf.h>

#include "internal.h"
#include "stack.h"

int pf_fail(struct pf_build *b, int errn, const char *fmt, ...)
{
	va_list ap;

	/* Keep the first reason: later failures are consequences. */
	if (b->err && b->errlen && !b->err[0]) {
		va_start(ap, fmt);
		vsnprintf(b->err, b->errlen, fmt, ap);
		va_end(ap);
		pf_str__one_line(b->err);
	}
	return errn < 0 ? errn : -EINVAL;
}

void pf_warn(struct pf_object *obj, const char *fmt, ...)
{
	char **arr;
	char *line;
	va_list ap;

	/* A hostile object could warn per symbol; a few lines say enough. */
	if (obj->warning_cnt >= 64)
		return;
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		line = NULL;
	va_end(ap);
	if (!line)
		return;
	pf_str__one_line(line);
	arr = realloc(obj->warnings, (obj->warning_cnt + 1) * sizeof(*arr));
	if (!arr) {
		free(line);
		return;
	}
	obj->warnings = arr;
	obj->warnings[obj->warning_cnt++] = line;
}

int pf_object__keep_string(struct pf_object *obj, char *s)
{
	char **arr = realloc(obj->owned, (obj->owned_cnt + 1) * sizeof(*arr));

	if (!arr) {
		free(s);
		return -ENOMEM;
	}
	obj->owned = arr;
	obj->owned[obj->owned_cnt++] = s;
	return 0;
}

static int read_file(const char *path, uint8_t **buf, size_t *size,
		     char *err, size_t errlen)
{
	int ret = pf_file__read(path, PF_MAX_FILE_SIZE, (char **)buf, size);

	if (ret == -EINVAL)
		snprintf(err, errlen, "not a regular file");
	else if (ret == -EFBIG)
		snprintf(err, errlen, "file too large (%llu bytes, limit %u)",
			 (unsigned long long)*size, PF_MAX_FILE_SIZE);
	else if (ret == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	else if (ret)
		snprintf(err, errlen, "%s", strerror(-ret));
	return ret;
}

static int object__model(struct pf_build *b)
{
	int err;

	err = pf_elf__load(b);
	if (!err)
		err = pf_btf__load(b);
	if (!err)
		err = pf_functions__build(b);
	if (!err)
		err = pf_btf__apply_ext(b);
	if (!err)
		err = pf_maps__build(b);
	if (!err)
		err = pf_calls__build(b);
	if (!err)
		err = pf_programs__build(b);
	if (!err)
		err = pf_stack__analyze(b->obj, b->err, b->errlen);
	return err;
}

/* Model @image (@size bytes), which the object owns from here on, even on failure. */
static int object__open_image(const char *name, uint8_t *image, size_t size,
			      struct pf_object **out, char *err, size_t errlen)
{
	struct pf_build b = { .err = err, .errlen = errlen };
	struct pf_object *obj;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	*out = NULL;
	obj = calloc(1, sizeof(*obj));
	if (!obj) {
		free(image);
		return pf_fail(&b, -ENOMEM, "out of memory");
	}
	obj->path = name;
	obj->image = image;
	obj->image_size = size;
	b.obj = obj;

	ret = object__model(&b);
	if (ret) {
		pf_object__free(obj);
		return ret;
	}
	*out = obj;
	return 0;
}

int pf_object__open_mem(const char *name, const void *buf, size_t size,
			struct pf_object **out, char *err, size_t errlen)
{
	uint8_t *image = pf_calloc(size, 1);

	*out = NULL;
	if (!image) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(image, buf, size);
	return object__open_image(name, image, size, out, err, errlen);
}

int pf_object__open(const char *path, struct pf_object **out,
		    char *err, size_t errlen)
{
	uint8_t *buf = NULL;
	size_t size = 0;
	int ret;

	*out = NULL;
	ret = read_file(path, &buf, &size, err, errlen);
	if (ret)
		return ret;
	/* the buffer becomes the object's image: one copy of the file, not two */
	return object__open_image(path, buf, size, out, err, errlen);
}

void pf_object__free(struct pf_object *obj)
{
	size_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->sec_cnt; i++) {
		free(obj->secs[i].insns);
		free(obj->secs[i].relocs);
		free(obj->secs[i].line_idx);
	}
	for (i = 0; i < obj->func_cnt; i++)
		free(obj->funcs[i].calls);
	for (i = 0; i < obj->prog_cnt; i++)
		free(obj->progs[i].funcs);
	for (i = 0; i < obj->map_cnt; i++)
		free(obj->maps[i].slots);
	for (i = 0; i < obj->warning_cnt; i++)
		free(obj->warnings[i]);
	free(obj->warnings);
	free(obj->stack_uses);
	for (i = 0; i < obj->owned_cnt; i++)
		free(obj->owned[i]);
	free(obj->owned);
	free(obj->lines);
	free(obj->secs);
	free(obj->syms);
	free(obj->funcs);
	free(obj->progs);
	free(obj->maps);
	btf__free(obj->btf);
	if (obj->priv)
		elf_end(obj->priv);
	free(obj->image);
	free(obj);
}

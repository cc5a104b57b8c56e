/* SPDX-License-Identifier: MIT */
/*
 * The bottom layer: allocation and string helpers with no project types.
 * Everything may include this; it includes nothing of the project.
 */
#ifndef PF_UTIL_H
#define PF_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Bounded allocation helpers: abort nothing, return NULL / -ENOMEM on overflow. */
void *pf_calloc(size_t n, size_t size);
int pf_grow(void **arr, size_t *cap, size_t need, size_t elem);
/* @name ends with @suffix. */
bool pf_str__has_suffix(const char *name, const char *suffix);

/*
 * Read the regular file @path whole into @buf (malloc'ed, NUL-terminated;
 * @size bytes without the NUL). -errno from open(), -EINVAL for a file
 * that is not regular, -EFBIG past @max (@size then holds its size),
 * -ENOMEM. A file that shrinks while read gives what was there.
 */
int pf_file__read(const char *path, size_t max, char **buf, size_t *size);

/*
 * Replace control characters by '?': names from an object quoted in a
 * reason or a warning must not break "one line per bad input".
 */
void pf_str__one_line(char *s);

#endif /* PF_UTIL_H */

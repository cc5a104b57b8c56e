/* SPDX-License-Identifier: MIT */
/*
 * The bottom layer: allocation and string helpers with no project types.
 * Everything may include this; it includes nothing of the project.
 */
#ifndef PF_UTIL_H
#define PF_UTIL_H

#include <stddef.h>

/* Bounded allocation helpers: abort nothing, return NULL / -ENOMEM on overflow. */
void *pf_calloc(size_t n, size_t size);
int pf_grow(void **arr, size_t *cap, size_t need, size_t elem);

/*
 * Replace control characters by '?': names from an object quoted in a
 * reason or a warning must not break "one line per bad input".
 */
void pf_str__one_line(char *s);

#endif /* PF_UTIL_H */

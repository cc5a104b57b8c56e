// SPDX-License-Identifier: MIT
/*
 * Utilities every layer may use: bounded allocation and text that is safe
 * to print on one line. They depend on nothing of the project.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * Reasons and warnings quote names from the object (sections, symbols):
 * a control character in one would break "one line per bad input" and
 * could forge lines on a terminal or in CI logs (found by tests/fuzz).
 */
void pf_str__one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void *pf_calloc(size_t n, size_t size)
{
	if (!n)
		n = 1;
	return calloc(n, size);
}

int pf_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	memset((char *)p + *cap * elem, 0, (ncap - *cap) * elem);
	*arr = p;
	*cap = ncap;
	return 0;
}


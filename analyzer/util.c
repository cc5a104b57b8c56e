// SPDX-License-Identifier: MIT
/*
 * Utilities every layer may use: bounded allocation and text that is safe
 * to print on one line. They depend on nothing of the project.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int pf_file__read(const char *path, size_t max, char **buf, size_t *size)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd, err;

	*buf = NULL;
	*size = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	if ((uint64_t)st.st_size > max) {
		*size = (size_t)st.st_size;
		err = -EFBIG;
		goto out;
	}
	/* no zeroing: read() fills it, and a short read shortens the size */
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf) {
		err = -ENOMEM;
		goto out;
	}
	while (got < (size_t)st.st_size) {
		n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	(*buf)[got] = '\0';
	*size = got;
	err = 0;
out:
	close(fd);
	return err;
}

bool pf_str__has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);

	return n >= m && !strcmp(name + n - m, suffix);
}

// SPDX-License-Identifier: MIT
/*
 * LD_PRELOAD shim for tests/t_profiles.sh: uname() as the real one, with
 * the release and version from PF_UNAME_RELEASE and PF_UNAME_VERSION when
 * set, so that -k host can be shown kernels this machine is not (a Debian
 * release the table can place, a vendor build it cannot) without a VM.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>

int uname(struct utsname *u)
{
	int (*real)(struct utsname *) = (int (*)(struct utsname *))dlsym(RTLD_NEXT, "uname");
	const char *r = getenv("PF_UNAME_RELEASE"), *v = getenv("PF_UNAME_VERSION");
	int ret;

	if (!real)
		return -1;
	ret = real(u);
	if (ret)
		return ret;
	if (r)
		snprintf(u->release, sizeof(u->release), "%s", r);
	if (v)
		snprintf(u->version, sizeof(u->version), "%s", v);
	return 0;
}

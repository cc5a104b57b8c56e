/* SPDX-License-Identifier: MIT */
/*
 * Measuring the running kernel: small generated programs loaded with
 * bpf_prog_load() (never attached, closed at once), each answering one
 * fact of the profile table. Needs the right to load BPF programs (root).
 */
#ifndef PF_PROBE_H
#define PF_PROBE_H

#include <stdbool.h>

#include "profile.h"

struct pf_probe_fact {
	enum pf_tristate value;	/* PF_UNKNOWN: the probe could not tell */
	bool measured;		/* false: the table's value, not measured */
	char how[200];		/* what was loaded and what the kernel said */
};

struct pf_probe {
	struct pf_profile profile;	/* the table's row for this release, with what was measured */
	char release[65];		/* uname -r */
	char uname_v[65];		/* uname -v */
	bool jit;			/* net.core.bpf_jit_enable != 0 */
	struct pf_probe_fact facts[PF_FACT_NR];
};

/*
 * Measure the running kernel. 0, or -errno with the reason in @err when
 * nothing can be loaded at all (not root, BPF disabled, lockdown).
 */
int pf_probe__run(struct pf_probe *pr, char *err, size_t errlen);

#endif /* PF_PROBE_H */

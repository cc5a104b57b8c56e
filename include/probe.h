/* SPDX-License-Identifier: MIT */
/*
 * Measuring the running kernel: small generated programs loaded with
 * bpf_prog_load() (never attached, closed at once), each answering one
 * fact of the profile table. Needs the right to load BPF programs (root).
 */
#ifndef PF_PROBE_H
#define PF_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "profile.h"

struct pf_probe_fact {
	enum pf_tristate value;	/* PF_UNKNOWN: the probe could not tell */
	bool measured;		/* false: the table's value, not measured */
	char how[400];		/* what was loaded and what the kernel said */
};

/*
 * Limits no table row holds because every kernel the tool knows shares
 * them (include/bpf_limits.h); 0 when the probe did not see them.
 */
struct pf_probe_limits {
	int stack;		/* MAX_BPF_STACK: 512 */
	int tailcall_frames;	/* caller frames before a tail call: 256 */
	/* loads from a frozen read-only map are constants (.rodata knobs) */
	enum pf_tristate rodata_const;
	char stack_how[400];
	char tailcall_how[400];
	char rodata_how[400];
};

/*
 * What exists, as `bpftool feature probe` finds it: program and map types
 * (by libbpf's numbering), the helpers each program type may call, and
 * the kfuncs vmlinux BTF marks ("bpf_kfunc" decl tags; kernels before
 * the tag have kfuncs but do not say which: kfunc_cnt < 0).
 */
#define PF_PROBE_TYPES	64
#define PF_PROBE_HELPERS 256

struct pf_probe_features {
	bool prog_type[PF_PROBE_TYPES];		/* loadable */
	bool prog_type_known[PF_PROBE_TYPES];	/* libbpf could probe it */
	bool map_type[PF_PROBE_TYPES];
	bool map_type_known[PF_PROBE_TYPES];
	/* per program type, a bit per helper id; no bits: helpers not probed */
	uint64_t helpers[PF_PROBE_TYPES][PF_PROBE_HELPERS / 64];
	bool helpers_known[PF_PROBE_TYPES];
	char **kfuncs;
	int kfunc_cnt;				/* -1: not known */
};

struct btf;

struct pf_probe {
	struct pf_profile profile;	/* the table's row for this release, with what was measured */
	char release[65];		/* uname -r */
	char uname_v[65];		/* uname -v */
	bool jit;			/* net.core.bpf_jit_enable != 0 */
	struct pf_probe_fact facts[PF_FACT_NR];
	struct pf_probe_limits limits;
	struct pf_probe_features features;
	struct btf *vmlinux;		/* during the run: kfunc ids */
};

/*
 * Measure the running kernel. 0, or -errno with the reason in @err when
 * nothing can be loaded at all (not root, BPF disabled, lockdown).
 */
int pf_probe__run(struct pf_probe *pr, char *err, size_t errlen);
/* Free what a run allocated (the kfunc names); @pr stays readable. */
void pf_probe__free(struct pf_probe *pr);

#endif /* PF_PROBE_H */

/* SPDX-License-Identifier: MIT */
/*
 * The verifier's fixed limits, the same on every kernel the tool knows
 * (what varies between kernels is in the fact table, profile.h). Named
 * as the kernel names them.
 */
#ifndef PF_BPF_LIMITS_H
#define PF_BPF_LIMITS_H

#define PF_MAX_BPF_STACK	512	/* MAX_BPF_STACK: a chain of frames, and one frame */
#define PF_MAX_CALL_FRAMES	8	/* MAX_CALL_FRAMES */
#define PF_TAILCALL_STACK_MAX	256	/* caller frames before a tail-calling subprogram */
#define PF_PRIV_STACK_MIN	64	/* BPF_PRIV_STACK_MIN_SIZE */
#define PF_STACK_SLOTS		(PF_MAX_BPF_STACK / 8)	/* 8-byte stack slots */

#endif /* PF_BPF_LIMITS_H */

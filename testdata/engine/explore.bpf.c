// SPDX-License-Identifier: GPL-2.0
/*
 * What the verifier explores decides what it counts and what it refuses
 * first (issue 14). Each program is one case; the kernels are the oracle
 * (t_verdict_host, t_verdict_vm), the comments say what was measured.
 *
 *   knob_off     a .rodata knob (0 in the object) guards a 320-byte buffer
 *                in a static subprogram under a 240-byte frame: the guarded
 *                code is never explored, the subprogram's depth is 0, and
 *                every kernel accepts ("240+0"). With --rodata cfg_verbose=1
 *                (what a loader's skel->rodata->cfg_verbose = 1 does) the
 *                kernels refuse: combined stack size of 2 calls is 576 (6.1)
 *                or 560 (6.12, 6.18).
 *   derived_off  the same behind a constant derived from the knob
 *                ((cfg_level * 3 + 1) > 4 with cfg_level = 1): dead.
 *   mask_range   an unknown value masked to 0..7 and checked against 8: the
 *                branch holding the big frame is dead.
 *   frame_600    one function touching 600 bytes below r10: do_check refuses
 *                at the first access past 512, before any stack walk.
 *   helper_600   a helper writing a buffer that starts 520 bytes down.
 *   helper_var   bpf_probe_read_kernel() with a size masked to 1..64 into a
 *                64-byte buffer: the size's maximum is charged.
 *   corr_branch  the same unknown condition tested twice: the second test
 *                is decided by the first on each path.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

const volatile __u32 cfg_verbose = 0;
const volatile __u32 cfg_level = 1;

static __noinline int report(struct __sk_buff *skb)
{
	volatile char buf[320];
	int i;

	if (!cfg_verbose)
		return 0;
	for (i = 0; i < 320; i += 8)
		buf[i] = skb->len + i;
	return buf[skb->len & 255];
}

SEC("tc")
int knob_off(struct __sk_buff *skb)
{
	FRAME(240, skb->len);
	return report(skb) + frame_240[0];
}

static __noinline int derived(struct __sk_buff *skb)
{
	if ((cfg_level * 3 + 1) > 4) {
		FRAME(400, skb->len);
		return frame_400[0];
	}
	return 1;
}

SEC("tc")
int derived_off(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return derived(skb) + frame_200[0];
}

static __noinline int masked(__u32 v)
{
	if ((v & 7) >= 8) {
		FRAME(400, v);
		return frame_400[0];
	}
	return 2;
}

SEC("tc")
int mask_range(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return masked(bpf_get_prandom_u32()) + frame_200[0];
}

/* clang refuses frames past 512 itself: the accesses are written in asm */
SEC("tc")
int frame_600(struct __sk_buff *skb)
{	// expect: stack-frame
	__u32 v = skb->len;

	asm volatile("r7 = r10; r7 += -600; *(u8 *)(r7 + 22) = %0" : : "r"(v) : "r7", "memory");
	return 0;
}

SEC("kprobe/do_nanosleep")
int helper_600(void *ctx)
{	// expect: stack-frame
	asm volatile("r1 = r10; r1 += -520; r2 = 16; r3 = 0; call 113" : : :
		     "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

SEC("kprobe/do_nanosleep")
int helper_var(void *ctx)
{
	char buf[64];
	__u32 n = (bpf_get_prandom_u32() & 63) + 1;

	bpf_probe_read_kernel(buf, n, ctx);
	return buf[0];
}

static __noinline int corr(__u32 v)
{
	volatile char small[16];

	small[0] = v;
	if (v & 1) {
		FRAME(300, v);
		if (v & 1)
			return frame_300[0];
		FRAME(400, v);	/* dead: v & 1 holds here */
		return frame_400[0];
	}
	return small[0];
}

SEC("tc")
int corr_branch(struct __sk_buff *skb)
{
	FRAME(160, skb->len);
	return corr(bpf_get_prandom_u32()) + frame_160[0];
}

char _license[] SEC("license") = "GPL";

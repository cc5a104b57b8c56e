// SPDX-License-Identifier: GPL-2.0
/*
 * Two problems, each refused on every kernel with its own numbers (frames
 * rounded to 32 bytes before 6.9, to 16 with a JIT since): one finding
 * each, the kernels' numbers in its notes (tests/t_one_finding.sh).
 *
 *   program      frames (bytes)          sum r32   sum r16
 *   two_chain    0 -> 200 -> 200 -> 200     704       624
 *   two_pair     200 -> 312                 544       528
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

static __noinline int g3_200(int x)
{
	FRAME(200, x);
	return frame_200[0];
}

static __noinline int g2_200(int x)
{
	FRAME(200, x);
	return g3_200(x + 1) + frame_200[0];	// expect: stack-combined error
}

static __noinline int g1_200(int x)
{
	FRAME(200, x);
	return g2_200(x + 1) + frame_200[0];
}

SEC("tc")
int two_chain(struct __sk_buff *skb)
{
	return g1_200(skb->len);
}

static __noinline int g_312(int x)
{
	FRAME(312, x);
	return frame_312[0];
}

SEC("tc")
int two_pair(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return g_312(skb->len) + frame_200[0];	// expect: stack-combined error
}

char _license[] SEC("license") = "GPL";

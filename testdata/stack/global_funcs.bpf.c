// SPDX-License-Identifier: GPL-2.0
/*
 * Global (non-static) functions with big frames.  do_check() verifies a
 * global function on its own, from an empty call stack, but
 * check_max_stack_depth() still walks into it from its callers and adds
 * its frame: a global function does not get a fresh 512-byte budget.
 *
 * Frame sizes are the verifier's stack_depth (deepest r10-N access);
 * sums are with 16-byte rounding (6.9+ with a JIT).
 *
 *   program        frames (bytes)                     sum   6.18
 *   glob_400_200   main 400 -> global 200             608   combined ... 2 calls is 608
 *   glob_304_200   main 304 -> global 200             512   ok
 *   glob_2x200     main 112 -> global 200 -> global 200
 *                                                     528   combined ... 3 calls is 528
 *   glob_tail_240  main 240 -> global with tail call  240   ok
 *   glob_tail_248  main 248 -> global with tail call  256   tail_calls are not allowed when
 *                                                           call stack of previous frames is 256 bytes
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} glob_jmp SEC(".maps");

/* Global leaf, 200 bytes. */
__noinline int glob_leaf200(int x)
{
	FRAME(200, x);
	return frame_200[0];
}

/* Global 200 bytes calling the global leaf of 200. */
__noinline int glob_mid200(int x)
{
	FRAME(200, x);
	return glob_leaf200(x + 1) + frame_200[0];
}

/* Global function that tail-calls, with an empty frame. */
__noinline int glob_tail(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &glob_jmp, 0);
	return 0;
}

/* main 400 -> global 200: 400+208 = 608; refused, 2 calls */
SEC("tc")
int glob_400_200(struct __sk_buff *skb)
{
	FRAME(400, skb->len);
	return glob_leaf200(skb->len) + frame_400[0];
}

/* main 304 -> global 200: 304+208 = 512; ok */
SEC("tc")
int glob_304_200(struct __sk_buff *skb)
{
	FRAME(304, skb->len);
	return glob_leaf200(skb->len) + frame_304[0];
}

/* main 112 -> global 200 -> global 200: 112+208+208 = 528; refused,
 * 3 calls (each global alone is fine: 200 and 200+200) */
SEC("tc")
int glob_2x200(struct __sk_buff *skb)
{
	FRAME(112, skb->len);
	return glob_mid200(skb->len) + frame_112[0];
}

/* main 240 -> global tail-caller: previous frames 240; ok */
SEC("tc")
int glob_tail_240(struct __sk_buff *skb)
{
	FRAME(240, skb->len);
	return glob_tail(skb) + frame_240[0];
}

/* main 248 -> global tail-caller: previous frames 256; refused */
SEC("tc")
int glob_tail_248(struct __sk_buff *skb)
{
	FRAME(248, skb->len);
	return glob_tail(skb) + frame_248[0];
}

char _license[] SEC("license") = "GPL";

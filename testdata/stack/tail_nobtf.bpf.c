// build: -g0
// SPDX-License-Identifier: GPL-2.0
/*
 * A tail call in a subprogram needs BTF func_info: without it the verifier
 * refuses "tail_call is not allowed in subprogs without BTF" (checked in
 * check_btf_func() before do_check, whether or not the call is reachable:
 * has_tail_call is set syntactically).  The main program is exempt.
 *
 * The test builds this file with -g0 (the marker on the first line), so
 * the object has no .BTF/.BTF.ext and libbpf passes no func_info.  An
 * object without BTF cannot define maps in ".maps" (libbpf 1.x refuses
 * them, and legacy "maps" sections too), so there can be no prog array:
 * every tail call here sits on a branch that the read-only flag
 * nobtf_enable (0) makes dead, with a NULL map.  Built with -g instead,
 * all three programs are accepted (the dead branch is never checked).
 *
 * Frames are 16 bytes (main) and 8 bytes (subprogram); stack is not the
 * point here.
 *
 *   program            -g0 (no BTF)                                       -g
 *   nobtf_sub_tail     tail_call is not allowed in subprogs without BTF   ok
 *   nobtf_main_tail    ok (tail call in the main program)                 ok
 *   nobtf_sub_plain    ok (bpf-to-bpf call, no tail call)                 ok
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

const volatile int nobtf_enable = 0;

/* Subprogram (8 bytes) with a tail call on a dead branch. */
static __noinline int nobtf_tail(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	if (nobtf_enable)
		bpf_tail_call(skb, (void *)0, 0);
	return frame_8[0];
}

/* Subprogram (8 bytes) without a tail call. */
static __noinline int nobtf_plain(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	return frame_8[0];
}

/* main 16 -> nobtf_tail 8: refused without BTF */
SEC("tc")
int nobtf_sub_tail(struct __sk_buff *skb)
{
	FRAME(16, skb->len);
	return nobtf_tail(skb) + frame_16[0];
}

/* main 16 with its own (dead) tail call -> nobtf_plain 8: ok */
SEC("tc")
int nobtf_main_tail(struct __sk_buff *skb)
{
	FRAME(16, skb->len);
	if (nobtf_enable)
		bpf_tail_call(skb, (void *)0, 0);
	return nobtf_plain(skb) + frame_16[0];
}

/* main 16 -> nobtf_plain 8: ok */
SEC("tc")
int nobtf_sub_plain(struct __sk_buff *skb)
{
	FRAME(16, skb->len);
	return nobtf_plain(skb) + frame_16[0];
}

char _license[] SEC("license") = "GPL";

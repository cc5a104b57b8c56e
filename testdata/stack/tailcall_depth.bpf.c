// SPDX-License-Identifier: GPL-2.0
/*
 * The tail-call 256-byte rule of check_max_stack_depth(): a subprogram
 * (not the main program) that contains a tail call may only be reached when
 * the frames before it sum to less than 256 bytes, each frame rounded as the
 * kernel rounds it (16 bytes with a JIT on 6.9+, 32 with a minimum of 1
 * before).  The tail-calling subprogram's own frame is not counted.
 *
 * Frame sizes below are the verifier's stack_depth (deepest r10-N access);
 * "r16" and "r32" are the sums of the previous frames under both roundings.
 *
 *   program          frames (bytes)            r16   r32   6.18      6.1
 *   tc_main224       224 -> tail(0)            224   224   ok        ok
 *   tc_main232       232 -> tail(0)            240   256   ok        refused
 *   tc_main240       240 -> tail(0)            240   256   ok        refused
 *   tc_main248       248 -> tail(0)            256   256   refused   refused
 *   tc_main256       256 -> tail(0)            256   256   refused   refused
 *   tc2_0_256        0 -> 256 -> tail(0)       256   288   refused   refused
 *   tc2_0_224        0 -> 224 -> tail(0)       224   256   ok        refused
 *   tc2_128_112      128 -> 112 -> tail(0)     240   256   ok        refused
 *   tc2_128_120      128 -> 120 -> tail(0)     256   256   refused   refused
 *   tc_own496        0 -> tail(496)              0    32   ok        refused (combined 528)
 *   tc_tail_void     0 -> void tail(0)           0    32   refused: tail_call is only allowed
 *                                                          in functions that return 'int'.
 *
 * Refusal text: "tail_calls are not allowed when call stack of previous
 * frames is %d bytes. Too large".  The prog array is not statically
 * initialised, so each program loads alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} tc_jmp SEC(".maps");

/* A frame of exactly N bytes: one byte stored at r10-N.  The empty asm
 * takes the array's address so that clang keeps all N bytes (otherwise it
 * shrinks the array to the one byte that is used). */
#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

/* Tail-calling subprogram with an empty frame (0). */
static __noinline int tail0(struct __sk_buff *skb)
{	// expect: stack-tailcall-frames
	bpf_tail_call(skb, &tc_jmp, 0);
	return 0;	// expect: tailcall-mixing {--no-jit}
}

/* Tail-calling subprogram with its own frame of 496 bytes. */
static __noinline int tail496(struct __sk_buff *skb)
{
	FRAME(496, skb->len);
	bpf_tail_call(skb, &tc_jmp, 0);
	return frame_496[0];
}

/* Middle frames of the two-level chains: 256, 224, 112 and 120 bytes. */
static __noinline int mid256(struct __sk_buff *skb)
{
	FRAME(256, skb->len);
	return tail0(skb) + frame_256[0];
}

static __noinline int mid224(struct __sk_buff *skb)
{
	FRAME(224, skb->len);
	return tail0(skb) + frame_224[0];
}

static __noinline int mid112(struct __sk_buff *skb)
{
	FRAME(112, skb->len);
	return tail0(skb) + frame_112[0];
}

static __noinline int mid120(struct __sk_buff *skb)
{
	FRAME(120, skb->len);
	return tail0(skb) + frame_120[0];
}

/* main 224 -> tail0: previous frames 224; ok on 6.1 and 6.18 */
SEC("tc")
int tc_main224(struct __sk_buff *skb)
{
	FRAME(224, skb->len);
	return tail0(skb) + frame_224[0];
}

/* main 232 -> tail0: 240 (16) / 256 (32); ok on 6.18, refused on 6.1 */
SEC("tc")
int tc_main232(struct __sk_buff *skb)
{
	FRAME(232, skb->len);
	return tail0(skb) + frame_232[0];
}

/* main 240 -> tail0: 240 (16) / 256 (32); ok on 6.18, refused on 6.1 */
SEC("tc")
int tc_main240(struct __sk_buff *skb)
{
	FRAME(240, skb->len);
	return tail0(skb) + frame_240[0];
}

/* main 248 -> tail0: 256 under both roundings; refused everywhere */
SEC("tc")
int tc_main248(struct __sk_buff *skb)
{
	FRAME(248, skb->len);
	return tail0(skb) + frame_248[0];
}

/* main 256 -> tail0: 256; refused everywhere */
SEC("tc")
int tc_main256(struct __sk_buff *skb)
{
	FRAME(256, skb->len);
	return tail0(skb) + frame_256[0];
}

/* main 0 -> mid 256 -> tail0: 256 (16) / 32+256 = 288 (32); refused */
SEC("tc")
int tc2_0_256(struct __sk_buff *skb)
{
	return mid256(skb);
}

/* main 0 -> mid 224 -> tail0: 224 (16) / 32+224 = 256 (32): the empty
 * main frame decides; ok on 6.18, refused on 6.1 */
SEC("tc")
int tc2_0_224(struct __sk_buff *skb)
{
	return mid224(skb);
}

/* main 128 -> mid 112 -> tail0: 128+112 = 240 (16) / 128+128 = 256 (32) */
SEC("tc")
int tc2_128_112(struct __sk_buff *skb)
{
	FRAME(128, skb->len);
	return mid112(skb) + frame_128[0];
}

/* main 128 -> mid 120 -> tail0: 128+128 = 256 under both; refused */
SEC("tc")
int tc2_128_120(struct __sk_buff *skb)
{
	FRAME(128, skb->len);
	return mid120(skb) + frame_128[0];
}

/* main 0 -> tail496: the tail-calling frame's own 496 bytes do not count
 * for the 256 rule; 0+496 (16) / 32+496 = 528 (32) for the combined check,
 * so ok on 6.18 and "combined stack size of 2 calls is 528" on 6.1 */
SEC("tc")
int tc_own496(struct __sk_buff *skb)
{
	return tail496(skb);
}

/* Tail-calling subprogram declared void (BTF return type void). */
static __noinline void tail_void(struct __sk_buff *skb)
{	// expect: tailcall-btf
	bpf_tail_call(skb, &tc_jmp, 0);
}

/* main 0 -> void tail_void: not a stack rule; the subprogram's BTF return
 * type must be int: "tail_call is only allowed in functions that return
 * 'int'." */
SEC("tc")
int tc_tail_void(struct __sk_buff *skb)
{
	tail_void(skb);
	return 0;
}

char _license[] SEC("license") = "GPL";

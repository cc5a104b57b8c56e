// SPDX-License-Identifier: GPL-2.0
/*
 * The combined stack check of check_max_stack_depth(): along every call
 * chain the rounded frames must sum to at most 512 bytes (MAX_BPF_STACK).
 * Frames are rounded up to 16 bytes with a JIT on 6.9+ (an empty frame
 * stays 0) and to 32 bytes with a minimum of 1 before (an empty frame
 * costs 32).  The totals here sit on both sides of 512 under one rounding
 * or the other.
 *
 * Frame sizes are the verifier's stack_depth (deepest r10-N access).
 *
 *   program       frames (bytes)             sum r16   sum r32   6.18
 *   chain4_200    0 -> 200 -> 200 -> 200        624       704    refused, 4 calls is 624
 *   chain3_200    200 -> 200 -> 200             624       672    refused, 3 calls is 624
 *   c200_304      200 -> 304                    512       544    ok (refused with 32)
 *   c200_312      200 -> 312                    528       544    refused, 2 calls is 528
 *   c8_504        8 -> 504                      528       544    refused (raw sum is 512)
 *   c496_16       496 -> 16                     512       544    ok
 *   c8x64         64 x 8 frames                 512       512    ok everywhere
 *   c8x72         72 x 8 frames                 640       768    refused at frame 7: 560
 *   c0_512        0 -> 512 (asm store)          512       544    ok (refused with 32)
 *
 * Refusal text: "combined stack size of %d calls is %d. Too large".
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* A frame of exactly N bytes: one byte stored at r10-N.  The empty asm
 * takes the array's address so that clang keeps all N bytes. */
#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

/* f3 (200) <- f2 (200) <- f1 (200): the seed chain. */
static __noinline int f3_200(int x)
{
	FRAME(200, x);
	return frame_200[0];
}

static __noinline int f2_200(int x)
{
	FRAME(200, x);
	return f3_200(x + 1) + frame_200[0];
}

static __noinline int f1_200(int x)
{
	FRAME(200, x);
	return f2_200(x + 1) + frame_200[0];
}

/* main 0 -> f1 200 -> f2 200 -> f3 200: 624 (16), 704 (32, the empty
 * main costs 32); refused with "4 calls" on 6.1, 6.12 and 6.18 */
SEC("tc")
int chain4_200(struct __sk_buff *skb)
{
	return f1_200(skb->len);
}

/* main 200 -> f2 200 -> f3 200: 624 (16), 672 (32); refused, 3 calls */
SEC("tc")
int chain3_200(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return f2_200(skb->len) + frame_200[0];
}

static __noinline int leaf304(int x)
{
	FRAME(304, x);
	return frame_304[0];
}

static __noinline int leaf312(int x)
{
	FRAME(312, x);
	return frame_312[0];
}

static __noinline int leaf504(int x)
{
	FRAME(504, x);
	return frame_504[0];
}

static __noinline int leaf16(int x)
{
	FRAME(16, x);
	return frame_16[0];
}

/*
 * A frame of exactly 512 bytes cannot be written in C: clang refuses any
 * stack object at r10-512 ("Looks like the BPF stack limit ... is
 * exceeded"; its test is offset <= -512), so 504 is the deepest C frame.
 * The store at r10-512 is therefore inline asm.
 */
#ifdef __clang__
#define STORE_R10_512(x) \
	asm volatile("*(u8 *)(r10 - 512) = %[v]" : : [v] "r"(x) : "memory")
#else	/* GNU as syntax, for bpf-gcc */
#define STORE_R10_512(x) \
	asm volatile("stxb [%%r10+-512], %[v]" : : [v] "r"(x) : "memory")
#endif

static __noinline int leaf512(int x)
{
	STORE_R10_512((long)x);
	return x;
}

/* main 200 -> 304: 208+304 = 512 (16) ok; 224+320 = 544 (32) refused */
SEC("tc")
int c200_304(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return leaf304(skb->len) + frame_200[0];
}

/* main 200 -> 312: 208+320 = 528 (16), 224+320 = 544 (32); refused */
SEC("tc")
int c200_312(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return leaf312(skb->len) + frame_200[0];
}

/* main 8 -> 504: raw 512, but 16+512 = 528 (16) and 32+512 = 544 (32):
 * refused under both roundings although the raw frames sum to 512 */
SEC("tc")
int c8_504(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	return leaf504(skb->len) + frame_8[0];
}

/* main 496 -> 16: 512 (16) ok; 512+32 = 544 (32) refused */
SEC("tc")
int c496_16(struct __sk_buff *skb)
{
	FRAME(496, skb->len);
	return leaf16(skb->len) + frame_496[0];
}

/* main 0 -> 512: 512 (16) ok; 32+512 = 544 (32) refused */
SEC("tc")
int c0_512(struct __sk_buff *skb)
{
	return leaf512(skb->len);
}

/* Eight frames of 64 bytes: main -> d64_1 -> ... -> d64_7. 512, ok. */
static __noinline int d64_7(int x) { FRAME(64, x); return frame_64[0]; }
static __noinline int d64_6(int x) { FRAME(64, x); return d64_7(x + 1) + frame_64[0]; }
static __noinline int d64_5(int x) { FRAME(64, x); return d64_6(x + 1) + frame_64[0]; }
static __noinline int d64_4(int x) { FRAME(64, x); return d64_5(x + 1) + frame_64[0]; }
static __noinline int d64_3(int x) { FRAME(64, x); return d64_4(x + 1) + frame_64[0]; }
static __noinline int d64_2(int x) { FRAME(64, x); return d64_3(x + 1) + frame_64[0]; }
static __noinline int d64_1(int x) { FRAME(64, x); return d64_2(x + 1) + frame_64[0]; }

/* 8 x 64 = 512: ok under both roundings (8 frames is the frame limit) */
SEC("tc")
int c8x64(struct __sk_buff *skb)
{
	FRAME(64, skb->len);
	return d64_1(skb->len) + frame_64[0];
}

/* Eight frames of 72 bytes (80 rounded to 16, 96 rounded to 32). */
static __noinline int d72_7(int x) { FRAME(72, x); return frame_72[0]; }
static __noinline int d72_6(int x) { FRAME(72, x); return d72_7(x + 1) + frame_72[0]; }
static __noinline int d72_5(int x) { FRAME(72, x); return d72_6(x + 1) + frame_72[0]; }
static __noinline int d72_4(int x) { FRAME(72, x); return d72_5(x + 1) + frame_72[0]; }
static __noinline int d72_3(int x) { FRAME(72, x); return d72_4(x + 1) + frame_72[0]; }
static __noinline int d72_2(int x) { FRAME(72, x); return d72_3(x + 1) + frame_72[0]; }
static __noinline int d72_1(int x) { FRAME(72, x); return d72_2(x + 1) + frame_72[0]; }

/* 8 x 72: 7 x 80 = 560 (16) at the 7th frame, 6 x 96 = 576 (32) at
 * the 6th; refused "combined stack size of 7 calls is 560" on 6.18 */
SEC("tc")
int c8x72(struct __sk_buff *skb)
{
	FRAME(72, skb->len);
	return d72_1(skb->len) + frame_72[0];
}

char _license[] SEC("license") = "GPL";

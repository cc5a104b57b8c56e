// SPDX-License-Identifier: GPL-2.0
/*
 * The call-frame limit (MAX_CALL_FRAMES = 8) and its two different
 * messages:
 *  - do_check() descending into static subprograms refuses the 9th frame
 *    with "the call stack of 9 frames is too deep" (no "!"; the number is
 *    the new frame count);
 *  - check_max_stack_depth() walks calls syntactically, including calls to
 *    global functions (which do_check() verifies separately and does not
 *    descend into), and refuses with "the call stack of 8 frames is too
 *    deep !" (the 0-based index of the 9th frame).
 *
 * Every frame is 8 bytes (one byte stored at r10-8), far from 512.
 *
 *   program     chain                                       6.18
 *   nest8       main -> s1 .. s7         (8 static frames)  ok, 8x8
 *   nest9       main -> s1 .. s8         (9 static frames)  the call stack of 9 frames is too deep
 *   gnest8      main -> g1 .. g7         (8 global frames)  ok
 *   gnest9      main -> g1 .. g8         (9 global frames)  the call stack of 8 frames is too deep !
 *   gmix9       main -> gm1 -> s1 .. s7  (1 global + 7 static, 9 frames)
 *                                                           the call stack of 8 frames is too deep !
 *   nest9_dead  main -> s1 .. s7, and s7 -> s8 only when the read-only
 *               flag nest_deep is set (it is 0: the verifier prunes the
 *               branch and never enters s8).  The static walk still sees
 *               the call: expected "the call stack of 8 frames is too deep !"
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

/* Set by the loader before load in real programs; here always 0, so the
 * verifier knows the branch in s7_maybe() is dead. */
const volatile int nest_deep = 0;

/* Static chain s1 -> ... -> s8, each 8 bytes. */
static __noinline int s8(int x) { FRAME(8, x); return frame_8[0]; }
static __noinline int s7(int x) { FRAME(8, x); return s8(x + 1) + frame_8[0]; }
static __noinline int s6(int x) { FRAME(8, x); return s7(x + 1) + frame_8[0]; }
static __noinline int s5(int x) { FRAME(8, x); return s6(x + 1) + frame_8[0]; }
static __noinline int s4(int x) { FRAME(8, x); return s5(x + 1) + frame_8[0]; }
static __noinline int s3(int x) { FRAME(8, x); return s4(x + 1) + frame_8[0]; }
static __noinline int s2(int x) { FRAME(8, x); return s3(x + 1) + frame_8[0]; }
static __noinline int s1(int x) { FRAME(8, x); return s2(x + 1) + frame_8[0]; }

/* Short static chain t1 -> ... -> t7 (t7 is a leaf), each 8 bytes. */
static __noinline int t7(int x) { FRAME(8, x); return frame_8[0]; }
static __noinline int t6(int x) { FRAME(8, x); return t7(x + 1) + frame_8[0]; }
static __noinline int t5(int x) { FRAME(8, x); return t6(x + 1) + frame_8[0]; }
static __noinline int t4(int x) { FRAME(8, x); return t5(x + 1) + frame_8[0]; }
static __noinline int t3(int x) { FRAME(8, x); return t4(x + 1) + frame_8[0]; }
static __noinline int t2(int x) { FRAME(8, x); return t3(x + 1) + frame_8[0]; }
static __noinline int t1(int x) { FRAME(8, x); return t2(x + 1) + frame_8[0]; }

/* Chain u1 -> ... -> u7, where u7 calls s8 only if nest_deep. */
static __noinline int u7(int x)
{
	FRAME(8, x);
	if (nest_deep)
		return s8(x + 1) + frame_8[0];
	return frame_8[0];
}
static __noinline int u6(int x) { FRAME(8, x); return u7(x + 1) + frame_8[0]; }
static __noinline int u5(int x) { FRAME(8, x); return u6(x + 1) + frame_8[0]; }
static __noinline int u4(int x) { FRAME(8, x); return u5(x + 1) + frame_8[0]; }
static __noinline int u3(int x) { FRAME(8, x); return u4(x + 1) + frame_8[0]; }
static __noinline int u2(int x) { FRAME(8, x); return u3(x + 1) + frame_8[0]; }
static __noinline int u1(int x) { FRAME(8, x); return u2(x + 1) + frame_8[0]; }

/* Global chain g1 -> ... -> g8, each 8 bytes. */
__noinline int g8(int x) { FRAME(8, x); return frame_8[0]; }
__noinline int g7(int x) { FRAME(8, x); return g8(x + 1) + frame_8[0]; }
__noinline int g6(int x) { FRAME(8, x); return g7(x + 1) + frame_8[0]; }
__noinline int g5(int x) { FRAME(8, x); return g6(x + 1) + frame_8[0]; }
__noinline int g4(int x) { FRAME(8, x); return g5(x + 1) + frame_8[0]; }
__noinline int g3(int x) { FRAME(8, x); return g4(x + 1) + frame_8[0]; }
__noinline int g2(int x) { FRAME(8, x); return g3(x + 1) + frame_8[0]; }
__noinline int g1(int x) { FRAME(8, x); return g2(x + 1) + frame_8[0]; }

/* Global chain h1 -> ... -> h7 (h7 is a leaf), each 8 bytes. */
__noinline int h7(int x) { FRAME(8, x); return frame_8[0]; }
__noinline int h6(int x) { FRAME(8, x); return h7(x + 1) + frame_8[0]; }
__noinline int h5(int x) { FRAME(8, x); return h6(x + 1) + frame_8[0]; }
__noinline int h4(int x) { FRAME(8, x); return h5(x + 1) + frame_8[0]; }
__noinline int h3(int x) { FRAME(8, x); return h4(x + 1) + frame_8[0]; }
__noinline int h2(int x) { FRAME(8, x); return h3(x + 1) + frame_8[0]; }
__noinline int h1(int x) { FRAME(8, x); return h2(x + 1) + frame_8[0]; }

/* A global function on top of the 7-deep static chain t1 .. t7: verified
 * alone it has 8 frames (ok); under main it is the 9th. */
__noinline int gm1(int x) { FRAME(8, x); return t1(x + 1) + frame_8[0]; }

/* 8 frames of 8 bytes: main, t1 .. t7; ok */
SEC("tc")
int nest8(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	return t1(skb->len) + frame_8[0];
}

/* 9 frames of 8 bytes: main, s1 .. s8; do_check refuses the 9th:
 * "the call stack of 9 frames is too deep" */
SEC("tc")
int nest9(struct __sk_buff *skb)
{	// expect: call-depth
	FRAME(8, skb->len);
	return s1(skb->len) + frame_8[0];
}

/* 8 frames: main, global h1 .. h7; ok */
SEC("tc")
int gnest8(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	return h1(skb->len) + frame_8[0];
}

/* 9 frames: main, global g1 .. g8; each global is verified alone, the
 * static walk refuses: "the call stack of 8 frames is too deep !" */
SEC("tc")
int gnest9(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	return g1(skb->len) + frame_8[0];
}

/* 9 frames: main, global gm1, static t1 .. t7; "... 8 frames is too deep !" */
SEC("tc")
int gmix9(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	return gm1(skb->len) + frame_8[0];
}

/* 8 frames explored (main, u1 .. u7) and a 9th (s8) only on a branch the
 * verifier proves dead; the syntactic walk still counts it */
SEC("tc")
int nest9_dead(struct __sk_buff *skb)
{
	FRAME(8, skb->len);
	return u1(skb->len) + frame_8[0];
}

char _license[] SEC("license") = "GPL";

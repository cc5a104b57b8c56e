// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks in the stack checks.  A synchronous callback (bpf_loop,
 * bpf_for_each_map_elem), referenced by an ld_imm64 src=4 instruction, is
 * a frame of the function that references it: its frame adds to the
 * caller's chain, and it counts in the 8-frame limit.  An asynchronous
 * callback (bpf_timer_set_callback) is a root of its own, walked from
 * depth 0, and its frame never adds to the program's chain.
 *
 * Frame sizes are the verifier's stack_depth (deepest r10-N access);
 * sums are with 16-byte rounding (6.9+ with a JIT).
 *
 *   program          frames (bytes)                        sum    6.18
 *   loop_264_256     main 264, bpf_loop cb 256             528    combined ... 2 calls is 528
 *   loop_256_256     main 256, bpf_loop cb 256             512    ok; DEPTH shows main 280: the
 *                                                                 inlined bpf_loop adds 24 bytes
 *                                                                 after the check
 *   foreach_264_256  main 264, for_each_map_elem cb 256    528    combined ... 2 calls is 528
 *   foreach_256_256  main 256, for_each_map_elem cb 256    512    ok (not inlined: DEPTH 256+256)
 *   loop_cb_chain    main 200, bpf_loop cb 200 -> 200      624    combined ... 3 calls is 624
 *   loop_frames9     main, s1 .. s7 (8 bytes each), s7 runs bpf_loop: the
 *                    callback is the 9th frame             -      the call stack of 9 frames is too deep
 *   timer_496_496    main 496, timer cb 496 (own root)     496    ok
 *   timer_cb_528     main 16, timer cb 496 -> 32           528    combined ... 2 calls is 528 (the
 *                                                                 async root starts from 0)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

struct tm_elem {
	struct bpf_timer t;
	int armed;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, int);
	__type(value, struct tm_elem);
} cb_timers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} cb_values SEC(".maps");

/* bpf_loop callbacks: 256 bytes, and 200 bytes calling a 200-byte leaf. */
static int loop_cb256(__u32 idx, void *ctx)
{
	FRAME(256, idx);
	return frame_256[0] & 1;
}

static __noinline int leaf200(int x)
{	// expect: isa-v4
	FRAME(200, x);
	return frame_200[0];
}

static int loop_cb200(__u32 idx, void *ctx)
{
	FRAME(200, idx);
	return (leaf200(idx) + frame_200[0]) & 1;
}

/* bpf_for_each_map_elem callback: 256 bytes. */
static __u64 each_cb256(void *map, __u32 *key, __u64 *val, void *ctx)
{
	FRAME(256, *val);
	return frame_256[0] & 1;
}

/* main 264 + bpf_loop cb 256: 272+256 = 528; refused, 2 calls */
SEC("xdp")
int loop_264_256(struct xdp_md *ctx)
{	// expect: stack-combined
	FRAME(264, ctx->rx_queue_index);
	bpf_loop(ctx->rx_queue_index & 15, loop_cb256, 0, 0);
	return frame_264[0] ? XDP_PASS : XDP_DROP;
}

/* main 256 + bpf_loop cb 256 = 512: ok; the kernel inlines bpf_loop after
 * the check and grows main's frame by 24 (DEPTH 280+256) */
SEC("xdp")
int loop_256_256(struct xdp_md *ctx)
{
	FRAME(256, ctx->rx_queue_index);
	bpf_loop(ctx->rx_queue_index & 15, loop_cb256, 0, 0);
	return frame_256[0] ? XDP_PASS : XDP_DROP;
}

/* main 264 + for_each_map_elem cb 256: 528; refused, 2 calls */
SEC("xdp")
int foreach_264_256(struct xdp_md *ctx)
{
	FRAME(264, ctx->rx_queue_index);
	bpf_for_each_map_elem(&cb_values, each_cb256, 0, 0);
	return frame_264[0] ? XDP_PASS : XDP_DROP;
}

/* main 256 + for_each_map_elem cb 256: 512; ok */
SEC("xdp")
int foreach_256_256(struct xdp_md *ctx)
{
	FRAME(256, ctx->rx_queue_index);
	bpf_for_each_map_elem(&cb_values, each_cb256, 0, 0);
	return frame_256[0] ? XDP_PASS : XDP_DROP;
}

/* main 200 -> bpf_loop cb 200 -> leaf 200: 208 x 3 = 624; refused, 3 calls */
SEC("xdp")
int loop_cb_chain(struct xdp_md *ctx)
{
	FRAME(200, ctx->rx_queue_index);
	bpf_loop(ctx->rx_queue_index & 15, loop_cb200, 0, 0);
	return frame_200[0] ? XDP_PASS : XDP_DROP;
}

/* 8-byte callback at the bottom of an 8-frame chain. */
static int loop_cb8(__u32 idx, void *ctx)
{
	FRAME(8, idx);
	return frame_8[0] & 1;
}

static __noinline int ls7(int x)
{
	FRAME(8, x);
	bpf_loop(x & 15, loop_cb8, 0, 0);
	return frame_8[0];
}
static __noinline int ls6(int x) { FRAME(8, x); return ls7(x + 1) + frame_8[0]; }
static __noinline int ls5(int x) { FRAME(8, x); return ls6(x + 1) + frame_8[0]; }
static __noinline int ls4(int x) { FRAME(8, x); return ls5(x + 1) + frame_8[0]; }
static __noinline int ls3(int x) { FRAME(8, x); return ls4(x + 1) + frame_8[0]; }
static __noinline int ls2(int x) { FRAME(8, x); return ls3(x + 1) + frame_8[0]; }
static __noinline int ls1(int x) { FRAME(8, x); return ls2(x + 1) + frame_8[0]; }

/* main, ls1 .. ls7 (8 frames of 8 bytes), then the bpf_loop callback as
 * the 9th frame: "the call stack of 9 frames is too deep" */
SEC("xdp")
int loop_frames9(struct xdp_md *ctx)
{
	FRAME(8, ctx->rx_queue_index);
	return (ls1(ctx->rx_queue_index) + frame_8[0]) ? XDP_PASS : XDP_DROP;
}

/* Timer callback with a 496-byte frame: its own root, 496. */
static int timer_cb496(void *map, int *key, struct tm_elem *val)
{
	FRAME(496, val->armed);
	val->armed = frame_496[0];
	return 0;
}

static __noinline int leaf32(int x)
{
	FRAME(32, x);
	return frame_32[0];
}

/* Timer callback 496 calling a 32-byte leaf: its own root, 496+32 = 528. */
static int timer_cb528(void *map, int *key, struct tm_elem *val)
{
	FRAME(496, val->armed);
	val->armed = leaf32(frame_496[0]);
	return 0;
}

/* main 496 (the map key is the first 4 bytes of the frame) arming a timer
 * whose callback has 496: two roots of 496 each; ok */
SEC("tc")
int timer_496_496(struct __sk_buff *skb)
{
	volatile char frame[496];
	struct tm_elem *e;

	asm volatile("" : : "r"(frame) : "memory");
	*(int *)frame = 0;
	e = bpf_map_lookup_elem(&cb_timers, (void *)frame);
	if (!e)
		return 0;
	bpf_timer_init(&e->t, &cb_timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&e->t, timer_cb496);
	e->armed = 1;
	return 0;
}

/* main 16 arming a timer whose callback chain is 496 -> 32: the async root
 * is walked from 0 and refused, "combined stack size of 2 calls is 528" */
SEC("tc")
int timer_cb_528(struct __sk_buff *skb)
{
	volatile char frame[16];
	struct tm_elem *e;

	asm volatile("" : : "r"(frame) : "memory");
	*(int *)frame = 0;
	e = bpf_map_lookup_elem(&cb_timers, (void *)frame);
	if (!e)
		return 0;
	bpf_timer_init(&e->t, &cb_timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&e->t, timer_cb528);
	e->armed = 1;
	return 0;
}

char _license[] SEC("license") = "GPL";

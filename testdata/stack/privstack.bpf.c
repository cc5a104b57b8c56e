// SPDX-License-Identifier: GPL-2.0
/*
 * Private stacks (upstream 6.13, x86-64 JIT; arm64 later).  For kprobe,
 * tracepoint, perf_event and raw_tracepoint programs without any tail
 * call, every frame whose rounded size is at least 64 bytes runs on a
 * per-CPU private stack: check_max_stack_depth() checks it alone against
 * 512 and does not add it to the chain.  Other program types (tc, xdp) and
 * any program containing a tail call (in main or in a subprogram) keep the
 * combined 512-byte check.  Before 6.13 (and on 6.12.y, where the
 * backported code is inert) every case below with a sum above 512 is
 * refused with "combined stack size of %d calls is %d. Too large".
 *
 * Frame sizes are the verifier's stack_depth (deepest r10-N access).
 *
 *   program             type      frames (bytes)                    sum   6.18
 *   kp_304_304          kprobe    main 304 -> 304                   608   ok (private stack)
 *   kp_0_304_304        kprobe    main 0 -> 304 -> 304              608   ok
 *   kp_48_304_304       kprobe    main 48 -> 304 -> 304             656   ok (48 < 64 stays on
 *                                                                         the normal stack)
 *   kp_3x504            kprobe    main 504 -> 504 -> 504           1536   ok
 *   kp_loop_304_304     kprobe    main 304, bpf_loop cb 304         608   ok (callbacks get private
 *                                                                         stacks too; DEPTH shows
 *                                                                         main 328: inlined bpf_loop)
 *   kp_loop_504_8       kprobe    main 504, bpf_loop cb 8           528   ok: main 504 is private,
 *                                                                         the cb (8 < 64) alone is
 *                                                                         16; the inlined loop then
 *                                                                         grows main to 528
 *   tc_loop_504_8       tc        main 504, bpf_loop cb 8           528   combined ... 2 calls is 528
 *   rtp_304_304         raw_tp    main 304 -> 304                   608   ok
 *   tp_304_304          tracepoint main 304 -> 304                  608   ok
 *   tc_304_304          tc        main 304 -> 304                   608   combined ... 2 calls is 608
 *   xdp_304_304         xdp       main 304 -> 304                   608   combined ... 2 calls is 608
 *   kp_tail_304_304     kprobe    main 304 (tail-calls itself) -> 304
 *                                                                   608   combined ... 2 calls is 608
 *   kp_subtail_304_304  kprobe    main 0 -> 304 -> 304, and main -> tail-calling subprog (0)
 *                                                                   608   combined ... 3 calls is 608
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
} kp_jmp SEC(".maps");

static __noinline int p304(long x)
{
	FRAME(304, x);
	return frame_304[0];
}

static __noinline int p304_p304(long x)
{
	FRAME(304, x);
	return p304(x + 1) + frame_304[0];
}

static __noinline int p504(long x)
{
	FRAME(504, x);
	return frame_504[0];
}

static __noinline int p504_p504(long x)
{
	FRAME(504, x);
	return p504(x + 1) + frame_504[0];
}

static __noinline int kp_tail0(void *ctx)
{
	bpf_tail_call(ctx, &kp_jmp, 0);
	return 0;
}

/* kprobe, main 304 -> 304: 608, ok with private stacks */
SEC("kprobe/do_nanosleep")
int kp_304_304(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	FRAME(304, r);
	return p304(r) + frame_304[0];
}

/* kprobe, main 0 -> 304 -> 304: 608, ok with private stacks */
SEC("kprobe/do_nanosleep")
int kp_0_304_304(void *ctx)
{
	return p304_p304(bpf_get_prandom_u32() & 0xff);
}

/* kprobe, main 48 -> 304 -> 304: 48 stays on the normal stack, the 304s
 * are private; ok */
SEC("kprobe/do_nanosleep")
int kp_48_304_304(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	FRAME(48, r);
	return p304_p304(r) + frame_48[0];
}

/* kprobe, main 504 -> 504 -> 504: 1536, each frame alone <= 512; ok */
SEC("kprobe/do_nanosleep")
int kp_3x504(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	FRAME(504, r);
	return p504_p504(r) + frame_504[0];
}

static int kp_loop_cb304(__u32 idx, void *ctx)
{
	FRAME(304, idx);
	return frame_304[0] & 1;
}

static int kp_loop_cb8(__u32 idx, void *ctx)
{
	FRAME(8, idx);
	return frame_8[0] & 1;
}

/* kprobe, main 304 + bpf_loop callback 304: 608, ok with private stacks */
SEC("kprobe/do_nanosleep")
int kp_loop_304_304(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	FRAME(304, r);
	bpf_loop(r & 15, kp_loop_cb304, 0, 0);
	return frame_304[0];
}

/* kprobe, main 504 + bpf_loop callback 8: main private (504), callback on
 * the normal stack (16); ok.  bpf_loop inlining later adds 24 bytes to
 * main (528 > 512), unchecked.  The tc equivalent is refused. */
SEC("kprobe/do_nanosleep")
int kp_loop_504_8(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	FRAME(504, r);
	bpf_loop(r & 15, kp_loop_cb8, 0, 0);
	return frame_504[0];
}

/* tc, main 504 + bpf_loop callback 8: 512+16 = 528; refused */
SEC("tc")
int tc_loop_504_8(struct __sk_buff *skb)
{
	FRAME(504, skb->len);
	bpf_loop(skb->len & 15, kp_loop_cb8, 0, 0);
	return frame_504[0];
}

/* raw_tp, main 304 -> 304: 608, ok with private stacks */
SEC("raw_tp/sys_enter")
int rtp_304_304(struct bpf_raw_tracepoint_args *ctx)
{
	FRAME(304, ctx->args[1]);
	return p304(ctx->args[1]) + frame_304[0];
}

/* tracepoint, main 304 -> 304: 608, ok with private stacks */
SEC("tracepoint/syscalls/sys_enter_nanosleep")
int tp_304_304(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	FRAME(304, r);
	return p304(r) + frame_304[0];
}

/* tc, main 304 -> 304: no private stack for tc; refused, 608 */
SEC("tc")
int tc_304_304(struct __sk_buff *skb)
{
	FRAME(304, skb->len);
	return p304(skb->len) + frame_304[0];
}

/* xdp, main 304 -> 304: no private stack for xdp; refused, 608 */
SEC("xdp")
int xdp_304_304(struct xdp_md *ctx)
{
	FRAME(304, ctx->rx_queue_index);
	return p304(ctx->rx_queue_index) + frame_304[0];
}

/* kprobe, main 304 with its own tail call -> 304: any tail call disables
 * private stacks; the main program is exempt from the 256 rule, so the
 * refusal is the combined one, 608 */
SEC("kprobe/do_nanosleep")
int kp_tail_304_304(void *ctx)
{
	__u32 r = bpf_get_prandom_u32();

	FRAME(304, r);
	bpf_tail_call(ctx, &kp_jmp, 0);
	return p304(r) + frame_304[0];
}

/* kprobe, main 0 -> 304 -> 304 plus main -> kp_tail0 (previous frames 0,
 * so the 256 rule passes); the tail call in a subprogram disables private
 * stacks: refused, 3 calls, 608 */
SEC("kprobe/do_nanosleep")
int kp_subtail_304_304(void *ctx)
{
	int r = kp_tail0(ctx);

	return r + p304_p304(r & 0xff);
}

char _license[] SEC("license") = "GPL";

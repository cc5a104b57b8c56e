// SPDX-License-Identifier: GPL-2.0
/*
 * Callbacks: bpf_loop and bpf_for_each_map_elem (synchronous, frames of
 * their caller) and a timer callback (asynchronous, a root of its own).
 *
 * expect-funcs: loop_prog loop_prog loop_cb
 * expect-funcs: foreach_prog foreach_prog count_cb
 * expect-funcs: timer_prog timer_prog timer_cb
 * expect-callback: loop_prog loop_cb helper=181 sync
 * expect-callback: foreach_prog count_cb helper=164 sync
 * expect-callback: timer_prog timer_cb helper=170 async
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct elem {
	struct bpf_timer t;
	int armed;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, int);
	__type(value, struct elem);
} timers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static int loop_cb(__u32 idx, void *ctx)
{
	volatile int v = idx;

	*(int *)ctx += v;
	return 0;
}

static __u64 count_cb(void *map, __u32 *key, __u64 *val, void *ctx)
{
	*(__u64 *)ctx += *val + *key;
	return 0;
}

static int timer_cb(void *map, int *key, struct elem *val)
{
	val->armed = 0;
	return 0;
}

SEC("xdp")
int loop_prog(struct xdp_md *ctx)
{
	int sum = 0;

	bpf_loop(ctx->rx_queue_index & 15, loop_cb, &sum, 0);
	return sum & 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int foreach_prog(struct xdp_md *ctx)
{
	__u64 total = 0;

	bpf_for_each_map_elem(&counters, count_cb, &total, 0);
	return total ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int timer_prog(struct __sk_buff *skb)
{
	int key = 0;
	struct elem *e = bpf_map_lookup_elem(&timers, &key);

	if (!e)
		return 0;
	bpf_timer_init(&e->t, &timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&e->t, timer_cb);
	e->armed = 1;
	return 0;
}

char _license[] SEC("license") = "GPL";

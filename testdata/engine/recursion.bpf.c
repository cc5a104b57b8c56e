// SPDX-License-Identifier: GPL-2.0
/*
 * Cycles in the call graph no longer make the whole object unreadable
 * (issue 14): each program gets the kernel's own answer.
 *
 *   rearm_main   a timer callback that re-arms itself with
 *                bpf_timer_set_callback(t, rearm_cb): the async callback is
 *                a root of its own; the kernels accept.
 *   selfcall     a static function calling itself a bounded number of
 *                times (n from the context, masked): 6.1's check_cfg()
 *                refuses the call edge ("back-edge from insn T to W");
 *                later kernels explore it until the frame limit.
 *   plain        a program without a cycle in the same object: its verdict
 *                must not be lost.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define CLOCK_MONOTONIC 1

struct elem {
	struct bpf_timer t;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct elem);
} rearm_timers SEC(".maps");

static int rearm_cb(void *map, int *key, struct elem *val)
{
	volatile char buf[64];

	buf[0] = 1;
	bpf_timer_set_callback(&val->t, rearm_cb);
	bpf_timer_start(&val->t, 1000, 0);
	return 0;	/* an async callback must return 0 */
}

SEC("tc")
int rearm_main(struct __sk_buff *skb)
{
	int key = 0;
	struct elem *e = bpf_map_lookup_elem(&rearm_timers, &key);

	if (!e)
		return 0;
	bpf_timer_init(&e->t, &rearm_timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&e->t, rearm_cb);
	bpf_timer_start(&e->t, 1000, 0);
	return 0;
}

static __noinline int down(__u32 n)
{
	volatile char buf[32];

	buf[0] = n;
	if (n == 0)
		return buf[0];
	return down(n - 1) + buf[0];
}

SEC("tc")
int selfcall(struct __sk_buff *skb)
{
	return down(skb->len & 3);
}

SEC("tc")
int plain(struct __sk_buff *skb)
{
	volatile char buf[48];

	buf[0] = skb->len;
	return buf[0];
}

char _license[] SEC("license") = "GPL";

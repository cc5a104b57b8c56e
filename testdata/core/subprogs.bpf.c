// SPDX-License-Identifier: GPL-2.0
/*
 * Static and global subprograms called across sections, shared by two
 * entry programs that reach them in different orders: the kernel numbers
 * subprograms in the order libbpf appends them (depth-first, first call).
 *
 * expect-funcs: xdp_a xdp_a leaf_static mid_global leaf_shared
 * expect-funcs: xdp_b xdp_b leaf_shared mid_global leaf_static
 * expect-funcs: tc_lone tc_lone
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int leaf_static(int x)
{
	volatile int v = x * 3;

	return v + 1;
}

static __noinline int leaf_shared(int x)
{
	volatile int v = x ^ 0x55;

	return v;
}

__noinline int mid_global(int x)
{
	return leaf_static(x) + leaf_shared(x);
}

SEC("xdp")
int xdp_a(struct xdp_md *ctx)
{
	int r = leaf_static(ctx->ingress_ifindex);

	r += mid_global(r);
	return r & 1 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_b(struct xdp_md *ctx)
{
	int r = leaf_shared(ctx->rx_queue_index);

	r += mid_global(r);
	return r & 1 ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int tc_lone(struct __sk_buff *skb)
{
	return skb->len > 100 ? 0 : 2;
}

char _license[] SEC("license") = "GPL";

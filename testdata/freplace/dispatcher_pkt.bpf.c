// SPDX-License-Identifier: GPL-2.0
/*
 * dispatcher.bpf.c with stubs that MAY change packet data: each calls
 * bpf_xdp_adjust_head(ctx, 0) on a branch the verifier cannot prove dead
 * (ingress_ifindex is unknown at load time), so the kernel marks the stub
 * changes_pkt_data.  An extension that changes packet data (acl.o:acl
 * tail-calls) may replace such a stub even on kernels with the packet-data
 * contract (6.12.y), which lets the prog-array membership experiments run
 * with acl.o:acl as the owner of acl_progs on every kernel.
 *
 * Same function names as dispatcher.bpf.c (acl_stub, algo_stub), so the same
 * extension objects attach to either.  Loaded alone: accepted everywhere.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int acl_stub(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	if (ctx->ingress_ifindex == 0xfffffff0)
		bpf_xdp_adjust_head(ctx, 0);
	return ret;
}

__noinline int algo_stub(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	if (ctx->ingress_ifindex == 0xfffffff1)
		bpf_xdp_adjust_head(ctx, 0);
	return ret;
}

SEC("xdp")
int xdp_dispatcher_pkt(struct xdp_md *ctx)
{
	int ret;

	ret = acl_stub(ctx);
	if (ret != XDP_PASS)
		return ret;
	return algo_stub(ctx);
}

char _license[] SEC("license") = "GPL";

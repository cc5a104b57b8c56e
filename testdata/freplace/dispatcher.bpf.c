// SPDX-License-Identifier: GPL-2.0
/*
 * The target of the freplace experiments (tests/vm/freplace.plan): an XDP
 * "dispatcher" that calls global __noinline stubs which extensions
 * (SEC("freplace/<stub>"), BPF_PROG_TYPE_EXT) replace at run time, the way
 * libxdp's xdp-dispatcher.o calls prog0..prog9.
 *
 *   acl_stub(ctx)              replaced by acl.o:acl (tail-calls through
 *                              acl_progs), ext_of_ext.o:ext_pass, bad_proto.o
 *   algo_stub(ctx)             the attach target of acl_algo.o:acl_algo, the
 *                              "module" that is meant to be tail-called
 *   fwd_stub(ctx, ifindex)     a two-argument target for prototype checks
 *
 * None of the stubs may change packet data (no helper that does, no tail
 * call), so on kernels with the packet-data contract of extensions (6.12.y
 * backport of the 6.13 series) an extension that does change packet data is
 * refused with "Extension program changes packet data, while original does
 * not"; dispatcher_pkt.bpf.c is the same dispatcher whose stubs may.
 *
 * The stubs return a volatile local so that the compiler cannot propagate
 * their return value into the caller (libxdp does the same), and each is
 * really called.  Loaded alone the program is accepted on every kernel.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int acl_stub(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

__noinline int algo_stub(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

__noinline int fwd_stub(struct xdp_md *ctx, __u32 ifindex)
{
	volatile int ret = XDP_PASS;

	if (!ctx || ifindex == 0xffffffff)
		return XDP_ABORTED;
	return ret;
}

SEC("xdp")
int xdp_dispatcher(struct xdp_md *ctx)
{
	int ret;

	ret = acl_stub(ctx);
	if (ret != XDP_PASS)
		return ret;
	ret = algo_stub(ctx);
	if (ret != XDP_PASS)
		return ret;
	return fwd_stub(ctx, ctx->ingress_ifindex);
}

char _license[] SEC("license") = "GPL";

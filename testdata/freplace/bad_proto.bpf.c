// SPDX-License-Identifier: GPL-2.0
/*
 * freplace with another prototype than the target's: extensions of
 * dispatcher.bpf.c's global stubs
 *     int acl_stub(struct xdp_md *ctx)
 *     int fwd_stub(struct xdp_md *ctx, __u32 ifindex)
 * that differ in one respect each.  btf_check_func_type_match() decides at
 * the extension's BPF_PROG_LOAD (log message, EINVAL):
 *
 *   extension     prototype                           expected message
 *   proto_nargs   (struct xdp_md *, int)              "proto_nargs() has 2 args while acl_stub() has 1 args"
 *   proto_ret     struct xdp_md *(struct xdp_md *)    "Return type PTR of proto_ret() doesn't match type INT of acl_stub()"
 *   proto_ctx     (struct __sk_buff *)                "arg0 proto_ctx(struct __sk_buff *) doesn't match acl_stub(struct xdp_md *)"
 *   proto_kind    (long)                              "arg0 in proto_kind() is INT while acl_stub() has PTR"
 *   proto_size    (struct xdp_md *, __u64)            "arg1 in proto_size() has size 8 while fwd_stub() has 4"
 *   proto_long    long (struct xdp_md *)              accepted: only the return KIND is compared
 *   proto_ok      (struct xdp_md *, __u32)            accepted (control)
 *
 * The expected texts are from the 6.1/6.12 sources; the measured ones are in
 * tests/lib/freplace-records.md.  None of these loads alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/acl_stub")
int proto_nargs(struct xdp_md *ctx, int extra)
{
	return XDP_PASS;
}

SEC("freplace/acl_stub")
struct xdp_md *proto_ret(struct xdp_md *ctx)
{
	return 0;
}

SEC("freplace/acl_stub")
int proto_ctx(struct __sk_buff *skb)
{
	return XDP_PASS;
}

SEC("freplace/acl_stub")
int proto_kind(long cookie)
{
	return XDP_PASS;
}

SEC("freplace/fwd_stub")
int proto_size(struct xdp_md *ctx, __u64 ifindex)
{
	return XDP_PASS;
}

SEC("freplace/acl_stub")
long proto_long(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("freplace/fwd_stub")
int proto_ok(struct xdp_md *ctx, __u32 ifindex)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * freplace of functions that are not global.  static_target (SEC("xdp")) is
 * the target; the four extensions each replace one of its callees and have
 * the callee's prototype, so only the linkage (and the reliability of the
 * target's BTF) decides:
 *
 *   callee           what it is                          expected refusal
 *   acl_static       static, BTF matches its use         "acl_static() is not a global function"
 *   acl_hidden       global but __hidden: libbpf marks   "acl_hidden() is not a global function"
 *                    its BTF FUNC static at load
 *   acl_unreliable   static, BTF says "long" but the     "Cannot replace static functions"
 *                    caller passes the ctx pointer:
 *                    the verifier marks the function
 *                    unreliable (btf_check_func_arg_match)
 *   acl_dropped      static with an unused second        "Cannot replace static functions" if the
 *                    argument that the compiler may      compiler dropped the argument, else
 *                    drop (its BTF keeps it)             "acl_dropped() is not a global function"
 *
 * All refusals come from the load of the extension (BPF_PROG_LOAD with
 * attach_prog_fd = static_target): bpf_check_attach_target(), log message
 * and EINVAL.  The exact per-kernel outcome is in
 * tests/lib/freplace-records.md.  Loaded alone static_target is accepted;
 * the extensions cannot load alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

static __noinline int acl_static(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

__hidden __noinline int acl_hidden(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

static __noinline int acl_unreliable(long cookie)
{
	volatile int ret = XDP_PASS;

	if (!cookie)
		return XDP_ABORTED;
	return ret;
}

static __noinline int acl_dropped(struct xdp_md *ctx, int unused)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

SEC("xdp")
int static_target(struct xdp_md *ctx)
{
	int ret;

	ret = acl_static(ctx);
	if (ret != XDP_PASS)
		return ret;
	ret = acl_hidden(ctx);
	if (ret != XDP_PASS)
		return ret;
	ret = acl_unreliable((long)ctx);
	if (ret != XDP_PASS)
		return ret;
	return acl_dropped(ctx, 0);
}

SEC("freplace/acl_static")
int ext_static(struct xdp_md *ctx)
{	// expect: freplace-attach
	return XDP_PASS;
}

SEC("freplace/acl_hidden")
int ext_hidden(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("freplace/acl_unreliable")
int ext_unreliable(long cookie)
{
	return XDP_PASS;
}

SEC("freplace/acl_dropped")
int ext_dropped(struct xdp_md *ctx, int unused)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * freplace-stack: the verifier checks each program's chain alone, but an
 * extension runs below the frames that called the function it replaces.
 * deep_stub() is called from deep_entry through two 192-byte frames (each
 * fills a buffer with bpf_xdp_load_bytes()); the extension deep_ext needs
 * 256 bytes of its own. Both load (each chain is
 * far below 512 bytes); together they need more than 512 bytes at run
 * time, which no verifier check sees.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int deep_stub(struct xdp_md *ctx)
{
	volatile int ret = XDP_PASS;

	if (!ctx)
		return XDP_ABORTED;
	return ret;
}

static __noinline int deep_mid(struct xdp_md *ctx)
{
	char buf[192];

	if (bpf_xdp_load_bytes(ctx, 0, buf, sizeof(buf)))
		return XDP_PASS;
	return deep_stub(ctx) + (buf[0] == 7);
}

static __noinline int deep_top(struct xdp_md *ctx)
{
	char buf[192];

	if (bpf_xdp_load_bytes(ctx, 0, buf, sizeof(buf)))
		return XDP_PASS;
	return deep_mid(ctx) + (buf[1] == 7);
}

SEC("xdp")
int deep_entry(struct xdp_md *ctx)
{
	return deep_top(ctx);
}

SEC("freplace/deep_stub")
int deep_ext(struct xdp_md *ctx)
{	// expect: freplace-stack
	char buf[256];

	if (bpf_xdp_load_bytes(ctx, 0, buf, sizeof(buf)))
		return XDP_PASS;
	return buf[0] == 1 ? XDP_DROP : XDP_PASS;
}

char _license[] SEC("license") = "GPL";

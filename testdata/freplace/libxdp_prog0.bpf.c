// SPDX-License-Identifier: GPL-2.0
/*
 * Extensions of libxdp's dispatcher (xdp-dispatcher.o from Debian's libxdp1,
 * printed by ../shared/corpus/debian-objects.sh), replacing its global
 * prog0(struct xdp_md *ctx), as xdp-loader does with an XDP program:
 *
 *   prog0_pass     returns XDP_PASS                    attaches everywhere
 *   prog0_adjust   may call bpf_xdp_adjust_head()      changes packet data:
 *                                                      refused where the
 *                                                      packet-data contract
 *                                                      exists (prog0 does not)
 *   prog0_tail     tail-calls through prog0_progs      the same, for a tail call
 *
 * The dispatcher is loaded as libxdp would load it for one program
 * (conf.num_progs_enabled = 1) and as the file has it (0: prog0 is never
 * called; kernels that verify global functions lazily drop it as dead code).
 * None of these programs loads alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} prog0_progs SEC(".maps");

SEC("freplace/prog0")
int prog0_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("freplace/prog0")
int prog0_adjust(struct xdp_md *ctx)
{
	if (ctx->ingress_ifindex == 0xfffffff0)
		bpf_xdp_adjust_head(ctx, 0);
	return XDP_PASS;
}

SEC("freplace/prog0")
int prog0_tail(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &prog0_progs, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

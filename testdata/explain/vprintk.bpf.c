// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_printk with more than three arguments becomes bpf_trace_vprintk: the
 * format goes to .rodata but the arguments are stored as a u64 array on
 * the stack, 8 bytes each (5 arguments: 40 bytes).
 *
 * (tests/t_explain.sh checks the 40-byte argument array.)
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int vprintk5(struct xdp_md *ctx)
{
	__u32 a = ctx->ingress_ifindex, b = ctx->rx_queue_index;

	bpf_printk("5 args: %u %u %u %u %u", a, b, a + b, a * b, a ^ b);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

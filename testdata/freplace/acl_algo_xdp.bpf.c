// SPDX-License-Identifier: GPL-2.0
/*
 * The workaround of issue 5: the tail callee of acl.o:acl written as an
 * ordinary program of the target's type, SEC("xdp"), instead of an
 * extension (acl_algo.bpf.c), to be inserted into acl_progs, whose owner is
 * acl.o:acl (EXT, resolved to XDP).
 *
 * Measured (tests/lib/freplace-records.md): the owner's expected_attach_type
 * is the EXT's own, 0, and every kernel tried compares it, so loaded as
 * libbpf >= 1.0 loads SEC("xdp") (expected_attach_type BPF_XDP) the
 * insertion fails with EINVAL on 6.1.170, 6.1.192 and 6.12.117; loaded with
 * expected_attach_type 0 it is accepted on all three, and the plan's test
 * run (dispatcher_pkt -> acl -> tail call -> acl_algo_xdp) shows algo_runs
 * = 1.  Loaded alone: accepted everywhere.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 algo_runs;

SEC("xdp")
int acl_algo_xdp(struct xdp_md *ctx)
{
	algo_runs++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

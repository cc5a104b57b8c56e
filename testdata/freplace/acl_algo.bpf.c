// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 5's "acl_algo module" as the user wrote it: itself an extension
 * (SEC("freplace/algo_stub"), loaded against the dispatcher's algo_stub()),
 * meant to be put into acl.o's prog array acl_progs and tail-called by
 * acl.o:acl.
 *
 * What it proves: inserting an EXT program into a prog array
 * (BPF_MAP_UPDATE_ELEM) fails with EINVAL on kernels carrying "bpf: Prevent
 * tailcall infinite loop caused by freplace" (v6.13, CVE-2024-47794, and
 * its stable backports) and succeeded before.  The verifier prints nothing:
 * the record is the errno of the map update.  See acl_algo_xdp.bpf.c for
 * the workaround.  Cannot load alone (it needs its attach target).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 algo_runs;

SEC("freplace/algo_stub")
int acl_algo(struct xdp_md *ctx)
{	// expect: prog-array-member {-k 6.12.117 --attach acl.o:acl=dispatcher.o:acl_stub --tail-target acl_progs[0]=acl_algo.o:acl_algo @dispatcher.o @acl.o @acl_algo.o}
	algo_runs++;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

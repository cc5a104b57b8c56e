// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 5's "acl module": an extension of the dispatcher's acl_stub()
 * (SEC("freplace/acl_stub"), BPF_PROG_TYPE_EXT) that tail-calls the "algo"
 * module through its prog array acl_progs.
 *
 * What it proves (tests/vm/freplace.plan, records in
 * tests/lib/freplace-records.md):
 *  - a tail call inside an EXT program is allowed; the prog array's owner
 *    is the EXT program with its type resolved to the target's (XDP);
 *  - a tail call counts as changing packet data: against dispatcher.o's
 *    acl_stub (which does not) the 6.12 kernel refuses the load with
 *    "Extension program changes packet data, while original does not",
 *    6.1 accepts it; against dispatcher_pkt.o's acl_stub it loads everywhere;
 *  - which programs acl_progs accepts as members: acl_algo.o:acl_algo (an
 *    EXT program) versus acl_algo_xdp.o:acl_algo_xdp (SEC("xdp"), the
 *    workaround), by program type and expected_attach_type.
 *
 * Cannot load alone (libbpf needs the target: bpf_program__set_attach_target).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} acl_progs SEC(".maps");

__u32 acl_runs;

SEC("freplace/acl_stub")
int acl(struct xdp_md *ctx)
{	// expect: tailcall-owner
	acl_runs++;
	bpf_tail_call(ctx, &acl_progs, 0);
	/* Empty slot: fall through, let the packet pass. */
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * Prog-array owner compatibility by expected_attach_type: tc_owner
 * (SEC("tc"), expected_attach_type 0) uses tc_jmp and so becomes its owner
 * at load.  Members:
 *   tc_member   SEC("tc"), attach type 0            accepted (control)
 *   tcx_member  SEC("tcx/ingress"), BPF_TCX_INGRESS  refused with EINVAL where
 *               (46), the same program type           the kernel compares
 *                                                     expected_attach_type
 *                                                     (4540aed51b12, v6.18,
 *                                                     and its backports)
 * libbpf 1.1 does not know SEC("tcx/..."); the loader sets the type
 * (sched_cls) and the attach type itself (NOTE in the record).  The
 * verifier prints nothing: the record is the errno of BPF_MAP_UPDATE_ELEM.
 * All three programs load alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} tc_jmp SEC(".maps");

SEC("tc")
int tc_owner(struct __sk_buff *skb)
{
	bpf_tail_call(skb, &tc_jmp, 0);
	return 0;
}

SEC("tc")
int tc_member(struct __sk_buff *skb)
{
	return 0;
}

SEC("tcx/ingress")
int tcx_member(struct __sk_buff *skb)
{
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * A kfunc call: in the ELF it is "call -1" relocated against an undefined
 * extern, which libbpf rewrites to a BTF-id call.
 *
 * expect-funcs: tc_dynptr tc_dynptr
 * expect-kfunc: tc_dynptr bpf_dynptr_from_skb
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int bpf_dynptr_from_skb(struct __sk_buff *skb, __u64 flags,
			       struct bpf_dynptr *ptr__uninit) __ksym;

SEC("tc")
int tc_dynptr(struct __sk_buff *skb)
{
	struct bpf_dynptr ptr;

	if (bpf_dynptr_from_skb(skb, 0, &ptr))
		return 2;
	return 0;
}

char _license[] SEC("license") = "GPL";

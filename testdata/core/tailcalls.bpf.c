// SPDX-License-Identifier: GPL-2.0
/*
 * Tail calls through a statically initialised prog array, from the entry
 * program and from a subprogram, with constant and variable indexes.
 *
 * expect-funcs: entry entry dispatch
 * expect-funcs: target_one target_one
 * expect-funcs: target_two target_two
 * expect-slot: jmp_table 0 target_one
 * expect-slot: jmp_table 2 target_two
 * expect-tailcall: entry jmp_table 0
 * expect-tailcall: dispatch jmp_table -1
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

int target_one(struct __sk_buff *skb);
int target_two(struct __sk_buff *skb);

/*
 * A map before the prog array: clang leaves .maps DATASEC offsets at 0,
 * so only the symbols place jmp_table (this caught the model trusting
 * DATASEC offsets).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__uint(key_size, sizeof(__u32));
	__array(values, int (void *));
} jmp_table SEC(".maps") = {
	.values = {
		[0] = (void *)&target_one,
		[2] = (void *)&target_two,
	},
};

SEC("tc")
int target_one(struct __sk_buff *skb)
{
	__u32 k = 0;
	__u64 *n = bpf_map_lookup_elem(&runs, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
	return 1;
}

SEC("tc")
int target_two(struct __sk_buff *skb)
{
	return 2;
}

static __noinline int dispatch(struct __sk_buff *skb, __u32 slot)
{
	bpf_tail_call(skb, &jmp_table, slot);
	return 0;
}

/* gcc 12 has no bpf_tail_call_static(); a constant index still reaches r3. */
#ifndef __clang__
#define bpf_tail_call_static bpf_tail_call
#endif

SEC("tc")
int entry(struct __sk_buff *skb)
{
	bpf_tail_call_static(skb, &jmp_table, 0);
	return dispatch(skb, skb->mark & 3);
}

char _license[] SEC("license") = "GPL";

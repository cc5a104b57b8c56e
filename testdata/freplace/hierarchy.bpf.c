// SPDX-License-Identifier: GPL-2.0
/*
 * The tail-call hierarchy demo (verifier-facts.md §4): an entry program that
 * calls a tail-calling subprogram twice.  jmp_table[0] holds the entry
 * itself (the plan inserts it), so every run calls subprog_tail() twice and
 * each call tail-calls a new run of the entry.
 *
 * Kernels with "bpf, x64: Fix tailcall hierarchy" (v6.12) share one counter
 * per run of the entry program through all its subprograms: at most 33 tail
 * calls, so hier_entry runs 34 times.  Without the fix the counter reaches
 * the subprogram by value, increments made in one call are lost for the
 * next, and the runs form a binary tree of depth 33 (2^34 - 1 runs, a CPU
 * stall).  The demo therefore stops recursing after HIER_CAP runs:
 *
 *   runs == 34         counter shared (fixed kernel)
 *   runs == HIER_CAP   more than 33 tail calls in one run (unfixed kernel)
 *   max_level          the deepest chain of tail calls seen (33 on both)
 *
 * Controls, same counters: hier_once calls the subprogram once (34 runs on
 * every kernel), hier_direct tail-calls itself from the main program (34).
 * The plan runs each with BPF_PROG_TEST_RUN and prints the .bss variables
 * as COUNT records.  A static analyser should warn, not refuse: the count
 * depends on the prog array's contents at run time.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define HIER_CAP 1000

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} jmp_table SEC(".maps");

__u32 runs;		/* runs of the entry program, the first included */
__u32 max_level;	/* deepest tail-call chain: 0 = the first run */
__u32 level;		/* level of the run being started (set by the caller) */

static __noinline int subprog_tail(struct __sk_buff *skb)
{	// expect: tailcall-hierarchy
	bpf_tail_call(skb, &jmp_table, 0);
	return 0;
}

static __always_inline __u32 enter(void)
{
	__u32 my = level;

	runs++;
	if (my > max_level)
		max_level = my;
	return my;
}

SEC("tc")
int hier_entry(struct __sk_buff *skb)
{
	__u32 my = enter();

	if (runs >= HIER_CAP)
		return 0;
	level = my + 1;
	subprog_tail(skb);
	if (runs >= HIER_CAP)
		return 0;
	level = my + 1;
	subprog_tail(skb);
	return 0;
}

SEC("tc")
int hier_once(struct __sk_buff *skb)
{
	__u32 my = enter();

	level = my + 1;
	subprog_tail(skb);
	return 0;
}

SEC("tc")
int hier_direct(struct __sk_buff *skb)
{
	__u32 my = enter();

	level = my + 1;
	bpf_tail_call(skb, &jmp_table, 0);
	return 0;
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * Inline suppression from the object alone (tests/t_suppress.sh): four
 * copies of one refusal ("combined stack size of 2 calls is 544" before
 * 6.9: 224 + 320 with 32-byte rounding), each at the return line, with
 * the suppression comment in a different place. The test compiles this
 * file, then deletes the source so that only what BTF line info holds
 * remains. Clang records the text of each line that produced
 * instructions, comments included, and nothing of a line that did not:
 *
 *   above_code     comment at the end of the line above (code): suppressed
 *   above_comment  comment on a line of its own above: suppressed only
 *                  while the source file is readable
 *   same_line      comment on the reported line: suppressed
 *   control        no comment: reported
 *
 * Not a .bpf.c: build-testdata.sh would compile it into the corpus, where
 * its suppressed refusals would contradict t_verdict_findings.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define FRAME(N, v)						\
	volatile char frame_##N[N];				\
	asm volatile("" : : "r"(frame_##N) : "memory");		\
	frame_##N[0] = (v)

static __noinline int leaf304(int x)
{
	FRAME(304, x);
	return frame_304[0];
}

SEC("tc")
int above_code(struct __sk_buff *skb)
{
	FRAME(200, skb->len); // bpf-preflight: disable=stack-combined
	return leaf304(skb->len) + frame_200[0];
}

SEC("tc")
int above_comment(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	// bpf-preflight: disable=stack-combined
	return leaf304(skb->len) + frame_200[0];
}

SEC("tc")
int same_line(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return leaf304(skb->len) + frame_200[0]; // bpf-preflight: disable=stack-combined
}

SEC("tc")
int control(struct __sk_buff *skb)
{
	FRAME(200, skb->len);
	return leaf304(skb->len) + frame_200[0];
}

char _license[] SEC("license") = "GPL";

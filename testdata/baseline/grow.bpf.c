// SPDX-License-Identifier: GPL-2.0
/*
 * A finding that grows (tests/t_baseline.sh): grow_buf keeps a buffer of
 * BUF bytes and calls a leaf with 304. Before 6.9 (32-byte rounding) the
 * chain is 224 + 320 = 544 bytes and refused; 6.9+ (16-byte rounding)
 * counts 208 + 304 = 512 and accepts. The test builds a copy with
 * -DBUF=360: 384 + 320 = 704 before 6.9, 368 + 304 = 672 after, so the
 * same problem measures more, and a baseline of this object must not hide
 * it.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef BUF
#define BUF 200
#endif

static __noinline int leaf304(int x)
{
	volatile char frame[304];

	asm volatile("" : : "r"(frame) : "memory");
	frame[0] = x;
	return frame[0];
}

SEC("tc")
int grow_buf(struct __sk_buff *skb)
{	// expect: stack-combined error {-k 6.6}
	volatile char buf[BUF];

	asm volatile("" : : "r"(buf) : "memory");
	buf[0] = skb->len;
	return leaf304(skb->len) + buf[0];
}

char _license[] SEC("license") = "GPL";

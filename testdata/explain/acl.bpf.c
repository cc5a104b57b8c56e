// build: -DBPF_NO_GLOBAL_DATA
// SPDX-License-Identifier: GPL-2.0
/*
 * The seed case of "what is using my stack?": an XDP acl program keeps a
 * struct tunnel (44 bytes), a struct sflow (48 bytes) and a bpf_printk()
 * whose format string sits on the stack (the object is built with
 * -DBPF_NO_GLOBAL_DATA, as old libbpf's macro did). Together they push the
 * main frame past 224 bytes, which 32-byte rounding (before 6.9) makes 256:
 * the tail call in acl_tail is then refused. Without the printk (acl_quiet)
 * the same program is accepted everywhere.
 *
 * build: -DBPF_NO_GLOBAL_DATA is set on the first line.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct tunnel {
	__u32 remote_ipv4[4];
	__u32 local_ipv4[4];
	__u16 sport, dport;
	__u32 vni;
	__u32 flags;
};				/* 44 bytes */

struct sflow {
	__u64 packets;
	__u64 bytes;
	__u32 sample_rate;
	__u32 sample_pool;
	__u32 drops;
	__u32 input_if;
	__u32 output_if;
	__u32 seq;
	__u64 timestamp;
};				/* 48 bytes */

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 8);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} acl_progs SEC(".maps");

static __noinline int acl_tail(struct xdp_md *ctx, __u32 verdict)
{
	bpf_tail_call(ctx, &acl_progs, verdict & 7);
	return XDP_PASS;
}

/* Keep the structs alive and in memory: the verifier counts what is touched. */
static __always_inline void fill(void *p, __u32 len, __u32 seed)
{
	volatile __u8 *b = p;
	__u32 i;

	for (i = 0; i < len; i++)
		b[i] = (__u8)(seed + i);
}

static __always_inline __u32 fold(const void *p, __u32 len)
{
	const volatile __u8 *b = p;
	__u32 i, h = 0;

	for (i = 0; i < len; i++)
		h = h * 31 + b[i];
	return h;
}

SEC("xdp")
int acl_main(struct xdp_md *ctx)
{	// expect: printk-stack
	struct tunnel t;
	struct sflow s;
	__u8 rule[64];
	__u32 h;

	fill(&t, sizeof(t), ctx->ingress_ifindex);
	fill(&s, sizeof(s), ctx->rx_queue_index);
	fill(rule, sizeof(rule), ctx->ingress_ifindex ^ ctx->rx_queue_index);
	h = fold(&t, sizeof(t)) ^ fold(&s, sizeof(s)) ^ fold(rule, sizeof(rule));
	bpf_printk("acl: tunnel vni %u sflow rate %u hash %x, rule lookup pending for this flow\n",
		   t.vni, s.sample_rate, h);
	return acl_tail(ctx, h);
}

SEC("xdp")
int acl_quiet(struct xdp_md *ctx)
{
	struct tunnel t;
	struct sflow s;
	__u8 rule[64];
	__u32 h;

	fill(&t, sizeof(t), ctx->ingress_ifindex);
	fill(&s, sizeof(s), ctx->rx_queue_index);
	fill(rule, sizeof(rule), ctx->ingress_ifindex ^ ctx->rx_queue_index);
	h = fold(&t, sizeof(t)) ^ fold(&s, sizeof(s)) ^ fold(rule, sizeof(rule));
	return acl_tail(ctx, h);
}

char _license[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * map-value-null: lookup results used before any NULL check. The verifier
 * refuses such a program at the first use ("R0 invalid mem access
 * 'map_value_or_null'"); tests/t_mapvalue.sh compares the tool's message
 * with the running kernel's for every program refused that way.
 *
 *   program         lookup                                 kernels
 *   checked         HASH, if (!val) return                 accept
 *   deref_hash      HASH, val->flags = n, no check         refuse
 *   read_hash       HASH, return val->flags, no check      refuse
 *   key_past_end    ARRAY[4], constant key 4, no check     refuse (never found)
 *   percpu_elem     bpf_map_lookup_percpu_elem, no check   refuse
 *   const_key       ARRAY[1], constant key 0, no check     refuse before 6.14,
 *                                                          accept from 6.14
 *
 * The tool cannot know which kernel runs const_key, so it says "cannot be
 * sure" (a warning) there; the HASH programs give the same message on
 * every kernel.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef __clang__
/*
 * Debian's libbpf 1.1 declares helpers as function pointers, which
 * bpf-gcc 12 sometimes calls indirectly ("indirect call in function");
 * its kernel_helper attribute always gives a direct call.
 */
void *mv_lookup_elem(void *, const void *) __attribute__((kernel_helper(BPF_FUNC_map_lookup_elem)));
void *mv_lookup_percpu_elem(void *, const void *, __u32)
	__attribute__((kernel_helper(BPF_FUNC_map_lookup_percpu_elem)));
#define bpf_map_lookup_elem(m, k) mv_lookup_elem(m, k)
#define bpf_map_lookup_percpu_elem(m, k, c) mv_lookup_percpu_elem(m, k, c)
#endif

struct stats {
	__u64 packets;
	__u64 bytes;
	__u32 flags;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct stats);
} hash_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} four SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} one SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct stats);
} pcpu_stats SEC(".maps");

SEC("xdp")
int checked(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	if (!val)
		return XDP_PASS;
	val->flags = ctx->rx_queue_index;
	return val->packets ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int deref_hash(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	val->flags = ctx->rx_queue_index; // expect: map-value-null
	return XDP_PASS;
}

SEC("xdp")
int read_hash(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	return val->flags & 1; // expect: map-value-null
}

SEC("xdp")
int key_past_end(struct xdp_md *ctx)
{
	__u32 key = 4;
	__u64 *val = bpf_map_lookup_elem(&four, &key);

	*val = ctx->rx_queue_index; // expect: map-value-null
	return XDP_PASS;
}

SEC("xdp")
int percpu_elem(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_percpu_elem(&pcpu_stats, &key, 0);

	val->bytes = 1; // expect: map-value-null
	return XDP_PASS;
}

SEC("xdp")
int const_key(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *val = bpf_map_lookup_elem(&one, &key);

	*val = ctx->rx_queue_index; // expect: map-value-null
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

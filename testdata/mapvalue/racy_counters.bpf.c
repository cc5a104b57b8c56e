// SPDX-License-Identifier: GPL-2.0
/*
 * map-value-race: values of maps shared by all CPUs updated with plain
 * loads and stores. bpf_map_lookup_elem() returns a pointer into the map
 * itself; two CPUs running these programs interleave the read and the
 * write and one update is lost. The verifier accepts every program here.
 *
 * Each store that loses updates carries "expect: map-value-race" on its
 * line; tests/t_mapvalue.sh checks that the tool reports exactly those
 * lines, in every compiler variant.
 *
 *   program        map       update
 *   hash_packets   HASH      val->packets++
 *   hash_bytes     HASH      val->bytes += n; val->flags |= 1
 *   array_counter  ARRAY     *cnt += 1
 *   lru_upsert     LRU_HASH  insert when absent, look up again, then ++
 *   array_slot     ARRAY     val->slot[i & 7]++ (a variable index)
 *   process_slot   HASH      val->packets++ keyed by the tgid
 *                            (bpf_get_current_pid_tgid() >> 32): the threads
 *                            of one process share it, on different CPUs
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
long mv_update_elem(void *, const void *, const void *, __u64)
	__attribute__((kernel_helper(BPF_FUNC_map_update_elem)));
__u64 mv_pid_tgid(void) __attribute__((kernel_helper(BPF_FUNC_get_current_pid_tgid)));
#define bpf_map_lookup_elem(m, k) mv_lookup_elem(m, k)
#define bpf_map_update_elem(m, k, v, f) mv_update_elem(m, k, v, f)
#define bpf_get_current_pid_tgid() mv_pid_tgid()
#endif

struct stats {
	__u64 packets;
	__u64 bytes;
	__u32 flags;
	__u32 pad;
};

struct slots {
	__u64 slot[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct stats);
} hash_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} array_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct stats);
} lru_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct slots);
} array_slots SEC(".maps");

SEC("xdp")
int hash_packets(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	if (!val)
		return XDP_PASS;
	val->packets++; // expect: map-value-race
	return XDP_PASS;
}

SEC("xdp")
int hash_bytes(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	if (!val)
		return XDP_PASS;
	val->bytes += ctx->rx_queue_index; // expect: map-value-race
	val->flags |= 1; // expect: map-value-race
	return XDP_PASS;
}

SEC("xdp")
int array_counter(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 15;
	__u64 *cnt = bpf_map_lookup_elem(&array_counts, &key);

	if (cnt)
		*cnt += 1; // expect: map-value-race
	return XDP_PASS;
}

SEC("xdp")
int lru_upsert(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&lru_stats, &key);

	if (!val) {
		struct stats init = {};

		bpf_map_update_elem(&lru_stats, &key, &init, BPF_NOEXIST);
		val = bpf_map_lookup_elem(&lru_stats, &key);
		if (!val)
			return XDP_PASS;
	}
	val->packets++; // expect: map-value-race
	return XDP_PASS;
}

SEC("xdp")
int array_slot(struct xdp_md *ctx)
{
	__u32 key = 0, i = ctx->rx_queue_index;
	struct slots *val = bpf_map_lookup_elem(&array_slots, &key);

	if (!val)
		return XDP_PASS;
	val->slot[i & 7]++; // expect: map-value-race
	return XDP_PASS;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int process_slot(void *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &tgid);

	if (!val)
		return 0;
	val->packets++; // expect: map-value-race
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

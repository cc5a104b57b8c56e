// SPDX-License-Identifier: GPL-2.0
/*
 * expect: none. Map value updates that are not races, so neither
 * map-value-race nor map-value-null reports anything here, and the
 * verifier accepts every program.
 *
 *   program        map               update
 *   atomic_add     HASH              __sync_fetch_and_add(&val->packets, 1)
 *   percpu_array   PERCPU_ARRAY      val->packets++: one copy per CPU
 *   percpu_hash    PERCPU_HASH       val->packets++
 *   lru_percpu     LRU_PERCPU_HASH   val->bytes += n
 *   locked         HASH              val->packets++ between bpf_spin_lock/unlock
 *   plain_stores   HASH              val->bytes = n; val->flags = m (nothing read)
 *   copy_field     HASH              val->bytes = val->packets (no arithmetic)
 *   cpu_slot       ARRAY             val->packets++ on the element of this CPU
 *                                    (key bpf_get_smp_processor_id()): per-CPU too
 *   thread_slot    HASH              val->packets++ on the element of this thread
 *                                    (key: the pid, bpf_get_current_pid_tgid()'s
 *                                    low half, as execsnoop keys its events): a
 *                                    thread runs on one CPU at a time
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
long mv_spin_lock(struct bpf_spin_lock *) __attribute__((kernel_helper(BPF_FUNC_spin_lock)));
long mv_spin_unlock(struct bpf_spin_lock *) __attribute__((kernel_helper(BPF_FUNC_spin_unlock)));
__u32 mv_cpu(void) __attribute__((kernel_helper(BPF_FUNC_get_smp_processor_id)));
__u64 mv_pid_tgid(void) __attribute__((kernel_helper(BPF_FUNC_get_current_pid_tgid)));
#define bpf_map_lookup_elem(m, k) mv_lookup_elem(m, k)
#define bpf_spin_lock(l) mv_spin_lock(l)
#define bpf_spin_unlock(l) mv_spin_unlock(l)
#define bpf_get_smp_processor_id() mv_cpu()
#define bpf_get_current_pid_tgid() mv_pid_tgid()
#endif

struct stats {
	__u64 packets;
	__u64 bytes;
	__u32 flags;
	__u32 pad;
};

struct locked_stats {
	struct bpf_spin_lock lock;
	__u32 pad;
	__u64 packets;
};

#define MAP(name, kind, val)				\
	struct {					\
		__uint(type, kind);			\
		__uint(max_entries, 64);		\
		__type(key, __u32);			\
		__type(value, val);			\
	} name SEC(".maps")

MAP(hash_stats, BPF_MAP_TYPE_HASH, struct stats);
MAP(pcpu_array, BPF_MAP_TYPE_PERCPU_ARRAY, struct stats);
MAP(pcpu_hash, BPF_MAP_TYPE_PERCPU_HASH, struct stats);
MAP(lru_pcpu, BPF_MAP_TYPE_LRU_PERCPU_HASH, struct stats);
MAP(locked_hash, BPF_MAP_TYPE_HASH, struct locked_stats);
MAP(cpu_array, BPF_MAP_TYPE_ARRAY, struct stats);

SEC("xdp")
int atomic_add(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	if (!val)
		return XDP_PASS;
	__sync_fetch_and_add(&val->packets, 1);
	return XDP_PASS;
}

SEC("xdp")
int percpu_array(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 63;
	struct stats *val = bpf_map_lookup_elem(&pcpu_array, &key);

	if (!val)
		return XDP_PASS;
	val->packets++;
	return XDP_PASS;
}

SEC("xdp")
int percpu_hash(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&pcpu_hash, &key);

	if (!val)
		return XDP_PASS;
	val->packets++;
	return XDP_PASS;
}

SEC("xdp")
int lru_percpu(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&lru_pcpu, &key);

	if (!val)
		return XDP_PASS;
	val->bytes += ctx->rx_queue_index;
	return XDP_PASS;
}

SEC("tc")
int locked(struct __sk_buff *skb)
{
	__u32 key = skb->mark;
	struct locked_stats *val = bpf_map_lookup_elem(&locked_hash, &key);

	if (!val)
		return 0;
	bpf_spin_lock(&val->lock);
	val->packets++;
	bpf_spin_unlock(&val->lock);
	return 0;
}

SEC("xdp")
int plain_stores(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	if (!val)
		return XDP_PASS;
	val->bytes = ctx->rx_queue_index;
	val->flags = ctx->ingress_ifindex;
	return XDP_PASS;
}

SEC("xdp")
int copy_field(struct xdp_md *ctx)
{
	__u32 key = ctx->ingress_ifindex;
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &key);

	if (!val)
		return XDP_PASS;
	val->bytes = val->packets;
	return XDP_PASS;
}

SEC("xdp")
int cpu_slot(struct xdp_md *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct stats *val = bpf_map_lookup_elem(&cpu_array, &cpu);

	if (!val)
		return XDP_PASS;
	val->packets++;
	return XDP_PASS;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int thread_slot(void *ctx)
{
	__u32 pid = (__u32)bpf_get_current_pid_tgid();
	struct stats *val = bpf_map_lookup_elem(&hash_stats, &pid);

	if (!val)
		return 0;
	val->packets++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

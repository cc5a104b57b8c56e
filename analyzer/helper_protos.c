// SPDX-License-Identifier: MIT
/*
 * Helper argument kinds that matter to stack accounting, in the shape of
 * the kernel's struct bpf_func_proto: the verifier charges a frame for
 * every stack byte a helper may read or write (check_stack_range_
 * initialized()), so a pointer into the stack passed as a memory argument
 * counts with its size. Only helpers with such arguments are listed.
 */
#include "stack.h"

#define P(...) { .arg = { __VA_ARGS__ } }
/* A helper whose argument @n (1-based) is written, not read. */
#define W(n, ...) { .arg = { __VA_ARGS__ }, .writes = 1u << ((n) - 1) }
/* A helper taking callback argument @cb whose context is argument @ctx. */
#define CB(cb, ctx, async, ...) { .arg = { __VA_ARGS__ }, .cb_arg = (cb), \
				  .cb_ctx_arg = (ctx), .cb_async = (async) }

static const struct pf_helper_proto protos[] = {
	[BPF_FUNC_map_lookup_elem]	= { .arg = { PF_ARG_MAP, PF_ARG_KEY },
					    .ret = PF_RET_MAP_VALUE_OR_NULL },
	[BPF_FUNC_map_lookup_percpu_elem] = { .arg = { PF_ARG_MAP, PF_ARG_KEY },
					    .ret = PF_RET_MAP_VALUE_OR_NULL },
	[BPF_FUNC_ringbuf_reserve]	= { .arg = { PF_ARG_MAP }, .ret = PF_RET_PTR_OR_NULL },
	[BPF_FUNC_sk_lookup_tcp]	= { .arg = { 0, PF_ARG_MEM, PF_ARG_SIZE },
					    .ret = PF_RET_PTR_OR_NULL },
	[BPF_FUNC_sk_lookup_udp]	= { .arg = { 0, PF_ARG_MEM, PF_ARG_SIZE },
					    .ret = PF_RET_PTR_OR_NULL },
	[BPF_FUNC_skc_lookup_tcp]	= { .arg = { 0, PF_ARG_MEM, PF_ARG_SIZE },
					    .ret = PF_RET_PTR_OR_NULL },
	/* callbacks: check_helper_call() -> __check_func_call() / push_async_cb() */
	[BPF_FUNC_loop]			= CB(2, 3, false),
	[BPF_FUNC_for_each_map_elem]	= CB(2, 3, false, PF_ARG_MAP),
	[BPF_FUNC_find_vma]		= CB(3, 4, false),
	[BPF_FUNC_user_ringbuf_drain]	= CB(2, 3, false, PF_ARG_MAP),
	[BPF_FUNC_timer_set_callback]	= CB(2, 0, true),
	[BPF_FUNC_map_update_elem]	= P(PF_ARG_MAP, PF_ARG_KEY, PF_ARG_VALUE),
	[BPF_FUNC_map_delete_elem]	= P(PF_ARG_MAP, PF_ARG_KEY),
	[BPF_FUNC_probe_read]		= W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_trace_printk]		= P(PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_store_bytes]	= P(0, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_get_current_comm]	= W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_get_tunnel_key]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_set_tunnel_key]	= P(0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_perf_event_output]	= P(0, PF_ARG_MAP, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_load_bytes]	= W(3, 0, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_csum_diff]		= P(PF_ARG_MEM, PF_ARG_SIZE, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_get_tunnel_opt]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_set_tunnel_opt]	= P(0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_perf_event_read_value] = W(3, 0, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_perf_prog_read_value]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_getsockopt]		= W(4, 0, 0, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_setsockopt]		= P(0, 0, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_get_stack]		= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_load_bytes_relative] = W(3, 0, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_fib_lookup]		= P(0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_map_push_elem]	= P(PF_ARG_MAP, PF_ARG_VALUE),
	[BPF_FUNC_map_pop_elem]		= P(PF_ARG_MAP, PF_ARG_VALUE),
	[BPF_FUNC_map_peek_elem]	= P(PF_ARG_MAP, PF_ARG_VALUE),
	[BPF_FUNC_sysctl_get_name]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_sysctl_get_current_value] = W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_sysctl_get_new_value]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_sysctl_set_new_value]	= P(0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_strtol]		= W(4, PF_ARG_MEM, PF_ARG_SIZE, 0, PF_ARG_FIXED8),
	[BPF_FUNC_strtoul]		= W(4, PF_ARG_MEM, PF_ARG_SIZE, 0, PF_ARG_FIXED8),
	[BPF_FUNC_probe_read_user]	= W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_probe_read_kernel]	= W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_probe_read_user_str]	= W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_probe_read_kernel_str] = W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_skb_output]		= P(0, PF_ARG_MAP, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_read_branch_records]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_xdp_output]		= P(0, PF_ARG_MAP, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_ringbuf_output]	= P(PF_ARG_MAP, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_seq_printf]		= P(0, PF_ARG_MEM, PF_ARG_SIZE, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_seq_write]		= P(0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_d_path]		= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_copy_from_user]	= W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_snprintf_btf]		= P(PF_ARG_MEM, PF_ARG_SIZE, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_seq_printf_btf]	= P(0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_get_task_stack]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_bprm_opts_set]	= P(0),
	[BPF_FUNC_ima_inode_hash]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_check_mtu]		= P(0, 0, PF_ARG_FIXED4),
	[BPF_FUNC_snprintf]		= W(1, PF_ARG_MEM, PF_ARG_SIZE, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_sys_bpf]		= P(0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_btf_find_by_name_kind] = P(PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_trace_vprintk]	= P(PF_ARG_MEM, PF_ARG_SIZE, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_get_func_arg]		= W(3, 0, 0, PF_ARG_FIXED8),
	[BPF_FUNC_get_func_ret]		= W(2, 0, PF_ARG_FIXED8),
	[BPF_FUNC_ima_file_hash]	= W(2, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_copy_from_user_task]	= W(1, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_ringbuf_reserve_dynptr] = P(PF_ARG_MAP, 0, 0, PF_ARG_FIXED16),
	[BPF_FUNC_dynptr_from_mem]	= P(PF_ARG_MEM, PF_ARG_SIZE, 0, PF_ARG_FIXED16),
	[BPF_FUNC_dynptr_read]		= W(1, PF_ARG_MEM, PF_ARG_SIZE, PF_ARG_FIXED16),
	[BPF_FUNC_dynptr_write]		= P(PF_ARG_FIXED16, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_dynptr_data]		= P(PF_ARG_FIXED16),
	[BPF_FUNC_ringbuf_submit_dynptr] = P(PF_ARG_FIXED16),
	[BPF_FUNC_ringbuf_discard_dynptr] = P(PF_ARG_FIXED16),
	[BPF_FUNC_tcp_raw_gen_syncookie_ipv4] = P(PF_ARG_MEM, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_tcp_raw_gen_syncookie_ipv6] = P(PF_ARG_MEM, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_get_current_ancestor_cgroup_id] = P(0),
	/* measured: bpf_xdp_load_bytes() into a 192-byte buffer records 192 on 6.1.170 */
	[BPF_FUNC_xdp_load_bytes]	= W(3, 0, 0, PF_ARG_MEM, PF_ARG_SIZE),
	[BPF_FUNC_xdp_store_bytes]	= P(0, 0, PF_ARG_MEM, PF_ARG_SIZE),
};

const struct pf_helper_proto *pf_helper__proto(int id)
{
	if (id <= 0 || (size_t)id >= sizeof(protos) / sizeof(protos[0]))
		return NULL;
	return &protos[id];
}

int pf_arg__fixed_size(enum pf_arg_kind kind)
{
	switch (kind) {
	case PF_ARG_FIXED4:
		return 4;
	case PF_ARG_FIXED8:
		return 8;
	case PF_ARG_FIXED16:
		return 16;	/* struct bpf_dynptr */
	default:
		return 0;
	}
}

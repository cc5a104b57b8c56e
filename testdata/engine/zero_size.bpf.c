// SPDX-License-Identifier: GPL-2.0
/*
 * A helper's memory argument whose size register is 0. The verifier still
 * checks the stack range with access_size 0 (check_mem_size_reg() ->
 * check_helper_mem_access() -> check_stack_access_within_bounds()), and
 * since a833a17aeac7 ("bpf: Fix verification of indirect var-off stack
 * access", 6.8, in 6.1.170 already) the
 * range's start must lie in the frame and its end (smax + off) may not
 * pass 0; before, a zero-sized range ended at its start. The selftest
 * verifier_var_off/zero_sized_access_max_out_of_bound is the first case.
 * Measured on 6.1.170, 6.1.192, 6.12.118 (qemu) and the 6.18 host.
 *
 *   zs_var_max_out   r1 in fp-16 .. fp+47, size 0: the end passes 0,
 *                    refused everywhere measured ("invalid variable-offset
 *                    ... stack R1 var_off=(0x0; 0xffffffffffffffff) ...
 *                    size=0").
 *   zs_fp0           r1 = fp, size 0: the start, 0, is outside the frame:
 *                    refused everywhere ("... stack R1 off=0 size=0").
 *   zs_fp512         r1 = fp - 512, size 0: inside; accepted everywhere,
 *                    and the depth stays 0 on 6.1.170 while 6.1.192 and
 *                    later record 512 (grow_stack_state() since
 *                    6b4a64bafd10 grows the frame for any access).
 *   zs_var_inside    r1 in fp-16 .. fp-9, size 0: accepted everywhere.
 *
 * bpf_probe_read_kernel (call 113) takes ARG_PTR_TO_UNINIT_MEM with
 * ARG_CONST_SIZE_OR_ZERO, so the size may be 0.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int zs_var_max_out(struct __sk_buff *skb)
{	// expect: stack-frame
	asm volatile("r0 = 0;"
		     "*(u64 *)(r10 - 16) = r0;"
		     "*(u64 *)(r10 - 8) = r0;"
		     "r1 = *(u32 *)(%[skb] + 0);"
		     "r1 &= 63;"
		     "r1 += -16;"
		     "r1 += r10;"
		     "r2 = 0;"
		     "r3 = 0;"
		     "call 113;"
		     : : [skb] "r"(skb) : "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

SEC("socket")
int zs_fp0(struct __sk_buff *skb)
{	// expect: stack-frame
	asm volatile("r1 = r10;"
		     "r2 = 0;"
		     "r3 = 0;"
		     "call 113;"
		     : : : "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

SEC("socket")
int zs_fp512(struct __sk_buff *skb)
{
	asm volatile("r1 = r10;"
		     "r1 += -512;"
		     "r2 = 0;"
		     "r3 = 0;"
		     "call 113;"
		     : : : "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

SEC("socket")
int zs_var_inside(struct __sk_buff *skb)
{
	asm volatile("r0 = 0;"
		     "*(u64 *)(r10 - 16) = r0;"
		     "*(u64 *)(r10 - 8) = r0;"
		     "r1 = *(u32 *)(%[skb] + 0);"
		     "r1 &= 7;"
		     "r1 += -16;"
		     "r1 += r10;"
		     "r2 = 0;"
		     "r3 = 0;"
		     "call 113;"
		     : : [skb] "r"(skb) : "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

char _license[] SEC("license") = "GPL";

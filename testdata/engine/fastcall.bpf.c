// SPDX-License-Identifier: GPL-2.0
/*
 * bpf_fastcall (6.12+): spill/fill pairs that clang (>= 19, with libbpf
 * 1.5's __bpf_fastcall headers) puts around bpf_get_smp_processor_id() at
 * the function's lowest stack offsets. A kernel that inlines the call
 * drops the pairs and lowers the frame before check_max_stack_depth()
 * (remove_fastcall_spills_fills()); older kernels count them. Debian's
 * libbpf 1.1 headers lack the attribute, so the pairs are written by hand,
 * as the kernel's selftest verifier_bpf_fastcall does.
 *
 *   fc_simple   two pairs at -24 and -16: the frame becomes 8 bytes where
 *               the kernel drops them (6.12+, the JIT on x86-64), 24 before.
 *   fc_socket   the same in a socket filter: its bpf_get_smp_processor_id()
 *               is bpf_get_raw_smp_processor_id_proto, which is not a
 *               fastcall helper, so the pairs stay everywhere (measured on
 *               the 6.18 host: 24).
 *   fc_frame    a 480-byte frame calling a subprogram whose only stack is
 *               five pairs (48 bytes): 480+64 is refused before 6.12
 *               ("combined stack size of 2 calls is 544"), 480+16 accepted
 *               once the pairs are dropped.
 *   fc_broken   the same pairs, but the code after the call reads the
 *               region again: the contract is broken, nothing is dropped.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* call 8: bpf_get_smp_processor_id() */
#define FASTCALL_5						\
	"r1 = 1; r2 = 2; r3 = 3; r4 = 4; r5 = 5;"		\
	"*(u64 *)(r10 - 16) = r1;"				\
	"*(u64 *)(r10 - 24) = r2;"				\
	"*(u64 *)(r10 - 32) = r3;"				\
	"*(u64 *)(r10 - 40) = r4;"				\
	"*(u64 *)(r10 - 48) = r5;"				\
	"call 8;"						\
	"r5 = *(u64 *)(r10 - 48);"				\
	"r4 = *(u64 *)(r10 - 40);"				\
	"r3 = *(u64 *)(r10 - 32);"				\
	"r2 = *(u64 *)(r10 - 24);"				\
	"r1 = *(u64 *)(r10 - 16);"

#define FASTCALL_2						\
	"r1 = 1; r2 = 2;"					\
	"*(u64 *)(r10 - 16) = r1;"				\
	"*(u64 *)(r10 - 24) = r2;"				\
	"call 8;"						\
	"r2 = *(u64 *)(r10 - 24);"				\
	"r1 = *(u64 *)(r10 - 16);"

SEC("tc")
int fc_simple(struct __sk_buff *skb)
{
	asm volatile(FASTCALL_2 ::: "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

SEC("socket")
int fc_socket(struct __sk_buff *skb)
{
	asm volatile(FASTCALL_2 ::: "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

static __noinline int fc_sub(int x)
{
	asm volatile(FASTCALL_5 ::: "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return x;
}

SEC("tc")
int fc_frame(struct __sk_buff *skb)	// expect: stack-combined
{
	volatile char buf[480];

	asm volatile("" : : "r"(buf) : "memory");
	buf[0] = 1;
	return fc_sub(buf[0]);
}

SEC("tc")
int fc_broken(struct __sk_buff *skb)
{
	asm volatile(FASTCALL_5
	"r0 = *(u64 *)(r10 - 48);"
	::: "r0", "r1", "r2", "r3", "r4", "r5", "memory");
	return 0;
}

char _license[] SEC("license") = "GPL";

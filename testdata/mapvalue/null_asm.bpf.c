// SPDX-License-Identifier: GPL-2.0
/*
 * map-value-null in instruction sequences a compiler rarely writes, as
 * clang inline assembly (other compilers build an empty object): how the
 * verifier follows copies and spills of a lookup result through a NULL
 * check (mark_ptr_or_null_regs()), and which checks do not count.
 *
 *   program        sequence                                       kernels
 *   copies         r6 = r0, spill r0, if r0 == 0; use r6, reload  accept
 *   check_ne       if r0 != 0 goto use                            accept
 *   jmp32_check    if w0 == 0: a 32-bit compare marks nothing     refuse
 *   arith_first    r0 += 8 before the check                       refuse
 *   copy_unchecked r6 = r0, use r6 before any check: "R6 ..."      refuse
 *   spill_reload   spill r0, reload into r2, use r2 unchecked      refuse
 *
 * The diagnostics of inline assembly point at the asm statement.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64[2]);
} asm_hash SEC(".maps");

#ifdef __clang__

#define LOOKUP							\
	"r1 = 0;"						\
	"*(u32 *)(r10 - 4) = r1;"				\
	"r2 = r10;"						\
	"r2 += -4;"						\
	"r1 = %[asm_hash] ll;"					\
	"call %[bpf_map_lookup_elem];"
#define ARGS [asm_hash] "i"(&asm_hash), [bpf_map_lookup_elem] "i"(bpf_map_lookup_elem)

SEC("xdp")
__attribute__((naked)) int copies(void)
{
	asm volatile (LOOKUP
	"r6 = r0;"
	"*(u64 *)(r10 - 16) = r0;"
	"if r0 == 0 goto l0_%=;"
	"r1 = *(u64 *)(r6 + 0);"
	"r2 = *(u64 *)(r10 - 16);"
	"r3 = *(u64 *)(r2 + 8);"
	"l0_%=: r0 = 2;"
	"exit;"
	:: ARGS : "memory");
}

SEC("xdp")
__attribute__((naked)) int check_ne(void)
{
	asm volatile (LOOKUP
	"if r0 != 0 goto l0_%=;"
	"r0 = 2;"
	"exit;"
	"l0_%=: r1 = 1;"
	"*(u64 *)(r0 + 8) = r1;"
	"r0 = 2;"
	"exit;"
	:: ARGS : "memory");
}

SEC("xdp")
__attribute__((naked)) int jmp32_check(void)
{
	asm volatile (LOOKUP // expect: map-value-null
	"if w0 == 0 goto l0_%=;"
	"r1 = *(u64 *)(r0 + 0);"
	"l0_%=: r0 = 2;"
	"exit;"
	:: ARGS : "memory");
}

SEC("xdp")
__attribute__((naked)) int arith_first(void)
{
	asm volatile (LOOKUP // expect: map-value-null
	"r0 += 8;"
	"if r0 == 0 goto l0_%=;"
	"r1 = *(u64 *)(r0 + 0);"
	"l0_%=: r0 = 2;"
	"exit;"
	:: ARGS : "memory");
}

SEC("xdp")
__attribute__((naked)) int copy_unchecked(void)
{
	asm volatile (LOOKUP // expect: map-value-null
	"r6 = r0;"
	"r1 = *(u64 *)(r6 + 8);"
	"r0 = 2;"
	"exit;"
	:: ARGS : "memory");
}

SEC("xdp")
__attribute__((naked)) int spill_reload(void)
{
	asm volatile (LOOKUP // expect: map-value-null
	"*(u64 *)(r10 - 16) = r0;"
	"r2 = *(u64 *)(r10 - 16);"
	"r1 = 3;"
	"*(u64 *)(r2 + 0) = r1;"
	"r0 = 2;"
	"exit;"
	:: ARGS : "memory");
}

#endif /* __clang__ */

char LICENSE[] SEC("license") = "GPL";

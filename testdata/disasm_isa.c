// SPDX-License-Identifier: MIT
/*
 * A BPF program that exercises as much of the instruction set as clang-19
 * will emit, for tests/t_disasm_llvm.sh: it is compiled for bpfel and bpfeb
 * at -mcpu=v2, v3 and v4 and each object's disassembly is compared with
 * llvm-objdump-19's. It is never loaded, so it only has to compile; the
 * values are volatile so that the optimiser keeps every operation.
 *
 * Self-contained on purpose (no libbpf or kernel headers), so that it
 * builds for both byte orders without a target sysroot.
 */
#define SEC(name) __attribute__((section(name), used))
#define __noinline __attribute__((noinline))

#define CPU __BPF_CPU_VERSION__

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

/* Helpers are called by id, as bpf_helper_defs.h declares them. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_trace_printk)(const char *fmt, u32 fmt_size, ...) = (void *)6;
static long (*bpf_tail_call)(void *ctx, void *map, u32 index) = (void *)12;
static long (*bpf_loop)(u32 nr, void *fn, void *ctx, u64 flags) = (void *)181;

/* Legacy packet loads (LD_ABS / LD_IND) through LLVM's intrinsics. */
u64 load_byte(void *skb, u64 off) asm("llvm.bpf.load.byte");
u64 load_half(void *skb, u64 off) asm("llvm.bpf.load.half");
u64 load_word(void *skb, u64 off) asm("llvm.bpf.load.word");

/* A kfunc: a call to an undefined extern, relocated at load time. */
extern void bpf_rcu_read_lock(void) __attribute__((section(".ksyms")));

struct legacy_map {
	u32 type, key_size, value_size, max_entries, flags;
};

struct legacy_map counters SEC("maps") = { 1, 4, 8, 16, 0 };
struct legacy_map jumps SEC("maps") = { 3, 4, 4, 8, 0 };

volatile u64 g64;
volatile u32 g32;
volatile u16 g16;
volatile u8 g8;
volatile s64 gs64;
volatile s32 gs32;
volatile s16 gs16;
volatile s8 gs8;
u64 a64;
u32 a32;
char LICENSE[] SEC("license") = "GPL";

/* 64-bit ALU, register and immediate forms. */
static __noinline u64 alu64(u64 a, u64 b)
{
	s64 s = (s64)a;

	a += b; a -= 7; a *= b; a *= 3;
	a /= b ? b : 1; a /= 10; a %= b ? b : 1; a %= 10;
	a |= b; a |= 0x100; a &= b; a &= 0xffff;
	a <<= b & 63; a <<= 3; a >>= b & 63; a >>= 2;
	a ^= b; a ^= 0x5a5a;
	s >>= b & 63; s >>= 4;
	a = -a;
	a += (u64)s;
	a += 0x123456789abcdefULL;		/* needs ld_imm64 */
	return a;
}

/* 32-bit ALU (w registers from cpu v3, alu32). */
static __noinline u32 alu32(u32 a, u32 b)
{
	s32 s = (s32)a;

	a += b; a -= 9; a *= b; a *= 5;
	a /= b ? b : 1; a /= 7; a %= b ? b : 1; a %= 7;
	a |= b; a |= 0x80; a &= b; a &= 0xfff;
	a <<= b & 31; a <<= 1; a >>= b & 31; a >>= 5;
	a ^= b; a ^= 0x33;
	s >>= b & 31; s >>= 2;
	a = -a;
	a = a + (u32)s;
	a = 0xffffffffu - a;
	return a;
}

/* Signed division and modulo exist from cpu v4 only. */
static __noinline s64 signed_div(s64 a, s64 b, s32 c, s32 d)
{
#if CPU >= 4
	a /= b; a %= b; a /= -3; a %= 5;
	c /= d; c %= d; c /= -7; c %= 9;
#else
	(void)b; (void)d;
#endif
	return a + c;
}

/* Sign extension: ldsx and movsx from cpu v4, shifts before. */
static __noinline s64 sign_ext(u64 x)
{
	s64 r = 0;

	r += gs8; r += gs16; r += gs32;		/* sign-extending loads */
	r += (s8)x; r += (s16)x; r += (s32)x;	/* sign-extending moves */
	r += (s32)(s8)(u32)x;			/* 32-bit movsx */
	r += (s32)(s16)(u32)x;
	return r;
}

/* Byte swaps: bswap from cpu v4, be/le conversions before. */
static __noinline u64 swaps(u64 x)
{
	return __builtin_bswap16((u16)x) + __builtin_bswap32((u32)x) +
	       __builtin_bswap64(x);
}

/* Loads and stores of every size, register and immediate sources. */
static __noinline u64 memory(u64 *p, u64 v)
{
	u32 *p32 = (u32 *)p;
	u16 *p16 = (u16 *)p;
	u8 *p8 = (u8 *)p;
	u64 r;

	r = p[1] + p32[3] + p16[5] + p8[7];
	p[2] = v; p32[5] = (u32)v; p16[9] = (u16)v; p8[17] = (u8)v;
	g64 = 0x1122; g32 = 77; g16 = 0xfedc; g8 = 0xff;	/* ST imm */
	gs64 = -1; gs32 = -2;
	return r;
}

/* Atomics: lock add from cpu v1; fetch forms, xchg, cmpxchg from v3. */
static __noinline u64 atomics(u64 v)
{
	u64 r = 0;

	__sync_fetch_and_add(&a64, v);			/* lock *(u64 *) += */
#if CPU >= 3
	__sync_fetch_and_add(&a32, (u32)v);		/* lock *(u32 *) += */
	r += __sync_fetch_and_add(&a64, 3);
	r += __sync_fetch_and_add(&a32, 3);
	__sync_fetch_and_or(&a64, v); __sync_fetch_and_and(&a64, v);
	__sync_fetch_and_xor(&a64, v);
	__sync_fetch_and_or(&a32, (u32)v); __sync_fetch_and_and(&a32, (u32)v);
	__sync_fetch_and_xor(&a32, (u32)v);
	r += __sync_fetch_and_or(&a64, 1); r += __sync_fetch_and_and(&a64, 2);
	r += __sync_fetch_and_xor(&a64, 4);
	r += __sync_fetch_and_or(&a32, 1); r += __sync_fetch_and_and(&a32, 2);
	r += __sync_fetch_and_xor(&a32, 4);
	r += __sync_lock_test_and_set(&a64, v);
	r += __sync_lock_test_and_set(&a32, (u32)v);
	r += __sync_val_compare_and_swap(&a64, 1, v);
	r += __sync_val_compare_and_swap(&a32, 1, (u32)v);
	r += __atomic_exchange_n(&a64, 9, __ATOMIC_SEQ_CST);
#endif
	return r;
}

/* Every conditional jump, 64-bit and (from cpu v3) 32-bit. */
static __noinline int branches(u64 a, u64 b, s64 c, s64 d, u64 ef)
{
	u32 e = (u32)ef, f = (u32)(ef >> 32);	/* BPF calls take 5 args */
	int n = 0;

	if (a == b) n += 1;
	if (a != 5) n += 2;
	if (a > b) n += 3;
	if (a >= 17) n += 4;
	if (a < b) n += 5;
	if (a <= 99) n += 6;
	if (c > d) n += 7;
	if (c >= -3) n += 8;
	if (c < d) n += 9;
	if (c <= -100) n += 10;
	if (a & 0x40) n += 11;
	if (a & b) n += 12;
	if (e == f) n += 13;
	if (e > 1000) n += 14;
	if ((s32)e < (s32)f) n += 15;
	if ((s32)e >= -8) n += 16;
	if (e & 0x8) n += 17;
	if (e <= f) n += 18;
	return n;
}

static int loop_cb(u32 idx, void *ctx)
{
	*(u64 *)ctx += idx;
	return idx > 10;
}

/* Instructions clang does not emit from C, written as assembly. */
static __noinline u64 raw_asm(u64 x)
{
#if CPU >= 4
	asm volatile("may_goto +1\n\t"
		     "gotol +1\n\t"
		     "%[x] += 1\n\t"
		     "%[x] = addr_space_cast(%[x], 0, 1)\n\t"
		     "%[x] = addr_space_cast(%[x], 1, 0)\n\t"
		     : [x] "+r"(x));
#endif
	asm volatile("%[x] = -%[x]\n\t"
		     "*(u32 *)(r10 - 0x8000) = 0x7fffffff\n\t"
		     "%[x] = *(u64 *)(r10 + 0x7fff)\n\t"
		     "ld_pseudo r1, 1, 3\n\t"
		     "ld_pseudo r1, 2, 0xffffffff\n\t"
		     : [x] "+r"(x) : : "r1");
	return x;
}

SEC("socket")
int isa(void *skb)
{
	u64 acc = 0, key = 0;
	void *val;

	acc += load_byte(skb, 14) + load_half(skb, 12) + load_word(skb, 26);
	acc += load_byte(skb, acc & 7);		/* LD_IND */
	acc += alu64(acc, g64);
	acc += alu32((u32)acc, g32);
	acc += signed_div(gs64, gs64 | 1, gs32, gs32 | 1);
	acc += sign_ext(acc);
	acc += swaps(acc);
	acc += memory((u64 *)skb, acc);
	acc += atomics(acc);
	acc += branches(acc, g64, gs64, gs32, (u64)g16 << 32 | g32);
	acc += raw_asm(acc);

	val = bpf_map_lookup_elem(&counters, &key);
	if (val)
		__sync_fetch_and_add((u64 *)val, 1);
	bpf_loop(16, loop_cb, &acc, 0);
	bpf_rcu_read_lock();
	{
		static const char fmt[] = "acc %llu\n";

		bpf_trace_printk(fmt, sizeof(fmt), acc);
	}
	bpf_tail_call(skb, &jumps, 3);
	return (int)acc;
}

// SPDX-License-Identifier: MIT
/*
 * Disassembler for BPF instructions, in two syntaxes:
 *
 *  - PF_DISASM_LLVM: the text column of `llvm-objdump-19 -d`, so that our
 *    listings can be diffed against the tool users already run. Immediates
 *    and offsets are signed hex ("r1 += -0x4", "(r10 - 0x8)", "+0x5").
 *    llvm-objdump's default decoder (no +alu32) prints 32-bit loads and
 *    stores with r registers and does not decode 32-bit atomics other than
 *    "lock ... +=" at all; for those we print what llvm prints with
 *    --mattr=+alu32 rather than "<unknown>". Load-acquire/store-release
 *    use the syntax of later LLVM releases.
 *
 *  - PF_DISASM_KERNEL: the verifier log syntax (checked against the log
 *    of Linux 6.18 for every valid opcode): decimal immediates, "(r10 -8)"
 *    memory operands, "goto pc+5" jumps, but hex comparison constants and
 *    ld_imm64 values, as the kernel prints them; no "(opcode)" prefix.
 *    Calls print the bare helper id ("call 1"), "call pc+N" for
 *    bpf-to-bpf calls and "call kfunc#ID" for kfuncs: callers know names.
 *    An ld_imm64 with a pseudo source says what it refers to, bpftool
 *    style ("map[fd:3]", "map[idx:0][0]+16", "func pc+5"), where the
 *    kernel would print the raw number.
 *
 * Invalid instructions (see pf_insn__valid()) are never pretty-printed: a
 * slot with reserved fields set does not mean what its opcode suggests.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "insn.h"

#define PF_ATOMIC_LOAD_ACQ	0x100
#define PF_ATOMIC_STORE_REL	0x110

/* Append-only writer that truncates silently and keeps buf terminated. */
struct pf_out {
	char *buf;
	size_t len;
	size_t pos;
};

__attribute__((format(printf, 2, 3)))
static void pf_out__printf(struct pf_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos + 1 >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->pos += (size_t)n;
	if (o->pos >= o->len)
		o->pos = o->len - 1;
}

/* Signed hex as LLVM prints immediates: "0x5", "-0x5". */
static void pf_out__shex(struct pf_out *o, int64_t v)
{
	/* Negate as unsigned so that INT64_MIN does not overflow. */
	if (v < 0)
		pf_out__printf(o, "-0x%" PRIx64, -(uint64_t)v);
	else
		pf_out__printf(o, "0x%" PRIx64, (uint64_t)v);
}

/* A 32-bit immediate in the style's notation. */
static void pf_out__imm(struct pf_out *o, enum pf_disasm_style style,
			int32_t imm)
{
	if (style == PF_DISASM_LLVM)
		pf_out__shex(o, imm);
	else
		pf_out__printf(o, "%" PRId32, imm);
}

/* A branch displacement: "+0x5" / "-0x5" or "pc+5" / "pc-5". */
static void pf_out__disp(struct pf_out *o, enum pf_disasm_style style,
			 int32_t disp)
{
	if (style == PF_DISASM_KERNEL) {
		pf_out__printf(o, "pc%+" PRId32, disp);
		return;
	}
	if (disp < 0)
		pf_out__printf(o, "-0x%" PRIx32, -(uint32_t)disp);
	else
		pf_out__printf(o, "+0x%" PRIx32, (uint32_t)disp);
}

/* A memory operand's address: "r1 + 0x8" or "r1 +8". */
static void pf_out__addr(struct pf_out *o, enum pf_disasm_style style,
			 uint8_t reg, int16_t off)
{
	if (style == PF_DISASM_KERNEL) {
		pf_out__printf(o, "r%u %+d", reg, off);
		return;
	}
	if (off < 0)
		pf_out__printf(o, "r%u - 0x%x", reg, (unsigned int)-(int)off);
	else
		pf_out__printf(o, "r%u + 0x%x", reg, (unsigned int)off);
}

static const char *pf_size_name(uint8_t code, bool sign)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return sign ? "s8" : "u8";
	case BPF_H:
		return sign ? "s16" : "u16";
	case BPF_W:
		return sign ? "s32" : "u32";
	default:
		return sign ? "s64" : "u64";
	}
}

/* Compound-assignment operator of an ALU operation, "" if not binary. */
static const char *pf_alu_op(const struct pf_insn *insn)
{
	bool sign = insn->off == 1;

	switch (BPF_OP(insn->code)) {
	case BPF_ADD: return "+=";
	case BPF_SUB: return "-=";
	case BPF_MUL: return "*=";
	case BPF_DIV: return sign ? "s/=" : "/=";
	case BPF_OR: return "|=";
	case BPF_AND: return "&=";
	case BPF_LSH: return "<<=";
	case BPF_RSH: return ">>=";
	case BPF_MOD: return sign ? "s%=" : "%=";
	case BPF_XOR: return "^=";
	case BPF_ARSH: return "s>>=";
	default: return "";
	}
}

static void pf_disasm_alu(const struct pf_insn *insn,
			  enum pf_disasm_style style, struct pf_out *o)
{
	char r = pf_insn__class(insn) == BPF_ALU64 ? 'r' : 'w';
	bool reg = BPF_SRC(insn->code) == BPF_X;

	switch (BPF_OP(insn->code)) {
	case BPF_NEG:
		pf_out__printf(o, "%c%u = -%c%u", r, insn->dst, r, insn->dst);
		return;
	case BPF_END:
		/*
		 * Both syntaxes name the full register: the result is
		 * zero-extended to 64 bits whatever the class.
		 */
		if (pf_insn__class(insn) == BPF_ALU64)
			pf_out__printf(o, "r%u = bswap%d r%u", insn->dst,
				       insn->imm, insn->dst);
		else
			pf_out__printf(o, "r%u = %s%d r%u", insn->dst,
				       reg ? "be" : "le", insn->imm, insn->dst);
		return;
	case BPF_MOV:
		if (!reg) {
			pf_out__printf(o, "%c%u = ", r, insn->dst);
			pf_out__imm(o, style, insn->imm);
		} else if (insn->imm != 0) {
			/* addr_space_cast: imm = dst_as << 16 | src_as. */
			pf_out__printf(o, "r%u = addr_space_cast(r%u, ", insn->dst,
				       insn->src);
			if (style == PF_DISASM_LLVM)
				pf_out__printf(o, "0x%x, 0x%x)",
					       (uint32_t)insn->imm >> 16,
					       (uint32_t)insn->imm & 0xffff);
			else
				pf_out__printf(o, "%u, %u)",
					       (uint32_t)insn->imm >> 16,
					       (uint32_t)insn->imm & 0xffff);
		} else if (insn->off != 0) {
			pf_out__printf(o, "%c%u = (s%d)%c%u", r, insn->dst,
				       insn->off, r, insn->src);
		} else {
			pf_out__printf(o, "%c%u = %c%u", r, insn->dst, r,
				       insn->src);
		}
		return;
	default:
		break;
	}
	pf_out__printf(o, "%c%u %s ", r, insn->dst, pf_alu_op(insn));
	if (reg)
		pf_out__printf(o, "%c%u", r, insn->src);
	else
		pf_out__imm(o, style, insn->imm);
}

static const char *pf_jmp_op(uint8_t code)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ: return "==";
	case BPF_JGT: return ">";
	case BPF_JGE: return ">=";
	case BPF_JSET: return "&";
	case BPF_JNE: return "!=";
	case BPF_JSGT: return "s>";
	case BPF_JSGE: return "s>=";
	case BPF_JLT: return "<";
	case BPF_JLE: return "<=";
	case BPF_JSLT: return "s<";
	case BPF_JSLE: return "s<=";
	default: return "?";
	}
}

static void pf_disasm_call(const struct pf_insn *insn,
			   enum pf_disasm_style style, struct pf_out *o)
{
	/* LLVM knows no pseudo calls: it prints the raw imm for all kinds. */
	if (style == PF_DISASM_LLVM) {
		pf_out__printf(o, "call ");
		pf_out__shex(o, insn->imm);
		return;
	}
	switch (insn->src) {
	case BPF_PSEUDO_CALL:
		pf_out__printf(o, "call ");
		pf_out__disp(o, style, insn->imm);
		break;
	case BPF_PSEUDO_KFUNC_CALL:
		pf_out__printf(o, "call kfunc#%" PRId32, insn->imm);
		break;
	default:
		pf_out__printf(o, "call %" PRId32, insn->imm);
		break;
	}
}

static void pf_disasm_jmp(const struct pf_insn *insn,
			  enum pf_disasm_style style, struct pf_out *o)
{
	char r = pf_insn__class(insn) == BPF_JMP32 ? 'w' : 'r';

	switch (BPF_OP(insn->code)) {
	case BPF_JA:
		if (pf_insn__class(insn) == BPF_JMP32) {
			pf_out__printf(o, "gotol ");
			pf_out__disp(o, style, insn->imm);
		} else {
			pf_out__printf(o, "goto ");
			pf_out__disp(o, style, insn->off);
		}
		return;
	case BPF_CALL:
		pf_disasm_call(insn, style, o);
		return;
	case BPF_EXIT:
		pf_out__printf(o, "exit");
		return;
	case BPF_JCOND:
		pf_out__printf(o, "may_goto ");
		pf_out__disp(o, style, insn->off);
		return;
	default:
		break;
	}
	pf_out__printf(o, "if %c%u %s ", r, insn->dst, pf_jmp_op(insn->code));
	if (BPF_SRC(insn->code) == BPF_X)
		pf_out__printf(o, "%c%u", r, insn->src);
	else if (style == PF_DISASM_LLVM)
		pf_out__shex(o, insn->imm);
	else
		/* The verifier log shows comparison constants as raw hex. */
		pf_out__printf(o, "0x%" PRIx32, (uint32_t)insn->imm);
	pf_out__printf(o, " goto ");
	pf_out__disp(o, style, insn->off);
}

static void pf_disasm_ld_imm64(const struct pf_insn *insn,
			       const struct pf_insn *next,
			       enum pf_disasm_style style, struct pf_out *o)
{
	uint64_t imm = (uint64_t)(uint32_t)next->imm << 32 | (uint32_t)insn->imm;

	if (style == PF_DISASM_LLVM) {
		if (insn->src == 0) {
			pf_out__printf(o, "r%u = ", insn->dst);
			pf_out__shex(o, (int64_t)imm);
			pf_out__printf(o, " ll");
		} else {
			/*
			 * LLVM's generic form for ld_imm64 with a pseudo
			 * source: mnemonic, tab, then dst, kind and the low
			 * imm, unsigned this time (it is an fd or an index).
			 */
			pf_out__printf(o, "ld_pseudo\tr%u, 0x%x, 0x%" PRIx32,
				       insn->dst, insn->src, (uint32_t)insn->imm);
		}
		return;
	}
	/* Kernel/bpftool: what the 64-bit value refers to, by kind. */
	switch (insn->src) {
	case BPF_PSEUDO_MAP_FD:
		pf_out__printf(o, "r%u = map[fd:%" PRId32 "]", insn->dst,
			       insn->imm);
		break;
	case BPF_PSEUDO_MAP_VALUE:
		pf_out__printf(o, "r%u = map[fd:%" PRId32 "][0]+%" PRIu32,
			       insn->dst, insn->imm, (uint32_t)next->imm);
		break;
	case BPF_PSEUDO_BTF_ID:
		pf_out__printf(o, "r%u = btf_id %" PRId32, insn->dst,
			       insn->imm);
		break;
	case BPF_PSEUDO_FUNC:
		pf_out__printf(o, "r%u = func ", insn->dst);
		pf_out__disp(o, style, insn->imm);
		break;
	case BPF_PSEUDO_MAP_IDX:
		pf_out__printf(o, "r%u = map[idx:%" PRId32 "]", insn->dst,
			       insn->imm);
		break;
	case BPF_PSEUDO_MAP_IDX_VALUE:
		pf_out__printf(o, "r%u = map[idx:%" PRId32 "][0]+%" PRIu32,
			       insn->dst, insn->imm, (uint32_t)next->imm);
		break;
	default:
		pf_out__printf(o, "r%u = 0x%" PRIx64, insn->dst, imm);
		break;
	}
}

static void pf_disasm_ld(const struct pf_insn *insn,
			 enum pf_disasm_style style, struct pf_out *o)
{
	const char *sz = pf_size_name(insn->code, false);

	if (BPF_MODE(insn->code) == BPF_ABS) {
		pf_out__printf(o, "r0 = *(%s *)skb[", sz);
		pf_out__imm(o, style, insn->imm);
		pf_out__printf(o, "]");
	} else if (style == PF_DISASM_LLVM) {
		/* LLVM drops the imm of LD_IND (it is almost always 0). */
		pf_out__printf(o, "r0 = *(%s *)skb[r%u]", sz, insn->src);
	} else {
		pf_out__printf(o, "r0 = *(%s *)skb[r%u + %" PRId32 "]", sz,
			       insn->src, insn->imm);
	}
}

static void pf_disasm_atomic(const struct pf_insn *insn,
			     enum pf_disasm_style style, struct pf_out *o)
{
	bool dw = BPF_SIZE(insn->code) == BPF_DW;
	const char *sz = pf_size_name(insn->code, false);
	int32_t op = insn->imm & ~BPF_FETCH;
	const char *name;
	char r = 'r';

	/*
	 * LLVM uses w registers for 32-bit atomics except for the plain
	 * "lock +=" its default decoder knows from before alu32 existed.
	 */
	if (style == PF_DISASM_LLVM && !dw && insn->imm != BPF_ADD)
		r = 'w';

	switch (op) {
	case BPF_ADD: name = "add"; break;
	case BPF_OR: name = "or"; break;
	case BPF_AND: name = "and"; break;
	case BPF_XOR: name = "xor"; break;
	default: name = ""; break;
	}

	if (insn->imm == PF_ATOMIC_LOAD_ACQ) {
		pf_out__printf(o, "%c%u = load_acquire((%s *)(", r, insn->dst,
			       sz);
		pf_out__addr(o, style, insn->src, insn->off);
		pf_out__printf(o, "))");
	} else if (insn->imm == PF_ATOMIC_STORE_REL) {
		pf_out__printf(o, "store_release((%s *)(", sz);
		pf_out__addr(o, style, insn->dst, insn->off);
		pf_out__printf(o, "), %c%u)", r, insn->src);
	} else if (!(insn->imm & BPF_FETCH)) {
		pf_out__printf(o, "lock *(%s *)(", sz);
		pf_out__addr(o, style, insn->dst, insn->off);
		pf_out__printf(o, ") %s %c%u",
			       op == BPF_ADD ? "+=" : op == BPF_OR ? "|=" :
			       op == BPF_AND ? "&=" : "^=", r, insn->src);
	} else if (style == PF_DISASM_LLVM) {
		if (insn->imm == BPF_XCHG) {
			pf_out__printf(o, "%c%u = xchg%s(", r, insn->src,
				       dw ? "_64" : "32_32");
			pf_out__addr(o, style, insn->dst, insn->off);
			pf_out__printf(o, ", %c%u)", r, insn->src);
		} else if (insn->imm == BPF_CMPXCHG) {
			pf_out__printf(o, "%c0 = cmpxchg%s(", r,
				       dw ? "_64" : "32_32");
			pf_out__addr(o, style, insn->dst, insn->off);
			pf_out__printf(o, ", %c0, %c%u)", r, r, insn->src);
		} else {
			pf_out__printf(o, "%c%u = atomic_fetch_%s((%s *)(", r,
				       insn->src, name, sz);
			pf_out__addr(o, style, insn->dst, insn->off);
			pf_out__printf(o, "), %c%u)", r, insn->src);
		}
	} else {
		/* Kernel: atomic64_* for 64-bit operands, atomic_* for 32. */
		const char *w = dw ? "64" : "";

		if (insn->imm == BPF_XCHG)
			pf_out__printf(o, "r%u = atomic%s_xchg((%s *)(",
				       insn->src, w, sz);
		else if (insn->imm == BPF_CMPXCHG)
			pf_out__printf(o, "r0 = atomic%s_cmpxchg((%s *)(", w,
				       sz);
		else
			pf_out__printf(o, "r%u = atomic%s_fetch_%s((%s *)(",
				       insn->src, w, name, sz);
		pf_out__addr(o, style, insn->dst, insn->off);
		if (insn->imm == BPF_CMPXCHG)
			pf_out__printf(o, "), r0, r%u)", insn->src);
		else
			pf_out__printf(o, "), r%u)", insn->src);
	}
}

static void pf_disasm_mem(const struct pf_insn *insn,
			  enum pf_disasm_style style, struct pf_out *o)
{
	uint8_t mode = BPF_MODE(insn->code);

	switch (pf_insn__class(insn)) {
	case BPF_LDX:
		pf_out__printf(o, "r%u = *(%s *)(", insn->dst,
			       pf_size_name(insn->code, mode == BPF_MEMSX));
		pf_out__addr(o, style, insn->src, insn->off);
		pf_out__printf(o, ")");
		break;
	case BPF_ST:
		pf_out__printf(o, "*(%s *)(", pf_size_name(insn->code, false));
		pf_out__addr(o, style, insn->dst, insn->off);
		pf_out__printf(o, ") = ");
		pf_out__imm(o, style, insn->imm);
		break;
	default:
		if (mode == BPF_ATOMIC) {
			pf_disasm_atomic(insn, style, o);
			break;
		}
		pf_out__printf(o, "*(%s *)(", pf_size_name(insn->code, false));
		pf_out__addr(o, style, insn->dst, insn->off);
		pf_out__printf(o, ") = r%u", insn->src);
		break;
	}
}

int pf_insn__disasm(const struct pf_insn *insn, const struct pf_insn *next,
		    enum pf_disasm_style style, char *buf, size_t len)
{
	struct pf_out o = { .buf = buf, .len = len, .pos = 0 };

	if (len)
		buf[0] = '\0';

	if (!pf_insn__valid(insn)) {
		pf_out__printf(&o, "<invalid opcode 0x%02x>", insn->code);
		return 1;
	}

	switch (pf_insn__class(insn)) {
	case BPF_ALU:
	case BPF_ALU64:
		pf_disasm_alu(insn, style, &o);
		return 1;
	case BPF_JMP:
	case BPF_JMP32:
		pf_disasm_jmp(insn, style, &o);
		return 1;
	case BPF_LD:
		if (!pf_insn__is_ld_imm64(insn)) {
			pf_disasm_ld(insn, style, &o);
			return 1;
		}
		/*
		 * The second slot must be a bare carrier of the high imm; a
		 * truncated or malformed pair is shown as one bad slot so the
		 * listing resynchronises on the next.
		 */
		if (!next || !pf_insn__is_imm64_tail(next)) {
			pf_out__printf(&o, "<invalid ld_imm64 pair 0x%02x>",
				       insn->code);
			return 1;
		}
		pf_disasm_ld_imm64(insn, next, style, &o);
		return 2;
	default:
		pf_disasm_mem(insn, style, &o);
		return 1;
	}
}

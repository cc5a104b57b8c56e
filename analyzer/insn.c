// SPDX-License-Identifier: MIT
/*
 * Decoding and validation of BPF instructions (RFC 9669 plus the later
 * kernel additions compilers already emit: may_goto, addr_space_cast,
 * load-acquire / store-release).
 *
 * Validation is strict on purpose: the RFC says unused fields "SHALL be
 * cleared to zero" and the kernel verifier rejects instructions that set
 * them ("uses reserved fields"), so an object carrying such a slot will not
 * load and the analyser should say so instead of guessing a meaning.
 */
#include "insn.h"

/* Operation and mode bits not named by the 6.1 uapi headers. */
#define PF_ALU_SIGNED_OFF	1	/* sdiv / smod: off == 1 */
#define PF_MOV_AS_CAST_OFF	1	/* addr_space_cast: ALU64 MOV X, off == 1 */
#define PF_ATOMIC_LOAD_ACQ	0x100
#define PF_ATOMIC_STORE_REL	0x110
#define PF_MAX_REG		10	/* r0..r10; r10 is the read-only frame pointer */
#define PF_PSEUDO_MAX		6	/* ld_imm64 src: BPF_PSEUDO_MAP_IDX_VALUE */

void pf_insn__decode(const uint8_t *raw, bool big_endian, struct pf_insn *out)
{
	out->code = raw[0];
	/*
	 * The register nibbles swap with the byte order: the byte is written as
	 * a bitfield struct {dst:4, src:4}, and bitfields are allocated from the
	 * low end on little-endian targets and from the high end on big-endian.
	 */
	if (big_endian) {
		out->dst = raw[1] >> 4;
		out->src = raw[1] & 0x0f;
		out->off = (int16_t)(uint16_t)((uint16_t)raw[2] << 8 | raw[3]);
		out->imm = (int32_t)((uint32_t)raw[4] << 24 | (uint32_t)raw[5] << 16 |
				     (uint32_t)raw[6] << 8 | (uint32_t)raw[7]);
	} else {
		out->dst = raw[1] & 0x0f;
		out->src = raw[1] >> 4;
		out->off = (int16_t)(uint16_t)((uint16_t)raw[3] << 8 | raw[2]);
		out->imm = (int32_t)((uint32_t)raw[7] << 24 | (uint32_t)raw[6] << 16 |
				     (uint32_t)raw[5] << 8 | (uint32_t)raw[4]);
	}
}

static bool pf_insn__valid_alu(const struct pf_insn *insn)
{
	bool alu64 = pf_insn__class(insn) == BPF_ALU64;
	bool reg = BPF_SRC(insn->code) == BPF_X;
	uint8_t op = BPF_OP(insn->code);

	switch (op) {
	case BPF_ADD: case BPF_SUB: case BPF_MUL: case BPF_OR: case BPF_AND:
	case BPF_LSH: case BPF_RSH: case BPF_XOR: case BPF_ARSH:
		if (insn->off != 0)
			return false;
		break;
	case BPF_DIV: case BPF_MOD:
		/* off selects unsigned (0) or signed (1, cpu v4) division. */
		if (insn->off != 0 && insn->off != PF_ALU_SIGNED_OFF)
			return false;
		break;
	case BPF_NEG:
		/* Unary: no source operand at all. */
		return !reg && insn->src == 0 && insn->off == 0 && insn->imm == 0;
	case BPF_MOV:
		if (!reg)
			return insn->src == 0 && insn->off == 0;
		if (insn->imm != 0) {
			/* addr_space_cast carries the two address spaces in imm. */
			return alu64 && insn->off == PF_MOV_AS_CAST_OFF &&
			       (insn->imm == 1 || insn->imm == 1 << 16);
		}
		/* off is the source width of a sign-extending move (cpu v4). */
		if (insn->off == 0 || insn->off == 8 || insn->off == 16)
			return true;
		return alu64 && insn->off == 32;
	case BPF_END:
		/*
		 * ALU: the source bit picks le/be conversion. ALU64 K is the
		 * unconditional bswap of cpu v4; ALU64 X has no meaning.
		 */
		if (alu64 && reg)
			return false;
		return insn->src == 0 && insn->off == 0 &&
		       (insn->imm == 16 || insn->imm == 32 || insn->imm == 64);
	default:
		return false;
	}
	/* Binary operations: the unused operand must be zero. */
	return reg ? insn->imm == 0 : insn->src == 0;
}

static bool pf_insn__valid_jmp(const struct pf_insn *insn)
{
	bool jmp32 = pf_insn__class(insn) == BPF_JMP32;
	bool reg = BPF_SRC(insn->code) == BPF_X;

	switch (BPF_OP(insn->code)) {
	case BPF_JA:
		if (reg || insn->dst != 0 || insn->src != 0)
			return false;
		/* JMP32 JA is gotol: the 32-bit target lives in imm. */
		return jmp32 ? insn->off == 0 : insn->imm == 0;
	case BPF_JEQ: case BPF_JGT: case BPF_JGE: case BPF_JSET:
	case BPF_JNE: case BPF_JSGT: case BPF_JSGE: case BPF_JLT:
	case BPF_JLE: case BPF_JSLT: case BPF_JSLE:
		return reg ? insn->imm == 0 : insn->src == 0;
	case BPF_CALL:
		/* callx (CALL|X) is an LLVM-only encoding the kernel refuses. */
		if (jmp32 || reg || insn->dst != 0)
			return false;
		/* A kfunc call may use off to pick a module BTF (fd_array). */
		if (insn->src == BPF_PSEUDO_KFUNC_CALL)
			return true;
		return (insn->src == 0 || insn->src == BPF_PSEUDO_CALL) &&
		       insn->off == 0;
	case BPF_EXIT:
		return !jmp32 && !reg && insn->dst == 0 && insn->src == 0 &&
		       insn->off == 0 && insn->imm == 0;
	case BPF_JCOND:
		/* may_goto is the only JCOND so far: src 0, target in off. */
		return !jmp32 && !reg && insn->dst == 0 && insn->src == 0 &&
		       insn->imm == 0;
	default:
		return false;
	}
}

static bool pf_insn__valid_ld(const struct pf_insn *insn)
{
	uint8_t size = BPF_SIZE(insn->code);

	switch (BPF_MODE(insn->code)) {
	case BPF_IMM:
		/* Only the 16-byte ld_imm64; src says what imm refers to. */
		return size == BPF_DW && insn->off == 0 &&
		       insn->src <= PF_PSEUDO_MAX;
	case BPF_ABS:
	case BPF_IND:
		/*
		 * Legacy packet loads: the result always goes to r0 and there
		 * is no 64-bit form. ABS has no source register.
		 */
		if (size == BPF_DW || insn->dst != 0 || insn->off != 0)
			return false;
		return BPF_MODE(insn->code) == BPF_IND || insn->src == 0;
	default:
		return false;
	}
}

static bool pf_insn__valid_atomic(const struct pf_insn *insn)
{
	uint8_t size = BPF_SIZE(insn->code);
	bool wide = size == BPF_W || size == BPF_DW;

	switch (insn->imm) {
	case BPF_ADD: case BPF_OR: case BPF_AND: case BPF_XOR:
	case BPF_ADD | BPF_FETCH: case BPF_OR | BPF_FETCH:
	case BPF_AND | BPF_FETCH: case BPF_XOR | BPF_FETCH:
	case BPF_XCHG:
	case BPF_CMPXCHG:
		return wide;
	case PF_ATOMIC_LOAD_ACQ:
	case PF_ATOMIC_STORE_REL:
		/* Ordered loads and stores exist for every size (Linux 6.15). */
		return true;
	default:
		return false;
	}
}

static bool pf_insn__valid_mem(const struct pf_insn *insn)
{
	uint8_t cls = pf_insn__class(insn);
	uint8_t mode = BPF_MODE(insn->code);

	switch (cls) {
	case BPF_LDX:
		if (mode == BPF_MEMSX)
			return BPF_SIZE(insn->code) != BPF_DW && insn->imm == 0;
		return mode == BPF_MEM && insn->imm == 0;
	case BPF_ST:
		return mode == BPF_MEM && insn->src == 0;
	case BPF_STX:
		if (mode == BPF_ATOMIC)
			return pf_insn__valid_atomic(insn);
		return mode == BPF_MEM && insn->imm == 0;
	default:
		return false;
	}
}

bool pf_insn__valid(const struct pf_insn *insn)
{
	/* Register fields are 4 bits wide but only r0..r10 exist. */
	if (insn->dst > PF_MAX_REG || insn->src > PF_MAX_REG)
		return false;

	switch (pf_insn__class(insn)) {
	case BPF_ALU:
	case BPF_ALU64:
		return pf_insn__valid_alu(insn);
	case BPF_JMP:
	case BPF_JMP32:
		return pf_insn__valid_jmp(insn);
	case BPF_LD:
		return pf_insn__valid_ld(insn);
	default:
		return pf_insn__valid_mem(insn);
	}
}

bool pf_insn__is_imm64_tail(const struct pf_insn *insn)
{
	return insn->code == 0 && insn->dst == 0 && insn->src == 0 &&
	       insn->off == 0;
}

int64_t pf_insn__jump_target(const struct pf_insn *insn, size_t idx)
{
	/*
	 * No validity check: the encoded target of a branch with reserved
	 * fields set is still well defined, and callers that walk control
	 * flow judge validity themselves (pf_insn__valid()).
	 */
	if (!pf_insn__is_jump(insn))
		return -1;
	if (pf_insn__class(insn) == BPF_JMP32 && BPF_OP(insn->code) == BPF_JA)
		return (int64_t)idx + 1 + insn->imm;
	return (int64_t)idx + 1 + insn->off;
}

int64_t pf_insn__call_target(const struct pf_insn *insn, size_t idx)
{
	/* As for jumps, no validity check beyond the kind of call. */
	if (!pf_insn__is_call(insn) || insn->src != BPF_PSEUDO_CALL)
		return -1;
	return (int64_t)idx + 1 + insn->imm;
}

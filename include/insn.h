/* SPDX-License-Identifier: MIT */
/*
 * BPF instructions: decoding and disassembly.
 *
 * The decoder is hand-written because no Debian library exposes one for
 * BPF: libbpf only carries struct bpf_insn, and LLVM's disassembler is C++
 * and tied to one LLVM version. Encoding follows RFC 9669.
 */
#ifndef PF_INSN_H
#define PF_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#define PF_INSN_SZ 8

/* Encodings newer than the 6.1 uapi headers Debian 12 ships. */
#ifndef BPF_MEMSX
#define BPF_MEMSX	0x80	/* sign-extending load (cpu v4) */
#endif
#ifndef BPF_JCOND
#define BPF_JCOND	0xe0	/* may_goto (JMP class, src_reg 0) */
#endif
#ifndef BPF_PSEUDO_CALL
#define BPF_PSEUDO_CALL	1
#endif
#define PF_HELPER_TAIL_CALL	12

/* One decoded 8-byte slot, fields already in host order. */
struct pf_insn {
	uint8_t code;
	uint8_t dst;
	uint8_t src;
	int16_t off;
	int32_t imm;
};

static inline uint8_t pf_insn__class(const struct pf_insn *insn)
{
	return insn->code & 0x07;
}

static inline bool pf_insn__is_ld_imm64(const struct pf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static inline bool pf_insn__is_call(const struct pf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL);
}

static inline bool pf_insn__is_exit(const struct pf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_EXIT);
}

/* Bytes a load, store or atomic moves: 1, 2, 4 or 8. */
static inline int pf_insn__mem_size(const struct pf_insn *insn)
{
	switch (BPF_SIZE(insn->code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

/* A branch with a target: JA/gotol, conditional jumps, may_goto. */
static inline bool pf_insn__is_jump(const struct pf_insn *insn)
{
	uint8_t cls = insn->code & 0x07, op = insn->code & 0xf0;

	return (cls == BPF_JMP || cls == BPF_JMP32) && op != BPF_CALL &&
	       op != BPF_EXIT;
}

/* cpu v4 (RFC 9669 "v4") encodings older kernels refuse. */
static inline bool pf_insn__is_v4(const struct pf_insn *insn)
{
	uint8_t cls = insn->code & 0x07, op = insn->code & 0xf0;

	if (cls == BPF_ALU || cls == BPF_ALU64)
		return (op == BPF_MOV && insn->off) ||
		       ((op == BPF_DIV || op == BPF_MOD) && insn->off) ||
		       (op == BPF_END && cls == BPF_ALU64);
	if (cls == BPF_LDX)
		return (insn->code & 0xe0) == BPF_MEMSX;
	return (cls == BPF_JMP32 && op == BPF_JA) || (cls == BPF_JMP && op == BPF_JCOND);
}

/* Decode one slot; @big_endian selects the object's byte order. */
void pf_insn__decode(const uint8_t *raw, bool big_endian, struct pf_insn *out);

/*
 * True when the slot is a valid instruction of the ISA (opcode, and the
 * fields the opcode fixes). The second half of an ld_imm64 is not valid on
 * its own; callers skip it.
 */
bool pf_insn__valid(const struct pf_insn *insn);

/* Syntax flavours of the disassembler. */
enum pf_disasm_style {
	PF_DISASM_KERNEL,	/* decimal immediates, as the verifier log */
	PF_DISASM_LLVM,		/* hex immediates, as llvm-objdump >= 18 */
};

/*
 * Print one instruction into @buf (NUL-terminated, truncated to @len).
 * @next is the second slot of an ld_imm64, NULL otherwise. Jump and call
 * targets are printed as relative offsets; callers annotate them.
 * Returns the number of slots consumed (1 or 2).
 */
int pf_insn__disasm(const struct pf_insn *insn, const struct pf_insn *next,
		    enum pf_disasm_style style, char *buf, size_t len);

/*
 * Target slot of the branch at @idx (pf_insn__is_jump() must hold): idx +
 * off + 1, or idx + imm + 1 for gotol. May lie outside the function or be
 * negative; callers check the range.
 */
int64_t pf_insn__jump_target(const struct pf_insn *insn, size_t idx);

/*
 * True when @insn can be the second slot of an ld_imm64: everything but
 * imm (the high 32 bits of the constant) is zero.
 */
bool pf_insn__is_imm64_tail(const struct pf_insn *insn);

/*
 * Callee (slot index) of a bpf-to-bpf call (src_reg BPF_PSEUDO_CALL) at
 * @idx, or -1 for any other instruction. Like jump targets, the result
 * may lie outside the section; callers check the bounds.
 */
int64_t pf_insn__call_target(const struct pf_insn *insn, size_t idx);

#endif /* PF_INSN_H */

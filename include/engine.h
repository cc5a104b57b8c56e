/* SPDX-License-Identifier: MIT */
/*
 * The engine: one abstract interpreter of a program in the shape of the
 * verifier's do_check(). It walks the program as the kernel does, the
 * fall-through of a branch first and the other side pushed for later,
 * with registers typed as the verifier types them (scalars with a tnum
 * and signed/unsigned 64- and 32-bit bounds, pointers to stack, ctx, map
 * values, ...), stack slots per frame and call frames. What it never
 * reaches does not count: a branch on a frozen .rodata knob, on a derived
 * constant or on a checked range is followed one way only.
 *
 * It answers, per program and independently of the kernel profile:
 *   - the deepest stack byte each subprogram's frame has on any explored
 *     path (the kernel's subprog_info[].stack_depth before rounding);
 *   - which subprograms and instructions were explored;
 *   - the events that decide a verdict, in the order the kernel meets
 *     them: an out-of-frame stack access, a ninth frame, a tail call, a
 *     cpu v4 encoding, a map value used while it may be NULL. The kernel
 *     profile decides which of them refuses (verdict.c).
 * The exploration stops at the first event every kernel refuses.
 */
#ifndef PF_ENGINE_H
#define PF_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* What user space writes into .rodata before the load: --rodata NAME=VALUE. */
struct pf_rodata_value {
	const char *name;	/* a .rodata variable (symbol) */
	uint64_t value;
};

struct pf_rodata {
	const struct pf_rodata_value *v;
	size_t cnt;
};

enum pf_ev_kind {
	PF_EV_STACK_ACCESS,	/* an access outside the 512-byte frame: refused */
	PF_EV_CALL_DEPTH,	/* a ninth frame: refused */
	PF_EV_SIZE_NEGATIVE,	/* a helper size that may be negative: refused */
	PF_EV_SIZE_UNBOUNDED,	/* a helper size without an upper bound: refused */
	PF_EV_STACK_UNBOUNDED,	/* a variable stack offset without bounds: refused */
	PF_EV_STACK_MISALIGNED,	/* a stack access not aligned to its size: refused */
	PF_EV_FP_MATH,		/* stack pointer arithmetic out of range (check_reg_sane_offset) */
	PF_EV_UNINIT_READ,	/* a read below the frame's written stack (refused before 6.8) */
	PF_EV_STACK_ZERO_SIZE,	/* a helper's zero-sized stack access one bounds rule refuses */
	PF_EV_TAIL_CALL,	/* a tail call met (the mixing gate is per kernel) */
	PF_EV_ISA_V4,		/* a cpu v4 ALU encoding met (refused before 6.6) */
	PF_EV_NULL_USE,		/* map_value_or_null dereferenced or offset */
};

enum pf_ev_access { PF_ACC_READ, PF_ACC_WRITE, PF_ACC_HELPER_READ, PF_ACC_HELPER_WRITE };

struct pf_engine_event {
	uint8_t kind;		/* enum pf_ev_kind */
	uint8_t access;		/* enum pf_ev_access (PF_EV_STACK_ACCESS) */
	uint8_t reg;		/* the register the message names */
	bool var_off;		/* variable-offset stack access */
	bool arith;		/* PF_EV_NULL_USE: pointer arithmetic, not an access */
	bool elidable;		/* PF_EV_NULL_USE: constant key below max_entries of an array */
	int func;		/* function index of the instruction */
	size_t insn;		/* its slot in the function's section */
	int32_t off;		/* the access's offset as the kernel prints it */
	int32_t size;		/* access size */
	uint64_t tn_value, tn_mask;	/* var_off of a variable-offset access */
	int frames;		/* PF_EV_CALL_DEPTH: the frame count printed */
	int32_t reg_off;	/* PF_EV_STACK_MISALIGNED: the pointer's fixed offset */
	uint8_t math;		/* PF_EV_FP_MATH: which of check_reg_sane_offset()'s messages */
	bool refused_before;	/* PF_EV_STACK_ZERO_SIZE: refused by the rule before a833a17aeac7 */
	bool refused_after;	/* ... by the rule since (6.8, 6.1.170) */
	int64_t value;		/* PF_EV_FP_MATH: the number it prints */
	int map;		/* PF_EV_NULL_USE: map index */
	int lookup_func;	/* PF_EV_NULL_USE: the lookup's function and slot */
	size_t lookup_insn;
	int64_t key;		/* the constant key, -1 when unknown */
};

/*
 * One do_check() run: from main, or from a global function verified on
 * its own. The profile decides their order (verdict.c).
 */
struct pf_engine_run {
	int root;		/* subprog index */
	bool refused;		/* ended at a refusing event */
	bool exception_cb;	/* the program's exception callback (6.7+ verifies it) */
	uint32_t *depth;	/* per subprog: deepest explored byte below its r10 */
	size_t *deepest_insn;	/* per subprog: the access that set it */
	/*
	 * Per subprog: the deepest start of a zero-sized helper range, which
	 * only kernels whose grow_stack_state() sees every access count
	 * (fact depth_round8), and where it is.
	 */
	uint32_t *zdepth;
	size_t *zdeepest_insn;
	bool *explored;		/* per subprog: any of its code was explored */
	bool *called;		/* per subprog: a global function this run calls */
	uint32_t *may_goto;	/* per subprog: may_goto instructions explored */
	struct pf_engine_event *ev;	/* in the order the walk met them */
	size_t ev_cnt, ev_cap;
};

/*
 * The few points where kernels explore differently, so one exploration
 * serves every profile that agrees on them.
 */
struct pf_engine_sem {
	bool jeq_bounds;	/* JEQ/JNE decided by bounds and known bits (fact jeq_bounds) */
};

/*
 * bpf_fastcall (6.12+, mark_fastcall_patterns()): spill/fill pairs around a
 * call that clang placed at the function's lowest stack offsets. Where
 * every call with such pairs is inlined and nothing else explored touches
 * that region, remove_fastcall_spills_fills() drops the pairs and the
 * subprog's stack_depth becomes -off, before check_max_stack_depth().
 */
struct pf_fastcall {
	int16_t off;		/* fastcall_stack_off: the region is below it */
	bool pattern;		/* some call has spill/fill pairs */
	bool inl_helper;	/* ... around bpf_get_smp_processor_id() (inlined with the JIT) */
	bool inl_kfunc;		/* ... around bpf_cast_to_kern_ctx() / bpf_rdonly_cast() */
	bool other;		/* ... around a call never inlined: keep_fastcall_stack */
	bool uncertain;		/* a call whose clobbered registers are not known may form one */
	bool broken;		/* an explored access below off from outside the pairs */
};

/*
 * Find the patterns of @prog's subprogs (@base: each one's first loaded
 * slot): @fc per subprog, @member per loaded slot (a spill or fill of one).
 */
void pf_fastcall__scan(const struct pf_object *obj, const struct pf_program *prog,
		       const size_t *base,
		       struct pf_fastcall *fc, uint8_t *member);

struct pf_engine_result {
	struct pf_engine_sem sem;	/* what this exploration assumed */
	bool used_jeq_bounds;	/* a JEQ/JNE was decided by more than a constant */
	bool used_jeq_refine;	/* a JEQ/JNE narrowed a register as the other would not */
	bool ok;		/* explored every run to its end or refusing event */
	bool settled;		/* ... or until every depth was the static bound (see pf_engine__run) */
	bool exhausted;		/* ... because it ran out of its budget */
	char why[200];		/* when !ok: what the engine could not follow */
	size_t sub_cnt;		/* = prog->func_cnt */
	struct pf_engine_run *runs;	/* runs[0] is main */
	size_t run_cnt, run_cap;
	size_t *base;		/* per subprog: its first slot in the loaded program */
	size_t insn_total;
	uint8_t *insn_seen;	/* per loaded slot: explored by any run */
	uint8_t *jump_target;	/* per loaded slot: a prune point */
	size_t processed;	/* instructions processed in all runs */
	struct pf_fastcall *fc;	/* per subprog */
};

/*
 * Explore @prog of @obj, processing at most @budget instructions (0: the
 * verifier's own 1M). Never fails for a reason of the input: what it
 * cannot follow leaves res->ok false with res->why. Returns -ENOMEM only.
 *
 * @settle: the caller knows no refusal can come from the rest (the static
 * bound accepts with room): once a run has processed as many instructions
 * as the program has and every subprogram it reaches was explored down to
 * its static depth, nothing left can change a depth, and the run stops
 * there (res->settled). What the rest would read of unwritten stack is not
 * looked at then.
 */
int pf_engine__run(const struct pf_object *obj, const struct pf_program *prog,
		   const struct pf_rodata *ro, size_t budget, bool settle,
		   struct pf_engine_sem sem, struct pf_engine_result *res);

/* The verifier's limit on processed instructions (BPF_COMPLEXITY_LIMIT_INSNS). */
#define PF_ENGINE_KERNEL_BUDGET	1000000u
void pf_engine__free(struct pf_engine_result *res);

/* Was the instruction at @insn of subprog @sub explored? */
bool pf_engine__seen(const struct pf_engine_result *res, const struct pf_object *obj,
		     const struct pf_program *prog, size_t sub, size_t insn);

#endif /* PF_ENGINE_H */

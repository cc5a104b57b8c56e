#!/usr/bin/env python3
"""gen-programs.py SEED COUNT OUTDIR: seeded BPF C programs for the engine tests.

Writes COUNT programs named gen<SEED>_<n> (n = 0 .. COUNT-1), 4 to 8 per file,
into OUTDIR/gen<SEED>_f<k>.bpf.c, deterministically from SEED (python3 stdlib
only).  Every file is plain C for `clang -O2 -g -target bpf` (clang-14 and
clang-19, -mcpu=v2..v4), vmlinux-free: <linux/bpf.h> and <bpf/bpf_helpers.h>.

The programs stress what the verifier explores and how much stack it counts:
.rodata knobs (`const volatile __u32 knob_N`) and range checks on unknown
values guarding big frames, calls and out-of-frame stores; derived constants,
masks, correlated branches; frames near and past 512 bytes; call chains
summing near 512; nine nested static calls on a dead or live branch; bounded
loops, bpf_loop and bpf_for_each_map_elem callbacks touching their own stack
and the caller's through ctx; a timer callback re-arming itself; bounded self
recursion; helper memory arguments of variable size; tail calls in main or
in subprograms behind frames near the 256 bytes the verifier allows.  Each program carries a
comment with its rough intent and no expected verdict: the kernel is the
oracle (tests/t_engine_gen.sh).

Twins: for some files with knob programs, OUTDIR/gen<SEED>_f<k>_flip.bpf.c is
the same source with one or two knobs' initial values changed.  Its first
line, "// rodata: knob_3=1 knob_7=0", gives the `--rodata NAME=VALUE` options
under which the tool, reading the original object, must predict what the
kernel says about the twin.

can_loop (the kernel's bpf_experimental.h: may_goto) is written as its
encoding (.8byte), since libbpf 1.1.2's headers lack the macro and clang-14
cannot assemble may_goto; which programs get a can_loop loop is drawn from a
second generator seeded per program, so the others stay as they were; tail
calls the same way, from a third.
"""
import os
import random
import sys

PER_FILE = (4, 8)

TYPES = [   # (weight, section, tracing: has bpf_probe_read_kernel; may use timers)
    (30, "tc", False, True),
    (22, "xdp", False, True),
    (10, "socket", False, False),
    (16, "kprobe/do_nanosleep", True, False),
    (11, "tracepoint/syscalls/sys_enter_nanosleep", True, False),
    (11, "raw_tp/sys_enter", True, False),
]

# main's own buffers (their sum) stay under this, so that clang (which refuses
# any frame past 512 bytes) always builds the program; a feature that wants
# main near 512 takes main alone.
MAIN_BUDGET = 440

PREAMBLE = r"""#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* A frame of N bytes: the empty asm takes the array's address, so clang keeps
 * all N bytes; the store at b[0] is the deepest access. */
#define FRAME(b, N, v)						\
	volatile char b[N];					\
	asm volatile("" : : "r"(b) : "memory");			\
	b[0] = (v)
/* Hide a value from clang (not from the verifier). */
#define OPAQUE(x) asm volatile("" : "+r"(x))
/* can_loop: 1 until the verifier's loop budget (may_goto's counter) is
 * spent. "r = 0; may_goto +1; r = 1", the may_goto as its encoding
 * (BPF_JMP | BPF_JCOND, off 1) in the object's byte order. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MAY_GOTO_1 ".8byte 0x00000000000100e5;"
#else
#define MAY_GOTO_1 ".8byte 0xe500000100000000;"
#endif
#define can_loop ({ long __cl; asm volatile("%[r] = 0;" MAY_GOTO_1 "%[r] = 1;" : [r] "=r"(__cl)); __cl; })
/* One byte at r10-OFF, wherever clang's frame ends. */
#define STK_W(off, v) asm volatile("*(u8 *)(r10 - " #off ") = %[x]" : : [x] "r"((long)(v)) : "memory")
#define STK_R(off, v) asm volatile("%[x] = *(u8 *)(r10 - " #off ")" : [x] "=r"(v) : : "memory")
"""

TIMER_MAP = r"""
struct gen_tm {
	struct bpf_timer t;
	__u32 n;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, int);
	__type(value, struct gen_tm);
} tmap SEC(".maps");
"""

JT_MAP = r"""
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} jt SEC(".maps");
"""

ARRAY_MAP = r"""
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} amap SEC(".maps");
"""


class Knob:
    def __init__(self, name, value, alt):
        self.name, self.value, self.alt = name, value, alt


class FileGen:
    """Everything one output file shares: knobs, maps.  Knob numbers run
    over the whole seed, so that a knob's name says which one it is."""

    knobs_made = 0

    def __init__(self, rng, seed, index):
        self.rng, self.seed, self.index = rng, seed, index
        self.knobs = []
        self.timer = False
        self.array = False
        self.jt = False

    def knob(self, value, alt):
        """A `const volatile __u32` in .rodata; alt: the value its twin gets."""
        k = Knob(f"knob_{FileGen.knobs_made}", value, alt)
        FileGen.knobs_made += 1
        self.knobs.append(k)
        return k


class Prog:
    def __init__(self, fg, seed, n, sec, tracing, timers):
        self.fg, self.rng = fg, fg.rng
        self.name = f"gen{seed}_{n}"
        self.pfx = f"p{n}"
        self.sec, self.tracing, self.timers = sec, tracing, timers
        self.subs = []          # C functions, callees first
        self.body = []          # main's lines (without the first tab)
        self.main_bytes = 0
        self.main_cap = MAIN_BUDGET
        self.main_alone = False
        self.intent = []
        self.kinds = set()
        self.cnt = 0

    def uid(self, tag):
        self.cnt += 1
        return f"{self.pfx}_{tag}{self.cnt}"

    # ---- guards: a condition the verifier can decide, or not ---------------

    def guard(self, kinds=None):
        """(setup lines, condition, description).  The description says how
        the condition goes in the object as written."""
        r = self.rng
        kind = r.choice(kinds or ["knob", "knob", "knobexpr", "knobmask", "range",
                                  "range", "correlated", "tnum", "signed", "spill"])
        if kind == "knob":
            v = r.randint(0, 1)
            k = self.fg.knob(v, 1 - v)
            return [], k.name, f"{k.name} (={v}: {'live' if v else 'dead'})"
        if kind == "knobexpr":
            v = r.randint(0, 1)
            k = self.fg.knob(v, 1 - v)
            form, live = r.choice([
                (f"{k.name} * 3 + 1 > 2", v >= 1),
                (f"!{k.name}", v == 0),
                (f"({k.name} & 1) == 1", v == 1),
                (f"{k.name} != 0 && {k.name} < 5", v == 1),
                (f"{k.name} + 7 > 7", v == 1),
            ])
            return [], form, f"{form} with {k.name}={v} ({'live' if live else 'dead'})"
        if kind == "knobmask":
            v = r.randint(0, 15)
            t = r.randint(2, 6)
            alt = r.choice([x for x in range(16) if ((x & 7) > t) != ((v & 7) > t)])
            k = self.fg.knob(v, alt)
            live = (v & 7) > t
            return [], f"({k.name} & 7) > {t}", \
                f"({k.name} & 7) > {t} with {k.name}={v} ({'live' if live else 'dead'})"
        v = self.uid("r")
        if kind == "range":
            m = r.choice([7, 15, 63, 255])
            t = r.choice([m, m + 1, 2 * m, m - 1, m // 2, 0])
            live = t < m
            return [f"__u32 {v} = bpf_get_prandom_u32() & {m};", f"OPAQUE({v});"], \
                f"{v} > {t}", f"rand & {m} > {t} ({'live' if live else 'dead'})"
        if kind == "signed":
            t, why = r.choice([(-129, "dead"), (-200, "dead"), (-100, "live"), (0, "live")])
            return [f"int {v} = (int)(bpf_get_prandom_u32() & 255) - 128;", f"OPAQUE({v});"], \
                f"{v} < {t}", f"(rand & 255) - 128 < {t} (signed, {why})"
        if kind == "spill":
            m = r.choice([7, 63, 255])
            t = r.choice([m, 2 * m + 1, m // 2])
            ty = r.choice(["__u64", "__u32"])
            sl = self.uid("sl")
            return [f"volatile {ty} {sl} = bpf_get_prandom_u32() & {m};", f"{ty} {v} = {sl};"], \
                f"{v} > {t}", f"rand & {m} through a volatile {ty} stack slot > {t} " \
                f"({'live' if t < m else 'dead'})"
        if kind == "correlated":
            m = r.choice([15, 255])
            t = r.randint(1, m - 1)
            x = self.uid("x")
            live = r.randint(0, 1)
            cond = f"{v} > {t} && {x}" if live else f"{v} <= {t} && {x}"
            return [f"__u32 {v} = bpf_get_prandom_u32() & {m};", f"OPAQUE({v});",
                    f"int {x};", f"if ({v} > {t})", f"\t{x} = 1;", "else", f"\t{x} = 0;",
                    f"OPAQUE({x});"], cond, \
                f"correlated: {x} = r > {t}, then {cond} ({'live' if live else 'dead on every path'})"
        # tnum: r = (rand & 15) * 4 + 3 has its two low bits set
        c, why = r.choice([(62, "dead by the low bits only"), (64, "dead by range"),
                           (23, "live"), (63, "live")])
        return [f"__u32 {v} = (bpf_get_prandom_u32() & 15) * 4 + 3;", f"OPAQUE({v});"], \
            f"{v} == {c}", f"(rand & 15) * 4 + 3 == {c} ({why})"

    def wrap(self, setup, cond, inner):
        """Lines: setup, then if (cond) { inner }."""
        return setup + [f"if ({cond}) {{"] + ["\t" + l for l in inner] + ["}"]

    def in_main_frame(self, a, lines):
        """Main's lines: @lines in a block, under a main buffer of @a bytes
        (0: none) that the block touches after them."""
        if not a:
            return ["{"] + ["\t" + l for l in lines] + ["}"]
        m = self.uid("m")
        return ["{", f"\tFRAME({m}, {a}, acc);"] + ["\t" + l for l in lines] + \
            [f"\tacc += {m}[0];", "}"]

    # ---- helpers that emit functions --------------------------------------

    def sub_frame(self, size, tag="s", extra=None, note=""):
        """static __noinline int NAME(int x) with a frame of size bytes (0: no
        frame); extra: lines before the return, may use b and x and acc."""
        name = self.uid(tag)
        lines = [f"static __noinline int {name}(int x)", "{"]
        if size:
            lines.append(f"\tFRAME(b, {size}, x);")
        lines.append("\tint acc = x;")
        for l in extra or []:
            lines.append("\t" + l)
        lines.append("\treturn acc + b[0];" if size else "\treturn acc;")
        lines.append("}")
        self.subs.append("\n".join(lines))
        return name

    def size(self, lo, hi):
        """A frame size, mostly a multiple of 8, sometimes 4 off."""
        s = self.rng.randint(lo // 8, hi // 8) * 8
        if self.rng.random() < 0.15:
            s -= 4
        return max(s, 4)

    def add_main(self, nbytes):
        if self.main_alone or self.main_bytes + nbytes > self.main_cap:
            return False
        self.main_bytes += nbytes
        return True

    # ---- features ----------------------------------------------------------

    def f_knob_main(self):
        b = self.size(32, 320)
        if not self.add_main(b):
            return False
        setup, cond, d = self.guard()
        v = self.uid("g")
        self.body += ["{"] + ["\t" + l for l in self.wrap(setup, cond,
                      [f"FRAME({v}, {b}, acc);", f"acc += {v}[0];"])] + ["}"]
        self.intent.append(f"main buffer {b} under {d}")
        return True

    def f_knob_sub(self):
        a = self.size(0, 200)
        if a and not self.add_main(a):
            return False
        b = self.size(64, 400)
        setup, cond, d = self.guard()
        inner = self.wrap(setup, cond, [f"FRAME(gb, {b}, x);", "acc += gb[0];"])
        small = self.rng.choice([0, 0, 8, 16, 32])
        s = self.sub_frame(small, "k", inner)
        self.call_under_main_frame(a, s)
        self.intent.append(f"main {a} -> {s} ({small}, and {b} under {d})")
        return True

    def call_under_main_frame(self, a, callee, arg="acc"):
        if a:
            v = self.uid("m")
            self.body += ["{", f"\tFRAME({v}, {a}, acc);", f"\tacc += {callee}({arg}) + {v}[0];", "}"]
        else:
            self.body.append(f"acc += {callee}({arg});")

    def f_guarded_call(self):
        a = self.size(0, 240)
        if a and not self.add_main(a):
            return False
        b = self.size(64, 400)
        s = self.sub_frame(b, "c")
        setup, cond, d = self.guard()
        call = [f"acc += {s}(acc);"]
        if a:
            v = self.uid("m")
            self.body += ["{", f"\tFRAME({v}, {a}, acc);"] + \
                ["\t" + l for l in self.wrap(setup, cond, call)] + [f"\tacc += {v}[0];", "}"]
        else:
            self.body += ["{"] + ["\t" + l for l in self.wrap(setup, cond, call)] + ["}"]
        self.intent.append(f"main {a}, call to {s} ({b}) under {d}")
        return True

    def f_chain(self):
        r = self.rng
        k = r.randint(2, 4)                  # subprograms
        total = r.choice(range(448, 584, 8))
        parts = [r.random() + 0.2 for _ in range(k + 1)]
        if r.random() < 0.3:
            parts[0] = 0                      # an empty main
        sizes = [int(total * p / sum(parts)) // 8 * 8 for p in parts]
        sizes = [min(s, 480) for s in sizes]
        if r.random() < 0.2:
            i = r.randint(1, k)
            sizes[i] = max(sizes[i] - 4, 4)
        if sizes[0] and not self.add_main(sizes[0]):
            return False
        gi = r.randint(1, k) if r.random() < 0.5 else 0   # a guarded link
        names, callee, desc = [], None, ""
        for i in range(k, 0, -1):
            extra = []
            if callee:
                call = [f"acc += {callee}(x + 1);"]
                if i + 1 == gi:
                    setup, cond, desc = self.guard()
                    extra = self.wrap(setup, cond, call)
                else:
                    extra = call
            callee = self.sub_frame(sizes[i], "ch", extra)
            names.insert(0, callee)
        if gi == 1:
            setup, cond, desc = self.guard()
            if sizes[0]:
                v = self.uid("m")
                self.body += ["{", f"\tFRAME({v}, {sizes[0]}, acc);"] + \
                    ["\t" + l for l in self.wrap(setup, cond, [f"acc += {callee}(acc);"])] + \
                    [f"\tacc += {v}[0];", "}"]
            else:
                self.body += ["{"] + ["\t" + l for l in self.wrap(setup, cond, [f"acc += {callee}(acc);"])] + ["}"]
        else:
            self.call_under_main_frame(sizes[0], callee)
        self.intent.append("chain main %d -> %s (sum %d)%s" % (
            sizes[0], " -> ".join(f"{n} {s}" for n, s in zip(names, sizes[1:])), sum(sizes),
            f", call to {names[gi - 1]} under {desc}" if gi else ""))
        return True

    def f_near512(self):
        r = self.rng
        s = self.size(472, 504)
        if r.random() < 0.5:
            if self.main_bytes or self.main_alone:
                return False
            self.main_alone = True
            v = self.uid("n")
            self.body += ["{", f"\tFRAME({v}, {s}, acc);", f"\tacc += {v}[0];", "}"]
            self.intent.append(f"main alone near 512: {s}")
        else:
            a = r.choice([0, 8, 16, 24, 32])
            if a and not self.add_main(a):
                return False
            sub = self.sub_frame(s, "n")
            self.call_under_main_frame(a, sub)
            self.intent.append(f"main {a} -> {sub} near 512: {s}")
        return True

    def f_past512(self):
        """An asm store or load at r10-OFF, OFF around 512, in main or a sub;
        clang's frame there stays below OFF - 16."""
        r = self.rng
        off = r.choice([488, 496, 504, 512, 513, 520, 536, 560, 578, 600, 614])
        acc = r.choice(["STK_W(%d, acc);", "{ long t; STK_R(%d, t); acc += t; }"]) % off
        inmain = r.random() < 0.5
        if inmain:
            # clang's frame of main (buffers and spills) stays clear of r10-OFF
            if self.main_alone or self.main_bytes > off - 72:
                return False
            self.main_cap = min(self.main_cap, off - 72)
        if r.random() < 0.6:
            setup, cond, d = self.guard()
            lines = self.wrap(setup, cond, [acc])
        else:
            lines, d = [acc], "nothing (live)"
        what = "store" if "STK_W" in acc else "load"
        if inmain:
            self.body += ["{"] + ["\t" + l for l in lines] + ["}"]
            self.intent.append(f"main: byte {what} at r10-{off} under {d}")
        else:
            fr = r.choice([0, 8, 32, 64])
            a = self.size(0, 256)
            if a and not self.add_main(a):
                a = 0
            s = self.sub_frame(fr, "x", lines)
            self.call_under_main_frame(a, s)
            self.intent.append(f"main {a} -> {s} ({fr}): byte {what} at r10-{off} under {d}")
        return True

    def f_nest9(self):
        if "nest9" in self.kinds:
            return False
        r = self.rng
        fr = r.choice([8, 8, 16, 24])
        if not self.add_main(fr):
            return False
        depth = r.choice([8, 8, 8, 7])   # number of subs: 8 = nine frames with main
        gl = r.randint(1, depth - 1)     # the call s_gl -> s_gl+1 is guarded
        live = r.random() < 0.3
        if live:
            setup, cond, d = [], None, "live"
        else:
            setup, cond, d = self.guard()
        callee, names = None, []
        for i in range(depth, 0, -1):
            extra = []
            if callee:
                call = [f"acc += {callee}(x + 1);"]
                extra = self.wrap(setup, cond, call) if (i == gl and cond) else call
            callee = self.sub_frame(fr, "d", extra)
            names.insert(0, callee)
        self.call_under_main_frame(fr, callee)
        self.kinds.add("nest9")
        guarded = cond is not None
        self.intent.append(f"{depth + 1} nested frames of {fr} (main, {names[0]} .. {names[-1]}); "
                           + (f"the call from {names[gl - 1]} on under {d}" if guarded else "all calls live"))
        return True

    def f_loop(self):
        if "loop" in self.kinds:
            return False
        r = self.rng
        n = r.randint(2, 12)
        i = self.uid("i")
        form = r.choice(["index", "knobhit", "call", "randbound"])
        head = [f"int {i};", "#pragma clang loop unroll(disable)"]
        if form == "index":
            b = self.size(max(16, n * 8), 320)
            if not self.add_main(b):
                return False
            v = self.uid("l")
            step = r.choice([1, 4, 8])
            self.body += ["{", f"\tFRAME({v}, {b}, acc);"] + ["\t" + l for l in head] + [
                f"\tfor ({i} = 0; {i} < {n}; {i}++)",
                f"\t\t{v}[{i} * {step}] = acc + {i};", f"\tacc += {v}[{n - 1}];", "}"]
            self.intent.append(f"loop {n} writes main buffer {b} at i*{step}")
        elif form == "knobhit":
            hit = r.randint(0, n + 3)
            alt = r.choice([x for x in range(n + 4) if (x < n) != (hit < n)])
            k = self.fg.knob(hit, alt)
            b = self.size(64, 440)
            s = self.sub_frame(b, "h")
            self.body += ["{"] + ["\t" + l for l in head] + [
                f"\tfor ({i} = 0; {i} < {n}; {i}++)",
                f"\t\tif ({i} == {k.name})", f"\t\t\tacc += {s}({i});", "}"]
            self.intent.append(f"loop {n} calls {s} ({b}) when i == {k.name} (={hit}: "
                               f"{'live' if hit < n else 'dead'})")
        elif form == "call":
            b = self.size(32, 320)
            s = self.sub_frame(b, "h")
            self.body += ["{"] + ["\t" + l for l in head] + [
                f"\tfor ({i} = 0; {i} < {n}; {i}++)", f"\t\tacc += {s}(acc + {i});", "}"]
            self.intent.append(f"loop {n} calls {s} ({b})")
        else:
            m = r.choice([3, 7, 15])
            b = self.size(m + 1 + 8, 200)
            if not self.add_main(b):
                return False
            v, lim = self.uid("l"), self.uid("n")
            self.body += ["{", f"\tFRAME({v}, {b}, acc);",
                          f"\t__u32 {lim} = bpf_get_prandom_u32() & {m};", f"\tOPAQUE({lim});"] + \
                ["\t" + l for l in head] + [
                f"\tfor ({i} = 0; {i} < {lim}; {i}++)",
                f"\t\t{v}[{i} + 1] = acc;", f"\tacc += {v}[1];", "}"]
            self.intent.append(f"loop bounded by rand & {m} writes main buffer {b}")
        self.kinds.add("loop")
        return True

    def ctx_struct(self, size):
        sname = self.uid("cx")
        self.subs.append(f"struct {sname} {{\n\tvolatile char pad[{size}];\n}};")
        return sname

    def cb_ctx_touch(self, csize, idxvar):
        """Where a callback writes into its caller's struct: a constant, or a
        variable offset."""
        r = self.rng
        if r.random() < 0.5:
            off = r.randint(0, csize - 1)
            return f"p->pad[{off}] = b[0];", f"pad[{off}]"
        m = 1
        while m * 2 <= csize:
            m *= 2
        m -= 1
        return f"p->pad[{idxvar} & {m}] = b[0];", f"pad[idx & {m}]"

    def f_bpf_loop(self):
        r = self.rng
        csize = self.size(16, 256)
        own = r.choice([0, 8, 16, 24, 32])    # main's own small frame besides the struct
        if not self.add_main(csize + own):
            return False
        b = self.size(16, 400)
        sname = self.ctx_struct(csize)
        touch, where = self.cb_ctx_touch(csize, "idx")
        cb = self.uid("cb")
        extra, callnote = [], ""
        if r.random() < 0.35:
            c = self.size(16, 256)
            s = self.sub_frame(c, "q")
            extra = [f"b[1] = {s}(idx);"]
            callnote = f" -> {s} ({c})"
            if r.random() < 0.5:
                setup, cond, d = self.guard()
                extra = self.wrap(setup, cond, extra)
                callnote += f" under {d}"
        self.subs.append("\n".join([
            f"static int {cb}(__u32 idx, void *c)", "{",
            f"\tstruct {sname} *p = c;", f"\tFRAME(b, {b}, idx);"] +
            ["\t" + l for l in extra] + [f"\t{touch}", "\treturn b[0] & 1;", "}"]))
        n = r.choice(["4", "16", "acc & 15", "1"])
        cv = self.uid("c")
        lines = ["{", f"\tstruct {sname} {cv};", f"\t{cv}.pad[{csize - 1}] = acc;"]
        if own:
            m = self.uid("m")
            lines += [f"\tFRAME({m}, {own}, acc);", f"\tacc += {m}[0];"]
        lines += [f"\tacc += bpf_loop({n}, {cb}, &{cv}, 0);", "}"]
        self.body += lines
        self.intent.append(f"bpf_loop({n}) callback {cb} ({b}){callnote} writes the caller's "
                           f"{csize}-byte struct at {where}; main {own} besides")
        return True

    def f_foreach(self):
        r = self.rng
        csize = self.size(16, 256)
        if not self.add_main(csize):
            return False
        self.fg.array = True
        b = self.size(16, 400)
        sname = self.ctx_struct(csize)
        touch, where = self.cb_ctx_touch(csize, "*key")
        cb = self.uid("fe")
        self.subs.append("\n".join([
            f"static long {cb}(void *map, __u32 *key, __u64 *val, void *c)", "{",
            f"\tstruct {sname} *p = c;", f"\tFRAME(b, {b}, *val);", f"\t{touch}",
            "\treturn b[0] & 1;", "}"]))
        cv = self.uid("c")
        self.body += ["{", f"\tstruct {sname} {cv};", f"\t{cv}.pad[{csize - 1}] = acc;",
                      f"\tacc += bpf_for_each_map_elem(&amap, {cb}, &{cv}, 0);", "}"]
        self.intent.append(f"for_each_map_elem callback {cb} ({b}) writes the caller's "
                           f"{csize}-byte struct at {where}")
        return True

    def f_timer(self):
        if not self.timers:
            return False
        r = self.rng
        a = self.size(0, 480)
        if not self.add_main(a + 8):
            return False
        self.fg.timer = True
        b = self.size(16, 496)
        cb = self.uid("tm")
        extra, note = [], ""
        if r.random() < 0.4:
            c = self.size(16, 200)
            s = self.sub_frame(c, "q")
            extra = [f"v->n += {s}(b[0]);"]
            note = f" -> {s} ({c})"
            if r.random() < 0.5:
                setup, cond, d = self.guard()
                extra = self.wrap(setup, cond, extra)
                note += f" under {d}"
        rearm = r.random() < 0.7
        if rearm:
            extra.append(f"bpf_timer_set_callback(&v->t, {cb});")
        self.subs.append("\n".join([
            f"static int {cb}(void *map, int *key, struct gen_tm *v)", "{",
            f"\tFRAME(b, {b}, v->n);"] + ["\t" + l for l in extra] + [
            "\tv->n = b[0];", "\treturn 0;", "}"]))
        kv, ev = self.uid("k"), self.uid("e")
        lines = ["{", f"\tint {kv} = 0;"]
        if a:
            m = self.uid("m")
            lines += [f"\tFRAME({m}, {a}, acc);", f"\tacc += {m}[0];"]
        lines += [f"\tstruct gen_tm *{ev} = bpf_map_lookup_elem(&tmap, &{kv});",
                  f"\tif ({ev}) {{", f"\t\tbpf_timer_init(&{ev}->t, &tmap, 1);",
                  f"\t\tbpf_timer_set_callback(&{ev}->t, {cb});", f"\t\t{ev}->n = acc;", "\t}", "}"]
        self.body += lines
        self.intent.append(f"main {a} arms timer callback {cb} ({b}){note}"
                           + (", which re-arms itself" if rearm else ""))
        return True

    def f_recursion(self):
        r = self.rng
        b = r.choice([16, 32, 64, 64, 96])
        name = self.uid("rec")
        guarded = r.random() < 0.3
        call = [f"acc += {name}(n - 1);"]
        if guarded:
            setup, cond, d = self.guard(["knob", "knobexpr"])
            call = self.wrap(setup, cond, call)
        self.subs.append("\n".join([
            f"static __noinline int {name}(int n)", "{", f"\tFRAME(b, {b}, n);", "\tint acc = 0;",
            "\tif (n > 0) {"] + ["\t\t" + l for l in call] + ["\t}", "\treturn acc + b[0];", "}"]))
        form = r.choice(["const", "knob", "rand"])
        if form == "const":
            arg, an = str(r.randint(0, 3)), "a constant"
        elif form == "knob":
            v = r.randint(0, 3)
            k = self.fg.knob(v, r.choice([x for x in range(4) if x != v]))
            arg, an = k.name, f"{k.name} (={v})"
        else:
            arg, an = "acc & 3", "rand & 3"
        self.body.append(f"acc += {name}({arg});")
        self.intent.append(f"self-recursive {name} ({b}) called with {an} = {arg}"
                           + (f", recursion under {d}" if guarded else ""))
        return True

    def f_probe_read(self):
        if not self.tracing:
            return False
        r = self.rng
        k = self.size(16, 400)
        inmain = r.random() < 0.6
        if inmain and not self.add_main(k):
            return False
        form = r.choice(["rand", "rand", "knob", "opaque"])
        setup = []
        if form == "rand":
            m = r.choice([15, 63, 127])
            lenexpr, d = f"(bpf_get_prandom_u32() & {m}) + 1", f"(rand & {m}) + 1"
        elif form == "knob":
            v = r.choice([8, 16, 32, 64, 100, 128, 200, 256])
            kn = self.fg.knob(v, r.choice([8, 16, 64, 128, 256, 300]))
            lenexpr, d = kn.name, f"{kn.name} (={v})"
        else:
            m = r.choice([31, 255])
            lv = self.uid("len")
            setup = [f"__u32 {lv} = bpf_get_prandom_u32();", f"if ({lv} > {m})",
                     f"\t{lv} = {m};", f"OPAQUE({lv});"]
            lenexpr, d = lv, f"min(rand, {m}) (no lower bound check)"
        shift = r.choice([None, None, 7, 15])
        dst = "(void *)b" if shift is None else f"(void *)(b + (bpf_get_prandom_u32() & {shift}))"
        call = setup + [f"acc += bpf_probe_read_kernel({dst}, {lenexpr}, (const void *)(long)acc);"]
        note = f"bpf_probe_read_kernel into a {k}-byte buffer" + \
            ("" if shift is None else f" + (rand & {shift})") + f", size {d}"
        if inmain:
            self.body += ["{", f"\tFRAME(b, {k}, acc);"] + ["\t" + l for l in call] + \
                ["\tacc += b[0];", "}"]
            self.intent.append("main: " + note)
        else:
            s = self.sub_frame(k, "pr", call)
            self.body.append(f"acc += {s}(acc);")
            self.intent.append(f"{s}: " + note)
        return True

    def f_global(self):
        b = self.size(16, 400)
        name = self.uid("gl")
        self.subs.append("\n".join([
            f"__noinline int {name}(int x)", "{", f"\tFRAME(b, {b}, x);",
            "\treturn b[0] + 1;", "}"]))
        a = self.size(0, 200)
        if a and not self.add_main(a):
            a = 0
        setup, cond, d = self.guard()
        call = self.wrap(setup, cond, [f"acc += {name}(acc);"])
        self.body += self.in_main_frame(a, call)
        self.intent.append(f"main {a}, global {name} ({b}) called under {d}")
        return True

    def f_can_loop(self):
        """A loop that can_loop ends: bounded by a constant (the kernel unrolls
        it), calling a subprogram, or unbounded on a value the verifier need
        not know precisely (its states converge at the may_goto)."""
        r = self.rng
        i = self.uid("c")
        form = r.choice(["bounded", "call", "until"])
        if form == "bounded":
            n = r.randint(2, 40)
            step = r.choice([1, 2, 4])
            b = self.size(max(16, n * step + 8), 320)
            if not self.add_main(b):
                return False
            v = self.uid("l")
            self.body += ["{", f"\tFRAME({v}, {b}, acc);", f"\tint {i};",
                          f"\tfor ({i} = 0; {i} < {n} && can_loop; {i}++)",
                          f"\t\t{v}[{i} * {step} + 1] = acc + {i};", f"\tacc += {v}[1];", "}"]
            self.intent.append(f"can_loop loop {n} writes main buffer {b} at i*{step}+1")
        elif form == "call":
            n = r.randint(2, 6)
            b = self.size(32, 400)
            s = self.sub_frame(b, "h")
            self.body += ["{", f"\tint {i};",
                          f"\tfor ({i} = 0; {i} < {n} && can_loop; {i}++)",
                          f"\t\tacc += {s}(acc + {i});", "}"]
            self.intent.append(f"can_loop loop {n} calls {s} ({b})")
        else:
            self.body += ["{", f"\tint {i} = 0;", "\twhile (can_loop) {",
                          "\t\tif (bpf_get_prandom_u32() & 1)", "\t\t\tbreak;",
                          f"\t\t{i}++;", "\t}", f"\tacc += {i};", "}"]
            self.intent.append("can_loop loop until a random bit, counter imprecise")
        self.kinds.add("can_loop")
        return True

    def f_tail_call(self):
        """A tail call (bpf_tail_call(ctx, &jt, x & 1)) in main, or in a
        subprogram behind main's frame and perhaps another subprogram's:
        frames summing near the 256 bytes check_max_stack_depth() allows
        before a tail call, and the mixing of tail calls and calls."""
        r = self.rng
        self.fg.jt = True
        form = r.choice(["main", "sub", "sub", "chain"])
        tc = "bpf_tail_call(ctx, &jt, acc & 1);"
        if form == "main":
            self.body.append(tc)
            self.intent.append("tail call in main"
                               + (" (with subprograms)" if self.subs else ""))
            self.kinds.add("tail_call")
            return True
        a = r.choice([0, 0, self.size(8, 160), self.size(160, 300)])
        if a and not self.add_main(a):
            a = 0
        b = r.choice([0, self.size(8, 120)])
        name = self.uid("tc")
        lines = [f"static __noinline int {name}(void *ctx, int x)", "{"]
        if b:
            lines.append(f"\tFRAME(b, {b}, x);")
        lines += ["\tint acc = x;", "\t" + tc]
        lines.append("\treturn acc + b[0];" if b else "\treturn acc;")
        lines.append("}")
        self.subs.append("\n".join(lines))
        callee, note = name, f"{name} ({b}) tail-calls"
        if form == "chain":
            c = self.size(8, 200)
            mid = self.uid("tm")
            self.subs.append("\n".join([
                f"static __noinline int {mid}(void *ctx, int x)", "{",
                f"\tFRAME(b, {c}, x);", f"\tint acc = x + {name}(ctx, x);",
                "\treturn acc + b[0];", "}"]))
            callee, note = mid, f"{mid} ({c}) calls {note}"
        call = [f"acc += {callee}(ctx, acc);"]
        if r.random() < 0.4:
            setup, cond, d = self.guard()
            call = self.wrap(setup, cond, call)
            note += f", called under {d}"
        self.body += self.in_main_frame(a, call)
        self.intent.append(f"main {a}: {note}")
        self.kinds.add("tail_call")
        return True

    FEATURES = [  # (weight, method)
        (12, "f_knob_main"), (12, "f_knob_sub"), (10, "f_guarded_call"), (12, "f_chain"),
        (6, "f_near512"), (7, "f_past512"), (6, "f_nest9"), (9, "f_loop"),
        (8, "f_bpf_loop"), (6, "f_foreach"), (6, "f_timer"), (0, "f_recursion"),
        (8, "f_probe_read"), (4, "f_global"),
    ]

    def build(self, recursive):
        """recursive: the program has a self-recursive subprogram (a file
        holds only such programs or none, so that a tool refusing to model
        an object with recursion loses those files only)."""
        r = self.rng
        want = r.choice([1, 1, 2, 2, 2, 3])
        if recursive:
            self.f_recursion()
        feats = [f for f in self.FEATURES if f[1] != "f_recursion"]
        tries = 0
        while len(self.intent) < want and tries < 20:
            tries += 1
            w = r.randint(1, sum(x[0] for x in feats))
            for weight, meth in feats:
                w -= weight
                if w <= 0:
                    break
            getattr(self, meth)()
        if not self.intent:
            self.f_knob_main()
        # can_loop from a generator of its own: the programs without it are
        # the ones earlier seeds made
        cl = random.Random(f"can_loop {self.name}")
        if cl.random() < 0.2:
            main_rng, self.rng = self.rng, cl
            self.f_can_loop()
            self.rng = main_rng
        # tail calls likewise, from a stream of their own
        tc = random.Random(f"tail_call {self.name}")
        if tc.random() < 0.15:
            main_rng, self.rng = self.rng, tc
            self.f_tail_call()
            self.rng = main_rng

    def text(self):
        out = []
        out.append(f"/* {self.name} [{self.sec}]: intent (rough; the kernel is the oracle):")
        for i in self.intent:
            out.append(f" *   - {i}")
        out.append(" */")
        body = "\n".join(self.subs)
        if body:
            out.append(body)
            out.append("")
        out.append(f'SEC("{self.sec}")')
        out.append(f"int {self.name}(void *ctx)")
        out.append("{")
        out.append("\tint acc = bpf_get_prandom_u32();")
        out.append("")
        for l in self.body:
            out.append("\t" + l if l else "")
        out.append("\treturn acc & 1;")
        out.append("}")
        return "\n".join(out)


def pick_type(rng):
    w = rng.randint(1, sum(t[0] for t in TYPES))
    for weight, sec, tracing, timers in TYPES:
        w -= weight
        if w <= 0:
            return sec, tracing, timers
    raise AssertionError


def render(fg, progs, seed, flips=None, flip_of=None):
    head = []
    if flips:
        head.append("// rodata: " + " ".join(f"{k.name}={k.alt}" for k in flips))
    head.append("// SPDX-License-Identifier: GPL-2.0")
    head.append(f"/* Generated by tools/gen-programs.py, seed {seed}: file {fg.index}, programs "
                f"{progs[0].name} .. {progs[-1].name}."
                + (f"\n * Twin of {flip_of}: the same source but for the knobs the first line "
                   f"names,\n * whose initial values are changed here." if flip_of else "")
                + " */")
    flipset = {k.name for k in flips or []}
    out = ["\n".join(head), PREAMBLE]
    for k in fg.knobs:
        v = k.alt if k.name in flipset else k.value
        out.append(f"const volatile __u32 {k.name} = {v};")
    if fg.timer:
        out.append(TIMER_MAP)
    if fg.array:
        out.append(ARRAY_MAP)
    if fg.jt:
        out.append(JT_MAP)
    for p in progs:
        out.append("")
        out.append(p.text())
    out.append("")
    out.append('char _license[] SEC("license") = "GPL";')
    return "\n".join(out) + "\n"


def main(argv):
    if len(argv) != 4:
        print("usage: gen-programs.py SEED COUNT OUTDIR", file=sys.stderr)
        return 2
    try:
        seed, count = int(argv[1]), int(argv[2])
    except ValueError:
        print("gen-programs.py: SEED and COUNT are integers", file=sys.stderr)
        return 2
    outdir = argv[3]
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(seed)
    FileGen.knobs_made = 0
    n, index, files = 0, 0, 0
    while n < count:
        k = min(rng.randint(*PER_FILE), count - n)
        fg = FileGen(rng, seed, index)
        recursive = rng.random() < 0.08
        progs = []
        for _ in range(k):
            sec, tracing, timers = pick_type(rng)
            p = Prog(fg, seed, n, sec, tracing, timers)
            p.build(recursive)
            progs.append(p)
            n += 1
        base = f"gen{seed}_f{index}"
        with open(os.path.join(outdir, base + ".bpf.c"), "w") as f:
            f.write(render(fg, progs, seed))
        files += 1
        flippable = [kn for kn in fg.knobs if kn.alt is not None]
        if flippable and rng.random() < 0.6:
            flips = rng.sample(flippable, min(len(flippable), rng.choice([1, 1, 2])))
            flips.sort(key=lambda kn: fg.knobs.index(kn))
            with open(os.path.join(outdir, base + "_flip.bpf.c"), "w") as f:
                f.write(render(fg, progs, seed, flips, base + ".bpf.c"))
            files += 1
        index += 1
    print(f"gen-programs: seed {seed}: {count} programs in {index} files "
          f"(+{files - index} twins) in {outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

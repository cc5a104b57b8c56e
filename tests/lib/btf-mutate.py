#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""BTF type-reference mutants of BPF objects, for tests/t_btf_mutants.sh.

For every type id of .BTF that refers to another type (PTR, TYPEDEF,
VOLATILE, CONST, RESTRICT, TYPE_TAG, FUNC, VAR, DECL_TAG; ARRAY element
and index; STRUCT/UNION members; FUNC_PROTO return and parameters;
DATASEC variables), mutants where that reference points
  self  - at the type itself (a typedef that is its own type),
  next  - at its neighbour, id + 1 (id - 1 for the last type),
  pair  - for two neighbouring one-reference types, at each other (a
          two-type loop: typedef A B; typedef B A).
libbpf's btf__new() checks that ids are in range, not that they are
acyclic, so every mutant reaches the analyzer; the kernel would refuse
the loops (btf_resolve(): "Loop detected").

The BTF is parsed here by hand, not with bpftool or libbpf: the point is
to write type sections no well-behaved tool would, and only the type
section's layout is needed (include/uapi/linux/btf.h). ELF64
little-endian objects only; others are skipped with a note on stderr.

Usage: btf-mutate.py --out DIR [--max N] [--must OBJ]... OBJ...
Writes DIR/NNNN.o and prints "DIR/NNNN.o<TAB>description" per mutant.
Mutants of --must objects on modifier/typedef chains come first, the
rest by class in turn (chains, other one-reference kinds, compound
members), shuffled with a fixed seed so the selection is reproducible.
"""
import argparse
import os
import random
import struct
import sys

BTF_MAGIC = 0xEB9F
KINDS = {1: "INT", 2: "PTR", 3: "ARRAY", 4: "STRUCT", 5: "UNION", 6: "ENUM",
         7: "FWD", 8: "TYPEDEF", 9: "VOLATILE", 10: "CONST", 11: "RESTRICT",
         12: "FUNC", 13: "FUNC_PROTO", 14: "VAR", 15: "DATASEC", 16: "FLOAT",
         17: "DECL_TAG", 18: "TYPE_TAG", 19: "ENUM64"}
# kinds whose size_type field is a type id
ONE_REF = {2, 8, 9, 10, 11, 12, 14, 17, 18}
# the chains the analyzer skips: modifiers and typedefs
CHAIN = {8, 9, 10, 11, 18}


def find_btf(data):
    """(offset, size) of the .BTF section, or None."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if shentsize != 64 or shoff + shnum * 64 > len(data) or shstrndx >= shnum:
        return None
    def shdr(i):
        name, _typ, _flags, _addr, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * 64)
        return name, off, size
    _, stroff, strsize = shdr(shstrndx)
    for i in range(shnum):
        name, off, size = shdr(i)
        end = data.find(b"\0", stroff + name, stroff + strsize)
        if end >= 0 and data[stroff + name:end] == b".BTF":
            return off, size
    return None


def parse_types(data, btf_off, btf_size):
    """[(kind, [(file offset of a type-id field, what)])] for ids 1..n."""
    magic, _ver, _flags, hdr_len, type_off, type_len = struct.unpack_from("<HBBIII", data, btf_off)
    if magic != BTF_MAGIC or hdr_len + type_off + type_len > btf_size:
        raise ValueError("not little-endian BTF, or a corrupt header")
    p = btf_off + hdr_len + type_off
    end = p + type_len
    types = []
    while p < end:
        _name, info, _st = struct.unpack_from("<III", data, p)
        kind, vlen = (info >> 24) & 0x1F, info & 0xFFFF
        refs = []
        q = p + 12
        if kind in ONE_REF:
            refs.append((p + 8, "type"))
        if kind == 1:		# INT: one u32 of encoding
            q += 4
        elif kind == 3:		# ARRAY: type, index_type, nelems
            refs += [(q, "elem"), (q + 4, "index")]
            q += 12
        elif kind in (4, 5):	# members: name_off, type, offset
            refs += [(q + 12 * i + 4, f"member{i}") for i in range(vlen)]
            q += 12 * vlen
        elif kind == 6:		# ENUM: name_off, val
            q += 8 * vlen
        elif kind == 13:	# FUNC_PROTO: return in size_type; params name_off, type
            refs.append((p + 8, "return"))
            refs += [(q + 8 * i + 4, f"param{i}") for i in range(vlen)]
            q += 8 * vlen
        elif kind in (14, 17):	# VAR linkage, DECL_TAG component_idx
            q += 4
        elif kind == 15:	# DATASEC: type, offset, size
            refs += [(q + 12 * i, f"var{i}") for i in range(vlen)]
            q += 12 * vlen
        elif kind == 19:	# ENUM64: name_off, lo, hi
            q += 12 * vlen
        elif kind not in KINDS:
            raise ValueError(f"unknown BTF kind {kind} at type {len(types) + 1}")
        types.append((kind, refs))
        p = q
    return types


def mutants_of(path, data):
    """(class, description, {file offset: new type id}) per mutant."""
    loc = find_btf(data)
    if not loc:
        print(f"btf-mutate: {path}: no .BTF in an ELF64 little-endian object, skipped",
              file=sys.stderr)
        return []
    types = parse_types(data, *loc)
    n = len(types)
    base = os.path.basename(path)
    out = []
    for tid, (kind, refs) in enumerate(types, 1):
        cls = 0 if kind in CHAIN else 1 if kind in ONE_REF else 2
        for off, what in refs:
            old, = struct.unpack_from("<I", data, off)
            nb = tid + 1 if tid < n else tid - 1
            for how, new in (("self", tid), ("next", nb)):
                if new != old and new >= 1:
                    out.append((cls, f"{base} [{tid}] {KINDS[kind]}.{what} {old} -> {new} ({how})",
                                {off: new}))
        nxt = types[tid] if tid < n else None
        if kind in ONE_REF and nxt and nxt[0] in ONE_REF:
            pair = 0 if kind in CHAIN or nxt[0] in CHAIN else 1
            out.append((pair, f"{base} [{tid}] {KINDS[kind]} <-> [{tid + 1}] {KINDS[nxt[0]]} (pair)",
                        {refs[0][0]: tid + 1, nxt[1][0][0]: tid}))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--max", type=int, default=300)
    ap.add_argument("--must", action="append", default=[],
                    help="an object whose modifier/typedef mutants are all taken first")
    ap.add_argument("objs", nargs="*")
    a = ap.parse_args()
    rng = random.Random(20260)
    first, classes = [], [[], [], []]
    for path in a.must + a.objs:
        data = open(path, "rb").read()
        try:
            muts = mutants_of(path, data)
        except (ValueError, struct.error) as e:
            print(f"btf-mutate: {path}: {e}, skipped", file=sys.stderr)
            continue
        for cls, desc, edits in muts:
            item = (data, desc, edits)
            (first if path in a.must and cls == 0 else classes[cls]).append(item)
    total = len(first) + sum(len(c) for c in classes)
    for c in classes:
        rng.shuffle(c)
    picked = first[:a.max]
    i = 0
    while len(picked) < a.max and any(classes):
        c = classes[i % 3]
        if c:
            picked.append(c.pop())
        i += 1
    os.makedirs(a.out, exist_ok=True)
    for k, (data, desc, edits) in enumerate(picked):
        b = bytearray(data)
        for off, new in edits.items():
            struct.pack_into("<I", b, off, new)
        dst = os.path.join(a.out, f"{k:04d}.o")
        with open(dst, "wb") as f:
            f.write(b)
        print(f"{dst}\t{desc}")
    print(f"btf-mutate: {len(picked)} of {total} possible mutants written",
          file=sys.stderr)


if __name__ == "__main__":
    main()

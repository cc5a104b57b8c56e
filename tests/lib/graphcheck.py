#!/usr/bin/env python3
"""Compare `bpf-preflight graph --format=json` with expectations.

  graphcheck.py expect SRC.bpf.c GRAPH.json
      the `expect-*:` lines written in the scenario source
  graphcheck.py kernel LOADER.txt GRAPH.json
      the loader's records (tests/kernel/loader.c): for every program the
      kernel accepted, FUNCS (func_info order) must equal our function list

Prints one line per mismatch and exits 1 on any; prints what it compared.
"""
import json
import re
import sys


def load_graph(path):
    with open(path) as f:
        doc = json.load(f)
    progs, edges, maps = {}, [], {}
    for obj in doc["objects"]:
        for p in obj["programs"]:
            progs[p["name"]] = p["functions"]
        edges += obj["edges"]
        for m in obj["maps"]:
            maps[m["name"]] = {s["index"]: s["program"] for s in m.get("slots", [])}
    return progs, edges, maps


def check_expect(src, graph):
    progs, edges, maps = load_graph(graph)
    bad, n = [], 0
    for line in open(src):
        m = re.search(r"expect-(\w+):\s*(.*)", line)
        if not m:
            continue
        kind, args = m.group(1), m.group(2).split()
        n += 1
        if kind == "funcs":
            got = progs.get(args[0])
            if got != args[1:]:
                bad.append(f"{args[0]}: functions {got} != expected {args[1:]}")
        elif kind == "callback":
            prog, cb, helper, mode = args
            want_kind = "async_callback" if mode == "async" else "callback"
            hid = int(helper.split("=")[1])
            if not any(e["from"] == prog and e.get("to") == cb and e["kind"] == want_kind
                       and e.get("helper") == hid for e in edges):
                bad.append(f"no {want_kind} edge {prog} -> {cb} for helper {hid}")
        elif kind == "slot":
            mp, idx, prog = args
            got = maps.get(mp, {}).get(int(idx))
            if got != prog:
                bad.append(f"map {mp}[{idx}] = {got}, expected {prog}")
        elif kind == "tailcall":
            fn, mp, idx = args
            idx = int(idx)
            if not any(e["from"] == fn and e["kind"] == "tail_call" and e.get("map") == mp
                       and e.get("index", -1) == idx for e in edges):
                bad.append(f"no tail call {fn} -> {mp}[{idx}]")
        elif kind == "kfunc":
            fn, name = args
            if not any(e["from"] == fn and e["kind"] == "kfunc" and e.get("to") == name
                       for e in edges):
                bad.append(f"no kfunc call {fn} -> {name}")
        else:
            bad.append(f"unknown expectation kind {kind}")
    return n, bad


def check_kernel(records, graph):
    progs, _, _ = load_graph(graph)
    bad, n = [], 0
    prog = result = None
    for line in open(records):
        word, _, rest = line.rstrip("\n").partition(" ")
        if word == "PROG":
            prog, result = rest.split()[1], None
        elif word == "RESULT":
            result = rest.split()[0]
        elif word == "FUNCS" and result == "ok":
            n += 1
            want = rest.split()
            if progs.get(prog) != want:
                bad.append(f"{prog}: tool says {progs.get(prog)}, kernel func_info {want}")
    return n, bad


def main():
    mode, a, graph = sys.argv[1:4]
    n, bad = (check_expect if mode == "expect" else check_kernel)(a, graph)
    for b in bad:
        print(f"MISMATCH {a}: {b}")
    print(f"{a}: {n} compared, {len(bad)} mismatches")
    sys.exit(1 if bad or n == 0 else 0)


if __name__ == "__main__":
    main()

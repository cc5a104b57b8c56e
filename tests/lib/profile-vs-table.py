#!/usr/bin/env python3
"""Compare probed kernel profiles with the tool's built-in fact table.

  profile-vs-table.py [--bin BPF_PREFLIGHT] PROFILE.json...

Each PROFILE.json is what `bpf-preflight probe` wrote on one kernel
(tests/vm/run.sh runs it in every VM boot):

  {"bpf_preflight_profile": 1, "kernel": "6.1.170", "release": "6.1.0-47-...",
   "arch": "x86_64", "jit": true,
   "facts": {"round16_jit": {"value": false, "measured": true,
                             "how": "measured: ..."}, ...}, ...}

The table's answer for the same kernel is what
`bpf-preflight kernels -k <kernel> --arch <arch> [--no-jit] -f json` prints
(BIN: --bin, else $PF_BIN, else ./bpf-preflight):

  {"version": 1, "kernels": [{"kernel": "6.1.170", "arch": "x86_64", "jit": true,
     "facts": {"round16_jit": {"value": false, "source": "table", ...}, ...}}]}

Rules, per fact of the profile:
  measured, value equal to the table's       -> counted as equal;
  measured, value differs (or the table has no such fact)
                                             -> "MISMATCH <kernel> <fact>: probe
                                                X, table Y (<the probe's how>)";
  not measured (the probe kept the table's value and says so)
                                             -> counted, listed by name; but a
                                                MISMATCH when the row's "probed"
                                                names this kernel (the table
                                                claims a measurement it lacks).
Facts the table has and the profile lacks (a probe older than the table) are
listed, never compared.  Other keys of the profile ("features", ...) are not
this script's business.

Prints the lines above and one summary line per profile:
  "6.1.170: 9 measured facts equal the table, 24 not measured (...)".
Exit status: 0 when every profile has at least one measured fact and none
differs, 1 on any mismatch or a profile with nothing measured, 2 on
unreadable input or when the table cannot be had.
"""
import json
import os
import subprocess
import sys


class InputError(Exception):
    pass


def tristate(v):
    return "null" if v is None else ("true" if v else "false")


def load_profile(path):
    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except OSError as e:
        raise InputError(f"{path}: {e.strerror}")
    except ValueError as e:
        raise InputError(f"{path}: not JSON: {e}")
    if not isinstance(d, dict) or d.get("bpf_preflight_profile") != 1:
        raise InputError(f"{path}: not a bpf-preflight profile (version 1)")
    for key, kind in (("kernel", str), ("arch", str), ("jit", bool), ("facts", dict)):
        if not isinstance(d.get(key), kind):
            raise InputError(f"{path}: \"{key}\" missing or not a {kind.__name__}")
    for name, f in d["facts"].items():
        if not isinstance(f, dict) or "value" not in f or not isinstance(f.get("measured"), bool):
            raise InputError(f"{path}: fact {name}: no value/measured")
        if f["value"] not in (True, False, None):
            raise InputError(f"{path}: fact {name}: value {f['value']!r} is not true/false/null")
    return d


def load_table(binary, kernel, arch, jit):
    """The fact table's row for kernel/arch/jit, as {fact: value}."""
    cmd = [binary, "kernels", "-k", kernel, "--arch", arch, "-f", "json"]
    if not jit:
        cmd.append("--no-jit")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise InputError(f"{binary}: {e.strerror}")
    if p.returncode != 0:
        raise InputError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
    try:
        rows = json.loads(p.stdout)["kernels"]
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(f"{' '.join(cmd)}: unexpected output: {e}")
    if len(rows) != 1:
        raise InputError(f"{' '.join(cmd)}: {len(rows)} kernels in the output, wanted 1")
    row = rows[0]
    # A .bpf-preflight file up the tree could set arch or jit: the row must
    # be for exactly what the profile says.
    got = (row.get("kernel"), row.get("arch"), row.get("jit"))
    if got != (kernel, arch, jit):
        raise InputError(f"{' '.join(cmd)}: the row is for {got}, wanted {(kernel, arch, jit)}")
    return ({name: f.get("value") for name, f in row.get("facts", {}).items()},
            {name: f.get("probed") or "" for name, f in row.get("facts", {}).items()})


def compare(path, d, table, probed):
    """Print the profile's mismatches and summary; return the mismatch count
    (-1 when nothing was measured)."""
    kernel = d["kernel"]
    equal, mismatch, unmeasured = 0, 0, []
    for name, f in d["facts"].items():
        if not f["measured"]:
            unmeasured.append(name)
            # the row says the probe measures it on this kernel: it must
            if kernel in [k.split(" (")[0] for k in probed.get(name, "").split(", ")]:
                print(f"MISMATCH {kernel} {name}: the table's row says it is probed on "
                      f"{kernel}, this probe did not measure it ({f.get('how', '')})")
                mismatch += 1
            continue
        if name not in table:
            print(f"MISMATCH {kernel} {name}: probe {tristate(f['value'])}, "
                  f"the table has no such fact ({f.get('how', '')})")
            mismatch += 1
        elif f["value"] != table[name]:
            print(f"MISMATCH {kernel} {name}: probe {tristate(f['value'])}, "
                  f"table {tristate(table[name])} ({f.get('how', '')})")
            mismatch += 1
        else:
            equal += 1
    absent = sorted(n for n in table if n not in d["facts"])
    where = f"{d.get('release', '?')}, {d['arch']}, JIT {'on' if d['jit'] else 'off'}"
    if unmeasured:
        print(f"{len(unmeasured)} facts not measured on {kernel}: {', '.join(unmeasured)}")
    if absent:
        print(f"{len(absent)} table facts absent from {path} (an older probe?): {', '.join(absent)}")
    measured = equal + mismatch
    if mismatch:
        print(f"{kernel}: {mismatch} of {measured} measured facts differ from the table, "
              f"{len(unmeasured)} not measured ({where})")
    else:
        print(f"{kernel}: {measured} measured facts equal the table, "
              f"{len(unmeasured)} not measured ({where})")
    if measured == 0:
        print(f"profile-vs-table: {path}: the probe measured nothing")
        return -1
    return mismatch


def main(argv):
    args = argv[1:]
    binary = os.environ.get("PF_BIN") or "./bpf-preflight"
    if len(args) >= 2 and args[0] == "--bin":
        binary, args = args[1], args[2:]
    if not args or args[0].startswith("-"):
        print("usage: profile-vs-table.py [--bin BPF_PREFLIGHT] PROFILE.json...", file=sys.stderr)
        return 2
    rc = 0
    for path in args:
        try:
            d = load_profile(path)
            table, probed = load_table(binary, d["kernel"], d["arch"], d["jit"])
        except InputError as e:
            print(f"profile-vs-table: {e}", file=sys.stderr)
            return 2
        if compare(path, d, table, probed):
            rc = 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env bash
# stack --explain on the seed case (testdata/explain/acl.bpf.c): a struct
# tunnel (44 B), a struct sflow (48 B) and a bpf_printk format on the stack
# (77 B) push acl_main past 224 bytes; 6.1 refuses its tail call. Built with
# clang-14 and clang-19, -O2 and -O1, -mcpu=v3 and v4, with DWARF and with
# it stripped. The tool must name the structs (with -g), size the printk,
# and say the refusal disappears without it; the frame it predicts without
# the printk must equal what the running kernel reports for acl_quiet (the
# same program without the printk).
set -u
cd "$PF_ROOT"
d=$PF_BUILD/explain
rm -rf "$d"; mkdir -p "$d"
arch_inc=/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
rc=0 n=0
records=$(bash tests/kernel/host.sh --prog acl_quiet "$PF_BUILD/objs/clang14-v3/explain/acl.o" 2>&1)
host=$?
for cc in clang-14 clang-19; do
	for opt in -O2 -O1; do
		for cpu in v3 v4; do
			[ $cc = clang-14 ] && [ $cpu = v4 ] && continue
			o=$d/acl-$cc$opt-$cpu.o
			$cc -target bpf -mcpu=$cpu $opt -g -DBPF_NO_GLOBAL_DATA -I"$arch_inc" \
				-c testdata/explain/acl.bpf.c -o "$o" || { echo "FAIL: cannot build $o"; rc=1; continue; }
			llvm-objcopy-19 --strip-debug "$o" "${o%.o}-nodwarf.o"
			for obj in "$o" "${o%.o}-nodwarf.o"; do
				n=$((n + 1))
				kdepth=
				if [ $host -ne 77 ]; then
					kdepth=$(bash tests/kernel/host.sh --prog acl_quiet "$obj" |
						 sed -n 's/^DEPTH \([0-9]*\).*/\1/p')
				fi
				"$PF_BIN" stack --explain --format=json -k 6.1.192 -p acl_main "$obj" >"$d/x.json" &&
				"$PF_BIN" stack --explain -k 6.1.192 -p acl_main "$obj" >"$d/x.txt" ||
					{ echo "FAIL: stack --explain failed on $obj"; rc=1; continue; }
				python3 - "$d/x.json" "$obj" "$kdepth" "$d/x.txt" <<'PY' || rc=1
import json, sys
doc = json.load(open(sys.argv[1])); obj = sys.argv[2]; kdepth = sys.argv[3]
text = open(sys.argv[4]).read()
nodwarf = obj.endswith("-nodwarf.o")
frame = doc["objects"][0]["programs"][0]["frames"][0]
ranges = frame["ranges"]
bad = []
printk = [r for r in ranges if r["kind"] == "bpf_printk format"]
if not printk or printk[0]["size"] != 77:
    bad.append(f"printk format not found as 77 bytes: {printk}")
if not nodwarf:
    for name, typ, size in (("t", "struct tunnel", 44), ("s", "struct sflow", 48)):
        if not any(r.get("name") == name and r.get("type") == typ and r["size"] == size for r in ranges):
            bad.append(f"no variable {name} ({typ}, {size} B)")
elif "names need -g" not in text:
    bad.append("without DWARF the output does not say names need -g")
w = [x for x in frame["without"] if "printk" in x["without"]]
if not w:
    bad.append("no what-if without the printk")
else:
    w = w[0]
    if [v["result"] for v in w["verdicts"]] != ["accept"]:
        bad.append(f"without the printk 6.1.192 should accept: {w['verdicts']}")
    if kdepth and int(kdepth) != w["stack_depth"]:
        bad.append(f"frame without printk: tool {w['stack_depth']}, kernel (acl_quiet) {kdepth}")
for b in bad:
    print(f"FAIL {obj}: {b}")
if not bad:
    print(f"ok {obj.split('/')[-1]}: depth {frame['stack_depth']}, printk 77 B, without it "
          f"{w['stack_depth']} B (kernel: {kdepth or 'not loaded'}), accepted on 6.1.192")
sys.exit(1 if bad else 0)
PY
			done
		done
	done
done
# bpf_trace_vprintk's argument array (5 arguments: 40 bytes), every variant
for obj in "$PF_BUILD"/objs/*/explain/vprintk.o; do
	[ -f "$obj" ] || continue
	n=$((n + 1))
	if "$PF_BIN" stack --explain --format=json -k 6.18 "$obj" | python3 -c '
import json, sys
f = json.load(sys.stdin)["objects"][0]["programs"][0]["frames"][0]
sys.exit(0 if any(r["kind"] == "bpf_trace_vprintk arguments" and r["size"] == 40 for r in f["ranges"]) else 1)'; then
		echo "ok $obj: vprintk argument array 40 B"
	else
		echo "FAIL $obj: no 40-byte vprintk argument array"; rc=1
	fi
done
[ $host -eq 77 ] && echo "note: no BPF privilege here, the what-if depths were not checked against the kernel (SKIP part)"
echo "builds checked: $n"
exit $rc

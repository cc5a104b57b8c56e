# shellcheck shell=bash
# The compiler variants the tests build BPF C with, one name each: sourced by
# tests/build-testdata.sh (testdata/) and tests/lib/gen-build.sh (the
# generated programs). variant_cmd NAME prints the compiler command, or
# fails for a name it does not know.
pf_variants_arch_inc=/usr/include/$(gcc -dumpmachine 2>/dev/null || echo x86_64-linux-gnu)
variant_cmd() {
	case $1 in
	clang14-v2)    echo "clang-14 -target bpf -mcpu=v2" ;;
	clang14-v3)    echo "clang-14 -target bpf -mcpu=v3" ;;
	clang19-v2)    echo "clang-19 -target bpf -mcpu=v2" ;;
	clang19-v3)    echo "clang-19 -target bpf -mcpu=v3" ;;
	clang19-v4)    echo "clang-19 -target bpf -mcpu=v4" ;;
	clang19-bpfeb) echo "clang-19 -target bpfeb -mcpu=v3" ;;
	gcc-bpf)       echo "bpf-gcc -gbtf -mco-re -idirafter /usr/include -idirafter $pf_variants_arch_inc" ;;
	*) return 1 ;;
	esac
}

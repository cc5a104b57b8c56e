// SPDX-License-Identifier: GPL-2.0
/*
 * freplace of an exception callback. exc_main names exc_cb as its
 * exception callback (the "exception_callback:" decl tag that
 * __exception_cb() writes, 6.7+); ext_exc replaces exc_cb. Kernels with
 * exception callbacks refuse the extension at its load ("Extension
 * programs cannot attach to exception callback"); older kernels ignore the
 * tag, and exc_cb is an ordinary global function there.
 *
 * exc_main also refers to exc_cb (as a bpf_loop() callback, on a branch
 * the verifier proves dead from .rodata), because libbpf before 1.3 appends
 * only the subprograms a program refers to, and the kernel needs the
 * callback among the program's functions (tests/kernel/loader.c links
 * Debian's libbpf 1.1). Calling it directly is refused ("cannot call
 * exception cb directly"), and a static callback is too ("exception
 * callback 'exc_cb' must have global linkage"), both measured on 6.18.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int exc_cb(__u64 cookie)
{
	return cookie ? XDP_DROP : XDP_PASS;
}

/* .rodata: the verifier knows it is 0 and never walks the branch below */
const volatile int exc_never = 0;

SEC("xdp")
__attribute__((btf_decl_tag("exception_callback:exc_cb")))
int exc_main(struct xdp_md *ctx)
{
	if (exc_never)
		bpf_loop(1, (void *)exc_cb, NULL, 0);
	return XDP_PASS;
}

SEC("freplace/exc_cb")
int ext_exc(__u64 cookie)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

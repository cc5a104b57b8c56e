// SPDX-License-Identifier: GPL-2.0
/*
 * Extending fentry/fexit programs.  The tracing programs trace the kernel's
 * bpf_fentry_test1() (net/bpf/test_run.c, always built in); each extension
 * names one of them as its target (attach_prog_fd = the tracing program,
 * function = its own name), with the same prototype.
 *
 *   target        prototype                       refusal of the extension
 *   fentry_prog   (unsigned long long *ctx), the   "Cannot replace static functions":
 *   fexit_prog    shape BPF_PROG() gives           the verifier finds the main
 *                                                  function's BTF unusable (the arg
 *                                                  is no ctx struct) and marks it
 *                                                  unreliable, a check that comes
 *                                                  before the fentry/fexit one
 *   fentry_void   (void): nothing to mismatch      6.1: "Cannot extend fentry/fexit";
 *   fexit_void                                     6.12: "Cannot replace static functions"
 *   fentry_vctx   (void *ctx)                      measured per kernel (freplace-records.md)
 *
 * bpf_check_attach_target() gives EINVAL in all cases.  The tracing
 * programs load on the VM kernels (the 6.18 host refuses every trampoline
 * program with EPERM); the extensions never load alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/bpf_fentry_test1")
int fentry_prog(unsigned long long *ctx)
{
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int fexit_prog(unsigned long long *ctx)
{
	return 0;
}

SEC("fentry/bpf_fentry_test1")
int fentry_void(void)
{
	return 0;
}

SEC("fexit/bpf_fentry_test1")
int fexit_void(void)
{
	return 0;
}

SEC("fentry/bpf_fentry_test1")
int fentry_vctx(void *ctx)
{
	return 0;
}

SEC("freplace/fentry_prog")
int ext_fentry(unsigned long long *ctx)
{
	return 0;
}

SEC("freplace/fexit_prog")
int ext_fexit(unsigned long long *ctx)
{
	return 0;
}

SEC("freplace/fentry_void")
int ext_fentry_void(void)
{	// expect: cannot-predict
	return 0;
}

SEC("freplace/fexit_void")
int ext_fexit_void(void)
{
	return 0;
}

SEC("freplace/fentry_vctx")
int ext_fentry_vctx(void *ctx)
{
	return 0;
}

char _license[] SEC("license") = "GPL";

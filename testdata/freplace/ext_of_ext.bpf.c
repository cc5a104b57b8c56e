// SPDX-License-Identifier: GPL-2.0
/*
 * An extension of an extension.  ext_pass replaces dispatcher.bpf.c's
 * acl_stub (and is the harmless extension the prog-array experiments attach
 * to make the dispatcher "extended"); ext_of_ext names ext_pass itself as
 * its target (attach_prog_fd = ext_pass, function ext_pass).
 * bpf_check_attach_target() refuses targets of the extension's own type:
 * "Cannot recursively attach" (EINVAL), whether ext_pass is attached or
 * not.  Neither program loads alone.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/acl_stub")
int ext_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("freplace/ext_pass")
int ext_of_ext(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";

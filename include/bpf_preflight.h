/* SPDX-License-Identifier: MIT */
/*
 * libbpf-preflight: the library's one public header. Front ends (the
 * command line in cli/, the fuzz target) include this and nothing else
 * of the library:
 *
 *   model     pf_object__open(): the ELF object as functions, programs,
 *             maps, calls and stack facts, immutable once open (model.h)
 *   kernels   profiles and their facts, built in or probed (profile.h,
 *             probe.h)
 *   analyses  verdicts per program and kernel, frames, the analysis set
 *             of a run (verdict.h, frame.h, linkset.h, analysis.h)
 *   rules     the catalogue and the findings (rule.h, finding.h)
 *   driver    every object, program and kernel into one collection of
 *             findings (driver.h)
 *   util      bounded allocation, reading a file whole (util.h)
 *
 * The layers include only downwards: util -> model -> analyses -> rules ->
 * driver (tests/t_layers.sh checks it).
 */
#ifndef PF_BPF_PREFLIGHT_H
#define PF_BPF_PREFLIGHT_H

#include "analysis.h"
#include "bpf_limits.h"
#include "driver.h"
#include "dwarf_vars.h"
#include "finding.h"
#include "frame.h"
#include "insn.h"
#include "linkset.h"
#include "model.h"
#include "probe.h"
#include "profile.h"
#include "rule.h"
#include "rule_ids.h"
#include "stack.h"
#include "util.h"
#include "verdict.h"

#endif /* PF_BPF_PREFLIGHT_H */

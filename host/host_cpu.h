/*
 * The engine's kernel level for hosted programs (tests, llm-run, benches):
 * the best the CPU offers (aarch64: NEON, plus SDOT where the auxiliary
 * vector says ASIMDDP, plus SMMLA where AT_HWCAP2 says I8MM), capped by the
 * environment variable LLM_OPS ("scalar", "neon", "dotprod" or "i8mm") to
 * compare levels.
 */
#ifndef HOST_HOST_CPU_H
#define HOST_HOST_CPU_H

#include "llm/kernels/ops.h"

/* Detects, applies LLM_OPS, calls ops_init and returns the level selected. */
ops_level_t host_ops_init(void);

#endif

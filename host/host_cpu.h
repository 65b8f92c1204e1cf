/*
 * The engine's start-up for hosted programs (tests, llm-run, benches): what
 * the CPU offers (aarch64: the auxiliary vector's HWCAP_ASIMD,
 * HWCAP_ASIMDDP, HWCAP2_I8MM; other hosts: nothing) handed to llm_init,
 * capped by the environment variable LLM_OPS ("scalar", "neon", "dotprod"
 * or "i8mm") to compare levels.
 */
#ifndef HOST_HOST_CPU_H
#define HOST_HOST_CPU_H

#include "llm/llm.h"

/* Detects, applies LLM_OPS, calls llm_init and returns the level selected. */
kern_level_t host_llm_init(void);

#endif

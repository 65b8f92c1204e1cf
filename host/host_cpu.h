/*
 * The engine's start-up for hosted programs (tests, llm-run, benches): what
 * the CPU offers (aarch64: the auxiliary vector's HWCAP_ASIMD,
 * HWCAP_ASIMDDP, HWCAP2_I8MM; other hosts: nothing) handed to llm_init,
 * capped by the environment variable LLM_OPS ("scalar", "neon", "dotprod"
 * or "i8mm") to compare levels; then, for tools, the tuner (LLM_TUNE).
 */
#ifndef HOST_HOST_CPU_H
#define HOST_HOST_CPU_H

#include "llm/llm.h"

/* Detects, applies LLM_OPS, calls llm_init and returns the level selected. */
kern_level_t host_llm_init(void);

/*
 * Tools: llm_tune (the fastest of each bit-identical kernel on this CPU)
 * unless LLM_TUNE=off; each pick on stderr ("TOOL: tuned: ...") when
 * verbose or LLM_TUNE=verbose. A failure is reported and the table left
 * as llm_init chose it.
 */
void host_llm_tune(const char *tool, bool verbose);

#endif

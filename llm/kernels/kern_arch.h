/*
 * What an architecture's SIMD twins give the kernel table (kernels.h): one
 * function, defined by exactly one file the build chooses
 * (llm/kernels/aarch64/kern_aarch64.c, or llm/kernels/none/kern_none.c for
 * builds without twins). Portable code never names an architecture file;
 * the selector (kernels.c) asks this function and falls back to the scalar
 * kernels for every slot the answer leaves NULL.
 */
#ifndef LLM_KERNELS_KERN_ARCH_H
#define LLM_KERNELS_KERN_ARCH_H

#include "llm/kernels/kernels.h"

/*
 * What level adds over the levels below it: a table whose non-NULL slots
 * replace the kernels of lower levels (kern_table_build applies the
 * levels from KERN_NEON up), or NULL if the build has nothing at that level
 * (always for KERN_SCALAR). The table is static and never changes.
 */
const kern_table_t *kern_arch_table(kern_level_t level);

#endif

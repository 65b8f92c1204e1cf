/*
 * The kernel table (the "ops" seam of DESIGN.md): which implementation of
 * the hot loops the engine runs. The scalar reference always exists; aarch64
 * builds add NEON (ARMv8.0) and SDOT (ARMv8.2 dotprod) twins that give the
 * same results bit for bit. The platform picks the level once, at start-up,
 * from what the CPU has (the kernel from its ID registers, hosted programs
 * from the auxiliary vector); nothing else changes it.
 */
#ifndef LLM_OPS_H
#define LLM_OPS_H

#include "llm/quant.h"

typedef enum ops_level {
    OPS_SCALAR,  /* portable C */
    OPS_NEON,    /* Advanced SIMD, ARMv8.0 */
    OPS_DOTPROD, /* plus SDOT, ARMv8.2 */
} ops_level_t;

/*
 * Selects the kernels of level, or of the best level below it that this
 * build has (the scalar one on other architectures); returns the level
 * selected. Call before any generation, from one thread. Until it is
 * called the scalar kernels run.
 */
ops_level_t ops_init(ops_level_t level);

ops_level_t ops_level(void);

/* "scalar", "neon", "dotprod". */
const char *ops_level_name(ops_level_t level);

/* The dot product of weight format f at the selected level (f->vec_dot where there is no SIMD twin). */
quant_vec_dot_fn ops_vec_dot(const quant_format_t *f);

#endif

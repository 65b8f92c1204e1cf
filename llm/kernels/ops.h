/*
 * The kernel table (the "ops" seam of DESIGN.md): which implementation of
 * the hot loops the engine runs. The scalar reference always exists; aarch64
 * builds add NEON (ARMv8.0), SDOT (ARMv8.2 dotprod) and SMMLA (ARMv8.6 i8mm)
 * twins. Integer work gives the same results bit for bit at every level;
 * where a float kernel differs from the scalar one, its header states the
 * bound. The platform picks the level once, at start-up, from what the CPU
 * has (the kernel from its ID registers, hosted programs from the auxiliary
 * vector); nothing else changes it.
 */
#ifndef LLM_KERNELS_OPS_H
#define LLM_KERNELS_OPS_H

#include <stddef.h>
#include <stdint.h>

#include "llm/quant/quant.h"

typedef enum ops_level {
    OPS_SCALAR,  /* portable C */
    OPS_NEON,    /* Advanced SIMD, ARMv8.0 */
    OPS_DOTPROD, /* plus SDOT, ARMv8.2 */
    OPS_I8MM,    /* plus SMMLA (int8 matrix multiply), ARMv8.6: used by prefill */
} ops_level_t;

#define OPS_LEVELS (OPS_I8MM + 1)

/*
 * Selects the kernels of level, or of the best level below it that this
 * build has (the scalar one on other architectures); returns the level
 * selected. Call before any generation, from one thread. Until it is
 * called the scalar kernels run.
 */
ops_level_t ops_init(ops_level_t level);

ops_level_t ops_level(void);

/* "scalar", "neon", "dotprod", "i8mm". */
const char *ops_level_name(ops_level_t level);

/* The dot product of weight format f at the selected level (f->vec_dot where there is no SIMD twin). */
quant_vec_dot_fn ops_vec_dot(const quant_format_t *f);

/* The quantizer of format f (an activation format: Q8_0, Q8_1, Q8_K, F16 ...) at the selected level. */
quant_quantize_fn ops_quantize(const quant_format_t *f);

/*
 * A tile of a matrix product: for r < 4 weight rows (w, w + w_stride, ...)
 * and t < n_act activation rows (act, act + act_stride, ...), all of n_cols
 * elements, out[t * out_stride + r] = the format's dot of weight row r and
 * activation row t, bit for bit what ops_vec_dot's function returns. The
 * activation rows are in the weight format's vec_dot_type or, where the
 * tile has a widen function, in the layout that function writes.
 */
typedef void (*ops_tile4_fn)(const uint8_t *w, size_t w_stride, const uint8_t *act, size_t act_stride,
                             uint32_t n_act, size_t n_cols, float *out, size_t out_stride);

/* Rewrites one quantized activation row of n_cols elements into a tile's own layout (wide_block_bytes per block). */
typedef void (*ops_widen_fn)(const uint8_t *act, uint8_t *wide, size_t n_cols);

typedef struct ops_tile {
    ops_tile4_fn run;
    ops_widen_fn widen;      /* NULL: run takes the quantized rows as they are */
    size_t wide_block_bytes; /* bytes widen writes per 32-element block */
} ops_tile_t;

/* The 4-row tile kernel of weight format f at the selected level; false if none (matmul then calls the dot). */
bool ops_tile4(const quant_format_t *f, ops_tile_t *out);

#endif

/*
 * NEON tile kernels of the matrix product (see kern_tile4_fn in llm/kernels/kernels.h):
 * four weight rows against a run of activation rows at once, so each
 * activation block is loaded once for four rows, each weight block once for
 * two tokens, and the per-block float work (scale products, accumulation)
 * runs on four lanes, one row or row/token pair per lane. Each lane does the
 * scalar dot's float operations in the scalar order, so the results equal
 * the scalar dots bit for bit. Levels: plain NEON (widening multiplies),
 * dotprod (SDOT), i8mm (SMMLA: 2 rows x 2 tokens x 8 bytes an instruction,
 * for runs of two or more tokens, i.e. prefill).
 */
#ifndef LLM_KERNELS_AARCH64_MATMUL_NEON_H
#define LLM_KERNELS_AARCH64_MATMUL_NEON_H

#include <stddef.h>
#include <stdint.h>

/* Bytes per 32-element block of the rows the widen functions write (Q8 codes as int16, and the scales). */
#define MATMUL_NEON_WIDE_BLOCK_BYTES 80

/* Tiles (kern_tile4_fn): the plain-NEON Q4_0/Q4_1 ones take rows widened by the matching widen function. */
#define MATMUL_TILE_ARGS                                                                                        \
    const uint8_t *w, size_t w_stride, const uint8_t *act, size_t act_stride, uint32_t n_act, size_t n_cols, \
        float *out, size_t out_stride
void matmul_tile_q4_0_neon(MATMUL_TILE_ARGS);
void matmul_tile_q4_1_neon(MATMUL_TILE_ARGS);
void matmul_tile_q8_0_neon(MATMUL_TILE_ARGS);
void matmul_tile_q4_0_dotprod(MATMUL_TILE_ARGS);
void matmul_tile_q4_1_dotprod(MATMUL_TILE_ARGS);
void matmul_tile_q8_0_dotprod(MATMUL_TILE_ARGS);
void matmul_tile_q4_0_i8mm(MATMUL_TILE_ARGS);
void matmul_tile_q4_1_i8mm(MATMUL_TILE_ARGS);
void matmul_tile_q8_0_i8mm(MATMUL_TILE_ARGS);

/* A Q8_0 (Q8_1) activation row of n_cols elements in the layout of the plain-NEON Q4_0 (Q4_1) tile (kern_widen_fn). */
void matmul_widen_q8_0_neon(const uint8_t *act, uint8_t *wide, size_t n_cols);
void matmul_widen_q8_1_neon(const uint8_t *act, uint8_t *wide, size_t n_cols);

#endif

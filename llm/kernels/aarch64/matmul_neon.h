/*
 * NEON tile kernels of the matrix product (see ops_tile4_fn in llm/ops.h):
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

#include "llm/kernels/ops.h"
#include "llm/quant/quant.h"

/* The tile kernel of weight type t (Q4_0, Q4_1, Q8_0) at level (OPS_NEON or above) in *out; false if none. */
bool matmul_neon_tile4(quant_type_t t, ops_level_t level, ops_tile_t *out);

#endif

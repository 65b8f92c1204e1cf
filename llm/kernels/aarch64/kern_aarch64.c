/*
 * The aarch64 twins in the kernel table (kern_arch.h): what each level adds
 * over the one below it. KERN_NEON (ARMv8.0 Advanced SIMD) has a twin for
 * every element-wise kernel, the block, IQ4 and float dots, the activation
 * quantizers, attention over F16/F32 caches and the Q4_0/Q4_1/Q8_0 tiles;
 * KERN_DOTPROD swaps in SDOT dots (Q4_0 ... Q8_0, Q2_K, IQ4), tiles and the
 * fast attention over Q8_0/Q4_0 caches (SDOT value sums, query heads
 * grouped by KV head);
 * KERN_I8MM the SMMLA tiles. The selector keeps a lower level's kernel (or
 * the scalar one) wherever a level says nothing. Functions of a level above
 * ARMv8.0 carry its target attribute; the table is asked only for levels
 * the CPU has.
 */
#include "llm/kernels/kern_arch.h"

#include "llm/kernels/aarch64/matmul_neon.h"
#include "llm/kernels/aarch64/quant_neon.h"
#include "llm/kernels/aarch64/quant_neon_act.h"
#include "llm/kernels/aarch64/quant_neon_float.h"
#include "llm/kernels/aarch64/quant_neon_iq4.h"
#include "llm/kernels/aarch64/quant_neon_kquant.h"
#include "llm/kernels/aarch64/vec_neon.h"

#define TILE(fn) { .run = (fn) }
#define WIDE_TILE(fn, widen_fn) { .run = (fn), .widen = (widen_fn), .wide_block_bytes = MATMUL_NEON_WIDE_BLOCK_BYTES }

static const kern_table_t neon = {
    .level = KERN_NEON,
    .formats = {
        [QUANT_F32] = { .vec_dot = quant_vec_dot_f32_neon, .attend = vec_attend_f32_neon,
                        .attend_fast = vec_attend_fast_f32_neon },
        [QUANT_F16] = { .vec_dot = quant_vec_dot_f16_neon, .quantize = quant_quantize_f16_neon,
                        .attend = vec_attend_f16_neon, .attend_fast = vec_attend_fast_f16_neon },
        [QUANT_BF16] = { .vec_dot = quant_vec_dot_bf16_neon },
        [QUANT_Q4_0] = { .vec_dot = quant_vec_dot_q4_0_q8_0_neon, .attend_fast = vec_attend_fast_q4_0_neon,
                         .tile = WIDE_TILE(matmul_tile_q4_0_neon, matmul_widen_q8_0_neon) },
        [QUANT_Q4_1] = { .vec_dot = quant_vec_dot_q4_1_q8_1_neon,
                         .tile = WIDE_TILE(matmul_tile_q4_1_neon, matmul_widen_q8_1_neon) },
        [QUANT_Q5_0] = { .vec_dot = quant_vec_dot_q5_0_q8_0_neon },
        [QUANT_Q5_1] = { .vec_dot = quant_vec_dot_q5_1_q8_1_neon },
        [QUANT_Q8_0] = { .vec_dot = quant_vec_dot_q8_0_q8_0_neon, .quantize = quant_quantize_q8_0_neon,
                         .attend_fast = vec_attend_fast_q8_0_neon, .tile = TILE(matmul_tile_q8_0_neon) },
        [QUANT_Q8_1] = { .quantize = quant_quantize_q8_1_neon },
        [QUANT_Q2_K] = { .vec_dot = quant_vec_dot_q2_k_q8_k_neon },
        [QUANT_Q3_K] = { .vec_dot = quant_vec_dot_q3_k_q8_k_neon },
        [QUANT_Q4_K] = { .vec_dot = quant_vec_dot_q4_k_q8_k_neon },
        [QUANT_Q5_K] = { .vec_dot = quant_vec_dot_q5_k_q8_k_neon },
        [QUANT_Q6_K] = { .vec_dot = quant_vec_dot_q6_k_q8_k_neon },
        [QUANT_Q8_K] = { .quantize = quant_quantize_q8_k_neon },
        [QUANT_IQ4_NL] = { .vec_dot = quant_vec_dot_iq4_nl_q8_0_neon },
        [QUANT_IQ4_XS] = { .vec_dot = quant_vec_dot_iq4_xs_q8_k_neon },
    },
    .rmsnorm = vec_rmsnorm_neon,
    .rope = vec_rope_neon,
    .rope_neox = vec_rope_neox_neon,
    .softmax = vec_softmax_neon,
    .swiglu = vec_swiglu_neon,
    .add = vec_add_neon,
};

/* Q3_K ... Q6_K keep their NEON dots: an exact SDOT kernel would cost more (quant_neon_kquant.h). */
static const kern_table_t dotprod = {
    .level = KERN_DOTPROD,
    .formats = {
        [QUANT_Q4_0] = { .vec_dot = quant_vec_dot_q4_0_q8_0_dotprod, .tile = TILE(matmul_tile_q4_0_dotprod),
                         .attend_fast = vec_attend_fast_q4_0_dotprod,
                         .attend_fast_group = vec_attend_fast_group_q4_0_dotprod },
        [QUANT_Q4_1] = { .vec_dot = quant_vec_dot_q4_1_q8_1_dotprod, .tile = TILE(matmul_tile_q4_1_dotprod) },
        [QUANT_Q5_0] = { .vec_dot = quant_vec_dot_q5_0_q8_0_dotprod },
        [QUANT_Q5_1] = { .vec_dot = quant_vec_dot_q5_1_q8_1_dotprod },
        [QUANT_Q8_0] = { .vec_dot = quant_vec_dot_q8_0_q8_0_dotprod, .tile = TILE(matmul_tile_q8_0_dotprod),
                         .attend_fast = vec_attend_fast_q8_0_dotprod,
                         .attend_fast_group = vec_attend_fast_group_q8_0_dotprod },
        [QUANT_Q2_K] = { .vec_dot = quant_vec_dot_q2_k_q8_k_dotprod },
        [QUANT_IQ4_NL] = { .vec_dot = quant_vec_dot_iq4_nl_q8_0_dotprod },
        [QUANT_IQ4_XS] = { .vec_dot = quant_vec_dot_iq4_xs_q8_k_dotprod },
    },
};

static const kern_table_t i8mm = {
    .level = KERN_I8MM,
    .formats = {
        [QUANT_Q4_0] = { .tile = TILE(matmul_tile_q4_0_i8mm) },
        [QUANT_Q4_1] = { .tile = TILE(matmul_tile_q4_1_i8mm) },
        [QUANT_Q8_0] = { .tile = TILE(matmul_tile_q8_0_i8mm) },
    },
};

const kern_table_t *kern_arch_table(kern_level_t level)
{
    switch (level) {
    case KERN_NEON: return &neon;
    case KERN_DOTPROD: return &dotprod;
    case KERN_I8MM: return &i8mm;
    default: return 0;
    }
}

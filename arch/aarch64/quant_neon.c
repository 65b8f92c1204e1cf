/*
 * NEON block dot products (see quant_neon.h). A block's 32 products are
 * summed in integer lanes (widening multiplies and pairwise adds, or SDOT),
 * which is exact; the block's scale products are then added to one float
 * total block after block, in the scalar code's order and grouping, so the
 * results equal the scalar ones bit for bit. Blocks are read with byte
 * loads: they sit at any address.
 */
#include "arch/aarch64/quant_neon.h"

#include "arch/aarch64/neon_common.h"
#include "llm/quant.h"

#define QK QUANT_QK
#define Q4_0_BYTES 18 /* fp16 d, 16 bytes of nibbles */
#define Q4_1_BYTES 20 /* fp16 d, fp16 m, 16 bytes of nibbles */
#define Q8_0_BYTES 34 /* fp16 d, 32 int8 */
#define Q8_1_BYTES 36 /* fp16 d, fp16 s, 32 int8 */

/* The integer dot of one block pair, both halves given as 16-lane vectors. */
#define BLOCK_ISUM(mla, x0, x1, y0, y1) vaddvq_s32(mla(mla(vdupq_n_s32(0), (x0), (y0)), (x1), (y1)))

/*
 * The row loops; MLA is mla16 or sdot16. Nibble formats: weight blocks of
 * X_BYTES with their quants at X_QS, activation blocks of Y_BYTES with
 * theirs at Y_QS, and BLOCK_SUM the scalar code's float expression of sumi.
 */
#define DOT_NIBBLES(MLA, X_BYTES, X_QS, BIAS, Y_BYTES, Y_QS, BLOCK_SUM)              \
    const uint8_t *x = w, *y = act;                                                   \
    float sum = 0.0f;                                                                 \
    for (size_t i = 0; i < n / QK; i++, x += (X_BYTES), y += (Y_BYTES)) {             \
        int8x16_t lo, hi;                                                             \
        nibbles(x + (X_QS), (BIAS), &lo, &hi);                                        \
        const int8_t *q = (const int8_t *)y + (Y_QS);                                 \
        int32_t sumi = BLOCK_ISUM(MLA, lo, hi, vld1q_s8(q), vld1q_s8(q + 16));        \
        sum += (BLOCK_SUM);                                                           \
    }                                                                                 \
    return sum

#define DOT_Q4_0(MLA) DOT_NIBBLES(MLA, Q4_0_BYTES, 2, 8, Q8_0_BYTES, 2, (float)sumi * ld_fp16(x) * ld_fp16(y))
#define DOT_Q4_1(MLA)                                                                 \
    DOT_NIBBLES(MLA, Q4_1_BYTES, 4, 0, Q8_1_BYTES, 4,                                 \
                (ld_fp16(x) * ld_fp16(y)) * (float)sumi + ld_fp16(x + 2) * ld_fp16(y + 2))

#define DOT_Q8_0(MLA)                                                                 \
    const uint8_t *x = w, *y = act;                                                   \
    float sum = 0.0f;                                                                 \
    for (size_t i = 0; i < n / QK; i++, x += Q8_0_BYTES, y += Q8_0_BYTES) {           \
        const int8_t *a = (const int8_t *)x + 2, *b = (const int8_t *)y + 2;          \
        int32_t sumi = BLOCK_ISUM(MLA, vld1q_s8(a), vld1q_s8(a + 16), vld1q_s8(b),    \
                                  vld1q_s8(b + 16));                                  \
        sum += (ld_fp16(x) * ld_fp16(y)) * (float)sumi;                               \
    }                                                                                 \
    return sum

float quant_vec_dot_q4_0_q8_0_neon(const void *w, const void *act, size_t n) { DOT_Q4_0(mla16); }
float quant_vec_dot_q4_1_q8_1_neon(const void *w, const void *act, size_t n) { DOT_Q4_1(mla16); }
float quant_vec_dot_q8_0_q8_0_neon(const void *w, const void *act, size_t n) { DOT_Q8_0(mla16); }

NEON_DOTPROD float quant_vec_dot_q4_0_q8_0_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q4_0(sdot16);
}

NEON_DOTPROD float quant_vec_dot_q4_1_q8_1_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q4_1(sdot16);
}

NEON_DOTPROD float quant_vec_dot_q8_0_q8_0_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q8_0(sdot16);
}

quant_vec_dot_fn quant_neon_vec_dot(quant_type_t t, ops_level_t level)
{
    bool sdot = level >= OPS_DOTPROD;
    switch (t) {
    case QUANT_Q4_0: return sdot ? quant_vec_dot_q4_0_q8_0_dotprod : quant_vec_dot_q4_0_q8_0_neon;
    case QUANT_Q4_1: return sdot ? quant_vec_dot_q4_1_q8_1_dotprod : quant_vec_dot_q4_1_q8_1_neon;
    case QUANT_Q8_0: return sdot ? quant_vec_dot_q8_0_q8_0_dotprod : quant_vec_dot_q8_0_q8_0_neon;
    default: return NULL;
    }
}

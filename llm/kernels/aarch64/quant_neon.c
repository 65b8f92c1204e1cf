/*
 * NEON block dot products (see quant_neon.h). A block's 32 products are
 * summed in integer lanes (widening multiplies and pairwise adds, or SDOT),
 * which is exact; the block's scale products are then added to one float
 * total block after block, in the scalar code's order and grouping, so the
 * results equal the scalar ones bit for bit. Blocks are read with byte
 * loads: they sit at any address.
 */
#include "llm/kernels/aarch64/quant_neon.h"

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/kernels/aarch64/quant_neon_float.h"
#include "llm/quant/blocks.h"

#define QK QUANT_QK

/* The integer dot of one block pair, both halves given as 16-lane vectors. */
#define BLOCK_ISUM(mla, x0, x1, y0, y1) vaddvq_s32(mla(mla(vdupq_n_s32(0), (x0), (y0)), (x1), (y1)))

/*
 * 16 at lane j where element 8 k + j of a Q5 block has its fifth bit set,
 * for the two bytes of qh at p (bit i of byte k is element 8 k + i): each
 * byte broadcast to 8 lanes by a byte load, then tested against 1 << (j % 8).
 */
static inline int8x16_t fifth_bits(const uint8_t *p)
{
    static const uint8_t bit[16] = { 1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128 };
    uint8x16_t b = vcombine_u8(vld1_dup_u8(p), vld1_dup_u8(p + 1));
    return vreinterpretq_s8_u8(vandq_u8(vtstq_u8(b, vld1q_u8(bit)), vdupq_n_u8(16)));
}

/*
 * A nibble block's 32 codes less BIAS as int8, elements 0-15 in lo and
 * 16-31 in hi; qh is the offset of the fifth bits, 0 for 4-bit formats.
 * (nibble - bias) + 16 bit wraps in uint8 to the right int8, -16..31.
 */
static inline __attribute__((always_inline)) void codes(const uint8_t *blk, size_t qs, size_t qh, uint8_t bias,
                                                       int8x16_t *lo, int8x16_t *hi)
{
    nibbles(blk + qs, bias, lo, hi);
    if (qh) {
        *lo = vaddq_s8(*lo, fifth_bits(blk + qh));
        *hi = vaddq_s8(*hi, fifth_bits(blk + qh + 2));
    }
}

/*
 * The scalar code's float expression of a block's sumi, x and y the blocks:
 * Q4_0 multiplies left to right, Q5_0 and Q8_0 scale (dx * dy) * sumi, Q4_1
 * and Q5_1 add m_x * s_y to that.
 */
#define SUM_Q4_0 ((float)sumi * ld_fp16(x) * ld_fp16(y))
#define SUM_SCALED ((ld_fp16(x) * ld_fp16(y)) * (float)sumi)
#define SUM_AFFINE (SUM_SCALED + ld_fp16(x + offsetof(block_q4_1, m)) * ld_fp16(y + offsetof(block_q8_1, s)))
_Static_assert(offsetof(block_q4_1, m) == offsetof(block_q5_1, m), "one m offset");

/*
 * The row loops; MLA is mla16 or sdot16. Nibble formats: weight blocks of
 * X_BYTES with their quants at X_QS and fifth bits at X_QH (0: none),
 * activation blocks of Y_BYTES with theirs at Y_QS, and BLOCK_SUM one of the
 * SUM_ expressions above.
 */
#define DOT_NIBBLES(MLA, X, X_QH, BIAS, Y, BLOCK_SUM)                                 \
    const uint8_t *x = w, *y = act;                                                   \
    float sum = 0.0f;                                                                 \
    for (size_t i = 0; i < n / QK; i++, x += sizeof(X), y += sizeof(Y)) {             \
        int8x16_t lo, hi;                                                             \
        codes(x, offsetof(X, qs), (X_QH), (BIAS), &lo, &hi);                          \
        const int8_t *q = (const int8_t *)y + offsetof(Y, qs);                        \
        int32_t sumi = BLOCK_ISUM(MLA, lo, hi, vld1q_s8(q), vld1q_s8(q + 16));        \
        sum += (BLOCK_SUM);                                                           \
    }                                                                                 \
    return sum

#define DOT_Q4_0(MLA) DOT_NIBBLES(MLA, block_q4_0, 0, 8, block_q8_0, SUM_Q4_0)
#define DOT_Q4_1(MLA) DOT_NIBBLES(MLA, block_q4_1, 0, 0, block_q8_1, SUM_AFFINE)
#define DOT_Q5_0(MLA) DOT_NIBBLES(MLA, block_q5_0, offsetof(block_q5_0, qh), 16, block_q8_0, SUM_SCALED)
#define DOT_Q5_1(MLA) DOT_NIBBLES(MLA, block_q5_1, offsetof(block_q5_1, qh), 0, block_q8_1, SUM_AFFINE)

#define DOT_Q8_0(MLA)                                                                 \
    const uint8_t *x = w, *y = act;                                                   \
    float sum = 0.0f;                                                                 \
    for (size_t i = 0; i < n / QK; i++, x += sizeof(block_q8_0), y += sizeof(block_q8_0)) { \
        const int8_t *a = (const int8_t *)x + offsetof(block_q8_0, qs);              \
        const int8_t *b = (const int8_t *)y + offsetof(block_q8_0, qs);              \
        int32_t sumi = BLOCK_ISUM(MLA, vld1q_s8(a), vld1q_s8(a + 16), vld1q_s8(b),    \
                                  vld1q_s8(b + 16));                                  \
        sum += SUM_SCALED;                                                            \
    }                                                                                 \
    return sum

float quant_vec_dot_q4_0_q8_0_neon(const void *w, const void *act, size_t n) { DOT_Q4_0(mla16); }
float quant_vec_dot_q4_1_q8_1_neon(const void *w, const void *act, size_t n) { DOT_Q4_1(mla16); }
float quant_vec_dot_q5_0_q8_0_neon(const void *w, const void *act, size_t n) { DOT_Q5_0(mla16); }
float quant_vec_dot_q5_1_q8_1_neon(const void *w, const void *act, size_t n) { DOT_Q5_1(mla16); }
float quant_vec_dot_q8_0_q8_0_neon(const void *w, const void *act, size_t n) { DOT_Q8_0(mla16); }

NEON_DOTPROD float quant_vec_dot_q4_0_q8_0_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q4_0(sdot16);
}

NEON_DOTPROD float quant_vec_dot_q4_1_q8_1_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q4_1(sdot16);
}

NEON_DOTPROD float quant_vec_dot_q5_0_q8_0_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q5_0(sdot16);
}

NEON_DOTPROD float quant_vec_dot_q5_1_q8_1_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q5_1(sdot16);
}

NEON_DOTPROD float quant_vec_dot_q8_0_q8_0_dotprod(const void *w, const void *act, size_t n)
{
    DOT_Q8_0(sdot16);
}

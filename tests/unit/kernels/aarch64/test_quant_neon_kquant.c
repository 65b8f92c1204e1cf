/*
 * The NEON K-quant kernels (llm/kernels/aarch64/quant_neon_kquant.c, and
 * IQ4_XS's of quant_neon_iq4.c) against their scalar twins, bit for bit:
 * the Q2_K ... Q6_K and IQ4_XS x Q8_K dots on random and
 * adversarial super-blocks (fp16 scales of every magnitude, subnormal, zero
 * and max; constant quant and scale bytes, the extreme integer lanes; Q8_K
 * rows with -128/127 codes, random or consistent bsums, or made by the
 * scalar quantizer), 1 to 12 super-blocks at odd addresses; and the Q8_K
 * quantizer on random rows of every magnitude, zero rows, one huge value,
 * ties at .5, maxima of both signs and non-finite values. The dotprod level
 * runs only where the CPU has SDOT. On other architectures the suite is empty.
 */
#include "tests/unit/suites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/kernels/aarch64/quant_neon_kquant.h"
#include "llm/kernels/kernels.h"
#include "tests/unit/kernels/aarch64/cpu_has.h"
#include "llm/support/bits.h"
#include "llm/quant/quant.h"

#define QK_K QUANT_QK_K
#define MAX_BLOCKS 12
#define Q8K_BYTES 292
#define Q8K_BSUMS 260
#define MAX_W_BYTES 210

/* A weight format: where its scale bytes and fp16 fields sit in a block. */
typedef struct kfmt {
    const char *name;
    quant_type_t type;
    size_t bytes;
    size_t scales_at, scales_len;
    int d_at, dmin_at; /* dmin_at < 0: no mins */
    quant_vec_dot_fn scalar;
} kfmt_t;

static const kfmt_t FORMATS[] = {
    { "q2_k", QUANT_Q2_K, 84, 0, 16, 80, 82, quant_vec_dot_q2_k_q8_k },
    { "q3_k", QUANT_Q3_K, 110, 96, 12, 108, -1, quant_vec_dot_q3_k_q8_k },
    { "q4_k", QUANT_Q4_K, 144, 4, 12, 0, 2, quant_vec_dot_q4_k_q8_k },
    { "q5_k", QUANT_Q5_K, 176, 4, 12, 0, 2, quant_vec_dot_q5_k_q8_k },
    { "q6_k", QUANT_Q6_K, 210, 192, 16, 208, -1, quant_vec_dot_q6_k_q8_k },
    { "iq4_xs", QUANT_IQ4_XS, 136, 2, 6, 0, -1, quant_vec_dot_iq4_xs_q8_k },
};
#define N_FORMATS (sizeof FORMATS / sizeof FORMATS[0])

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* A uniform float in [-1, 1). */
static float unit(void)
{
    return (float)(int32_t)(next() & 0xffffff) / 8388608.0f - 1.0f;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int k = 0; k < 4; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* fp16 bits: random finite of any magnitude (subnormals and zero included) or, rarely, an extreme. */
static uint16_t fp16_any(void)
{
    static const uint16_t extremes[] = { 0x7bff, 0xfbff, 0x0001, 0x8001, 0x0000, 0x8000, 0x03ff, 0x0400, 0x3c00 };
    if (next() % 8 == 0)
        return extremes[next() % (sizeof extremes / sizeof extremes[0])];
    return (uint16_t)((next() % 0x7c00) | (next() & 0x8000));
}

/*
 * Weight fills: kind 0 random bytes; kinds 1 ... 16 every byte of the
 * quants q and of the scales s constant, (q, s) from {00, ff, 80, 7f}^2
 * (q = 00 with s = 80 is Q6_K's largest lane, -32 * -128 per product).
 */
#define W_KINDS 17
static const uint8_t CONST_BYTES[4] = { 0x00, 0xff, 0x80, 0x7f };

static void fill_w(const kfmt_t *f, uint8_t *p, size_t blocks, int kind)
{
    for (size_t b = 0; b < blocks; b++, p += f->bytes) {
        for (size_t i = 0; i < f->bytes; i++) {
            bool scale = i >= f->scales_at && i < f->scales_at + f->scales_len;
            p[i] = kind == 0 ? (uint8_t)next() : CONST_BYTES[scale ? (kind - 1) % 4 : (kind - 1) / 4];
        }
        put16(p + f->d_at, fp16_any());
        if (f->dmin_at >= 0)
            put16(p + f->dmin_at, fp16_any());
    }
}

/* f32 bits for Q8_K's d: mostly a plausible magnitude (2^-30 ... 2^9), sometimes an extreme. */
static uint32_t f32_d(void)
{
    static const uint32_t extremes[] = { 0x7f7fffff, 0xff7fffff, 0x00000001, 0x00800000, 0, 0x80000000, 0x3f800000 };
    if (next() % 8 == 0)
        return extremes[next() % (sizeof extremes / sizeof extremes[0])];
    return (next() & 0x80000000u) | ((97u + next() % 40) << 23) | (next() & 0x7fffff);
}

/* Q8_K fills: random codes with random bsums, random codes with their bsums, all -128, all 127, quantized. */
enum { A_RANDOM, A_CONSISTENT, A_MIN, A_MAX, A_QUANTIZED, A_KINDS };

static void fill_act(uint8_t *p, size_t blocks, int kind)
{
    if (kind == A_QUANTIZED) {
        static float row[MAX_BLOCKS * QK_K];
        float scale = f32_from_bits((100u + next() % 50) << 23);
        for (size_t j = 0; j < blocks * QK_K; j++)
            row[j] = unit() * scale;
        quant_quantize_q8_k(row, p, blocks * QK_K);
        return;
    }
    for (size_t b = 0; b < blocks; b++, p += Q8K_BYTES) {
        put32(p, f32_d());
        for (int j = 0; j < QK_K; j++)
            p[4 + j] = kind == A_MIN ? 0x80 : kind == A_MAX ? 0x7f : (uint8_t)next();
        for (int g = 0; g < QK_K / 16; g++) {
            int sum = 0;
            for (int l = 0; l < 16; l++)
                sum += (int8_t)p[4 + 16 * g + l];
            put16(p + Q8K_BSUMS + 2 * g, kind == A_RANDOM ? (uint16_t)next() : (uint16_t)(int16_t)sum);
        }
    }
}

static bool same(float a, float b)
{
    return f32_to_bits(a) == f32_to_bits(b) || (a != a && b != b);
}

/* The K-quant dot of type t in the table of level. */
static quant_vec_dot_fn kquant_dot(quant_type_t t, kern_level_t level)
{
    kern_table_t table;
    kern_table_build(level, &table);
    return table.formats[t].vec_dot;
}

static void check_dots(kern_level_t level)
{
    static uint8_t w[MAX_BLOCKS * MAX_W_BYTES + 4], act[MAX_BLOCKS * Q8K_BYTES + 4];
    int bad = 0, runs = 0, finite = 0;
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        const kfmt_t *f = &FORMATS[fi];
        quant_vec_dot_fn simd = kquant_dot(f->type, level);
        CU_ASSERT_PTR_NOT_NULL_FATAL(simd);
        for (size_t blocks = 1; blocks <= MAX_BLOCKS; blocks++) {
            for (int wk = 0; wk < W_KINDS; wk++) {
                for (int ak = 0; ak < A_KINDS; ak++) {
                    for (int rep = 0; rep < (wk == 0 ? 4 : 1); rep++, runs++) {
                        uint8_t *wp = w + runs % 4, *ap = act + (runs / 4) % 4; /* blocks sit anywhere */
                        fill_w(f, wp, blocks, wk);
                        fill_act(ap, blocks, ak);
                        float want = f->scalar(wp, ap, blocks * QK_K), got = simd(wp, ap, blocks * QK_K);
                        finite += want - want == 0 && want != 0; /* finite, not zero */
                        if (!same(want, got) && bad++ < 5)
                            fprintf(stderr, "\n  %s %s: %zu blocks, weights %d, act %d: %a, scalar %a", f->name,
                                    kern_level_name(level), blocks, wk, ak, got, want);
                    }
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs > 5000);
    CU_ASSERT(finite > runs / 2); /* most comparisons are of ordinary numbers, not inf or NaN */
}

static void test_table(void)
{
    kern_table_t t[KERN_LEVELS];
    for (unsigned l = 0; l < KERN_LEVELS; l++)
        kern_table_build((kern_level_t)l, &t[l]);
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        quant_type_t ty = FORMATS[fi].type;
        CU_ASSERT_PTR_EQUAL(t[KERN_SCALAR].formats[ty].vec_dot, FORMATS[fi].scalar);
        CU_ASSERT(t[KERN_NEON].formats[ty].vec_dot != FORMATS[fi].scalar);
        CU_ASSERT_PTR_EQUAL(t[KERN_I8MM].formats[ty].vec_dot, t[KERN_DOTPROD].formats[ty].vec_dot);
        CU_ASSERT_PTR_NULL(t[KERN_NEON].formats[ty].quantize); /* never written by the engine */
        CU_ASSERT_PTR_NULL(t[KERN_NEON].formats[ty].tile.run);
    }
    CU_ASSERT_PTR_EQUAL(t[KERN_NEON].formats[QUANT_Q2_K].vec_dot, quant_vec_dot_q2_k_q8_k_neon);
    CU_ASSERT_PTR_EQUAL(t[KERN_DOTPROD].formats[QUANT_Q2_K].vec_dot, quant_vec_dot_q2_k_q8_k_dotprod);
    CU_ASSERT_PTR_EQUAL(t[KERN_DOTPROD].formats[QUANT_Q6_K].vec_dot, quant_vec_dot_q6_k_q8_k_neon);
    for (unsigned l = KERN_NEON; l < KERN_LEVELS; l++)
        CU_ASSERT_PTR_EQUAL(t[l].formats[QUANT_Q8_K].quantize, quant_quantize_q8_k_neon);
    CU_ASSERT_PTR_EQUAL(t[KERN_SCALAR].formats[QUANT_Q8_K].quantize, quant_quantize_q8_k);
    CU_ASSERT_PTR_NULL(t[KERN_I8MM].formats[QUANT_Q8_K].vec_dot);
}

static void test_neon_dots_equal_scalar(void)
{
    check_dots(KERN_NEON);
}

static void test_dotprod_dots_equal_scalar(void)
{
    if (!has_dotprod()) {
        fprintf(stderr, "(no SDOT on this CPU: dotprod level not run) ");
        return;
    }
    check_dots(KERN_DOTPROD);
}

/* ---------------------------------------------------------- Q8_K quantizer */

enum {
    R_RANDOM,   /* uniform times a random power of two, 2^-126 ... 2^100 */
    R_ZERO,     /* +0 and -0 */
    R_HUGE,     /* small values and one huge one (up to FLT_MAX) */
    R_TIES,     /* max +-127 or +-254: iscale +-1 or +-0.5, so many products end in .5 */
    R_SIGNS,    /* the largest magnitude twice, with both signs, in either order */
    R_SUBNORMAL, /* subnormals only */
    R_NONFINITE, /* random with inf, -inf or NaN mixed in */
    R_KINDS
};

static void fill_row(float *x, size_t n, int kind)
{
    float scale = f32_from_bits((1u + next() % 227) << 23);
    for (size_t j = 0; j < n; j++) {
        switch (kind) {
        case R_ZERO: x[j] = (next() & 1) ? -0.0f : 0.0f; break;
        case R_HUGE: x[j] = unit(); break;
        case R_TIES: x[j] = (float)((int)(next() % 253) - 126) + ((next() & 1) ? 0.5f : 0.0f); break;
        case R_SUBNORMAL: x[j] = f32_from_bits((next() & 0x80000000u) | (next() & 0x7fffff)); break;
        default: x[j] = unit() * scale; break;
        }
    }
    for (size_t b = 0; b < n / QK_K; b++) {
        float *blk = x + b * QK_K;
        size_t a = next() % QK_K, c = next() % QK_K;
        switch (kind) {
        case R_HUGE: {
            static const uint32_t huge[] = { 0x7f7fffff, 0xff7fffff, 0x7149f2ca /* 1e30 */, 0x4e6e6b28 /* 1e9 */ };
            blk[a] = f32_from_bits(huge[next() % 4]);
            break;
        }
        case R_TIES: {
            static const float maxima[] = { 127.0f, -127.0f, 254.0f, -254.0f };
            float m = maxima[next() % 4];
            if (m == 254.0f || m == -254.0f) /* iscale -+0.5: odd integers give the ties */
                for (int j = 0; j < QK_K; j++)
                    blk[j] = (float)((int)(next() % 507) - 253);
            blk[a] = m;
            break;
        }
        case R_SIGNS: {
            float m = 0.0f;
            for (int j = 0; j < QK_K; j++)
                m = blk[j] < 0 ? (-blk[j] > m ? -blk[j] : m) : (blk[j] > m ? blk[j] : m);
            blk[a] = m * 1.5f;
            blk[c] = -m * 1.5f;
            break;
        }
        case R_NONFINITE: {
            static const uint32_t nf[] = { 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001 };
            blk[a] = f32_from_bits(nf[next() % 5]);
            if (next() & 1)
                blk[c] = f32_from_bits(nf[next() % 5]);
            break;
        }
        default: break;
        }
    }
}

static void test_quantize_q8_k_equals_scalar(void)
{
    static float row[MAX_BLOCKS * QK_K];
    static uint8_t want[MAX_BLOCKS * Q8K_BYTES + 4], got[MAX_BLOCKS * Q8K_BYTES + 4];
    int bad = 0, runs = 0;
    for (size_t blocks = 1; blocks <= MAX_BLOCKS; blocks++) {
        for (int kind = 0; kind < R_KINDS; kind++) {
            for (int rep = 0; rep < 6; rep++, runs++) {
                size_t n = blocks * QK_K, bytes = blocks * Q8K_BYTES, off = (size_t)runs % 4;
                fill_row(row, n, kind);
                memset(want, 0xa5, sizeof want);
                memset(got, 0xa5, sizeof got);
                quant_quantize_q8_k(row, want + off, n);
                quant_quantize_q8_k_neon(row, got + off, n);
                if (memcmp(want, got, sizeof want) != 0 && bad++ < 5) {
                    size_t k = 0;
                    while (want[off + k] == got[off + k])
                        k++;
                    fprintf(stderr, "\n  q8_k quantize: %zu blocks, kind %d: first difference at byte %zu of %zu",
                            blocks, kind, k, bytes);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs > 500);
}

/* The two kernels together: a NEON-quantized activation row dotted by each NEON dot equals the scalar pipeline. */
static void test_quantize_then_dot(void)
{
    static float row[MAX_BLOCKS * QK_K];
    static uint8_t w[MAX_BLOCKS * MAX_W_BYTES], a_scalar[MAX_BLOCKS * Q8K_BYTES], a_neon[MAX_BLOCKS * Q8K_BYTES];
    int bad = 0;
    kern_level_t level = has_dotprod() ? KERN_DOTPROD : KERN_NEON;
    for (size_t fi = 0; fi < N_FORMATS; fi++) {
        const kfmt_t *f = &FORMATS[fi];
        for (int rep = 0; rep < 20; rep++) {
            size_t blocks = 1 + (size_t)rep % MAX_BLOCKS, n = blocks * QK_K;
            fill_row(row, n, R_RANDOM);
            fill_w(f, w, blocks, 0);
            quant_quantize_q8_k(row, a_scalar, n);
            quant_quantize_q8_k_neon(row, a_neon, n);
            float want = f->scalar(w, a_scalar, n), got = kquant_dot(f->type, level)(w, a_neon, n);
            if (!same(want, got) && bad++ < 5)
                fprintf(stderr, "\n  %s quantize then dot: %a, scalar %a", f->name, got, want);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

TEST_REGISTER(test_quant_neon_kquant_register)
{
    CU_pSuite s = test_suite("quant_neon_kquant");
    TEST_ADD(s, test_table);
    TEST_ADD(s, test_neon_dots_equal_scalar);
    TEST_ADD(s, test_dotprod_dots_equal_scalar);
    TEST_ADD(s, test_quantize_q8_k_equals_scalar);
    TEST_ADD(s, test_quantize_then_dot);
}

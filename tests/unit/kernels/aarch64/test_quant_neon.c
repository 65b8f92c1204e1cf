/*
 * The NEON dot products (llm/kernels/aarch64/quant_neon.c) against their scalar
 * twins, bit for bit, on random and adversarial blocks: extreme codes
 * (-128 everywhere, all fifth bits set or clear), zero blocks, huge, tiny
 * and subnormal scales, rows of 1 to 130 blocks at odd addresses. The F32,
 * F16 and BF16 dots (quant_neon_float.c) against the interval their header
 * proves, on rows of every length 1 to 300 of random and adversarial values
 * (huge, tiny, subnormal, zero, infinite and NaN elements, cancellation).
 * And which function the kernel table hands out per type and level. The
 * dotprod level runs only where the CPU has SDOT (`make test` runs the
 * suite under qemu-aarch64 with -cpu cortex-a72 and max). On other
 * architectures the suite is empty.
 */
#include "tests/unit/suites.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/kernels/aarch64/quant_neon.h"
#include "llm/kernels/aarch64/quant_neon_float.h"
#include "llm/kernels/aarch64/quant_neon_iq4.h"
#include "llm/support/bits.h"
#include "llm/kernels/kernels.h"
#include "tests/unit/kernels/aarch64/cpu_has.h"
#include "llm/quant/quant.h"

#define MAX_BLOCKS 130

typedef float (*dot_fn)(const void *w, const void *act, size_t n);

typedef struct pair {
    const char *name;
    quant_type_t w, act;
    size_t scale_fields; /* fp16 fields at the start of each weight and activation block */
    dot_fn scalar, neon, dotprod;
} pair_t;

static const pair_t PAIRS[] = {
    { "q4_0 x q8_0", QUANT_Q4_0, QUANT_Q8_0, 1, quant_vec_dot_q4_0_q8_0, quant_vec_dot_q4_0_q8_0_neon,
      quant_vec_dot_q4_0_q8_0_dotprod },
    { "q4_1 x q8_1", QUANT_Q4_1, QUANT_Q8_1, 2, quant_vec_dot_q4_1_q8_1, quant_vec_dot_q4_1_q8_1_neon,
      quant_vec_dot_q4_1_q8_1_dotprod },
    { "q5_0 x q8_0", QUANT_Q5_0, QUANT_Q8_0, 1, quant_vec_dot_q5_0_q8_0, quant_vec_dot_q5_0_q8_0_neon,
      quant_vec_dot_q5_0_q8_0_dotprod },
    { "q5_1 x q8_1", QUANT_Q5_1, QUANT_Q8_1, 2, quant_vec_dot_q5_1_q8_1, quant_vec_dot_q5_1_q8_1_neon,
      quant_vec_dot_q5_1_q8_1_dotprod },
    { "q8_0 x q8_0", QUANT_Q8_0, QUANT_Q8_0, 1, quant_vec_dot_q8_0_q8_0, quant_vec_dot_q8_0_q8_0_neon,
      quant_vec_dot_q8_0_q8_0_dotprod },
    { "iq4_nl x q8_0", QUANT_IQ4_NL, QUANT_Q8_0, 1, quant_vec_dot_iq4_nl_q8_0, quant_vec_dot_iq4_nl_q8_0_neon,
      quant_vec_dot_iq4_nl_q8_0_dotprod },
};

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* Every byte after the scales: random, 0x80, 0x7f, 0 or 0xff (Q5: every fifth bit clear, or set with code 31). */
typedef enum fill { FILL_RANDOM, FILL_MIN, FILL_MAX, FILL_ZERO, FILL_ONES } fill_t;

/* Weight and activation fills run together: -128 activation codes against every extreme weight code. */
static const fill_t FILLS[][2] = {
    { FILL_RANDOM, FILL_RANDOM }, { FILL_MIN, FILL_MIN }, { FILL_MAX, FILL_MIN },
    { FILL_ZERO, FILL_ZERO },     { FILL_ZERO, FILL_MIN }, { FILL_ONES, FILL_MIN },
};

/* Block bytes by kind; the fp16 scale fields get random finite values of every magnitude (or extremes). */
static void fill_blocks(uint8_t *p, size_t n_blocks, size_t block_bytes, size_t scale_fields, fill_t kind)
{
    static const uint8_t byte_of[] = { [FILL_MIN] = 0x80, [FILL_MAX] = 0x7f, [FILL_ZERO] = 0, [FILL_ONES] = 0xff };
    for (size_t b = 0; b < n_blocks; b++, p += block_bytes) {
        for (size_t i = 0; i < block_bytes; i++)
            p[i] = kind == FILL_RANDOM ? (uint8_t)next() : byte_of[kind];
        for (size_t f = 0; f < scale_fields; f++) {
            static const uint16_t extremes[] = { 0x7bff, 0xfbff, 0x0001, 0x8001, 0x0000, 0x3c00 };
            uint16_t h = kind == FILL_RANDOM ? (uint16_t)(next() % 0x7c00) | (uint16_t)(next() & 0x8000)
                                             : extremes[(b + f) % 6];
            p[2 * f] = (uint8_t)h;
            p[2 * f + 1] = (uint8_t)(h >> 8);
        }
    }
}

static bool same(float a, float b)
{
    return f32_to_bits(a) == f32_to_bits(b) || (a != a && b != b);
}

static void check_level(bool dotprod)
{
    static uint8_t w[MAX_BLOCKS * 40 + 3], act[MAX_BLOCKS * 40 + 3];
    int bad = 0, runs = 0;
    for (size_t p = 0; p < sizeof PAIRS / sizeof PAIRS[0]; p++) {
        const pair_t *pr = &PAIRS[p];
        const quant_format_t *fw, *fa;
        CU_ASSERT_EQUAL_FATAL(quant_lookup(pr->w, &fw, NULL), ERR_OK);
        CU_ASSERT_EQUAL_FATAL(quant_lookup(pr->act, &fa, NULL), ERR_OK);
        dot_fn simd = dotprod ? pr->dotprod : pr->neon;
        for (size_t blocks = 1; blocks <= MAX_BLOCKS; blocks += blocks < 8 ? 1 : 17) {
            for (size_t kind = 0; kind < sizeof FILLS / sizeof FILLS[0]; kind++) {
                for (int rep = 0; rep < (FILLS[kind][0] == FILL_RANDOM ? 20 : 2); rep++, runs++) {
                    uint8_t *wp = w + rep % 3, *ap = act + (rep + 1) % 2; /* odd addresses too: blocks sit anywhere */
                    fill_blocks(wp, blocks, fw->block_bytes, pr->scale_fields, FILLS[kind][0]);
                    fill_blocks(ap, blocks, fa->block_bytes, pr->scale_fields, FILLS[kind][1]);
                    float want = pr->scalar(wp, ap, blocks * QUANT_QK), got = simd(wp, ap, blocks * QUANT_QK);
                    if (!same(want, got) && bad++ < 5)
                        fprintf(stderr, "\n  %s %s: %zu blocks, kind %zu: %a, scalar %a", pr->name,
                                dotprod ? "dotprod" : "neon", blocks, kind, got, want);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs > 2000);
}

static void test_neon_equals_scalar(void)
{
    check_level(false);
}

static void test_dotprod_equals_scalar(void)
{
    if (!has_dotprod()) {
        fprintf(stderr, "(no SDOT on this CPU: dotprod level not run) ");
        return;
    }
    check_level(true);
}

/* ---------------------------------------------------------- F32, F16, BF16 */

#define MAX_LEN 300

/* A float format by its bit fields: F32 8/23, F16 5/10, BF16 8/7 bits of exponent/mantissa. */
typedef struct ffmt {
    const char *name;
    size_t bytes, exp_bits, mant_bits;
    dot_fn scalar, neon;
} ffmt_t;

static const ffmt_t FFMTS[] = {
    { "f32", 4, 8, 23, quant_vec_dot_f32, quant_vec_dot_f32_neon },
    { "f16", 2, 5, 10, quant_vec_dot_f16, quant_vec_dot_f16_neon },
    { "bf16", 2, 8, 7, quant_vec_dot_bf16, quant_vec_dot_bf16_neon },
};

/* Element classes by exponent field: any finite, within 2^+-8, the top two binades, subnormal or the
 * lowest binade, +-0, NaN or infinite (one element in 16, the rest moderate), a random class each. */
typedef enum fclass { C_WIDE, C_MODERATE, C_HUGE, C_TINY, C_ZERO, C_SPECIAL, C_MIXED, C_CLASSES } fclass_t;

/* Weight and activation classes of a row; CANCEL rows add the mirror image of their first half, negated. */
static const struct fkind {
    fclass_t w, a;
    bool cancel;
} FKINDS[] = {
    { C_WIDE, C_WIDE, false },     { C_MODERATE, C_MODERATE, false }, { C_HUGE, C_MODERATE, false },
    { C_HUGE, C_HUGE, false },     { C_TINY, C_MODERATE, false },     { C_TINY, C_TINY, false },
    { C_ZERO, C_WIDE, false },     { C_MIXED, C_MIXED, false },       { C_SPECIAL, C_MODERATE, false },
    { C_WIDE, C_MODERATE, true },  { C_MODERATE, C_MODERATE, true },  { C_MIXED, C_MODERATE, true },
};

/* The bits of one random element of class c. */
static uint32_t random_elem(const ffmt_t *f, fclass_t c)
{
    uint32_t emax = (1u << f->exp_bits) - 1, bias = emax / 2, e;
    if (c == C_MIXED)
        c = (fclass_t)(next() % C_SPECIAL);
    if (c == C_SPECIAL)
        c = next() % 16 ? C_MODERATE : C_SPECIAL;
    switch (c) {
    case C_MODERATE: e = bias - 8 + next() % 17; break;
    case C_HUGE: e = emax - 1 - next() % 2; break;
    case C_TINY: e = next() % 2; break;
    case C_ZERO: e = 0; break;
    case C_SPECIAL: e = emax; break; /* infinite, or NaN by the mantissa */
    default: e = next() % emax; break;
    }
    uint32_t mant = c == C_ZERO ? 0 : next() & ((1u << f->mant_bits) - 1);
    if (c == C_SPECIAL && next() % 2)
        mant = 0;
    uint32_t sign = next() & 1;
    return sign << (f->exp_bits + f->mant_bits) | e << f->mant_bits | mant;
}

static void put_elem(const ffmt_t *f, uint8_t *p, size_t i, uint32_t bits)
{
    for (size_t b = 0; b < f->bytes; b++)
        p[i * f->bytes + b] = (uint8_t)(bits >> 8 * b);
}

static float get_elem(const ffmt_t *f, const uint8_t *p, size_t i)
{
    uint32_t bits = 0;
    for (size_t b = 0; b < f->bytes; b++)
        bits |= (uint32_t)p[i * f->bytes + b] << 8 * b;
    return f->bytes == 4 ? f32_from_bits(bits) : f->exp_bits == 5 ? quant_fp16_to_f32((uint16_t)bits)
                                                                  : quant_bf16_to_f32((uint16_t)bits);
}

static void fill_row(const ffmt_t *f, const struct fkind *k, uint8_t *w, uint8_t *a, size_t n)
{
    size_t half = k->cancel ? n / 2 : 0;
    for (size_t i = 0; i < n - half; i++) {
        put_elem(f, w, i, random_elem(f, k->w));
        put_elem(f, a, i, random_elem(f, k->a));
    }
    /* Element n - 1 - i is element i with the activation's sign flipped: exact negated products, in other lanes. */
    uint32_t sign = 1u << (f->exp_bits + f->mant_bits);
    for (size_t i = 0; i < half; i++) {
        uint32_t wb = 0, ab = 0;
        for (size_t b = 0; b < f->bytes; b++) {
            wb |= (uint32_t)w[i * f->bytes + b] << 8 * b;
            ab |= (uint32_t)a[i * f->bytes + b] << 8 * b;
        }
        put_elem(f, w, n - 1 - i, wb);
        put_elem(f, a, n - 1 - i, ab ^ sign);
    }
}

/*
 * Whether got is in the interval quant_neon_float.h proves: [float(W - E), float(W + E)] with W the
 * scalar twin's double sum (recomputed here, and checked against want) and E = (n + 1) 2^-52 sum |p_i|.
 * The test takes (n + 3): room for its own roundings of A, E and W +- E (each far below 2^-52 A).
 * *used gets how much of E the row took beyond the final rounding: (|got - W| - ulp(got) / 2) / E, if above 0.
 */
static bool within_bound(const ffmt_t *f, const uint8_t *w, const uint8_t *a, size_t n, float got, float want,
                         double *used)
{
    double W = 0.0, A = 0.0;
    for (size_t i = 0; i < n; i++) {
        float p = get_elem(f, w, i) * get_elem(f, a, i);
        W += (double)p;
        A += (double)(p < 0 ? -p : p);
    }
    if (!same((float)W, want)) /* the recomputation must be the scalar code's */
        return false;
    if (W != W)
        return got != got;
    if (W - W != 0.0) /* an infinite product and no opposite one */
        return f32_to_bits(got) == f32_to_bits((float)W);
    double E = (double)(n + 3) * 0x1p-52 * A;
    double beyond = fabs((double)got - W) - 0.5 * (double)(nextafterf(fabsf(got), INFINITY) - fabsf(got));
    *used = beyond > 0.0 && E > 0.0 ? beyond / E : 0.0;
    return (float)(W - E) <= got && got <= (float)(W + E);
}

static void test_float_dots_within_bound(void)
{
    static uint8_t w[MAX_LEN * 4 + 4], a[MAX_LEN * 4 + 4];
    int bad = 0, runs = 0, inexact = 0;
    double worst = 0.0;
    for (size_t fi = 0; fi < sizeof FFMTS / sizeof FFMTS[0]; fi++) {
        const ffmt_t *f = &FFMTS[fi];
        for (size_t k = 0; k < sizeof FKINDS / sizeof FKINDS[0]; k++) {
            for (size_t n = 1; n <= MAX_LEN; n++, runs++) {
                uint8_t *wp = w + n % 4, *ap = a + (n / 4 + k) % 4; /* rows at any address */
                fill_row(f, &FKINDS[k], wp, ap, n);
                float want = f->scalar(wp, ap, n), got = f->neon(wp, ap, n);
                double used = 0.0;
                inexact += !same(want, got);
                if (!within_bound(f, wp, ap, n, got, want, &used) && bad++ < 5)
                    fprintf(stderr, "\n  %s: n %zu, kind %zu: %a, scalar %a", f->name, n, k, got, want);
                worst = used > worst ? used : worst;
            }
        }
    }
    fprintf(stderr, "(%d rows, %d not bit-exact, worst at %.2g of the bound) ", runs, inexact, worst);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(runs, 3 * 12 * MAX_LEN);
    CU_ASSERT(inexact > 0); /* the rows do reach the rounding the bound is about */
}

/* Rows summing to exact values, the empty row, and signed zeros: these the bound pins to the scalar result. */
static void test_float_dots_exact_cases(void)
{
    const ffmt_t *f;
    uint8_t w[8 * 41 + 1], a[8 * 41 + 1];
    for (size_t fi = 0; fi < sizeof FFMTS / sizeof FFMTS[0]; fi++) {
        f = &FFMTS[fi];
        uint32_t one = ((1u << (f->exp_bits - 1)) - 1) << f->mant_bits, sign = 1u << (f->exp_bits + f->mant_bits);
        CU_ASSERT_EQUAL(f32_to_bits(f->neon(w, a, 0)), 0u);
        for (size_t n = 1; n <= 41; n++) {
            for (size_t i = 0; i < n; i++) { /* 1 * (+-1): an exact integer sum */
                put_elem(f, w + 1, i, one);
                put_elem(f, a, i, one | (i % 3 == 0 ? sign : 0));
            }
            float want = f->scalar(w + 1, a, n);
            CU_ASSERT(same(f->neon(w + 1, a, n), want));
            for (size_t i = 0; i < n; i++) { /* -0 * +0: every product -0, the sum +0 as the scalar's */
                put_elem(f, w + 1, i, sign);
                put_elem(f, a, i, 0);
            }
            CU_ASSERT_EQUAL(f32_to_bits(f->neon(w + 1, a, n)), f32_to_bits(f->scalar(w + 1, a, n)));
        }
    }
}

/* ---------------------------------------------------------- the kernel table */

static void test_table_by_type_and_level(void)
{
    static const struct {
        quant_type_t t;
        dot_fn neon, dotprod;
    } want[] = {
        { QUANT_Q4_0, quant_vec_dot_q4_0_q8_0_neon, quant_vec_dot_q4_0_q8_0_dotprod },
        { QUANT_Q4_1, quant_vec_dot_q4_1_q8_1_neon, quant_vec_dot_q4_1_q8_1_dotprod },
        { QUANT_Q5_0, quant_vec_dot_q5_0_q8_0_neon, quant_vec_dot_q5_0_q8_0_dotprod },
        { QUANT_Q5_1, quant_vec_dot_q5_1_q8_1_neon, quant_vec_dot_q5_1_q8_1_dotprod },
        { QUANT_Q8_0, quant_vec_dot_q8_0_q8_0_neon, quant_vec_dot_q8_0_q8_0_dotprod },
        { QUANT_F32, quant_vec_dot_f32_neon, quant_vec_dot_f32_neon },
        { QUANT_F16, quant_vec_dot_f16_neon, quant_vec_dot_f16_neon },
        { QUANT_BF16, quant_vec_dot_bf16_neon, quant_vec_dot_bf16_neon },
    };
    static const quant_type_t none[] = { QUANT_Q8_1, QUANT_Q8_K, (quant_type_t)16 };
    kern_table_t t;
    for (kern_level_t l = KERN_NEON; l < KERN_LEVELS; l++) {
        kern_table_build(l, &t);
        CU_ASSERT_EQUAL(t.level, l);
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
            CU_ASSERT(t.formats[want[i].t].vec_dot == (l >= KERN_DOTPROD ? want[i].dotprod : want[i].neon));
        for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) /* activation-only or unknown types */
            CU_ASSERT_PTR_NULL(t.formats[none[i]].vec_dot);
    }
    /* and the selected table is the built one */
    kern_level_t before = kern_level();
    if (kern_init(KERN_NEON) == KERN_NEON) {
        for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
            CU_ASSERT(kern()->formats[want[i].t].vec_dot == want[i].neon);
    }
    kern_init(before);
}

TEST_REGISTER(test_quant_neon_register)
{
    CU_pSuite s = test_suite("quant_neon");
    TEST_ADD(s, test_neon_equals_scalar);
    TEST_ADD(s, test_dotprod_equals_scalar);
    TEST_ADD(s, test_float_dots_within_bound);
    TEST_ADD(s, test_float_dots_exact_cases);
    TEST_ADD(s, test_table_by_type_and_level);
}

/*
 * The NEON element-wise kernels (llm/kernels/aarch64/vec_neon.c) and activation
 * quantizers (llm/kernels/aarch64/quant_neon_act.c) against their scalar twins
 * (llm/kernels/vec_scalar.c, llm/quant/), bit for bit (any NaN equals any NaN), on
 * random and adversarial rows: lengths 1 to 200 (tails of every size),
 * zeros, signed zeros, huge, tiny and subnormal values, infinities and NaN,
 * exp arguments over the whole float range and around every branch edge of
 * the polynomial, fp16 rounding ties and overflow, Q8 rounding ties, and
 * attention over F16 and F32 caches of many head sizes and lengths; and
 * which kernels the NEON level puts in the table. aarch64 builds only.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/support/bits.h"
#include "llm/support/mathf.h"
#include "llm/kernels/kernels.h"
#include "tests/unit/kernels/aarch64/cpu_has.h"
#include "tests/unit/suites.h"

#include "llm/kernels/aarch64/quant_neon_act.h"
#include "llm/kernels/aarch64/vec_neon.h"

#define KERNEL_TEST_SEED 0x452821e638d01377ull
#include "tests/unit/kernels/kernel_test.h"

#define MAX_N 200

/* Any float bit pattern: NaNs, infinities, subnormals included. */
static float any_float(void)
{
    return f32_from_bits(next() << 16 ^ next());
}

/* Counts mismatches of n floats; prints the first few. */
static int compare(const char *what, size_t len, const float *want, const float *got, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!same(want[i], got[i]) && bad++ < 3)
            fprintf(stderr, "\n  %s (n %zu) [%zu]: neon %a, scalar %a", what, len, i, got[i], want[i]);
    }
    return bad;
}

/* ---------------------------------------------------------- row fills */

typedef enum fill {
    FILL_UNIT,     /* uniform [-1, 1) */
    FILL_WIDE,     /* uniform times 2^k, k in [-30, 30] per element */
    FILL_ANY,      /* any float bits (NaN, inf, subnormal) */
    FILL_ZERO,     /* +0 and -0 */
    FILL_SAME,     /* one value repeated */
    FILL_HUGE,     /* near FLT_MAX, both signs */
    FILL_TINY,     /* subnormal and smallest normals */
    FILL_SPECIAL,  /* finite values with a few infinities and NaNs */
    FILL_KINDS
} fill_t;

static float fill_value(fill_t kind, float scale)
{
    switch (kind) {
    case FILL_UNIT: return unit() * scale;
    case FILL_WIDE: return ldexpf(unit(), (int)(next() % 61) - 30);
    case FILL_ANY: return any_float();
    case FILL_ZERO: return next() & 1 ? 0.0f : -0.0f;
    case FILL_HUGE: return (next() & 1 ? 1.0f : -1.0f) * 3.4e38f * (0.5f + 0.5f * (float)(next() % 1000) / 1000.0f);
    case FILL_TINY: return f32_from_bits((next() % 0x01000000u) | (next() & 0x80000000u));
    case FILL_SPECIAL: {
        uint32_t r = next() % 16;
        return r == 0 ? INFINITY : r == 1 ? -INFINITY : r == 2 ? NAN : unit() * scale;
    }
    default: return 0.0f;
    }
}

static void fill(float *x, size_t n, fill_t kind, float scale)
{
    float v = unit() * scale;
    for (size_t i = 0; i < n; i++)
        x[i] = kind == FILL_SAME ? v : fill_value(kind, scale);
}

/* ---------------------------------------------------------- exp */

static int check_exp(const float *x, size_t n)
{
    float got[64], want[64];
    int bad = 0;
    for (size_t i = 0; i < n; i += 64) {
        size_t m = n - i < 64 ? n - i : 64;
        vec_expf_approx_neon(got, x + i, m);
        for (size_t j = 0; j < m; j++)
            want[j] = math_expf_approx(x[i + j]);
        bad += compare("expf", m, want, got, m);
    }
    return bad;
}

/* Every branch edge: |n| = 126 and 192 (n = round(x / ln 2)), overflow and underflow, 0. */
static void test_exp_edges(void)
{
    static const float centres[] = { 0.0f, 126.5f * 0.6931472f, 125.5f * 0.6931472f, -126.5f * 0.6931472f,
                                     -125.5f * 0.6931472f, 192.5f * 0.6931472f, -192.5f * 0.6931472f,
                                     88.3762626647949f, 88.72283935546875f, -87.33654475f, -103.972084f,
                                     -103.27893f, 89.0f, -104.0f, 1.0f, -1.0f, 0.34657359f, -0.34657359f };
    static float x[4096];
    int bad = 0;
    for (size_t c = 0; c < sizeof centres / sizeof centres[0]; c++) {
        /* 2048 neighbouring floats each side: vectors that straddle the edge mix both branches */
        uint32_t b = f32_to_bits(centres[c]);
        for (uint32_t i = 0; i < 4096; i++) {
            uint32_t off = i < 2048 ? 2048 - i : i - 2048;
            x[i] = centres[c] == 0.0f ? f32_from_bits(off | (i < 2048 ? 0x80000000u : 0))
                                      : f32_from_bits(i < 2048 ? b - off : b + off);
        }
        bad += check_exp(x, 4096);
    }
    static const float special[] = { INFINITY, -INFINITY, NAN, -NAN, 3.4028235e38f, -3.4028235e38f,
                                     1e-45f, -1e-45f, 0.0f, -0.0f, 1e30f, -1e30f, 200.0f, -200.0f };
    bad += check_exp(special, sizeof special / sizeof special[0]);
    CU_ASSERT_EQUAL(bad, 0);
}

/* The whole range: an even sweep of [-110, 100], random bit patterns, and mixed lanes. */
static void test_exp_range(void)
{
    static float x[1 << 16];
    int bad = 0;
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        x[i] = -110.0f + 210.0f * (float)i / (float)(sizeof x / sizeof x[0]);
    bad += check_exp(x, sizeof x / sizeof x[0]);
    for (int rep = 0; rep < 8; rep++) {
        for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
            x[i] = rep % 2 ? any_float() : unit() * 120.0f;
        bad += check_exp(x, sizeof x / sizeof x[0]);
    }
    for (size_t n = 1; n <= 9; n++) { /* tails */
        fill(x, n, FILL_UNIT, 100.0f);
        bad += check_exp(x, n);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ---------------------------------------------------------- row kernels */

static void test_softmax(void)
{
    static float x[MAX_N], want[MAX_N], got[MAX_N];
    int bad = 0, runs = 0;
    for (uint32_t n = 1; n <= MAX_N; n += n < 20 ? 1 : 7) {
        for (int kind = 0; kind < FILL_KINDS; kind++) {
            for (int rep = 0; rep < 4; rep++, runs++) {
                fill(x, n, (fill_t)kind, rep % 2 ? 30.0f : 200.0f);
                if (kind == FILL_SPECIAL && rep == 3) /* NaN first, then finite: the scalar max keeps it */
                    x[0] = NAN;
                if (kind == FILL_ZERO && rep == 1) /* all -0 but one +0 late: the max's sign of zero */
                    x[n - 1] = 0.0f;
                memcpy(want, x, n * sizeof *x);
                memcpy(got, x, n * sizeof *x);
                vec_softmax_scalar(want, n);
                vec_softmax_neon(got, n);
                bad += compare("softmax", n, want, got, n);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs > 500);
}

static void test_swiglu(void)
{
    static float g[MAX_N], up[MAX_N], want[MAX_N], got[MAX_N];
    int bad = 0;
    for (uint32_t n = 1; n <= MAX_N; n += n < 20 ? 1 : 7) {
        for (int kind = 0; kind < FILL_KINDS; kind++) {
            for (int rep = 0; rep < 4; rep++) {
                fill(g, n, (fill_t)kind, rep % 2 ? 12.0f : 150.0f);
                fill(up, n, rep == 3 ? (fill_t)kind : FILL_UNIT, 4.0f);
                memcpy(want, g, n * sizeof *g);
                memcpy(got, g, n * sizeof *g);
                vec_swiglu_scalar(want, up, n);
                vec_swiglu_neon(got, up, n);
                bad += compare("swiglu", n, want, got, n);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_rmsnorm(void)
{
    static float x[MAX_N], w[MAX_N], want[MAX_N], got[MAX_N];
    static const float eps[] = { 1e-5f, 1e-6f, 0.0f };
    int bad = 0;
    for (uint32_t n = 1; n <= MAX_N; n += n < 20 ? 1 : 7) {
        for (int kind = 0; kind < FILL_KINDS; kind++) {
            for (int rep = 0; rep < 3; rep++) {
                fill(x, n, (fill_t)kind, rep == 0 ? 1.0f : rep == 1 ? 1e-20f : 1e18f);
                fill(w, n, rep == 2 ? (fill_t)kind : FILL_UNIT, 2.0f);
                vec_rmsnorm_scalar(want, x, w, n, eps[rep]);
                vec_rmsnorm_neon(got, x, w, n, eps[rep]);
                bad += compare("rmsnorm", n, want, got, n);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_rope(void)
{
    static float x[5 * 130], want[5 * 130], got[5 * 130], cs[130];
    int bad = 0;
    for (uint32_t hd = 2; hd <= 130; hd += hd < 20 ? 2 : 14) {
        for (uint32_t n_rot = 2; n_rot <= hd; n_rot += n_rot < 20 ? 2 : 10) {
            for (int kind = 0; kind < FILL_KINDS; kind++) {
                uint32_t heads = 1 + next() % 5;
                fill(x, (size_t)heads * hd, (fill_t)kind, 10.0f);
                for (uint32_t i = 0; i < n_rot; i += 2) {
                    float a = kind == FILL_SPECIAL ? any_float() : unit() * 1000.0f;
                    cs[i] = cosf(a);
                    cs[i + 1] = kind == FILL_SPECIAL && i == 2 ? INFINITY : sinf(a);
                }
                memcpy(want, x, (size_t)heads * hd * sizeof *x);
                memcpy(got, x, (size_t)heads * hd * sizeof *x);
                vec_rope_scalar(want, heads, hd, cs, n_rot);
                vec_rope_neon(got, heads, hd, cs, n_rot);
                bad += compare("rope", (size_t)heads * hd, want, got, (size_t)heads * hd);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void test_residual_add(void)
{
    static float x[MAX_N], y[MAX_N], want[MAX_N], got[MAX_N];
    int bad = 0;
    for (uint32_t n = 1; n <= MAX_N; n++) {
        fill(x, n, (fill_t)(n % FILL_KINDS), 100.0f);
        fill(y, n, (fill_t)((n / FILL_KINDS) % FILL_KINDS), 100.0f);
        memcpy(want, x, n * sizeof *x);
        memcpy(got, x, n * sizeof *x);
        vec_add_scalar(want, y, n);
        vec_add_neon(got, y, n);
        bad += compare("add", n, want, got, n);
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ---------------------------------------------------------- attention */

#define ATT_MAX_POS 300
#define ATT_MAX_HD 136
#define ATT_MAX_BLOCKS ((ATT_MAX_POS + KERN_KV_BLOCK_POS - 1) / KERN_KV_BLOCK_POS)
#define ATT_SLOTS (ATT_MAX_BLOCKS * KERN_KV_BLOCK_POS)

/*
 * Positions of the cache for one case: K and V rows of `heads` heads, the
 * head under test at `head`, paged: in blocks of the buffer taken in
 * reverse order.
 */
static void attention_case(quant_type_t type, uint32_t hd, uint32_t n, fill_t kind, float qscale, bool dotprod,
                           int *bad)
{
    static uint8_t k[ATT_SLOTS * 3 * ATT_MAX_HD * 4], v[ATT_SLOTS * 3 * ATT_MAX_HD * 4];
    uint32_t blocks[ATT_MAX_BLOCKS];
    reversed_blocks(blocks, (n + KERN_KV_BLOCK_POS - 1) / KERN_KV_BLOCK_POS);
    static float row[3 * ATT_MAX_HD], q[ATT_MAX_HD], want[ATT_MAX_HD], got[ATT_MAX_HD];
    static float scores_a[ATT_MAX_POS], scores_b[ATT_MAX_POS];
    static double work_a[ATT_MAX_HD * 2], work_b[ATT_MAX_HD * 2];
    const quant_format_t *f;
    CU_ASSERT_EQUAL_FATAL(quant_lookup(type, &f, NULL), ERR_OK);
    uint32_t heads = 1 + next() % 3, head = next() % heads;
    bool blocks_fmt = f->block_elems > 1; /* Q8_0, Q4_0 */
    size_t stride = (size_t)heads * hd / f->block_elems * f->block_bytes;
    for (uint32_t t = 0; t < n; t++) {
        fill(row, (size_t)heads * hd, kind, 3.0f);
        f->quantize(row, k + reversed_slot(blocks, t) * stride, (size_t)heads * hd);
        fill(row, (size_t)heads * hd, kind == FILL_SPECIAL ? FILL_UNIT : kind, 3.0f);
        f->quantize(row, v + reversed_slot(blocks, t) * stride, (size_t)heads * hd);
    }
    fill(q, hd, kind == FILL_SPECIAL ? FILL_UNIT : FILL_WIDE, qscale);
    size_t off = (size_t)head * hd / f->block_elems * f->block_bytes;
    uint32_t t0 = next() % 3 == 0 ? next() % n : 0; /* a sliding window a third of the time */
    kern_kv_head_t h = test_kv_head(f, k + off, v + off, blocks, stride, t0, n, hd, 1.0f / sqrtf((float)hd));
    char what[40];
    if (!blocks_fmt) { /* block formats' exact attention is the scalar kernel at every level */
        vec_attend_scalar(&h, q, scores_a, work_a, want);
        (type == QUANT_F16 ? vec_attend_f16_neon : vec_attend_f32_neon)(&h, q, scores_b, work_b, got);
        snprintf(what, sizeof what, "attend %s, head_dim %u", f->name, hd);
        *bad += compare(what, n, want, got, hd);
    }
    vec_attend_fast_scalar(&h, q, scores_a, work_a, want);
    kern_attend_fn fast = type == QUANT_F16    ? vec_attend_fast_f16_neon
                          : type == QUANT_F32  ? vec_attend_fast_f32_neon
                          : type == QUANT_Q8_0 ? vec_attend_fast_q8_0_neon
                                               : vec_attend_fast_q4_0_neon;
    fast(&h, q, scores_b, work_b, got);
    snprintf(what, sizeof what, "attend_fast %s, head_dim %u", f->name, hd);
    *bad += compare(what, n, want, got, hd);
    if (blocks_fmt && dotprod) { /* the SDOT value sums */
        (type == QUANT_Q8_0 ? vec_attend_fast_q8_0_dotprod : vec_attend_fast_q4_0_dotprod)(&h, q, scores_b, work_b,
                                                                                           got);
        snprintf(what, sizeof what, "attend_fast %s dotprod, head_dim %u", f->name, hd);
        *bad += compare(what, n, want, got, hd);
    }
}

static void test_attention(void)
{
    static const uint32_t hds[] = { 1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 20, 31, 32, 48, 64, 65, 80, 128, 136 };
    static const quant_type_t types[] = { QUANT_F16, QUANT_F32, QUANT_Q8_0, QUANT_Q4_0 };
    int bad = 0, runs = 0;
    bool dotprod = has_dotprod();
    for (size_t ti = 0; ti < sizeof types / sizeof types[0]; ti++) {
        for (size_t i = 0; i < sizeof hds / sizeof hds[0]; i++) {
            if (types[ti] != QUANT_F16 && types[ti] != QUANT_F32 && hds[i] % 32 != 0)
                continue; /* block formats: heads of whole blocks */
            for (uint32_t n = 1; n <= ATT_MAX_POS; n += n < 20 ? 1 : n < 40 ? 3 : 61, runs++) {
                fill_t kind = (fill_t)(runs % FILL_KINDS);
                attention_case(types[ti], hds[i], n, kind, 1.0f, dotprod, &bad);
                attention_case(types[ti], hds[i], n, FILL_UNIT, runs % 3 ? 4.0f : 1e4f, dotprod, &bad);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs > 500);
}

/*
 * Double sums whose float result depends on the order of their additions:
 * a large term, terms below half its ulp (each lost when added to it alone,
 * not when two are added first), then the large term's negative. Only an F32
 * cache shows such differences (F16 rounds every weight to 11 bits, hiding
 * the 2^-53 ones), and its sums run through the same code as F16's.
 */
static float tiny_term(float big)
{
    return (next() & 1 ? 1.0f : -1.0f) * big * 0x1p-53f * (0.55f + 0.4f * (float)(next() % 1024) / 1024.0f);
}

static void order_case(uint32_t hd, uint32_t n, bool keys, int *bad)
{
    static float k[40 * 72], v[40 * 72], q[72], want[72], got[72], sa[40], sb[40];
    static double wa[2 * 72], wb[2 * 72];
    const quant_format_t *f;
    CU_ASSERT_EQUAL_FATAL(quant_lookup(QUANT_F32, &f, NULL), ERR_OK);
    for (uint32_t d = 0; d < hd; d++)
        q[d] = 1.0f;
    for (uint32_t t = 0; t < n; t++) {
        float *kt = k + (size_t)t * hd, *vt = v + (size_t)t * hd;
        uint32_t db = 1 + next() % (hd - 2), dn = db + 1 + next() % (hd - 1 - db);
        for (uint32_t d = 0; d < hd; d++) {
            kt[d] = !keys ? 0.0f : d == 0 ? 1.0f + (float)(next() % 1024) / 1024.0f : d == db ? 0x1p30f
                  : d == dn ? -0x1p30f : tiny_term(0x1p30f);
            vt[d] = keys ? unit() : t == 0 ? 0x1p20f : t == n - 1 ? -0x1p20f : tiny_term(0x1p20f);
        }
    }
    uint32_t blocks[(40 + KERN_KV_BLOCK_POS - 1) / KERN_KV_BLOCK_POS];
    for (uint32_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        blocks[b] = b; /* positions in order: the sums' order is what this case tests */
    size_t stride = (size_t)hd * sizeof(float);
    kern_kv_head_t h = test_kv_head(f, k, v, blocks, stride, 0, n, hd, 1.0f / sqrtf((float)hd));
    vec_attend_scalar(&h, q, sa, wa, want);
    (h.k.format->type == QUANT_F16 ? vec_attend_f16_neon : vec_attend_f32_neon)(&h, q, sb, wb, got);
    char what[40];
    snprintf(what, sizeof what, "attend %s sums, head_dim %u", keys ? "key" : "value", hd);
    *bad += compare(what, n, want, got, hd);
}

static void test_attention_order(void)
{
    static const uint32_t hds[] = { 3, 4, 5, 8, 9, 16, 17, 33, 64, 72 };
    int bad = 0;
    for (size_t i = 0; i < sizeof hds / sizeof hds[0]; i++) {
        for (uint32_t n = 1; n <= 40; n += n < 12 ? 1 : 9) {
            for (int rep = 0; rep < 4; rep++) {
                order_case(hds[i], n, true, &bad);
                if (n >= 3)
                    order_case(hds[i], n, false, &bad);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* RMSNorm's sum of squares at a float tie: 1 + 2^-24, then squares each below half an ulp of it. */
static void test_rmsnorm_order(void)
{
    static float x[256], w[256], want[256], got[256];
    int bad = 0;
    for (uint32_t n = 4; n <= 256; n *= 2) { /* powers of two: sum / n is exact, so the tie stays one */
        for (int rep = 0; rep < 16; rep++) {
            uint32_t p0 = rep < 8 ? 0 : next() % n, p1 = rep < 8 ? 1 : next() % n;
            for (uint32_t i = 0; i < n; i++) {
                x[i] = sqrtf(fabsf(tiny_term(1.0f)));
                w[i] = 1.0f;
            }
            x[p0] = 1.0f;
            x[p1 == p0 ? (p0 + 1) % n : p1] = 0x1p-12f;
            vec_rmsnorm_scalar(want, x, w, n, 0.0f);
            vec_rmsnorm_neon(got, x, w, n, 0.0f);
            bad += compare("rmsnorm, sum order", n, want, got, n);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* ---------------------------------------------------------- activation quantizers */

#define Q_MAX_BLOCKS 9 /* 36-byte Q8_1 blocks: 324 bytes, within a 200-element F16 row */

/* Rows of Q8 blocks built to hit roundf's ties: amax 127 (d = 1, id = 1) and values k + 0.5. */
static void fill_ties(float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = i % 32 == 0 ? (next() & 1 ? 127.0f : -127.0f) : (float)((int)(next() % 254) - 127) + 0.5f;
}

static int check_quantizer(quant_type_t type, const float *x, size_t n, size_t dst_off)
{
    static uint8_t want[2 * MAX_N + 8], got[2 * MAX_N + 8];
    const quant_format_t *f;
    uint64_t bytes;
    if (quant_lookup(type, &f, NULL) != ERR_OK || !quant_row_bytes(f, n, &bytes) || bytes + dst_off > sizeof want)
        return 1;
    kern_table_t t;
    kern_table_build(KERN_NEON, &t);
    quant_quantize_fn neon = t.formats[type].quantize;
    if (!neon || neon == f->quantize)
        return 1;
    memset(want, 0xa5, sizeof want);
    memset(got, 0xa5, sizeof got);
    f->quantize(x, want + dst_off, n);
    neon(x, got + dst_off, n);
    if (memcmp(want, got, sizeof want) == 0)
        return 0;
    for (size_t i = 0; i < sizeof want; i++) {
        if (want[i] != got[i]) {
            fprintf(stderr, "\n  quantize %s (n %zu): byte %zu neon %02x scalar %02x", f->name, n, i, got[i],
                    want[i]);
            break;
        }
    }
    return 1;
}

static void test_quantize_q8(void)
{
    static float x[Q_MAX_BLOCKS * 32];
    static const quant_type_t types[] = { QUANT_Q8_0, QUANT_Q8_1 };
    int bad = 0, runs = 0;
    for (size_t ti = 0; ti < 2; ti++) {
        for (size_t blocks = 1; blocks <= Q_MAX_BLOCKS; blocks++) {
            size_t n = blocks * 32;
            for (int kind = 0; kind <= FILL_KINDS; kind++) {
                for (int rep = 0; rep < 6; rep++, runs++) {
                    if (kind == FILL_KINDS)
                        fill_ties(x, n);
                    else
                        fill(x, n, (fill_t)kind, ldexpf(1.0f, (int)(next() % 200) - 100));
                    if (kind == FILL_SPECIAL && rep % 2) /* a NaN as the last element, another block's first */
                        x[n - 1] = NAN, x[(next() % blocks) * 32] = NAN;
                    bad += check_quantizer(types[ti], x, n, (size_t)rep % 3);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs > 500);
}

static void test_quantize_f16(void)
{
    static float x[MAX_N];
    int bad = 0;
    for (size_t n = 1; n <= MAX_N; n += n < 40 ? 1 : 9) {
        for (int kind = 0; kind < FILL_KINDS; kind++) {
            fill(x, n, (fill_t)kind, ldexpf(1.0f, (int)(next() % 40) - 20));
            bad += check_quantizer(QUANT_F16, x, n, n % 3);
        }
    }
    /* fp16 edges: every float from 2^-26 to 2^16 (overflow to inf) in steps of 4099 bit patterns, both signs */
    static float sweep[4096];
    size_t m = 0;
    for (uint32_t b = 0x32800000u; b < 0x47900000u; b += 4099) {
        sweep[m++] = f32_from_bits(b | (b & 0x100 ? 0x80000000u : 0));
        if (m == 4096 || b + 4099 >= 0x47900000u) {
            for (size_t i = 0; i < m; i += 192)
                bad += check_quantizer(QUANT_F16, sweep + i, m - i < 192 ? m - i : 192, i % 2);
            m = 0;
        }
    }
    /* ties: halfway between neighbouring fp16 values, normal and subnormal, and 65520 (rounds to inf) */
    for (size_t i = 0; i < MAX_N; i++) {
        uint32_t e = 103 + (uint32_t)(next() % 40); /* 2^-24 .. 2^15 */
        x[i] = f32_from_bits(e << 23 | (next() & 0x7fe000u) | 0x1000u | (next() & 0x80000000u));
    }
    x[0] = 65520.0f, x[1] = -65520.0f, x[2] = 65519.996f, x[3] = 0x1p-25f, x[4] = 0x1.8p-25f, x[5] = 0x1p-26f;
    bad += check_quantizer(QUANT_F16, x, MAX_N, 0);
    CU_ASSERT_EQUAL(bad, 0);
}

/* ---------------------------------------------------------- the table */

static void test_table(void)
{
    kern_table_t t;
    kern_table_build(KERN_NEON, &t);
    CU_ASSERT(t.softmax == vec_softmax_neon && t.rmsnorm == vec_rmsnorm_neon && t.rope == vec_rope_neon);
    CU_ASSERT(t.swiglu == vec_swiglu_neon && t.add == vec_add_neon);
    CU_ASSERT(t.formats[QUANT_F16].attend == vec_attend_f16_neon && t.formats[QUANT_F32].attend == vec_attend_f32_neon);
    CU_ASSERT(t.formats[QUANT_Q8_0].quantize == quant_quantize_q8_0_neon);
    CU_ASSERT(t.formats[QUANT_Q8_1].quantize == quant_quantize_q8_1_neon);
    CU_ASSERT(t.formats[QUANT_F16].quantize == quant_quantize_f16_neon);
    CU_ASSERT_PTR_NULL(t.formats[QUANT_BF16].attend); /* not a cache type */
    kern_table_build(KERN_SCALAR, &t);
    CU_ASSERT(t.softmax == vec_softmax_scalar && t.formats[QUANT_F16].attend == vec_attend_scalar);
    kern_level_t before = kern_level();
    if (kern_init(KERN_NEON) == KERN_NEON)
        CU_ASSERT_PTR_EQUAL(kern()->formats[QUANT_F16].attend, vec_attend_f16_neon);
    kern_init(before);
}

TEST_REGISTER(test_vec_neon_register)
{
    CU_pSuite s = test_suite("vec_neon");
    TEST_ADD(s, test_exp_edges);
    TEST_ADD(s, test_exp_range);
    TEST_ADD(s, test_softmax);
    TEST_ADD(s, test_swiglu);
    TEST_ADD(s, test_rmsnorm);
    TEST_ADD(s, test_rope);
    TEST_ADD(s, test_residual_add);
    TEST_ADD(s, test_attention);
    TEST_ADD(s, test_attention_order);
    TEST_ADD(s, test_rmsnorm_order);
    TEST_ADD(s, test_quantize_q8);
    TEST_ADD(s, test_quantize_f16);
    TEST_ADD(s, test_table);
}


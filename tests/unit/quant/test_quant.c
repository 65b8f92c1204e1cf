/*
 * Tensor formats (llm/quant*): dequantize and quantize bit for bit against
 * goldens from the gguf package (tests/golden/quant/, made by
 * tests/ref/make_quant_goldens.py), the fp16/bf16 conversions over every bit
 * pattern, dot products against exact references (the same integer and float
 * arithmetic as ggml's generic kernels, rebuilt here from dequantized
 * blocks), round-trip error bounds, the format table, and sources at odd
 * addresses.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/quant/quant.h"
#include "tests/unit/quant/quant_tolerances.h"
#include "tests/unit/suites.h"

#define GOLDEN_DIR "tests/golden/quant/"
#define N_DOT 4096 /* elements in the dot-product and round-trip rows */

/* ---------------------------------------------------------- helpers */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double rng_uniform(void) /* (0, 1) */
{
    return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static float rng_normal(void)
{
    return (float)(sqrt(-2.0 * log(rng_uniform())) * cos(6.283185307179586 * rng_uniform()));
}

static void fill_normal(float *x, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = rng_normal() * scale;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* Equal bits, or both NaN (NaN payloads differ between numpy, x86 and arm). */
static bool same_f32(float got, float want)
{
    return (isnan(got) && isnan(want)) || f32_to_bits(got) == f32_to_bits(want);
}

static bool fp16_is_nan(uint16_t h)
{
    return (h & 0x7c00) == 0x7c00 && (h & 0x03ff) != 0;
}

static const quant_format_t *format_of(uint32_t type)
{
    const quant_format_t *f = NULL;
    err_t e;
    if (quant_lookup(type, &f, &e) != ERR_OK)
        fprintf(stderr, "\n  lookup %u: %s\n", (unsigned)type, e.msg);
    return f;
}

static size_t bytes_of(const quant_format_t *f, size_t n)
{
    uint64_t b = 0;
    CU_ASSERT_FATAL(quant_row_bytes(f, n, &b));
    return (size_t)b;
}

/* A copy of n bytes at an odd address; free with free_odd. */
static void *copy_odd(const void *src, size_t n)
{
    uint8_t *p = malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    memcpy(p + 1, src, n);
    return p + 1;
}

static void free_odd(void *p)
{
    free((uint8_t *)p - 1);
}

/* Counts float mismatches (NaN-aware) and reports the first. */
static size_t compare_floats(const char *what, const float *got, const float *want, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (!same_f32(got[i], want[i])) {
            if (bad == 0)
                fprintf(stderr, "\n  %s: element %zu is %a (0x%08x), want %a (0x%08x)\n", what, i,
                        (double)got[i], f32_to_bits(got[i]), (double)want[i], f32_to_bits(want[i]));
            bad++;
        }
    }
    return bad;
}

/* ---------------------------------------------------------- goldens */

enum { KIND_DEQUANT = 1, KIND_QUANT = 2, KIND_FP16_TABLE = 3 };

typedef struct golden {
    uint32_t kind, type, n_elems, in_bytes, out_bytes;
    uint8_t *file;
    const uint8_t *in, *out;
} golden_t;

/* Reads GOLDEN_DIR/name (see make_quant_goldens.py for the format). */
static bool golden_load(const char *name, golden_t *g)
{
    char path[256];
    snprintf(path, sizeof path, GOLDEN_DIR "%s", name);
    memset(g, 0, sizeof *g);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "\n  cannot open %s (run the tests from the repository root)\n", path);
        return false;
    }
    fseek(fp, 0, SEEK_END);
    long size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    g->file = malloc(size > 0 ? (size_t)size : 1);
    bool ok = g->file && size >= 32 && fread(g->file, 1, (size_t)size, fp) == (size_t)size;
    fclose(fp);
    if (ok) {
        g->kind = le32(g->file + 8);
        g->type = le32(g->file + 12);
        g->n_elems = le32(g->file + 16);
        g->in_bytes = le32(g->file + 20);
        g->out_bytes = le32(g->file + 24);
        ok = memcmp(g->file, "QGLD", 4) == 0 && le32(g->file + 4) == 1 &&
             (uint64_t)32 + g->in_bytes + g->out_bytes == (uint64_t)size;
        g->in = g->file + 32;
        g->out = g->in + g->in_bytes;
    }
    if (!ok) {
        fprintf(stderr, "\n  %s is not a golden file\n", path);
        free(g->file);
        g->file = NULL;
    }
    return ok;
}

static void golden_free(golden_t *g)
{
    free(g->file);
    g->file = NULL;
}

/* Loads a dequantize or quantize golden and returns its format, after
 * checking that its block bytes and float bytes agree with n_elems. */
static const quant_format_t *golden_open(const char *name, uint32_t kind, golden_t *g)
{
    CU_ASSERT_FATAL(golden_load(name, g));
    CU_ASSERT_EQUAL_FATAL(g->kind, kind);
    const quant_format_t *f = format_of(g->type);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    uint32_t blocks = kind == KIND_DEQUANT ? g->in_bytes : g->out_bytes;
    uint32_t floats = kind == KIND_DEQUANT ? g->out_bytes : g->in_bytes;
    CU_ASSERT_EQUAL_FATAL(bytes_of(f, g->n_elems), blocks);
    CU_ASSERT_EQUAL_FATAL((size_t)floats, (size_t)g->n_elems * sizeof(float));
    return f;
}

/* Dequantizes the golden's blocks from an aligned and from an odd address. */
static void check_dequant_golden(const char *name)
{
    golden_t g;
    const quant_format_t *f = golden_open(name, KIND_DEQUANT, &g);

    float *want = malloc(g.out_bytes), *got = malloc(g.out_bytes);
    uint8_t *in = malloc(g.in_bytes);
    CU_ASSERT_FATAL(want && got && in);
    memcpy(want, g.out, g.out_bytes);
    memcpy(in, g.in, g.in_bytes);

    memset(got, 0xa5, g.out_bytes);
    f->dequantize(in, got, g.n_elems);
    CU_ASSERT_EQUAL(compare_floats(name, got, want, g.n_elems), 0);

    void *odd = copy_odd(g.in, g.in_bytes);
    memset(got, 0x5a, g.out_bytes);
    f->dequantize(odd, got, g.n_elems);
    CU_ASSERT_EQUAL(compare_floats(name, got, want, g.n_elems), 0);
    free_odd(odd);

    free(in);
    free(got);
    free(want);
    golden_free(&g);
}

static void test_dequantize_goldens(void)
{
    static const char *const files[] = {
        "dequant_Q4_0.bin", "dequant_Q4_1.bin", "dequant_Q5_0.bin", "dequant_Q5_1.bin",
        "dequant_Q8_0.bin", "dequant_Q8_1.bin", "dequant_Q2_K.bin", "dequant_Q3_K.bin",
        "dequant_Q4_K.bin", "dequant_Q5_K.bin", "dequant_Q6_K.bin", "dequant_Q8_K.bin",
        "dequant_F32.bin", "dequant_BF16.bin", "dequant_IQ4_NL.bin", "dequant_IQ4_XS.bin",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        check_dequant_golden(files[i]);
}

/* Quantizes the golden's floats; the bytes must be gguf's (F16: NaN-aware). */
static void check_quant_golden(const char *name)
{
    golden_t g;
    const quant_format_t *f = golden_open(name, KIND_QUANT, &g);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->quantize);

    float *x = malloc(g.in_bytes);
    uint8_t *got = malloc(g.out_bytes);
    CU_ASSERT_FATAL(x && got);
    memcpy(x, g.in, g.in_bytes);
    memset(got, 0xa5, g.out_bytes);
    f->quantize(x, got, g.n_elems);

    size_t bad = 0;
    if (g.type == QUANT_F16) {
        for (size_t i = 0; i < g.n_elems; i++) {
            uint16_t h = le16(got + 2 * i), w = le16(g.out + 2 * i);
            if (h != w && !(fp16_is_nan(h) && fp16_is_nan(w))) {
                if (bad++ == 0)
                    fprintf(stderr, "\n  %s: %a (0x%08x) gives 0x%04x, want 0x%04x\n", name,
                            (double)x[i], f32_to_bits(x[i]), h, w);
            }
        }
    } else {
        for (size_t i = 0; i < g.out_bytes; i++) {
            if (got[i] != g.out[i]) {
                if (bad++ == 0)
                    fprintf(stderr, "\n  %s: byte %zu (block %zu) is 0x%02x, want 0x%02x\n", name, i,
                            i / f->block_bytes, got[i], g.out[i]);
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    free(got);
    free(x);
    golden_free(&g);
}

static void test_quantize_goldens(void)
{
    static const char *const files[] = {
        "quant_Q4_0.bin", "quant_Q4_1.bin", "quant_Q5_0.bin", "quant_Q5_1.bin", "quant_Q8_0.bin",
        "quant_Q8_1.bin", "quant_Q8_K.bin", "quant_F16.bin", "quant_BF16.bin",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        check_quant_golden(files[i]);
}

/* ---------------------------------------------------------- conversions */

static void test_fp16_to_f32_exhaustive(void)
{
    golden_t g;
    CU_ASSERT_FATAL(golden_load("fp16_table.bin", &g));
    CU_ASSERT_EQUAL_FATAL(g.kind, KIND_FP16_TABLE);
    CU_ASSERT_EQUAL_FATAL(g.out_bytes, 65536 * 4);
    size_t bad = 0, bad_back = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        float want = f32_from_bits(le32(g.out + 4 * h));
        float got = quant_fp16_to_f32((uint16_t)h);
        if (!same_f32(got, want) && bad++ == 0)
            fprintf(stderr, "\n  fp16 0x%04x gives 0x%08x, numpy 0x%08x\n", (unsigned)h, f32_to_bits(got),
                    f32_to_bits(want));
        /* Every fp16 is exact in f32, so the way back is the identity. */
        uint16_t back = quant_f32_to_fp16(got);
        if (fp16_is_nan((uint16_t)h) ? !fp16_is_nan(back) : back != h) {
            if (bad_back++ == 0)
                fprintf(stderr, "\n  fp16 0x%04x comes back as 0x%04x\n", (unsigned)h, back);
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(bad_back, 0);
    golden_free(&g);
}

static void test_bf16_exhaustive(void)
{
    size_t bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        float f = quant_bf16_to_f32((uint16_t)h);
        bool nan = (h & 0x7f80) == 0x7f80 && (h & 0x7f) != 0;
        /* bf16 is the top half of an f32; NaN comes back quiet (bit 6 set). */
        uint16_t want_back = (uint16_t)(nan ? h | 0x40 : h);
        if (f32_to_bits(f) != h << 16 || quant_f32_to_bf16(f) != want_back)
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
}

/* A few hand-checked points that the goldens also cover, as documentation. */
static void test_conversion_edges(void)
{
    CU_ASSERT_EQUAL(quant_f32_to_fp16(65504.0f), 0x7bff);
    CU_ASSERT_EQUAL(quant_f32_to_fp16(65519.99f), 0x7bff);
    CU_ASSERT_EQUAL(quant_f32_to_fp16(65520.0f), 0x7c00);          /* the tie goes to even: inf */
    CU_ASSERT_EQUAL(quant_f32_to_fp16(-1e30f), 0xfc00);
    CU_ASSERT_EQUAL(quant_f32_to_fp16(ldexpf(1.0f, -24)), 0x0001);  /* smallest subnormal */
    CU_ASSERT_EQUAL(quant_f32_to_fp16(ldexpf(1.0f, -25)), 0x0000);  /* half of it: tie to even */
    CU_ASSERT_EQUAL(quant_f32_to_fp16(ldexpf(1.5f, -25)), 0x0001);
    CU_ASSERT_EQUAL(quant_f32_to_fp16(ldexpf(1.5f, -24)), 0x0002);  /* 1.5 units: tie to even 2 */
    CU_ASSERT_EQUAL(quant_f32_to_fp16(ldexpf(2.5f, -24)), 0x0002);  /* 2.5 units: tie to even 2 */
    CU_ASSERT_EQUAL(quant_f32_to_fp16(-0.0f), 0x8000);
    CU_ASSERT_EQUAL(quant_f32_to_fp16(1.0f + ldexpf(1.0f, -11)), 0x3c00);     /* tie down to even */
    CU_ASSERT_EQUAL(quant_f32_to_fp16(1.0f + 3 * ldexpf(1.0f, -11)), 0x3c02); /* tie up to even */
    CU_ASSERT(fp16_is_nan(quant_f32_to_fp16(f32_from_bits(0x7f800001))));   /* payload in low bits only */
    CU_ASSERT_EQUAL(quant_f32_to_fp16(f32_from_bits(0x7f800000)), 0x7c00);
    CU_ASSERT_EQUAL(f32_to_bits(quant_fp16_to_f32(0x0001)), f32_to_bits(ldexpf(1.0f, -24)));
    CU_ASSERT_EQUAL(f32_to_bits(quant_fp16_to_f32(0x03ff)), f32_to_bits(ldexpf(1023.0f, -24)));
    CU_ASSERT_EQUAL(quant_f32_to_bf16(f32_from_bits(0x3f808000)), 0x3f80); /* tie to even */
    CU_ASSERT_EQUAL(quant_f32_to_bf16(f32_from_bits(0x3f818000)), 0x3f82);
    CU_ASSERT_EQUAL(quant_f32_to_bf16(f32_from_bits(0x7f7fffff)), 0x7f80); /* FLT_MAX rounds to inf */
    CU_ASSERT_EQUAL(quant_f32_to_bf16(f32_from_bits(0xff812345)), 0xffc1); /* NaN made quiet */
}

/* ---------------------------------------------------------- dot products */

/* The weight types, their error bounds against the float data, and the
 * activation quantizer of their vec_dot_type. */
typedef struct dot_case {
    quant_type_t type;
    double dot_err; /* QUANT_DOT_ERR_<T>; 0 for the K-quants, which we cannot quantize */
} dot_case_t;

static const dot_case_t dot_cases[] = {
    { QUANT_F32, QUANT_DOT_ERR_F32 },   { QUANT_F16, QUANT_DOT_ERR_F16 },
    { QUANT_BF16, QUANT_DOT_ERR_BF16 }, { QUANT_Q4_0, QUANT_DOT_ERR_Q4_0 },
    { QUANT_Q4_1, QUANT_DOT_ERR_Q4_1 }, { QUANT_Q5_0, QUANT_DOT_ERR_Q5_0 },
    { QUANT_Q5_1, QUANT_DOT_ERR_Q5_1 }, { QUANT_Q8_0, QUANT_DOT_ERR_Q8_0 },
    { QUANT_Q2_K, 0 }, { QUANT_Q3_K, 0 }, { QUANT_Q4_K, 0 }, { QUANT_Q5_K, 0 }, { QUANT_Q6_K, 0 },
    { QUANT_IQ4_NL, 0 }, { QUANT_IQ4_XS, 0 },
};
#define N_DOT_CASES (sizeof dot_cases / sizeof dot_cases[0])

/* Byte offsets in a block of the fp16 scale d and of the fp16 m or dmin (-1: none). */
typedef struct scale_layout {
    quant_type_t type;
    int d, m;
} scale_layout_t;

static const scale_layout_t scale_layouts[] = {
    { QUANT_Q4_0, 0, -1 }, { QUANT_Q4_1, 0, 2 }, { QUANT_Q5_0, 0, -1 }, { QUANT_Q5_1, 0, 2 },
    { QUANT_Q8_0, 0, -1 }, { QUANT_Q8_1, 0, -1 }, { QUANT_Q2_K, 80, 82 }, { QUANT_Q3_K, 108, -1 },
    { QUANT_Q4_K, 0, 2 }, { QUANT_Q5_K, 0, 2 }, { QUANT_Q6_K, 208, -1 },
    { QUANT_IQ4_NL, 0, -1 }, { QUANT_IQ4_XS, 0, -1 },
};

static const scale_layout_t *scale_layout_of(quant_type_t t)
{
    for (size_t i = 0; i < sizeof scale_layouts / sizeof scale_layouts[0]; i++)
        if (scale_layouts[i].type == t)
            return &scale_layouts[i];
    CU_FAIL_FATAL("no scale layout");
    return NULL;
}

/* Random blocks: every byte random, then d and m/dmin set to lo + span * U(0,1). */
static void random_blocks(const quant_format_t *f, uint8_t *w, size_t n, float lo, float span)
{
    const scale_layout_t *k = scale_layout_of(f->type);
    const size_t bytes = bytes_of(f, n);
    for (size_t i = 0; i < bytes; i++)
        w[i] = (uint8_t)rng_next();
    for (size_t b = 0; b < n / f->block_elems; b++) {
        uint8_t *blk = w + b * f->block_bytes;
        put16(blk + k->d, quant_f32_to_fp16(lo + span * (float)rng_uniform()));
        if (k->m >= 0)
            put16(blk + k->m, quant_f32_to_fp16(lo + span * (float)rng_uniform()));
    }
}

/*
 * Blocks whose quants are all at an extreme (bytes 0x00, 0xff, 0x7f or 0x80
 * throughout), with scales of full fp16 precision: the integer sums get large
 * enough that every float product in a dot rounds, so a different order of
 * the float operations shows.
 */
static void extreme_blocks(const quant_format_t *f, uint8_t *w, size_t n)
{
    static const uint8_t fill[4] = { 0x00, 0xff, 0x7f, 0x80 };
    random_blocks(f, w, n, 0.5f, 0.5f);
    const scale_layout_t *k = scale_layout_of(f->type);
    for (size_t b = 0; b < n / f->block_elems; b++) {
        uint8_t *blk = w + b * f->block_bytes;
        uint8_t d[2] = { blk[k->d], blk[k->d + 1] }, m[2] = { 0, 0 };
        if (k->m >= 0)
            memcpy(m, blk + k->m, 2);
        memset(blk, fill[rng_next() % 4], f->block_bytes);
        memcpy(blk + k->d, d, 2);
        if (k->m >= 0)
            memcpy(blk + k->m, m, 2);
    }
}

/* Operands of one dot product: float rows x, y, the weights w in format f
 * and the activations act in f's vec_dot_type a. */
typedef struct operands {
    const quant_format_t *f, *a;
    size_t n;
    float *x, *y;
    uint8_t *w, *act;
} operands_t;

/*
 * w is our quantizer's row of normal x, or for the K-quants random blocks
 * with small positive d and dmin (values near unit size); act is y, normal
 * times y_scale, quantized. Free with operands_free.
 */
static void operands_make(operands_t *o, quant_type_t type, size_t n, float y_scale)
{
    o->f = format_of(type);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o->f);
    o->a = format_of(o->f->vec_dot_type);
    CU_ASSERT_PTR_NOT_NULL_FATAL(o->a);
    o->n = n;
    o->x = malloc(n * sizeof(float));
    o->y = malloc(n * sizeof(float));
    o->w = malloc(bytes_of(o->f, n));
    o->act = malloc(bytes_of(o->a, n));
    CU_ASSERT_FATAL(o->x && o->y && o->w && o->act);
    fill_normal(o->x, n, 1.0f);
    if (o->f->quantize)
        o->f->quantize(o->x, o->w, n);
    else
        random_blocks(o->f, o->w, n, 0.002f, 0.02f);
    fill_normal(o->y, n, y_scale);
    o->a->quantize(o->y, o->act, n);
}

static void operands_free(operands_t *o)
{
    free(o->act);
    free(o->w);
    free(o->y);
    free(o->x);
}

static float operands_dot(const operands_t *o)
{
    return o->f->vec_dot(o->w, o->act, o->n);
}

/* sum dequant(w)_i * dequant(act)_i in double, and sum |w_i act_i|. */
static double exact_dot(const operands_t *o, double *abs_sum)
{
    float *wf = malloc(o->n * sizeof(float)), *af = malloc(o->n * sizeof(float));
    CU_ASSERT_FATAL(wf && af);
    o->f->dequantize(o->w, wf, o->n);
    o->a->dequantize(o->act, af, o->n);
    double sum = 0.0, abs = 0.0;
    for (size_t i = 0; i < o->n; i++) {
        sum += (double)wf[i] * (double)af[i];
        abs += fabs((double)wf[i] * (double)af[i]);
    }
    free(wf);
    free(af);
    *abs_sum = abs;
    return sum;
}

/* vec_dot against the exact dot of its dequantized operands: only float
 * rounding of scales and accumulation may differ. */
static void test_dot_accumulation(void)
{
    rng_state = 1;
    for (size_t c = 0; c < N_DOT_CASES; c++) {
        operands_t o;
        operands_make(&o, dot_cases[c].type, N_DOT, 1.0f);
        double abs_sum, want = exact_dot(&o, &abs_sum), got = operands_dot(&o);
        double rel = fabs(got - want) / abs_sum;
        double bound = o.a->type == QUANT_Q8_1 ? QUANT_DOT_ACC_ERR_Q8_1 : QUANT_DOT_ACC_ERR;
        if (!(rel <= bound))
            fprintf(stderr, "\n  %s: vec_dot %.9g, exact %.9g, relative error %.3g\n", o.f->name, got, want, rel);
        CU_ASSERT(rel <= bound);
        CU_ASSERT(abs_sum > N_DOT / 10.0); /* the operands are not degenerate */
        operands_free(&o);
    }
}

/* The whole quantized dot against the float data it came from. */
static void test_dot_against_floats(void)
{
    rng_state = 2;
    for (size_t c = 0; c < N_DOT_CASES; c++) {
        if (dot_cases[c].dot_err == 0)
            continue; /* a K-quant: w does not come from x */
        operands_t o;
        operands_make(&o, dot_cases[c].type, N_DOT, 1.0f);
        double want = 0.0;
        for (size_t i = 0; i < N_DOT; i++)
            want += (double)o.x[i] * (double)o.y[i];
        double err = fabs(operands_dot(&o) - want) / N_DOT;
        if (!(err <= dot_cases[c].dot_err))
            fprintf(stderr, "\n  %s: error per element %.3g, bound %.3g\n", o.f->name, err, dot_cases[c].dot_err);
        CU_ASSERT(err <= dot_cases[c].dot_err);
        operands_free(&o);
    }
}

/*
 * The integer quants of one block: a copy of it with d = 1 (and m, dmin = 0)
 * dequantized. For the legacy formats those are the codes minus their
 * offset; for the K-quants scale * q per element. With d = 0 and dmin = 1
 * the K-quants give -min per element instead.
 */
static void block_ints(const quant_format_t *f, const uint8_t *blk, int d_off, float d, int m_off, float m,
                       int32_t *out)
{
    uint8_t copy[512];
    float v[QUANT_QK_K];
    memcpy(copy, blk, f->block_bytes);
    put16(copy + d_off, quant_f32_to_fp16(d));
    if (m_off >= 0)
        put16(copy + m_off, quant_f32_to_fp16(m));
    f->dequantize(copy, v, f->block_elems);
    bool integral = true;
    for (size_t i = 0; i < f->block_elems; i++) {
        integral &= v[i] == (float)(int32_t)v[i];
        out[i] = (int32_t)v[i];
    }
    CU_ASSERT(integral);
}

/* ggml's generic legacy dots, rebuilt from block_ints and the raw scales. */
static float legacy_reference(const operands_t *o)
{
    const quant_format_t *f = o->f, *a = o->a;
    bool affine = scale_layout_of(f->type)->m >= 0;
    float sum = 0.0f;
    for (size_t b = 0; b < o->n / QUANT_QK; b++) {
        const uint8_t *wb = o->w + b * f->block_bytes, *ab = o->act + b * a->block_bytes;
        int32_t wq[QUANT_QK], aq[QUANT_QK], sumi = 0;
        block_ints(f, wb, 0, 1.0f, affine ? 2 : -1, 0.0f, wq);
        block_ints(a, ab, 0, 1.0f, -1, 0.0f, aq);
        for (int j = 0; j < QUANT_QK; j++)
            sumi += wq[j] * aq[j];
        float dx = quant_fp16_to_f32(le16(wb)), dy = quant_fp16_to_f32(le16(ab));
        if (f->type == QUANT_Q4_0)
            sum += (float)sumi * dx * dy;
        else if (affine)
            sum += (dx * dy) * (float)sumi + quant_fp16_to_f32(le16(wb + 2)) * quant_fp16_to_f32(le16(ab + 2));
        else
            sum += (dx * dy) * (float)sumi;
    }
    return sum;
}

/* ggml's generic K-quant dots: integer lanes e % 8, eight float sums, mins
 * taken off a running total (Q2_K: one total per block). */
static float kquant_reference(const operands_t *o)
{
    const quant_format_t *f = o->f;
    const scale_layout_t *k = scale_layout_of(f->type);
    float sums[8] = { 0 }, sum = 0.0f;
    for (size_t b = 0; b < o->n / QUANT_QK_K; b++) {
        const uint8_t *wb = o->w + b * f->block_bytes, *ab = o->act + b * o->a->block_bytes;
        int32_t v[QUANT_QK_K], mins[QUANT_QK_K], lanes[8] = { 0 }, msum = 0;
        block_ints(f, wb, k->d, 1.0f, k->m, 0.0f, v);
        if (k->m >= 0)
            block_ints(f, wb, k->d, 0.0f, k->m, 1.0f, mins);
        for (int e = 0; e < QUANT_QK_K; e++)
            lanes[e % 8] += v[e] * (int8_t)ab[4 + e];
        for (int j = 0; k->m >= 0 && j < 16; j++)
            msum += (int16_t)le16(ab + 260 + 2 * j) * -mins[16 * j];
        float d = quant_fp16_to_f32(le16(wb + k->d));
        float dmin = k->m >= 0 ? quant_fp16_to_f32(le16(wb + k->m)) : 0.0f;
        float yd = f32_from_bits(le32(ab));
        if (f->type == QUANT_Q2_K) {
            int32_t isum = 0;
            for (int l = 0; l < 8; l++)
                isum += lanes[l];
            sum += (yd * d) * (float)isum - (yd * dmin) * (float)msum;
            continue;
        }
        for (int l = 0; l < 8; l++)
            sums[l] += (d * yd) * (float)lanes[l];
        if (k->m >= 0)
            sum -= (dmin * yd) * (float)msum;
    }
    if (f->type != QUANT_Q2_K)
        for (int l = 0; l < 8; l++)
            sum += sums[l];
    return sum;
}

/* IQ4_XS group g's scale minus 32, from the layout ggml-common.h gives. */
static int32_t iq4_xs_scale(const uint8_t *blk, int g)
{
    return (int32_t)((((blk[4 + g / 2] >> (4 * (g % 2))) & 0xf) | (((le16(blk + 2) >> (2 * g)) & 3) << 4))) - 32;
}

/* ggml's generic IQ4 dots: IQ4_NL (dy * dx) * sumi per block; IQ4_XS (dx * dy) * scale * sumi per group. */
static float iq4_reference(const operands_t *o)
{
    const quant_format_t *f = o->f, *a = o->a;
    bool xs = f->type == QUANT_IQ4_XS;
    float sum = 0.0f;
    for (size_t b = 0; b < o->n / f->block_elems; b++) {
        const uint8_t *wb = o->w + b * f->block_bytes, *ab = o->act + b * a->block_bytes;
        int32_t wq[QUANT_QK_K], aq[QUANT_QK_K];
        block_ints(f, wb, 0, 1.0f, -1, 0.0f, wq);
        float dx = quant_fp16_to_f32(le16(wb));
        if (!xs) {
            block_ints(a, ab, 0, 1.0f, -1, 0.0f, aq);
            int32_t sumi = 0;
            for (int j = 0; j < QUANT_QK; j++)
                sumi += wq[j] * aq[j];
            sum += (quant_fp16_to_f32(le16(ab)) * dx) * (float)sumi;
            continue;
        }
        float d = dx * f32_from_bits(le32(ab));
        for (int g = 0; g < 8; g++) {
            int32_t sumi = 0, scale = iq4_xs_scale(wb, g);
            for (int j = 32 * g; j < 32 * g + 32; j++)
                sumi += (scale ? wq[j] / scale : 0) * (int8_t)ab[4 + j]; /* block_ints gave level * scale */
            sum += d * (float)scale * (float)sumi;
        }
    }
    return sum;
}

/*
 * vec_dot equals, bit for bit, the reference rebuilt from integer quants: on
 * quantized or random rows, and on extreme blocks against activations of one
 * sign per block (large integer sums).
 */
static void test_dot_exact(void)
{
    rng_state = 3;
    for (size_t c = 0; c < N_DOT_CASES; c++) {
        for (int rep = 0; rep < 6 && format_of(dot_cases[c].type)->block_elems > 1; rep++) {
            operands_t o;
            operands_make(&o, dot_cases[c].type, N_DOT, rep == 1 ? 1000.0f : 1.0f);
            if (rep >= 2) {
                extreme_blocks(o.f, o.w, o.n);
                for (size_t i = 0; i < o.n; i++) {
                    size_t blk = i / o.f->block_elems;
                    o.y[i] = (0.5f + 0.5f * (float)rng_uniform()) * ((blk + rep) % 3 ? 1.0f : -1.0f);
                }
                o.a->quantize(o.y, o.act, o.n);
            }
            float got = operands_dot(&o);
            bool iq4 = o.f->type == QUANT_IQ4_NL || o.f->type == QUANT_IQ4_XS;
            float want = iq4 ? iq4_reference(&o) : o.f->block_elems == QUANT_QK ? legacy_reference(&o)
                                                                                  : kquant_reference(&o);
            if (f32_to_bits(got) != f32_to_bits(want))
                fprintf(stderr, "\n  %s rep %d: vec_dot %a, integer reference %a\n", o.f->name, rep, (double)got,
                        (double)want);
            CU_ASSERT_EQUAL(f32_to_bits(got), f32_to_bits(want));
            operands_free(&o);
        }
    }
}

/*
 * F32, F16, BF16 as ggml's scalar loop: each product rounded to float, the
 * sum kept in double. Three products (1 + 2^-12)^2 lose 2^-24 each as floats,
 * which a double product would keep (and round the total up); 2^24 + 1 + 1
 * would stay 2^24 in a float sum.
 */
static void test_dot_float_order(void)
{
    const float a = 1.0f + ldexpf(1.0f, -12);
    const float three[3] = { a, a, a };
    const float big[3] = { 4096.0f, 1.0f, 1.0f };
    uint8_t w[3 * 4], v[3 * 4];
    memcpy(w, three, sizeof three);
    CU_ASSERT_EQUAL(f32_to_bits(quant_vec_dot_f32(w, w, 3)), f32_to_bits(3.0f + 3 * ldexpf(1.0f, -11)));
    memcpy(w, big, sizeof big);
    CU_ASSERT_EQUAL(quant_vec_dot_f32(w, w, 3), 16777218.0f);
    quant_quantize_f16(big, v, 3);
    CU_ASSERT_EQUAL(quant_vec_dot_f16(v, v, 3), 16777218.0f);
    quant_quantize_bf16(big, v, 3);
    CU_ASSERT_EQUAL(quant_vec_dot_bf16(v, v, 3), 16777218.0f);
}

/* The same dot with both rows at odd addresses. */
static void test_dot_unaligned(void)
{
    rng_state = 4;
    for (size_t c = 0; c < N_DOT_CASES; c++) {
        operands_t o;
        operands_make(&o, dot_cases[c].type, 512, 1.0f);
        void *w = copy_odd(o.w, bytes_of(o.f, o.n)), *act = copy_odd(o.act, bytes_of(o.a, o.n));
        CU_ASSERT_EQUAL(f32_to_bits(o.f->vec_dot(w, act, o.n)), f32_to_bits(operands_dot(&o)));
        free_odd(act);
        free_odd(w);
        operands_free(&o);
    }
}

/* ---------------------------------------------------------- round trips */

static double round_trip_rmse(const quant_format_t *f, const float *x, size_t n)
{
    uint8_t *q = malloc(bytes_of(f, n));
    float *back = malloc(n * sizeof(float));
    CU_ASSERT_FATAL(q && back);
    f->quantize(x, q, n);
    f->dequantize(q, back, n);
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        num += ((double)x[i] - back[i]) * ((double)x[i] - back[i]);
        den += (double)x[i] * x[i];
    }
    free(back);
    free(q);
    return sqrt(num / den);
}

static void test_round_trip(void)
{
    static const struct { quant_type_t type; double bound; } cases[] = {
        { QUANT_Q4_0, QUANT_RMSE_Q4_0 }, { QUANT_Q4_1, QUANT_RMSE_Q4_1 }, { QUANT_Q5_0, QUANT_RMSE_Q5_0 },
        { QUANT_Q5_1, QUANT_RMSE_Q5_1 }, { QUANT_Q8_0, QUANT_RMSE_Q8_0 }, { QUANT_Q8_1, QUANT_RMSE_Q8_1 },
        { QUANT_Q8_K, QUANT_RMSE_Q8_K }, { QUANT_F16, QUANT_RMSE_F16 }, { QUANT_BF16, QUANT_RMSE_BF16 },
        { QUANT_F32, 0.0 },
    };
    rng_state = 5;
    float *x = malloc(N_DOT * sizeof(float));
    CU_ASSERT_FATAL(x != NULL);
    fill_normal(x, N_DOT, 1.0f);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const quant_format_t *f = format_of(cases[c].type);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        double e = round_trip_rmse(f, x, N_DOT);
        if (!(e <= cases[c].bound))
            fprintf(stderr, "\n  %s: round-trip relative RMS error %.4g, bound %.4g\n", f->name, e, cases[c].bound);
        CU_ASSERT(e <= cases[c].bound);
        /* A bound far above the error would not catch a worse quantizer. */
        CU_ASSERT(cases[c].bound == 0.0 || e > cases[c].bound / 2);
    }
    free(x);
}

/* Q8_K: bsums are the sums of each 16 quants, the largest |x| maps to 127,
 * and an all-zero block is all zero. */
static void test_q8_k_sums(void)
{
    rng_state = 6;
    const quant_format_t *f = format_of(QUANT_Q8_K);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    enum { NB = 6 };
    float x[NB * QUANT_QK_K];
    uint8_t q[NB * 292];
    fill_normal(x, sizeof x / sizeof x[0], 1.0f);
    for (int i = 0; i < QUANT_QK_K; i++)
        x[QUANT_QK_K + i] = 0.0f;                         /* block 1: zeros */
    for (int i = 0; i < QUANT_QK_K; i++)
        x[2 * QUANT_QK_K + i] = 1e6f * x[2 * QUANT_QK_K + i]; /* block 2: large */
    for (int i = 0; i < QUANT_QK_K; i++)
        x[3 * QUANT_QK_K + i] = -fabsf(x[3 * QUANT_QK_K + i]); /* block 3: all negative */
    memset(q, 0xee, sizeof q);
    f->quantize(x, q, sizeof x / sizeof x[0]);
    for (int b = 0; b < NB; b++) {
        const uint8_t *blk = q + b * 292;
        int maxabs = 0;
        for (int j = 0; j < 16; j++) {
            int sum = 0;
            for (int l = 0; l < 16; l++) {
                int v = (int8_t)blk[4 + 16 * j + l];
                sum += v;
                maxabs = abs(v) > maxabs ? abs(v) : maxabs;
            }
            CU_ASSERT_EQUAL((int16_t)le16(blk + 260 + 2 * j), sum);
        }
        CU_ASSERT_EQUAL(maxabs, b == 1 ? 0 : 127);
        if (b == 1)
            CU_ASSERT_EQUAL(le32(blk), 0);
    }
}

/* ---------------------------------------------------------- the table */

static void test_lookup_supported(void)
{
    static const struct {
        uint32_t id;
        const char *name;
        size_t elems, bytes;
        uint32_t dot_type;
        bool quantize, dot;
    } want[] = {
        { 0, "F32", 1, 4, 0, true, true },       { 1, "F16", 1, 2, 1, true, true },
        { 2, "Q4_0", 32, 18, 8, true, true },    { 3, "Q4_1", 32, 20, 9, true, true },
        { 6, "Q5_0", 32, 22, 8, true, true },    { 7, "Q5_1", 32, 24, 9, true, true },
        { 8, "Q8_0", 32, 34, 8, true, true },    { 9, "Q8_1", 32, 36, 9, true, false },
        { 10, "Q2_K", 256, 84, 15, false, true }, { 11, "Q3_K", 256, 110, 15, false, true },
        { 12, "Q4_K", 256, 144, 15, false, true }, { 13, "Q5_K", 256, 176, 15, false, true },
        { 14, "Q6_K", 256, 210, 15, false, true }, { 15, "Q8_K", 256, 292, 15, true, false },
        { 20, "IQ4_NL", 32, 18, 8, false, true }, { 23, "IQ4_XS", 256, 136, 15, false, true },
        { 30, "BF16", 1, 2, 30, true, true },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const quant_format_t *f = NULL;
        err_t e;
        CU_ASSERT_EQUAL_FATAL(quant_lookup(want[i].id, &f, &e), ERR_OK);
        CU_ASSERT_EQUAL((uint32_t)f->type, want[i].id);
        CU_ASSERT_STRING_EQUAL(f->name, want[i].name);
        CU_ASSERT_STRING_EQUAL(quant_type_name(want[i].id), want[i].name);
        CU_ASSERT_EQUAL(f->block_elems, want[i].elems);
        CU_ASSERT_EQUAL(f->block_bytes, want[i].bytes);
        CU_ASSERT_EQUAL((uint32_t)f->vec_dot_type, want[i].dot_type);
        CU_ASSERT_PTR_NOT_NULL(f->dequantize);
        CU_ASSERT_EQUAL(f->quantize != NULL, want[i].quantize);
        CU_ASSERT_EQUAL(f->vec_dot != NULL, want[i].dot);
        /* The activation format of every dot product can be produced. */
        const quant_format_t *a = format_of(f->vec_dot_type);
        CU_ASSERT(a != NULL && a->quantize != NULL && a->block_elems == f->block_elems);
    }
}

static void test_lookup_refused(void)
{
    static const quant_format_t sentinel;
    const quant_format_t *f = &sentinel; /* a refused lookup leaves it alone */
    err_t e;

    CU_ASSERT_EQUAL(quant_lookup(16, &f, &e), ERR_UNSUPPORTED);
    CU_ASSERT_EQUAL(e.code, ERR_UNSUPPORTED);
    CU_ASSERT_STRING_EQUAL(e.msg, "unsupported tensor type 16 (IQ2_XXS)");
    CU_ASSERT_EQUAL(quant_lookup(39, &f, &e), ERR_UNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "MXFP4"));
    CU_ASSERT_EQUAL(quant_lookup(28, &f, &e), ERR_UNSUPPORTED);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "F64"));
    CU_ASSERT_EQUAL(quant_lookup(4, &f, &e), ERR_UNSUPPORTED);
    CU_ASSERT_STRING_EQUAL(e.msg, "unsupported tensor type 4 (Q4_2, removed from ggml)");

    CU_ASSERT_EQUAL(quant_lookup(200, &f, &e), ERR_FORMAT);
    CU_ASSERT_EQUAL(e.code, ERR_FORMAT);
    CU_ASSERT_STRING_EQUAL(e.msg, "unknown tensor type 200");
    CU_ASSERT_EQUAL(quant_lookup(42, &f, &e), ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "42"));
    CU_ASSERT_EQUAL(quant_lookup(UINT32_MAX, &f, &e), ERR_FORMAT);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "4294967295"));
    CU_ASSERT_EQUAL(quant_lookup(5, &f, NULL), ERR_UNSUPPORTED); /* a NULL err is allowed */
    CU_ASSERT_PTR_EQUAL(f, &sentinel);

    CU_ASSERT_STRING_EQUAL(quant_type_name(16), "IQ2_XXS");
    CU_ASSERT_STRING_EQUAL(quant_type_name(35), "TQ2_0");
    CU_ASSERT_STRING_EQUAL(quant_type_name(200), "unknown");
    CU_ASSERT_STRING_EQUAL(quant_type_name(UINT32_MAX), "unknown");
}

static void test_row_bytes(void)
{
    const quant_format_t *q4 = format_of(QUANT_Q4_0), *q6k = format_of(QUANT_Q6_K), *f32 = format_of(QUANT_F32);
    CU_ASSERT_FATAL(q4 && q6k && f32);
    uint64_t b = 12345;
    CU_ASSERT(quant_row_bytes(q4, 0, &b) && b == 0);
    CU_ASSERT(quant_row_bytes(q4, 4096, &b) && b == 4096 / 32 * 18);
    CU_ASSERT(quant_row_bytes(q6k, 256, &b) && b == 210);
    CU_ASSERT(quant_row_bytes(f32, 7, &b) && b == 28);
    b = 12345;
    CU_ASSERT(!quant_row_bytes(q4, 33, &b));
    CU_ASSERT(!quant_row_bytes(q6k, 4096 + 32, &b));
    CU_ASSERT(!quant_row_bytes(q4, UINT64_MAX, &b));             /* not a multiple */
    CU_ASSERT_EQUAL(b, 12345);

    /* Sizes past uint64: only formats with more bytes than elements get there. */
    const quant_format_t *f16 = format_of(QUANT_F16);
    CU_ASSERT_FATAL(f16 != NULL);
    CU_ASSERT(!quant_row_bytes(f32, UINT64_MAX / 4 + 1, &b));
    CU_ASSERT(!quant_row_bytes(f16, UINT64_MAX / 2 + 1, &b));
    CU_ASSERT(!quant_row_bytes(f32, UINT64_MAX, &b));
    CU_ASSERT_EQUAL(b, 12345);
    CU_ASSERT(quant_row_bytes(f32, UINT64_MAX / 4, &b) && b == UINT64_MAX / 4 * 4);
    CU_ASSERT(quant_row_bytes(f16, UINT64_MAX / 2, &b) && b == UINT64_MAX - 1);
    /* The largest multiple of 32 fits: 2^59 - 1 blocks of 18 bytes. */
    CU_ASSERT(quant_row_bytes(q4, UINT64_MAX - 31, &b) && b == (((uint64_t)1 << 59) - 1) * 18);
}

TEST_REGISTER(test_quant_register)
{
    CU_pSuite s = test_suite("quant");
    TEST_ADD(s, test_lookup_supported);
    TEST_ADD(s, test_lookup_refused);
    TEST_ADD(s, test_row_bytes);
    TEST_ADD(s, test_fp16_to_f32_exhaustive);
    TEST_ADD(s, test_bf16_exhaustive);
    TEST_ADD(s, test_conversion_edges);
    TEST_ADD(s, test_dequantize_goldens);
    TEST_ADD(s, test_quantize_goldens);
    TEST_ADD(s, test_dot_accumulation);
    TEST_ADD(s, test_dot_against_floats);
    TEST_ADD(s, test_dot_exact);
    TEST_ADD(s, test_dot_float_order);
    TEST_ADD(s, test_dot_unaligned);
    TEST_ADD(s, test_round_trip);
    TEST_ADD(s, test_q8_k_sums);
}

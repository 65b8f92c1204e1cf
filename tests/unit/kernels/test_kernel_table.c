/*
 * The kernel table as a whole (llm/kernels/kernels.h): every slot of every
 * format, at every level this CPU runs, against its scalar twin, found by
 * walking the table rather than from a hand list, so a SIMD kernel added to
 * an architecture table is compared the day it appears, and one without a
 * scalar twin fails. Dots, quantizers, tiles, attention and the element-wise
 * kernels must give the scalar bits (any NaN equals any NaN); the F32, F16
 * and BF16 weight dots, the one documented exception, must stay inside the
 * bound their header proves. Then the scalar kernels on values with known
 * results, and the level names and the feature mapping.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "llm/kernels/kernels.h"
#include "llm/quant/blocks.h"
#include "llm/support/bits.h"
#include "tests/unit/suites.h"

#define MAX_ELEMS 2048 /* the longest row: 8 super-blocks */
#define HEAD_DIM 64
#define MAX_POS 17
#define MAX_BLOCKS ((MAX_POS + KERN_KV_BLOCK_POS - 1) / KERN_KV_BLOCK_POS)

#define KERNEL_TEST_SEED 0x9e3779b97f4a7c15ull
#include "tests/unit/kernels/kernel_test.h"

static void random_floats(float *x, size_t n, float scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = unit() * scale;
}

/* The dots whose twins may differ from the scalar ones, within a proven bound (llm/kernels/aarch64/quant_neon_float.h). */
static bool dot_is_bounded(quant_type_t t)
{
    return t == QUANT_F32 || t == QUANT_F16 || t == QUANT_BF16;
}

/* An fp16 field at p: a small normal scale, as real blocks have. */
static void put_scale(uint8_t *p)
{
    uint16_t h = quant_f32_to_fp16(0.001f + (unit() + 1.0f) * 0.01f);
    p[0] = (uint8_t)h, p[1] = (uint8_t)(h >> 8);
}

/* The fp16 scale fields of a K-quant block (the rest of a random block is any bytes). */
static void k_scales(quant_type_t t, uint8_t *blk)
{
    switch (t) {
    case QUANT_Q2_K: put_scale(blk + offsetof(block_q2_k, d)), put_scale(blk + offsetof(block_q2_k, dmin)); break;
    case QUANT_Q3_K: put_scale(blk + offsetof(block_q3_k, d)); break;
    case QUANT_Q4_K: put_scale(blk + offsetof(block_q4_k, d)), put_scale(blk + offsetof(block_q4_k, dmin)); break;
    case QUANT_Q5_K: put_scale(blk + offsetof(block_q5_k, d)), put_scale(blk + offsetof(block_q5_k, dmin)); break;
    case QUANT_Q6_K: put_scale(blk + offsetof(block_q6_k, d)); break;
    default: break;
    }
}

/* n elements of format f at dst: quantized random floats, or random blocks where we have no quantizer. */
static void fill_row(const quant_format_t *f, uint8_t *dst, size_t n)
{
    static float x[MAX_ELEMS];
    if (f->quantize) {
        random_floats(x, n, 1.0f + (float)(next() % 4));
        f->quantize(x, dst, n);
        return;
    }
    size_t blocks = n / f->block_elems;
    for (size_t i = 0; i < blocks * f->block_bytes; i++)
        dst[i] = (uint8_t)next();
    for (size_t b = 0; b < blocks; b++)
        k_scales(f->type, dst + b * f->block_bytes);
}

/* Row lengths for format f: several blocks, and 1 ... 37 elements for the unblocked formats. */
static size_t row_len(const quant_format_t *f, int k)
{
    static const size_t blocks[] = { 1, 2, 3, 5, 8 };
    if (f->block_elems == 1)
        return (size_t)(1 + k * 9);
    return f->block_elems * blocks[k] <= MAX_ELEMS ? f->block_elems * blocks[k] : f->block_elems;
}
#define ROW_LENS 5

typedef struct walk {
    int compared; /* slots compared with a twin */
    int bad;
} walk_t;

static void fail(walk_t *w, const char *what, const char *fmt_name, kern_level_t l, size_t n)
{
    if (w->bad++ < 8)
        fprintf(stderr, "\n  %s %s at %s (n %zu)", fmt_name, what, kern_level_name(l), n);
}

static void check_dot(walk_t *w, const kern_table_t *t, const kern_table_t *s, const quant_format_t *f)
{
    static uint8_t wbuf[MAX_ELEMS * 4 + 1], abuf[MAX_ELEMS * 4];
    static float wf[MAX_ELEMS], af[MAX_ELEMS];
    const quant_format_t *fa;
    if (quant_lookup(f->vec_dot_type, &fa, NULL) != ERR_OK)
        return (void)fail(w, "vec_dot: no activation format", f->name, t->level, 0);
    for (int k = 0; k < ROW_LENS; k++) {
        size_t n = row_len(f, k);
        uint8_t *wr = wbuf + (k & 1); /* weights sit at any address */
        fill_row(f, wr, n);
        fill_row(fa, abuf, n);
        float want = s->formats[f->type].vec_dot(wr, abuf, n), got = t->formats[f->type].vec_dot(wr, abuf, n);
        if (!dot_is_bounded(f->type)) {
            if (!same(want, got))
                fail(w, "vec_dot differs from the scalar twin", f->name, t->level, n);
            continue;
        }
        f->dequantize(wr, wf, n);
        fa->dequantize(abuf, af, n);
        double a = 0.0;
        for (size_t i = 0; i < n; i++)
            a += fabs((double)(wf[i] * af[i]));
        double bound = (double)(n + 1) * 0x1p-52 * a + nextafterf(fmaxf(fabsf(want), fabsf(got)), INFINITY) -
                       fmaxf(fabsf(want), fabsf(got));
        if (!(fabs((double)want - (double)got) <= bound))
            fail(w, "vec_dot is beyond its bound", f->name, t->level, n);
    }
    w->compared++;
}

static void check_quantize(walk_t *w, const kern_table_t *t, const kern_table_t *s, const quant_format_t *f)
{
    static float x[MAX_ELEMS];
    static uint8_t want[MAX_ELEMS * 4 + 8], got[MAX_ELEMS * 4 + 8];
    for (int k = 0; k < ROW_LENS + 2; k++) {
        size_t n = row_len(f, k % ROW_LENS);
        random_floats(x, n, k == ROW_LENS ? 0.0f : 100.0f);
        if (k == ROW_LENS + 1)
            x[n / 2] = 3.0e4f; /* one outlier */
        memset(want, 0x5a, sizeof want);
        memset(got, 0x5a, sizeof got);
        s->formats[f->type].quantize(x, want + 1, n);
        t->formats[f->type].quantize(x, got + 1, n);
        if (memcmp(want, got, sizeof want) != 0)
            fail(w, "quantize differs from the scalar twin", f->name, t->level, n);
    }
    w->compared++;
}

static void check_tile(walk_t *w, const kern_table_t *t, const kern_table_t *s, const quant_format_t *f)
{
    static uint8_t wbuf[4 * MAX_ELEMS * 2], abuf[3 * MAX_ELEMS * 2], wide[3 * MAX_ELEMS * 4];
    static float out[3 * 4];
    const kern_tile_t *tile = &t->formats[f->type].tile;
    const quant_format_t *fa;
    if (quant_lookup(f->vec_dot_type, &fa, NULL) != ERR_OK || !s->formats[f->type].vec_dot)
        return (void)fail(w, "tile: no scalar dot to check it by", f->name, t->level, 0);
    for (int k = 0; k < 3; k++) {
        size_t n = row_len(f, k), wrow = n / f->block_elems * f->block_bytes, arow = n / fa->block_elems * fa->block_bytes;
        uint32_t n_act = (uint32_t)k + 1;
        for (int r = 0; r < 4; r++)
            fill_row(f, wbuf + r * wrow, n);
        for (uint32_t a = 0; a < n_act; a++)
            fill_row(fa, abuf + a * arow, n);
        const uint8_t *act = abuf;
        size_t stride = arow;
        if (tile->widen) {
            stride = n / QUANT_QK * tile->wide_block_bytes;
            for (uint32_t a = 0; a < n_act; a++)
                tile->widen(abuf + a * arow, wide + a * stride, n);
            act = wide;
        }
        tile->run(wbuf, wrow, act, stride, n_act, n, out, 4);
        for (uint32_t a = 0; a < n_act; a++)
            for (int r = 0; r < 4; r++)
                if (!same(out[a * 4 + r], s->formats[f->type].vec_dot(wbuf + r * wrow, abuf + a * arow, n)))
                    fail(w, "tile differs from the scalar dot", f->name, t->level, n);
    }
    w->compared++;
}

/* The attention slot of format f in table t: exact or fast (both are defined to the bit). */
static kern_attend_fn attend_slot(const kern_table_t *t, const quant_format_t *f, bool fast)
{
    return fast ? t->formats[f->type].attend_fast : t->formats[f->type].attend;
}

static void check_attend(walk_t *w, const kern_table_t *t, const kern_table_t *s, const quant_format_t *f, bool fast)
{
    /* The scalar twin reads positions in order (blocks 0, 1, ...), the level's twin a paged copy in reversed blocks. */
    enum { SLOTS = MAX_BLOCKS * KERN_KV_BLOCK_POS };
    static float kv[2][MAX_POS * HEAD_DIM], q[HEAD_DIM], sc[2][MAX_POS], out[2][HEAD_DIM];
    static uint8_t k[2][SLOTS * HEAD_DIM * 4], v[2][SLOTS * HEAD_DIM * 4];
    static double work[2][KERN_ATTEND_WORK_BYTES(HEAD_DIM) / sizeof(double)];
    static const uint32_t lens[] = { 1, 5, MAX_POS };
    uint32_t in_order[MAX_BLOCKS], reversed[MAX_BLOCKS];
    for (uint32_t b = 0; b < MAX_BLOCKS; b++)
        in_order[b] = b;
    reversed_blocks(reversed, MAX_BLOCKS);
    size_t row = HEAD_DIM / f->block_elems * f->block_bytes;
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        random_floats(kv[0], MAX_POS * HEAD_DIM, 2.0f);
        random_floats(kv[1], MAX_POS * HEAD_DIM, 2.0f);
        random_floats(q, HEAD_DIM, 2.0f);
        for (uint32_t p = 0; p < lens[i]; p++) {
            for (int c = 0; c < 2; c++) {
                uint32_t slot = c ? reversed_slot(reversed, p) : p;
                s->formats[f->type].quantize(kv[0] + p * HEAD_DIM, k[c] + slot * row, HEAD_DIM);
                s->formats[f->type].quantize(kv[1] + p * HEAD_DIM, v[c] + slot * row, HEAD_DIM);
            }
        }
        /* every position, then sliding windows starting on and off a multiple of four */
        uint32_t t0s[] = { 0, lens[i] / 2, lens[i] - 1, lens[i] > 8 ? 8 : 0, lens[i] > 9 ? 9 : 0 };
        for (size_t j = 0; j < sizeof t0s / sizeof t0s[0]; j++) {
            kern_kv_head_t h0 = test_kv_head(f, k[0], v[0], in_order, row, t0s[j], lens[i], HEAD_DIM, 0.125f);
            kern_kv_head_t h1 = test_kv_head(f, k[1], v[1], reversed, row, t0s[j], lens[i], HEAD_DIM, 0.125f);
            attend_slot(s, f, fast)(&h0, q, sc[0], work[0], out[0]);
            attend_slot(t, f, fast)(&h1, q, sc[1], work[1], out[1]);
            for (int d = 0; d < HEAD_DIM; d++)
                if (!same(out[0][d], out[1][d]))
                    fail(w, fast ? "attend_fast differs from the scalar twin" : "attend differs from the scalar twin",
                         f->name, t->level, lens[i] * 1000 + t0s[j]);
        }
    }
    w->compared++;
}

/* The grouped slot: each of n_q heads the bits of the scalar attend_fast alone (paged cache in reversed blocks). */
static void check_attend_group(walk_t *w, const kern_table_t *t, const kern_table_t *s, const quant_format_t *f)
{
    enum { N_Q = 3, SLOTS = MAX_BLOCKS * KERN_KV_BLOCK_POS };
    static float kv[2][MAX_POS * HEAD_DIM], q[N_Q * HEAD_DIM], sc[N_Q * MAX_POS], one_sc[MAX_POS];
    static float out[2][N_Q * HEAD_DIM];
    static uint8_t k[SLOTS * HEAD_DIM * 4], v[SLOTS * HEAD_DIM * 4];
    static double work[N_Q * KERN_ATTEND_WORK_BYTES(HEAD_DIM) / sizeof(double)];
    static const uint32_t lens[] = { 1, 6, MAX_POS };
    uint32_t blocks[MAX_BLOCKS];
    reversed_blocks(blocks, MAX_BLOCKS);
    size_t row = HEAD_DIM / f->block_elems * f->block_bytes;
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        random_floats(kv[0], MAX_POS * HEAD_DIM, 2.0f);
        random_floats(kv[1], MAX_POS * HEAD_DIM, 2.0f);
        random_floats(q, N_Q * HEAD_DIM, 2.0f);
        for (uint32_t p = 0; p < lens[i]; p++) {
            s->formats[f->type].quantize(kv[0] + p * HEAD_DIM, k + reversed_slot(blocks, p) * row, HEAD_DIM);
            s->formats[f->type].quantize(kv[1] + p * HEAD_DIM, v + reversed_slot(blocks, p) * row, HEAD_DIM);
        }
        uint32_t t0s[] = { 0, lens[i] / 2, lens[i] - 1 };
        for (size_t j = 0; j < sizeof t0s / sizeof t0s[0]; j++) {
            kern_kv_head_t h = test_kv_head(f, k, v, blocks, row, t0s[j], lens[i], HEAD_DIM, 0.125f);
            for (uint32_t n_q = 1; n_q <= N_Q; n_q++) {
                t->formats[f->type].attend_fast_group(&h, q, n_q, sc, work, out[1]);
                for (uint32_t g = 0; g < n_q; g++)
                    s->formats[f->type].attend_fast(&h, q + g * HEAD_DIM, one_sc, work, out[0] + g * HEAD_DIM);
                for (uint32_t d = 0; d < n_q * HEAD_DIM; d++)
                    if (!same(out[0][d], out[1][d]))
                        fail(w, "attend_fast_group differs from the scalar attend_fast", f->name, t->level,
                             lens[i] * 1000 + t0s[j]);
            }
        }
    }
    w->compared++;
}

/* One format's slots: each non-NULL one needs a scalar twin and must match it. */
static void check_format(walk_t *w, const kern_table_t *t, const kern_table_t *s, uint32_t id)
{
    const kern_format_t *k = &t->formats[id], *ref = &s->formats[id];
    const quant_format_t *f;
    if (quant_lookup(id, &f, NULL) != ERR_OK) {
        if (k->vec_dot || k->quantize || k->tile.run || k->attend || k->attend_fast || k->attend_fast_group)
            fail(w, "has a kernel", "an unknown type id", t->level, id);
        return;
    }
    if (k->vec_dot)
        ref->vec_dot ? check_dot(w, t, s, f) : fail(w, "vec_dot has no scalar twin", f->name, t->level, 0);
    if (k->quantize)
        ref->quantize ? check_quantize(w, t, s, f) : fail(w, "quantize has no scalar twin", f->name, t->level, 0);
    if (k->tile.run)
        check_tile(w, t, s, f);
    if (k->attend)
        ref->attend && f->quantize ? check_attend(w, t, s, f, false)
                                   : fail(w, "attend has no scalar twin", f->name, t->level, 0);
    if (k->attend_fast)
        ref->attend_fast && f->quantize ? check_attend(w, t, s, f, true)
                                        : fail(w, "attend_fast has no scalar twin", f->name, t->level, 0);
    if (k->attend_fast_group)
        ref->attend_fast && f->quantize ? check_attend_group(w, t, s, f)
                                        : fail(w, "attend_fast_group has no scalar twin", f->name, t->level, 0);
}

static void check_elementwise(walk_t *w, const kern_table_t *t, const kern_table_t *s)
{
    static const uint32_t lens[] = { 1, 3, 7, 64, 130, 577 };
    static float x[2][640], y[640], g[640];
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        uint32_t n = lens[i];
        random_floats(y, n, 3.0f);
        random_floats(g, n, 3.0f);
        random_floats(x[0], n, 8.0f);
        s->rmsnorm(x[1], x[0], y, n, 1e-5f);
        t->rmsnorm(x[0], x[0], y, n, 1e-5f); /* in place too: the forward pass never is, but it is allowed */
        for (uint32_t j = 0; j < n; j++)
            if (!same(x[0][j], x[1][j]))
                fail(w, "differs from the scalar twin", "rmsnorm", t->level, n);
        random_floats(x[0], n, 20.0f);
        memcpy(x[1], x[0], n * sizeof(float));
        s->softmax(x[0], n), t->softmax(x[1], n);
        random_floats(y, n, 3.0f);
        for (uint32_t j = 0; j < n; j++)
            if (!same(x[0][j], x[1][j]))
                fail(w, "differs from the scalar twin", "softmax", t->level, n);
        random_floats(x[0], n, 6.0f);
        memcpy(x[1], x[0], n * sizeof(float));
        s->swiglu(x[0], y, n), t->swiglu(x[1], y, n);
        s->add(x[0], g, n), t->add(x[1], g, n);
        for (uint32_t j = 0; j < n; j++)
            if (!same(x[0][j], x[1][j]))
                fail(w, "differ from the scalar twins", "swiglu, add", t->level, n);
    }
    for (uint32_t n_rot = 2; n_rot <= HEAD_DIM; n_rot *= 4) {
        static float cs[HEAD_DIM];
        for (uint32_t j = 0; j < n_rot; j += 2) {
            float a = unit() * 3.0f;
            cs[j] = cosf(a), cs[j + 1] = sinf(a);
        }
        random_floats(x[0], 3 * HEAD_DIM, 4.0f);
        memcpy(x[1], x[0], 3 * HEAD_DIM * sizeof(float));
        s->rope(x[0], 3, HEAD_DIM, cs, n_rot), t->rope(x[1], 3, HEAD_DIM, cs, n_rot);
        for (uint32_t j = 0; j < 3 * HEAD_DIM; j++)
            if (!same(x[0][j], x[1][j]))
                fail(w, "differs from the scalar twin", "rope", t->level, n_rot);
        s->rope_neox(x[0], 3, HEAD_DIM, cs, n_rot), t->rope_neox(x[1], 3, HEAD_DIM, cs, n_rot);
        for (uint32_t j = 0; j < 3 * HEAD_DIM; j++)
            if (!same(x[0][j], x[1][j]))
                fail(w, "differs from the scalar twin", "rope_neox", t->level, n_rot);
    }
    {
        static uint16_t table[65536];
        for (uint32_t i = 0; i < 65536; i++)
            table[i] = (uint16_t)(i * 2654435761u >> 16); /* any table: the slot must look it up */
        float g[2][64], up[64];
        random_floats(g[0], 64, 16.0f); /* both sides of +-10 */
        random_floats(up, 64, 2.0f);
        memcpy(g[1], g[0], sizeof g[0]);
        s->geglu(g[0], up, 64, table), t->geglu(g[1], up, 64, table);
        for (uint32_t j = 0; j < 64; j++)
            if (!same(g[0][j], g[1][j]))
                fail(w, "differs from the scalar twin", "geglu", t->level, 64);
    }
    w->compared += 7;
}

static void test_every_slot_at_every_level(void)
{
    kern_table_t s, t;
    kern_table_build(KERN_SCALAR, &s);
    walk_t w = { 0 };
    int levels = 0;
    for (unsigned l = KERN_SCALAR; l <= (unsigned)kern_level(); l++, levels++) {
        kern_table_build((kern_level_t)l, &t);
        CU_ASSERT_EQUAL(t.level, (kern_level_t)l); /* this CPU runs every level up to the selected one */
        for (uint32_t id = 0; id < QUANT_TYPE_IDS; id++)
            check_format(&w, &t, &s, id);
        check_elementwise(&w, &t, &s);
    }
    fprintf(stderr, "(levels scalar..%s, %d slots compared) ", kern_level_name(kern_level()), w.compared);
    CU_ASSERT_EQUAL(w.bad, 0);
    /* at least what the scalar level has: 13 dots, 10 quantizers, 4 attends, 7 element-wise */
    CU_ASSERT(w.compared >= 34 * levels);
}

/* The scalar table is the format table's own kernels; unknown ids are empty at every level. */
static void test_scalar_table(void)
{
    kern_table_t s, t;
    kern_table_build(KERN_SCALAR, &s);
    CU_ASSERT_EQUAL(s.level, KERN_SCALAR);
    for (uint32_t id = 0; id < QUANT_TYPE_IDS; id++) {
        const quant_format_t *f;
        if (quant_lookup(id, &f, NULL) == ERR_OK) {
            CU_ASSERT_PTR_EQUAL(s.formats[id].vec_dot, f->vec_dot);
            CU_ASSERT_PTR_EQUAL(s.formats[id].quantize, f->quantize);
        }
        CU_ASSERT_PTR_NULL(s.formats[id].tile.run);
        bool cache_type = id == QUANT_F32 || id == QUANT_F16 || id == QUANT_Q8_0 || id == QUANT_Q4_0;
        CU_ASSERT((s.formats[id].attend != NULL) == cache_type);
        CU_ASSERT((s.formats[id].attend_fast != NULL) == cache_type);
        CU_ASSERT_PTR_NULL(s.formats[id].attend_fast_group); /* one head at a time is the reference */
    }
    kern_table_build(KERN_I8MM, &t); /* the best this build has */
    CU_ASSERT_PTR_NULL(t.formats[4].vec_dot);
    CU_ASSERT_PTR_NULL(t.formats[16].quantize);
    CU_ASSERT(t.rmsnorm && t.rope && t.rope_neox && t.softmax && t.swiglu && t.geglu && t.add);
}

/* The scalar kernels on values with known results. */
static void test_scalar_references(void)
{
    float x[6] = { 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, 6.0f }, w[6] = { 1, 1, 1, 1, 1, 1 }, o[6];
    vec_rmsnorm_scalar(o, x, w, 6, 0.0f);
    double ss = 0;
    for (int i = 0; i < 6; i++)
        ss += o[i] * o[i];
    CU_ASSERT_DOUBLE_EQUAL(ss, 6.0, 1e-5);

    float s[5] = { 0.0f, 0.0f, 0.0f, 0.0f, 0.0f };
    vec_softmax_scalar(s, 5);
    for (int i = 0; i < 5; i++)
        CU_ASSERT(same(s[i], 0.2f));

    float g[5] = { 0.0f, 1.0f, -1.0f, 2.0f, 0.5f }, up[5] = { 1, 1, 1, 1, 1 };
    vec_swiglu_scalar(g, up, 5);
    CU_ASSERT(same(g[0], 0.0f));
    CU_ASSERT_DOUBLE_EQUAL(g[1], 1.0 / (1.0 + exp(-1.0)), 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(g[4], 0.5 / (1.0 + exp(-0.5)), 1e-7);

    float r[4] = { 1.0f, 2.0f, 3.0f, 4.0f }, cs[2] = { 0.0f, 1.0f }; /* a quarter turn */
    vec_rope_scalar(r, 2, 2, cs, 2);
    CU_ASSERT(same(r[0], -2.0f) && same(r[1], 1.0f) && same(r[2], -4.0f) && same(r[3], 3.0f));
    /* NEOX pairs halves: (x0, x2) and (x1, x3) of a 4-wide head, both a quarter turn */
    float rn[4] = { 1.0f, 2.0f, 3.0f, 4.0f }, cs2[4] = { 0.0f, 1.0f, 0.0f, 1.0f };
    vec_rope_neox_scalar(rn, 1, 4, cs2, 4);
    CU_ASSERT(same(rn[0], -3.0f) && same(rn[1], -4.0f) && same(rn[2], 1.0f) && same(rn[3], 2.0f));

    /* GeGLU: the table below -10 .. 10, exact outside */
    static uint16_t gelu[65536];
    gelu[quant_f32_to_fp16(1.0f)] = quant_f32_to_fp16(0.75f);
    float gg[3] = { 1.0f, -10.0f, 12.0f }, gu[3] = { 2.0f, 5.0f, 0.5f };
    vec_geglu_scalar(gg, gu, 3, gelu);
    CU_ASSERT(same(gg[0], 1.5f) && same(gg[1], 0.0f) && same(gg[2], 6.0f));

    float a[3] = { 1.0f, 2.0f, 3.0f }, b[3] = { 0.5f, -2.0f, 1.0f };
    vec_add_scalar(a, b, 3);
    CU_ASSERT(same(a[0], 1.5f) && same(a[1], 0.0f) && same(a[2], 4.0f));

    /* one position: the output is its value row */
    const quant_format_t *f;
    CU_ASSERT_EQUAL_FATAL(quant_lookup(QUANT_F32, &f, NULL), ERR_OK);
    float k[3] = { unit(), unit(), unit() }, v[3] = { 0.25f, -3.0f, 7.5f }, q[3] = { 1, 2, 3 }, out[3], sc[1];
    double work[6];
    static const uint32_t block0[1] = { 0 };
    kern_kv_head_t h = test_kv_head(f, k, v, block0, sizeof k, 0, 1, 3, 1.0f);
    vec_attend_scalar(&h, q, sc, work, out);
    CU_ASSERT(same(out[0], 0.25f) && same(out[1], -3.0f) && same(out[2], 7.5f));
}

/*
 * KERN_ATTN_FAST against KERN_ATTN_EXACT (scalar twins; every level gives
 * the same bits): each output within fast_attn_bound * max_t |v_t[d]| over
 * long caches of both types at SmolLM2's and Gemma's head sizes, with score
 * spreads from flat to peaked. Both round q and the weights to the cache
 * type; what differs is float sums with fused products against double sums.
 */
/*
 * F32, F16 (measured up to 5.4e-7 and 7.6e-6): F16 allows a weight rounded
 * to its neighbour (2^-11 of it). Q8_0, Q4_0: the same softmax as F16's
 * fast path but table exponentials (within about 5e-5), weights kept to 15
 * bits of the largest (measured up to 9.8e-5 and 1.2e-4).
 */
#define N_BOUND_TYPES 4
static const double fast_attn_bound[N_BOUND_TYPES] = { 1e-5, 1e-3, 1e-3, 1e-3 };
#define BOUND_MAX_POS 1024
#define BOUND_MAX_HD 256

static void test_fast_attention_bound(void)
{
    static float kv[BOUND_MAX_POS * BOUND_MAX_HD], q[BOUND_MAX_HD], sc[BOUND_MAX_POS], out[2][BOUND_MAX_HD];
    static uint8_t k[BOUND_MAX_POS * BOUND_MAX_HD * 4], v[BOUND_MAX_POS * BOUND_MAX_HD * 4];
    static double work[KERN_ATTEND_WORK_BYTES(BOUND_MAX_HD) / sizeof(double)];
    static uint32_t blocks[BOUND_MAX_POS / KERN_KV_BLOCK_POS];
    static const uint32_t hds[] = { 64, 256 }, lens[] = { 1, 7, 100, 300, BOUND_MAX_POS };
    static const float q_scales[] = { 0.1f, 1.0f, 4.0f };
    static const quant_type_t types[N_BOUND_TYPES] = { QUANT_F32, QUANT_F16, QUANT_Q8_0, QUANT_Q4_0 };
    double worst[N_BOUND_TYPES] = { 0 };
    for (uint32_t b = 0; b < BOUND_MAX_POS / KERN_KV_BLOCK_POS; b++)
        blocks[b] = b;
    for (size_t ti = 0; ti < N_BOUND_TYPES; ti++) {
        const quant_format_t *f;
        CU_ASSERT_EQUAL_FATAL(quant_lookup(types[ti], &f, NULL), ERR_OK);
        for (size_t hi = 0; hi < 2; hi++) {
            uint32_t hd = hds[hi];
            size_t row = hd / f->block_elems * f->block_bytes;
            for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                uint32_t n = lens[li];
                random_floats(kv, (size_t)n * hd, 2.0f);
                f->quantize(kv, k, (size_t)n * hd);
                random_floats(kv, (size_t)n * hd, 2.0f);
                f->quantize(kv, v, (size_t)n * hd);
                f->dequantize(v, kv, (size_t)n * hd); /* the values as the cache holds them */
                for (size_t qi = 0; qi < sizeof q_scales / sizeof q_scales[0]; qi++) {
                    random_floats(q, hd, q_scales[qi]);
                    kern_kv_head_t h = test_kv_head(f, k, v, blocks, row, 0, n, hd, 1.0f / sqrtf((float)hd));
                    vec_attend_scalar(&h, q, sc, work, out[0]);
                    vec_attend_fast_scalar(&h, q, sc, work, out[1]);
                    for (uint32_t d = 0; d < hd; d++) {
                        float vmax = 0.0f;
                        for (uint32_t t = 0; t < n; t++)
                            vmax = fabsf(kv[(size_t)t * hd + d]) > vmax ? fabsf(kv[(size_t)t * hd + d]) : vmax;
                        double r = vmax > 0 ? fabs((double)out[1][d] - out[0][d]) / vmax : fabs((double)out[1][d]);
                        worst[ti] = r > worst[ti] ? r : worst[ti];
                    }
                }
            }
        }
    }
    fprintf(stderr, "(worst |fast - exact| / max|v|: F32 %.2e, F16 %.2e, Q8_0 %.2e, Q4_0 %.2e) ", worst[0], worst[1],
            worst[2], worst[3]);
    for (size_t ti = 0; ti < N_BOUND_TYPES; ti++) {
        CU_ASSERT(worst[ti] <= fast_attn_bound[ti]);
        CU_ASSERT(worst[ti] > 0); /* they are different arithmetic: a fast path equal to the exact one is not running */
    }

    /* one position: the output is the value row itself, as exactly as the exact path gives it */
    float one_k[4] = { 1, 2, 3, 4 }, one_v[4] = { 0.25f, -3.0f, 7.5f, 1e-3f }, one_q[4] = { 1, 0, 0, 1 }, o[4], s1[1];
    const quant_format_t *f32;
    CU_ASSERT_EQUAL_FATAL(quant_lookup(QUANT_F32, &f32, NULL), ERR_OK);
    kern_kv_head_t h1 = test_kv_head(f32, one_k, one_v, blocks, sizeof one_k, 0, 1, 4, 0.5f);
    vec_attend_fast_scalar(&h1, one_q, s1, work, o);
    CU_ASSERT(same(o[0], 0.25f) && same(o[1], -3.0f) && same(o[2], 7.5f) && same(o[3], 1e-3f));
}

/*
 * Sliding windows (t0 > 0), exact and fast: positions before t0 have no
 * say (garbage there changes nothing), and a window starting on a multiple
 * of four is the whole-cache attention of a cache that begins there (ggml's
 * masked row groups its sums from position 0).
 */
static void test_attention_window(void)
{
    enum { N = 40, HD = 8 };
    static float k[N * HD], v[N * HD], q[HD], sc[N], out[3][HD];
    static double work[KERN_ATTEND_WORK_BYTES(HD) / sizeof(double)];
    static const uint32_t blocks[4] = { 0, 1, 2, 3 };
    const quant_format_t *f;
    CU_ASSERT_EQUAL_FATAL(quant_lookup(QUANT_F32, &f, NULL), ERR_OK);
    size_t row = HD * sizeof(float);
    for (int fast = 0; fast < 2; fast++) {
        kern_attend_fn attend = fast ? vec_attend_fast_scalar : vec_attend_scalar;
        for (uint32_t t0 = 1; t0 < N; t0 += 3) {
            random_floats(k, N * HD, 2.0f), random_floats(v, N * HD, 2.0f), random_floats(q, HD, 2.0f);
            kern_kv_head_t h = test_kv_head(f, k, v, blocks, row, t0, N, HD, 0.3f);
            attend(&h, q, sc, work, out[0]);
            random_floats(k, t0 * HD, 50.0f), random_floats(v, t0 * HD, 50.0f); /* outside the window */
            attend(&h, q, sc, work, out[1]);
            for (int d = 0; d < HD; d++)
                CU_ASSERT(same(out[0][d], out[1][d]));
            uint32_t b = t0 & ~3u; /* the same cache seen from b on: a window from b is all of it */
            kern_kv_head_t whole = test_kv_head(f, k + b * HD, v + b * HD, blocks, row, 0, N - b, HD, 0.3f);
            kern_kv_head_t from_b = h;
            from_b.t0 = b;
            attend(&from_b, q, sc, work, out[2]);
            attend(&whole, q, sc, work, out[0]);
            for (int d = 0; d < HD; d++)
                CU_ASSERT(same(out[0][d], out[2][d]));
        }
    }
}

/* Features to levels, written once; level names both ways. */
static void test_levels(void)
{
    kern_cpu_t none = { 0 }, neon = { .asimd = true }, dot = { true, true, false }, mm = { true, true, true };
    kern_cpu_t odd = { .asimd = true, .i8mm = true }; /* I8MM without dotprod: no such CPU, no SDOT kernels */
    CU_ASSERT_EQUAL(kern_level_for(&none), KERN_SCALAR);
    CU_ASSERT_EQUAL(kern_level_for(&neon), KERN_NEON);
    CU_ASSERT_EQUAL(kern_level_for(&dot), KERN_DOTPROD);
    CU_ASSERT_EQUAL(kern_level_for(&mm), KERN_I8MM);
    CU_ASSERT_EQUAL(kern_level_for(&odd), KERN_NEON);
    for (unsigned l = 0; l < KERN_LEVELS; l++) {
        kern_level_t back;
        CU_ASSERT_TRUE(kern_level_parse(kern_level_name((kern_level_t)l), &back) && back == (kern_level_t)l);
    }
    kern_level_t x = KERN_NEON;
    CU_ASSERT_FALSE(kern_level_parse("avx2", &x));
    CU_ASSERT_EQUAL(x, KERN_NEON);
    CU_ASSERT_STRING_EQUAL(kern_level_name(KERN_I8MM), "i8mm");
    kern_attn_t a = KERN_ATTN_EXACT;
    CU_ASSERT_TRUE(kern_attn_parse("fast", &a) && a == KERN_ATTN_FAST);
    CU_ASSERT_TRUE(kern_attn_parse("exact", &a) && a == KERN_ATTN_EXACT);
    CU_ASSERT_FALSE(kern_attn_parse("Fast", &a));
    CU_ASSERT_EQUAL(a, KERN_ATTN_EXACT);
    CU_ASSERT_STRING_EQUAL(kern_attn_name(KERN_ATTN_FAST), "fast");
    CU_ASSERT_STRING_EQUAL(kern_attn_name((kern_attn_t)7), "exact");
}

TEST_REGISTER(test_kernel_table_register)
{
    CU_pSuite s = test_suite("kernel_table");
    TEST_ADD(s, test_every_slot_at_every_level);
    TEST_ADD(s, test_scalar_table);
    TEST_ADD(s, test_scalar_references);
    TEST_ADD(s, test_fast_attention_bound);
    TEST_ADD(s, test_attention_window);
    TEST_ADD(s, test_levels);
}

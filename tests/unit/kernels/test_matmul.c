/*
 * matmul (llm/kernels/matmul.c) at every kernel level this CPU has against the
 * scalar dot product of each weight row and activation row, bit for bit:
 * the tile kernels (four rows, token pairs, SMMLA) and the row-by-row rest,
 * on random and adversarial blocks (all codes -128 or 127, zero blocks,
 * huge, tiny and subnormal scales), for shapes that leave row and token
 * tails, with the weights at an odd address. On other architectures only
 * the scalar level exists and the suite checks matmul's indexing.
 */
#include <stdio.h>
#include <string.h>

#include "llm/support/bits.h"
#include "llm/kernels/matmul.h"
#include "llm/kernels/kernels.h"
#include "tests/unit/suites.h"

#define MAX_ROWS 13
#define MAX_TOKENS 9
#define MAX_BLOCKS 18
#define MAX_BLOCK_BYTES 36

typedef struct case_fmt {
    quant_type_t w;
    size_t w_scales, act_scales; /* fp16 fields at the start of each weight / activation block */
} case_fmt_t;

static const case_fmt_t FORMATS[] = {
    { QUANT_Q4_0, 1, 1 }, { QUANT_Q4_1, 2, 2 }, { QUANT_Q8_0, 1, 1 }, { QUANT_Q5_0, 1, 1 }, { QUANT_Q5_1, 2, 2 },
};

typedef enum fill { FILL_RANDOM, FILL_MIN, FILL_MAX, FILL_ZERO, FILL_KINDS } fill_t;

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

/* n blocks of block_bytes: bytes by kind, then the leading fp16 fields set to finite values of every magnitude. */
static void fill_blocks(uint8_t *p, size_t n, size_t block_bytes, size_t scales, fill_t kind)
{
    static const uint16_t extremes[] = { 0x7bff, 0xfbff, 0x0001, 0x8001, 0x0000, 0x3c00, 0x0400 };
    for (size_t b = 0; b < n; b++, p += block_bytes) {
        for (size_t i = 0; i < block_bytes; i++)
            p[i] = kind == FILL_RANDOM ? (uint8_t)next() : kind == FILL_MIN ? 0x80 : kind == FILL_MAX ? 0x7f : 0;
        for (size_t f = 0; f < scales; f++) {
            uint16_t h = kind == FILL_RANDOM && next() % 8 ? (uint16_t)((next() % 0x7c00) | (next() & 0x8000))
                                                           : extremes[next() % 7];
            p[2 * f] = (uint8_t)h;
            p[2 * f + 1] = (uint8_t)(h >> 8);
        }
    }
}

static bool same(float a, float b)
{
    return f32_to_bits(a) == f32_to_bits(b) || (a != a && b != b);
}

/* matmul at the selected level against the scalar dots; returns the number of differing outputs. */
static int check_shape(const case_fmt_t *c, uint32_t rows, uint32_t tokens, uint32_t blocks, fill_t kind)
{
    static uint8_t wbuf[MAX_ROWS * MAX_BLOCKS * MAX_BLOCK_BYTES + 1];
    static uint8_t abuf[MAX_TOKENS * MAX_BLOCKS * MAX_BLOCK_BYTES];
    static float out[MAX_TOKENS * MAX_ROWS];
    const quant_format_t *fw, *fa;
    CU_ASSERT_EQUAL_FATAL(quant_lookup(c->w, &fw, NULL), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(quant_lookup(fw->vec_dot_type, &fa, NULL), ERR_OK);
    uint32_t n_cols = blocks * QUANT_QK;
    size_t wrow = blocks * fw->block_bytes, arow = blocks * fa->block_bytes;
    uint8_t *w = wbuf + 1; /* an odd address: weights sit anywhere in a model file */
    fill_blocks(w, (size_t)rows * blocks, fw->block_bytes, c->w_scales, kind);
    fill_blocks(abuf, (size_t)tokens * blocks, fa->block_bytes, c->act_scales,
                kind == FILL_MAX ? FILL_MIN : kind); /* -128 x 127 and -128 x -128 codes */
    gguf_tensor_t t = { .n_dims = 2, .ne = { n_cols, rows, 1, 1 }, .format = fw, .n_elems = (uint64_t)n_cols * rows,
                        .n_bytes = (uint64_t)wrow * rows, .data = w };
    act_rows_t act = { fa->type, abuf, arow, tokens, n_cols, NULL, 0 };
    kern_tile_t tile = kern_format(fw)->tile;
    if (tile.run && tile.widen) { /* the tile's own activation layout, as act_quantize makes it */
        static uint8_t wide[MAX_TOKENS * MAX_BLOCKS * 128];
        CU_ASSERT_FATAL(tile.wide_block_bytes <= 128);
        act.wide_row_bytes = blocks * tile.wide_block_bytes;
        for (uint32_t k = 0; k < tokens; k++)
            tile.widen(abuf + k * arow, wide + k * act.wide_row_bytes, n_cols);
        act.wide = wide;
    }
    matmul(&t, &act, out);
    int bad = 0;
    for (uint32_t k = 0; k < tokens; k++) {
        for (uint32_t r = 0; r < rows; r++) {
            float want = fw->vec_dot(w + r * wrow, abuf + k * arow, n_cols), got = out[k * rows + r];
            if (!same(want, got) && bad++ < 3)
                fprintf(stderr, "\n  %s %s: %u rows x %u tokens x %u blocks, kind %d: [%u][%u] %a, scalar %a",
                        fw->name, kern_level_name(kern_level()), rows, tokens, blocks, kind, k, r, got, want);
        }
    }
    return bad;
}

static void test_every_level_equals_scalar_dots(void)
{
    static const uint32_t rows[] = { 1, 3, 4, 5, 8, 13 }, tokens[] = { 1, 2, 3, 5, 6, 7, 9 }, blocks[] = { 1, 2, 7, 18 };
    kern_level_t best = kern_level();
    int bad = 0, runs = 0;
    for (kern_level_t l = KERN_SCALAR; l <= best; l++) {
        CU_ASSERT_EQUAL(kern_init(l), l);
        for (size_t f = 0; f < sizeof FORMATS / sizeof FORMATS[0]; f++)
            for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
                for (size_t t = 0; t < sizeof tokens / sizeof tokens[0]; t++)
                    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
                        for (int kind = FILL_RANDOM; kind < FILL_KINDS; kind++, runs++)
                            bad += check_shape(&FORMATS[f], rows[r], tokens[t], blocks[b], (fill_t)kind);
    }
    kern_init(best);
    fprintf(stderr, "(levels scalar..%s, %d products) ", kern_level_name(best), runs);
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs == 3360 * (int)(best + 1)); /* every shape of every level ran */
}

/* The tile kernels exist for the formats SmolLM2 ships in wherever there is NEON, and never at the scalar level. */
static void test_tile_kernels_by_level(void)
{
    static const quant_type_t shipped[] = { QUANT_Q4_0, QUANT_Q4_1, QUANT_Q8_0 };
    kern_table_t t;
    for (unsigned l = KERN_SCALAR; l < KERN_LEVELS; l++) {
        kern_table_build((kern_level_t)l, &t);
        for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++)
            CU_ASSERT((t.formats[shipped[i]].tile.run != NULL) == (t.level != KERN_SCALAR));
    }
}

TEST_REGISTER(test_matmul_register)
{
    CU_pSuite s = test_suite("matmul");
    TEST_ADD(s, test_every_level_equals_scalar_dots);
    TEST_ADD(s, test_tile_kernels_by_level);
}

/*
 * The NEON dot products (arch/aarch64/quant_neon.c) against their scalar
 * twins, bit for bit, on random and adversarial blocks: extreme codes
 * (-128 everywhere), zero blocks, huge, tiny and subnormal scales, and rows
 * of 1 to 130 blocks. The dotprod level runs only where the CPU has SDOT
 * (`make test` runs the suite under qemu-aarch64 with -cpu cortex-a72 and
 * max). On other architectures the suite is empty.
 */
#include "tests/suites.h"

#if defined(__aarch64__)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "arch/aarch64/quant_neon.h"
#include "lib/bits.h"
#include "llm/quant.h"

#define HWCAP_DOTPROD (1u << 20) /* AT_HWCAP bit for ASIMDDP */
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
    { "q8_0 x q8_0", QUANT_Q8_0, QUANT_Q8_0, 1, quant_vec_dot_q8_0_q8_0, quant_vec_dot_q8_0_q8_0_neon,
      quant_vec_dot_q8_0_q8_0_dotprod },
};

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

typedef enum fill { FILL_RANDOM, FILL_MIN, FILL_MAX, FILL_ZERO } fill_t;

/* Block bytes by kind; the fp16 scale fields get random finite values of every magnitude (or extremes). */
static void fill_blocks(uint8_t *p, size_t n_blocks, size_t block_bytes, size_t scale_fields, fill_t kind)
{
    for (size_t b = 0; b < n_blocks; b++, p += block_bytes) {
        for (size_t i = 0; i < block_bytes; i++)
            p[i] = kind == FILL_RANDOM ? (uint8_t)next() : kind == FILL_MIN ? 0x80 : kind == FILL_MAX ? 0x7f : 0;
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

static bool has_dotprod(void)
{
    return (getauxval(AT_HWCAP) & HWCAP_DOTPROD) != 0;
}

static void check_level(bool dotprod)
{
    static uint8_t w[MAX_BLOCKS * 40 + 1], act[MAX_BLOCKS * 40 + 1];
    int bad = 0, runs = 0;
    for (size_t p = 0; p < sizeof PAIRS / sizeof PAIRS[0]; p++) {
        const pair_t *pr = &PAIRS[p];
        const quant_format_t *fw, *fa;
        CU_ASSERT_EQUAL_FATAL(quant_lookup(pr->w, &fw, NULL), ERR_OK);
        CU_ASSERT_EQUAL_FATAL(quant_lookup(pr->act, &fa, NULL), ERR_OK);
        dot_fn simd = dotprod ? pr->dotprod : pr->neon;
        for (size_t blocks = 1; blocks <= MAX_BLOCKS; blocks += blocks < 8 ? 1 : 17) {
            for (int kind = FILL_RANDOM; kind <= FILL_ZERO; kind++) {
                for (int rep = 0; rep < (kind == FILL_RANDOM ? 20 : 1); rep++, runs++) {
                    uint8_t *wp = w + rep % 2, *ap = act; /* odd addresses too: blocks sit anywhere */
                    fill_blocks(wp, blocks, fw->block_bytes, pr->scale_fields, (fill_t)kind);
                    fill_blocks(ap, blocks, fa->block_bytes, pr->scale_fields,
                                (fill_t)(kind == FILL_MAX ? FILL_MIN : kind));
                    float want = pr->scalar(wp, ap, blocks * QUANT_QK), got = simd(wp, ap, blocks * QUANT_QK);
                    if (!same(want, got) && bad++ < 5)
                        fprintf(stderr, "\n  %s %s: %zu blocks, kind %d: %a, scalar %a", pr->name,
                                dotprod ? "dotprod" : "neon", blocks, kind, got, want);
                }
            }
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT(runs > 1000);
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

void test_quant_neon_register(void)
{
    CU_pSuite s = test_suite("quant_neon");
    TEST_ADD(s, test_neon_equals_scalar);
    TEST_ADD(s, test_dotprod_equals_scalar);
}
#else
void test_quant_neon_register(void)
{
}
#endif

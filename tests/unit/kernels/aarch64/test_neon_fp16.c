/*
 * The NEON code's own fp16 -> float conversions (llm/kernels/aarch64/
 * neon_common.h: integer moves for normal numbers, FCVT for the rest)
 * against the scalar quant_fp16_to_f32 over all 65,536 inputs, bit for bit
 * (NaNs included: both quiet them keeping sign and payload). The vector
 * form is checked on every input in each of its lanes, and on vectors that
 * mix normal numbers with zeros, subnormals, infinities and NaNs (which
 * take the FCVTL path). aarch64 builds only.
 */
#include "tests/unit/suites.h"

#include <stdio.h>

#include "llm/kernels/aarch64/neon_common.h"
#include "llm/quant/quant.h"
#include "llm/support/bits.h"

static int bad;

static void check(uint16_t h, float got, const char *what)
{
    uint32_t want = f32_to_bits(quant_fp16_to_f32(h));
    if (f32_to_bits(got) != want && bad++ < 5)
        fprintf(stderr, "\n  %s(0x%04x) = 0x%08x, scalar 0x%08x", what, h, (unsigned)f32_to_bits(got), (unsigned)want);
}

static void test_scalar_form_all_inputs(void)
{
    bad = 0;
    for (uint32_t h = 0; h < 65536; h++) {
        uint8_t bytes[3] = { 0, (uint8_t)h, (uint8_t)(h >> 8) }; /* at an odd address, as in a Q4_0 block */
        check((uint16_t)h, fp16_to_f32((uint16_t)h), "fp16_to_f32");
        check((uint16_t)h, ld_fp16(bytes + 1), "ld_fp16");
    }
    CU_ASSERT_EQUAL(bad, 0);
}

static void check4(const uint16_t h[4])
{
    float out[4];
    vst1q_f32(out, fp16x4_to_f32(vld1_u16(h)));
    for (int k = 0; k < 4; k++)
        check(h[k], out[k], "fp16x4_to_f32");
}

static void test_vector_form_all_inputs(void)
{
    static const uint16_t odd[] = { 0x0000, 0x8000, 0x0001, 0x83ff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xffff };
    bad = 0;
    int runs = 0;
    for (uint32_t h = 0; h < 65536; h += 4, runs++) {
        uint16_t v[4] = { (uint16_t)h, (uint16_t)(h + 1), (uint16_t)(h + 2), (uint16_t)(h + 3) };
        check4(v);
        /* the same input beside normal numbers and in every lane with one special value */
        uint16_t w[4] = { 0x3c00, (uint16_t)h, 0xbc00, odd[h / 4 % (sizeof odd / sizeof odd[0])] };
        check4(w);
        uint16_t x[4] = { (uint16_t)(h + 1), 0x7bff, 0x0400, (uint16_t)(h ^ 0x8000) };
        check4(x);
    }
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(runs, 16384);
}

TEST_REGISTER(test_neon_fp16_register)
{
    CU_pSuite s = test_suite("neon_fp16");
    TEST_ADD(s, test_scalar_form_all_inputs);
    TEST_ADD(s, test_vector_form_all_inputs);
}

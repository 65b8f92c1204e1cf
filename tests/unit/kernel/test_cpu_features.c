/*
 * ID register decoding, with register values of real cores (from their
 * technical reference manuals) and hand-made edge cases.
 */
#include <string.h>

#include "arch/aarch64/cpu_features.h"
#include "tests/unit/suites.h"

static void test_cortex_a72(void)
{
    /* Cortex-A72 r0p3: FP and AdvSIMD without FP16, AES/PMULL, SHA1/2, CRC32; no dotprod. */
    cpu_id_regs_t r = { .midr = 0x410fd083, .pfr0 = 0x0000000000002222ull, .isar0 = 0x0000000000011120ull,
                        .isar1 = 0 };
    cpu_features_t f;
    cpu_features_decode(&r, &f);
    CU_ASSERT_TRUE(f.fp && f.asimd && f.aes && f.pmull && f.sha1 && f.sha2 && f.crc32);
    CU_ASSERT_FALSE(f.fp16 || f.dotprod || f.i8mm || f.atomics || f.sve);
    char name[48];
    CU_ASSERT_STRING_EQUAL(cpu_model_name(r.midr, name, sizeof name), "Arm Cortex-A72");
}

static void test_modern_core(void)
{
    /* FP16 (FP=1, AdvSIMD=1), LSE, RDM, dotprod, FHM; BF16 and I8MM; SVE. */
    cpu_id_regs_t r = { .midr = 0x411fd402, .pfr0 = (1ull << 32) | (1u << 20) | (1u << 16),
                        .isar0 = (1ull << 48) | (1ull << 44) | (1u << 28) | (2u << 20),
                        .isar1 = (1ull << 52) | (1ull << 44) };
    cpu_features_t f;
    cpu_features_decode(&r, &f);
    CU_ASSERT_TRUE(f.fp16 && f.atomics && f.rdm && f.dotprod && f.fhm && f.bf16 && f.i8mm && f.sve);
    CU_ASSERT_FALSE(f.aes);
    char text[200];
    size_t n = cpu_features_describe(&f, text, sizeof text);
    CU_ASSERT_EQUAL(n, strlen(text));
    CU_ASSERT_STRING_EQUAL(text, "fp asimd fp16 sve lse rdm dotprod fhm bf16 i8mm");

    /* A short buffer gets a cut, terminated string and the full length back. */
    char small[8];
    CU_ASSERT_EQUAL(cpu_features_describe(&f, small, sizeof small), n);
    CU_ASSERT_STRING_EQUAL(small, "fp asim");
}

static void test_no_fp_and_unknown_parts(void)
{
    cpu_id_regs_t r = { .midr = 0x000f0510, .pfr0 = 0xff0000ull, .isar0 = 0, .isar1 = 0 };
    cpu_features_t f;
    cpu_features_decode(&r, &f);
    CU_ASSERT_FALSE(f.fp || f.asimd || f.fp16);
    char text[16];
    cpu_features_describe(&f, text, sizeof text);
    CU_ASSERT_STRING_EQUAL(text, "");
    char name[48];
    CU_ASSERT_STRING_EQUAL(cpu_model_name(r.midr, name, sizeof name), "implementer 0x00 part 0x051");
    CU_ASSERT_STRING_EQUAL(cpu_model_name(0x410fd990, name, sizeof name), "Arm part 0xd99");
}

TEST_REGISTER(test_cpu_features_register)
{
    CU_pSuite s = test_suite("cpu_features");
    TEST_ADD(s, test_cortex_a72);
    TEST_ADD(s, test_modern_core);
    TEST_ADD(s, test_no_fp_and_unknown_parts);
}

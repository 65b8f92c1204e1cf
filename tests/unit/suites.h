/*
 * The CUnit suites of the unit-test binary: each tests/unit/<layer>/test_<module>.c
 * defines one register function, called by test_main.c.
 */
#ifndef TESTS_UNIT_SUITES_H
#define TESTS_UNIT_SUITES_H

#include <CUnit/CUnit.h>

/* Adds a suite or aborts the run: a suite that silently is not there would pass. */
CU_pSuite test_suite(const char *name);
/* A suite with set-up and tear-down; a set-up that fails (returns non-zero) fails the run. */
CU_pSuite test_suite_with(const char *name, CU_InitializeFunc init, CU_CleanupFunc cleanup);
void test_add(CU_pSuite suite, const char *name, CU_TestFunc fn);
#define TEST_ADD(suite, fn) test_add((suite), #fn, (fn))

void test_string_register(void);
void test_fmt_register(void);
void test_err_register(void);
void test_arena_register(void);
void test_fdt_register(void);
void test_boot_info_register(void);
void test_memory_map_register(void);
void test_args_register(void);
void test_line_edit_register(void);
void test_cpu_features_register(void);
void test_page_table_register(void);
void test_sha256_register(void);
void test_cpio_register(void);
void test_model_store_register(void);
void test_parse_num_register(void);
void test_quant_neon_register(void);
void test_quant_neon_kquant_register(void);
void test_vec_neon_register(void);
void test_matmul_register(void);
void test_mathf_register(void);
void test_quant_register(void);
void test_gguf_register(void);
void test_model_register(void);
void test_model_real_register(void);
void test_tokenizer_register(void);
void test_sampler_register(void);
void test_llm_register(void);
void test_generate_real_register(void);
void test_forward_real_register(void);
void test_chat_register(void);
void test_unicode_register(void);
void test_pretokenize_register(void);

#endif

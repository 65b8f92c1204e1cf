/*
 * The scheduler on the real SmolLM2-135M-Instruct (Q8_0): three prompts at
 * once ("The capital of France is", "Once upon a time", "In the year
 * 2050,"; 15 tokens each) with "The meaning of life is", then "Artificial
 * intelligence will" joining the running four after 5 steps; each
 * request's text, token count and stop reason equal the same request run
 * alone through llm_generate, greedy and sampled with a fixed seed, at the
 * thread count of the run. Natively only (too slow for valgrind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm_sched.h"
#include "tests/unit/suites.h"
#include "host/host_file.h"

#define MODEL_PATH "test_models/smollm2-135m-q8_0.gguf"

static uint8_t *blob;
static size_t blob_len;
static arena_t arena;
static llm_model_t model;

static int setup(void)
{
    err_t e;
    blob = host_read_file(MODEL_PATH, &blob_len);
    host_arena_init(&arena, 256u << 20);
    if (!blob || llm_model_load(&model, blob, blob_len, &arena, &e) != ERR_OK) {
        fprintf(stderr, "\n  %s: %s (`make models` makes it)\n", MODEL_PATH, blob ? e.msg : "missing");
        return -1;
    }
    return 0;
}

static int teardown(void)
{
    host_arena_free(&arena);
    free(blob);
    return 0;
}

static llm_gen_config_t config(float temperature, uint64_t seed)
{
    llm_gen_config_t c;
    llm_gen_config_default(&c);
    c.max_tokens = 15;
    c.sampling.temperature = temperature;
    c.sampling.seed = seed;
    return c;
}

/* Request id against the same prompt run alone on a fresh context. */
static void expect_alone(llm_sched_t *s, uint32_t id, const char *prompt, const llm_gen_config_t *cfg)
{
    arena_mark_t mark = arena_mark(&arena);
    llm_ctx_params_t p;
    llm_ctx_t ctx;
    llm_result_t r;
    llm_req_info_t info;
    char want[1024];
    err_t e;
    llm_ctx_params_default(&p);
    p.n_ctx = 128;
    CU_ASSERT_EQUAL_FATAL(llm_ctx_init(&ctx, &model, &p, &arena, &e), ERR_OK);
    llm_gen_config_t c = *cfg;
    c.text = want;
    c.text_cap = sizeof want;
    CU_ASSERT_EQUAL_FATAL(llm_generate(&ctx, prompt, strlen(prompt), &c, NULL, NULL, &r, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(llm_sched_info(s, id, &info, &e), ERR_OK);
    fprintf(stderr, "\n  \"%s\" -> \"%s\" (%u tokens, %s)", prompt, info.text, info.n_generated,
            llm_stop_name(info.stop));
    CU_ASSERT_EQUAL(info.state, LLM_REQ_DONE);
    CU_ASSERT_EQUAL(info.stop, r.stop);
    CU_ASSERT_EQUAL(info.n_generated, r.n_generated);
    CU_ASSERT(info.n_generated > 0);
    CU_ASSERT_STRING_EQUAL(info.text, want);
    arena_release(&arena, mark, NULL);
}

static void run_case(float temperature)
{
    static const char *const three[] = { "The capital of France is", "Once upon a time", "In the year 2050," };
    const char *first = "The meaning of life is", *late = "Artificial intelligence will";
    arena_mark_t mark = arena_mark(&arena);
    llm_sched_params_t p;
    llm_sched_t s;
    err_t e;
    llm_sched_params_default(&p);
    p.max_running = 5; /* the late request joins the four running ones between two steps */
    p.max_seq_pos = 128;
    CU_ASSERT_EQUAL_FATAL(llm_sched_init(&s, &model, &p, &arena, &e), ERR_OK);
    llm_gen_config_t cfg = config(temperature, 42);
    uint32_t ids[5];
    for (int i = 0; i < 4; i++) {
        const char *prompt = i < 3 ? three[i] : first;
        llm_request_t r = { .prompt = prompt, .len = strlen(prompt), .cfg = cfg };
        CU_ASSERT_EQUAL_FATAL(llm_sched_submit(&s, &r, &ids[i], &e), ERR_OK);
    }
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL_FATAL(llm_sched_step(&s, &e), ERR_OK);
    llm_request_t r = { .prompt = late, .len = strlen(late), .cfg = cfg };
    CU_ASSERT_EQUAL_FATAL(llm_sched_submit(&s, &r, &ids[4], &e), ERR_OK);
    for (int steps = 0; llm_sched_busy(&s) && steps < 200; steps++)
        CU_ASSERT_EQUAL_FATAL(llm_sched_step(&s, &e), ERR_OK);
    CU_ASSERT_FALSE(llm_sched_busy(&s));
    llm_sched_stats_t st;
    llm_sched_stats(&s, &st);
    fprintf(stderr, "\n  %llu steps for %llu generated tokens", (unsigned long long)st.steps,
            (unsigned long long)st.generated_tokens);
    for (int i = 0; i < 5; i++)
        expect_alone(&s, ids[i], i < 3 ? three[i] : i == 3 ? first : late, &cfg);
    arena_release(&arena, mark, NULL);
}

static void test_batch_greedy(void)
{
    run_case(0.0f);
}

static void test_batch_sampled(void)
{
    run_case(0.8f);
}

TEST_REGISTER(test_sched_real_register)
{
    CU_pSuite s = test_suite_with("smollm2_sched", setup, teardown);
    TEST_ADD(s, test_batch_greedy);
    TEST_ADD(s, test_batch_sampled);
}

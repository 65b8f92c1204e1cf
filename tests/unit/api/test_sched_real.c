/*
 * The scheduler on the real SmolLM2-135M-Instruct (Q8_0), 15 tokens a
 * request, batch limit 4: a single request; three prompts at once ("The
 * capital of France is", "Once upon a time", "In the year 2050,");
 * "Artificial intelligence will" submitted after "The meaning of life is"
 * has run 5 steps. Each request's text, token count and stop reason equal
 * the same request run alone through llm_generate, greedy and sampled with
 * a fixed seed, and (greedy) every logits row it sampled from equals, bit
 * for bit, the row of the same tokens decoded alone on a context; at the
 * thread count and SIMD level of the run (make test runs it natively and
 * under qemu-aarch64 at every NEON level; too slow for valgrind).
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

#define MAX_ROWS 32

/* The logits rows one request sampled from, each as a hash of its bytes. */
typedef struct rows {
    uint64_t hash[MAX_ROWS];
    uint32_t n;
} rows_t;

static uint64_t fnv1a(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

static void record_row(void *user, const float *logits, uint32_t n_vocab)
{
    rows_t *r = user;
    if (r->n < MAX_ROWS)
        r->hash[r->n] = fnv1a(logits, n_vocab * sizeof *logits);
    r->n++;
}

static int32_t argmax(const float *l, uint32_t n)
{
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        best = l[i] > l[best] ? i : best;
    return (int32_t)best;
}

/* The request's rows against the prompt decoded alone on a context, one greedy token at a time. */
static void expect_rows_alone(const char *prompt, const rows_t *rows)
{
    arena_mark_t mark = arena_mark(&arena);
    llm_ctx_params_t p;
    llm_ctx_t ctx;
    int32_t tokens[128];
    size_t n;
    err_t e;
    llm_ctx_params_default(&p);
    p.n_ctx = 128;
    CU_ASSERT_EQUAL_FATAL(llm_ctx_init(&ctx, &model, &p, &arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(llm_tokenize(&ctx, prompt, strlen(prompt), true, false, tokens, 128, &n, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(llm_decode(&ctx, tokens, (uint32_t)n, 0, &e), ERR_OK);
    CU_ASSERT(rows->n > 0 && rows->n <= MAX_ROWS);
    uint32_t same = 0;
    for (uint32_t i = 0; i < rows->n && i < MAX_ROWS; i++) {
        const float *l = llm_logits(&ctx);
        same += fnv1a(l, model.model.hp.n_vocab * sizeof *l) == rows->hash[i];
        int32_t t = argmax(l, model.model.hp.n_vocab);
        CU_ASSERT_EQUAL_FATAL(llm_decode(&ctx, &t, 1, (uint32_t)n + i, &e), ERR_OK);
    }
    CU_ASSERT_EQUAL(same, rows->n);
    arena_release(&arena, mark, NULL);
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

/*
 * n_start prompts submitted together to a scheduler of max_running slots,
 * then (late, if not NULL) one more after join_after steps; each request
 * as alone (and, greedy, each logits row).
 */
static void run_case(const char *const *start, int n_start, const char *late, int join_after, uint32_t max_running,
                     float temperature)
{
    enum { MAX_REQ = 4 };
    arena_mark_t mark = arena_mark(&arena);
    llm_sched_params_t p;
    llm_sched_t s;
    err_t e;
    llm_sched_params_default(&p);
    p.max_running = max_running;
    p.max_seq_pos = 128;
    CU_ASSERT_EQUAL_FATAL(llm_sched_init(&s, &model, &p, &arena, &e), ERR_OK);
    llm_gen_config_t cfg = config(temperature, 42);
    const char *prompts[MAX_REQ];
    uint32_t ids[MAX_REQ];
    rows_t rows[MAX_REQ] = { 0 };
    int n = 0;
    for (int steps = 0; llm_sched_busy(&s) || n < n_start + (late != NULL); steps++) {
        CU_ASSERT_FATAL(steps < 200);
        while (n < n_start || (late && n == n_start && steps == join_after)) {
            prompts[n] = n < n_start ? start[n] : late;
            llm_request_t r = { .prompt = prompts[n], .len = strlen(prompts[n]), .cfg = cfg, .on_logits = record_row,
                                .user = &rows[n] };
            CU_ASSERT_EQUAL_FATAL(llm_sched_submit(&s, &r, &ids[n], &e), ERR_OK);
            n++;
        }
        CU_ASSERT_EQUAL_FATAL(llm_sched_step(&s, &e), ERR_OK);
    }
    llm_sched_stats_t st;
    llm_sched_stats(&s, &st);
    fprintf(stderr, "\n  %llu steps for %llu generated tokens", (unsigned long long)st.steps,
            (unsigned long long)st.generated_tokens);
    for (int i = 0; i < n; i++) {
        expect_alone(&s, ids[i], prompts[i], &cfg);
        if (temperature <= 0.0f)
            expect_rows_alone(prompts[i], &rows[i]);
    }
    arena_release(&arena, mark, NULL);
}

static const char *const three[] = { "The capital of France is", "Once upon a time", "In the year 2050," };
static const char *const first[] = { "The meaning of life is" };
static const char *const late = "Artificial intelligence will";

static void test_single_request(void)
{
    run_case(first, 1, NULL, 0, 1, 0.0f);
}

static void test_three_at_once(void)
{
    run_case(three, 3, NULL, 0, 4, 0.0f);
    run_case(three, 3, NULL, 0, 4, 0.8f);
}

static void test_second_joins_after_five_steps(void)
{
    run_case(first, 1, late, 5, 4, 0.0f);
    run_case(first, 1, late, 5, 4, 0.8f);
}

TEST_REGISTER(test_sched_real_register)
{
    CU_pSuite s = test_suite_with("smollm2_sched", setup, teardown);
    TEST_ADD(s, test_single_request);
    TEST_ADD(s, test_three_at_once);
    TEST_ADD(s, test_second_joins_after_five_steps);
}

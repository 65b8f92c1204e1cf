/*
 * The forward pass against llama.cpp on the real SmolLM2 files: for every
 * prompt of tests/ref/logits_prompts.txt, the logits at every position
 * (NMSE <= 1e-4 over the whole vocabulary where the goldens store them, the
 * same argmax everywhere) and 64 greedily generated tokens, which must equal
 * llama.cpp's unless they part at a near-tie (reference top-2 gap < 1e-3).
 * The forward_fast_* suites run the same with fast attention, beside the
 * exact path: logits NMSE against exact within FAST_MAX_NMSE at every
 * position, argmax equal to exact's wherever exact's top-2 gap is 2e-2 or
 * more, argmax against llama.cpp's with near-ties widened to that margin;
 * greedy continuations are counted where they part, not failed.
 * Goldens: tests/golden/logits/ (tests/ref/make_logits_goldens.py). One
 * suite per model; `make test` runs them natively, two at a time.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/sha256.h"
#include "llm/transformer.h"
#include "tests/unit/api/golden_reader.h"
#include "tests/unit/suites.h"
#include "host/host_file.h"

#define GOLDEN_DIR "tests/golden/logits/"
#define MAX_NMSE 1e-4
#define NEAR_TIE 1e-3f
#define N_CTX 512
/*
 * Fast attention (KERN_ATTN_FAST) against the exact path run beside it:
 * NMSE bound and argmax margin, as measured (worst NMSE 8.7e-3 on Q4_0,
 * from q.k summed in float: SmolLM2's outlier dimensions cancel; 0 argmax
 * changes). These guard what the fast path is today; the goal
 * (1e-5) is not met (README "Long contexts").
 */
#define FAST_MAX_NMSE 2e-2
#define FAST_MARGIN 2e-2f
/*
 * Over a Q8_0 cache (keys and values, rotated) fast attention differs from
 * exact over the same cache only in the softmax (table exponentials, float
 * sums) and the integer value weights (at least 14 bits relative to their
 * block's largest scale); through 30 layers of a cache that is itself
 * quantized that grows to a worst logits NMSE of 4.8e-2, as large as the
 * Q8_0 cache's own distance from the F16 one (exact attention, 5.6e-2 at
 * worst against llama.cpp's F16 logits).
 */
#define FAST_Q8_MAX_NMSE 1e-1
#define FAST_Q8_MARGIN 0.3f /* 11 argmax changes measured, every one at a top-2 gap below 0.3 */

/* The fast path's NMSE bound and argmax margin for the cache l holds. */
#define FAST_NMSE(l) ((l)->kv.k.format->type == QUANT_F16 ? FAST_MAX_NMSE : FAST_Q8_MAX_NMSE)
#define FAST_GAP(l) ((l)->kv.k.format->type == QUANT_F16 ? FAST_MARGIN : FAST_Q8_MARGIN)

typedef struct stats {
    int prompts, positions, rows, near_ties, gen_tokens, gen_near_tie_stops;
    double worst_nmse, worst_fast_nmse; /* against llama.cpp; fast against exact */
    int fast_argmax_near; /* positions whose argmax left the exact one's, all below FAST_MARGIN */
    int fast_greedy_parted; /* prompts whose greedy tokens under fast attention part from llama.cpp's */
} stats_t;

typedef struct loaded {
    host_gguf_t h;
    model_t m;
    kv_cache_t kv;       /* read by the attention under test */
    kv_seq_t seq;
    bool fast;           /* kv is read by fast attention: exact_kv runs the exact path beside it */
    kv_cache_t exact_kv;
    kv_seq_t exact_seq;
    arena_t scratch;
    float *logits, *exact_logits;
} loaded_t;

/* The gap between the two largest of x[0 .. n). */
static float top2_gap(const float *x, uint32_t n)
{
    float a = x[0] > x[1] ? x[0] : x[1], b = x[0] > x[1] ? x[1] : x[0];
    for (uint32_t i = 2; i < n; i++) {
        if (x[i] > a)
            b = a, a = x[i];
        else if (x[i] > b)
            b = x[i];
    }
    return a - b;
}

static double nmse(const float *ours, const float *ref, uint32_t n)
{
    double num = 0, den = 0;
    for (uint32_t t = 0; t < n; t++) {
        double d = (double)ours[t] - ref[t];
        num += d * d;
        den += (double)ref[t] * ref[t];
    }
    return num / den;
}

/* Fast attention's logits of n positions against the exact path's, run now on the same tokens. */
static void check_fast(loaded_t *l, const int32_t *tokens, uint32_t n, uint32_t n_vocab, uint32_t index, stats_t *st)
{
    err_t e;
    CU_ASSERT_EQUAL_FATAL(transformer_forward(&l->m, &l->exact_kv, &l->exact_seq, tokens, n, 0, true, l->exact_logits,
                                              &l->scratch, &e), ERR_OK);
    for (uint32_t i = 0; i < n; i++) {
        const float *fast = l->logits + (size_t)i * n_vocab, *exact = l->exact_logits + (size_t)i * n_vocab;
        double x = nmse(fast, exact, n_vocab);
        st->worst_fast_nmse = x > st->worst_fast_nmse ? x : st->worst_fast_nmse;
        if (!(x <= FAST_NMSE(l))) {
            CU_FAIL("fast attention's logits NMSE against exact above its bound");
            fprintf(stderr, "\n  prompt %u position %u: NMSE %.3g\n", index, i, x);
        }
        if (argmax(fast, n_vocab) != argmax(exact, n_vocab)) {
            if (top2_gap(exact, n_vocab) < FAST_GAP(l)) {
                st->fast_argmax_near++;
            } else {
                CU_FAIL("fast attention's argmax differs from exact's above the margin");
                fprintf(stderr, "\n  prompt %u position %u: argmax %d, exact %d (gap %g)\n", index, i,
                        argmax(fast, n_vocab), argmax(exact, n_vocab), top2_gap(exact, n_vocab));
            }
        }
    }
}

static float bf16(const uint8_t *p)
{
    uint32_t u = (uint32_t)(p[0] | p[1] << 8) << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Checks one prompt record; returns false if the record could not be read. */
static bool check_prompt(loaded_t *l, reader_t *r, uint32_t n_vocab, uint32_t index, stats_t *st)
{
    err_t e;
    uint32_t n_bytes = take_u32(r);
    take(r, (n_bytes + 3) & ~3u);
    uint32_t n = take_u32(r);
    if (!r->ok || n == 0 || n > 256)
        return false;
    int32_t tokens[256 + 64];
    const uint8_t *tok = take(r, 4 * (size_t)n);
    const uint8_t *am = take(r, 4 * (size_t)n);
    const uint8_t *gap = take(r, 4 * (size_t)n);
    uint32_t n_rows = take_u32(r);
    const uint8_t *rows = take(r, (size_t)n_rows * n_vocab * 2);
    if (!r->ok)
        return false;
    for (uint32_t i = 0; i < n; i++)
        memcpy(&tokens[i], tok + 4 * i, 4);

    CU_ASSERT_EQUAL_FATAL(transformer_forward(&l->m, &l->kv, &l->seq, tokens, n, 0, true, l->logits, &l->scratch, &e), ERR_OK);
    if (l->fast)
        check_fast(l, tokens, n, n_vocab, index, st);
    const float near_tie = l->fast ? FAST_GAP(l) : NEAR_TIE;
    for (uint32_t i = 0; i < n; i++) {
        const float *ours = l->logits + (size_t)i * n_vocab;
        int32_t want;
        float g;
        memcpy(&want, am + 4 * i, 4);
        memcpy(&g, gap + 4 * i, 4);
        if (argmax(ours, n_vocab) != want) {
            if (g < near_tie) {
                st->near_ties++;
            } else {
                CU_FAIL("argmax differs from llama.cpp's");
                fprintf(stderr, "\n  prompt %u position %u: argmax %d, llama.cpp %d (gap %g)\n", index, i,
                        argmax(ours, n_vocab), want, g);
            }
        }
        if (i < n_rows) {
            const uint8_t *ref = rows + (size_t)i * n_vocab * 2;
            for (uint32_t t = 0; t < n_vocab; t++)
                l->exact_logits[t] = bf16(ref + 2 * t); /* free again: check_fast is done with it */
            double x = nmse(ours, l->exact_logits, n_vocab);
            st->worst_nmse = x > st->worst_nmse ? x : st->worst_nmse;
            st->rows++;
            if (!l->fast && !(x <= MAX_NMSE)) { /* fast: bounded against exact instead (check_fast) */
                CU_FAIL("logits NMSE above 1e-4");
                fprintf(stderr, "\n  prompt %u position %u: NMSE %.3g\n", index, i, x);
            }
        }
        st->positions++;
    }

    /* Greedy continuation, one token at a time from the prompt's last logits. */
    uint32_t n_gen = take_u32(r);
    const uint8_t *gen = take(r, 4 * (size_t)n_gen);
    const uint8_t *gen_gap = take(r, 4 * (size_t)n_gen);
    if (!r->ok || n_gen > 64)
        return false;
    float *last = l->logits + (size_t)(n - 1) * n_vocab;
    memmove(l->logits, last, n_vocab * sizeof *last);
    for (uint32_t k = 0; k < n_gen; k++) {
        int32_t want, ours = argmax(l->logits, n_vocab);
        float g;
        memcpy(&want, gen + 4 * k, 4);
        memcpy(&g, gen_gap + 4 * k, 4);
        if (ours != want) {
            if (g < near_tie || l->fast) {
                st->gen_near_tie_stops++; /* a near-tie (or fast attention): the rest may rightly differ */
                st->fast_greedy_parted += l->fast;
                break;
            }
            CU_FAIL("greedy token differs from llama.cpp's");
            fprintf(stderr, "\n  prompt %u generated token %u: %d, llama.cpp %d (gap %g)\n", index, k, ours, want, g);
            break;
        }
        st->gen_tokens++;
        if (k + 1 < n_gen)
            CU_ASSERT_EQUAL_FATAL(transformer_forward(&l->m, &l->kv, &l->seq, &ours, 1, n + k, false, l->logits, &l->scratch, &e),
                                  ERR_OK);
    }
    st->prompts++;
    return true;
}

/* Every golden file of one model: "<stem>_p<first>-<last>.bin"; fast: by fast attention, checked against exact too. */
static void check_model(const char *stem, kv_types_t types, bool fast)
{
    char path[256];
    loaded_t l;
    err_t e;
    snprintf(path, sizeof path, "test_models/%s.gguf", stem);
    CU_ASSERT_EQUAL_FATAL(host_gguf_open(&l.h, "\n  forward (`make models` makes the models)", path, 32u << 20), 0);
    CU_ASSERT_EQUAL_FATAL(model_load(&l.m, &l.h.file, &l.h.arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_cache_init(&l.kv, &l.m.hp, N_CTX, types, &l.h.arena, &e), ERR_OK);
    CU_ASSERT_EQUAL_FATAL(kv_seq_init(&l.seq, N_CTX, &l.h.arena, &e), ERR_OK);
    l.fast = fast;
    l.kv.attn = fast ? KERN_ATTN_FAST : KERN_ATTN_EXACT;
    if (fast) {
        CU_ASSERT_EQUAL_FATAL(kv_cache_init(&l.exact_kv, &l.m.hp, N_CTX, types, &l.h.arena, &e), ERR_OK);
        CU_ASSERT_EQUAL_FATAL(kv_seq_init(&l.exact_seq, N_CTX, &l.h.arena, &e), ERR_OK);
    }
    host_arena_init(&l.scratch, 256u << 20);
    uint32_t n_vocab = l.m.hp.n_vocab;
    l.logits = malloc((size_t)256 * n_vocab * sizeof *l.logits);
    l.exact_logits = malloc((size_t)256 * n_vocab * sizeof *l.exact_logits);
    uint8_t digest[SHA256_DIGEST_BYTES];
    sha256_t sh;
    sha256_init(&sh);
    sha256_update(&sh, l.h.blob, l.h.len);
    sha256_final(&sh, digest);

    stats_t st = { 0 };
    int n_files = 0;
    DIR *dir = opendir(GOLDEN_DIR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    for (struct dirent *d; (d = readdir(dir));) {
        size_t sl = strlen(stem);
        if (strncmp(d->d_name, stem, sl) != 0 || strncmp(d->d_name + sl, "_p", 2) != 0)
            continue;
        char file[512];
        size_t size;
        snprintf(file, sizeof file, GOLDEN_DIR "%s", d->d_name);
        uint8_t *g = host_read_file(file, &size);
        reader_t r = { g, size, 0, g != NULL };
        const uint8_t *magic = take(&r, 4);
        CU_ASSERT_TRUE_FATAL(magic && memcmp(magic, "LGTS", 4) == 0 && take_u32(&r) == 1);
        CU_ASSERT_EQUAL(take_u32(&r), n_vocab);
        uint32_t first = take_u32(&r), n_prompts = take_u32(&r);
        take_u32(&r);
        const uint8_t *sha = take(&r, 32);
        CU_ASSERT_TRUE_FATAL(sha && memcmp(sha, digest, 32) == 0); /* goldens made from this very file */
        for (uint32_t i = 0; i < n_prompts; i++)
            CU_ASSERT_TRUE_FATAL(check_prompt(&l, &r, n_vocab, first + i, &st));
        free(g);
        n_files++;
    }
    closedir(dir);
    CU_ASSERT(n_files > 0);
    CU_ASSERT_EQUAL(st.prompts, 20);
    fprintf(stderr, "\n  %s, cache K %s V %s, %s attention: %d prompts, %d positions (%d with logits, worst NMSE %.2e), %d argmax "
                    "near-ties, %d greedy tokens equal, %d stops at a near-tie\n",
            stem, quant_type_name(types.k), quant_type_name(types.v), fast ? "fast" : "exact", st.prompts, st.positions, st.rows, st.worst_nmse, st.near_ties,
            st.gen_tokens, st.gen_near_tie_stops);
    if (fast)
        fprintf(stderr, "  fast against exact: worst NMSE %.2e, %d argmax changes (exact top-2 gap < %g); "
                        "%d of %d greedy continuations part from llama.cpp's\n",
                st.worst_fast_nmse, st.fast_argmax_near, (double)FAST_GAP(&l), st.fast_greedy_parted, st.prompts);
    free(l.logits);
    free(l.exact_logits);
    host_arena_free(&l.scratch);
    host_gguf_close(&l.h);
}

#define F16 KV_TYPES_DEFAULT
#define Q8 ((kv_types_t){ QUANT_Q8_0, QUANT_Q8_0, false })
static void test_q4_1(void) { check_model("smollm2-135m-q4_1", F16, false); }
static void test_q4_0(void) { check_model("smollm2-135m-q4_0", F16, false); }
static void test_q8_0(void) { check_model("smollm2-135m-q8_0", F16, false); }
static void test_q8_0_l1(void) { check_model("smollm2-135m-q8_0-L1", F16, false); }
static void test_q8_0_l4(void) { check_model("smollm2-135m-q8_0-L4", F16, false); }
static void test_fast_q4_0(void) { check_model("smollm2-135m-q4_0", F16, true); }
static void test_fast_q8_0_l1(void) { check_model("smollm2-135m-q8_0-L1", F16, true); }
/* Fast attention over a Q8_0 cache against exact over the same cache (and the cache's cost against llama.cpp). */
static void test_fast_kv_q8_0(void) { check_model("smollm2-135m-q4_0", Q8, true); }

TEST_REGISTER(test_forward_real_register)
{
    TEST_ADD(test_suite("forward_q4_1"), test_q4_1);
    TEST_ADD(test_suite("forward_q4_0"), test_q4_0);
    TEST_ADD(test_suite("forward_q8_0"), test_q8_0);
    TEST_ADD(test_suite("forward_q8_0_l1"), test_q8_0_l1); /* small enough for qemu-aarch64: every NEON level */
    TEST_ADD(test_suite("forward_q8_0_l4"), test_q8_0_l4);
    TEST_ADD(test_suite("forward_fast_q4_0"), test_fast_q4_0); /* fast attention: bounds against exact */
    TEST_ADD(test_suite("forward_fast_q8_0_l1"), test_fast_q8_0_l1);
    TEST_ADD(test_suite("forward_fast_kv_q8_0"), test_fast_kv_q8_0);
}

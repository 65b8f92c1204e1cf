/*
 * The token sampler (llm/sampler): greedy picks, seeded reproducibility, the
 * drawn distribution against the softmax (chi-square), the kept sets of
 * top-k, top-p and min-p against hand computations of llama.cpp's rules,
 * the penalties' exact effect on logits over the last N accepted tokens,
 * config checks, arena exhaustion, and a full 49152-entry vocabulary.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/sampler.h"
#include "tests/unit/suites.h"


#define ARENA_BYTES (4u << 20)
#define BIG_VOCAB 49152u

static arena_t arena;
static uint8_t *arena_buf;

/* A sampler over n tokens from a fresh arena; the test fails at once if init does. */
static void make(sampler_t *s, const sampler_config_t *c, uint32_t n)
{
    arena_reset(&arena);
    err_t e;
    err_code_t rc = sampler_init(s, c, n, &arena, &e);
    CU_ASSERT_EQUAL_FATAL(rc, ERR_OK);
}

/* Temperature 1, no truncation, no penalties. */
static sampler_config_t plain(void)
{
    sampler_config_t c;
    sampler_config_default(&c);
    c.temperature = 1.0f;
    c.top_k = 0;
    c.top_p = 1.0f;
    c.min_p = 0.0f;
    return c;
}

/* xorshift64*: the tests' own logits, independent of the sampler's generator. */
static uint64_t test_rng = 88172645463325252ull;

static double test_uniform(void)
{
    test_rng ^= test_rng >> 12;
    test_rng ^= test_rng << 25;
    test_rng ^= test_rng >> 27;
    return (double)((test_rng * 2685821657736338717ull) >> 11) * 0x1.0p-53;
}

static void random_logits(float *l, uint32_t n, float scale, int levels)
{
    for (uint32_t i = 0; i < n; i++) {
        double u = test_uniform();
        l[i] = levels > 0 ? (float)(int)(u * levels) : (float)((u - 0.5) * scale);
    }
}

static uint32_t argmax(const float *l, uint32_t n)
{
    uint32_t best = 0;
    for (uint32_t i = 1; i < n; i++)
        if (l[i] > l[best])
            best = i;
    return best;
}

static bool is_sorted_best_first(const sampler_candidate_t *c, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++)
        if (c[i].logit > c[i - 1].logit || (c[i].logit == c[i - 1].logit && c[i].id < c[i - 1].id))
            return false;
    return true;
}

/* The candidate ids as a bit set over the first 64 tokens. */
static uint64_t candidate_set(sampler_t *s, const float *logits)
{
    const sampler_candidate_t *c;
    uint32_t n = sampler_candidates(s, logits, &c);
    uint64_t set = 0;
    for (uint32_t i = 0; i < n; i++)
        set |= 1ull << c[i].id;
    return set;
}

/* The set of tokens drawn in n picks (first 64 tokens). */
static uint64_t drawn_set(sampler_t *s, const float *logits, int n)
{
    uint64_t set = 0;
    for (int i = 0; i < n; i++) {
        int32_t t = sampler_pick(s, logits);
        set |= t >= 0 && t < 64 ? 1ull << t : UINT64_MAX; /* out of range: never the expected set */
    }
    return set;
}

/* Checks that draws stay in the kept set and, flattened by a high temperature, reach all of it. */
static void check_draws_within(sampler_config_t c, const float *logits, uint32_t n, uint64_t expect)
{
    sampler_t s;
    c.temperature = 50.0f;
    make(&s, &c, n);
    CU_ASSERT_EQUAL(candidate_set(&s, logits), expect);
    CU_ASSERT_EQUAL(drawn_set(&s, logits, 4000), expect);
}

/* Checks the candidates under config c are exactly ids[0 .. n_ids), in that order. */
static void expect_candidates(const sampler_config_t *c, const float *logits, uint32_t n_vocab, const int32_t *ids,
                              uint32_t n_ids)
{
    sampler_t s;
    make(&s, c, n_vocab);
    const sampler_candidate_t *cand;
    CU_ASSERT_EQUAL_FATAL(sampler_candidates(&s, logits, &cand), n_ids);
    int wrong = 0;
    for (uint32_t i = 0; i < n_ids; i++)
        wrong += cand[i].id != ids[i] || cand[i].logit != logits[ids[i]];
    CU_ASSERT_EQUAL(wrong, 0);
}

/* ---------------------------------------------------------------- config */

static void test_defaults(void)
{
    const sampler_config_t want = { .temperature = 0.8f, .top_k = 40, .top_p = 0.95f, .min_p = 0.05f,
                                    .repeat_penalty = 1.0f, .penalty_last_n = 64, .seed = 0xC0FFEE };
    sampler_config_t c;
    memset(&c, 0x5a, sizeof c); /* every field must be set (the struct has no padding) */
    sampler_config_default(&c);
    CU_ASSERT_EQUAL(memcmp(&c, &want, sizeof c), 0);
    err_t e;
    CU_ASSERT_EQUAL(sampler_config_check(&c, &e), ERR_OK);
}

static void expect_refused(const sampler_config_t *c, const char *field, const char *value)
{
    err_t e;
    err_clear(&e);
    CU_ASSERT_EQUAL(sampler_config_check(c, &e), ERR_INVALID);
    CU_ASSERT_EQUAL(e.code, ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, field));
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, value));
    /* sampler_init refuses it the same way, taking nothing from the arena. */
    sampler_t s;
    arena_reset(&arena);
    CU_ASSERT_EQUAL(sampler_init(&s, c, 10, &arena, &e), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, field));
    CU_ASSERT_EQUAL(arena.used_bytes, 0);
}

static void test_config_check(void)
{
    const float nan = NAN, inf = INFINITY;
    struct {
        const char *field;
        size_t offset;
        float value;
        const char *shown;
    } bad[] = {
        { "temperature", offsetof(sampler_config_t, temperature), nan, "nan" },
        { "temperature", offsetof(sampler_config_t, temperature), inf, "inf" },
        { "temperature", offsetof(sampler_config_t, temperature), -inf, "inf" },
        { "top_p", offsetof(sampler_config_t, top_p), 0.0f, "0.000000" },
        { "top_p", offsetof(sampler_config_t, top_p), -0.5f, "-0.500000" },
        { "top_p", offsetof(sampler_config_t, top_p), 1.5f, "1.500000" },
        { "top_p", offsetof(sampler_config_t, top_p), nan, "nan" },
        { "min_p", offsetof(sampler_config_t, min_p), -0.25f, "-0.250000" },
        { "min_p", offsetof(sampler_config_t, min_p), 1.25f, "1.250000" },
        { "min_p", offsetof(sampler_config_t, min_p), nan, "nan" },
        { "repeat_penalty", offsetof(sampler_config_t, repeat_penalty), 0.0f, "0.000000" },
        { "repeat_penalty", offsetof(sampler_config_t, repeat_penalty), -1.0f, "-1.000000" },
        { "repeat_penalty", offsetof(sampler_config_t, repeat_penalty), inf, "inf" },
        { "repeat_penalty", offsetof(sampler_config_t, repeat_penalty), nan, "nan" },
        { "frequency_penalty", offsetof(sampler_config_t, frequency_penalty), nan, "nan" },
        { "frequency_penalty", offsetof(sampler_config_t, frequency_penalty), -inf, "inf" },
        { "presence_penalty", offsetof(sampler_config_t, presence_penalty), nan, "nan" },
        { "presence_penalty", offsetof(sampler_config_t, presence_penalty), inf, "inf" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sampler_config_t c;
        sampler_config_default(&c);
        memcpy((char *)&c + bad[i].offset, &bad[i].value, sizeof(float));
        expect_refused(&c, bad[i].field, bad[i].shown);
    }
    sampler_config_t c;
    sampler_config_default(&c);
    c.penalty_last_n = -1;
    expect_refused(&c, "penalty_last_n", "-1");

    /* Edges that are allowed. */
    const float temps[] = { -5.0f, 0.0f, 1e-30f, 1e30f };
    for (size_t i = 0; i < sizeof temps / sizeof temps[0]; i++) {
        sampler_config_default(&c);
        c.temperature = temps[i];
        c.top_k = -3;
        c.top_p = 1.0f;
        c.min_p = i % 2 ? 1.0f : 0.0f;
        c.repeat_penalty = 0.5f;
        c.frequency_penalty = -2.0f;
        c.presence_penalty = -1.0f;
        c.penalty_last_n = 0;
        c.seed = UINT64_MAX;
        CU_ASSERT_EQUAL(sampler_config_check(&c, NULL), ERR_OK);
    }

    /* A vocabulary of zero tokens. */
    err_t e;
    sampler_t s;
    sampler_config_default(&c);
    CU_ASSERT_EQUAL(sampler_init(&s, &c, 0, &arena, &e), ERR_INVALID);
    CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "n_vocab"));
}

/* ---------------------------------------------------------------- greedy */

static void test_greedy(void)
{
    sampler_config_t c = plain();
    c.temperature = 0.0f;
    sampler_t s;
    make(&s, &c, 1000);
    float l[1000];
    for (int round = 0; round < 50; round++) {
        random_logits(l, 1000, 20.0f, round % 2 ? 7 : 0); /* odd rounds: many ties */
        CU_ASSERT_EQUAL(sampler_pick(&s, l), (int32_t)argmax(l, 1000));
    }
    make(&s, &c, 6);
    uint64_t before[4];
    memcpy(before, s.rng, sizeof before);

    /* Ties go to the lowest id; extreme values compare without overflow or NaN. */
    const float ties[6] = { 1.0f, 3.0f, 2.0f, 3.0f, 3.0f, -1.0f };
    CU_ASSERT_EQUAL(sampler_pick(&s, ties), 1);
    float big[6] = { -FLT_MAX, 1e30f, FLT_MAX, FLT_MAX, -INFINITY, 1e38f };
    CU_ASSERT_EQUAL(sampler_pick(&s, big), 2);
    float tiny[6] = { -1e38f, -1e-38f, -FLT_MAX, -1e-45f, -INFINITY, -1e-30f };
    CU_ASSERT_EQUAL(sampler_pick(&s, tiny), 3);
    float inf[6] = { 0.0f, INFINITY, 5.0f, INFINITY, FLT_MAX, 0.0f };
    CU_ASSERT_EQUAL(sampler_pick(&s, inf), 1);
    float nan[6] = { NAN, 1.0f, 2.0f, NAN, 2.0f, NAN };
    CU_ASSERT_EQUAL(sampler_pick(&s, nan), 2);
    float all_nan[6] = { NAN, NAN, NAN, NAN, NAN, NAN };
    CU_ASSERT_EQUAL(sampler_pick(&s, all_nan), 0);
    float all_neg_inf[6] = { -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY };
    CU_ASSERT_EQUAL(sampler_pick(&s, all_neg_inf), 0);
    /* Greedy never touches the generator. */
    CU_ASSERT_EQUAL(memcmp(before, s.rng, sizeof before), 0);

    /* Negative temperature is greedy too, whatever the truncation settings. */
    c = plain();
    c.temperature = -0.5f;
    c.top_k = 3;
    c.top_p = 0.2f;
    c.min_p = 0.9f;
    make(&s, &c, 1000);
    for (int round = 0; round < 20; round++) {
        random_logits(l, 1000, 20.0f, round % 2 ? 5 : 0);
        CU_ASSERT_EQUAL(sampler_pick(&s, l), (int32_t)argmax(l, 1000));
    }
}

/* Infinite and NaN logits when drawing: +inf ties with the largest float, NaN is never drawn. */
static void test_extreme_draws(void)
{
    const float inf[6] = { 0.0f, INFINITY, 5.0f, INFINITY, NAN, -INFINITY };
    const float big[6] = { -FLT_MAX, FLT_MAX, 1e38f, FLT_MAX, NAN, -INFINITY };
    sampler_config_t c = plain();
    sampler_t s;
    make(&s, &c, 6); /* no truncation: every token is a candidate, but only the two have weight */
    CU_ASSERT_EQUAL(drawn_set(&s, inf, 2000), 0xa);
    CU_ASSERT_EQUAL(drawn_set(&s, big, 2000), 0xa);
    c.min_p = 0.01f;
    check_draws_within(c, inf, 6, 0xa);
    check_draws_within(c, big, 6, 0xa);
    c.top_p = 0.5f; /* the sorted path: the first of the two ties */
    check_draws_within(c, inf, 6, 0x2);

    /* Nothing finite to choose from: the lowest id, whatever the path. */
    const float none[4] = { -INFINITY, NAN, -INFINITY, NAN };
    sampler_config_t cs[3] = { plain(), plain(), plain() };
    cs[1].top_p = 0.5f;
    cs[2].top_k = 2;
    cs[2].min_p = 0.5f;
    for (int i = 0; i < 3; i++) {
        make(&s, &cs[i], 4);
        const sampler_candidate_t *cand;
        CU_ASSERT_EQUAL(sampler_candidates(&s, none, &cand), 1);
        CU_ASSERT_EQUAL(cand[0].id, 0);
        CU_ASSERT_EQUAL(sampler_pick(&s, none), 0);
    }

    /* Temperatures at the extremes stay finite: tiny is greedy-like, huge is uniform. */
    const float l[4] = { 1.0f, 3.0f, 2.0f, 3.0f };
    c = plain();
    c.temperature = 1e-30f;
    make(&s, &c, 4);
    CU_ASSERT_EQUAL(drawn_set(&s, l, 2000), 0xa);
    c.temperature = 1e30f;
    make(&s, &c, 4);
    CU_ASSERT_EQUAL(drawn_set(&s, l, 2000), 0xf);
}

/* top_k 1 leaves only the argmax (ties: lowest id), so any temperature picks it. */
static void test_top_k_one_is_greedy(void)
{
    const float temps[] = { 0.1f, 1.0f, 5.0f, 1000.0f };
    float l[300];
    for (size_t t = 0; t < sizeof temps / sizeof temps[0]; t++) {
        sampler_config_t c;
        sampler_config_default(&c);
        c.temperature = temps[t];
        c.top_k = 1;
        sampler_t s;
        make(&s, &c, 300);
        int wrong = 0;
        for (int round = 0; round < 200; round++) {
            random_logits(l, 300, 10.0f, round % 2 ? 4 : 0);
            uint64_t before = s.rng[0];
            wrong += sampler_pick(&s, l) != (int32_t)argmax(l, 300);
            CU_ASSERT_NOT_EQUAL(s.rng[0], before); /* a non-greedy pick always draws */
        }
        CU_ASSERT_EQUAL(wrong, 0);
    }
}

/* ---------------------------------------------------------------- generator */

#define N_SEQ 1000
#define SEQ_VOCAB 64

static void draw_sequence(uint64_t seed, int32_t *out)
{
    sampler_config_t c = plain();
    c.seed = seed;
    sampler_t s;
    make(&s, &c, SEQ_VOCAB);
    float flat[SEQ_VOCAB] = { 0 };
    for (int i = 0; i < N_SEQ; i++)
        out[i] = sampler_pick(&s, flat);
}

static void test_seed(void)
{
    static int32_t a[N_SEQ], b[N_SEQ], d[N_SEQ];
    draw_sequence(SAMPLER_DEFAULT_SEED, a);
    draw_sequence(SAMPLER_DEFAULT_SEED, b);
    CU_ASSERT_EQUAL(memcmp(a, b, sizeof a), 0);
    draw_sequence(SAMPLER_DEFAULT_SEED + 1, d);
    int same = 0, repeats = 0;
    uint64_t seen = 0;
    for (int i = 0; i < N_SEQ; i++) {
        same += a[i] == d[i];
        repeats += i > 0 && a[i] == a[i - 1];
        seen |= 1ull << a[i];
    }
    CU_ASSERT(same < 50);      /* about N_SEQ / 64 = 16 by chance */
    CU_ASSERT(repeats < 50);   /* the state advances: consecutive draws are independent */
    CU_ASSERT_EQUAL(seen, UINT64_MAX); /* and every token of the uniform vocabulary comes up */

    /* Seed 0 is a seed like any other. */
    draw_sequence(0, d);
    CU_ASSERT_NOT_EQUAL(memcmp(a, d, sizeof a), 0);

    /* sampler_reset starts the same sequence again, even mid-way. */
    sampler_config_t c = plain();
    sampler_t s;
    make(&s, &c, SEQ_VOCAB);
    float flat[SEQ_VOCAB] = { 0 };
    for (int i = 0; i < 123; i++)
        sampler_pick(&s, flat);
    sampler_reset(&s);
    int diff = 0;
    for (int i = 0; i < N_SEQ; i++)
        diff += sampler_pick(&s, flat) != a[i];
    CU_ASSERT_EQUAL(diff, 0);
}

/* ---------------------------------------------------------------- distribution */

#define N_DRAWS 200000

/* Pearson's chi-square of the counts against the softmax of logits / temperature. */
static double chi_square(const int *counts, const float *logits, int n, double temperature)
{
    double p[8], sum = 0;
    for (int i = 0; i < n; i++)
        sum += p[i] = exp(logits[i] / temperature);
    double chi = 0;
    for (int i = 0; i < n; i++) {
        double expect = N_DRAWS * p[i] / sum;
        chi += (counts[i] - expect) * (counts[i] - expect) / expect;
    }
    return chi;
}

static void test_distribution(void)
{
    const float logits[5] = { 1.0f, 2.0f, 0.5f, -1.0f, 1.5f };
    const float temps[] = { 1.0f, 0.5f, 2.0f };
    for (size_t t = 0; t < sizeof temps / sizeof temps[0]; t++) {
        sampler_config_t c = plain();
        c.temperature = temps[t];
        sampler_t s;
        make(&s, &c, 5);
        int counts[6] = { 0 };
        for (int i = 0; i < N_DRAWS; i++) {
            int32_t tok = sampler_pick(&s, logits);
            counts[tok >= 0 && tok < 5 ? tok : 5]++;
        }
        CU_ASSERT_EQUAL_FATAL(counts[5], 0);
        /* 4 degrees of freedom: P(chi2 > 25) = 5e-5 for a correct sampler. */
        double chi = chi_square(counts, logits, 5, temps[t]);
        CU_ASSERT(chi < 25.0);
        /* The test has power: the counts are far from the other temperatures' softmax. */
        for (size_t u = 0; u < sizeof temps / sizeof temps[0]; u++)
            if (u != t)
                CU_ASSERT(chi_square(counts, logits, 5, temps[u]) > 1000.0);
    }
}

/* ---------------------------------------------------------------- truncation */

static void test_top_k(void)
{
    /* ids:               0     1     2     3     4     5     6     7     8     9 */
    const float l[10] = { 0.3f, 2.0f, -1.f, 1.5f, 0.9f, 3.0f, 0.1f, -2.f, 1.4f, 0.0f };
    sampler_config_t c = plain();
    c.top_k = 3;
    expect_candidates(&c, l, 10, (const int32_t[]){ 5, 1, 3 }, 3);
    check_draws_within(c, l, 10, 1u << 5 | 1u << 1 | 1u << 3);

    /* Ties at the cut keep the lower ids. */
    const float tie[8] = { 1.0f, 5.0f, 3.0f, 5.0f, 3.0f, 0.0f, 3.0f, 5.0f };
    c.top_k = 4;
    check_draws_within(c, tie, 8, 1u << 1 | 1u << 3 | 1u << 7 | 1u << 2);

    /* k of the vocabulary size or more keeps everything, in id order. */
    const int32_t all[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    for (int32_t k = 10; k <= 11; k++) {
        c.top_k = k;
        expect_candidates(&c, l, 10, all, 10);
    }

    /* Against a full sort, over many sizes of k and vocabularies with ties. */
    sampler_t s;
    const sampler_candidate_t *cand;
    float r[200];
    for (int round = 0; round < 40; round++) {
        random_logits(r, 200, 8.0f, round % 2 ? 9 : 0);
        c.top_k = 1 + round * 5;
        make(&s, &c, 200);
        uint32_t n = sampler_candidates(&s, r, &cand);
        CU_ASSERT_EQUAL_FATAL(n, (uint32_t)c.top_k);
        CU_ASSERT(is_sorted_best_first(cand, n));
        /* Every token left out ranks below the last one kept. */
        bool kept[200] = { false };
        for (uint32_t i = 0; i < n; i++)
            kept[cand[i].id] = true;
        int misplaced = 0;
        for (int32_t i = 0; i < 200; i++)
            if (!kept[i])
                misplaced += r[i] > cand[n - 1].logit || (r[i] == cand[n - 1].logit && i < cand[n - 1].id);
        CU_ASSERT_EQUAL(misplaced, 0);
    }
}

/* How many of the best-first probabilities llama.cpp's top-p keeps: until the sum reaches p. */
static uint32_t hand_top_p(const float *sorted_logits, uint32_t n, double p, double *margin)
{
    double w[16], total = 0, cum = 0;
    for (uint32_t i = 0; i < n; i++)
        total += w[i] = exp(sorted_logits[i] - sorted_logits[0]);
    *margin = 1.0;
    for (uint32_t i = 0; i < n; i++) {
        cum += w[i] / total;
        double gap = fabs(cum - p);
        *margin = gap < *margin ? gap : *margin;
        if (cum >= p)
            return i + 1;
    }
    return n;
}

static void test_top_p(void)
{
    sampler_config_t c = plain();
    sampler_t s;

    /* Four equal tokens of 1/4 each: p = 0.5 is reached, inclusively, by two. */
    const float flat[4] = { 0.0f, 0.0f, 0.0f, 0.0f };
    const struct {
        float p;
        uint64_t set;
    } flat_cases[] = { { 0.5f, 0x3 }, { 0.51f, 0x7 }, { 0.25f, 0x1 }, { 0.2f, 0x1 }, { 0.75f, 0x7 },
                       { 0.76f, 0xf }, { 1e-6f, 0x1 }, { 1.0f, 0xf } };
    for (size_t i = 0; i < sizeof flat_cases / sizeof flat_cases[0]; i++) {
        c.top_p = flat_cases[i].p;
        make(&s, &c, 4);
        CU_ASSERT_EQUAL(candidate_set(&s, flat), flat_cases[i].set);
        check_draws_within(c, flat, 4, flat_cases[i].set);
    }

    /* Distinct probabilities, shuffled ids, against the hand computation. */
    const float l[6] = { 0.5f, -3.0f, 2.0f, 0.0f, 1.0f, -1.0f };
    const int32_t order[6] = { 2, 4, 0, 3, 5, 1 }; /* best first */
    float sorted[6];
    for (int i = 0; i < 6; i++)
        sorted[i] = l[order[i]];
    const float ps[] = { 0.3f, 0.5f, 0.6f, 0.8f, 0.9f, 0.95f, 0.99f, 0.999f };
    uint32_t distinct_sizes = 0, last = 0;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double margin;
        uint32_t want = hand_top_p(sorted, 6, ps[i], &margin);
        CU_ASSERT(margin > 1e-4); /* no case sits on a rounding boundary */
        distinct_sizes += want != last;
        last = want;
        c.top_p = ps[i];
        expect_candidates(&c, l, 6, order, want);
        uint64_t set = 0;
        for (uint32_t j = 0; j < want; j++)
            set |= 1ull << order[j];
        check_draws_within(c, l, 6, set);
    }
    CU_ASSERT(distinct_sizes >= 5);

    /* The nucleus bound's tight case: one token of 0.895 and 999 of 0.105/999 each, where the
     * second token needed weighs only 5% more than (1 - p) / (n - 1). */
    static float many[1000];
    const float big = logf(0.895f * 999 / 0.105f);
    for (int i = 0; i < 1000; i++)
        many[i] = i == 500 ? big : 0.0f;
    double w = exp(-(double)big), total = 1.0 + 999 * w, cum = 1.0;
    int32_t ids[1000] = { 500 };
    uint32_t want = 1;
    while (cum < 0.9 * total) {
        cum += w;
        ids[want] = (int32_t)want - 1;
        want++;
    }
    CU_ASSERT(want > 40 && want < 60);
    c.top_p = 0.9f;
    expect_candidates(&c, many, 1000, ids, want);

    /* top-k runs first and top-p sees the renormalized survivors: of 2 equal tokens, 1 reaches 0.5. */
    c.top_p = 0.5f;
    c.top_k = 2;
    make(&s, &c, 4);
    CU_ASSERT_EQUAL(candidate_set(&s, flat), 0x1);

    /* top-p works on temperature-1 probabilities: temperature changes the draw, not the set. */
    c.top_k = 0;
    c.top_p = 0.8f;
    make(&s, &c, 6);
    uint64_t at_one = candidate_set(&s, l);
    c.temperature = 0.05f;
    make(&s, &c, 6);
    CU_ASSERT_EQUAL(candidate_set(&s, l), at_one);
    c.temperature = 20.0f;
    make(&s, &c, 6);
    CU_ASSERT_EQUAL(candidate_set(&s, l), at_one);
}

static void test_min_p(void)
{
    /* Relative to the max: e^-2 = 0.135 >= 0.1 stays, e^-2.5 = 0.082 goes. (As a fraction of the
     * total, token 3's 0.085 would fall below 0.1: the rule must be relative.) */
    /* ids:              0      1     2      3     4 */
    const float l[5] = { -2.5f, 0.0f, -5.0f, -2.0f, -1.0f };
    sampler_config_t c = plain();
    c.min_p = 0.1f;
    expect_candidates(&c, l, 5, (const int32_t[]){ 1, 3, 4 }, 3); /* no top-k/top-p: id order */
    check_draws_within(c, l, 5, 0x1a);

    /* A shift of every logit changes nothing. */
    float shifted[5];
    for (int i = 0; i < 5; i++)
        shifted[i] = l[i] + 7.0f;
    check_draws_within(c, shifted, 5, 0x1a);

    /* Thresholds either side of each ratio. */
    const struct {
        float p;
        uint64_t set;
    } cases[] = { { 0.9f, 0x2 }, { 0.3f, 0x12 }, { 0.14f, 0x12 }, { 0.13f, 0x1a }, { 0.08f, 0x1b },
                  { 0.0068f, 0x1b }, { 0.0067f, 0x1f }, { 0.006f, 0x1f } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c.min_p = cases[i].p;
        check_draws_within(c, l, 5, cases[i].set);
    }

    /* min_p 1 keeps the max and its ties only. */
    const float tied[4] = { 3.0f, 1.0f, 3.0f, 2.9f };
    c.min_p = 1.0f;
    check_draws_within(c, tied, 4, 0x5);

    /* After top-p, on what is left: top-p 0.7 keeps {1, 4} (0.63 + 0.23); min-p 0.5 then drops 4
     * (e^-1 < 0.5). */
    c.top_p = 0.7f;
    c.min_p = 0.5f;
    expect_candidates(&c, l, 5, (const int32_t[]){ 1 }, 1);
    c.min_p = 0.3f;
    check_draws_within(c, l, 5, 0x12);
}

/* ---------------------------------------------------------------- penalties */

/* The logit llama.cpp's penalties give a token seen n times. */
static float penalized(float l, int n, const sampler_config_t *c)
{
    if (n == 0)
        return l;
    l = l <= 0.0f ? l * c->repeat_penalty : l / c->repeat_penalty;
    return l - ((float)n * c->frequency_penalty + c->presence_penalty);
}

/* The candidates' logits (in id order: no top-k/top-p) against penalized() with the given counts. */
static void check_penalized(sampler_t *s, const float *l, const int *counts, uint32_t n)
{
    const sampler_candidate_t *cand;
    CU_ASSERT_EQUAL_FATAL(sampler_candidates(s, l, &cand), n);
    for (uint32_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(cand[i].id, (int32_t)i);
        CU_ASSERT_EQUAL(cand[i].logit, penalized(l[i], counts[i], &s->config));
    }
}

static void test_penalty_values(void)
{
    const float l[8] = { 2.0f, -1.0f, 0.5f, 3.0f, 0.0f, -4.0f, 1.0f, 7.0f };
    sampler_config_t c = plain();
    c.repeat_penalty = 1.3f;
    c.frequency_penalty = 0.25f;
    c.presence_penalty = 0.4f;
    c.penalty_last_n = 16;
    sampler_t s;
    make(&s, &c, 8);
    int none[8] = { 0 };
    check_penalized(&s, l, none, 8);
    const int32_t seen[] = { 0, 1, 1, 3, 4, 5, 5, 5 };
    int counts[8] = { 0 };
    for (size_t i = 0; i < sizeof seen / sizeof seen[0]; i++) {
        sampler_accept(&s, seen[i]);
        counts[seen[i]]++;
        check_penalized(&s, l, counts, 8);
    }
    /* The values themselves, worked by hand for two of them. */
    const sampler_candidate_t *cand;
    sampler_candidates(&s, l, &cand);
    CU_ASSERT(fabsf(cand[0].logit - (2.0f / 1.3f - 0.65f)) < 1e-6f);
    CU_ASSERT(fabsf(cand[5].logit - (-4.0f * 1.3f - 1.15f)) < 1e-6f);
    CU_ASSERT_EQUAL(cand[7].logit, 7.0f);

    /* Tokens out of range are ignored. */
    sampler_accept(&s, -1);
    sampler_accept(&s, 8);
    sampler_accept(&s, INT32_MAX);
    check_penalized(&s, l, counts, 8);

    /* sampler_reset forgets them all, also for what is accepted afterwards. */
    sampler_reset(&s);
    check_penalized(&s, l, none, 8);
    sampler_accept(&s, 2);
    int just_two[8] = { [2] = 1 };
    check_penalized(&s, l, just_two, 8);
}

/* The greedy pick over logits after accepting tokens, under one penalty setting. */
static int32_t greedy_after(const float *l, uint32_t n, const int32_t *seen, int n_seen, float repeat, float freq,
                            float presence)
{
    sampler_config_t c = plain();
    c.temperature = 0.0f;
    c.repeat_penalty = repeat;
    c.frequency_penalty = freq;
    c.presence_penalty = presence;
    sampler_t s;
    make(&s, &c, n);
    for (int i = 0; i < n_seen; i++)
        sampler_accept(&s, seen[i]);
    return sampler_pick(&s, l);
}

static void test_penalty_effects(void)
{
    const int32_t zero3[3] = { 0, 0, 0 };
    /* Repeat: a positive logit is divided (2 / 1.1 = 1.82 < 1.9), ... */
    const float pos[3] = { 2.0f, 1.9f, -5.0f };
    CU_ASSERT_EQUAL(greedy_after(pos, 3, zero3, 0, 1.1f, 0, 0), 0);
    CU_ASSERT_EQUAL(greedy_after(pos, 3, zero3, 1, 1.1f, 0, 0), 1);
    CU_ASSERT_EQUAL(greedy_after(pos, 3, zero3, 1, 1.04f, 0, 0), 0);
    /* ... a negative one multiplied (-1 * 1.1 = -1.1 < -1.05; dividing would keep token 0 on top). */
    const float neg[3] = { -1.0f, -1.05f, -5.0f };
    CU_ASSERT_EQUAL(greedy_after(neg, 3, zero3, 0, 1.1f, 0, 0), 0);
    CU_ASSERT_EQUAL(greedy_after(neg, 3, zero3, 1, 1.1f, 0, 0), 1);
    /* ... and a penalty below 1 rewards a seen token. */
    const float rev[3] = { 1.9f, 2.0f, -5.0f };
    CU_ASSERT_EQUAL(greedy_after(rev, 3, zero3, 1, 0.9f, 0, 0), 0);
    /* Repetitions do not stack for the repeat penalty. */
    CU_ASSERT_EQUAL(greedy_after(pos, 3, zero3, 3, 1.04f, 0, 0), 0);

    /* Frequency: 0.4 per occurrence; 3.0 - 2 * 0.4 = 2.2 > 2, 3.0 - 3 * 0.4 = 1.8 < 2. */
    const float f[3] = { 3.0f, 2.0f, 0.0f };
    CU_ASSERT_EQUAL(greedy_after(f, 3, zero3, 2, 1.0f, 0.4f, 0), 0);
    CU_ASSERT_EQUAL(greedy_after(f, 3, zero3, 3, 1.0f, 0.4f, 0), 1);
    /* Presence: once, however often: 3.0 - 0.9 = 2.1 after three occurrences still wins, 1.1 does not. */
    CU_ASSERT_EQUAL(greedy_after(f, 3, zero3, 3, 1.0f, 0, 0.9f), 0);
    CU_ASSERT_EQUAL(greedy_after(f, 3, zero3, 1, 1.0f, 0, 1.1f), 1);
    /* A token never accepted is untouched: accepting 1 and 2 cannot dethrone 0. */
    const int32_t others[3] = { 1, 2, 1 };
    CU_ASSERT_EQUAL(greedy_after(pos, 3, others, 3, 5.0f, 5.0f, 5.0f), 0);
}

static void test_penalty_window(void)
{
    const float l[8] = { 3.0f, 2.0f, 1.0f, 0.5f, -0.5f, 2.5f, 0.25f, -1.0f };
    sampler_config_t c = plain();
    c.frequency_penalty = 0.5f;
    c.repeat_penalty = 1.2f;
    c.penalty_last_n = 3;
    sampler_t s;
    make(&s, &c, 8);
    /* After each token, the counts over the last three, computed here the long way; twice, with a
     * reset (and a different start) in between. */
    const int32_t seq[] = { 0, 0, 5, 6, 0, 7, 7, 7, 7, 1, 2, 3, 3, 0, 0 };
    const int n_seq = (int)(sizeof seq / sizeof seq[0]);
    for (int start = 0; start < 2; start++) {
        for (int i = start; i < n_seq; i++) {
            sampler_accept(&s, seq[i]);
            int counts[8] = { 0 };
            for (int j = i; j >= start && j > i - 3; j--)
                counts[seq[j]]++;
            check_penalized(&s, l, counts, 8);
        }
        sampler_reset(&s);
    }
    /* The window's effect on a greedy pick: 0 drops out after three other tokens. */
    c.temperature = 0.0f;
    c.frequency_penalty = 0.0f;
    c.repeat_penalty = 2.0f;
    make(&s, &c, 8);
    sampler_accept(&s, 0);
    CU_ASSERT_EQUAL(sampler_pick(&s, l), 5); /* 3 / 2 = 1.5 < 2.5 */
    sampler_accept(&s, 6);
    sampler_accept(&s, 6);
    CU_ASSERT_EQUAL(sampler_pick(&s, l), 5);
    sampler_accept(&s, 6);
    CU_ASSERT_EQUAL(sampler_pick(&s, l), 0);
    /* sampler_reset forgets too. */
    sampler_accept(&s, 0);
    CU_ASSERT_EQUAL(sampler_pick(&s, l), 5);
    sampler_reset(&s);
    CU_ASSERT_EQUAL(sampler_pick(&s, l), 0);
    sampler_accept(&s, 6);
    CU_ASSERT_EQUAL(sampler_pick(&s, l), 0);

    /* Resets at every fill level of the ring (3), ending part-way (a full ring hides stale slots). */
    c.repeat_penalty = 1.0f;
    c.frequency_penalty = 1.0f;
    make(&s, &c, 8);
    const int fills[] = { 0, 1, 4, 2 };
    for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
        for (int i = 0; i < fills[f]; i++)
            sampler_accept(&s, 1 + i);
        sampler_reset(&s);
    }
    sampler_accept(&s, 7);
    int just_seven[8] = { [7] = 1 };
    check_penalized(&s, l, just_seven, 8);

    /* penalty_last_n 0: nothing is remembered, nothing penalized, no arrays taken. */
    c.penalty_last_n = 0;
    make(&s, &c, 8);
    CU_ASSERT_PTR_NULL(s.ring);
    CU_ASSERT_PTR_NULL(s.count);
    for (int i = 0; i < 5; i++)
        sampler_accept(&s, 0);
    CU_ASSERT_EQUAL(sampler_pick(&s, l), 0);
}

/* ---------------------------------------------------------------- memory */

static void test_arena(void)
{
    sampler_config_t c;
    sampler_config_default(&c);
    sampler_t s;
    make(&s, &c, 1000);
    size_t need = arena.used_bytes;
    /* 12 bytes a token for candidates and weights, 4 for counts, 4 a remembered token. */
    CU_ASSERT(need >= 1000 * 16 + 64 * 4);
    CU_ASSERT(need <= 1000 * 16 + 64 * 4 + 4 * ARENA_DEFAULT_ALIGN);

    for (size_t cap = 0; cap < need; cap += 1 + cap / 7) {
        arena_t small;
        arena_init(&small, cap ? arena_buf : NULL, cap);
        err_t e;
        CU_ASSERT_EQUAL(sampler_init(&s, &c, 1000, &small, &e), ERR_NOMEM);
        CU_ASSERT_EQUAL(e.code, ERR_NOMEM);
        CU_ASSERT_EQUAL(small.used_bytes, 0); /* nothing kept from a failed init */
        CU_ASSERT_PTR_NULL(s.cand);
    }
    arena_t exact;
    arena_init(&exact, arena_buf, need);
    CU_ASSERT_EQUAL(sampler_init(&s, &c, 1000, &exact, NULL), ERR_OK);

    /* Absurd sizes fail cleanly. */
    c.penalty_last_n = INT32_MAX;
    arena_reset(&arena);
    CU_ASSERT_EQUAL(sampler_init(&s, &c, 1000, &arena, NULL), ERR_NOMEM);
    CU_ASSERT_EQUAL(arena.used_bytes, 0);
    c.penalty_last_n = 64;
    CU_ASSERT_EQUAL(sampler_init(&s, &c, UINT32_MAX, &arena, NULL), ERR_INVALID);
    CU_ASSERT_EQUAL(sampler_init(&s, &c, (uint32_t)INT32_MAX, &arena, NULL), ERR_NOMEM);
}

/* ---------------------------------------------------------------- full size */

/* A real vocabulary's size: default config, and the full-sort and unsorted paths. */
static void test_big_vocab(void)
{
    float *l = malloc(BIG_VOCAB * sizeof *l), *pl = malloc(BIG_VOCAB * sizeof *pl);
    int *counts = calloc(BIG_VOCAB, sizeof *counts);
    CU_ASSERT_FATAL(l && pl && counts);
    sampler_config_t configs[3];
    sampler_config_default(&configs[0]);
    configs[0].repeat_penalty = 1.1f;
    configs[1] = configs[0];
    configs[1].top_k = 0; /* top-p over the whole vocabulary: one full sort */
    configs[1].top_p = 0.9f;
    configs[2] = configs[1];
    configs[2].top_p = 1.0f; /* min-p alone: no sort at all */
    for (int k = 0; k < 3; k++) {
        const sampler_config_t *c = &configs[k];
        sampler_t s;
        make(&s, c, BIG_VOCAB);
        memset(counts, 0, BIG_VOCAB * sizeof *counts);
        for (int round = 0; round < 8; round++) {
            random_logits(l, BIG_VOCAB, 30.0f, 0);
            for (uint32_t i = 0; i < BIG_VOCAB; i++) /* fewer than penalty_last_n accepted: all count */
                pl[i] = penalized(l[i], counts[i], c);
            const sampler_candidate_t *cand;
            uint32_t n = sampler_candidates(&s, l, &cand);
            CU_ASSERT(n >= 1 && n <= (k == 0 ? 40u : BIG_VOCAB));
            if (k < 2)
                CU_ASSERT(is_sorted_best_first(cand, n));
            int32_t t = sampler_pick(&s, l);
            CU_ASSERT_FATAL(t >= 0 && (uint32_t)t < BIG_VOCAB);
            /* Every candidate and the pick pass min-p; with top-k 40, the pick is among the 40 best. */
            float floor = pl[argmax(pl, BIG_VOCAB)] + logf(c->min_p);
            uint32_t below = 0, above_pick = 0;
            for (uint32_t i = 0; i < n; i++)
                below += cand[i].logit < floor || cand[i].logit != pl[cand[i].id];
            CU_ASSERT_EQUAL(below, 0);
            CU_ASSERT(pl[t] >= floor);
            for (uint32_t i = 0; i < BIG_VOCAB; i++)
                above_pick += pl[i] > pl[t];
            if (k == 0)
                CU_ASSERT(above_pick < 40);
            sampler_accept(&s, t);
            counts[t]++;
        }
    }
    free(l);
    free(pl);
    free(counts);
}

/* ---------------------------------------------------------------- registration */

static int suite_init(void)
{
    arena_buf = malloc(ARENA_BYTES);
    if (!arena_buf)
        return 1;
    arena_init(&arena, arena_buf, ARENA_BYTES);
    return 0;
}

static int suite_cleanup(void)
{
    free(arena_buf);
    arena_buf = NULL;
    return 0;
}

TEST_REGISTER(test_sampler_register)
{
    CU_pSuite s = test_suite_with("sampler", suite_init, suite_cleanup);
    TEST_ADD(s, test_defaults);
    TEST_ADD(s, test_config_check);
    TEST_ADD(s, test_greedy);
    TEST_ADD(s, test_extreme_draws);
    TEST_ADD(s, test_top_k_one_is_greedy);
    TEST_ADD(s, test_seed);
    TEST_ADD(s, test_distribution);
    TEST_ADD(s, test_top_k);
    TEST_ADD(s, test_top_p);
    TEST_ADD(s, test_min_p);
    TEST_ADD(s, test_penalty_values);
    TEST_ADD(s, test_penalty_effects);
    TEST_ADD(s, test_penalty_window);
    TEST_ADD(s, test_arena);
    TEST_ADD(s, test_big_vocab);
}

/*
 * The token sampler (see sampler.h): llama.cpp's chain of penalties, top-k,
 * top-p, min-p and temperature over a candidate list, then one draw from a
 * xoshiro256** generator. A small top-k costs one pass over the vocabulary
 * (a bounded heap); top-p without top-k sorts only the tokens that can reach
 * the nucleus. Exponentials come from llm/mathf (within one float ulp).
 */
#include "llm/sampler.h"

#include <float.h>

#include "llm/support/mathf.h"

void sampler_config_default(sampler_config_t *c)
{
    *c = (sampler_config_t){
        .temperature = 0.8f,
        .top_k = 40,
        .top_p = 0.95f,
        .min_p = 0.05f,
        .repeat_penalty = 1.0f,
        .frequency_penalty = 0.0f,
        .presence_penalty = 0.0f,
        .penalty_last_n = 64,
        .seed = SAMPLER_DEFAULT_SEED,
    };
}

/* False for NaN and both infinities. */
static bool is_finite(float x)
{
    return x >= -FLT_MAX && x <= FLT_MAX;
}

err_code_t sampler_config_check(const sampler_config_t *c, err_t *err)
{
    /* Written so that a NaN fails every rule. */
    const struct {
        const char *name;
        float value;
        bool ok;
        const char *rule;
    } rules[] = {
        { "temperature", c->temperature, is_finite(c->temperature), "a finite number (<= 0: greedy)" },
        { "top_p", c->top_p, c->top_p > 0.0f && c->top_p <= 1.0f, "in (0, 1]" },
        { "min_p", c->min_p, c->min_p >= 0.0f && c->min_p <= 1.0f, "in [0, 1]" },
        { "repeat_penalty", c->repeat_penalty, is_finite(c->repeat_penalty) && c->repeat_penalty > 0.0f,
          "finite and > 0 (1: off)" },
        { "frequency_penalty", c->frequency_penalty, is_finite(c->frequency_penalty), "a finite number" },
        { "presence_penalty", c->presence_penalty, is_finite(c->presence_penalty), "a finite number" },
    };
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
        if (!rules[i].ok)
            return err_set(err, ERR_INVALID, "sampler: %s = %f, must be %s", rules[i].name, (double)rules[i].value,
                           rules[i].rule);
    if (c->penalty_last_n < 0)
        return err_set(err, ERR_INVALID, "sampler: penalty_last_n = %d, must be >= 0 (0: penalties off)",
                       (int)c->penalty_last_n);
    return ERR_OK;
}

/* ---------------------------------------------------------------- generator */

/* splitmix64: spreads one 64-bit seed over the generator's 256-bit state. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna): never all-zero, since splitmix64 outputs are distinct. */
static uint64_t rng_next(uint64_t st[4])
{
    uint64_t result = rotl(st[1] * 5, 7) * 9;
    uint64_t t = st[1] << 17;
    st[2] ^= st[0];
    st[3] ^= st[1];
    st[1] ^= st[2];
    st[0] ^= st[3];
    st[2] ^= t;
    st[3] = rotl(st[3], 45);
    return result;
}

/* Uniform in [0, 1) from the top 53 bits of one draw. */
static double rng_uniform(uint64_t st[4])
{
    return (double)(rng_next(st) >> 11) * 0x1.0p-53;
}

/* ---------------------------------------------------------------- state */

err_code_t sampler_init(sampler_t *s, const sampler_config_t *c, uint32_t n_vocab, arena_t *arena, err_t *err)
{
    err_code_t rc = sampler_config_check(c, err);
    if (rc != ERR_OK)
        return rc;
    if (n_vocab == 0 || n_vocab > INT32_MAX)
        return err_set(err, ERR_INVALID, "sampler: n_vocab = %u, must be in 1 .. %d", (unsigned)n_vocab,
                       (int)INT32_MAX);
    *s = (sampler_t){ .config = *c, .n_vocab = n_vocab };
    arena_mark_t mark = arena_mark(arena);
    s->cand = arena_alloc_array(arena, n_vocab, sizeof *s->cand, 0, err);
    s->weight = s->cand ? arena_alloc_array(arena, n_vocab, sizeof *s->weight, 0, err) : NULL;
    bool ok = s->weight != NULL;
    if (ok && c->penalty_last_n > 0) {
        s->count = arena_alloc_array(arena, n_vocab, sizeof *s->count, 0, err);
        s->ring = s->count ? arena_alloc_array(arena, (size_t)c->penalty_last_n, sizeof *s->ring, 0, err) : NULL;
        ok = s->ring != NULL;
    }
    if (!ok) {
        arena_release(arena, mark, NULL);
        *s = (sampler_t){ 0 };
        return ERR_NOMEM;
    }
    sampler_reset(s);
    return ERR_OK;
}

void sampler_reset(sampler_t *s)
{
    /* The ring's live slots are always 0 .. ring_len-1 (it fills in order, then stays full). */
    for (uint32_t i = 0; i < s->ring_len; i++)
        s->count[s->ring[i]] = 0;
    s->ring_len = 0;
    s->ring_next = 0;
    uint64_t x = s->config.seed;
    for (int i = 0; i < 4; i++)
        s->rng[i] = splitmix64(&x);
}

void sampler_accept(sampler_t *s, int32_t token)
{
    if (!s->ring || token < 0 || (uint32_t)token >= s->n_vocab)
        return;
    uint32_t cap = (uint32_t)s->config.penalty_last_n;
    if (s->ring_len == cap)
        s->count[s->ring[s->ring_next]]--; /* the oldest token leaves */
    else
        s->ring_len++;
    s->ring[s->ring_next] = token;
    s->count[token]++;
    s->ring_next = s->ring_next + 1 == cap ? 0 : s->ring_next + 1;
}

/* ---------------------------------------------------------------- logits */

static bool penalties_on(const sampler_t *s)
{
    const sampler_config_t *c = &s->config;
    return s->ring_len > 0 &&
           (c->repeat_penalty != 1.0f || c->frequency_penalty != 0.0f || c->presence_penalty != 0.0f);
}

/*
 * Token i's logit after the penalties (llama.cpp's formulas, in its order of
 * operations), with NaN made -inf and +inf the largest float, so that every
 * later comparison and subtraction is well-defined.
 */
static float logit_at(const sampler_t *s, const float *logits, uint32_t i, bool penalize)
{
    float l = logits[i];
    uint32_t n = penalize ? s->count[i] : 0;
    if (n > 0) {
        const sampler_config_t *c = &s->config;
        l = l <= 0.0f ? l * c->repeat_penalty : l / c->repeat_penalty;
        l -= (float)n * c->frequency_penalty + c->presence_penalty;
    }
    if (l != l)
        return -__builtin_inff();
    return l > FLT_MAX ? FLT_MAX : l;
}

static int32_t pick_greedy(const sampler_t *s, const float *logits)
{
    bool pen = penalties_on(s);
    uint32_t best = 0;
    float best_l = logit_at(s, logits, 0, pen);
    for (uint32_t i = 1; i < s->n_vocab; i++) {
        float l = logit_at(s, logits, i, pen);
        if (l > best_l) { /* strict: ties stay with the lower id */
            best_l = l;
            best = i;
        }
    }
    return (int32_t)best;
}

/* ---------------------------------------------------------------- sorting */

/* a ranks below b: lower logit, or the same logit and a higher id. */
static bool worse(sampler_candidate_t a, sampler_candidate_t b)
{
    return a.logit < b.logit || (a.logit == b.logit && a.id > b.id);
}

/* Restores the heap property below root in h[0 .. n), the worst candidate on top. */
static void sift_down(sampler_candidate_t *h, uint32_t root, uint32_t n)
{
    for (uint32_t child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && worse(h[child + 1], h[child]))
            child++;
        if (!worse(h[child], h[root]))
            return;
        sampler_candidate_t t = h[root];
        h[root] = h[child];
        h[child] = t;
    }
}

/*
 * The k best of c[0 .. n), best first, into c[0 .. k): a heap of the k best
 * so far with the worst on top, so most candidates cost one comparison;
 * then heap sort. O(n log k); k = n sorts everything.
 */
static void best_first(sampler_candidate_t *c, uint32_t n, uint32_t k)
{
    for (uint32_t i = k / 2; i-- > 0;)
        sift_down(c, i, k);
    for (uint32_t i = k; i < n; i++) {
        if (worse(c[0], c[i])) {
            c[0] = c[i];
            sift_down(c, 0, k);
        }
    }
    for (uint32_t m = k; m > 1; m--) {
        sampler_candidate_t t = c[0];
        c[0] = c[m - 1];
        c[m - 1] = t;
        sift_down(c, 0, m - 1);
    }
}

/* ---------------------------------------------------------------- truncation */

/* Every token into the candidate list, in id order; returns the largest logit. */
static float load_all(sampler_t *s, const float *logits)
{
    bool pen = penalties_on(s);
    float max = -__builtin_inff();
    for (uint32_t i = 0; i < s->n_vocab; i++) {
        float l = logit_at(s, logits, i, pen);
        s->cand[i] = (sampler_candidate_t){ (int32_t)i, l };
        max = l > max ? l : max;
    }
    return max;
}

/*
 * weight[i] = e^((logit_i - max) / temperature) for the first n candidates;
 * returns their sum. max is the largest logit, finite, so no NaN can arise.
 */
static double weigh(sampler_t *s, uint32_t n, float max, float temperature)
{
    double sum = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        s->weight[i] = math_expf((s->cand[i].logit - max) / temperature);
        sum += s->weight[i];
    }
    return sum;
}

/*
 * Before top-p sorts a whole vocabulary: drops the tokens that cannot be in
 * the nucleus (llama2.c's trick). If the nucleus ends at sorted position
 * m >= 2, the mass from there on exceeds (1 - p) total and none of it
 * outweighs token m, so token m weighs more than (1 - p) total / (n - 1);
 * the best token (weight 1) always stays. weight[] must be current.
 */
static uint32_t drop_outside_nucleus(sampler_t *s, uint32_t n, float p, double total)
{
    if (n < 2)
        return n;
    double cutoff = 0.999 * (1.0 - p) * total / (double)(n - 1); /* 0.999: room for rounding */
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++)
        if (s->weight[i] >= cutoff || s->weight[i] == 1.0f)
            s->cand[kept++] = s->cand[i];
    return kept;
}

/* llama.cpp's top-p on the sorted list: the shortest prefix whose share of total reaches p. */
static uint32_t top_p(sampler_t *s, uint32_t n, float p, double total)
{
    weigh(s, n, s->cand[0].logit, 1.0f);
    double cum = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        cum += s->weight[i];
        if (cum >= (double)p * total)
            return i + 1;
    }
    return n;
}

/* llama.cpp's min-p: keep logits >= max + ln(p), i.e. probability >= p times the largest; order kept. */
static uint32_t min_p(sampler_t *s, uint32_t n, float max, float p)
{
    float min_logit = max + (float)math_log((double)p);
    uint32_t kept = 0;
    for (uint32_t i = 0; i < n; i++)
        if (s->cand[i].logit >= min_logit)
            s->cand[kept++] = s->cand[i];
    return kept;
}

uint32_t sampler_candidates(sampler_t *s, const float *logits, const sampler_candidate_t **out)
{
    const sampler_config_t *c = &s->config;
    uint32_t n = s->n_vocab;
    float max = load_all(s, logits);
    *out = s->cand;
    if (max < -FLT_MAX) /* every logit is -inf (or NaN): the lowest id, which heads the list */
        return 1;
    bool top_p_on = c->top_p < 1.0f;
    double total = 0.0; /* top-p's reference mass: of the candidates after top-k */
    if (c->top_k > 0 && (uint32_t)c->top_k < n) {
        best_first(s->cand, n, (uint32_t)c->top_k);
        n = (uint32_t)c->top_k;
        total = top_p_on ? weigh(s, n, max, 1.0f) : 0.0;
    } else if (top_p_on) {
        total = weigh(s, n, max, 1.0f);
        n = drop_outside_nucleus(s, n, c->top_p, total);
        best_first(s->cand, n, n);
    }
    if (top_p_on)
        n = top_p(s, n, c->top_p, total);
    if (c->min_p > 0.0f)
        n = min_p(s, n, max, c->min_p);
    return n;
}

/* The candidates' largest logit. */
static float max_logit(const sampler_t *s, uint32_t n)
{
    float max = s->cand[0].logit;
    for (uint32_t i = 1; i < n; i++)
        max = s->cand[i].logit > max ? s->cand[i].logit : max;
    return max;
}

int32_t sampler_pick(sampler_t *s, const float *logits)
{
    if (!(s->config.temperature > 0.0f))
        return pick_greedy(s, logits);
    const sampler_candidate_t *cand;
    uint32_t n = sampler_candidates(s, logits, &cand);
    double r = rng_uniform(s->rng); /* drawn even for a single candidate: one draw per pick */
    if (n == 1)
        return cand[0].id;
    double u = r * weigh(s, n, max_logit(s, n), s->config.temperature);
    double cum = 0.0;
    uint32_t last = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (s->weight[i] > 0.0f) {
            cum += s->weight[i];
            last = i;
            if (cum > u)
                break;
        }
    }
    return cand[last].id;
}

/*
 * The token sampler: turns one row of logits into the next token id, the
 * way llama.cpp's default sampler chain does (penalties, top-k, top-p,
 * min-p, temperature, then a seeded random draw from the softmax). It owns
 * no model state and never allocates after sampler_init; one per sequence.
 */
#ifndef LLM_SAMPLER_H
#define LLM_SAMPLER_H

#include <stdbool.h>
#include <stdint.h>

#include "llm/support/err.h"
#include "llm/support/arena.h"

/*
 * What to sample with. Probabilities are fractions in [0, 1]; penalties act
 * on logits (natural-log units). Defaults are sampler_config_default's.
 */
typedef struct sampler_config {
    float temperature;       /* 0.8; <= 0: greedy (argmax after the penalties, ties to the lowest id) */
    int32_t top_k;           /* 40: keep the k most likely tokens; <= 0: off */
    float top_p;             /* 0.95, in (0, 1]: keep the smallest best-first prefix whose
                                probability reaches top_p (inclusive); 1: off */
    float min_p;             /* 0.05, in [0, 1]: drop tokens less likely than min_p times the
                                most likely one; 0: off */
    float repeat_penalty;    /* 1.0 (off), > 0: a seen token's logit l becomes l / p if l > 0, else l * p */
    float frequency_penalty; /* 0 (off), any sign: l -= count * f */
    float presence_penalty;  /* 0 (off), any sign: l -= (count > 0) * p */
    int32_t penalty_last_n;  /* 64: how many of the most recently accepted tokens the penalties
                                count (count = occurrences among them); 0: penalties off */
    uint64_t seed;           /* 0xC0FFEE: the same seed gives the same draws */
} sampler_config_t;

#define SAMPLER_DEFAULT_SEED 0xC0FFEEu

void sampler_config_default(sampler_config_t *c);

/*
 * Checks every field: temperature finite (negative is fine: greedy), top_p in
 * (0, 1], min_p in [0, 1], repeat_penalty finite and > 0, frequency and
 * presence penalties finite, penalty_last_n >= 0 (NaN fails every test).
 * ERR_INVALID with a message naming the field and its value.
 */
err_code_t sampler_config_check(const sampler_config_t *c, err_t *err);

/* One surviving candidate: a token id and its logit after the penalties (before temperature). */
typedef struct sampler_candidate {
    int32_t id;
    float logit;
} sampler_candidate_t;

/*
 * The sampler's state. Read-only to callers except through the functions
 * below; every array lives in the arena given to sampler_init.
 */
typedef struct sampler {
    sampler_config_t config;
    uint32_t n_vocab;
    sampler_candidate_t *cand; /* n_vocab: the candidate list of the current pick */
    float *weight;             /* n_vocab: exp((logit - max) / temperature) of each candidate */
    uint32_t *count;           /* n_vocab: occurrences in the ring (NULL when penalty_last_n is 0) */
    int32_t *ring;             /* penalty_last_n most recent accepted tokens (NULL when 0) */
    uint32_t ring_len;         /* tokens held, <= penalty_last_n */
    uint32_t ring_next;        /* slot the next token goes to */
    uint64_t rng[4];           /* xoshiro256** state, seeded by splitmix64 from config.seed */
} sampler_t;

/*
 * Checks *c (as sampler_config_check) and n_vocab (1 .. INT32_MAX), then takes
 * from the arena: the candidate and weight arrays (12 bytes per vocabulary
 * entry), and with penalties the count array (4 bytes per entry) and the
 * ring (4 bytes per remembered token). ERR_INVALID or ERR_NOMEM; on failure
 * the arena is left as it was.
 */
err_code_t sampler_init(sampler_t *s, const sampler_config_t *c, uint32_t n_vocab, arena_t *arena, err_t *err);

/* Forgets the accepted tokens and reseeds the generator from config.seed. */
void sampler_reset(sampler_t *s);

/*
 * Records a token (prompt or generated) for the penalties; once
 * penalty_last_n are held, the oldest is forgotten. Ids outside
 * [0, n_vocab) are ignored, as is everything when penalty_last_n is 0.
 */
void sampler_accept(sampler_t *s, int32_t token);

/*
 * Picks the next token from n_vocab logits (read, never modified; a NaN
 * counts as -infinity, +infinity as the largest float). Greedy when
 * temperature <= 0 (argmax, ties to the lowest id), and then the generator
 * is not touched; otherwise every pick consumes exactly one 64-bit draw,
 * even when a single candidate is left. Does not accept the token: call
 * sampler_accept for that.
 */
int32_t sampler_pick(sampler_t *s, const float *logits);

/*
 * The candidates a non-greedy pick would draw from: the penalties, top-k,
 * top-p and min-p applied to logits (temperature only reshapes the draw, it
 * removes nothing). Returns how many survive (at least 1) and points *out at
 * them inside the sampler (valid until its next pick). They are in
 * descending logit order (ties: lower id first) when top-k or top-p is on,
 * in id order otherwise. Does not touch the generator.
 */
uint32_t sampler_candidates(sampler_t *s, const float *logits, const sampler_candidate_t **out);

#endif

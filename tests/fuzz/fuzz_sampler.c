/*
 * libFuzzer harness: sampler settings and logits from untrusted bytes. The
 * first 40 bytes are a sampler_config_t's fields (any floats: NaN,
 * infinities, negatives), then a vocabulary size and logits (any floats).
 * A configuration that sampler_config_check accepts must give picks in
 * range for every logits row, with penalties counting what was accepted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/sampler.h"

#define MAX_VOCAB 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t mem[1u << 20];
    if (size < 44)
        return 0;
    sampler_config_t c;
    float fl[6];
    int32_t top_k, last_n;
    memcpy(fl, data, sizeof fl);
    memcpy(&top_k, data + 24, 4);
    memcpy(&last_n, data + 28, 4);
    memcpy(&c.seed, data + 32, 8);
    c.temperature = fl[0], c.top_p = fl[1], c.min_p = fl[2], c.repeat_penalty = fl[3];
    c.frequency_penalty = fl[4], c.presence_penalty = fl[5], c.top_k = top_k, c.penalty_last_n = last_n;
    uint32_t n_vocab = 1 + (uint32_t)(data[40] | data[41] << 8) % MAX_VOCAB;
    err_t err;
    if (sampler_config_check(&c, &err) != ERR_OK)
        return 0;
    arena_t arena;
    arena_init(&arena, mem, sizeof mem);
    sampler_t s;
    if (sampler_init(&s, &c, n_vocab, &arena, &err) != ERR_OK)
        return 0;
    float *logits = malloc(n_vocab * sizeof *logits);
    const uint8_t *p = data + 44;
    size_t left = size - 44;
    for (int step = 0; step < 8 && left > 0; step++) {
        for (uint32_t i = 0; i < n_vocab; i++) {
            float x = 0;
            if (left >= 4) {
                memcpy(&x, p, 4);
                p += 4, left -= 4;
            }
            logits[i] = x;
        }
        int32_t t = sampler_pick(&s, logits);
        if (t < 0 || (uint32_t)t >= n_vocab)
            abort(); /* a pick out of range */
        sampler_accept(&s, t);
    }
    free(logits);
    return 0;
}

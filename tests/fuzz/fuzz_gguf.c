/*
 * libFuzzer harness: a model file from untrusted bytes. The GGUF parser,
 * the model loader (every family), the tokenizer tables and the chat
 * template detection run on the input; a file that loads and is small
 * enough (seeds: tests/fuzz/corpus/gguf, a few KiB each) also gets a
 * context (its KV cache types and attention path chosen by the file's
 * size), a tokenized prompt and two greedy tokens, so hostile-but-valid
 * weights and shapes reach the forward pass. Nothing may crash, leak or
 * touch memory it does not own; refusals are fine.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "llm/llm.h"

#define ARENA_BYTES (24u << 20)
#define FORWARD_MAX_WEIGHT_BYTES (512u << 10)

static bool quiet_text(void *user, const char *s, size_t n)
{
    (void)user, (void)s, (void)n;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t *mem;
    if (!mem && !(mem = malloc(ARENA_BYTES)))
        return 0;
    arena_t arena;
    arena_init(&arena, mem, ARENA_BYTES);
    uint8_t *blob = malloc(size ? size : 1); /* its own allocation: reads past the end are caught */
    memcpy(blob, data, size);
    err_t err;
    llm_blob_info_t info;
    llm_model_peek(blob, size, &arena, &info, &err);
    llm_model_t model;
    if (llm_model_load(&model, blob, size, &arena, &err) == ERR_OK) {
        llm_model_info_t mi;
        llm_model_describe(&model, &mi);
        if (mi.weight_bytes <= FORWARD_MAX_WEIGHT_BYTES && mi.n_layer <= 4 && mi.n_vocab <= 4096) {
            llm_ctx_params_t p;
            llm_ctx_t ctx;
            llm_ctx_params_default(&p);
            p.n_ctx = 16;
            /* the cache's types, rotation and attention path from the file's size: every pair gets its turn */
            static const quant_type_t types[4] = { QUANT_F16, QUANT_F32, QUANT_Q8_0, QUANT_Q4_0 };
            p.type_k = types[size % 4];
            p.type_v = types[size / 4 % 4];
            p.attn = size / 16 % 2 ? KERN_ATTN_FAST : KERN_ATTN_EXACT;
            p.kv_plain = size / 32 % 2;
            if (llm_ctx_init(&ctx, &model, &p, &arena, &err) == ERR_OK) {
                llm_gen_config_t gen;
                llm_result_t res;
                llm_gen_config_default(&gen);
                gen.max_tokens = 2;
                gen.sampling.temperature = 0;
                llm_generate(&ctx, "Hi there", 8, &gen, quiet_text, NULL, &res, &err);
            }
        }
    }
    free(blob);
    return 0;
}

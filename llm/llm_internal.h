/*
 * What the API's own files share and callers never see: the batch loop
 * under llm_decode, for the generation loop to call inside its working
 * memory (llm_decode itself releases that memory around the call).
 */
#ifndef LLM_LLM_INTERNAL_H
#define LLM_LLM_INTERNAL_H

#include "llm/llm.h"

/* llm_decode's work without touching the context's working memory. */
err_code_t llm_decode_batches(llm_ctx_t *ctx, const int32_t *tokens, uint32_t n, uint32_t pos, err_t *err);

#endif

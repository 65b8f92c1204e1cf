/* NEON K-quant dot products and the Q8_K quantizer (see quant_neon_kquant.h). */
#include "arch/aarch64/quant_neon_kquant.h"

quant_vec_dot_fn quant_neon_kquant_vec_dot(quant_type_t t, ops_level_t level)
{
    (void)t, (void)level;
    return NULL;
}

quant_quantize_fn quant_neon_kquant_quantize(quant_type_t t, ops_level_t level)
{
    (void)t, (void)level;
    return NULL;
}

/* The kernel table (see ops.h): the selected level and the SIMD twins it swaps in. */
#include "llm/ops.h"

#if defined(__aarch64__)
#include "arch/aarch64/quant_neon.h"
#endif

static ops_level_t selected = OPS_SCALAR;

ops_level_t ops_init(ops_level_t level)
{
#if defined(LLM_OPS_MAX) /* a build that caps the level (SIMD=off: the scalar reference only) */
    level = level > LLM_OPS_MAX ? LLM_OPS_MAX : level;
#endif
#if defined(__aarch64__)
    selected = level;
#else
    (void)level;
    selected = OPS_SCALAR;
#endif
    return selected;
}

ops_level_t ops_level(void)
{
    return selected;
}

const char *ops_level_name(ops_level_t level)
{
    switch (level) {
    case OPS_NEON: return "neon";
    case OPS_DOTPROD: return "dotprod";
    default: return "scalar";
    }
}

quant_vec_dot_fn ops_vec_dot(const quant_format_t *f)
{
#if defined(__aarch64__)
    bool sdot = selected == OPS_DOTPROD;
    if (selected != OPS_SCALAR) {
        switch (f->type) {
        case QUANT_Q4_0: return sdot ? quant_vec_dot_q4_0_q8_0_dotprod : quant_vec_dot_q4_0_q8_0_neon;
        case QUANT_Q4_1: return sdot ? quant_vec_dot_q4_1_q8_1_dotprod : quant_vec_dot_q4_1_q8_1_neon;
        case QUANT_Q8_0: return sdot ? quant_vec_dot_q8_0_q8_0_dotprod : quant_vec_dot_q8_0_q8_0_neon;
        default: break;
        }
    }
#endif
    return f->vec_dot;
}

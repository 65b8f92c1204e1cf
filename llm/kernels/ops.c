/* The kernel table (see ops.h): the selected level and the SIMD twins it swaps in. */
#include "llm/kernels/ops.h"

#if defined(__aarch64__)
#include "llm/kernels/aarch64/matmul_neon.h"
#include "llm/kernels/aarch64/quant_neon.h"
#include "llm/kernels/aarch64/quant_neon_act.h"
#include "llm/kernels/aarch64/quant_neon_kquant.h"
#endif

static ops_level_t selected = OPS_SCALAR;

ops_level_t ops_init(ops_level_t level)
{
#if defined(LLM_OPS_MAX) /* a build that caps the level (SIMD=off: the scalar reference only) */
    level = level > LLM_OPS_MAX ? LLM_OPS_MAX : level;
#endif
#if defined(__aarch64__)
    selected = level > OPS_I8MM ? OPS_I8MM : level;
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
    case OPS_I8MM: return "i8mm";
    default: return "scalar";
    }
}

quant_vec_dot_fn ops_vec_dot(const quant_format_t *f)
{
    quant_vec_dot_fn fn = NULL;
#if defined(__aarch64__)
    if (selected != OPS_SCALAR) {
        fn = quant_neon_vec_dot(f->type, selected);
        if (!fn)
            fn = quant_neon_kquant_vec_dot(f->type, selected);
    }
#endif
    return fn ? fn : f->vec_dot;
}

quant_quantize_fn ops_quantize(const quant_format_t *f)
{
    quant_quantize_fn fn = NULL;
#if defined(__aarch64__)
    if (selected != OPS_SCALAR) {
        fn = quant_neon_act_quantize(f->type, selected);
        if (!fn)
            fn = quant_neon_kquant_quantize(f->type, selected);
    }
#endif
    return fn ? fn : f->quantize;
}

bool ops_tile4(const quant_format_t *f, ops_tile_t *out)
{
#if defined(__aarch64__)
    if (selected != OPS_SCALAR)
        return matmul_neon_tile4(f->type, selected, out);
#endif
    (void)f, (void)out;
    return false;
}

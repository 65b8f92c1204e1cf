/*
 * The format table: which ggml type ids we handle, their block geometry and
 * kernels, and the names of the ids ggml knows but we do not handle, so an
 * error can tell an unsupported type from a corrupt id. Not for the kernels
 * themselves (quant_float.c, quant_legacy.c, quant_kquant.c).
 */
#include "llm/quant/quant.h"

#include "llm/quant/blocks.h"

#define FORMAT(t, name_, elems, bytes, dot_type, deq, quant, dot) \
    { .type = (t), .name = (name_), .block_elems = (elems), .block_bytes = (bytes), \
      .vec_dot_type = (dot_type), .dequantize = (deq), .quantize = (quant), .vec_dot = (dot) }

static const quant_format_t formats[] = {
    FORMAT(QUANT_F32, "F32", 1, 4, QUANT_F32,
           quant_dequantize_f32, quant_quantize_f32, quant_vec_dot_f32),
    FORMAT(QUANT_F16, "F16", 1, 2, QUANT_F16,
           quant_dequantize_f16, quant_quantize_f16, quant_vec_dot_f16),
    FORMAT(QUANT_BF16, "BF16", 1, 2, QUANT_BF16,
           quant_dequantize_bf16, quant_quantize_bf16, quant_vec_dot_bf16),
    FORMAT(QUANT_Q4_0, "Q4_0", QUANT_QK, sizeof(block_q4_0), QUANT_Q8_0,
           quant_dequantize_q4_0, quant_quantize_q4_0, quant_vec_dot_q4_0_q8_0),
    FORMAT(QUANT_Q4_1, "Q4_1", QUANT_QK, sizeof(block_q4_1), QUANT_Q8_1,
           quant_dequantize_q4_1, quant_quantize_q4_1, quant_vec_dot_q4_1_q8_1),
    FORMAT(QUANT_Q5_0, "Q5_0", QUANT_QK, sizeof(block_q5_0), QUANT_Q8_0,
           quant_dequantize_q5_0, quant_quantize_q5_0, quant_vec_dot_q5_0_q8_0),
    FORMAT(QUANT_Q5_1, "Q5_1", QUANT_QK, sizeof(block_q5_1), QUANT_Q8_1,
           quant_dequantize_q5_1, quant_quantize_q5_1, quant_vec_dot_q5_1_q8_1),
    FORMAT(QUANT_Q8_0, "Q8_0", QUANT_QK, sizeof(block_q8_0), QUANT_Q8_0,
           quant_dequantize_q8_0, quant_quantize_q8_0, quant_vec_dot_q8_0_q8_0),
    FORMAT(QUANT_Q8_1, "Q8_1", QUANT_QK, sizeof(block_q8_1), QUANT_Q8_1,
           quant_dequantize_q8_1, quant_quantize_q8_1, NULL),
    FORMAT(QUANT_Q2_K, "Q2_K", QUANT_QK_K, sizeof(block_q2_k), QUANT_Q8_K,
           quant_dequantize_q2_k, NULL, quant_vec_dot_q2_k_q8_k),
    FORMAT(QUANT_Q3_K, "Q3_K", QUANT_QK_K, sizeof(block_q3_k), QUANT_Q8_K,
           quant_dequantize_q3_k, NULL, quant_vec_dot_q3_k_q8_k),
    FORMAT(QUANT_Q4_K, "Q4_K", QUANT_QK_K, sizeof(block_q4_k), QUANT_Q8_K,
           quant_dequantize_q4_k, NULL, quant_vec_dot_q4_k_q8_k),
    FORMAT(QUANT_Q5_K, "Q5_K", QUANT_QK_K, sizeof(block_q5_k), QUANT_Q8_K,
           quant_dequantize_q5_k, NULL, quant_vec_dot_q5_k_q8_k),
    FORMAT(QUANT_Q6_K, "Q6_K", QUANT_QK_K, sizeof(block_q6_k), QUANT_Q8_K,
           quant_dequantize_q6_k, NULL, quant_vec_dot_q6_k_q8_k),
    FORMAT(QUANT_Q8_K, "Q8_K", QUANT_QK_K, sizeof(block_q8_k), QUANT_Q8_K,
           quant_dequantize_q8_k, quant_quantize_q8_k, NULL),
    FORMAT(QUANT_IQ4_NL, "IQ4_NL", QUANT_QK, sizeof(block_iq4_nl), QUANT_Q8_0,
           quant_dequantize_iq4_nl, NULL, quant_vec_dot_iq4_nl_q8_0),
    FORMAT(QUANT_IQ4_XS, "IQ4_XS", QUANT_QK_K, sizeof(block_iq4_xs), QUANT_Q8_K,
           quant_dequantize_iq4_xs, NULL, quant_vec_dot_iq4_xs_q8_k),
};

/* Every id ggml has given a name, by id; NULL where it never had one. The
 * removed ones (4, 5, 31-33, 36-38) may still appear in old files. */
static const char *const ggml_names[] = {
    [0] = "F32", [1] = "F16", [2] = "Q4_0", [3] = "Q4_1",
    [4] = "Q4_2", [5] = "Q4_3", [6] = "Q5_0", [7] = "Q5_1",
    [8] = "Q8_0", [9] = "Q8_1", [10] = "Q2_K", [11] = "Q3_K",
    [12] = "Q4_K", [13] = "Q5_K", [14] = "Q6_K", [15] = "Q8_K",
    [16] = "IQ2_XXS", [17] = "IQ2_XS", [18] = "IQ3_XXS", [19] = "IQ1_S",
    [20] = "IQ4_NL", [21] = "IQ3_S", [22] = "IQ2_S", [23] = "IQ4_XS",
    [24] = "I8", [25] = "I16", [26] = "I32", [27] = "I64",
    [28] = "F64", [29] = "IQ1_M", [30] = "BF16", [31] = "Q4_0_4_4",
    [32] = "Q4_0_4_8", [33] = "Q4_0_8_8", [34] = "TQ1_0", [35] = "TQ2_0",
    [36] = "IQ4_NL_4_4", [37] = "IQ4_NL_4_8", [38] = "IQ4_NL_8_8", [39] = "MXFP4",
    [40] = "NVFP4", [41] = "Q1_0",
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static bool is_removed(uint32_t type)
{
    return type == 4 || type == 5 || (type >= 31 && type <= 33) || (type >= 36 && type <= 38);
}

const char *quant_type_name(uint32_t type)
{
    if (type < N_ELEMS(ggml_names) && ggml_names[type])
        return ggml_names[type];
    return "unknown";
}

err_code_t quant_lookup(uint32_t type, const quant_format_t **out, err_t *err)
{
    for (size_t i = 0; i < N_ELEMS(formats); i++) {
        if ((uint32_t)formats[i].type == type) {
            *out = &formats[i];
            return ERR_OK;
        }
    }
    if (type < N_ELEMS(ggml_names) && ggml_names[type])
        return err_set(err, ERR_UNSUPPORTED, "unsupported tensor type %u (%s%s)", (unsigned)type,
                       ggml_names[type], is_removed(type) ? ", removed from ggml" : "");
    return err_set(err, ERR_FORMAT, "unknown tensor type %u", (unsigned)type);
}

bool quant_row_bytes(const quant_format_t *f, uint64_t n, uint64_t *bytes)
{
    if (n % f->block_elems != 0)
        return false;
    uint64_t blocks = n / f->block_elems;
    if (blocks > UINT64_MAX / f->block_bytes)
        return false;
    *bytes = blocks * f->block_bytes;
    return true;
}

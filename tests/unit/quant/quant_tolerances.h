/*
 * How accurate each tensor format is, as tests/unit/quant/test_quant.c
 * checks it: the tests' tolerances, not part of the engine's interface
 * (the formats themselves are bit-exact with ggml; these bound what a
 * format loses against the float data it came from).
 */
#ifndef TESTS_UNIT_QUANT_QUANT_TOLERANCES_H
#define TESTS_UNIT_QUANT_QUANT_TOLERANCES_H

/*
 * Accuracy, as tests/unit/quant/test_quant.c checks it on rows of n = 4096
 * standard-normal values (the worst of 200 seeds is given in brackets):
 *
 * QUANT_RMSE_<T>: relative RMS error of a round trip, quantize then
 * dequantize, sqrt(sum (x - x')^2 / sum x^2).
 */
#define QUANT_RMSE_Q4_0 0.10    /* [0.089] */
#define QUANT_RMSE_Q4_1 0.09    /* [0.081] */
#define QUANT_RMSE_Q5_0 0.05    /* [0.044] */
#define QUANT_RMSE_Q5_1 0.045   /* [0.039] */
#define QUANT_RMSE_Q8_0 0.0065  /* [0.0056] */
#define QUANT_RMSE_Q8_1 0.0065  /* [0.0056] */
#define QUANT_RMSE_Q8_K 0.0085  /* [0.0076] */
#define QUANT_RMSE_F16 0.00025  /* [0.00022] */
#define QUANT_RMSE_BF16 0.002   /* [0.0017] */

/*
 * QUANT_DOT_ERR_<T>: |vec_dot(quantize(x), quantize_act(y)) - x.y| / n, the
 * whole error of a quantized dot product against the float data it came
 * from. (ggml's test-quantize-fns allows 0.02 for the 4- and 5-bit formats.)
 */
#define QUANT_DOT_ERR_Q4_0 0.006    /* [0.0043] */
#define QUANT_DOT_ERR_Q4_1 0.004    /* [0.0030] */
#define QUANT_DOT_ERR_Q5_0 0.0025   /* [0.0019] */
#define QUANT_DOT_ERR_Q5_1 0.0025   /* [0.0017] */
#define QUANT_DOT_ERR_Q8_0 0.0005   /* [0.00038] */
#define QUANT_DOT_ERR_F16 0.00003   /* [0.00002] */
#define QUANT_DOT_ERR_BF16 0.00015  /* [0.00012] */
#define QUANT_DOT_ERR_F32 1e-8      /* [2.4e-9] */

/*
 * QUANT_DOT_ACC_ERR: |vec_dot(w, a) - sum dequant(w)_i * dequant(a)_i|
 * divided by sum |dequant(w)_i * dequant(a)_i|, the exact sum taken in
 * double: only the float rounding of the block scales and the accumulation,
 * for every weight type (the K-quants on random blocks with d near 0.01).
 * Q4_1 and Q5_1 get QUANT_DOT_ACC_ERR_Q8_1: their dot adds m * s per block,
 * and Q8_1's s is fp16(d * sum q) from d before its own fp16 rounding, so it
 * is not the sum of the dequantized activations (two fp16 roundings apart).
 */
#define QUANT_DOT_ACC_ERR 1e-7        /* [2.4e-8] */
#define QUANT_DOT_ACC_ERR_Q8_1 1e-4   /* [4.2e-5] */

#endif

/*
 * The kernel table: every hot loop of the engine behind one table of
 * function pointers, filled once at start-up for a level. Per tensor format:
 * the dot product (weights of that format . activations in its
 * vec_dot_type), the row quantizer (activation formats), the 4-row matmul
 * tile and the attention over a KV cache of that format; then the
 * element-wise kernels (RMSNorm, RoPE, softmax, SwiGLU, residual add).
 *
 * The scalar kernels (llm/quant/, vec_scalar.c) are the reference and fill
 * every slot that has one. An architecture adds its twins through
 * kern_arch_table (kern_arch.h); the build chooses the one file that
 * provides it (llm/kernels/aarch64/ on aarch64, llm/kernels/none/
 * elsewhere), and kern_table_build takes each slot from the best level's
 * table that fills it, the scalar kernel otherwise. Integer work gives the
 * same results bit for bit at every level; the element-wise twins too;
 * where a float kernel differs (the F32/F16/BF16 weight dots), its header
 * states the bound. Nothing here allocates.
 */
#ifndef LLM_KERNELS_KERNELS_H
#define LLM_KERNELS_KERNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/quant/quant.h"
#include "llm/support/arena.h"
#include "llm/support/err.h"

typedef enum kern_level {
    KERN_SCALAR,  /* portable C, the reference */
    KERN_NEON,    /* Advanced SIMD, ARMv8.0 */
    KERN_DOTPROD, /* plus SDOT, ARMv8.2 */
    KERN_I8MM,    /* plus SMMLA (int8 matrix multiply), ARMv8.6: used by prefill */
} kern_level_t;

#define KERN_LEVELS (KERN_I8MM + 1)

/* What the CPU offers, as the host learns it (ID registers in a kernel, HWCAPs on Linux). */
typedef struct kern_cpu {
    bool asimd;   /* ID_AA64PFR0_EL1.AdvSIMD != 0xf; HWCAP_ASIMD */
    bool dotprod; /* ID_AA64ISAR0_EL1.DP == 1; HWCAP_ASIMDDP */
    bool i8mm;    /* ID_AA64ISAR1_EL1.I8MM == 1; HWCAP2_I8MM */
} kern_cpu_t;

/* The best level a CPU with these features runs (the one mapping from features to levels). */
kern_level_t kern_level_for(const kern_cpu_t *cpu);

/* "scalar", "neon", "dotprod", "i8mm". */
const char *kern_level_name(kern_level_t level);

/* The level named s (as kern_level_name writes it); false if none is. */
bool kern_level_parse(const char *s, kern_level_t *out);

/*
 * A tile of a matrix product: for r < 4 weight rows (w, w + w_stride, ...)
 * and t < n_act activation rows (act, act + act_stride, ...), all of n_cols
 * elements, out[t * out_stride + r] = the format's dot of weight row r and
 * activation row t, bit for bit what the table's vec_dot returns. The
 * activation rows are in the weight format's vec_dot_type or, where the
 * tile has a widen function, in the layout that function writes.
 */
typedef void (*kern_tile4_fn)(const uint8_t *w, size_t w_stride, const uint8_t *act, size_t act_stride,
                              uint32_t n_act, size_t n_cols, float *out, size_t out_stride);

/* Rewrites one quantized activation row of n_cols elements into a tile's own layout (wide_block_bytes per block). */
typedef void (*kern_widen_fn)(const uint8_t *act, uint8_t *wide, size_t n_cols);

typedef struct kern_tile {
    kern_tile4_fn run;       /* NULL: the format has no tile (matmul calls the dot row by row) */
    kern_widen_fn widen;     /* NULL: run takes the quantized rows as they are */
    size_t wide_block_bytes; /* bytes widen writes per 32-element block */
} kern_tile_t;

/* out[i] = (x[i] * s) * w[i], s = 1 / sqrt(float(sum x[i]^2 / n) + eps), the sum in double in index order. */
typedef void (*kern_rmsnorm_fn)(float *out, const float *x, const float *w, uint32_t n, float eps);

/*
 * Rotates the adjacent pairs (x[2i], x[2i+1]), 2i < n_rot, of each of
 * n_heads heads of head_dim floats by the angle whose cos, sin are
 * cs[2i], cs[2i+1]: x0 c - x1 s, x0 s + x1 c. n_rot is even, <= head_dim.
 * The rope_neox slot rotates the pairs (x[i], x[i + n_rot/2]), i < n_rot/2,
 * by the same angles (GPT-NeoX style, ggml's GGML_ROPE_TYPE_NEOX).
 */
typedef void (*kern_rope_fn)(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot);

/*
 * In place, n >= 1: x[i] = e_i / sum e, e_i = math_expf_approx(x[i] - max),
 * the e_i added in float four at a time ((e0 + e1) + (e2 + e3), the row
 * zero-padded to a multiple of four) and the group sums in double in order.
 */
typedef void (*kern_softmax_fn)(float *x, uint32_t n);

/*
 * gate[i] = gate[i] / (1 + e) * up[i], e = math_expf_approx(0 - gate[i]) for
 * i below n rounded down to a multiple of 4, math_expf(-gate[i]) after (as
 * ggml's SiLU: four lanes, a libm tail).
 */
typedef void (*kern_swiglu_fn)(float *gate, const float *up, uint32_t n);

/*
 * GeGLU as ggml's table-driven GELU: gate[i] = 0 where gate[i] <= -10,
 * gate[i] * up[i] where gate[i] >= 10, else f32(gelu_f16[fp16(gate[i])]) *
 * up[i]; gelu_f16 is the model's table (model_t.gelu_f16).
 */
typedef void (*kern_geglu_fn)(float *gate, const float *up, uint32_t n, const uint16_t *gelu_f16);

/* x[i] += y[i]. */
typedef void (*kern_add_fn)(float *x, const float *y, size_t n);

/* Positions per block of a paged KV cache (kv_cache.h). */
#define KERN_KV_BLOCK_POS 16u

/*
 * One KV head of a sequence as attention reads it: its positions lie in
 * blocks of KERN_KV_BLOCK_POS (a paged cache), position t in block
 * blocks[t / KERN_KV_BLOCK_POS] at slot t % KERN_KV_BLOCK_POS. A query
 * attends over positions t0 .. n-1: all of them (t0 = 0), or a sliding
 * window. Keys and values each have their own type (F32, F16, Q8_0 or
 * Q4_0) and so their own strides.
 */
typedef struct kern_kv_side {
    const quant_format_t *format; /* the cache type of this side */
    const uint8_t *base;          /* the head's row in slot 0 of block 0 */
    size_t block_stride;          /* bytes from one block to the next */
    size_t stride;                /* bytes from one slot to the next within a block */
} kern_kv_side_t;

typedef struct kern_kv_head {
    kern_kv_side_t k, v;
    const uint32_t *blocks;       /* the sequence's block table */
    uint32_t t0;                  /* the first position attended (t0 < n) */
    uint32_t n;                   /* positions t0 .. n-1 */
    uint32_t head_dim;            /* a multiple of 32 for a block-quantized side */
    float scale;                  /* scores are float(k . q) * scale */
} kern_kv_head_t;

/* The head's row of position t on one side (keys or values). */
static inline const uint8_t *kern_kv_row(const kern_kv_head_t *h, const kern_kv_side_t *s, uint32_t t)
{
    return s->base + (size_t)h->blocks[t / KERN_KV_BLOCK_POS] * s->block_stride +
           (size_t)(t % KERN_KV_BLOCK_POS) * s->stride;
}

/* Bytes of the work area of an attention head (16-byte aligned). */
#define KERN_ATTEND_WORK_BYTES(head_dim) ((size_t)(head_dim) * 16)

/*
 * Attention of one query head q (head_dim floats) over h's positions.
 * scores: n - b floats of scratch (row index t - b, b = t0 rounded down to
 * a multiple of four); work: KERN_ATTEND_WORK_BYTES. The EXACT slot
 * (attend) computes, as llama.cpp's portable build:
 * - q in the keys' vec_dot_type (F16 for F16 keys, Q8_0 for Q8_0 and Q4_0
 *   keys, as ggml's matrix product converts it); score_t = float(k_t . q) *
 *   h->scale, the dot as the format's vec_dot (F32/F16: float products
 *   summed in double in index order; Q8_0/Q4_0: integer block sums, each
 *   times its two scales);
 * - softmax as the softmax slot over the row from position b, positions
 *   b .. t0-1 masked (-inf, so e = 0), as ggml's masked row aligned at
 *   position 0;
 * - w_t the weight, rounded to F16 when the values are F16 (ggml's product
 *   converts it); out[d] = float(sum_t w_t * v_t[d]), v_t dequantized, the
 *   float products summed in double in position order.
 * With F16 keys and values this is llama.cpp's arithmetic without flash
 * attention, and with Q8_0 keys over F16 values (its -ctk q8_0) too.
 * llama.cpp has no quantized values without flash attention, so for those
 * the sum above is our own reference.
 */
typedef void (*kern_attend_fn)(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);

/*
 * Attention of n_q <= KERN_ATTEND_GROUP_MAX query heads that share h's KV
 * head (grouped-query attention): q and out hold n_q rows of head_dim
 * floats; scores n_q * (n - b) floats (head g's from g * (n - b)); work
 * n_q * KERN_ATTEND_WORK_BYTES. Each head's out is the bits of its slot
 * alone (the attend_fast_group slot: attend_fast's); the keys and values
 * are read once for the group.
 */
typedef void (*kern_attend_group_fn)(const kern_kv_head_t *h, const float *q, uint32_t n_q, float *scores,
                                     void *work, float *out);
#define KERN_ATTEND_GROUP_MAX 8u

/*
 * Which attention a KV cache is read by. EXACT: the attend slot above,
 * the path the goldens test. FAST: the attend_fast slot, defined lane by
 * lane so that every level computes the same bits (at every core count):
 * - scores, F32/F16 keys: q rounded to the keys' type; score_t = ((a0 + a1)
 *   + (a2 + a3)) * scale, lane a_l = fma(k_t[d], q[d], a_l) over d = l mod 4
 *   in index order. Q8_0/Q4_0 keys: as EXACT (integer dots, exact already).
 * - e_t (masked positions 0): over F32/F16 values math_expf_approx(score_t
 *   - max); over Q8_0/Q4_0 values from kern_exp2_table: p = (score_t - max)
 *   * (KERN_EXP2_STEPS * log2 e), at least -2^20 (a NaN becomes -2^20), y =
 *   -round_even(p), e_t = 0 if y >= 126 * KERN_EXP2_STEPS, else the float
 *   whose bits are kern_exp2_table[y % KERN_EXP2_STEPS] - (y /
 *   KERN_EXP2_STEPS << 23): 2^(-y / KERN_EXP2_STEPS), within about 5e-5 of
 *   exp(score_t - max) and integer work but for two float operations.
 * - sum = ((s0 + s1) + (s2 + s3)) over the row from b below its length
 *   rounded down to a multiple of four (s_l adds e_t, row index mod 4 = l,
 *   in order), then the rest added in order; inv = 1 / sum.
 * - out, F32/F16 values: w_t = e_t * inv, rounded to F16 when the values
 *   are F16; out[d] = fma(w_t, v_t[d], ...) in position order from b, in
 *   float. Q8_0/Q4_0 values (block j of 32 dims, fp16 scale d_tj, integers
 *   v_t[i]): C_j = the largest |d_tj| over t (as fp16 magnitudes, so an
 *   Inf or NaN is the largest); if C_j is Inf or NaN, out[i] = NaN;
 *   otherwise k_j = kern_attn_shift(C_j) (0 for C_j = 0), the largest k
 *   with C_j * 2^k <= KERN_ATTN_UMAX; u_tj = round_even(e_t * (d_tj *
 *   2^k_j)) (the inner product exact; |u_tj| <= KERN_ATTN_UMAX as e_t <=
 *   1); out[i] = (sum over chunks of KERN_ATTN_CHUNK positions from t0, in
 *   order, of float(sum_t u_tj * v_t[i] in int32)) * (inv * 2^-k_j).
 *   Integer multiply-adds in place of float ones, and one float multiply
 *   per weight (the power-of-two scale is an exponent shift); each weight
 *   keeps at least 14 bits relative to the block's largest scale, where
 *   EXACT's F16 ones keep 11 relative to each.
 * FAST over F32/F16 keys is not llama.cpp's arithmetic and on SmolLM2 far
 * from it: q.k summed in float loses to cancellation on the model's
 * outlier dimensions (logits NMSE against EXACT up to 8.7e-3, greedy text
 * parting; README "Long contexts"). Over Q8_0 keys the scores are exact
 * and only the weights' rounding and the value sums differ (bounds in the
 * README).
 */
/* The largest |u_tj|: 127 * 257, so u = 256 * hi + lo with hi, lo signed bytes (SDOT takes both halves). */
#define KERN_ATTN_UMAX 32639.0f
#define KERN_ATTN_CHUNK 256u /* 256 * KERN_ATTN_UMAX * 128 < 2^31 */

/*
 * k_j of KERN_ATTN_FAST over block values for C_j with fp16 bit pattern c
 * (0 < c < 0x7c00): the largest k with C_j * 2^k <= KERN_ATTN_UMAX, from
 * C_j = s * 2^p (s the integer significand): -2 <= k <= 38.
 */
static inline int32_t kern_attn_shift(uint16_t c)
{
    uint32_t e = c >> 10, s = e ? 1024u + (c & 0x3ffu) : c & 0x3ffu;
    int32_t p = e ? (int32_t)e - 25 : -24, q = 0;
    while ((s << (q + 1)) <= (uint32_t)KERN_ATTN_UMAX)
        q++;
    return q - p;
}
#define KERN_EXP2_STEPS 8192u
/* The float bit patterns of 2^(-f / KERN_EXP2_STEPS) (exp2_table.c, made by tools/gen_exp2_table.py). */
extern const uint32_t kern_exp2_table[KERN_EXP2_STEPS];
/* KERN_EXP2_STEPS * log2(e) (log2 e as a float, scaled exactly). */
#define KERN_EXP2_SCALE ((float)KERN_EXP2_STEPS * 0x1.715476p+0f)

typedef enum kern_attn {
    KERN_ATTN_EXACT,
    KERN_ATTN_FAST,
} kern_attn_t;

/* "exact", "fast"; kern_attn_parse: false (out untouched) for any other name. */
const char *kern_attn_name(kern_attn_t a);
bool kern_attn_parse(const char *s, kern_attn_t *out);

/* The kernels of one tensor format; a NULL slot: the format has no such kernel at any level. */
typedef struct kern_format {
    quant_vec_dot_fn vec_dot;   /* weights of this format (NULL for the activation-only Q8_1, Q8_K) */
    quant_quantize_fn quantize; /* rows into this format (NULL where we never write it: Q2_K ... Q6_K) */
    kern_tile_t tile;           /* 4 weight rows at once (tile.run NULL: none at this level) */
    kern_attend_fn attend;      /* keys and values both of this format (F32, F16, Q8_0, Q4_0) */
    kern_attend_fn attend_fast; /* the same, KERN_ATTN_FAST */
    kern_attend_group_fn attend_fast_group; /* attend_fast for the query heads of one KV head (NULL: none) */
} kern_format_t;

typedef struct kern_table {
    kern_level_t level;
    kern_format_t formats[QUANT_TYPE_IDS]; /* by ggml type id; unknown ids all NULL */
    kern_rmsnorm_fn rmsnorm;
    kern_rope_fn rope;
    kern_rope_fn rope_neox;
    kern_softmax_fn softmax;
    kern_swiglu_fn swiglu;
    kern_geglu_fn geglu;
    kern_add_fn add;
} kern_table_t;

/*
 * The table of level, or of the best level below it that this build has:
 * each slot from the highest such level whose architecture table fills it,
 * else the scalar kernel. out->level is the level built.
 */
void kern_table_build(kern_level_t level, kern_table_t *out);

/*
 * Selects the table the engine runs (kern_table_build of level); returns
 * the level selected. Call before any generation, from one thread; until
 * then the scalar kernels run. llm_init (llm/llm.h) calls it.
 */
kern_level_t kern_init(kern_level_t level);

/* Makes *t the table the engine runs (a copy is kept); from one thread, before any generation. */
void kern_use(const kern_table_t *t);

/* One slot kern_tune timed: a format's tile or dot, its candidates' speeds and the level it kept. */
typedef struct kern_tune_pick {
    quant_type_t type;
    bool tile;                  /* the 4-row tile (else the dot product) */
    kern_level_t level;         /* the level whose kernel the slot holds now */
    kern_level_t default_level; /* the one the selector had put there */
    uint32_t n_candidates;
    uint64_t ns[KERN_LEVELS];   /* per call (a tile: per activation row) by the level that brings each
                                   candidate; 0 where a level brings none */
} kern_tune_pick_t;

#define KERN_TUNE_MAX_PICKS 16
#define KERN_TUNE_SCRATCH_BYTES ((size_t)64 << 10)

typedef struct kern_tune_report {
    uint32_t n_picks; /* slots with more than one candidate */
    kern_tune_pick_t picks[KERN_TUNE_MAX_PICKS];
} kern_tune_report_t;

/*
 * Times, on this CPU, every level's twin of the slots whose twins give the
 * same bits (block-format tiles and dot products, for formats we can write
 * test rows of) and keeps the fastest in the selected table; every other
 * slot stays as kern_init chose it. Results do not change, only speed: the
 * choice may differ between runs and machines. About 12 ms per candidate
 * (more under an emulator); needs platform_now_us and up to
 * KERN_TUNE_SCRATCH_BYTES of scratch, released before returning (ERR_NOMEM
 * if short: nothing changed). From one thread, after kern_init, before any
 * generation. report (may be NULL) says what was timed and kept.
 */
err_code_t kern_tune(arena_t *scratch, kern_tune_report_t *report, err_t *err);

/* The selected table and its level. */
const kern_table_t *kern(void);
kern_level_t kern_level(void);

/* The kernels of format f in the selected table. */
static inline const kern_format_t *kern_format(const quant_format_t *f)
{
    return &kern()->formats[f->type];
}

/* The scalar element-wise kernels, by name for the table and for twins to be tested against. */
void vec_rmsnorm_scalar(float *out, const float *x, const float *w, uint32_t n, float eps);
void vec_rope_scalar(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot);
void vec_rope_neox_scalar(float *x, uint32_t n_heads, uint32_t head_dim, const float *cs, uint32_t n_rot);
void vec_softmax_scalar(float *x, uint32_t n);
void vec_swiglu_scalar(float *gate, const float *up, uint32_t n);
void vec_geglu_scalar(float *gate, const float *up, uint32_t n, const uint16_t *gelu_f16);
void vec_add_scalar(float *x, const float *y, size_t n);
/*
 * Each of n_rows rows of n floats (n a power of two) rotated by the
 * orthonormal Walsh-Hadamard matrix, as ggml's fast transform: scaled by
 * 1 / sqrt(n), then for spans 1, 2, ..., n/2 the butterflies u + v, u - v
 * in float. Its own inverse. llama.cpp rotates queries, keys and values
 * this way before a block-quantized cache stores them (kv_cache.h).
 */
void vec_hadamard_scalar(float *x, size_t n_rows, uint32_t n);
/* Any pair of cache formats (the table's F32, F16, Q8_0 and Q4_0 slots; mixed pairs call them directly). */
void vec_attend_scalar(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
void vec_attend_fast_scalar(const kern_kv_head_t *h, const float *q, float *scores, void *work, float *out);
/*
 * The EXACT scores of every attention (kernels.h, kern_attend_fn) into
 * scores[t - b] for t = t0 .. n-1 (and maybe some of b .. t0-1, to be
 * masked): q in the keys' vec_dot_type in work (4 * head_dim bytes), block
 * keys four positions at a time through the level's tile when it has one
 * (the same bits as its dot).
 */
void vec_attend_scores(const kern_kv_head_t *h, const float *q, void *work, float *scores);

/*
 * The same for n_q <= KERN_ATTEND_GROUP_MAX heads (q: n_q rows of
 * head_dim; head g's scores at scores + g * stride; work: n_q * 4 *
 * head_dim bytes): each head's bits as vec_attend_scores gives them, the
 * tile taking all heads for each four keys.
 */
void vec_attend_scores_group(const kern_kv_head_t *h, const float *q, uint32_t n_q, void *work, float *scores,
                             size_t stride);

#endif

/*
 * The forward pass (see transformer.h), in the shape of llama2.c's run.c:
 * embed, then per layer RMSNorm -> Q/K/V -> RoPE -> causal grouped-query
 * attention over the cache -> output projection, RMSNorm -> SwiGLU FFN, each
 * with a residual; then the final norm and the output projection. Matrix
 * products go through matmul.h with activations quantized as ggml does, the
 * element-wise kernels (norm, RoPE, attention, SwiGLU, residual) through
 * the kernel table (kernels.h), both at the level selected and bit for bit alike at
 * every level. Small details copy llama.cpp (Q and the attention weights
 * rounded to the cache type, sums of squares in double, ggml's exp
 * polynomial and its softmax summation order, glibc's sinf/cosf): with them
 * the logits equal those of llama.cpp's portable (scalar) x86-64 build bit
 * for bit. Matrix products with their activation quantization, attention
 * (by token and head, latest tokens first), SwiGLU (by elements), RoPE and
 * the cache stores (by token) run over all the platform's workers
 * (support/parallel.h), each worker with its own attention scratch; the
 * rotation angles are computed once per forward, not per layer. The norms
 * and residual adds are cheap and stay on the calling core.
 */
#include "llm/transformer.h"

#include "llm/support/mathf.h"
#include "llm/kernels/matmul.h"
#include "llm/kernels/kernels.h"
#include "llm/platform.h"
#include "llm/support/parallel.h"

/* Smaller pieces than these are not worth a hand-off to another core. */
#define GLU_MIN_ELEMS 256u /* SwiGLU/GeGLU elements (an expf or a table lookup each) */
#define GLU_ALIGN 16u      /* chunk starts: a multiple of every level's vector width */
#define ROPE_MIN_TOKENS 4u

/* One forward's state: what every job of the parallel-fors reads, and the activations. */
typedef struct buffers {
    const model_hparams_t *hp;
    kv_cache_t *kv;
    const tf_batch_t *batch;
    const model_t *m;
    uint32_t layer;       /* the layer being run */
    uint32_t n_rope_sets; /* 1, or 2 when windowed layers have a RoPE base of their own */
    float theta_scale[2]; /* RoPE of each set: each rotated pair's angle over the previous one's */
    float *x;             /* [n][n_embd] the residual stream */
    float *xb;            /* [n][n_embd] normed input of a block */
    float *q;             /* [n][n_head * head_dim] */
    float *k, *v;         /* [n][n_head_kv * head_dim] */
    float *att;           /* [n][n_head * head_dim] attention output */
    float *gate;          /* [n][n_ff] */
    float *up;            /* [n][n_ff] */
    float *norm_w;        /* [n_embd] a norm's weights as floats */
    float *qk_norm_w;     /* [2][head_dim] the layer's query and key norm weights as floats */
    float *scores;        /* [workers][n_ctx] each worker's attention scores */
    float *rope[2];       /* [n][n_rot] per set: cos, sin pairs of each token's position */
    uint8_t *attn_work;   /* [workers][attn_work_bytes] */
    size_t attn_work_bytes, scores_stride; /* per worker, each a multiple of 64 bytes (scores: per head) */
    uint32_t heads_per_item;               /* query heads per attention call (attend_heads) */
    uint32_t workers;
    const kern_table_t *ops; /* the kernels of the selected level */
} buffers_t;

static err_code_t alloc_floats(arena_t *a, size_t n, float **out, err_t *err)
{
    *out = arena_alloc_array(a, n ? n : 1, sizeof **out, 64, err);
    return *out ? ERR_OK : ERR_NOMEM;
}

/* The buffers of a batch of n tokens whose longest attention spans max_pos positions. */
static err_code_t alloc_buffers(const model_hparams_t *hp, uint32_t n, uint32_t max_pos, arena_t *a, buffers_t *b,
                                err_t *err)
{
    size_t e = hp->n_embd, qd = (size_t)hp->n_head * hp->head_dim, kvd = (size_t)hp->n_head_kv * hp->head_dim;
    err_code_t rc = ERR_OK;
    b->workers = par_workers();
    uint32_t per = transformer_heads_per_call(hp);
    b->scores_stride = ((size_t)max_pos + 15) & ~(size_t)15;
    /* Rounded to cache lines so two workers never share one. */
    b->attn_work_bytes = (per * KERN_ATTEND_WORK_BYTES(hp->head_dim) + 63) & ~(size_t)63;
    struct {
        float **p;
        size_t n;
    } want[] = {
        { &b->x, n * e },     { &b->xb, n * e },  { &b->q, n * qd },         { &b->k, n * kvd },
        { &b->v, n * kvd },   { &b->att, n * qd }, { &b->gate, n * hp->n_ff }, { &b->up, n * hp->n_ff },
        { &b->norm_w, e },    { &b->scores, b->workers * per * b->scores_stride },
        { &b->rope[0], (size_t)n * hp->n_rot }, { &b->rope[1], (size_t)n * hp->n_rot * (b->n_rope_sets - 1) },
        { &b->qk_norm_w, 2 * (size_t)hp->head_dim },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0] && rc == ERR_OK; i++)
        rc = alloc_floats(a, want[i].n, want[i].p, err);
    if (rc == ERR_OK && !(b->attn_work = arena_alloc_array(a, b->workers, b->attn_work_bytes, 64, err)))
        rc = ERR_NOMEM;
    b->ops = kern();
    return rc;
}

/* out = x / rms(x) * w for each of n rows (out may be x); w given as a tensor of any float/quant type. */
static void rmsnorm(const kern_table_t *ops, float *out, const float *x, const gguf_tensor_t *w, float *w_f32, uint32_t n,
                    uint32_t dim, float eps)
{
    w->format->dequantize(w->data, w_f32, dim);
    for (uint32_t r = 0; r < n; r++)
        ops->rmsnorm(out + (size_t)r * dim, x + (size_t)r * dim, w_f32, dim, eps);
}

/* x[i] *= s, as ggml_scale. */
static void scale_rows(float *x, size_t n, float s)
{
    for (size_t i = 0; i < n; i++)
        x[i] *= s;
}

/* ggml's powf(base, -2/n_rot): each rotated pair's angle over the previous one's. */
static float rope_theta_scale(float base, uint32_t n_rot)
{
    return (float)math_exp(math_log(base) * (-2.0 / n_rot));
}

/* logits = c tanh(logits / c), as ggml's scale, tanh, scale. */
static void softcap(float *logits, size_t n, float c)
{
    float inv = 1.0f / c;
    for (size_t i = 0; i < n; i++)
        logits[i] = math_tanhf(logits[i] * inv) * c;
}

/* The cos/sin of each rotated pair at position pos, as ggml's rope cache: theta multiplied up pair by pair. */
static void rope_angles(float *cs, uint32_t n_rot, float theta_scale, uint32_t pos)
{
    float theta = (float)pos;
    for (uint32_t i = 0; i < n_rot; i += 2) {
        math_sincosf(theta, &cs[i + 1], &cs[i]);
        theta *= theta_scale;
    }
}

/* The angles of tokens [t0, t1) at their positions, for each set of RoPE bases. */
static void rope_angle_rows(void *ctx, uint32_t t0, uint32_t t1, uint32_t worker)
{
    const buffers_t *b = ctx;
    (void)worker;
    for (uint32_t set = 0; set < b->n_rope_sets; set++)
        for (uint32_t t = t0; t < t1; t++)
            rope_angles(b->rope[set] + (size_t)t * b->hp->n_rot, b->hp->n_rot, b->theta_scale[set], b->batch->pos[t]);
}

/*
 * Tokens [t0, t1): the per-head norms of their queries and keys (families
 * with qk_norm), RoPE, the queries' pre-scale (q_prescale), then keys and
 * values into their sequences' cache.
 */
static void rope_store_rows(void *ctx, uint32_t t0, uint32_t t1, uint32_t worker)
{
    const buffers_t *b = ctx;
    const model_hparams_t *hp = b->hp;
    const model_family_t *fam = b->m->family;
    const model_layer_t *l = &b->m->layers[b->layer];
    size_t qd = (size_t)hp->n_head * hp->head_dim, kvd = (size_t)hp->n_head_kv * hp->head_dim;
    const float *rope = b->rope[l->swa && b->n_rope_sets > 1];
    kern_rope_fn rotate = fam->rope == MODEL_ROPE_NEOX ? b->ops->rope_neox : b->ops->rope;
    (void)worker;
    for (uint32_t t = t0; t < t1; t++) {
        const float *cs = rope + (size_t)t * hp->n_rot;
        float *q = b->q + t * qd, *k = b->k + t * kvd;
        if (fam->qk_norm) {
            for (uint32_t h = 0; h < hp->n_head; h++)
                b->ops->rmsnorm(q + (size_t)h * hp->head_dim, q + (size_t)h * hp->head_dim, b->qk_norm_w,
                                hp->head_dim, hp->rms_eps);
            for (uint32_t h = 0; h < hp->n_head_kv; h++)
                b->ops->rmsnorm(k + (size_t)h * hp->head_dim, k + (size_t)h * hp->head_dim,
                                b->qk_norm_w + hp->head_dim, hp->head_dim, hp->rms_eps);
        }
        rotate(q, hp->n_head, hp->head_dim, cs, hp->n_rot);
        rotate(k, hp->n_head_kv, hp->head_dim, cs, hp->n_rot);
        if (fam->q_prescale)
            scale_rows(q, qd, hp->attn_scale);
        if (b->kv->rot_k) { /* before a quantized cache, as llama.cpp (kv_cache.h) */
            vec_hadamard_scalar(q, qd / b->kv->rot_k, b->kv->rot_k);
            vec_hadamard_scalar(k, kvd / b->kv->rot_k, b->kv->rot_k);
        }
        if (b->kv->rot_v)
            vec_hadamard_scalar(b->v + t * kvd, kvd / b->kv->rot_v, b->kv->rot_v);
        kv_cache_store(b->kv, b->batch->seqs[t], b->layer, b->batch->pos[t], k, b->v + t * kvd);
    }
}

/*
 * Items [i0, i1) of the batch's attention, each the query heads of one
 * KV head of one token that one kernel call takes (b->heads_per_item: the
 * whole group, at most KERN_ATTEND_GROUP_MAX, where the cache has a
 * grouped kernel; else one head): item i is the (i % per_token)-th of
 * token n - 1 - i / per_token, against positions 0 (or the window's
 * first) .. its position of its own sequence's KV head, in the scratch of
 * the worker running it. Latest tokens first: in a prompt they attend over
 * the most positions, and chunks taken in order then end with the
 * cheapest, which keeps the workers' finishing times close. A head's
 * result does not depend on the heads it is computed with.
 */
static void attend_heads(void *ctx, uint32_t i0, uint32_t i1, uint32_t worker)
{
    const buffers_t *b = ctx;
    const kv_cache_t *kv = b->kv;
    uint32_t n_head = b->hp->n_head, hd = b->hp->head_dim, group = n_head / b->hp->n_head_kv;
    uint32_t per = b->heads_per_item, chunks = (group + per - 1) / per, per_token = b->hp->n_head_kv * chunks;
    float *scores = b->scores + worker * transformer_heads_per_call(b->hp) * b->scores_stride;
    void *work = b->attn_work + worker * b->attn_work_bytes;
    kern_attend_fn attend = kv_cache_attend_fn(kv, b->ops);
    kern_attend_group_fn attend_group = per > 1 ? kv_cache_attend_group_fn(kv, b->ops) : NULL;
    uint32_t window = b->m->layers[b->layer].swa ? b->hp->n_swa : 0;
    float scale = b->m->family->q_prescale ? 1.0f : b->hp->attn_scale;
    for (uint32_t i = i0; i < i1; i++) {
        uint32_t token = b->batch->n - 1 - i / per_token, r = i % per_token, n = b->batch->pos[token] + 1;
        uint32_t kv_head = r / chunks, h0 = kv_head * group + r % chunks * per;
        uint32_t n_q = group - r % chunks * per < per ? group - r % chunks * per : per;
        size_t off = ((size_t)token * n_head + h0) * hd;
        kern_kv_head_t kh = kv_cache_head(kv, b->batch->seqs[token], b->layer, kv_head,
                                          window && n > window ? n - window : 0, n, scale);
        if (attend_group)
            attend_group(&kh, b->q + off, n_q, scores, work, b->att + off);
        else
            attend(&kh, b->q + off, scores, work, b->att + off);
        for (uint32_t g = 0; g < n_q && kv->rot_v; g++) /* the values were rotated: their weighted sum turns back */
            vec_hadamard_scalar(b->att + off + (size_t)g * hd, hd / kv->rot_v, kv->rot_v);
    }
}

/*
 * outs[i] (n rows of ws[i]'s output size) = x (n rows) times ws[i], for
 * count tensors that read the same input: the activations are quantized
 * once for each run of tensors of one format and input width, and each run
 * is one split over the workers (matmul_many).
 */
static err_code_t project(const buffers_t *b, const gguf_tensor_t *const *ws, float *const *outs, uint32_t count,
                          const float *x, uint32_t n, arena_t *a, err_t *err)
{
    uint64_t t0 = platform_now_us();
    act_rows_t act;
    arena_mark_t mark = arena_mark(a);
    err_code_t rc = ERR_OK;
    for (uint32_t i = 0, run; i < count && rc == ERR_OK; i += run) {
        for (run = 1; i + run < count && run < MATMUL_MAX_MANY && ws[i + run]->format == ws[i]->format &&
                      ws[i + run]->ne[0] == ws[i]->ne[0];
             run++)
            ;
        arena_release(a, mark, NULL);
        rc = act_quantize(ws[i]->format, x, n, (uint32_t)ws[i]->ne[0], a, &act, err);
        if (rc == ERR_OK)
            matmul_many(ws + i, outs + i, run, &act);
    }
    arena_release(a, mark, NULL);
    b->kv->phase_us[KV_PHASE_MATMUL] += platform_now_us() - t0;
    return rc;
}

static err_code_t attention_block(const model_t *m, uint32_t il, uint32_t n, buffers_t *b, arena_t *a, err_t *err)
{
    const model_hparams_t *hp = &m->hp;
    const model_layer_t *l = &m->layers[il];
    uint32_t e = hp->n_embd;
    rmsnorm(b->ops, b->xb, b->x, l->attn_norm, b->norm_w, n, e, hp->rms_eps);
    const gguf_tensor_t *qkv[] = { l->attn_q, l->attn_k, l->attn_v };
    float *qkv_out[] = { b->q, b->k, b->v };
    err_code_t rc = project(b, qkv, qkv_out, 3, b->xb, n, a, err);
    if (rc != ERR_OK)
        return rc;
    b->layer = il;
    if (l->attn_q_norm) {
        l->attn_q_norm->format->dequantize(l->attn_q_norm->data, b->qk_norm_w, hp->head_dim);
        l->attn_k_norm->format->dequantize(l->attn_k_norm->data, b->qk_norm_w + hp->head_dim, hp->head_dim);
    }
    par_range(n, 1, ROPE_MIN_TOKENS, rope_store_rows, b);
    uint64_t t0 = platform_now_us();
    uint32_t group = hp->n_head / hp->n_head_kv;
    b->heads_per_item = kv_cache_attend_group_fn(b->kv, b->ops) ? transformer_heads_per_call(hp) : 1;
    par_range(n * hp->n_head_kv * ((group + b->heads_per_item - 1) / b->heads_per_item), 1, 1, attend_heads, b);
    b->kv->phase_us[KV_PHASE_ATTENTION] += platform_now_us() - t0;
    rc = project(b, &l->attn_output, &b->xb, 1, b->att, n, a, err);
    if (rc != ERR_OK)
        return rc;
    if (l->attn_post_norm)
        rmsnorm(b->ops, b->xb, b->xb, l->attn_post_norm, b->norm_w, n, e, hp->rms_eps);
    b->ops->add(b->x, b->xb, (size_t)n * e);
    return ERR_OK;
}

/* gate = act(gate) * up for elements [i0, i1) of the token rows, which lie end to end. */
static void glu_elems(void *ctx, uint32_t i0, uint32_t i1, uint32_t worker)
{
    const buffers_t *b = ctx;
    (void)worker;
    if (b->m->family->ffn_act == MODEL_FFN_GELU)
        b->ops->geglu(b->gate + i0, b->up + i0, i1 - i0, b->m->gelu_f16);
    else
        b->ops->swiglu(b->gate + i0, b->up + i0, i1 - i0);
}

static err_code_t ffn_block(const model_t *m, uint32_t il, uint32_t n, buffers_t *b, arena_t *a, err_t *err)
{
    const model_hparams_t *hp = &m->hp;
    const model_layer_t *l = &m->layers[il];
    rmsnorm(b->ops, b->xb, b->x, l->ffn_norm, b->norm_w, n, hp->n_embd, hp->rms_eps);
    const gguf_tensor_t *gate_up[] = { l->ffn_gate, l->ffn_up };
    float *gate_up_out[] = { b->gate, b->up };
    err_code_t rc = project(b, gate_up, gate_up_out, 2, b->xb, n, a, err);
    if (rc != ERR_OK)
        return rc;
    par_range(n * hp->n_ff, GLU_ALIGN, GLU_MIN_ELEMS, glu_elems, b);
    rc = project(b, &l->ffn_down, &b->xb, 1, b->gate, n, a, err);
    if (rc != ERR_OK)
        return rc;
    if (l->ffn_post_norm)
        rmsnorm(b->ops, b->xb, b->xb, l->ffn_post_norm, b->norm_w, n, hp->n_embd, hp->rms_eps);
    b->ops->add(b->x, b->xb, (size_t)n * hp->n_embd);
    return ERR_OK;
}

/* Checks a batch against the model and its sequences; *max_pos: the longest attention span. */
static err_code_t check_batch(const model_hparams_t *hp, const tf_batch_t *bt, uint32_t *max_pos, err_t *err)
{
    if (bt->n == 0)
        return err_set(err, ERR_INVALID, "forward: no tokens");
    if ((uint64_t)bt->n * hp->n_ff > UINT32_MAX || (uint64_t)bt->n * hp->n_head > UINT32_MAX)
        return err_set(err, ERR_RANGE, "forward: %u tokens at once are too many for this model's widths", bt->n);
    *max_pos = 0;
    for (uint32_t i = 0; i < bt->n; i++) {
        if (bt->tokens[i] < 0 || (uint32_t)bt->tokens[i] >= hp->n_vocab)
            return err_set(err, ERR_INVALID, "forward: token id %d is out of range (%u tokens)", bt->tokens[i],
                           hp->n_vocab);
        if (bt->pos[i] >= kv_seq_room(bt->seqs[i]))
            return err_set(err, ERR_RANGE, "forward: position %u is outside its sequence's %u reserved positions",
                           bt->pos[i], kv_seq_room(bt->seqs[i]));
        *max_pos = bt->pos[i] + 1 > *max_pos ? bt->pos[i] + 1 : *max_pos;
    }
    for (uint32_t i = 0; i < bt->n_out; i++) {
        if (bt->out[i] >= bt->n)
            return err_set(err, ERR_INVALID, "forward: logits asked for token %u of a %u-token batch", bt->out[i],
                           bt->n);
    }
    return ERR_OK;
}

err_code_t transformer_forward_batch(const model_t *m, kv_cache_t *kv, const tf_batch_t *batch, float *logits,
                                     arena_t *scratch, err_t *err)
{
    const model_hparams_t *hp = &m->hp;
    uint32_t n = batch->n, max_pos = 0;
    err_code_t rc = check_batch(hp, batch, &max_pos, err);
    if (rc != ERR_OK)
        return rc;
    uint64_t t0 = platform_now_us(), timed = kv->phase_us[KV_PHASE_MATMUL] + kv->phase_us[KV_PHASE_ATTENTION];
    arena_mark_t mark = arena_mark(scratch);
    buffers_t b = { .hp = hp, .m = m, .kv = kv, .batch = batch, .n_rope_sets = hp->n_swa_layers ? 2 : 1 };
    if ((rc = alloc_buffers(hp, n, max_pos, scratch, &b, err)) != ERR_OK) {
        arena_release(scratch, mark, NULL);
        return rc;
    }

    const gguf_tensor_t *embd = m->token_embd;
    size_t embd_row = (size_t)(embd->n_bytes / embd->ne[1]);
    for (uint32_t i = 0; i < n; i++)
        embd->format->dequantize((const uint8_t *)embd->data + (size_t)batch->tokens[i] * embd_row,
                                 b.x + (size_t)i * hp->n_embd, hp->n_embd);
    if (m->family->embd_scale)
        scale_rows(b.x, (size_t)n * hp->n_embd, math_sqrtf((float)hp->n_embd));

    b.theta_scale[0] = rope_theta_scale(hp->rope_freq_base, hp->n_rot);
    b.theta_scale[1] = rope_theta_scale(hp->rope_freq_base_swa, hp->n_rot);
    par_range(n, 1, ROPE_MIN_TOKENS, rope_angle_rows, &b);
    for (uint32_t il = 0; il < hp->n_layer && rc == ERR_OK; il++) {
        rc = attention_block(m, il, n, &b, scratch, err);
        if (rc == ERR_OK)
            rc = ffn_block(m, il, n, &b, scratch, err);
    }
    if (rc == ERR_OK && batch->n_out > 0) {
        for (uint32_t i = 0; i < batch->n_out; i++)
            rmsnorm(b.ops, b.xb + (size_t)i * hp->n_embd, b.x + (size_t)batch->out[i] * hp->n_embd, m->output_norm,
                    b.norm_w, 1, hp->n_embd, hp->rms_eps);
        rc = project(&b, &m->output, &logits, 1, b.xb, batch->n_out, scratch, err);
        if (rc == ERR_OK && hp->final_logit_softcap > 0.0f)
            softcap(logits, (size_t)batch->n_out * hp->n_vocab, hp->final_logit_softcap);
    }
    arena_release(scratch, mark, NULL);
    uint64_t total = platform_now_us() - t0,
             phases = kv->phase_us[KV_PHASE_MATMUL] + kv->phase_us[KV_PHASE_ATTENTION] - timed;
    kv->phase_us[KV_PHASE_OTHER] += total > phases ? total - phases : 0;
    return rc;
}

err_code_t transformer_forward(const model_t *m, kv_cache_t *kv, kv_seq_t *seq, const int32_t *tokens, uint32_t n,
                               uint32_t pos, bool all_logits, float *logits, arena_t *scratch, err_t *err)
{
    if (n == 0)
        return err_set(err, ERR_INVALID, "forward: no tokens");
    if (n > UINT32_MAX - pos)
        return err_set(err, ERR_RANGE, "forward: positions from %u for %u tokens overflow", pos, n);
    err_code_t rc = kv_seq_reserve(kv, seq, pos + n, err);
    if (rc != ERR_OK)
        return rc;
    arena_mark_t mark = arena_mark(scratch);
    uint32_t *p = arena_alloc_array(scratch, n, sizeof *p, 0, err), *out = arena_alloc_array(scratch, n, sizeof *out, 0, err);
    const kv_seq_t **seqs = arena_alloc_array(scratch, n, sizeof *seqs, 0, err);
    if (!p || !out || !seqs) {
        arena_release(scratch, mark, NULL);
        return ERR_NOMEM;
    }
    for (uint32_t i = 0; i < n; i++) {
        p[i] = pos + i;
        seqs[i] = seq;
        out[i] = i;
    }
    tf_batch_t batch = { n, tokens, p, seqs, all_logits ? out : out + n - 1, all_logits ? n : 1 };
    rc = transformer_forward_batch(m, kv, &batch, logits, scratch, err);
    arena_release(scratch, mark, NULL);
    return rc;
}

/*
 * The scheduler (see llm_sched.h): request records, admission into running
 * slots with their pool blocks (sharing whole blocks of a prefix another
 * running request already holds), one batched forward pass per step, and
 * each request's sampling and text through the generation step that
 * llm_generate uses (llm_internal.h).
 */
#include "llm/llm_sched.h"

#include "llm/llm_internal.h"
#include "llm/platform.h"
#include "llm/transformer.h"

#define SCHED_DEFAULT_RUNNING 4u
#define SCHED_DEFAULT_QUEUE 16u
#define SCHED_DEFAULT_KEEP 8u
#define SCHED_DEFAULT_TEXT 4096u

/* A running request's own state: its sampler (in the slot's arena) and its cache blocks. */
typedef struct sched_slot {
    arena_t arena;
    void *arena_base;
    size_t arena_bytes;
    kv_seq_t seq;
    struct sched_req *req; /* NULL: free */
} sched_slot_t;

typedef struct sched_req {
    uint32_t id;              /* 0: a free record */
    llm_req_state_t state;
    llm_stop_t stop;
    uint64_t order;           /* submission number: the queue's order */
    llm_gen_config_t cfg;
    llm_on_text_fn on_text;
    llm_on_logits_fn on_logits;
    void *user;
    uint64_t deadline_us, submit_us, start_us, end_us;
    int32_t *tokens;          /* [max_seq_pos]: the prompt, then each generated token once it is to run */
    uint32_t n_prompt, n_tokens;
    uint32_t n_cached;        /* positions whose keys and values are in the cache */
    uint32_t n_shared;
    bool cancel;
    char *text;               /* [text_cap] */
    gen_state_t gen;          /* while running */
    sched_slot_t *slot;       /* while running */
} sched_req_t;

void llm_sched_params_default(llm_sched_params_t *p)
{
    *p = (llm_sched_params_t){ .max_running = SCHED_DEFAULT_RUNNING, .queue_cap = SCHED_DEFAULT_QUEUE,
                               .keep_done = SCHED_DEFAULT_KEEP, .type_k = QUANT_F16, .type_v = QUANT_F16,
                               .attn = KERN_ATTN_EXACT, .text_cap = SCHED_DEFAULT_TEXT };
}

const char *llm_req_state_name(llm_req_state_t s)
{
    return s == LLM_REQ_QUEUED ? "queued" : s == LLM_REQ_RUNNING ? "running" : "done";
}

/* A slot's arena: a sampler over the vocabulary with a penalty ring of up to max_seq_pos tokens. */
static size_t slot_bytes(const model_hparams_t *hp, uint32_t max_seq_pos)
{
    return (size_t)hp->n_vocab * (sizeof(sampler_candidate_t) + sizeof(float) + sizeof(uint32_t)) +
           (size_t)max_seq_pos * sizeof(int32_t) + 256;
}

/* The parameters with defaults filled in, checked against the model. */
static err_code_t settle(llm_sched_params_t *p, const model_hparams_t *hp, err_t *err)
{
    if (p->max_running == 0)
        p->max_running = SCHED_DEFAULT_RUNNING;
    if (p->max_seq_pos == 0)
        p->max_seq_pos = hp->n_ctx_train < LLM_DEFAULT_N_CTX ? hp->n_ctx_train : LLM_DEFAULT_N_CTX;
    if (p->step_tokens == 0)
        p->step_tokens = LLM_DEFAULT_N_BATCH > p->max_running ? LLM_DEFAULT_N_BATCH : p->max_running;
    if (p->text_cap == 0)
        p->text_cap = SCHED_DEFAULT_TEXT;
    if (p->max_running > LLM_SCHED_MAX_RUNNING)
        return err_set(err, ERR_INVALID, "scheduler: %u running requests, at most %u", p->max_running,
                       LLM_SCHED_MAX_RUNNING);
    if (p->step_tokens < p->max_running)
        return err_set(err, ERR_INVALID, "scheduler: a step of %u tokens cannot decode %u requests", p->step_tokens,
                       p->max_running);
    if (p->queue_cap == 0 || p->queue_cap > 65536 || p->keep_done > 65536)
        return err_set(err, ERR_INVALID, "scheduler: queue of %u (1 to 65536), %u kept done (at most 65536)",
                       p->queue_cap, p->keep_done);
    if (p->attn != KERN_ATTN_EXACT && p->attn != KERN_ATTN_FAST)
        return err_set(err, ERR_INVALID, "scheduler: attention mode %d is neither exact nor fast", (int)p->attn);
    err_code_t rc = kv_types_check(hp, (kv_types_t){ p->type_k, p->type_v, p->kv_plain }, err);
    if (rc != ERR_OK)
        return rc;
    if (p->max_seq_pos < 2 || p->max_seq_pos > (1u << 24))
        return err_set(err, ERR_INVALID, "scheduler: %u positions per request (2 to %u)", p->max_seq_pos, 1u << 24);
    if (p->pool_positions == 0) {
        uint64_t all = (uint64_t)p->max_running * kv_blocks_for(p->max_seq_pos) * KV_BLOCK_POS;
        p->pool_positions = all < (1u << 24) ? (uint32_t)all : 1u << 24;
    }
    return ERR_OK;
}

/* Arena bytes of a scheduler with the settled parameters p. */
static size_t need_bytes(const model_hparams_t *hp, const llm_sched_params_t *p)
{
    uint32_t n_reqs = p->max_running + p->queue_cap + p->keep_done;
    size_t per_req = sizeof(sched_req_t) + (size_t)p->max_seq_pos * sizeof(int32_t) + p->text_cap + 64;
    size_t per_slot = sizeof(sched_slot_t) + slot_bytes(hp, p->max_seq_pos) +
                      (size_t)kv_blocks_for(p->max_seq_pos) * sizeof(uint32_t) + 128;
    size_t work = llm_work_bytes(hp, p->max_seq_pos, p->step_tokens);
    return kv_cache_bytes(hp, p->pool_positions, (kv_types_t){ p->type_k, p->type_v, p->kv_plain }) + n_reqs * per_req + p->max_running * per_slot +
           (size_t)p->max_running * hp->n_vocab * sizeof(float) + 64 + work;
}

size_t llm_sched_bytes(const llm_model_t *m, const llm_sched_params_t *params)
{
    llm_sched_params_t p = *params;
    return settle(&p, &m->model.hp, NULL) == ERR_OK ? need_bytes(&m->model.hp, &p) : 0;
}

err_code_t llm_sched_init(llm_sched_t *s, const llm_model_t *m, const llm_sched_params_t *params, arena_t *arena,
                          err_t *err)
{
    const model_hparams_t *hp = &m->model.hp;
    llm_sched_params_t p = *params;
    err_code_t rc = settle(&p, hp, err);
    if (rc != ERR_OK)
        return rc;
    uint32_t n_reqs = p.max_running + p.queue_cap + p.keep_done;
    size_t need = need_bytes(hp, &p);
    size_t free_bytes = arena->capacity_bytes - arena->used_bytes;
    if (need > free_bytes)
        return err_set(err, ERR_NOMEM,
                       "scheduler: %u running x %u positions (pool %u) need %zu bytes, the arena has %zu free",
                       p.max_running, p.max_seq_pos, p.pool_positions, need, free_bytes);

    arena_mark_t mark = arena_mark(arena);
    *s = (llm_sched_t){ .model = m, .p = p, .arena = arena, .n_reqs = n_reqs, .next_id = 1 };
    rc = kv_cache_init(&s->kv, hp, p.pool_positions, (kv_types_t){ p.type_k, p.type_v, p.kv_plain }, arena, err);
    s->kv.attn = p.attn;
    if (rc == ERR_OK && (!(s->reqs = arena_alloc_zero(arena, n_reqs * sizeof *s->reqs, 64, err)) ||
                         !(s->slots = arena_alloc_zero(arena, p.max_running * sizeof *s->slots, 64, err)) ||
                         !(s->logits = arena_alloc_array(arena, (size_t)p.max_running * hp->n_vocab,
                                                         sizeof *s->logits, 64, err))))
        rc = ERR_NOMEM;
    for (uint32_t i = 0; i < n_reqs && rc == ERR_OK; i++) {
        sched_req_t *q = &s->reqs[i];
        q->tokens = arena_alloc_array(arena, p.max_seq_pos, sizeof *q->tokens, 0, err);
        q->text = q->tokens ? arena_alloc(arena, p.text_cap, 1, err) : NULL;
        rc = q->text ? ERR_OK : ERR_NOMEM;
    }
    for (uint32_t i = 0; i < p.max_running && rc == ERR_OK; i++) {
        sched_slot_t *sl = &s->slots[i];
        sl->arena_bytes = slot_bytes(hp, p.max_seq_pos);
        sl->arena_base = arena_alloc(arena, sl->arena_bytes, 64, err);
        rc = sl->arena_base ? kv_seq_init(&sl->seq, p.max_seq_pos, arena, err) : ERR_NOMEM;
    }
    if (rc != ERR_OK) {
        arena_release(arena, mark, NULL);
        return rc;
    }
    s->work = arena_mark(arena);
    return ERR_OK;
}

static sched_req_t *find(llm_sched_t *s, uint32_t id)
{
    for (uint32_t i = 0; id && i < s->n_reqs; i++)
        if (s->reqs[i].id == id)
            return &s->reqs[i];
    return NULL;
}

static uint32_t count_state(const llm_sched_t *s, llm_req_state_t st)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < s->n_reqs; i++)
        n += s->reqs[i].id && s->reqs[i].state == st;
    return n;
}

/* A free record, else the oldest finished one (forgotten now). */
static sched_req_t *take_record(llm_sched_t *s)
{
    sched_req_t *oldest = NULL;
    for (uint32_t i = 0; i < s->n_reqs; i++) {
        sched_req_t *q = &s->reqs[i];
        if (!q->id)
            return q;
        if (q->state == LLM_REQ_DONE && (!oldest || q->order < oldest->order))
            oldest = q;
    }
    return oldest;
}

/* A prompt given as token ids into q->tokens, checked against the vocabulary; *n is its length. */
static err_code_t copy_tokens(llm_sched_t *s, const llm_request_t *r, sched_req_t *q, size_t *n, err_t *err)
{
    uint32_t n_vocab = s->model->model.hp.n_vocab;
    *n = r->n_tokens;
    if (r->n_tokens >= s->p.max_seq_pos)
        return ERR_RANGE;
    for (size_t i = 0; i < r->n_tokens; i++)
        if (r->tokens[i] < 0 || (uint32_t)r->tokens[i] >= n_vocab)
            return err_set(err, ERR_INVALID, "scheduler: prompt token %zu is %d, the vocabulary has %u", i,
                           r->tokens[i], n_vocab);
    memcpy(q->tokens, r->tokens, r->n_tokens * sizeof *q->tokens);
    return ERR_OK;
}

/* A conversation's text through the chat template, in the working memory; q ends its turns with the template's. */
static err_code_t format_chat(llm_sched_t *s, const llm_request_t *r, sched_req_t *q, const char **text, size_t *len,
                              err_t *err)
{
    const llm_model_t *m = s->model;
    if (!m->has_chat)
        return err_set(err, ERR_UNSUPPORTED, "chat: %s", m->chat_error.msg);
    err_code_t rc = chat_apply(m->chat, r->msgs, r->n_msgs, true, NULL, 0, len, err);
    char *buf = rc == ERR_RANGE ? arena_alloc(s->arena, *len + 1, 1, err) : NULL;
    if (!buf)
        return rc == ERR_RANGE ? ERR_NOMEM : rc;
    if ((rc = chat_apply(m->chat, r->msgs, r->n_msgs, true, buf, *len + 1, len, err)) != ERR_OK)
        return rc;
    *text = buf;
    q->cfg.parse_special = true;
    q->cfg.stop_token = m->end_of_turn;
    return ERR_OK;
}

/* The prompt's tokens into q->tokens (text and chat tokenized in the working memory). */
static err_code_t tokenize(llm_sched_t *s, const llm_request_t *r, sched_req_t *q, err_t *err)
{
    const char *text = r->prompt;
    size_t len = r->len, n = 0;
    err_code_t rc = ERR_OK;
    if (!text && r->tokens) {
        rc = copy_tokens(s, r, q, &n, err);
    } else {
        if (!text)
            rc = format_chat(s, r, q, &text, &len, err);
        tok_encode_opts_t opts = { .add_special = true, .parse_special = q->cfg.parse_special };
        if (rc == ERR_OK)
            rc = tok_encode(&s->model->vocab, text, len, &opts, q->tokens, s->p.max_seq_pos, &n, s->arena, err);
    }
    if (rc == ERR_RANGE || (rc == ERR_OK && n >= s->p.max_seq_pos))
        return err_set(err, ERR_RANGE, "prompt is %zu tokens, a request holds %u positions", n, s->p.max_seq_pos);
    if (rc == ERR_OK && n == 0)
        return err_set(err, ERR_INVALID, "empty prompt");
    if (rc == ERR_OK && kv_blocks_for((uint32_t)n + 1) > s->kv.n_blocks)
        return err_set(err, ERR_RANGE, "prompt is %zu tokens, the KV pool holds %u positions", n,
                       s->kv.n_blocks * KV_BLOCK_POS);
    q->n_prompt = q->n_tokens = (uint32_t)n;
    return rc;
}

err_code_t llm_sched_submit(llm_sched_t *s, const llm_request_t *r, uint32_t *id, err_t *err)
{
    uint32_t queued = count_state(s, LLM_REQ_QUEUED);
    sched_req_t *q = take_record(s);
    err_code_t rc = ERR_OK;
    if (s->draining)
        rc = err_set(err, ERR_FULL, "scheduler: draining, no new requests");
    else if (queued >= s->p.queue_cap || !q)
        rc = err_set(err, ERR_FULL, "scheduler: the queue is full (%u waiting)", queued);
    else if (!r->prompt && !r->tokens && !r->msgs)
        rc = err_set(err, ERR_INVALID, "scheduler: a request needs a prompt, tokens or messages");
    else if (r->cfg.sampling.penalty_last_n > (int32_t)s->p.max_seq_pos)
        rc = err_set(err, ERR_INVALID, "scheduler: penalty_last_n %d exceeds a request's %u positions",
                     r->cfg.sampling.penalty_last_n, s->p.max_seq_pos);
    else
        rc = sampler_config_check(&r->cfg.sampling, err);
    if (rc == ERR_OK) {
        *q = (sched_req_t){ .tokens = q->tokens, .text = q->text, .cfg = r->cfg, .on_text = r->on_text,
                            .on_logits = r->on_logits, .user = r->user, .deadline_us = r->deadline_us };
        q->cfg.text = NULL;
        q->cfg.text_cap = 0;
        q->text[0] = '\0';
        rc = tokenize(s, r, q, err);
        arena_release(s->arena, s->work, NULL);
    }
    if (rc != ERR_OK) {
        s->stats.refused++;
        return rc;
    }
    q->id = s->next_id++;
    if (s->next_id == 0)
        s->next_id = 1;
    q->order = s->order++;
    q->state = LLM_REQ_QUEUED;
    q->submit_us = platform_now_us();
    s->stats.submitted++;
    *id = q->id;
    return ERR_OK;
}

static void finish(llm_sched_t *s, sched_req_t *q, llm_stop_t why)
{
    if (q->state == LLM_REQ_RUNNING) {
        gen_finish(&q->gen);
        kv_seq_truncate(&s->kv, &q->slot->seq, 0);
        q->slot->req = NULL;
        q->slot = NULL;
    }
    q->state = LLM_REQ_DONE;
    q->stop = why;
    q->end_us = platform_now_us();
    s->stats.finished++;
}

/* The running request whose cached tokens share the longest prefix with q's prompt, and that length. */
static sched_req_t *best_prefix(llm_sched_t *s, const sched_req_t *q, uint32_t *len)
{
    sched_req_t *best = NULL;
    *len = 0;
    for (uint32_t i = 0; i < s->p.max_running; i++) {
        sched_req_t *o = s->slots[i].req;
        uint32_t k = 0;
        while (o && k < o->n_cached && k < q->n_prompt - 1 && o->tokens[k] == q->tokens[k])
            k++;
        if (o && k > *len) {
            best = o;
            *len = k;
        }
    }
    return best;
}

/* Starts q in the free slot sl: its sampler, a shared prefix, blocks for its whole prompt. False: no blocks. */
static bool admit(llm_sched_t *s, sched_req_t *q, sched_slot_t *sl)
{
    uint32_t common;
    sched_req_t *src = best_prefix(s, q, &common);
    uint32_t shared = src ? kv_seq_share(&s->kv, &sl->seq, &src->slot->seq, common) : 0;
    if (kv_seq_reserve(&s->kv, &sl->seq, q->n_prompt, NULL) != ERR_OK) {
        kv_seq_truncate(&s->kv, &sl->seq, 0);
        return false;
    }
    arena_init(&sl->arena, sl->arena_base, sl->arena_bytes);
    if (gen_start(&q->gen, s->model, &q->cfg, q->on_text, q->user, q->text, s->p.text_cap, &sl->arena, NULL) !=
        ERR_OK) {
        kv_seq_truncate(&s->kv, &sl->seq, 0);
        finish(s, q, LLM_STOP_ERROR);
        return true;
    }
    for (uint32_t i = 0; i < q->n_prompt; i++)
        sampler_accept(&q->gen.sampler, q->tokens[i]); /* as llm_generate: the penalties see the prompt */
    q->slot = sl;
    sl->req = q;
    q->state = LLM_REQ_RUNNING;
    q->start_us = platform_now_us();
    q->n_cached = q->n_shared = shared;
    s->stats.prompt_tokens += q->n_prompt;
    return true;
}

/* Cancelled or past their deadline: retired before the step. */
static void retire_stopped(llm_sched_t *s, uint64_t now)
{
    for (uint32_t i = 0; i < s->n_reqs; i++) {
        sched_req_t *q = &s->reqs[i];
        if (!q->id || q->state == LLM_REQ_DONE)
            continue;
        if (q->cancel)
            finish(s, q, LLM_STOP_CANCELLED);
        else if (q->deadline_us && now >= q->deadline_us)
            finish(s, q, LLM_STOP_DEADLINE);
    }
}

/* Admits the oldest queued requests while a slot and the blocks of their prompts are free (draining too). */
static void admit_queued(llm_sched_t *s)
{
    for (;;) {
        sched_req_t *next = NULL;
        sched_slot_t *free_slot = NULL;
        for (uint32_t i = 0; i < s->p.max_running && !free_slot; i++)
            free_slot = s->slots[i].req ? NULL : &s->slots[i];
        for (uint32_t i = 0; i < s->n_reqs; i++) {
            sched_req_t *q = &s->reqs[i];
            if (q->id && q->state == LLM_REQ_QUEUED && (!next || q->order < next->order))
                next = q;
        }
        if (!next || !free_slot || !admit(s, next, free_slot))
            return;
    }
}

typedef struct step_batch {
    int32_t *tokens;
    uint32_t *pos, *out;
    const kv_seq_t **seqs;
    sched_req_t **req; /* each token's request */
    sched_req_t *out_req[LLM_SCHED_MAX_RUNNING];
    uint32_t n, n_out;
} step_batch_t;

/* Adds q's next k tokens from position q->n_cached; the last one's logits when it ends what q has to run. */
static void add_tokens(step_batch_t *b, sched_req_t *q, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++) {
        b->tokens[b->n] = q->tokens[q->n_cached + i];
        b->pos[b->n] = q->n_cached + i;
        b->seqs[b->n] = &q->slot->seq;
        b->req[b->n] = q;
        b->n++;
    }
    if (q->n_cached + k == q->n_tokens) {
        b->out_req[b->n_out] = q;
        b->out[b->n_out++] = b->n - 1;
    }
}

/* The step's tokens: one for every decoding request (blocks permitting), then prompt chunks in slot order. */
static void build_batch(llm_sched_t *s, step_batch_t *b)
{
    uint32_t budget = s->p.step_tokens;
    for (uint32_t i = 0; i < s->p.max_running; i++) {
        sched_req_t *q = s->slots[i].req;
        if (!q || q->n_cached < q->n_prompt)
            continue;
        if (kv_seq_reserve(&s->kv, &q->slot->seq, q->n_tokens, NULL) != ERR_OK) {
            finish(s, q, LLM_STOP_NO_BLOCKS);
            continue;
        }
        add_tokens(b, q, 1);
        budget--;
    }
    for (uint32_t i = 0; i < s->p.max_running && budget > 0; i++) {
        sched_req_t *q = s->slots[i].req;
        if (!q || q->n_cached >= q->n_prompt)
            continue;
        uint32_t k = q->n_prompt - q->n_cached < budget ? q->n_prompt - q->n_cached : budget;
        add_tokens(b, q, k);
        budget -= k;
    }
}

/* After the forward pass: every request advances by its tokens; those with logits sample and stream. */
static err_code_t advance(llm_sched_t *s, const step_batch_t *b, err_t *err)
{
    for (uint32_t i = 0; i < b->n; i++)
        b->req[i]->n_cached++;
    uint32_t n_vocab = s->model->model.hp.n_vocab;
    for (uint32_t o = 0; o < b->n_out; o++) {
        sched_req_t *q = b->out_req[o];
        int32_t t;
        bool more;
        uint32_t before = q->gen.n_generated;
        const float *row = s->logits + (size_t)o * n_vocab;
        if (q->on_logits)
            q->on_logits(q->user, row, n_vocab);
        err_code_t rc = gen_token(&q->gen, row, &t, &more, err);
        if (rc != ERR_OK) {
            finish(s, q, LLM_STOP_ERROR);
            return rc;
        }
        s->stats.generated_tokens += q->gen.n_generated - before;
        if (!more) {
            finish(s, q, q->gen.stop);
        } else if (q->n_tokens == s->p.max_seq_pos) {
            finish(s, q, LLM_STOP_CONTEXT_FULL);
        } else {
            q->tokens[q->n_tokens++] = t;
        }
    }
    return ERR_OK;
}

err_code_t llm_sched_step(llm_sched_t *s, err_t *err)
{
    uint64_t t0 = platform_now_us();
    retire_stopped(s, t0);
    arena_release(s->arena, s->work, NULL);
    admit_queued(s);
    step_batch_t b = { 0 };
    uint32_t cap = s->p.step_tokens;
    b.tokens = arena_alloc_array(s->arena, cap, sizeof *b.tokens, 0, err);
    b.pos = arena_alloc_array(s->arena, cap, sizeof *b.pos, 0, err);
    b.out = arena_alloc_array(s->arena, cap, sizeof *b.out, 0, err);
    b.seqs = arena_alloc_array(s->arena, cap, sizeof *b.seqs, 0, err);
    b.req = arena_alloc_array(s->arena, cap, sizeof *b.req, 0, err);
    if (!b.tokens || !b.pos || !b.out || !b.seqs || !b.req) {
        arena_release(s->arena, s->work, NULL);
        return ERR_NOMEM;
    }
    build_batch(s, &b);
    err_code_t rc = ERR_OK;
    if (b.n > 0) {
        tf_batch_t tb = { b.n, b.tokens, b.pos, b.seqs, b.out, b.n_out };
        rc = transformer_forward_batch(&s->model->model, &s->kv, &tb, s->logits, s->arena, err);
        if (rc == ERR_OK) {
            rc = advance(s, &b, err);
        } else {
            for (uint32_t i = 0; i < b.n; i++)
                if (b.req[i]->state == LLM_REQ_RUNNING)
                    finish(s, b.req[i], LLM_STOP_ERROR);
        }
        s->stats.steps++;
        s->stats.step_us += platform_now_us() - t0;
    }
    arena_release(s->arena, s->work, NULL);
    return rc;
}

bool llm_sched_busy(const llm_sched_t *s)
{
    return count_state(s, LLM_REQ_QUEUED) + count_state(s, LLM_REQ_RUNNING) > 0;
}

err_code_t llm_sched_cancel(llm_sched_t *s, uint32_t id, err_t *err)
{
    sched_req_t *q = find(s, id);
    if (!q)
        return err_set(err, ERR_NOT_FOUND, "scheduler: no request %u", id);
    if (q->state == LLM_REQ_DONE)
        return err_set(err, ERR_INVALID, "scheduler: request %u is done (%s)", id, llm_stop_name(q->stop));
    finish(s, q, LLM_STOP_CANCELLED);
    return ERR_OK;
}

void llm_sched_drain(llm_sched_t *s, bool on)
{
    s->draining = on;
}

err_code_t llm_sched_info(llm_sched_t *s, uint32_t id, llm_req_info_t *out, err_t *err)
{
    const sched_req_t *q = find(s, id);
    if (!q)
        return err_set(err, ERR_NOT_FOUND, "scheduler: no request %u (never submitted, or forgotten)", id);
    *out = (llm_req_info_t){ q->id, q->state, q->stop, q->n_prompt, q->n_shared,
                             q->state == LLM_REQ_QUEUED ? 0 : q->gen.n_generated,
                             q->submit_us, q->start_us, q->end_us, q->text,
                             q->state == LLM_REQ_QUEUED ? 0 : q->gen.text_len };
    return ERR_OK;
}

void llm_sched_stats(const llm_sched_t *s, llm_sched_stats_t *out)
{
    *out = s->stats;
    out->queued = count_state(s, LLM_REQ_QUEUED);
    out->running = count_state(s, LLM_REQ_RUNNING);
    out->done = count_state(s, LLM_REQ_DONE);
    out->blocks_free = kv_cache_free_blocks(&s->kv);
    out->blocks_used = s->kv.n_blocks - out->blocks_free;
    out->block_positions = KV_BLOCK_POS;
    out->arena_used = s->arena->used_bytes;
    out->arena_high_water = s->arena->high_water_bytes;
}

/*
 * Pairwise merging with a binary heap of candidate pairs (see tok_merge.h).
 * A candidate goes stale when either side has changed since it was queued;
 * its recorded size then no longer matches, and it is dropped when popped.
 */
#include "llm/tokenizer/tok_merge.h"

#include "llm/tokenizer/unicode.h"

typedef struct bigram {
    double priority;
    int32_t left, right;
    uint32_t size;
} bigram_t;

typedef struct queue {
    bigram_t *heap;
    size_t n;
} queue_t;

static bool before(const bigram_t *a, const bigram_t *b)
{
    return a->priority < b->priority || (a->priority == b->priority && a->left < b->left);
}

static void push(queue_t *q, bigram_t b)
{
    size_t i = q->n++;
    while (i > 0 && before(&b, &q->heap[(i - 1) / 2])) {
        q->heap[i] = q->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->heap[i] = b;
}

static bigram_t pop(queue_t *q)
{
    bigram_t top = q->heap[0], last = q->heap[--q->n];
    size_t i = 0;
    for (size_t child; (child = 2 * i + 1) < q->n; i = child) {
        if (child + 1 < q->n && before(&q->heap[child + 1], &q->heap[child]))
            child++;
        if (!before(&q->heap[child], &last))
            break;
        q->heap[i] = q->heap[child];
    }
    if (q->n)
        q->heap[i] = last;
    return top;
}

static void consider(queue_t *q, const tok_symbol_t *s, int32_t left, int32_t right, const char *word,
                     tok_pair_fn pair, const void *ctx)
{
    double priority;
    if (left < 0 || right < 0)
        return;
    uint32_t start = s[left].start, mid = s[right].start, end = mid + s[right].len;
    if (pair(ctx, word, start, mid, end, &priority))
        push(q, (bigram_t){ priority, left, right, end - start });
}

err_code_t tok_merge_word(const char *word, uint32_t len, tok_pair_fn pair, const void *ctx, arena_t *arena,
                          tok_symbol_t **symbols, err_t *err)
{
    /* At most len symbols; each merge queues at most two new pairs. */
    tok_symbol_t *s = arena_alloc_array(arena, len ? len : 1, sizeof *s, 0, err);
    queue_t q = { arena_alloc_array(arena, 3 * (size_t)len + 1, sizeof(bigram_t), 0, err), 0 };
    if (!s || !q.heap)
        return ERR_NOMEM;

    int32_t n = 0;
    for (uint32_t off = 0; off < len; n++) {
        uint32_t clen = (uint32_t)utf8_seq_len((uint8_t)word[off]);
        if (clen > len - off)
            clen = len - off;
        s[n] = (tok_symbol_t){ n - 1, off + clen < len ? n + 1 : -1, off, clen };
        off += clen;
    }
    for (int32_t i = 1; i < n; i++)
        consider(&q, s, i - 1, i, word, pair, ctx);

    while (q.n) {
        bigram_t b = pop(&q);
        tok_symbol_t *l = &s[b.left], *r = &s[b.right];
        if (l->len == 0 || r->len == 0 || l->len + r->len != b.size)
            continue; /* stale */
        l->len += r->len;
        r->len = 0;
        l->next = r->next;
        if (r->next >= 0)
            s[r->next].prev = b.left;
        consider(&q, s, l->prev, b.left, word, pair, ctx);
        consider(&q, s, b.left, l->next, word, pair, ctx);
    }
    *symbols = s;
    return ERR_OK;
}

/*
 * par_self_test (see parallel.h): the platform's parallel-for exercised
 * call after call with varying sizes, every output checked. A porting aid
 * and the stress test of both our implementations.
 */
#include "llm/support/parallel.h"

#include "llm/platform.h"

#define CHECK_MAX_TASKS 300u
#define CHECK_MAX_ITEMS 5000u

typedef struct check {
    uint32_t *input, *output; /* [CHECK_MAX_ITEMS] */
    uint32_t *runs;           /* [CHECK_MAX_TASKS] times each task ran */
    uint32_t *busy;           /* [workers] a task of that worker index is running */
    uint32_t workers, bad_worker, overlap, align, misaligned;
} check_t;

static uint32_t next_random(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

static void check_task(void *ctx, uint32_t task, uint32_t worker)
{
    check_t *c = ctx;
    if (worker >= c->workers) {
        c->bad_worker = 1;
        return;
    }
    if (c->busy[worker * 16]++)
        c->overlap = 1;
    c->runs[task]++;
    c->output[task] = c->input[task] * 3u + 1u;
    c->busy[worker * 16]--;
}

static void check_range(void *ctx, uint32_t begin, uint32_t end, uint32_t worker)
{
    check_t *c = ctx;
    if (worker >= c->workers) {
        c->bad_worker = 1;
        return;
    }
    if (begin % c->align)
        c->misaligned = 1;
    for (uint32_t i = begin; i < end; i++)
        c->output[i] += c->input[i] ^ 0x5a5a5a5au;
}

/* One round: n_tasks tasks straight through the seam, then par_range over n_items. */
static err_code_t check_round(check_t *c, uint32_t round, uint32_t n_tasks, uint32_t n_items, err_t *err)
{
    for (uint32_t t = 0; t < n_tasks; t++) {
        c->input[t] = round * 7919u + t;
        c->runs[t] = 0;
    }
    platform_parallel_for(check_task, c, n_tasks);
    for (uint32_t t = 0; t < n_tasks; t++) {
        if (c->runs[t] != 1)
            return err_set(err, ERR_INTERNAL, "parallel-for check, round %u: task %u of %u ran %u times", round, t,
                           n_tasks, c->runs[t]);
        if (c->output[t] != c->input[t] * 3u + 1u)
            return err_set(err, ERR_INTERNAL, "parallel-for check, round %u: task %u of %u: wrong output", round, t,
                           n_tasks);
    }
    for (uint32_t i = 0; i < n_items; i++) {
        c->input[i] = round ^ (i * 2654435761u);
        c->output[i] = i;
    }
    par_range(n_items, c->align, 1, check_range, c);
    for (uint32_t i = 0; i < n_items; i++) {
        if (c->output[i] != i + (c->input[i] ^ 0x5a5a5a5au))
            return err_set(err, ERR_INTERNAL, "parallel-for check, round %u: range item %u of %u (align %u) done %s",
                           round, i, n_items, c->align, c->output[i] == i ? "never" : "twice or wrong");
    }
    if (c->bad_worker || c->overlap || c->misaligned)
        return err_set(err, ERR_INTERNAL, "parallel-for check, round %u: %s", round,
                       c->bad_worker ? "a worker index was out of range"
                       : c->overlap  ? "two tasks ran at once with the same worker index"
                                     : "a range chunk started off its alignment");
    return ERR_OK;
}

err_code_t par_self_test(uint32_t rounds, uint32_t seed, arena_t *arena, err_t *err)
{
    static const uint32_t aligns[] = { 1, 4, 32 };
    arena_mark_t mark = arena_mark(arena);
    check_t c = { .workers = par_workers() };
    c.input = arena_alloc_array(arena, CHECK_MAX_ITEMS, sizeof *c.input, 64, err);
    c.output = c.input ? arena_alloc_array(arena, CHECK_MAX_ITEMS, sizeof *c.output, 64, err) : NULL;
    c.runs = c.output ? arena_alloc_array(arena, CHECK_MAX_TASKS, sizeof *c.runs, 64, err) : NULL;
    c.busy = c.runs ? arena_alloc_array(arena, c.workers, 64, 64, err) : NULL; /* a cache line each */
    if (!c.busy) {
        arena_release(arena, mark, NULL);
        return ERR_NOMEM;
    }
    for (uint32_t w = 0; w < c.workers; w++)
        c.busy[w * 16] = 0;
    err_code_t rc = ERR_OK;
    uint32_t state = seed;
    for (uint32_t r = 0; r < rounds && rc == ERR_OK; r++) {
        uint32_t n_tasks = next_random(&state) % CHECK_MAX_TASKS, n_items = next_random(&state) % CHECK_MAX_ITEMS;
        if (r % 4 == 0)
            n_tasks %= 4; /* 0 to 3 tasks: the edge cases */
        c.align = aligns[r % 3];
        rc = check_round(&c, r, n_tasks, n_items, err);
    }
    arena_release(arena, mark, NULL);
    return rc;
}

/*
 * A pthread pool behind platform_parallel_for (see host_threads.h). One job
 * at a time, its tasks handed out through one atomic word
 * (kernel/lib/task_claim.h): the caller takes tasks too and counts the
 * finished ones, so it never waits for a helper that has not started and a
 * loaded machine degrades to one-thread speed instead of stalling.
 *
 * Idle helpers spin briefly (the gap between two matrix products of a
 * forward is short), then yield, then sleep on a condition variable; the
 * caller wakes sleepers only when there are any.
 */
#define _POSIX_C_SOURCE 200809L
#include "host/host_threads.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kernel/lib/task_claim.h"
#include "llm/platform.h"

/*
 * Waits poll this many times before sleeping; after the first few polls
 * each one yields the CPU, so that with more threads than cores (tests run
 * 4 workers on 2 cores, beside another process) a spinning waiter does not
 * keep the thread it waits for off the CPU.
 */
#define SPIN_ROUNDS 2000
#define SPIN_BEFORE_YIELD 64

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake, finished;
    pthread_t threads[HOST_MAX_THREADS];
    uint32_t n_workers;  /* caller included */
    bool stop;           /* read by helpers after a new job number */
    platform_task_fn fn; /* the current job (see task_claim.h) */
    void *ctx;
    uint32_t first;      /* task index of the job's task 0 (batches of CLAIM_MAX_TASKS) */
    atomic_uint_fast64_t claim;
    atomic_uint done;    /* tasks of the current job finished */
    atomic_int sleepers; /* helpers waiting on `wake` */
    atomic_int caller_sleeps; /* the caller waits on `finished` */
    atomic_flag in_use;       /* a parallel-for is running: another caller runs its tasks itself */
    uint64_t created_job;     /* claim_job() when the helpers were started */
    host_worker_stats_t stats[HOST_MAX_THREADS]; /* each written by its worker only */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
           .finished = PTHREAD_COND_INITIALIZER, .n_workers = 1, .in_use = ATOMIC_FLAG_INIT };

static inline void spin_pause(int round)
{
    if (round >= SPIN_BEFORE_YIELD) {
        sched_yield();
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void run_tasks(uint64_t job, uint32_t worker, uint32_t n)
{
    uint32_t t;
    while (claim_take(&pool.claim, job, &t)) {
        uint64_t t0 = now_ns();
        pool.fn(pool.ctx, pool.first + t, worker);
        pool.stats[worker].busy_ns += now_ns() - t0;
        pool.stats[worker].tasks++;
        /* seq_cst (so at least release: the task's writes before the caller's acquire of the count), and
         * ordered before the load of caller_sleeps as the caller's store of it is before its load of done. */
        if (atomic_fetch_add(&pool.done, 1) + 1 == n && atomic_load(&pool.caller_sleeps)) {
            pthread_mutex_lock(&pool.lock);
            pthread_cond_signal(&pool.finished);
            pthread_mutex_unlock(&pool.lock);
        }
    }
}

static void *helper_main(void *arg)
{
    uint32_t worker = (uint32_t)(uintptr_t)arg;
    /* The job number when the helpers were created, not a fresh load: a stop published before this thread
     * ran must still be seen as new (a job it misses is just done by the others). */
    uint64_t seen = pool.created_job;
    for (;;) {
        uint64_t job = seen;
        for (int i = 0; i < SPIN_ROUNDS && job == seen; i++) {
            spin_pause(i);
            job = claim_job(atomic_load_explicit(&pool.claim, memory_order_acquire));
        }
        if (job == seen) {
            pthread_mutex_lock(&pool.lock);
            /* seq_cst, as the caller's publish and load of sleepers: one of the two sees the other. */
            atomic_fetch_add(&pool.sleepers, 1);
            while ((job = claim_job(atomic_load(&pool.claim))) == seen)
                pthread_cond_wait(&pool.wake, &pool.lock);
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.lock);
        }
        seen = job;
        if (pool.stop)
            return NULL;
        run_tasks(job, worker, claim_tasks(atomic_load_explicit(&pool.claim, memory_order_acquire)));
    }
}

/* Publishes a job of n tasks (fields written) and wakes sleeping helpers. */
static uint64_t publish(uint32_t n)
{
    uint64_t job = claim_publish(&pool.claim, n);
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    return job;
}

uint32_t platform_workers(void)
{
    return pool.n_workers;
}

/*
 * Several threads may run the engine at once (each with its own context):
 * the first to arrive gets the pool, the others run their tasks on their
 * own thread as worker 0, which is as valid for the engine as any split.
 */
void platform_parallel_for(platform_task_fn fn, void *ctx, uint32_t n_tasks)
{
    if (pool.n_workers == 1 || n_tasks <= 1 ||
        atomic_flag_test_and_set_explicit(&pool.in_use, memory_order_acquire)) {
        for (uint32_t t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    for (uint32_t first = 0; first < n_tasks; first += CLAIM_MAX_TASKS) {
        uint32_t n = n_tasks - first < CLAIM_MAX_TASKS ? n_tasks - first : CLAIM_MAX_TASKS;
        pool.fn = fn;
        pool.ctx = ctx;
        pool.first = first;
        atomic_store_explicit(&pool.done, 0, memory_order_relaxed);
        run_tasks(publish(n), 0, n);
        /* What is left runs on helpers that took it: wait for them, yielding the CPU, then sleeping. */
        for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&pool.done, memory_order_acquire) != n; i++)
            spin_pause(i);
        if (atomic_load_explicit(&pool.done, memory_order_acquire) != n) {
            pthread_mutex_lock(&pool.lock);
            atomic_store(&pool.caller_sleeps, 1);
            while (atomic_load(&pool.done) != n)
                pthread_cond_wait(&pool.finished, &pool.lock);
            atomic_store(&pool.caller_sleeps, 0);
            pthread_mutex_unlock(&pool.lock);
        }
    }
    atomic_flag_clear_explicit(&pool.in_use, memory_order_release);
}

static void stop_helpers(void)
{
    if (pool.n_workers == 1)
        return;
    pool.stop = true;
    publish(0);
    for (uint32_t i = 1; i < pool.n_workers; i++)
        pthread_join(pool.threads[i], NULL);
    pool.stop = false;
    pool.n_workers = 1;
}

bool host_threads_set(uint32_t n)
{
    if (n < 1 || n > HOST_MAX_THREADS)
        return false;
    if (n == pool.n_workers)
        return true;
    stop_helpers();
    pool.created_job = claim_job(atomic_load(&pool.claim));
    for (uint32_t i = 1; i < n; i++) {
        if (pthread_create(&pool.threads[i], NULL, helper_main, (void *)(uintptr_t)i) != 0)
            return false;
        pool.n_workers = i + 1;
    }
    return true;
}

uint32_t host_threads_get(void)
{
    return pool.n_workers;
}

void host_threads_stats(host_worker_stats_t *out, bool reset)
{
    for (uint32_t w = 0; w < pool.n_workers; w++) {
        out[w] = pool.stats[w];
        if (reset)
            pool.stats[w] = (host_worker_stats_t){ 0, 0 };
    }
}

uint32_t host_threads_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > (long)HOST_MAX_THREADS ? HOST_MAX_THREADS : (uint32_t)n;
}

/* A thread count ("1" .. HOST_MAX_THREADS) into *n. */
static bool parse_count(const char *s, uint32_t *n)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || end == s || *end || errno || v < 1 || v > (long)HOST_MAX_THREADS)
        return false;
    *n = (uint32_t)v;
    return true;
}

bool host_threads_args(int *argc, char **argv, const char *prog, bool default_one)
{
    uint32_t n = default_one ? 1 : host_threads_default();
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "-t") != 0 && strcmp(argv[i], "--threads") != 0) {
            argv[out++] = argv[i];
            continue;
        }
        if (!parse_count(i + 1 < *argc ? argv[i + 1] : NULL, &n)) {
            fprintf(stderr, "%s: %s takes a thread count from 1 to %u\n", prog, argv[i], HOST_MAX_THREADS);
            return false;
        }
        i++;
    }
    *argc = out;
    argv[out] = NULL;
    if (!host_threads_set(n)) {
        fprintf(stderr, "%s: cannot start %u threads (%u running)\n", prog, n, host_threads_get());
        return false;
    }
    return true;
}

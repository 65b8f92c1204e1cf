/*
 * A pthread pool behind platform_parallel_for (see host_threads.h). One job
 * at a time: the caller publishes it under the lock by bumping the
 * generation, helpers and caller claim task indices from an atomic
 * counter, and the last helper to finish tells the caller. Waits spin
 * briefly first: between two matrix products of a forward the gap is
 * short, and a sleep/wake through the kernel costs more than the spin.
 */
#define _POSIX_C_SOURCE 200809L
#include "host/host_threads.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "llm/platform.h"

/*
 * Waits poll this many times before sleeping; after the first few polls
 * each one yields the CPU, so that with more threads than cores (tests run
 * 4 workers on 2 cores, beside another process) a spinning waiter does not
 * keep the worker it waits for off the CPU.
 */
#define SPIN_ROUNDS 2000
#define SPIN_BEFORE_YIELD 64

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    pthread_t threads[HOST_MAX_THREADS];
    uint32_t n_workers;            /* caller included */
    atomic_uint_fast64_t generation; /* bumped (under lock) for each job, and to stop */
    bool stop;
    platform_task_fn fn;
    void *ctx;
    uint32_t n_tasks;
    atomic_uint next_task;
    atomic_uint helpers_busy; /* helpers that have not finished the current job */
    uint64_t created_at;      /* the generation when the helpers were started */
} pool = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, { 0 }, 1, 0, false,
           NULL, NULL, 0, 0, 0, 0 };

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

static void run_tasks(uint32_t worker)
{
    for (;;) {
        uint32_t t = atomic_fetch_add_explicit(&pool.next_task, 1, memory_order_relaxed);
        if (t >= pool.n_tasks)
            return;
        pool.fn(pool.ctx, t, worker);
    }
}

static void *helper_main(void *arg)
{
    uint32_t worker = (uint32_t)(uintptr_t)arg;
    uint64_t seen = pool.created_at; /* not a fresh load: a job may already have been published */
    for (;;) {
        uint64_t g = seen;
        for (int i = 0; i < SPIN_ROUNDS && g == seen; i++) {
            spin_pause(i);
            g = atomic_load_explicit(&pool.generation, memory_order_acquire);
        }
        if (g == seen) {
            pthread_mutex_lock(&pool.lock);
            while ((g = atomic_load_explicit(&pool.generation, memory_order_acquire)) == seen)
                pthread_cond_wait(&pool.wake, &pool.lock);
            pthread_mutex_unlock(&pool.lock);
        }
        seen = g;
        /* The acquire load of the generation makes the job fields (written before its release) visible. */
        if (pool.stop)
            return NULL;
        run_tasks(worker);
        /* Release: the tasks' writes happen before the caller's acquire of helpers_busy == 0. */
        if (atomic_fetch_sub_explicit(&pool.helpers_busy, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&pool.lock);
            pthread_cond_signal(&pool.done);
            pthread_mutex_unlock(&pool.lock);
        }
    }
}

/* Publishes the current job (or stop) to the helpers. */
static void publish(void)
{
    pthread_mutex_lock(&pool.lock);
    atomic_fetch_add_explicit(&pool.generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
}

uint32_t platform_workers(void)
{
    return pool.n_workers;
}

void platform_parallel_for(platform_task_fn fn, void *ctx, uint32_t n_tasks)
{
    if (pool.n_workers == 1 || n_tasks <= 1) {
        for (uint32_t t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    pool.fn = fn;
    pool.ctx = ctx;
    pool.n_tasks = n_tasks;
    atomic_store_explicit(&pool.next_task, 0, memory_order_relaxed);
    atomic_store_explicit(&pool.helpers_busy, pool.n_workers - 1, memory_order_relaxed);
    publish();
    run_tasks(0);
    for (int i = 0; i < SPIN_ROUNDS && atomic_load_explicit(&pool.helpers_busy, memory_order_acquire); i++)
        spin_pause(i);
    if (atomic_load_explicit(&pool.helpers_busy, memory_order_acquire)) {
        pthread_mutex_lock(&pool.lock);
        while (atomic_load_explicit(&pool.helpers_busy, memory_order_acquire))
            pthread_cond_wait(&pool.done, &pool.lock);
        pthread_mutex_unlock(&pool.lock);
    }
}

static void stop_helpers(void)
{
    if (pool.n_workers == 1)
        return;
    pool.stop = true;
    publish();
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
    pool.created_at = atomic_load_explicit(&pool.generation, memory_order_relaxed);
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

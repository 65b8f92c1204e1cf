/*
 * The platform's parallel-for (llm/platform.h) for hosted programs: a
 * small pthread pool. The calling thread is worker 0; helpers 1 .. N-1
 * wait for work (a short spin, then a condition variable) and take tasks
 * from a shared counter. Programs pick N once at start (-t/--threads);
 * before any call the pool has one worker and no threads.
 */
#ifndef HOST_HOST_THREADS_H
#define HOST_HOST_THREADS_H

#include <stdbool.h>
#include <stdint.h>

#define HOST_MAX_THREADS 64u

/* Online CPUs (sysconf), at least 1 and at most HOST_MAX_THREADS: the default thread count. */
uint32_t host_threads_default(void);

/*
 * Makes the pool n workers (1 .. HOST_MAX_THREADS), stopping or starting
 * helper threads; false (pool unchanged) if n is out of range or a thread
 * cannot be created (then the pool keeps the helpers it could start: see
 * host_threads_get). Not to be called during a parallel-for.
 */
bool host_threads_set(uint32_t n);

/* The current worker count. */
uint32_t host_threads_get(void);

/* What one worker did in parallel-fors that went through the pool (not those run inline). */
typedef struct host_worker_stats {
    uint64_t busy_ns; /* time inside tasks */
    uint64_t tasks;
} host_worker_stats_t;

/*
 * Each worker's figures since the last reset, into out[0 .. host_threads_get());
 * reset: start counting again. Call between parallel-fors (the bench tools
 * use it to measure how evenly work splits).
 */
void host_threads_stats(host_worker_stats_t *out, bool reset);

/*
 * The -t N / --threads N option of every hosted program: removes it from
 * argv (argc updated) and sizes the pool to N, or to host_threads_default()
 * without it (default_one: to 1). False, after a message naming prog on
 * stderr, for a missing or bad N (1 .. HOST_MAX_THREADS) or a thread that
 * cannot be started.
 */
bool host_threads_args(int *argc, char **argv, const char *prog, bool default_one);

#endif

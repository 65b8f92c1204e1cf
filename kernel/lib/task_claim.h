/*
 * Handing out the tasks of a parallel-for (llm/platform.h) by one 64-bit
 * atomic word, shared by our two implementations (kernel/cores.c over
 * cores, host/host_threads.c over threads). The word holds the job number,
 * the job's task count and the next task index; a worker takes a task by
 * compare-and-swap on the whole word, so it only ever takes a task of the
 * job it read, and a worker that comes late (asleep, descheduled, a slow
 * core) finds the job used up or replaced and takes nothing. The publisher
 * then never waits for a worker that has not started: it counts finished
 * tasks, not workers.
 *
 * The job's other fields (function, context) are written before the word
 * is published (release) and not rewritten until every task is finished;
 * a worker reads them after taking a task (acquire), when that job cannot
 * have ended, so it always sees the fields of the job its task belongs to.
 */
#ifndef KERNEL_LIB_TASK_CLAIM_H
#define KERNEL_LIB_TASK_CLAIM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define CLAIM_TASK_BITS 20
#define CLAIM_MAX_TASKS ((1u << CLAIM_TASK_BITS) - 1) /* tasks per job; publishers run more in batches */
#define CLAIM_MASK ((1ull << CLAIM_TASK_BITS) - 1)

/* job (24 bits, wrapping) | tasks | next task */
static inline uint64_t claim_word(uint64_t job, uint32_t n_tasks, uint32_t next)
{
    return (job & 0xffffff) << (2 * CLAIM_TASK_BITS) | (uint64_t)n_tasks << CLAIM_TASK_BITS | next;
}

static inline uint64_t claim_job(uint64_t w)
{
    return w >> (2 * CLAIM_TASK_BITS);
}

/* The task count of the job in w. */
static inline uint32_t claim_tasks(uint64_t w)
{
    return (uint32_t)(w >> CLAIM_TASK_BITS & CLAIM_MASK);
}

/* Publishes job number (previous + 1) with n_tasks tasks (<= CLAIM_MAX_TASKS); returns the new word's job. */
static inline uint64_t claim_publish(atomic_uint_fast64_t *word, uint32_t n_tasks)
{
    uint64_t job = (claim_job(atomic_load_explicit(word, memory_order_relaxed)) + 1) & 0xffffff;
    atomic_store(word, claim_word(job, n_tasks, 0)); /* seq_cst: at least release, and see host_threads.c */
    return job;
}

/*
 * Takes the next task of job `job` into *task; false when that job has no
 * tasks left or another job has been published.
 */
static inline bool claim_take(atomic_uint_fast64_t *word, uint64_t job, uint32_t *task)
{
    uint64_t w = atomic_load_explicit(word, memory_order_acquire);
    for (;;) {
        uint32_t next = (uint32_t)(w & CLAIM_MASK);
        if (claim_job(w) != job || next >= claim_tasks(w))
            return false;
        if (atomic_compare_exchange_weak_explicit(word, &w, w + 1, memory_order_acquire, memory_order_acquire)) {
            *task = next;
            return true;
        }
    }
}

#endif

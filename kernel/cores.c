/*
 * Secondary cores and the parallel-for over them (see cores.h).
 *
 * One job at a time, published by the boot core in `job`: the task
 * function and count, a task counter every worker takes indices from, and
 * a generation number the idle workers watch. Memory ordering, by hand
 * because no lock is involved:
 *  - the boot core writes the job's fields, then bumps the generation with
 *    a store-release: a worker whose load-acquire sees the new generation
 *    also sees the fields (and everything the boot core wrote before, such
 *    as the activations the tasks read);
 *  - each worker adds to `finished` with release semantics after its tasks,
 *    and the boot core reads it with load-acquire: when it sees every
 *    worker finished, every output the tasks wrote is visible to it;
 *  - SEV wakes cores sleeping in WFE, but is not ordered after earlier
 *    stores by itself: a DSB ISH before each SEV makes the store it
 *    announces visible to the other cores first, so a woken core never
 *    re-reads the old value and sleeps again with the event consumed.
 * A wait is `while (load-acquire(x) == old) wfe;`: if the SEV came between
 * the load and the WFE, the event register is already set and WFE returns
 * at once, so no wake-up is lost.
 */
#include "kernel/cores.h"

#include <stdatomic.h>

#include "arch/aarch64/psci.h"
#include "arch/aarch64/smp.h"
#include "arch/aarch64/timer.h"
#include "llm/platform.h"

typedef struct core {
    smp_start_t start; /* read by secondary_entry with the MMU off */
    core_info_t info;
    atomic_uint state; /* core_state_t: STARTING -> ARRIVED (the core) or -> FAILED (the boot core), then RUNNING */
} core_t;

extern char __stack_bottom[], __stack_top[]; /* the boot core's (linker.ld) */

static core_t cores[BOOT_MAX_CPUS] __attribute__((aligned(64)));
static uint8_t stacks[BOOT_MAX_CPUS][CORE_STACK_BYTES] __attribute__((aligned(16)));
static unsigned n_cores, n_workers = 1;

static struct {
    platform_task_fn fn;
    void *ctx;
    uint32_t n_tasks;
    atomic_uint next_task;
    atomic_uint generation;
    atomic_uint finished; /* secondaries done with the current generation */
} job __attribute__((aligned(64)));

/* Wakes every core in WFE after the stores before it are visible (see the top of the file). */
static inline void signal_cores(void)
{
    __asm__ volatile("dsb ish\n\tsev" : : : "memory");
}

static inline void wait_event(void)
{
    __asm__ volatile("wfe" : : : "memory");
}

static void run_tasks(uint32_t worker)
{
    for (;;) {
        uint32_t t = atomic_fetch_add_explicit(&job.next_task, 1, memory_order_relaxed);
        if (t >= job.n_tasks)
            return;
        job.fn(job.ctx, t, worker);
    }
}

static void __attribute__((noreturn)) worker_loop(uint32_t worker)
{
    unsigned seen = 0; /* no job runs before cores_start returns, so the generation is still 0 */
    for (;;) {
        unsigned g;
        while ((g = atomic_load_explicit(&job.generation, memory_order_acquire)) == seen)
            wait_event();
        seen = g;
        run_tasks(worker);
        atomic_fetch_add_explicit(&job.finished, 1, memory_order_release);
        signal_cores();
    }
}

static void __attribute__((noreturn)) park(void)
{
    for (;;)
        __asm__ volatile("wfi");
}

/* A secondary core, MMU and caches on, on its own stack (secondary_entry called it). */
static void __attribute__((noreturn)) secondary_main(smp_start_t *start)
{
    core_t *c = start->arg;
    unsigned expect = CORE_STARTING;
    /* Check in, unless the boot core already gave up on us (then stay out of the way for good). */
    if (!atomic_compare_exchange_strong_explicit(&c->state, &expect, CORE_ARRIVED, memory_order_acq_rel,
                                                 memory_order_acquire))
        park();
    signal_cores();
    while (atomic_load_explicit(&c->state, memory_order_acquire) != CORE_RUNNING)
        wait_event();
    worker_loop(c->info.worker); /* written before the store-release of RUNNING */
}

/* Starts cores[i] and waits for it; returns whether it became a worker. */
static bool start_one(core_t *c, const boot_info_t *bi, unsigned i, void (*print)(const char *fmt, ...))
{
    c->info.stack_base = (uint64_t)(uintptr_t)stacks[i];
    c->info.stack_bytes = CORE_STACK_BYTES;
    atomic_store_explicit(&c->state, CORE_STARTING, memory_order_relaxed);
    uint64_t t0 = timer_now_us();
    int64_t rc = smp_cpu_on(bi->psci_cpu_on, c->info.mpidr, &c->start, stacks[i] + CORE_STACK_BYTES, secondary_main,
                            c);
    if (rc != PSCI_E_SUCCESS) {
        atomic_store_explicit(&c->state, CORE_FAILED, memory_order_relaxed);
        c->info.why = psci_error_name(rc);
        print("cores: cpu %u (mpidr 0x%llx): PSCI CPU_ON failed: %s; left out\n", i,
              (unsigned long long)c->info.mpidr, c->info.why);
        return false;
    }
    unsigned st;
    while ((st = atomic_load_explicit(&c->state, memory_order_acquire)) == CORE_STARTING &&
           timer_now_us() - t0 < CORE_START_TIMEOUT_US)
        ;
    unsigned expect = CORE_STARTING;
    if (st == CORE_STARTING && atomic_compare_exchange_strong_explicit(&c->state, &expect, CORE_FAILED,
                                                                       memory_order_acq_rel, memory_order_acquire)) {
        c->info.why = "no check-in within the deadline";
        print("cores: cpu %u (mpidr 0x%llx): started but did not check in within %u ms; left out\n", i,
              (unsigned long long)c->info.mpidr, CORE_START_TIMEOUT_US / 1000);
        return false;
    }
    c->info.start_us = timer_now_us() - t0;
    c->info.worker = n_workers++;
    atomic_store_explicit(&c->state, CORE_RUNNING, memory_order_release);
    signal_cores();
    return true;
}

unsigned cores_start(const boot_info_t *bi, void (*print)(const char *fmt, ...))
{
    uint64_t self = smp_this_mpidr();
    n_cores = bi->n_cpu_ids;
    for (unsigned i = 0; i < n_cores; i++) {
        core_t *c = &cores[i];
        c->info = (core_info_t){ .mpidr = bi->cpu_mpidr[i], .state = CORE_ABSENT };
        if (c->info.mpidr == self) {
            c->info.state = CORE_RUNNING;
            c->info.stack_base = (uint64_t)(uintptr_t)__stack_bottom;
            c->info.stack_bytes = (uint64_t)(__stack_top - __stack_bottom);
            continue;
        }
        if (bi->psci == PSCI_NONE || !bi->cpu_psci[i]) {
            c->info.why = bi->psci == PSCI_NONE ? "no PSCI" : "enable-method is not psci";
            print("cores: cpu %u (mpidr 0x%llx): %s; left out\n", i, (unsigned long long)c->info.mpidr, c->info.why);
            continue;
        }
        start_one(c, bi, i, print);
        c->info.state = (core_state_t)atomic_load_explicit(&c->state, memory_order_relaxed);
    }
    return n_workers;
}

unsigned cores_count(void)
{
    return n_cores;
}

const core_info_t *cores_get(unsigned i)
{
    return i < n_cores ? &cores[i].info : 0;
}

unsigned cores_online(void)
{
    return n_workers;
}

uint32_t platform_workers(void)
{
    return n_workers;
}

void platform_parallel_for(platform_task_fn fn, void *ctx, uint32_t n_tasks)
{
    if (n_workers == 1 || n_tasks <= 1) {
        for (uint32_t t = 0; t < n_tasks; t++)
            fn(ctx, t, 0);
        return;
    }
    job.fn = fn;
    job.ctx = ctx;
    job.n_tasks = n_tasks;
    atomic_store_explicit(&job.next_task, 0, memory_order_relaxed);
    atomic_store_explicit(&job.finished, 0, memory_order_relaxed);
    /* Release: the fields above (and the caller's data) before the generation any worker acquires. */
    atomic_fetch_add_explicit(&job.generation, 1, memory_order_release);
    signal_cores();
    run_tasks(0);
    while (atomic_load_explicit(&job.finished, memory_order_acquire) != n_workers - 1)
        wait_event();
}

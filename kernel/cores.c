/*
 * Secondary cores and the parallel-for over them (see cores.h).
 *
 * One job at a time. Tasks are handed out through one atomic word
 * (kernel/lib/task_claim.h): the boot core writes the job's fields, then
 * publishes the word with a store-release, so a core whose load-acquire
 * sees the new job also sees the fields and everything written before
 * (the activations the tasks read). Every core, the boot core included,
 * takes tasks from it; each finished task adds to `done` with release
 * semantics and the boot core reads `done` with load-acquire, so once it
 * has counted every task all the outputs are visible to it. It counts
 * tasks, not cores: a core that is slow to wake takes nothing and is never
 * waited for.
 *
 * Idle cores sleep in WFE. SEV wakes them but is not ordered after earlier
 * stores by itself: a DSB ISH before each SEV makes the store it announces
 * visible to the other cores first, so a woken core never re-reads the old
 * value and goes back to sleep with the event consumed. A wait is
 * `while (load-acquire(x) == old) wfe;`: if the SEV came between the load
 * and the WFE, the event register is already set and WFE returns at once,
 * so no wake-up is lost.
 */
#include "kernel/cores.h"

#include "arch/aarch64/psci.h"
#include "arch/aarch64/smp.h"
#include "arch/aarch64/timer.h"
#include "kernel/lib/task_claim.h"
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
    platform_task_fn fn; /* the current job (see task_claim.h) */
    void *ctx;
    uint32_t first;      /* task index of the job's task 0 (batches of CLAIM_MAX_TASKS) */
    atomic_uint_fast64_t claim;
    atomic_uint done;    /* tasks of the current job finished */
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

static void run_tasks(uint64_t id, uint32_t worker)
{
    uint32_t t;
    while (claim_take(&job.claim, id, &t)) {
        job.fn(job.ctx, job.first + t, worker);
        atomic_fetch_add_explicit(&job.done, 1, memory_order_release);
    }
}

static void __attribute__((noreturn)) worker_loop(uint32_t worker)
{
    uint64_t seen = claim_job(atomic_load_explicit(&job.claim, memory_order_acquire)); /* none runs yet */
    for (;;) {
        uint64_t id;
        while ((id = claim_job(atomic_load_explicit(&job.claim, memory_order_acquire))) == seen)
            wait_event();
        seen = id;
        run_tasks(id, worker);
        signal_cores(); /* the boot core may be waiting for `done` */
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
    for (uint32_t first = 0; first < n_tasks; first += CLAIM_MAX_TASKS) {
        uint32_t n = n_tasks - first < CLAIM_MAX_TASKS ? n_tasks - first : CLAIM_MAX_TASKS;
        job.fn = fn;
        job.ctx = ctx;
        job.first = first;
        atomic_store_explicit(&job.done, 0, memory_order_relaxed);
        uint64_t id = claim_publish(&job.claim, n); /* release: the fields above, and the caller's data */
        signal_cores();
        run_tasks(id, 0);
        while (atomic_load_explicit(&job.done, memory_order_acquire) != n)
            wait_event();
    }
}

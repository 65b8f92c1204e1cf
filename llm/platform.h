/*
 * What the engine needs from whoever hosts it, and nothing more (the seam of
 * llm/PORTING.md): the C library's memory and string functions, with their
 * standard names and meanings, and a monotonic microsecond clock. Hosted
 * builds get the first from libc; our kernel from kernel/lib/string.c, and
 * the clock from the generic timer (kernel/platform_kernel.c); hosted
 * programs from clock_gettime (host/host_platform.c). A kernel developer
 * linking the engine into another kernel provides these functions (memcpy,
 * memmove, memset and memcmp must exist anyway: the compiler may emit calls
 * to them). Work over several cores goes through one primitive, the
 * parallel-for below: the engine has no threads, locks or atomics of its own.
 */
#ifndef LLM_PLATFORM_H
#define LLM_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Microseconds from an arbitrary fixed start; never goes backwards. */
uint64_t platform_now_us(void);

/*
 * One task of a parallel-for: task is its index in [0, n_tasks), worker the
 * index of the worker running it, in [0, platform_workers()). The engine
 * keeps per-worker scratch by that index, so two tasks must never run at
 * the same time with the same worker index.
 */
typedef void (*platform_task_fn)(void *ctx, uint32_t task, uint32_t worker);

/*
 * How many workers platform_parallel_for spreads tasks over (1 or more;
 * the calling core counts as one). It must not grow while a context made
 * under the smaller count is in use: contexts size their per-worker
 * scratch by it (a forward then fails with ERR_NOMEM).
 */
uint32_t platform_workers(void);

/*
 * Calls fn(ctx, task, worker) exactly once for every task in [0, n_tasks),
 * in any order and on any workers, and returns when all calls have
 * returned, with every write they made visible to the caller (and every
 * write the caller made before the call visible to them). Tasks write
 * disjoint memory, so nothing else is needed: no ordering between tasks,
 * no return values. n_tasks may be 0. Never called again from inside fn.
 * One core is a valid implementation: for (t = 0; t < n_tasks; t++)
 * fn(ctx, t, 0), with platform_workers() returning 1.
 */
void platform_parallel_for(platform_task_fn fn, void *ctx, uint32_t n_tasks);

/*
 * Freestanding builds: copies of a constant size (bit casts, unaligned
 * field loads) compile to plain moves, where -fno-builtin would otherwise
 * turn each into a call; other sizes still call memcpy. (Hosted compilers
 * do this by themselves.)
 */
#if !__STDC_HOSTED__
#define memcpy(dst, src, n) __builtin_memcpy((dst), (src), (n))
#endif

#endif

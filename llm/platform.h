/*
 * What the engine needs from whoever hosts it, and nothing more (the seam of
 * llm/PORTING.md): the C library's memory and string functions, with their
 * standard names and meanings, and a monotonic microsecond clock. Hosted
 * builds get the first from libc; our kernel from kernel/lib/string.c, and
 * the clock from the generic timer (kernel/platform_kernel.c); hosted
 * programs from clock_gettime (host/host_platform.c). A kernel developer
 * linking the engine into another kernel provides these functions (memcpy,
 * memmove, memset and memcmp must exist anyway: the compiler may emit calls
 * to them). A parallel-for joins them with the multi-core work.
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
 * Freestanding builds: copies of a constant size (bit casts, unaligned
 * field loads) compile to plain moves, where -fno-builtin would otherwise
 * turn each into a call; other sizes still call memcpy. (Hosted compilers
 * do this by themselves.)
 */
#if !__STDC_HOSTED__
#define memcpy(dst, src, n) __builtin_memcpy((dst), (src), (n))
#endif

#endif

/*
 * The memory and string functions the core uses, with their standard C
 * names and meanings. The hosted build gets them from the host's libc; the
 * freestanding kernel image gets them from lib/string.c. (memcpy, memmove,
 * memset and memcmp must exist anyway: the compiler may emit calls to them.)
 * Engines linked into another kernel use that kernel's versions.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

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

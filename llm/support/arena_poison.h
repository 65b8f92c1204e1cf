/*
 * Tells a memory checker which arena bytes are live, so a read or write of
 * released or never-allocated arena memory is reported like a heap error:
 * valgrind's memcheck in hosted builds compiled with -DARENA_VALGRIND,
 * AddressSanitizer in those compiled with -DARENA_ASAN (and
 * -fsanitize=address). Empty elsewhere (the kernel, the engine library).
 */
#ifndef LLM_SUPPORT_ARENA_POISON_H
#define LLM_SUPPORT_ARENA_POISON_H

#if defined(ARENA_VALGRIND)
#include <valgrind/memcheck.h>
#define ARENA_MARK_NOACCESS(p, n) ((void)VALGRIND_MAKE_MEM_NOACCESS((p), (n)))
#define ARENA_MARK_UNDEFINED(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#elif defined(ARENA_ASAN)
#include <sanitizer/asan_interface.h>
#define ARENA_MARK_NOACCESS(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_MARK_UNDEFINED(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_MARK_NOACCESS(p, n) ((void)(p), (void)(n))
#define ARENA_MARK_UNDEFINED(p, n) ((void)(p), (void)(n))
#endif

#endif

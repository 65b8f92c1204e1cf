/*
 * Tells valgrind's memcheck which arena bytes are live, so a read or write of
 * released or never-allocated arena memory is reported like a heap error.
 * Active in hosted builds compiled with -DARENA_VALGRIND; empty elsewhere.
 */
#ifndef LLM_SUPPORT_ARENA_VALGRIND_H
#define LLM_SUPPORT_ARENA_VALGRIND_H

#ifdef ARENA_VALGRIND
#include <valgrind/memcheck.h>
#define ARENA_MARK_NOACCESS(p, n) ((void)VALGRIND_MAKE_MEM_NOACCESS((p), (n)))
#define ARENA_MARK_UNDEFINED(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#else
#define ARENA_MARK_NOACCESS(p, n) ((void)(p), (void)(n))
#define ARENA_MARK_UNDEFINED(p, n) ((void)(p), (void)(n))
#endif

#endif

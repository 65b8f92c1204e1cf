/*
 * The kernel's answer to a broken invariant of its own (never to bad input,
 * which gets an error line): say where and why on the console, then power
 * the machine off (PSCI SYSTEM_OFF) rather than run on in a state nobody
 * planned for. Unexpected exceptions (arch/aarch64/exception.c) end the
 * same way.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "llm/support/arena.h"

#define PANIC(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

_Noreturn void panic_at(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* arena_release, panicking when the mark is not one the arena can go back to (released out of order). */
#define ARENA_RELEASE_OR_PANIC(a, mark) arena_release_or_panic((a), (mark), __FILE__, __LINE__)
void arena_release_or_panic(arena_t *a, arena_mark_t mark, const char *file, int line);

#endif

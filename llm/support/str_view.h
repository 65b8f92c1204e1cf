/*
 * A borrowed byte string: pointer and length, not NUL-terminated. How the
 * core refers to names and texts that live inside a model file.
 */
#ifndef LLM_SUPPORT_STR_VIEW_H
#define LLM_SUPPORT_STR_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "llm/platform.h"

typedef struct str_view {
    const char *ptr;
    size_t len;
} str_view_t;

static inline bool str_view_eq(str_view_t a, const char *ptr, size_t len)
{
    return a.len == len && (len == 0 || memcmp(a.ptr, ptr, len) == 0);
}

static inline bool str_view_eq_cstr(str_view_t a, const char *s)
{
    return str_view_eq(a, s, strlen(s));
}

#endif

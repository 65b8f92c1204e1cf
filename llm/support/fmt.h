/*
 * A printf-style formatter that writes to any sink: the UART in the kernel,
 * a caller's buffer everywhere. No libc, no allocation.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %% and %f with the length
 * modifiers hh h l ll z t, flags '-' '0' '+' ' ' '#', field width and
 * precision (both may be '*'). %f prints up to 18 decimals (default 6),
 * "nan"/"inf", and uses exponent form (1.5e+20) for magnitudes of 1e19 and
 * above. A NULL %s prints "(null)". An unknown conversion is copied as is.
 */
#ifndef LLM_SUPPORT_FMT_H
#define LLM_SUPPORT_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives the formatted output in pieces, in order; s is not NUL-terminated. */
typedef void (*fmt_sink_fn)(void *ctx, const char *s, size_t n);

/* Formats to sink; returns the number of bytes handed to it. */
size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap);
size_t fmt_format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * snprintf semantics: writes at most size-1 bytes and a NUL into buf (nothing
 * if size is 0) and returns the full length the output would have had, so a
 * return value >= size means it was cut.
 */
size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

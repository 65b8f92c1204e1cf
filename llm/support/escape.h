/*
 * Text from a model file (names, keys, architecture and tokenizer names,
 * template starts) made safe to print in a message or on a console: the one
 * escaping function every message and adapter uses for such text, so a
 * crafted name can neither move the cursor nor clear a screen nor run on.
 */
#ifndef LLM_SUPPORT_ESCAPE_H
#define LLM_SUPPORT_ESCAPE_H

#include <stddef.h>

/* Room for max_in source bytes escaped: each byte as \xNN at worst, "..." and the NUL. */
#define ESC_BUF_BYTES(max_in) ((size_t)(max_in) * 4 + 4)

/*
 * src[0 .. len) (any bytes; src may be NULL when len is 0) into dst (size
 * bytes, NUL-terminated when size > 0): printable ASCII as it is, a
 * backslash doubled, newline, tab and carriage return as \n \t \r, every
 * other control byte, DEL, a C1 control (U+0080 .. U+009F) and every byte
 * that is not part of valid UTF-8 (overlong forms, surrogates, above
 * U+10FFFF, cut sequences) as \xNN; other valid UTF-8 as it is. Takes at
 * most max_in source bytes and what fits dst; "..." marks that more
 * followed. An escape or a UTF-8 sequence is never cut. Returns dst.
 */
const char *esc_text(char *dst, size_t size, const char *src, size_t len, size_t max_in);

#endif

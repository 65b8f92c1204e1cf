/*
 * esc_text (see escape.h): one pass over the source, each unit (an ASCII
 * byte, a whole valid UTF-8 sequence, or one bad byte) written as itself or
 * as its escape if it fits with room left for "...".
 */
#include "llm/support/escape.h"

#include <stdbool.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s[0 .. n) (2 to 4), or 0 if it is not one. */
static size_t utf8_len(const uint8_t *s, size_t n)
{
    uint8_t c = s[0];
    size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
    if (len == 0 || len > n)
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0) || /* overlong; surrogates */
        (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90))   /* overlong; above U+10FFFF */
        return 0;
    if (c == 0xC2 && s[1] < 0xA0)
        return 0; /* C1 controls: escaped byte by byte */
    return len;
}

/* The unit at s[in] of s[0 .. len) into unit (at most 4 bytes); *take: source bytes it covers. Returns its length. */
static size_t unit_at(const uint8_t *s, size_t in, size_t len, char unit[4], size_t *take)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t c = s[in];
    size_t seq = c >= 0x80 ? utf8_len(s + in, len - in) : 0;
    *take = seq ? seq : 1;
    for (size_t i = 0; i < seq; i++)
        unit[i] = (char)s[in + i];
    if (seq)
        return seq;
    if (c == '\\' || c == '\n' || c == '\t' || c == '\r') {
        unit[0] = '\\';
        unit[1] = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
        return 2;
    }
    if (c >= 0x20 && c < 0x7F) {
        unit[0] = (char)c;
        return 1;
    }
    unit[0] = '\\', unit[1] = 'x', unit[2] = hex[c >> 4], unit[3] = hex[c & 15];
    return 4;
}

const char *esc_text(char *dst, size_t size, const char *src, size_t len, size_t max_in)
{
    const uint8_t *s = (const uint8_t *)src;
    size_t in, out = 0, take, limit = len < max_in ? len : max_in;
    char unit[4];
    if (size == 0)
        return dst;
    /* Everything fits: no room kept for "...". */
    for (in = 0; in < len && out < size; in += take)
        out += unit_at(s, in, len, unit, &take);
    size_t keep = len <= max_in && out < size ? 0 : 3;
    for (in = out = 0; in < limit; in += take) {
        size_t u = unit_at(s, in, len, unit, &take);
        if (in + take > limit || out + u + keep >= size)
            break; /* never cut a sequence or an escape */
        for (size_t i = 0; i < u; i++)
            dst[out++] = unit[i];
    }
    if (in < len && out + 3 < size)
        dst[out++] = '.', dst[out++] = '.', dst[out++] = '.';
    dst[out] = '\0';
    return dst;
}

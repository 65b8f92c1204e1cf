/*
 * UTF-8, codepoint flags, lowercase, first-codepoint NFD and the GPT-2 byte alphabet: the small
 * pure functions the tokenizers and pre-tokenizers build on. The bad-input
 * rules copy llama.cpp's behaviour (see llm/tokenizer/unicode.h), because the point is
 * to produce its tokens for any byte string, not to be a validator.
 */
#include "llm/tokenizer/unicode.h"

/* ------------------------------------------------------------ UTF-8 */

static bool is_continuation(uint8_t b)
{
    return (b & 0xC0) == 0x80;
}

/*
 * The structural part both decoders share: a lead byte and enough
 * continuation bytes. Returns the value the bits spell (possibly overlong,
 * a surrogate or above U+10FFFF) or UNICODE_INVALID; *n_bytes is the length
 * of the form, or 1 when invalid.
 */
static uint32_t decode_form(const uint8_t *s, size_t len, size_t *n_bytes)
{
    *n_bytes = len ? 1 : 0;
    if (len == 0)
        return UNICODE_INVALID;
    uint8_t lead = s[0];
    size_t n;
    uint32_t cp;
    if (lead < 0x80)
        return lead;
    if (lead < 0xC0 || lead >= 0xF8)
        return UNICODE_INVALID;
    if (lead < 0xE0) {
        n = 2;
        cp = lead & 0x1Fu;
    } else if (lead < 0xF0) {
        n = 3;
        cp = lead & 0x0Fu;
    } else {
        n = 4;
        cp = lead & 0x07u;
    }
    if (len < n)
        return UNICODE_INVALID;
    for (size_t i = 1; i < n; i++) {
        if (!is_continuation(s[i]))
            return UNICODE_INVALID;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    *n_bytes = n;
    return cp;
}

uint32_t utf8_decode(const uint8_t *s, size_t len, size_t *n_bytes)
{
    uint32_t cp = decode_form(s, len, n_bytes);
    if (cp != UNICODE_INVALID && cp > UNICODE_MAX) {
        *n_bytes = 1;
        return UNICODE_INVALID;
    }
    return cp;
}

uint32_t utf8_decode_strict(const uint8_t *s, size_t len, size_t *n_bytes)
{
    /* Smallest value each length may spell; below it the form is overlong. */
    static const uint32_t min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
    uint32_t cp = decode_form(s, len, n_bytes);
    if (cp == UNICODE_INVALID)
        return cp;
    if (cp < min_for_len[*n_bytes] || cp > UNICODE_MAX || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *n_bytes = 1;
        return UNICODE_INVALID;
    }
    return cp;
}

size_t utf8_to_cpts(const uint8_t *s, size_t len, uint32_t *out)
{
    size_t n_cpts = 0;
    size_t off = 0;
    while (off < len) {
        size_t n;
        uint32_t cp = utf8_decode(s + off, len - off, &n);
        out[n_cpts++] = cp == UNICODE_INVALID ? UNICODE_REPLACEMENT : cp;
        off += n;
    }
    return n_cpts;
}

size_t utf8_encode(uint32_t cp, uint8_t out[4])
{
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | cp >> 6);
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp > UNICODE_MAX)
        cp = UNICODE_REPLACEMENT;
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | cp >> 12);
        out[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | cp >> 18);
    out[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

size_t utf8_seq_len(uint8_t lead)
{
    if (lead < 0xC0)
        return 1;
    if (lead < 0xE0)
        return 2;
    return lead < 0xF0 ? 3 : 4;
}

/* ------------------------------------------------------------ flags */

unsigned unicode_flags(uint32_t cp)
{
    if (cp < 256)
        return unicode_flags_latin1[cp];
    if (cp > UNICODE_MAX)
        return UNICODE_UNDEFINED;
    /* The ranges that can hold cp are those from the one holding the start
       of its block to the one holding the start of the next block; past
       the blocked planes, the few ranges left. */
    size_t block = cp >> UNICODE_FLAG_BLOCK_SHIFT;
    size_t lo, hi;
    if (block + 1 < unicode_flag_block_count) {
        lo = unicode_flag_blocks[block];
        hi = unicode_flag_blocks[block + 1];
    } else {
        lo = unicode_flag_blocks[unicode_flag_block_count - 1];
        hi = unicode_flag_range_count - 1;
    }
    uint32_t key = cp << UNICODE_FLAG_BITS | ((1u << UNICODE_FLAG_BITS) - 1);
    while (lo < hi) { /* last entry in [lo, hi] whose start <= cp */
        size_t mid = lo + (hi - lo + 1) / 2;
        if (unicode_flag_ranges[mid] <= key)
            lo = mid;
        else
            hi = mid - 1;
    }
    return unicode_flag_ranges[lo] & ((1u << UNICODE_FLAG_BITS) - 1);
}

size_t unicode_first_ending_at(const void *base, size_t n, size_t size, size_t last_off, uint32_t cp)
{
    const uint8_t *records = base;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (*(const uint32_t *)(const void *)(records + mid * size + last_off) < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint32_t unicode_tolower(uint32_t cp)
{
    size_t lo = unicode_first_ending_at(unicode_lower_runs, unicode_lower_run_count, sizeof unicode_lower_runs[0],
                                        offsetof(unicode_case_run_t, last), cp);
    if (lo == unicode_lower_run_count)
        return cp;
    const unicode_case_run_t *run = &unicode_lower_runs[lo];
    if (cp < run->first || (cp - run->first) % (uint32_t)run->stride != 0)
        return cp;
    return (uint32_t)((int32_t)cp + run->delta);
}

uint32_t unicode_nfd_first(uint32_t cp)
{
    size_t lo = unicode_first_ending_at(unicode_nfd_ranges, unicode_nfd_range_count, sizeof unicode_nfd_ranges[0],
                                        offsetof(unicode_nfd_range_t, last), cp);
    if (lo == unicode_nfd_range_count || cp < unicode_nfd_ranges[lo].first)
        return cp;
    return unicode_nfd_ranges[lo].nfd;
}

/* ------------------------------------------------------------ GPT-2 bytes */

/*
 * The 68 bytes without a printable self form, in byte order, take U+0100..:
 * 0x00-0x20 -> U+0100-0120, 0x7F-0xA0 -> U+0121-0142, 0xAD -> U+0143.
 */
#define GPT2_LOW_END 0x20u  /* last of 0x00..0x20 */
#define GPT2_MID_FIRST 0x7Fu
#define GPT2_MID_LAST 0xA0u
#define GPT2_SOFT_HYPHEN 0xADu
#define GPT2_SHIFTED 0x100u /* where the shifted bytes start */
#define GPT2_MID_CPT (GPT2_SHIFTED + GPT2_LOW_END + 1)                           /* U+0121 */
#define GPT2_HYPHEN_CPT (GPT2_MID_CPT + GPT2_MID_LAST - GPT2_MID_FIRST + 1)      /* U+0143 */

uint32_t unicode_byte_to_cpt(uint8_t b)
{
    if (b <= GPT2_LOW_END)
        return GPT2_SHIFTED + b;
    if (b >= GPT2_MID_FIRST && b <= GPT2_MID_LAST)
        return GPT2_MID_CPT + (b - GPT2_MID_FIRST);
    if (b == GPT2_SOFT_HYPHEN)
        return GPT2_HYPHEN_CPT;
    return b;
}

int unicode_cpt_to_byte(uint32_t cp)
{
    if (cp < GPT2_SHIFTED) {
        bool shifted = cp <= GPT2_LOW_END || (cp >= GPT2_MID_FIRST && cp <= GPT2_MID_LAST) || cp == GPT2_SOFT_HYPHEN;
        return shifted ? -1 : (int)cp;
    }
    if (cp < GPT2_MID_CPT)
        return (int)(cp - GPT2_SHIFTED);
    if (cp < GPT2_HYPHEN_CPT)
        return (int)(cp - GPT2_MID_CPT + GPT2_MID_FIRST);
    return cp == GPT2_HYPHEN_CPT ? (int)GPT2_SOFT_HYPHEN : -1;
}

/*
 * The pre-tokenizer expressions built on script ranges, which llama.cpp
 * runs through std::wregex (plain codepoint ranges; a non-ASCII whitespace
 * codepoint is U+000B there and never in a range) or std::regex over
 * category-collapsed text: deepseek-coder's and deepseek-llm's CJK runs,
 * deepseek-llm's cased letters and symbols, DeepSeek V3's and Spark 2.5's
 * kana and third expression, AFMoE's Asian scripts, Youtu's CJK classes.
 * The scanning and the simpler classes are in pretok_isolate.c.
 */
#include "llm/tokenizer/pretok_internal.h"
#include "llm/tokenizer/unicode.h"

/* U+4E00-U+9FA5, U+0800-U+4E00, U+AC00-U+D7FF (deepseek's CJK, Hangul and more). */
static bool is_cjk(const piece_t *p, size_t pos)
{
    uint32_t cp = pretok_wide_cpt(p, pos);
    return (cp >= 0x0800 && cp <= 0x9FA5) || (cp >= 0xAC00 && cp <= 0xD7FF);
}

/* deepseek-llm's letter class, as its 87 ranges (adjacent ones joined), sorted. */
static const uint32_t cased_letters[][2] = {
    { 0x41, 0x5A },       { 0x61, 0x7A },       { 0xB5, 0xB5 },       { 0xC0, 0xD6 },       { 0xD8, 0xF6 },
    { 0xF8, 0x1BA },      { 0x1BC, 0x1BF },     { 0x1C4, 0x293 },     { 0x295, 0x2AF },     { 0x370, 0x373 },
    { 0x376, 0x377 },     { 0x37B, 0x37D },     { 0x37F, 0x37F },     { 0x386, 0x386 },     { 0x388, 0x38A },
    { 0x38C, 0x38C },     { 0x38E, 0x3A1 },     { 0x3A3, 0x3F5 },     { 0x3F7, 0x481 },     { 0x48A, 0x52F },
    { 0x531, 0x556 },     { 0x10A0, 0x10C5 },   { 0x13A0, 0x13F5 },   { 0x13F8, 0x13FD },   { 0x1C90, 0x1CBA },
    { 0x1CBD, 0x1CBF },   { 0x1D00, 0x1D2B },   { 0x1D6B, 0x1D77 },   { 0x1D79, 0x1D9A },   { 0x1E00, 0x1F15 },
    { 0x1F18, 0x1F1D },   { 0x1F20, 0x1F45 },   { 0x1F48, 0x1F4D },   { 0x1F50, 0x1F57 },   { 0x1F59, 0x1F59 },
    { 0x1F5B, 0x1F5B },   { 0x1F5D, 0x1F5D },   { 0x1F5F, 0x1F7D },   { 0x1F80, 0x1FB4 },   { 0x1FB6, 0x1FBC },
    { 0x1FBE, 0x1FBE },   { 0x1FC2, 0x1FC4 },   { 0x1FC6, 0x1FCC },   { 0x1FD0, 0x1FD3 },   { 0x1FD6, 0x1FDB },
    { 0x1FE0, 0x1FEC },   { 0x1FF2, 0x1FF4 },   { 0x1FF6, 0x1FFC },   { 0x2102, 0x2102 },   { 0x2107, 0x2107 },
    { 0x210A, 0x2113 },   { 0x2115, 0x2115 },   { 0x2119, 0x211D },   { 0x2124, 0x2124 },   { 0x2126, 0x2126 },
    { 0x2128, 0x2128 },   { 0x212A, 0x212D },   { 0x212F, 0x2134 },   { 0x2139, 0x2139 },   { 0x213C, 0x213F },
    { 0x2145, 0x2149 },   { 0x214E, 0x214E },   { 0x2183, 0x2184 },   { 0x2C00, 0x2C7B },   { 0x2C7E, 0x2CE4 },
    { 0x2CEB, 0x2CEE },   { 0x2CF2, 0x2CF3 },   { 0xA640, 0xA66D },   { 0xA680, 0xA69B },   { 0xA722, 0xA76F },
    { 0xA771, 0xA787 },   { 0xA78B, 0xA78E },   { 0xAB70, 0xABBF },   { 0xFB00, 0xFB06 },   { 0xFB13, 0xFB17 },
    { 0xFF21, 0xFF3A },   { 0xFF41, 0xFF5A },   { 0x10400, 0x1044F }, { 0x104B0, 0x104D3 }, { 0x104D8, 0x104FB },
    { 0x10C80, 0x10CB2 }, { 0x10CC0, 0x10CF2 }, { 0x118A0, 0x118DF }, { 0x1E900, 0x1E943 },
};

static bool is_cased_letter(const piece_t *p, size_t pos)
{
    return pretok_in_ranges(pretok_wide_cpt(p, pos), cased_letters, sizeof cased_letters / sizeof cased_letters[0]);
}

/* !-/ :-~ U+FF01-U+FF0F U+FF1A-U+FF5E U+2018-U+201F U+3000-U+3002, sorted. */
static const uint32_t symbol_ranges[][2] = {
    { 0x21, 0x2F }, { 0x3A, 0x7E }, { 0x2018, 0x201F }, { 0x3000, 0x3002 }, { 0xFF01, 0xFF0F }, { 0xFF1A, 0xFF5E },
};

static bool is_symbol(const piece_t *p, size_t pos)
{
    return pretok_in_ranges(pretok_wide_cpt(p, pos), symbol_ranges, sizeof symbol_ranges / sizeof symbol_ranges[0]);
}

/* U+4E00-U+9FA5, U+3040-U+309F, U+30A0-U+30FF (DeepSeek V3's CJK and kana). */
static bool is_kana_cjk(const piece_t *p, size_t pos)
{
    uint32_t cp = pretok_wide_cpt(p, pos);
    return (cp >= 0x4E00 && cp <= 0x9FA5) || (cp >= 0x3040 && cp <= 0x30FF);
}

static bool is_ascii_letter(const piece_t *p, size_t pos)
{
    uint32_t cp = p->cpts[pos];
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z');
}

static bool is_letter_or_mark(const piece_t *p, size_t pos)
{
    return pretok_has_flag(p, pos, UNICODE_LETTER | UNICODE_ACCENT_MARK);
}

static bool is_punct_or_symbol(const piece_t *p, size_t pos)
{
    return pretok_has_flag(p, pos, UNICODE_PUNCTUATION | UNICODE_SYMBOL);
}

/* AFMoE's CJK and Asian scripts, as its ranges (U+8C48-U+FAFF as llama.cpp writes it), joined and sorted. */
static const uint32_t asian_ranges[][2] = {
    { 0x0E40, 0x0EFF }, { 0x1000, 0x109F }, { 0x1100, 0x11FF }, { 0x1780, 0x17FF }, { 0x2F00, 0x2FDF },
    { 0x3040, 0x30FF }, { 0x3400, 0x4DBF }, { 0x4E00, 0xFAFF }, { 0xFF65, 0xFF9F },
};

static bool is_asian(const piece_t *p, size_t pos)
{
    return pretok_in_ranges(pretok_wide_cpt(p, pos), asian_ranges, sizeof asian_ranges / sizeof asian_ranges[0]);
}

/* Youtu's four classes: Hangul, CJK punctuation, Bopomofo, CJK and kana (0 when none holds cp). */
static int youtu_class(uint32_t cp)
{
    static const uint32_t punct[] = { 0xFF01, 0x2026, 0x201C, 0x201D, 0x2018, 0x2019, 0x2014, 0xFF1A, 0xFF1B, 0xFF0C };
    if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x3131 && cp <= 0x318E))
        return 1;
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
        if (cp == punct[i])
            return 2;
    }
    if ((cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFE30 && cp <= 0xFE4F))
        return 2;
    if (cp >= 0x3105 && cp <= 0x312F)
        return 3;
    if ((cp >= 0x4E00 && cp <= 0x9FA5) || (cp >= 0x3040 && cp <= 0x30FF))
        return 4;
    return 0;
}

/* [가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+: a run of cp's class. */
static size_t youtu_run(const piece_t *p, size_t pos)
{
    int c = youtu_class(pretok_wide_cpt(p, pos));
    size_t end = pos;
    while (c && end < p->end && youtu_class(pretok_wide_cpt(p, end)) == c)
        end++;
    return end - pos;
}

/*
 * DeepSeek V3's [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+
 * |[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+,
 * or Spark 2.5's, whose punctuation takes no newlines after it and whose
 * newlines are [\r\n] one at a time.
 */
static size_t deepseek3_like(const piece_t *p, size_t pos, bool spark)
{
    uint32_t cp = p->cpts[pos];
    bool newline = cp == '\r' || cp == '\n';
    if (pretok_is_ascii_punct(cp) && pos + 1 < p->end && is_ascii_letter(p, pos + 1))
        return 1 + pretok_run_of(p, pos + 1, is_ascii_letter);
    bool prefix = !newline && !pretok_has_flag(p, pos, UNICODE_LETTER | UNICODE_PUNCTUATION | UNICODE_SYMBOL);
    if (prefix && pos + 1 < p->end && is_letter_or_mark(p, pos + 1))
        return 1 + pretok_run_of(p, pos + 1, is_letter_or_mark);
    if (is_letter_or_mark(p, pos))
        return pretok_run_of(p, pos, is_letter_or_mark);
    size_t body = cp == ' ' && pos + 1 < p->end && is_punct_or_symbol(p, pos + 1) ? pos + 1 : pos;
    if (is_punct_or_symbol(p, body)) {
        size_t end = body + pretok_run_of(p, body, is_punct_or_symbol);
        while (!spark && end < p->end && (p->cpts[end] == '\r' || p->cpts[end] == '\n'))
            end++;
        return end - pos;
    }
    if (spark && newline)
        return 1;
    if (pretok_has_flag(p, pos, UNICODE_WHITESPACE))
        return pretok_space_end(p, pos, !spark) - pos;
    return 0; /* part of a gap */
}

static size_t deepseek3_word(const piece_t *p, size_t pos)
{
    return deepseek3_like(p, pos, false);
}

static size_t spark_word(const piece_t *p, size_t pos)
{
    return deepseek3_like(p, pos, true);
}

void pretok_cjk_runs(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_cjk, false); }
void pretok_space_cased(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_cased_letter, true); }
void pretok_space_symbols(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_symbol, true); }
void pretok_kana_cjk_runs(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_kana_cjk, false); }
void pretok_deepseek3_words(const piece_t *p, size_t start) { pretok_isolate(p, start, deepseek3_word); }
void pretok_spark_words(const piece_t *p, size_t start) { pretok_isolate(p, start, spark_word); }
void pretok_asian_runs(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_asian, false); }
void pretok_youtu_runs(const piece_t *p, size_t start) { pretok_isolate(p, start, youtu_run); }

/*
 * The pre-tokenizers of llm/tokenizer/pretokenize.h: each kind's list of
 * expressions run in order, and the GPT-2 / LLaMA-3 family of expressions
 * (GPT-2, LLaMA-3, Qwen2, Qwen3.5), for which llama.cpp has hand-written
 * code (unicode_regex_split_custom_*), as scanners that follow the regex
 * alternatives in order, at each position taking the first that matches.
 * Text no alternative matches becomes a word of its own, as llama.cpp keeps
 * the gaps between matches. The GPT-4o family is in pretok_cased.c, the
 * expressions llama.cpp runs through std::regex in pretok_isolate.c and
 * pretok_scripts.c.
 *
 * A "piece" is the range one expression works on: its ends act as the ends
 * of the text (lookahead (?!\S) succeeds there, nothing reaches across).
 * Expressions refine pieces by marking where words end (pretok_internal.h),
 * in place in the caller's ends array, which is compacted at the end.
 */
#include "llm/tokenizer/pretokenize.h"

#include "llm/platform.h"
#include "llm/tokenizer/pretok_internal.h"
#include "llm/tokenizer/unicode.h"

pretok_cls_t pretok_cls_at(const piece_t *p, size_t pos)
{
    if (pos >= p->end)
        return CLS_END;
    unsigned f = unicode_flags(p->cpts[pos]);
    if ((f & UNICODE_LETTER) || (p->marks_letters && (f & UNICODE_ACCENT_MARK)))
        return CLS_LETTER;
    if (f & UNICODE_NUMBER)
        return CLS_NUMBER;
    return (f & UNICODE_WHITESPACE) ? CLS_SPACE : CLS_OTHER;
}

size_t pretok_skip_cls(const piece_t *p, size_t pos, pretok_cls_t c)
{
    while (pretok_cls_at(p, pos) == c)
        pos++;
    return pos;
}

size_t pretok_contraction_len(const piece_t *p, size_t pos, bool fold)
{
    if (pos + 1 >= p->end || p->cpts[pos] != '\'')
        return 0;
    uint32_t a = fold ? unicode_tolower(p->cpts[pos + 1]) : p->cpts[pos + 1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd')
        return 2;
    if (pos + 2 >= p->end)
        return 0;
    uint32_t b = fold ? unicode_tolower(p->cpts[pos + 2]) : p->cpts[pos + 2];
    bool two = (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l');
    return two ? 3 : 0;
}

size_t pretok_space_end(const piece_t *p, size_t pos, bool newlines)
{
    size_t end = pos, after_newline = 0;
    while (pretok_cls_at(p, end) == CLS_SPACE) {
        if (pretok_is_newline(p->cpts[end]))
            after_newline = end + 1;
        end++;
    }
    if (newlines && after_newline)
        return after_newline;
    if (end - pos > 1 && end < p->end)
        return end - 1;
    return end > pos ? end : pos + 1;
}

size_t pretok_symbols_end(const piece_t *p, size_t pos)
{
    size_t body = p->cpts[pos] == ' ' ? pos + 1 : pos; /* after the optional space */
    return pretok_cls_at(p, body) == CLS_OTHER ? pretok_skip_cls(p, body, CLS_OTHER) : 0;
}

/* The end of the word at pos under 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S). */
static size_t gpt2_word_end(const piece_t *p, size_t pos)
{
    size_t n = pretok_contraction_len(p, pos, false);
    if (n)
        return pos + n;
    size_t body = p->cpts[pos] == ' ' ? pos + 1 : pos; /* after the optional space */
    pretok_cls_t c = pretok_cls_at(p, body);
    if (c == CLS_LETTER || c == CLS_NUMBER || c == CLS_OTHER)
        return pretok_skip_cls(p, body, c);
    return pretok_space_end(p, pos, false);
}

/*
 * The variants of the LLaMA-3 expression: \p{N}{1,max_digits}; the
 * contractions first or not (ufakzeka); [\r\n]* after a run of other
 * codepoints or not (seed-coder); whitespace runs cut in powers of two
 * (jais-2).
 */
typedef struct llama3_form {
    size_t max_digits;
    bool contractions;
    bool newline_tail;
    bool cascade_spaces;
} llama3_form_t;

/*
 * Jais 2's whitespace: \s*[\r\n]+, then \s{512}(?!\S)|\s{256}(?!\S)|...
 * |\s{4}(?!\S)|\s{1,2}(?!\S)|\s{1}: the largest power of two the run is
 * longer than (or equal to, at the piece's end), one or two at the last.
 */
static size_t cascade_space_end(const piece_t *p, size_t pos)
{
    size_t end = pos, after_newline = 0;
    while (pretok_cls_at(p, end) == CLS_SPACE) {
        if (pretok_is_newline(p->cpts[end]))
            after_newline = end + 1;
        end++;
    }
    if (after_newline)
        return after_newline;
    size_t run = end - pos;
    bool at_end = end == p->end;
    for (size_t size = 512; size >= 2; size /= 2) { /* 512 ... 4, then \s{1,2} taking two */
        if (run > size || (run == size && at_end))
            return pos + size;
    }
    return pos + 1;
}

/*
 * The end of the word at pos under the LLaMA-3 expression
 * (?:'[sS]|...)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
 * | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+, in form f.
 */
static size_t llama3_word_end(const piece_t *p, size_t pos, const llama3_form_t *f)
{
    size_t n = f->contractions ? pretok_contraction_len(p, pos, true) : 0;
    if (n)
        return pos + n;
    uint32_t cp = p->cpts[pos];
    pretok_cls_t c = pretok_cls_at(p, pos);
    if (c != CLS_NUMBER && !pretok_is_newline(cp) && (c == CLS_LETTER || pretok_cls_at(p, pos + 1) == CLS_LETTER))
        return pretok_skip_cls(p, pos + 1, CLS_LETTER); /* a letter or one prefix codepoint, then letters */
    if (c == CLS_NUMBER) {
        size_t end = pos + 1;
        while (end - pos < f->max_digits && pretok_cls_at(p, end) == CLS_NUMBER)
            end++;
        return end;
    }
    size_t end = pretok_symbols_end(p, pos);
    if (!end)
        return f->cascade_spaces ? cascade_space_end(p, pos) : pretok_space_end(p, pos, true);
    while (f->newline_tail && end < p->end && pretok_is_newline(p->cpts[end]))
        end++;
    return end;
}

/* Cuts the piece from pos into words, each ending where word_end says. */
static void split_words(const piece_t *p, size_t pos, size_t (*word_end)(const piece_t *p, size_t pos))
{
    while (pos < p->end) {
        pos = word_end(p, pos);
        pretok_cut(p, pos);
    }
}

static void split_gpt2(const piece_t *p, size_t pos)
{
    split_words(p, pos, gpt2_word_end);
}

static void split_llama3_form(const piece_t *p, size_t pos, const llama3_form_t *f)
{
    while (pos < p->end) {
        pos = llama3_word_end(p, pos, f);
        pretok_cut(p, pos);
    }
}

static void split_llama3(const piece_t *p, size_t pos)
{
    static const llama3_form_t form = { 3, true, true, false };
    split_llama3_form(p, pos, &form);
}

static void split_qwen2(const piece_t *p, size_t pos)
{
    static const llama3_form_t form = { 1, true, true, false }; /* Qwen3.5 too: the piece says marks join letters */
    split_llama3_form(p, pos, &form);
}

static void split_ufakzeka(const piece_t *p, size_t pos)
{
    static const llama3_form_t form = { 1, false, true, false };
    split_llama3_form(p, pos, &form);
}

static void split_seed_coder(const piece_t *p, size_t pos)
{
    static const llama3_form_t form = { 1, true, false, false };
    split_llama3_form(p, pos, &form);
}

static void split_jais2(const piece_t *p, size_t pos)
{
    static const llama3_form_t form = { 3, true, true, true };
    split_llama3_form(p, pos, &form);
}

/* llama.cpp's unicode_cpt_is_han: the CJK ideograph blocks. */
static bool is_han(const piece_t *p, size_t pos)
{
    static const uint32_t han[][2] = {
        { 0x3400, 0x4DBF },   { 0x4E00, 0x9FFF },   { 0xF900, 0xFAFF },   { 0x20000, 0x2A6DF },
        { 0x2A700, 0x2EBEF }, { 0x2F800, 0x2FA1F },
    };
    return pos < p->end && pretok_in_ranges(p->cpts[pos], han, sizeof han / sizeof han[0]);
}

static bool is_word_letter(const piece_t *p, size_t pos)
{
    return pretok_cls_at(p, pos) == CLS_LETTER && !is_han(p, pos);
}

/*
 * Kimi K2's hand-written splitter (llama.cpp's unicode_regex_split_custom_kimi_k2):
 * runs of Han; letters but Han behind an optional prefix codepoint, with a
 * contraction after them; \p{N}{1,3}; " ?[^\s\p{L}\p{N}]+[\r\n]*"; the
 * whitespace alternatives; else one codepoint.
 */
static size_t kimi_end(const piece_t *p, size_t pos)
{
    uint32_t cp = p->cpts[pos];
    pretok_cls_t c = pretok_cls_at(p, pos);
    size_t e = pos;
    if (is_han(p, pos)) {
        while (is_han(p, e))
            e++;
        return e;
    }
    bool prefix = c != CLS_LETTER && c != CLS_NUMBER && !pretok_is_newline(cp);
    if (is_word_letter(p, pos) || (prefix && is_word_letter(p, pos + 1))) {
        for (e = pos + 1; is_word_letter(p, e);)
            e++;
        return e + pretok_contraction_len(p, e, true);
    }
    if (c == CLS_NUMBER) {
        for (e = pos + 1; e - pos < 3 && pretok_cls_at(p, e) == CLS_NUMBER;)
            e++;
        return e;
    }
    e = pretok_symbols_end(p, pos);
    if (!e)
        return pretok_space_end(p, pos, true);
    while (e < p->end && pretok_is_newline(p->cpts[e]))
        e++;
    return e;
}

static void split_kimi(const piece_t *p, size_t pos)
{
    split_words(p, pos, kimi_end);
}

/*
 * EXAONE MoE's (?:'[sS]|...)|[^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+|\p{N}
 * | ?[^\s\p{L}\p{N}]+[\r\n/]?|\s*[\r\n]|\s+(?!\S)|\s+: words run on over single
 * spaces between letters ("New York" is one).
 */
static size_t spaced_word_end(const piece_t *p, size_t s)
{
    size_t e = s;
    for (;;) {
        if (pretok_cls_at(p, e) == CLS_LETTER) {
            for (e++; e < p->end && (unicode_flags(p->cpts[e]) & UNICODE_ACCENT_MARK); e++) {
            }
        } else if (e > s && e + 1 < p->end && p->cpts[e] == ' ' && pretok_cls_at(p, e + 1) == CLS_LETTER) {
            e++;
        } else {
            return e;
        }
    }
}

static size_t exaone_end(const piece_t *p, size_t pos)
{
    size_t n = pretok_contraction_len(p, pos, true);
    if (n)
        return pos + n;
    uint32_t cp = p->cpts[pos];
    pretok_cls_t c = pretok_cls_at(p, pos);
    if (c != CLS_LETTER && c != CLS_NUMBER && !pretok_is_newline(cp) && pretok_cls_at(p, pos + 1) == CLS_LETTER)
        return spaced_word_end(p, pos + 1);
    if (c == CLS_LETTER)
        return spaced_word_end(p, pos);
    if (c == CLS_NUMBER)
        return pos + 1;
    size_t end = pretok_symbols_end(p, pos);
    if (!end)
        return pretok_space_end(p, pos, true);
    return end < p->end && (pretok_is_newline(p->cpts[end]) || p->cpts[end] == '/') ? end + 1 : end;
}

static void split_exaone_moe(const piece_t *p, size_t pos)
{
    split_words(p, pos, exaone_end);
}

#define MAX_STEPS 6

/* Each kind's expressions in llama.cpp's order. */
static const pretok_step_fn kind_steps[PRETOK_KIND_COUNT][MAX_STEPS] = {
    [PRETOK_GPT2] = { split_gpt2 },
    [PRETOK_SMOLLM] = { pretok_number_each, split_gpt2 },
    [PRETOK_LLAMA3] = { split_llama3 },
    [PRETOK_QWEN2] = { split_qwen2 },
    [PRETOK_QWEN35] = { split_qwen2 },
    [PRETOK_DEFAULT] = { pretok_punct_default, split_gpt2, pretok_number_runs, pretok_digit_triples },
    [PRETOK_FALCON] = { pretok_punct_falcon, split_gpt2, pretok_digit_triples },
    [PRETOK_DEEPSEEK_CODER] = { pretok_newline_each, pretok_space_letters, pretok_space_punct, pretok_cjk_runs,
                                pretok_number_each },
    [PRETOK_DEEPSEEK_LLM] = { pretok_newline_each, pretok_space_cased, pretok_space_symbols, pretok_trailing_space,
                              pretok_cjk_runs, pretok_number_runs },
    [PRETOK_NEWLINES] = { pretok_newline_runs },
    [PRETOK_LAGUNA] = { pretok_newline_runs, split_qwen2 },
    [PRETOK_BLOOM] = { pretok_bloom_words },
    [PRETOK_VIKING] = { pretok_bloom_words, pretok_number_each },
    [PRETOK_DEEPSEEK3] = { pretok_number_triples, pretok_kana_cjk_runs, pretok_deepseek3_words },
    [PRETOK_GPT4O] = { pretok_gpt4o_words },
    [PRETOK_TEKKEN] = { pretok_tekken_words },
    [PRETOK_UFAKZEKA] = { split_ufakzeka },
    [PRETOK_SEED_CODER] = { split_seed_coder },
    [PRETOK_MINICPM5] = { pretok_number_triples, split_llama3 },
    [PRETOK_SPARK] = { pretok_number_triples, pretok_kana_cjk_runs, pretok_spark_words, pretok_number_each },
    [PRETOK_GRANITE] = { pretok_granite_words },
    [PRETOK_TINY_AYA] = { pretok_digit_groups, pretok_tiny_aya_words },
    [PRETOK_YOUTU] = { pretok_youtu_runs, pretok_youtu_words },
    [PRETOK_JAIS2] = { split_jais2 },
    [PRETOK_EXAONE_MOE] = { split_exaone_moe },
    [PRETOK_CHAMELEON] = { pretok_sentinels, pretok_image_tokens, pretok_chameleon_spaces, pretok_number_each,
                           pretok_punct_each, split_gpt2 },
    [PRETOK_WHITESPACE] = { pretok_non_space_runs },
    [PRETOK_KIMI_K2] = { split_kimi },
    [PRETOK_SUPERBPE] = { pretok_number_runs, pretok_digit_triples_from_end },
    [PRETOK_AFMOE] = { pretok_digit_groups, pretok_asian_runs, pretok_deepseek3_words },
};

size_t pretok_split(pretok_kind_t kind, const uint32_t *cpts, size_t n, uint32_t *ends)
{
    if (n == 0 || (unsigned)kind >= PRETOK_KIND_COUNT)
        return 0;
    memset(ends, 0, n * sizeof *ends);
    ends[n - 1] = 1; /* the whole text is one piece to begin with */
    for (size_t k = 0; k < MAX_STEPS && kind_steps[kind][k]; k++) {
        size_t start = 0;
        for (size_t i = 0; i < n; i++) {
            if (!ends[i])
                continue;
            /* The step marks ends inside [start, i], which this loop has passed. */
            piece_t p = { cpts, i + 1, kind == PRETOK_QWEN35, ends };
            kind_steps[kind][k](&p, start);
            start = i + 1;
        }
    }
    size_t n_words = 0;
    for (size_t i = 0; i < n; i++) {
        if (ends[i])
            ends[n_words++] = (uint32_t)(i + 1); /* n_words <= i: never overwrites a mark not yet read */
    }
    return n_words;
}

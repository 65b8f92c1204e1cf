/*
 * The GPT-4o family of pre-tokenizer expressions (GPT-4o and Llama 4,
 * Tekken, Granite embedding, Tiny Aya, Youtu's second expression), which
 * llama.cpp runs through std::regex over category-collapsed text: words
 * of cased letters behind an optional prefix codepoint, contractions,
 * digits, runs of other codepoints, whitespace, in that order of
 * alternatives. Every codepoint falls under one of them, so the words
 * follow one another with no gaps. Shared classes: pretokenize.c.
 */
#include "llm/tokenizer/pretok_internal.h"
#include "llm/tokenizer/unicode.h"

/*
 * The GPT-4o family's cased words, as std::regex runs them over
 * category-collapsed text, where only ASCII letters have a case and every
 * other letter counts as both: "upper" is a letter but [a-z], "lower" a
 * letter but [A-Z] (GPT-4o, Tekken); with marks among the letters (Granite
 * embedding); or any letter or mark for both (Tiny Aya's and Youtu's
 * \p{Lu}/\p{Ll} classes, which the collapsing makes one).
 */
typedef enum case_mode { CASE_ASCII, CASE_ASCII_MARKS, CASE_NONE } case_mode_t;

typedef struct cased_form {
    case_mode_t mode;
    bool contractions; /* (?:'[sS]|...)? after a word */
    size_t max_digits; /* \p{N}{1,max_digits} */
} cased_form_t;

static bool cased_letter(const piece_t *p, size_t pos, const cased_form_t *f)
{
    unsigned flags = unicode_flags(p->cpts[pos]);
    return (flags & UNICODE_LETTER) || (f->mode != CASE_ASCII && (flags & UNICODE_ACCENT_MARK));
}

/* A cased letter at pos (past the piece: none) other than the ASCII range [lo, hi]. */
static bool cased_except(const piece_t *p, size_t pos, const cased_form_t *f, uint32_t lo, uint32_t hi)
{
    if (pos >= p->end || !cased_letter(p, pos, f))
        return false;
    return f->mode == CASE_NONE || p->cpts[pos] < lo || p->cpts[pos] > hi;
}

static bool is_upper(const piece_t *p, size_t pos, const cased_form_t *f)
{
    return cased_except(p, pos, f, 'a', 'z');
}

static bool is_lower(const piece_t *p, size_t pos, const cased_form_t *f)
{
    return cased_except(p, pos, f, 'A', 'Z');
}

static size_t with_contraction(const piece_t *p, size_t e, const cased_form_t *f)
{
    return e + (f->contractions ? pretok_contraction_len(p, e, true) : 0);
}

/* upper* lower+ from s (the upper run giving back letters until a lower one follows): the end, or 0. */
static size_t upper_then_lower(const piece_t *p, size_t s, const cased_form_t *f)
{
    size_t u = s;
    while (is_upper(p, u, f))
        u++;
    size_t k = u;
    while (!is_lower(p, k, f) && k > s)
        k--;
    if (!is_lower(p, k, f))
        return 0;
    size_t e = k;
    while (is_lower(p, e, f))
        e++;
    return with_contraction(p, e, f);
}

/* upper+ lower* from s: the end, or 0. */
static size_t upper_run_then_lower(const piece_t *p, size_t s, const cased_form_t *f)
{
    size_t e = s;
    while (is_upper(p, e, f))
        e++;
    if (e == s)
        return 0;
    while (is_lower(p, e, f))
        e++;
    return with_contraction(p, e, f);
}

/*
 * The end of the word at pos under [^\r\n\p{L}\p{N}]? upper* lower+ (C)?
 * |[^\r\n\p{L}\p{N}]? upper+ lower* (C)?|\p{N}{1,d}| ?[^\s\p{L}\p{N}]+[\r\n/]*
 * |\s*[\r\n]+|\s+(?!\S)|\s+, each word form tried with the prefix, then without.
 */
static size_t cased_end(const piece_t *p, size_t pos, const cased_form_t *f)
{
    uint32_t cp = p->cpts[pos];
    pretok_cls_t c = pretok_cls_at(p, pos);
    bool prefix = c != CLS_LETTER && c != CLS_NUMBER && !pretok_is_newline(cp) && pos + 1 < p->end;
    size_t e = 0;
    if (prefix)
        e = upper_then_lower(p, pos + 1, f);
    if (!e)
        e = upper_then_lower(p, pos, f);
    if (!e && prefix)
        e = upper_run_then_lower(p, pos + 1, f);
    if (!e)
        e = upper_run_then_lower(p, pos, f);
    if (e)
        return e;
    if (c == CLS_NUMBER) {
        for (e = pos + 1; e - pos < f->max_digits && pretok_cls_at(p, e) == CLS_NUMBER;)
            e++;
        return e;
    }
    e = pretok_symbols_end(p, pos);
    if (!e)
        return pretok_space_end(p, pos, true);
    while (e < p->end && (pretok_is_newline(p->cpts[e]) || p->cpts[e] == '/'))
        e++;
    return e;
}

static void split_cased(const piece_t *p, size_t pos, const cased_form_t *f)
{
    while (pos < p->end) {
        pos = cased_end(p, pos, f);
        pretok_cut(p, pos);
    }
}

void pretok_gpt4o_words(const piece_t *p, size_t pos)
{
    static const cased_form_t form = { CASE_ASCII, true, 3 };
    split_cased(p, pos, &form);
}

void pretok_tekken_words(const piece_t *p, size_t pos)
{
    static const cased_form_t form = { CASE_ASCII, false, 1 };
    split_cased(p, pos, &form);
}

void pretok_granite_words(const piece_t *p, size_t pos)
{
    static const cased_form_t form = { CASE_ASCII_MARKS, true, 3 };
    split_cased(p, pos, &form);
}

void pretok_tiny_aya_words(const piece_t *p, size_t pos)
{
    static const cased_form_t form = { CASE_NONE, true, 3 };
    split_cased(p, pos, &form);
}

void pretok_youtu_words(const piece_t *p, size_t pos)
{
    static const cased_form_t form = { CASE_NONE, true, 1 };
    split_cased(p, pos, &form);
}

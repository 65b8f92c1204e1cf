/*
 * The pre-tokenizer expressions llama.cpp has no hand-written code for and
 * runs through std::regex (those with \p{..}, over text whose non-ASCII
 * codepoints are collapsed to one byte per category) or std::wregex (plain
 * codepoint ranges, every non-ASCII whitespace codepoint replaced by
 * U+000B), and the scanning they share: each is one alternative (an
 * optional whitespace, then a class once, thrice or repeated), so
 * leftmost-first search is a left-to-right scan: at each position the
 * match if there is one, else the next position; what lies between
 * matches stays a piece of its own, as llama.cpp keeps the gaps. Here the
 * simple classes: digits and numbers, falcon's and the default list's
 * punctuation, newlines (Gemma 4's runs), deepseek-coder's letters and
 * punctuation, BLOOM's words, AFMoE's digit groups, deepseek-llm's
 * trailing space, Chameleon's sentinels, image tokens, spaces and
 * punctuation. Script ranges: pretok_scripts.c; the GPT-2 / LLaMA-3
 * family: pretokenize.c; the GPT-4o family: pretok_cased.c.
 */
#include "llm/tokenizer/pretok_internal.h"
#include "llm/tokenizer/unicode.h"

/* What a scan takes at each position: a match function's match, or else a run of a class (\s?C+ with space). */
typedef struct scan {
    pretok_match_fn match;
    pretok_class_fn in_class;
    bool space;
} scan_t;

/* The length of the scan's match at pos, 0 when there is none. */
static size_t scan_match(const scan_t *s, const piece_t *p, size_t pos)
{
    if (s->match)
        return s->match(p, pos);
    return s->space ? pretok_space_then_run(p, pos, s->in_class) : pretok_run_of(p, pos, s->in_class);
}

/* Cuts the piece from start at the ends of the scan's matches and of the gaps between them. */
static void isolate(const piece_t *p, size_t start, const scan_t *s)
{
    size_t pos = start;
    while (pos < p->end) {
        size_t len = scan_match(s, p, pos);
        if (len == 0) {
            pos++;
            continue;
        }
        if (pos > start)
            pretok_cut(p, pos); /* the gap before the match */
        pos += len;
        pretok_cut(p, pos);
        start = pos;
    }
}

void pretok_isolate(const piece_t *p, size_t start, pretok_match_fn match)
{
    const scan_t s = { .match = match };
    isolate(p, start, &s);
}

void pretok_isolate_runs(const piece_t *p, size_t start, pretok_class_fn in_class, bool space)
{
    const scan_t s = { .in_class = in_class, .space = space };
    isolate(p, start, &s);
}

bool pretok_has_flag(const piece_t *p, size_t pos, unsigned flag)
{
    return pos < p->end && (unicode_flags(p->cpts[pos]) & flag) != 0;
}

uint32_t pretok_wide_cpt(const piece_t *p, size_t pos)
{
    uint32_t cp = p->cpts[pos];
    return cp > 0x7F && unicode_is_whitespace(cp) ? 0x0B : cp;
}

size_t pretok_run_of(const piece_t *p, size_t pos, pretok_class_fn in_class)
{
    size_t end = pos;
    while (end < p->end && in_class(p, end))
        end++;
    return end - pos;
}

size_t pretok_space_then_run(const piece_t *p, size_t pos, pretok_class_fn in_class)
{
    if (pretok_has_flag(p, pos, UNICODE_WHITESPACE) && pos + 1 < p->end && in_class(p, pos + 1))
        return 1 + pretok_run_of(p, pos + 1, in_class);
    return pretok_run_of(p, pos, in_class);
}

bool pretok_is_ascii_punct(uint32_t cp)
{
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) || (cp >= 0x5B && cp <= 0x60) ||
           (cp >= 0x7B && cp <= 0x7E);
}

bool pretok_in_ranges(uint32_t cp, const uint32_t (*ranges)[2], size_t n)
{
    size_t lo = unicode_first_ending_at(ranges, n, sizeof ranges[0], sizeof ranges[0][0], cp);
    return lo < n && ranges[lo][0] <= cp;
}

/* ---------------------------------------------------------- classes */

static bool is_number(const piece_t *p, size_t pos)
{
    return pretok_has_flag(p, pos, UNICODE_NUMBER);
}

static bool is_letter(const piece_t *p, size_t pos)
{
    return pretok_has_flag(p, pos, UNICODE_LETTER);
}

static bool is_punct(const piece_t *p, size_t pos)
{
    return pretok_has_flag(p, pos, UNICODE_PUNCTUATION);
}

static bool is_ascii_digit(const piece_t *p, size_t pos)
{
    return p->cpts[pos] >= '0' && p->cpts[pos] <= '9';
}

static bool is_newline(const piece_t *p, size_t pos)
{
    return p->cpts[pos] == '\n';
}

static bool not_newline(const piece_t *p, size_t pos)
{
    return p->cpts[pos] != '\n';
}

static bool in_ascii_set(uint32_t cp, const char *set)
{
    for (; *set; set++) {
        if (cp == (uint8_t)*set)
            return true;
    }
    return false;
}

static bool is_punct_default(const piece_t *p, size_t pos)
{
    return is_punct(p, pos) || in_ascii_set(p->cpts[pos], "$+<=>^~|");
}

static bool is_punct_falcon(const piece_t *p, size_t pos)
{
    return is_punct(p, pos) || in_ascii_set(p->cpts[pos], "$+<=>^~|`");
}

/* [^(\s|.,!?…。，、।۔،)]: BLOOM's word characters (the parentheses and bar are inside the class). */
static bool is_bloom_char(const piece_t *p, size_t pos)
{
    static const uint32_t stops[] = { '(', '|', '.', ',', '!', '?', ')', 0x2026, 0x3002, 0xFF0C, 0x3001, 0x0964, 0x06D4, 0x060C };
    uint32_t cp = pretok_wide_cpt(p, pos);
    if (unicode_is_whitespace(cp))
        return false;
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        if (cp == stops[i])
            return false;
    }
    return true;
}

/* Whether the piece has the ASCII text lit at pos. */
static bool has_text(const piece_t *p, size_t pos, const char *lit)
{
    for (; *lit; lit++, pos++) {
        if (pos >= p->end || p->cpts[pos] != (uint8_t)*lit)
            return false;
    }
    return true;
}

/* ---------------------------------------------------------- matches */

static size_t one_number(const piece_t *p, size_t pos)
{
    return is_number(p, pos) ? 1 : 0;
}

static size_t digit_triple(const piece_t *p, size_t pos)
{
    bool three = pos + 2 < p->end && is_ascii_digit(p, pos) && is_ascii_digit(p, pos + 1) &&
                 is_ascii_digit(p, pos + 2);
    return three ? 3 : 0;
}

static size_t one_newline(const piece_t *p, size_t pos)
{
    return p->cpts[pos] == '\r' || p->cpts[pos] == '\n' ? 1 : 0;
}

static size_t newline_or_not(const piece_t *p, size_t pos)
{
    return pretok_run_of(p, pos, is_newline(p, pos) ? is_newline : not_newline);
}

/* " ?[^(\s|.,!?…。，、।۔،)]+": a literal space is taken when word characters follow it. */
static size_t bloom_word(const piece_t *p, size_t pos)
{
    if (p->cpts[pos] == ' ' && pos + 1 < p->end && is_bloom_char(p, pos + 1))
        return 1 + pretok_run_of(p, pos + 1, is_bloom_char);
    return pretok_run_of(p, pos, is_bloom_char);
}

/* <sentinel:[0-9]+> */
static size_t sentinel(const piece_t *p, size_t pos)
{
    static const char head[] = "<sentinel:";
    if (!has_text(p, pos, head))
        return 0;
    size_t end = pos + sizeof head - 1, digits = pretok_run_of(p, end, is_ascii_digit);
    return digits && end + digits < p->end && p->cpts[end + digits] == '>' ? sizeof head - 1 + digits + 1 : 0;
}

/* (IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z: one to four of A-I, then Z right after them. */
static size_t image_token(const piece_t *p, size_t pos)
{
    if (!has_text(p, pos, "IMGIMG"))
        return 0;
    size_t k = 0;
    while (pos + 6 + k < p->end && p->cpts[pos + 6 + k] >= 'A' && p->cpts[pos + 6 + k] <= 'I' && k < 5)
        k++;
    return k >= 1 && k <= 4 && pos + 6 + k < p->end && p->cpts[pos + 6 + k] == 'Z' ? 6 + k + 1 : 0;
}

/* ([\t\n]|    |  ): a tab or a newline, four spaces, two spaces. */
static size_t chameleon_space(const piece_t *p, size_t pos)
{
    if (p->cpts[pos] == '\t' || p->cpts[pos] == '\n')
        return 1;
    return has_text(p, pos, "    ") ? 4 : has_text(p, pos, "  ") ? 2 : 0;
}

/* [\p{P}!-/:-@\[-`{-~]: one punctuation codepoint or ASCII symbol. */
static size_t one_punct(const piece_t *p, size_t pos)
{
    return is_punct(p, pos) || pretok_is_ascii_punct(p->cpts[pos]) ? 1 : 0;
}

static bool not_space(const piece_t *p, size_t pos)
{
    return !unicode_is_whitespace(p->cpts[pos]);
}

static size_t number_triple(const piece_t *p, size_t pos)
{
    size_t n = 0;
    while (n < 3 && pos + n < p->end && is_number(p, pos + n))
        n++; /* never the whole run: a long one would make the scan quadratic */
    return n;
}

/* ---------------------------------------------------------- steps */

void pretok_number_each(const piece_t *p, size_t start) { pretok_isolate(p, start, one_number); }
void pretok_number_runs(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_number, false); }
void pretok_digit_triples(const piece_t *p, size_t start) { pretok_isolate(p, start, digit_triple); }
void pretok_punct_default(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_punct_default, false); }
void pretok_punct_falcon(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_punct_falcon, false); }
void pretok_newline_each(const piece_t *p, size_t start) { pretok_isolate(p, start, one_newline); }
void pretok_newline_runs(const piece_t *p, size_t start) { pretok_isolate(p, start, newline_or_not); }
void pretok_space_letters(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_letter, true); }
void pretok_space_punct(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, is_punct, true); }
void pretok_bloom_words(const piece_t *p, size_t start) { pretok_isolate(p, start, bloom_word); }
void pretok_number_triples(const piece_t *p, size_t start) { pretok_isolate(p, start, number_triple); }
void pretok_sentinels(const piece_t *p, size_t start) { pretok_isolate(p, start, sentinel); }
void pretok_image_tokens(const piece_t *p, size_t start) { pretok_isolate(p, start, image_token); }
void pretok_chameleon_spaces(const piece_t *p, size_t start) { pretok_isolate(p, start, chameleon_space); }
void pretok_punct_each(const piece_t *p, size_t start) { pretok_isolate(p, start, one_punct); }
void pretok_non_space_runs(const piece_t *p, size_t start) { pretok_isolate_runs(p, start, not_space, false); }

/*
 * AFMoE's digits (also Tiny Aya's \d{1,3}(?=(?:\d{3})*\b), which llama.cpp
 * runs the same way): each run of \p{N} cut into threes from its end, the
 * leading one or two first. As llama.cpp's unicode_regex_split_custom_afmoe
 * does, the first group also takes what precedes the run since the last
 * cut ("ab 1234" gives "ab 1", "234"); what follows the last run stays whole.
 */
void pretok_digit_groups(const piece_t *p, size_t start)
{
    for (size_t pos = start; pos < p->end;) {
        if (!is_number(p, pos)) {
            pos++;
            continue;
        }
        size_t run = pretok_run_of(p, pos, is_number), end = pos + run;
        for (pos += run % 3 ? run % 3 : 3; pos <= end; pos += 3)
            pretok_cut(p, pos);
        pos = end;
    }
}

/*
 * SuperBPE's (?=(\d{3})+(?!\d)), a bare lookahead: llama.cpp's std::wregex
 * finds an empty match wherever the ASCII digits from there to the end of
 * their run are a multiple of three, and the gaps between those positions
 * become the words (the empty ones add no tokens). So each run of ASCII
 * digits is cut into threes from its end; the text before it stays whole.
 */
void pretok_digit_triples_from_end(const piece_t *p, size_t start)
{
    for (size_t pos = start; pos < p->end;) {
        if (!is_ascii_digit(p, pos)) {
            pos++;
            continue;
        }
        size_t end = pos + pretok_run_of(p, pos, is_ascii_digit);
        for (size_t cut = pos + (end - pos) % 3; cut < end; cut += 3) {
            if (cut > start)
                pretok_cut(p, cut);
        }
        pos = end;
    }
}

/* \s+$: the whitespace at the end of the piece, if any, becomes a piece of its own. */
void pretok_trailing_space(const piece_t *p, size_t start)
{
    size_t t = p->end;
    while (t > start && unicode_is_whitespace(p->cpts[t - 1]))
        t--;
    if (t > start && t < p->end)
        pretok_cut(p, t);
}

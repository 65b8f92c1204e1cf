/*
 * What the pre-tokenizer's files share (internal to llm/tokenizer/): a piece
 * of the codepoints that one expression works on, and the marks through
 * which every expression of a kind's list refines the pieces the previous
 * one left. marks[i] != 0 means a piece ends after codepoint i.
 */
#ifndef LLM_TOKENIZER_PRETOK_INTERNAL_H
#define LLM_TOKENIZER_PRETOK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct piece {
    const uint32_t *cpts;
    size_t end;         /* one past the last codepoint of the piece */
    bool marks_letters; /* \p{M} counts with \p{L} (Qwen3.5) */
    uint32_t *marks;
} piece_t;

/* Ends a word at end (exclusive): marks codepoint end - 1. */
static inline void pretok_cut(const piece_t *p, size_t end)
{
    p->marks[end - 1] = 1;
}

/*
 * One expression of a list: splits the piece from start to p->end by
 * marking the ends of its matches and of the gaps between them.
 */
typedef void (*pretok_step_fn)(const piece_t *p, size_t start);

/* ---- the classes the custom-scanner expressions tell apart (pretokenize.c) ---- */

/* \p{L} (with \p{M} when the piece says so), \p{N}, \s, anything else, and "past the piece". */
typedef enum pretok_cls { CLS_END, CLS_LETTER, CLS_NUMBER, CLS_SPACE, CLS_OTHER } pretok_cls_t;

pretok_cls_t pretok_cls_at(const piece_t *p, size_t pos);

/* First position at or after pos not of class c. */
size_t pretok_skip_cls(const piece_t *p, size_t pos, pretok_cls_t c);

static inline bool pretok_is_newline(uint32_t cp)
{
    return cp == '\r' || cp == '\n';
}

/*
 * 's|'t|'re|'ve|'m|'ll|'d at pos (the piece's end included): the match
 * length (2 or 3), or 0. With fold, the letters match in either case
 * (llama.cpp lowercases them with unicode_tolower, which only ASCII
 * capitals map to these letters with).
 */
size_t pretok_contraction_len(const piece_t *p, size_t pos, bool fold);

/*
 * The whitespace alternatives at pos: \s*[\r\n]+ when newlines count
 * (the run up to its last newline); \s+(?!\S) (the run, or all but its
 * last codepoint when something follows it in the piece: that codepoint
 * then starts the next word); \s+ and the no-match gap (whatever is left,
 * at least one codepoint). Returns the end.
 */
size_t pretok_space_end(const piece_t *p, size_t pos, bool newlines);

/* " ?[^\s\p{L}\p{N}]+" at pos: the end of the run, or 0 when none starts there. */
size_t pretok_symbols_end(const piece_t *p, size_t pos);

/* ---- leftmost-first scanning of the std::regex expressions (pretok_isolate.c) ---- */

typedef size_t (*pretok_match_fn)(const piece_t *p, size_t pos); /* the match's length at pos, 0: none */
typedef bool (*pretok_class_fn)(const piece_t *p, size_t pos);   /* pos < p->end */

/* Cuts the piece from start at the ends of every match and of the gaps between them. */
void pretok_isolate(const piece_t *p, size_t start, pretok_match_fn match);
/* The same with the runs of a class for matches: C+, or \s?C+ with space. */
void pretok_isolate_runs(const piece_t *p, size_t start, pretok_class_fn in_class, bool space);
bool pretok_has_flag(const piece_t *p, size_t pos, unsigned flag); /* false past the piece */
/* The codepoint std::wregex sees: a non-ASCII whitespace codepoint is U+000B there. */
uint32_t pretok_wide_cpt(const piece_t *p, size_t pos);
size_t pretok_run_of(const piece_t *p, size_t pos, pretok_class_fn in_class); /* length of the run at pos */
/* \s?C+ at pos: a whitespace codepoint is taken when a run of the class follows it. */
size_t pretok_space_then_run(const piece_t *p, size_t pos, pretok_class_fn in_class);
/* [!-/:-@\[-`{-~]: an ASCII punctuation or symbol codepoint. */
bool pretok_is_ascii_punct(uint32_t cp);
/* Whether cp is in one of n sorted, disjoint [first, last] ranges. */
bool pretok_in_ranges(uint32_t cp, const uint32_t (*ranges)[2], size_t n);

/* The GPT-4o family (pretok_cased.c). */
void pretok_gpt4o_words(const piece_t *p, size_t start);      /* GPT-4o, Llama 4, MiniMax M2 */
void pretok_tekken_words(const piece_t *p, size_t start);     /* no contractions, \p{N} */
void pretok_granite_words(const piece_t *p, size_t start);    /* marks are cased letters */
void pretok_tiny_aya_words(const piece_t *p, size_t start);   /* letters and marks caseless */
void pretok_youtu_words(const piece_t *p, size_t start);      /* as Tiny Aya with \p{N} */

/* The expressions llama.cpp runs through std::regex / std::wregex (pretok_isolate.c, pretok_scripts.c). */
void pretok_number_each(const piece_t *p, size_t start);      /* \p{N} */
void pretok_number_runs(const piece_t *p, size_t start);      /* \p{N}+ */
void pretok_digit_triples(const piece_t *p, size_t start);    /* [0-9][0-9][0-9] */
void pretok_punct_default(const piece_t *p, size_t start);    /* [\p{P}\$\+<=>\^~\|]+ */
void pretok_punct_falcon(const piece_t *p, size_t start);     /* [\p{P}\$\+<=>\^~\|`]+ */
void pretok_newline_each(const piece_t *p, size_t start);     /* [\r\n] */
void pretok_newline_runs(const piece_t *p, size_t start);     /* [^\n]+|[\n]+ */
void pretok_space_letters(const piece_t *p, size_t start);    /* \s?\p{L}+ */
void pretok_space_punct(const piece_t *p, size_t start);      /* \s?\p{P}+ */
void pretok_cjk_runs(const piece_t *p, size_t start);         /* [一-龥ࠀ-一가-퟿]+ */
void pretok_space_cased(const piece_t *p, size_t start);      /* deepseek-llm's \s?[A-Za-zµÀ-ÖØ-ö...]+ */
void pretok_space_symbols(const piece_t *p, size_t start);    /* \s?[!-/:-~！-／：-～‘-‟　-。]+ */
void pretok_trailing_space(const piece_t *p, size_t start);   /* \s+$ */
void pretok_bloom_words(const piece_t *p, size_t start);      /* " ?[^(\s|.,!?…。，、।۔،)]+" */
void pretok_number_triples(const piece_t *p, size_t start);   /* \p{N}{1,3} */
void pretok_kana_cjk_runs(const piece_t *p, size_t start);    /* [一-龥぀-ゟ゠-ヿ]+ */
void pretok_deepseek3_words(const piece_t *p, size_t start);  /* DeepSeek V3's third expression */
void pretok_spark_words(const piece_t *p, size_t start);      /* Spark 2.5's variant of it */
void pretok_asian_runs(const piece_t *p, size_t start);       /* AFMoE's CJK and Asian scripts, runs */
void pretok_youtu_runs(const piece_t *p, size_t start);       /* Youtu's Hangul, CJK punctuation, Bopomofo, CJK runs */
void pretok_digit_groups(const piece_t *p, size_t start);     /* \p{AFMoE_digits}: digits in threes from the right */
void pretok_sentinels(const piece_t *p, size_t start);        /* <sentinel:[0-9]+> */
void pretok_image_tokens(const piece_t *p, size_t start);     /* (IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z */
void pretok_chameleon_spaces(const piece_t *p, size_t start); /* ([\t\n]|    |  ) */
void pretok_punct_each(const piece_t *p, size_t start);       /* [\p{P}!-/:-@\[-`{-~] */
void pretok_digit_triples_from_end(const piece_t *p, size_t start); /* (?=(\d{3})+(?!\d)) */
void pretok_non_space_runs(const piece_t *p, size_t start);   /* \S+ */

#endif

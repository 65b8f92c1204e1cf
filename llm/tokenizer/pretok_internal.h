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

/*
 * The whitespace alternatives at pos (pretokenize.c): \s*[\r\n]+ when
 * newlines count (up to the run's last newline), \s+(?!\S), \s+; the end.
 */
size_t pretok_space_end(const piece_t *p, size_t pos, bool newlines);

/* The expressions llama.cpp runs through std::regex / std::wregex (pretok_isolate.c). */
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

#endif

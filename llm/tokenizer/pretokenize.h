/*
 * Pre-tokenizers of byte-level BPE vocabularies: how llama.cpp cuts text
 * into words before BPE merges run inside each word, for the
 * tokenizer.ggml.pre families that share the GPT-2, SmolLM, LLaMA-3 and
 * Qwen2 regexes. Works on codepoints (decode with utf8_to_cpts first, as
 * llama.cpp does) and only reports word boundaries; the GPT-2 byte mapping
 * and the merges are the tokenizer's job. No allocation, linear time.
 */
#ifndef LLM_TOKENIZER_PRETOKENIZE_H
#define LLM_TOKENIZER_PRETOKENIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One kind per distinct regex list in llama.cpp's llm_tokenizer_bpe (each
 * applied in order, every expression splitting the pieces the previous one
 * made; text a regex does not match stays a piece of its own):
 *   PRETOK_GPT2    's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
 *   PRETOK_SMOLLM  \p{N}   then the GPT-2 expression (every digit a word)
 *   PRETOK_LLAMA3  (?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+
 *                  |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *   PRETOK_QWEN2   the LLaMA-3 expression with \p{N} (single digits) for \p{N}{1,3}
 * \p{L}, \p{N} and \s are unicode_flags()'s LETTER, NUMBER and WHITESPACE.
 */
typedef enum pretok_kind { PRETOK_GPT2, PRETOK_SMOLLM, PRETOK_LLAMA3, PRETOK_QWEN2 } pretok_kind_t;

/*
 * Maps a tokenizer.ggml.pre value (name[0..len), not NUL-terminated) to the
 * kind whose regexes llama.cpp uses for it: every name llama.cpp maps to one
 * of these four regex lists (e.g. "gpt-2", "olmo", "smollm", "starcoder",
 * "llama-bpe", "llama3", "dbrx", "qwen2", "stablelm2"), plus "gpt2". Only the
 * split follows from the kind: llama.cpp's per-name settings (add_bos,
 * ignore_merges, clean_spaces, ...) are the caller's. False for other names.
 */
bool pretok_kind_from_name(const char *name, size_t len, pretok_kind_t *out);

/* A short constant name of the kind ("gpt2", "smollm", "llama3", "qwen2"); never NULL. */
const char *pretok_kind_name(pretok_kind_t kind);

/*
 * Splits cpts[0..n) (n < 2^32) into words exactly as llama.cpp's
 * unicode_regex_split does for kind, writing each word's end index
 * (exclusive, increasing, the last one n) into ends[0 .. result). Words are
 * never empty, so ends needs room for n entries; n == 0 gives no words.
 */
size_t pretok_split(pretok_kind_t kind, const uint32_t *cpts, size_t n, uint32_t *ends);

#endif

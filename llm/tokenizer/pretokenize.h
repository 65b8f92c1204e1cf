/*
 * Pre-tokenizers of BPE vocabularies: how llama.cpp cuts text into words
 * before BPE merges run inside each word, for the tokenizer.ggml.pre
 * families whose regex lists are listed below. Works on codepoints (decode with utf8_to_cpts first, as
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
 *   PRETOK_QWEN35  the Qwen2 expression with [\p{L}\p{M}]+ for \p{L}+ and [^\s\p{L}\p{M}\p{N}] for
 *                  [^\s\p{L}\p{N}] (combining marks join letters)
 *   PRETOK_DEFAULT [\p{P}\$\+<=>\^~\|]+, GPT-2, \p{N}+, [0-9][0-9][0-9] (no or "default" name)
 *   PRETOK_FALCON  [\p{P}\$\+<=>\^~\|`]+, GPT-2, [0-9][0-9][0-9]
 *   PRETOK_DEEPSEEK_CODER  [\r\n], \s?\p{L}+, \s?\p{P}+, [U+4E00-U+9FA5 U+0800-U+4E00 U+AC00-U+D7FF]+, \p{N}
 *   PRETOK_DEEPSEEK_LLM    [\r\n], \s?[87 ranges of cased letters]+, \s?[!-/:-~ U+FF01-U+FF0F U+FF1A-U+FF5E
 *                  U+2018-U+201F U+3000-U+3002]+, \s+$, the CJK runs as deepseek-coder, \p{N}+
 *   PRETOK_NEWLINES        [^\n]+|[\n]+ (Gemma 4's SPM-style BPE: runs of newlines and the rest)
 *   PRETOK_LAGUNA          [^\n]+|[\n]+, then the Qwen2 expression
 *   PRETOK_BLOOM           " ?[^(\s|.,!?…。，、।۔،)]+" (BLOOM, Poro, GPT-3 Finnish)
 *   PRETOK_VIKING          the BLOOM expression, then \p{N}
 *   PRETOK_DEEPSEEK3       \p{N}{1,3}, [U+4E00-U+9FA5 U+3040-U+30FF]+, then
 *                  [!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+
 *                  | ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *   PRETOK_GPT4O   [^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))*((?=[\p{L}])([^A-Z]))+(contraction)?
 *                  |[^\r\n\p{L}\p{N}]?((?=[\p{L}])([^a-z]))+((?=[\p{L}])([^A-Z]))*(contraction)?
 *                  |\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
 *                  (letters have a case only in ASCII, as in llama.cpp's collapsed text)
 *   PRETOK_TEKKEN  the GPT-4o expression without contractions and with \p{N}
 *   PRETOK_UFAKZEKA    the Qwen2 expression without its contractions
 *   PRETOK_SEED_CODER  the Qwen2 expression without [\r\n]* after other codepoints
 *   PRETOK_MINICPM5    \p{N}{1,3}, then the LLaMA-3 expression (with \p{N}+, the same on those pieces)
 *   PRETOK_SPARK       \p{N}{1,3}, the DeepSeek V3 runs, its expression with " ?[\p{P}\p{S}]+" and
 *                      [\r\n] for the two newline alternatives, then \p{N}
 *   PRETOK_GRANITE     the GPT-4o expression with (?=[\p{L}\p{M}]): marks are cased letters
 *   PRETOK_TINY_AYA    digits in threes from the right, then the GPT-4o expression with
 *                      \p{Lu}.. and \p{Ll}.. classes (one class once collapsed: letters and marks)
 *   PRETOK_YOUTU       [가-힣ㄱ-ㆎ]+|[！…“”‘’—：；，、-〿︰-﹏]+|[ㄅ-ㄯ]+|[一-龥぀-ゟ゠-ヿ]+, then Tiny Aya's
 *                      expression with \p{N}
 *   PRETOK_AFMOE       digits in threes from the right, runs of CJK and other Asian scripts,
 *                      then DeepSeek V3's third expression
 *   PRETOK_JAIS2       the LLaMA-3 expression with \s{512}(?!\S)|\s{256}(?!\S)|...|\s{4}(?!\S)
 *                      |\s{1,2}(?!\S)|\s{1} after \s*[\r\n]+
 *   PRETOK_EXAONE_MOE  contractions|[^\r\n\p{L}\p{N}]?(?:\p{L}\p{M}*(?: \p{L}\p{M}*)*)+|\p{N}
 *                      | ?[^\s\p{L}\p{N}]+[\r\n/]?|\s*[\r\n]|\s+(?!\S)|\s+
 *   PRETOK_CHAMELEON   <sentinel:[0-9]+>, (IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z, ([\t\n]|    |  ),
 *                      \p{N}, [\p{P}!-/:-@\[-`{-~], then GPT-2
 *   PRETOK_SUPERBPE    \p{N}+, then (?=(\d{3})+(?!\d)) (ASCII digits in threes from the end)
 *   PRETOK_WHITESPACE  \S+ (runs of anything but whitespace)
 *   PRETOK_KIMI_K2     llama.cpp's hand-written Kimi K2 splitter: Han runs, letters but Han with a
 *                      prefix and a contraction after, \p{N}{1,3}, the LLaMA-3 rest
 * (bailingmoe's expression splits as Qwen2's: its \s*[\r\n] ends where \s*[\r\n]+ does.)
 * \p{L}, \p{N}, \p{P}, \p{M} and \s are unicode_flags()'s LETTER, NUMBER,
 * PUNCTUATION, ACCENT_MARK and WHITESPACE (as llama.cpp's category-collapsed
 * std::regex sees them); the bracket ranges without \p{..} are plain
 * codepoint ranges in which, as in llama.cpp's std::wregex, a non-ASCII
 * whitespace codepoint never matches (it stands for U+000B there).
 */
typedef enum pretok_kind {
    PRETOK_GPT2,
    PRETOK_SMOLLM,
    PRETOK_LLAMA3,
    PRETOK_QWEN2,
    PRETOK_QWEN35,
    PRETOK_DEFAULT,
    PRETOK_FALCON,
    PRETOK_DEEPSEEK_CODER,
    PRETOK_DEEPSEEK_LLM,
    PRETOK_NEWLINES,
    PRETOK_LAGUNA,
    PRETOK_BLOOM,
    PRETOK_VIKING,
    PRETOK_DEEPSEEK3,
    PRETOK_GPT4O,
    PRETOK_TEKKEN,
    PRETOK_UFAKZEKA,
    PRETOK_SEED_CODER,
    PRETOK_MINICPM5,
    PRETOK_SPARK,
    PRETOK_GRANITE,
    PRETOK_TINY_AYA,
    PRETOK_YOUTU,
    PRETOK_AFMOE,
    PRETOK_JAIS2,
    PRETOK_EXAONE_MOE,
    PRETOK_CHAMELEON,
    PRETOK_SUPERBPE,
    PRETOK_WHITESPACE,
    PRETOK_KIMI_K2,
} pretok_kind_t;

#define PRETOK_KIND_COUNT 30

/*
 * What llama.cpp (llama-vocab.cpp's load) sets for a tokenizer.ggml.pre
 * name beside the split: defaults the file's own keys may override, and
 * behaviour of the BPE tokenizer and its detokenizer.
 */
typedef struct pretok_name_info {
    pretok_kind_t kind;
    bool ignore_merges; /* a word that is a whole token is that token, before any merge */
    bool clean_spaces;  /* the detokenizer's clean_up_tokenization_spaces passes */
    bool add_bos;       /* default of tokenizer.ggml.add_bos_token */
    bool no_bos;        /* no default BOS token (chatglm-bpe, glm4, glm5) */
    bool escape_spaces; /* SPM-style BPE: spaces become U+2581, words stay raw UTF-8 (no GPT-2 byte map) */
    bool raw_utf8;      /* words stay raw UTF-8 without escaping spaces ("whitespace") */
    bool no_lowercase;  /* the normalizer's lowercase defaults to off ("whitespace") */
    bool merges_optional; /* a file without tokenizer.ggml.merges loads ("kimi-k2") */
    bool gemma4;        /* Gemma 4's rules: add_bos forced on; a word of newlines that is a token is that token */
} pretok_name_info_t;

/*
 * Looks up a tokenizer.ggml.pre value (name[0..len), not NUL-terminated)
 * among the names llama.cpp maps to one of the kinds above (pretok_names.c
 * lists them with llama.cpp's enum for each; e.g. "gpt-2", "olmo",
 * "smollm", "starcoder", "llama-bpe", "qwen2", "qwen35", "falcon",
 * "deepseek-coder", "deepseek-llm", "gemma4", "default"), plus "gpt2".
 * False for other names, including the ones llama.cpp maps to regex lists
 * we do not implement.
 */
bool pretok_info_from_name(const char *name, size_t len, pretok_name_info_t *out);

/* The kind alone of pretok_info_from_name. */
bool pretok_kind_from_name(const char *name, size_t len, pretok_kind_t *out);

/* A short constant name of the kind ("gpt2", "smollm", "llama3", "qwen2", "qwen35", "default", ...); never NULL. */
const char *pretok_kind_name(pretok_kind_t kind);

/*
 * Splits cpts[0..n) (n < 2^32) into words exactly as llama.cpp's
 * unicode_regex_split does for kind, writing each word's end index
 * (exclusive, increasing, the last one n) into ends[0 .. result). Words are
 * never empty, so ends needs room for n entries; n == 0 gives no words.
 */
size_t pretok_split(pretok_kind_t kind, const uint32_t *cpts, size_t n, uint32_t *ends);

#endif

/*
 * The pre-tokenizer regexes of llm/tokenizer/pretokenize.h as hand-written scanners.
 * llama.cpp runs the GPT-2 and LLaMA-3 expressions through hand-written code
 * (unicode_regex_split_custom_*) and the others (SmolLM's \p{N}, Qwen2's
 * expression) through std::regex over text whose non-ASCII codepoints are
 * collapsed to one byte per category. All of them behave as the regex with
 * leftmost-first alternation and greedy backtracking would, given llama.cpp's
 * flags, so each scanner here follows the regex alternatives in order, at
 * each position taking the first that matches. Text no alternative matches
 * becomes a word of its own, as llama.cpp keeps the gaps between matches.
 *
 * A "piece" is the range one expression works on: its ends act as the ends
 * of the text (lookahead (?!\S) succeeds there, nothing reaches across).
 */
#include "llm/tokenizer/pretokenize.h"

#include "llm/platform.h"
#include "llm/tokenizer/unicode.h"

typedef struct piece {
    const uint32_t *cpts;
    size_t end; /* one past the last codepoint of the piece */
} piece_t;

typedef struct words {
    uint32_t *ends;
    size_t n;
} words_t;

static void emit(words_t *w, size_t end)
{
    w->ends[w->n++] = (uint32_t)end;
}

/* What the regexes tell apart: \p{L}, \p{N}, \s, anything else, and "past the piece". */
typedef enum cls { CLS_END, CLS_LETTER, CLS_NUMBER, CLS_SPACE, CLS_OTHER } cls_t;

static cls_t cls_at(const piece_t *p, size_t pos)
{
    if (pos >= p->end)
        return CLS_END;
    unsigned f = unicode_flags(p->cpts[pos]);
    if (f & UNICODE_LETTER)
        return CLS_LETTER;
    if (f & UNICODE_NUMBER)
        return CLS_NUMBER;
    return (f & UNICODE_WHITESPACE) ? CLS_SPACE : CLS_OTHER;
}

/* First position at or after pos not of class c. */
static size_t skip_cls(const piece_t *p, size_t pos, cls_t c)
{
    while (cls_at(p, pos) == c)
        pos++;
    return pos;
}

static bool is_newline(uint32_t cp)
{
    return cp == '\r' || cp == '\n';
}

/*
 * 's|'t|'re|'ve|'m|'ll|'d at pos: the match length (2 or 3), or 0. With
 * fold, the letters match in either case (llama.cpp lowercases them with
 * unicode_tolower, which only ASCII capitals map to these letters with).
 */
static size_t contraction_len(const piece_t *p, size_t pos, bool fold)
{
    if (p->cpts[pos] != '\'' || pos + 1 >= p->end)
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

/*
 * The whitespace alternatives at pos. \s*[\r\n]+ (only when newlines
 * count) takes the run up to its last newline; \s+(?!\S) takes the run, or
 * all but its last codepoint when something follows it in the piece (that
 * codepoint then starts the next word); \s+ and the no-match gap take
 * whatever is left, at least one codepoint.
 */
static size_t space_end(const piece_t *p, size_t pos, bool newlines)
{
    size_t end = pos, after_newline = 0;
    while (cls_at(p, end) == CLS_SPACE) {
        if (is_newline(p->cpts[end]))
            after_newline = end + 1;
        end++;
    }
    if (newlines && after_newline)
        return after_newline;
    if (end - pos > 1 && end < p->end)
        return end - 1;
    return end > pos ? end : pos + 1;
}

/* The end of the word at pos under 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S). */
static size_t gpt2_word_end(const piece_t *p, size_t pos)
{
    size_t n = contraction_len(p, pos, false);
    if (n)
        return pos + n;
    size_t body = p->cpts[pos] == ' ' ? pos + 1 : pos; /* after the optional space */
    cls_t c = cls_at(p, body);
    if (c == CLS_LETTER || c == CLS_NUMBER || c == CLS_OTHER)
        return skip_cls(p, body, c);
    return space_end(p, pos, false);
}

/*
 * The end of the word at pos under the LLaMA-3 expression with
 * \p{N}{1,max_digits}: (?:'[sS]|...)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
 * | ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 */
static size_t llama3_word_end(const piece_t *p, size_t pos, size_t max_digits)
{
    size_t n = contraction_len(p, pos, true);
    if (n)
        return pos + n;
    uint32_t cp = p->cpts[pos];
    cls_t c = cls_at(p, pos);
    if (c != CLS_NUMBER && !is_newline(cp) && (c == CLS_LETTER || cls_at(p, pos + 1) == CLS_LETTER))
        return skip_cls(p, pos + 1, CLS_LETTER); /* a letter or one prefix codepoint, then letters */
    if (c == CLS_NUMBER) {
        size_t end = pos + 1;
        while (end - pos < max_digits && cls_at(p, end) == CLS_NUMBER)
            end++;
        return end;
    }
    size_t body = cp == ' ' ? pos + 1 : pos; /* after the optional space */
    if (cls_at(p, body) != CLS_OTHER)
        return space_end(p, pos, true);
    size_t end = skip_cls(p, body, CLS_OTHER);
    while (end < p->end && is_newline(p->cpts[end]))
        end++;
    return end;
}

static void split_gpt2(const piece_t *p, size_t pos, words_t *w)
{
    while (pos < p->end) {
        pos = gpt2_word_end(p, pos);
        emit(w, pos);
    }
}

static void split_llama3(const piece_t *p, size_t max_digits, words_t *w)
{
    for (size_t pos = 0; pos < p->end;) {
        pos = llama3_word_end(p, pos, max_digits);
        emit(w, pos);
    }
}

/* \p{N} (every number codepoint its own piece), then GPT-2 inside each piece between them. */
static void split_smollm(const uint32_t *cpts, size_t n, words_t *w)
{
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !unicode_is_number(cpts[i]))
            continue;
        if (i > start) {
            piece_t gap = { cpts, i };
            split_gpt2(&gap, start, w);
        }
        if (i < n)
            emit(w, i + 1);
        start = i + 1;
    }
}

size_t pretok_split(pretok_kind_t kind, const uint32_t *cpts, size_t n, uint32_t *ends)
{
    words_t w = { ends, 0 };
    piece_t all = { cpts, n };
    switch (kind) {
    case PRETOK_GPT2:
        split_gpt2(&all, 0, &w);
        break;
    case PRETOK_SMOLLM:
        split_smollm(cpts, n, &w);
        break;
    case PRETOK_LLAMA3:
        split_llama3(&all, 3, &w);
        break;
    case PRETOK_QWEN2:
        split_llama3(&all, 1, &w);
        break;
    }
    return w.n;
}

/* ------------------------------------------------------------ names */

/* Each tokenizer.ggml.pre value llama.cpp (llama-vocab.cpp) gives one of our regex lists. */
static const struct {
    const char *name;
    pretok_kind_t kind;
} pretok_names[] = {
    /* LLAMA_VOCAB_PRE_TYPE_GPT2, _MPT, _OLMO, _JAIS, _TRILLION, _GRANITE_DOCLING ("gpt2" is ours) */
    { "gpt2", PRETOK_GPT2 }, { "gpt-2", PRETOK_GPT2 }, { "phi-2", PRETOK_GPT2 },
    { "jina-es", PRETOK_GPT2 }, { "jina-de", PRETOK_GPT2 }, { "gigachat", PRETOK_GPT2 },
    { "jina-v2-es", PRETOK_GPT2 }, { "jina-v2-de", PRETOK_GPT2 }, { "a.x-4.0", PRETOK_GPT2 },
    { "mellum", PRETOK_GPT2 }, { "modern-bert", PRETOK_GPT2 }, { "exaone4", PRETOK_GPT2 },
    { "jina-v1-en", PRETOK_GPT2 }, { "jina-v2-code", PRETOK_GPT2 }, { "roberta-bpe", PRETOK_GPT2 },
    { "mpt", PRETOK_GPT2 }, { "olmo", PRETOK_GPT2 }, { "jais", PRETOK_GPT2 },
    { "trillion", PRETOK_GPT2 }, { "granite-docling", PRETOK_GPT2 },
    /* _SMOLLM, _STARCODER, _REFACT, _COMMAND_R, _CODESHELL, _EXAONE, _MINERVA, _MELLUM2 */
    { "smollm", PRETOK_SMOLLM }, { "starcoder", PRETOK_SMOLLM }, { "refact", PRETOK_SMOLLM },
    { "command-r", PRETOK_SMOLLM }, { "codeshell", PRETOK_SMOLLM }, { "exaone", PRETOK_SMOLLM },
    { "minerva-7b", PRETOK_SMOLLM }, { "mellum2", PRETOK_SMOLLM },
    /* _LLAMA3, _DBRX, _SMAUG, _CHATGLM4 */
    { "llama3", PRETOK_LLAMA3 }, { "llama-v3", PRETOK_LLAMA3 }, { "llama-bpe", PRETOK_LLAMA3 },
    { "falcon3", PRETOK_LLAMA3 }, { "falcon-h1", PRETOK_LLAMA3 }, { "pixtral", PRETOK_LLAMA3 },
    { "midm-2.0", PRETOK_LLAMA3 }, { "lfm2", PRETOK_LLAMA3 }, { "jina-v5-nano", PRETOK_LLAMA3 },
    { "dbrx", PRETOK_LLAMA3 }, { "smaug-bpe", PRETOK_LLAMA3 }, { "glm4", PRETOK_LLAMA3 },
    { "chatglm-bpe", PRETOK_LLAMA3 },
    /* _QWEN2, _STABLELM2, _HUNYUAN, _SOLAR_OPEN, _GROK_2 */
    { "qwen2", PRETOK_QWEN2 }, { "deepseek-r1-qwen", PRETOK_QWEN2 }, { "kormo", PRETOK_QWEN2 },
    { "f2llmv2", PRETOK_QWEN2 }, { "megrez", PRETOK_QWEN2 }, { "stablelm2", PRETOK_QWEN2 },
    { "hunyuan", PRETOK_QWEN2 }, { "solar-open", PRETOK_QWEN2 }, { "grok-2", PRETOK_QWEN2 },
};

bool pretok_kind_from_name(const char *name, size_t len, pretok_kind_t *out)
{
    for (size_t i = 0; i < sizeof pretok_names / sizeof pretok_names[0]; i++) {
        const char *candidate = pretok_names[i].name;
        if (strlen(candidate) == len && memcmp(candidate, name, len) == 0) {
            *out = pretok_names[i].kind;
            return true;
        }
    }
    return false;
}

const char *pretok_kind_name(pretok_kind_t kind)
{
    switch (kind) {
    case PRETOK_GPT2:
        return "gpt2";
    case PRETOK_SMOLLM:
        return "smollm";
    case PRETOK_LLAMA3:
        return "llama3";
    case PRETOK_QWEN2:
        return "qwen2";
    }
    return "unknown";
}

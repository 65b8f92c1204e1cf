/*
 * WordPiece, as llama.cpp's llm_tokenizer_wpm_session (BERT vocabularies,
 * tokenizer.ggml.model "bert"): the text is cut into words at whitespace;
 * NUL, U+FFFD and control characters are dropped; with strip_accents each
 * codepoint becomes the first codepoint of its NFD form and combining marks
 * are dropped; with lowercase each is lowercased; punctuation, ASCII
 * symbols and CJK ideographs are words of one character. Each word, behind
 * U+2581 (llama.cpp's converter writes word-initial pieces that way and
 * continuations without BERT's "##"), is covered by the longest token at
 * each byte position; a word no tokens cover is the unknown token.
 */
#include "llm/tokenizer/tok_output.h"
#include "llm/tokenizer/unicode.h"

#define PHANTOM_SPACE "\xe2\x96\x81" /* U+2581, the start of every word */
#define PHANTOM_BYTES 3

/* The CJK ranges llama.cpp's is_chinese_char tests (with its 0x2B920 for 0x2B820, as Hugging Face's). */
static bool is_chinese(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF) ||
           (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) ||
           (cp >= 0x2B920 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

/* Greedy longest match over word[0 .. len) (the phantom space included). */
static void match_word(const tok_vocab_t *v, const char *word, uint32_t len, tok_output_t *o)
{
    size_t first = o->n;
    for (uint32_t i = 0; i < len;) {
        uint32_t id = 0;
        uint32_t j = len - i > v->max_token_len ? i + v->max_token_len : len; /* longer texts are no token */
        while (j > i && !str_index_find(&v->by_text, word + i, j - i, &id))
            j--;
        if (j == i) {
            o->n = first; /* a position no token starts: the whole word is unknown */
            break;
        }
        tok_output_push(o, (int32_t)id);
        i = j;
    }
    if (o->n == first && v->unk != TOK_NONE)
        tok_output_push(o, v->unk);
}

typedef struct word {
    char *buf;    /* PHANTOM_SPACE, then the word's UTF-8 */
    uint32_t len; /* bytes, PHANTOM_BYTES when empty */
} word_t;

static void finish(const tok_vocab_t *v, word_t *w, tok_output_t *o)
{
    if (w->len > PHANTOM_BYTES)
        match_word(v, w->buf, w->len, o);
    w->len = PHANTOM_BYTES;
}

static void append(word_t *w, uint32_t cp)
{
    w->len += (uint32_t)utf8_encode(cp, (uint8_t *)w->buf + w->len);
}

err_code_t tok_wpm_piece(const tok_vocab_t *v, const char *text, uint32_t len, tok_output_t *o, arena_t *arena,
                         err_t *err)
{
    uint32_t *cpts = arena_alloc_array(arena, len ? len : 1, sizeof *cpts, 0, err);
    word_t w = { arena_alloc(arena, 4 * (size_t)len + PHANTOM_BYTES, 1, err), PHANTOM_BYTES };
    if (!cpts || !w.buf)
        return ERR_NOMEM;
    memcpy(w.buf, PHANTOM_SPACE, PHANTOM_BYTES);
    size_t n = utf8_to_cpts((const uint8_t *)text, len, cpts);
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = v->strip_accents ? unicode_nfd_first(cpts[i]) : cpts[i];
        unsigned f = unicode_flags(cp);
        if (f & UNICODE_WHITESPACE) {
            finish(v, &w, o);
            continue;
        }
        if (cp == 0 || cp == UNICODE_REPLACEMENT || (f & UNICODE_CONTROL))
            continue;
        if (v->strip_accents && (f & UNICODE_ACCENT_MARK))
            continue;
        uint32_t out = v->lowercase ? unicode_tolower(cp) : cp;
        if ((f & UNICODE_PUNCTUATION) || (cp < 0x7F && (f & UNICODE_SYMBOL)) || is_chinese(cp)) {
            finish(v, &w, o); /* a word of its own */
            append(&w, out);
            finish(v, &w, o);
        } else {
            append(&w, out);
        }
    }
    finish(v, &w, o);
    return ERR_OK;
}

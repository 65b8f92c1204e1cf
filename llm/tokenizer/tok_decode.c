/*
 * Token ids back to text (see tokenizer.h): one token's bytes, a whole
 * sequence as llama.cpp's detokenizer renders it, and the streaming decoder
 * that holds back incomplete UTF-8 so a console never shows half a
 * character.
 */
#include "llm/tokenizer/tokenizer.h"
#include "llm/tokenizer/unicode.h"

typedef struct sink {
    char *buf;
    size_t size;
    size_t n;        /* bytes produced, written or not */
    bool skip_space; /* drop the next byte if it is a space (SentencePiece's prefix) */
} sink_t;

static void put(sink_t *s, const void *p, size_t n)
{
    if (s->skip_space && n > 0) {
        s->skip_space = false;
        if (*(const char *)p == ' ') {
            p = (const char *)p + 1;
            n--;
        }
    }
    if (s->n < s->size)
        memcpy(s->buf + s->n, p, n < s->size - s->n ? n : s->size - s->n);
    s->n += n;
}

/* SentencePiece text: U+2581 back to a space. */
static void put_spm_text(sink_t *s, str_view_t t)
{
    for (size_t i = 0; i < t.len; i++) {
        if (t.len - i >= 3 && (uint8_t)t.ptr[i] == 0xe2 && (uint8_t)t.ptr[i + 1] == 0x96 &&
            (uint8_t)t.ptr[i + 2] == 0x81) {
            put(s, " ", 1);
            i += 2;
        } else {
            put(s, t.ptr + i, 1);
        }
    }
}

/*
 * Byte-level text: each character of GPT-2's alphabet back to its byte. A
 * character outside it (bad UTF-8 read as U+FFFD) comes out as llama.cpp's
 * llama_decode_text writes it: "[UNK_BYTE_0x", its UTF-8 in lowercase hex,
 * the whole token text, "]" (command-r has 1403 such tokens, e.g. U+200D).
 */
static void put_bpe_text(sink_t *s, str_view_t t)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0, step; i < t.len; i += step) {
        uint32_t cp = utf8_decode((const uint8_t *)t.ptr + i, t.len - i, &step);
        if (cp == UNICODE_INVALID)
            cp = UNICODE_REPLACEMENT;
        int b = unicode_cpt_to_byte(cp);
        if (b >= 0) {
            uint8_t byte = (uint8_t)b;
            put(s, &byte, 1);
            continue;
        }
        uint8_t utf8[4];
        size_t n = utf8_encode(cp, utf8);
        put(s, "[UNK_BYTE_0x", 12);
        for (size_t k = 0; k < n; k++) {
            char pair[2] = { hex[utf8[k] >> 4], hex[utf8[k] & 15] };
            put(s, pair, 2);
        }
        put(s, t.ptr, t.len);
        put(s, "]", 1);
    }
}

/* A byte token's byte: "<0xNN>" (either case of hex digit); -1 for any other text. */
static int byte_token_value(str_view_t t)
{
    if (t.len != 6 || memcmp(t.ptr, "<0x", 3) != 0 || t.ptr[5] != '>')
        return -1;
    int value = 0;
    for (size_t i = 3; i < 5; i++) {
        char c = t.ptr[i];
        int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        value = value << 4 | d;
    }
    return value;
}

/* As llama.cpp's token_to_piece: by the token's type, then by the tokenizer. */
static void put_piece(const tok_vocab_t *v, int32_t id, bool render_special, sink_t *s)
{
    str_view_t t = v->text[id];
    switch (v->types[id]) {
    case TOK_TYPE_CONTROL:
    case TOK_TYPE_UNKNOWN:
        if (render_special)
            put(s, t.ptr, t.len);
        return;
    case TOK_TYPE_USER_DEFINED:
        put(s, t.ptr, t.len);
        return;
    case TOK_TYPE_BYTE: {
        int b = byte_token_value(t);
        if (b >= 0) {
            uint8_t byte = (uint8_t)b;
            put(s, &byte, 1);
        }
        return;
    }
    case TOK_TYPE_NORMAL:
        if (v->kind == TOK_BPE && !v->escape_spaces)
            put_bpe_text(s, t);
        else
            put_spm_text(s, t); /* SentencePiece, WordPiece, Gemma 4 */
        return;
    default:
        return; /* unused and undefined tokens: llama.cpp gives nothing */
    }
}

/*
 * llama.cpp's clean_up_tokenization_spaces on text[0 .. n), in place, in
 * its three passes; returns the new length. Each pass keeps the first byte
 * and reads the bytes as they were before it (a pass may drop the first).
 */
static size_t clean_spaces(char *text, size_t n)
{
    /* 1: " ?", " !", " .", " ," lose the space */
    size_t out = n ? 1 : 0;
    for (size_t i = 1; i < n; i++) {
        char x = text[i];
        if (text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',') && out > 0)
            out--;
        text[out++] = x;
    }
    /* 2: " ' " becomes "'" (the byte after it is then skipped, and the next check sees it as not a space) */
    n = out;
    out = n ? 1 : 0;
    bool prev_dropped = false;
    for (size_t i = 1; i < n; i++) {
        char x = text[i];
        bool prev_space = text[i - 1] == ' ' && !prev_dropped;
        prev_dropped = false;
        if (x == '\'' && i + 1 < n && prev_space && text[i + 1] == ' ') {
            out--;
            text[out++] = x;
            i++;
            prev_dropped = true;
            continue;
        }
        text[out++] = x;
    }
    /* 3: " 's", " 'm", " 're", " 've" lose the space (" 't", " 'd", " 'll" keep it) */
    n = out;
    out = n ? 1 : 0;
    for (size_t i = 1; i < n; i++) {
        char x = text[i];
        if (text[i - 1] == ' ' && x == '\'' && i + 1 < n) {
            char x1 = text[i + 1], x2 = i + 2 < n ? text[i + 2] : 0;
            if (x1 == 's' || x1 == 'm' || (i + 2 < n && ((x1 == 'r' && x2 == 'e') || (x1 == 'v' && x2 == 'e'))))
                out--;
        }
        text[out++] = x;
    }
    return out;
}

static err_code_t finish(const sink_t *s, size_t *n_out, err_t *err)
{
    *n_out = s->n;
    if (s->n > s->size)
        return err_set(err, ERR_RANGE, "tokenizer: the text needs %zu bytes, the buffer holds %zu", s->n, s->size);
    return ERR_OK;
}

static bool valid_id(const tok_vocab_t *v, int32_t id)
{
    return id >= 0 && (uint32_t)id < v->n_tokens;
}

err_code_t tok_piece(const tok_vocab_t *v, int32_t id, bool render_special, char *buf, size_t size, size_t *n_out,
                     err_t *err)
{
    sink_t s = { buf, size, 0, false };
    *n_out = 0;
    if (!valid_id(v, id))
        return err_set(err, ERR_INVALID, "tokenizer: token id %d is out of range (%u tokens)", id, v->n_tokens);
    put_piece(v, id, render_special, &s);
    return finish(&s, n_out, err);
}

/* tok_decode, with clean_spaces' passes or without them (the streaming decoder's first piece). */
static err_code_t decode(const tok_vocab_t *v, const int32_t *ids, size_t n, bool render_special, bool clean,
                         char *buf, size_t size, size_t *n_out, err_t *err)
{
    sink_t s = { buf, size, 0, false };
    *n_out = 0;
    for (size_t i = 0; i < n; i++) {
        if (!valid_id(v, ids[i]))
            return err_set(err, ERR_INVALID, "tokenizer: token id %d at position %zu is out of range (%u tokens)",
                           ids[i], i, v->n_tokens);
        s.skip_space = i == 0 && v->add_space_prefix; /* the space SentencePiece put before the text */
        put_piece(v, ids[i], render_special, &s);
    }
    if (clean && v->clean_spaces && s.n <= s.size)
        s.n = clean_spaces(buf, s.n);
    return finish(&s, n_out, err);
}

err_code_t tok_decode(const tok_vocab_t *v, const int32_t *ids, size_t n, bool render_special, char *buf,
                      size_t size, size_t *n_out, err_t *err)
{
    return decode(v, ids, n, render_special, true, buf, size, n_out, err);
}

void tok_stream_init(tok_stream_t *s)
{
    s->n_held = 0;
    s->at_start = true;
}

/* Bytes at the end of p[0..n) that begin a UTF-8 sequence not yet complete. */
static size_t incomplete_tail(const uint8_t *p, size_t n)
{
    for (size_t back = 1; back <= 3 && back <= n; back++) {
        uint8_t c = p[n - back];
        if ((c & 0xc0) != 0x80) { /* a lead byte (or ASCII) */
            size_t need = utf8_seq_len(c);
            return need > back ? back : 0;
        }
    }
    return 0;
}

err_code_t tok_stream_push(const tok_vocab_t *v, tok_stream_t *st, int32_t id, char *buf, size_t size,
                           size_t *n_out, err_t *err)
{
    uint8_t joined[TOK_STREAM_PIECE_MAX + sizeof st->held];
    size_t n;
    *n_out = 0;
    char *piece = (char *)joined + st->n_held;
    /* The first token is decoded as a sequence's first: without SentencePiece's leading space. */
    err_code_t rc = st->at_start ? decode(v, &id, 1, false, false, piece, TOK_STREAM_PIECE_MAX, &n, err)
                                 : tok_piece(v, id, false, piece, TOK_STREAM_PIECE_MAX, &n, err);
    if (rc != ERR_OK)
        return rc;
    st->at_start = false;
    memcpy(joined, st->held, st->n_held);
    size_t total = st->n_held + n, keep = incomplete_tail(joined, total), emit = total - keep;
    if (emit > size)
        return err_set(err, ERR_RANGE, "tokenizer: %zu bytes of text do not fit the %zu-byte buffer", emit, size);
    memcpy(buf, joined, emit);
    memcpy(st->held, joined + emit, keep);
    st->n_held = keep;
    *n_out = emit;
    return ERR_OK;
}

size_t tok_stream_flush(tok_stream_t *s, char *buf, size_t size)
{
    size_t n = s->n_held < size ? s->n_held : size;
    memcpy(buf, s->held, n);
    s->n_held = 0;
    return n;
}

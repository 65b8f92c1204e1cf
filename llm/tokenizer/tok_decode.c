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

/* Byte-level text: each printable character back to its byte; any other character as it is. */
static void put_bpe_text(sink_t *s, str_view_t t)
{
    for (size_t i = 0, step; i < t.len; i += step) {
        uint32_t cp = utf8_decode((const uint8_t *)t.ptr + i, t.len - i, &step);
        int b = cp == UNICODE_INVALID ? -1 : unicode_cpt_to_byte(cp);
        if (b >= 0) {
            uint8_t byte = (uint8_t)b;
            put(s, &byte, 1);
        } else {
            put(s, t.ptr + i, step);
        }
    }
}

static void put_piece(const tok_vocab_t *v, int32_t id, bool render_special, sink_t *s)
{
    str_view_t t = v->text[id];
    switch (v->types[id]) {
    case TOK_TYPE_CONTROL:
    case TOK_TYPE_UNKNOWN:
        if (!render_special)
            return;
        if (v->kind == TOK_SPM && v->types[id] == TOK_TYPE_UNKNOWN)
            put(s, "\xe2\x96\x85", 3); /* llama.cpp shows <unk> as U+2585 */
        else
            put(s, t.ptr, t.len);
        return;
    case TOK_TYPE_USER_DEFINED:
        put(s, t.ptr, t.len);
        return;
    case TOK_TYPE_BYTE:
        if (v->kind == TOK_SPM && t.len == 6) { /* "<0xNN>" */
            unsigned hi = (unsigned)t.ptr[3], lo = (unsigned)t.ptr[4];
            uint8_t byte = (uint8_t)(((hi <= '9' ? hi - '0' : (hi | 0x20) - 'a' + 10) << 4) |
                                     (lo <= '9' ? lo - '0' : (lo | 0x20) - 'a' + 10));
            put(s, &byte, 1);
            return;
        }
        break;
    default:
        break;
    }
    if (v->kind == TOK_SPM)
        put_spm_text(s, t);
    else
        put_bpe_text(s, t);
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

err_code_t tok_decode(const tok_vocab_t *v, const int32_t *ids, size_t n, bool render_special, char *buf,
                      size_t size, size_t *n_out, err_t *err)
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
    return finish(&s, n_out, err);
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
    err_code_t rc = st->at_start ? tok_decode(v, &id, 1, false, piece, TOK_STREAM_PIECE_MAX, &n, err)
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

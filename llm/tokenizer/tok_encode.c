/*
 * Text to token ids (see tokenizer.h), in llama.cpp's order: special tokens
 * are cut out of the text first, then each remaining piece is tokenized by
 * SentencePiece (spaces escaped as U+2581, characters merged by score, byte
 * fallback), BPE (pre-tokenizer split, bytes mapped to printable characters
 * or, for Gemma 4, spaces escaped as U+2581 over raw UTF-8; merged by rank),
 * WordPiece (tok_wpm.c) or Unigram (tok_ugm.c).
 */
#include "llm/support/bits.h"
#include "llm/tokenizer/tok_merge.h"
#include "llm/tokenizer/tok_output.h"
#include "llm/tokenizer/tokenizer.h"
#include "llm/tokenizer/unicode.h"


/* A piece of the text, or a special token cut out of it. */
typedef struct fragment {
    uint32_t offset, len;
    int32_t token; /* TOK_NONE for text */
} fragment_t;

typedef struct fragments {
    fragment_t *f;
    size_t n, cap;
} fragments_t;

static bool is_special_allowed(const tok_vocab_t *v, uint32_t id, bool parse_special)
{
    return parse_special || v->types[id] == TOK_TYPE_USER_DEFINED;
}

/* Byte offset of the first match of pat inside text[from, end), or end. */
static uint32_t find(const char *text, uint32_t from, uint32_t end, str_view_t pat)
{
    for (uint32_t i = from; end - i >= pat.len && i < end; i++) {
        if (memcmp(text + i, pat.ptr, pat.len) == 0)
            return i;
    }
    return end;
}

/* Replaces fragment k by the pieces around every match of special id (as llama.cpp, one token at a time). */
static size_t split_fragment(fragments_t *fs, size_t k, const char *text, uint32_t id, str_view_t pat)
{
    fragment_t frag = fs->f[k];
    fragment_t parts[3];
    size_t n_added = 0;
    uint32_t at = frag.offset, end = frag.offset + frag.len;
    for (;;) {
        uint32_t m = find(text, at, end, pat);
        if (m == end)
            break;
        size_t n_parts = 0;
        if (m > at)
            parts[n_parts++] = (fragment_t){ at, m - at, TOK_NONE };
        parts[n_parts++] = (fragment_t){ m, (uint32_t)pat.len, (int32_t)id };
        /* Insert the parts before what is left of the fragment. */
        memmove(&fs->f[k + n_parts], &fs->f[k], (fs->n - k) * sizeof *fs->f);
        for (size_t i = 0; i < n_parts; i++)
            fs->f[k + i] = parts[i];
        fs->n += n_parts;
        k += n_parts;
        n_added += n_parts;
        at = m + (uint32_t)pat.len;
        fs->f[k] = (fragment_t){ at, end - at, TOK_NONE };
    }
    if (n_added && fs->f[k].len == 0) { /* nothing left after the last match */
        memmove(&fs->f[k], &fs->f[k + 1], (fs->n - k - 1) * sizeof *fs->f);
        fs->n--;
        return n_added;
    }
    return n_added + 1;
}

static err_code_t partition(const tok_vocab_t *v, const char *text, uint32_t len, bool parse_special,
                            fragments_t *fs, arena_t *arena, err_t *err)
{
    size_t shortest = len ? len : 1;
    for (uint32_t i = 0; i < v->n_specials; i++) {
        uint32_t id = v->specials[i];
        if (is_special_allowed(v, id, parse_special) && v->text[id].len && v->text[id].len < shortest)
            shortest = v->text[id].len;
    }
    /* Every match takes at least `shortest` bytes and adds at most two fragments. */
    fs->cap = 2 * (len / shortest) + 2;
    fs->f = arena_alloc_array(arena, fs->cap, sizeof *fs->f, 0, err);
    if (!fs->f)
        return ERR_NOMEM;
    fs->n = 0;
    if (len == 0)
        return ERR_OK;
    fs->f[fs->n++] = (fragment_t){ 0, len, TOK_NONE };
    for (uint32_t i = 0; i < v->n_specials; i++) {
        uint32_t id = v->specials[i];
        if (!is_special_allowed(v, id, parse_special) || v->text[id].len == 0)
            continue;
        for (size_t k = 0; k < fs->n;)
            k += fs->f[k].token == TOK_NONE ? split_fragment(fs, k, text, id, v->text[id]) : 1;
    }
    return ERR_OK;
}

/* ---- SentencePiece ---- */

static float score_of(const tok_vocab_t *v, uint32_t id)
{
    if (!v->scores)
        return 0.0f;
    return f32_from_bits(gguf_le32(v->scores + 4 * (size_t)id));
}

static bool spm_pair(const void *ctx, const char *word, uint32_t start, uint32_t mid, uint32_t end, double *priority)
{
    const tok_vocab_t *v = ctx;
    uint32_t id;
    (void)mid;
    if (!str_index_find(&v->by_text, word + start, end - start, &id))
        return false;
    *priority = -(double)score_of(v, id); /* higher score first */
    return true;
}

static err_code_t spm_piece(const tok_vocab_t *v, const char *text, uint32_t len, bool prefix_space, tok_output_t *o,
                            arena_t *arena, err_t *err)
{
    /* Spaces become U+2581 (3 bytes). */
    size_t cap = 3 * ((size_t)len + 1);
    if (cap > UINT32_MAX)
        return err_set(err, ERR_RANGE, "tokenizer: a %u-byte piece of text is too long", len);
    char *w = arena_alloc(arena, cap, 1, err);
    if (!w)
        return ERR_NOMEM;
    uint32_t n = 0;
    for (uint32_t i = 0; i < len + prefix_space; i++) {
        char c = i < prefix_space ? ' ' : text[i - prefix_space];
        if (c == ' ') {
            w[n++] = (char)0xe2, w[n++] = (char)0x96, w[n++] = (char)0x81;
        } else {
            w[n++] = c;
        }
    }
    tok_symbol_t *s;
    err_code_t rc = tok_merge_word(w, n, spm_pair, v, arena, &s, err);
    if (rc != ERR_OK)
        return rc;
    for (int32_t i = 0; n && i >= 0; i = s[i].next) {
        uint32_t id;
        if (str_index_find(&v->by_text, w + s[i].start, s[i].len, &id)) {
            tok_output_push(o, (int32_t)id);
            continue;
        }
        for (uint32_t b = 0; b < s[i].len; b++) { /* byte fallback */
            int32_t t = v->byte_token[(uint8_t)w[s[i].start + b]];
            if (t == TOK_NONE)
                t = v->unk;
            if (t != TOK_NONE)
                tok_output_push(o, t);
        }
    }
    return ERR_OK;
}

/* ---- byte-level BPE ---- */

typedef struct bpe_ctx {
    const tok_vocab_t *v;
    char *key; /* room for "left right" of the longest word */
} bpe_ctx_t;

static bool bpe_pair(const void *ctx, const char *word, uint32_t start, uint32_t mid, uint32_t end, double *priority)
{
    const bpe_ctx_t *c = ctx;
    uint32_t rank;
    memcpy(c->key, word + start, mid - start);
    c->key[mid - start] = ' ';
    memcpy(c->key + (mid - start) + 1, word + mid, end - mid);
    if (!str_index_find(&c->v->merge_rank, c->key, end - start + 1, &rank))
        return false;
    *priority = rank;
    return true;
}

/*
 * The word's codepoints as UTF-8 of their bytes' GPT-2 printable characters,
 * or as plain UTF-8 when raw (Gemma 4).
 */
static uint32_t byte_encode(const uint32_t *cpts, uint32_t n, bool raw_utf8, char *out)
{
    uint32_t len = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t raw[4], enc[4];
        size_t k = utf8_encode(cpts[i], raw);
        if (raw_utf8) {
            memcpy(out + len, raw, k);
            len += (uint32_t)k;
            continue;
        }
        for (size_t j = 0; j < k; j++) {
            size_t m = utf8_encode(unicode_byte_to_cpt(raw[j]), enc);
            memcpy(out + len, enc, m);
            len += (uint32_t)m;
        }
    }
    return len;
}

static void bpe_emit_symbol(const tok_vocab_t *v, const char *sym, uint32_t len, tok_output_t *o)
{
    uint32_t id;
    if (str_index_find(&v->by_text, sym, len, &id)) {
        tok_output_push(o, (int32_t)id);
        return;
    }
    for (uint32_t b = 0; b < len; b++) { /* as llama.cpp: each byte as a one-byte token, if there is one */
        if (v->raw_utf8) {
            if (v->byte_token[(uint8_t)sym[b]] != TOK_NONE) /* Gemma 4: <0xNN> */
                tok_output_push(o, v->byte_token[(uint8_t)sym[b]]);
        } else if (str_index_find(&v->by_text, sym + b, 1, &id)) {
            tok_output_push(o, (int32_t)id);
        }
    }
}

static bool all_newlines(const char *word, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        if (word[i] != '\n')
            return false;
    }
    return true;
}

/* cpts[0 .. n) split into words by the pre-tokenizer, each word merged; ends has room for n. */
static err_code_t bpe_words(const tok_vocab_t *v, const uint32_t *cpts, uint32_t n, uint32_t *ends, tok_output_t *o,
                            arena_t *arena, err_t *err)
{
    size_t n_words = pretok_split(v->pre, cpts, n, ends);
    uint32_t longest = 0;
    for (size_t w = 0, start = 0; w < n_words; start = ends[w++])
        longest = ends[w] - (uint32_t)start > longest ? ends[w] - (uint32_t)start : longest;
    /* A codepoint is at most 4 bytes, each mapped to a 2-byte character. */
    char *word = arena_alloc(arena, 8 * (size_t)longest + 1, 1, err);
    bpe_ctx_t ctx = { v, arena_alloc(arena, 16 * (size_t)longest + 2, 1, err) };
    if (!word || !ctx.key)
        return ERR_NOMEM;

    for (size_t w = 0, start = 0; w < n_words; start = ends[w++]) {
        uint32_t wlen = byte_encode(cpts + start, ends[w] - (uint32_t)start, v->raw_utf8, word);
        uint32_t id;
        bool whole = v->ignore_merges || (v->whole_newlines && all_newlines(word, wlen));
        if (whole && str_index_find(&v->by_text, word, wlen, &id)) {
            tok_output_push(o, (int32_t)id); /* ignore_merges, Gemma 4's newlines: a whole-word token wins */
            continue;
        }
        arena_mark_t mark = arena_mark(arena);
        tok_symbol_t *s;
        err_code_t rc = tok_merge_word(word, wlen, bpe_pair, &ctx, arena, &s, err);
        if (rc != ERR_OK)
            return rc;
        for (int32_t i = 0; wlen && i >= 0; i = s[i].next)
            bpe_emit_symbol(v, word + s[i].start, s[i].len, o);
        arena_release(arena, mark, NULL);
    }
    return ERR_OK;
}

/*
 * The "whitespace" model's session: whitespace drops out, each run between
 * (lowercased if the normalizer says so) is tokenized on its own.
 */
static err_code_t whitespace_runs(const tok_vocab_t *v, uint32_t *cpts, uint32_t n, uint32_t *ends, tok_output_t *o,
                                  arena_t *arena, err_t *err)
{
    for (uint32_t i = 0; i < n;) {
        if (unicode_is_whitespace(cpts[i])) {
            i++;
            continue;
        }
        uint32_t end = i;
        for (; end < n && !unicode_is_whitespace(cpts[end]); end++) {
            if (v->lowercase)
                cpts[end] = unicode_tolower(cpts[end]);
        }
        arena_mark_t mark = arena_mark(arena);
        err_code_t rc = bpe_words(v, cpts + i, end - i, ends, o, arena, err);
        arena_release(arena, mark, NULL);
        if (rc != ERR_OK)
            return rc;
        i = end;
    }
    return ERR_OK;
}

static err_code_t bpe_piece(const tok_vocab_t *v, const char *text, uint32_t len, tok_output_t *o, arena_t *arena,
                            err_t *err)
{
    uint32_t *cpts = arena_alloc_array(arena, len, sizeof *cpts, 0, err);
    uint32_t *ends = cpts ? arena_alloc_array(arena, len, sizeof *ends, 0, err) : NULL;
    if (!ends)
        return ERR_NOMEM;
    uint32_t n = (uint32_t)utf8_to_cpts((const uint8_t *)text, len, cpts);
    for (uint32_t i = 0; v->escape_spaces && i < n; i++) {
        if (cpts[i] == ' ')
            cpts[i] = 0x2581; /* as llama.cpp escapes the bytes: 0x20 is never inside a sequence */
    }
    if (v->whitespace_words)
        return whitespace_runs(v, cpts, n, ends, o, arena, err);
    return bpe_words(v, cpts, n, ends, o, arena, err);
}

err_code_t tok_encode(const tok_vocab_t *v, const char *text, size_t len, const tok_encode_opts_t *opts,
                      int32_t *out, size_t max, size_t *n_out, arena_t *scratch, err_t *err)
{
    tok_output_t o = { out, max, 0 };
    *n_out = 0;
    if (len > UINT32_MAX / 8)
        return err_set(err, ERR_RANGE, "tokenizer: text of %zu bytes is too long (at most %u)", len, UINT32_MAX / 8);
    arena_mark_t mark = arena_mark(scratch);
    fragments_t fs;
    err_code_t rc = partition(v, text, (uint32_t)len, opts->parse_special, &fs, scratch, err);

    bool wpm = v->kind == TOK_WPM;
    if (rc == ERR_OK && opts->add_special && (v->add_bos || wpm) && v->bos != TOK_NONE)
        tok_output_push(&o, v->bos); /* WordPiece: [CLS] whatever add_bos says, as llama.cpp */
    bool prev_special = true; /* SentencePiece puts a space before the text and after each special token */
    for (size_t k = 0; rc == ERR_OK && k < fs.n; k++) {
        const fragment_t *f = &fs.f[k];
        arena_mark_t piece_mark = arena_mark(scratch);
        if (f->token != TOK_NONE) {
            tok_output_push(&o, f->token);
            prev_special = true;
        } else if (v->kind == TOK_SPM) {
            rc = spm_piece(v, text + f->offset, f->len, v->add_space_prefix && prev_special, &o, scratch, err);
            prev_special = false;
        } else if (wpm) {
            rc = tok_wpm_piece(v, text + f->offset, f->len, &o, scratch, err);
        } else if (v->kind == TOK_UGM) {
            rc = tok_ugm_piece(v, text + f->offset, f->len, &o, scratch, err);
        } else {
            rc = bpe_piece(v, text + f->offset, f->len, &o, scratch, err);
        }
        arena_release(scratch, piece_mark, NULL);
    }
    if (rc == ERR_OK && opts->add_special && v->add_eos && !wpm)
        tok_output_push(&o, v->eos);
    if (rc == ERR_OK && opts->add_special && wpm && v->sep != TOK_NONE)
        tok_output_push(&o, v->sep); /* [SEP] */
    arena_release(scratch, mark, NULL);
    if (rc != ERR_OK)
        return rc;
    *n_out = o.n;
    if (o.n > max)
        return err_set(err, ERR_RANGE, "tokenizer: the text needs %zu tokens, the buffer holds %zu", o.n, max);
    return ERR_OK;
}

/*
 * The Unigram tokenizer of T5-style vocabularies (tokenizer.ggml.model
 * "t5"), as llama.cpp's llm_tokenizer_ugm: sentencepiece's normalization
 * through the precompiled charsmap (an XOR-compressed double array mapping
 * the longest matching input prefix to a replacement text), spaces written
 * as U+2581 with a prefix space and merged runs as the vocabulary asks,
 * then Viterbi over the normalized bytes: at each character every token
 * starting there (normal, user-defined at score 0, unused) offers its
 * score; a character no one-character token covers costs the unknown
 * token's score; the best total wins (ties keep the earlier candidate) and
 * runs of unknown tokens become one. Token lookups go through the text
 * index rather than a trie. One difference from llama.cpp: a token it
 * re-types as control by its text after building its trie (tok_eog.c's
 * names, e.g. "<|endoftext|>" typed normal) stays matchable there, not here.
 * A hostile charsmap never reads out of bounds: an index past the double
 * array ends the match, a replacement offset past the texts (or a text
 * without its NUL) is no match (llama.cpp throws for both).
 */
#include "llm/support/bits.h"
#include "llm/tokenizer/tok_output.h"
#include "llm/tokenizer/unicode.h"

#define SPACE "\xe2\x96\x81" /* U+2581, how the normalized text writes a space */
#define SPACE_BYTES 3
#define UNK_PENALTY 10.0f

/* ---------------------------------------------------------- loading */

err_code_t tok_ugm_load(tok_vocab_t *v, const gguf_file_t *f, err_t *err)
{
    float min_score = 3.40282347e+38f; /* FLT_MAX, as llama.cpp starts */
    for (uint32_t id = 0; id < v->n_tokens; id++) {
        if (v->types[id] == TOK_TYPE_NORMAL && v->scores) {
            float s = f32_from_bits(gguf_le32(v->scores + 4 * (size_t)id));
            min_score = s < min_score ? s : min_score;
        } else if (v->types[id] == TOK_TYPE_NORMAL) {
            min_score = 0.0f < min_score ? 0.0f : min_score;
        }
        if (v->types[id] == TOK_TYPE_USER_DEFINED && v->text[id].len > v->max_user_len)
            v->max_user_len = (uint32_t)v->text[id].len;
    }
    v->ugm_unk_score = min_score - UNK_PENALTY;

    const gguf_kv_t *map;
    if (!gguf_find_kv(f, "tokenizer.ggml.precompiled_charsmap"))
        return ERR_OK;
    err_code_t rc = gguf_get_array(f, "tokenizer.ggml.precompiled_charsmap", GGUF_TYPE_UINT8, &map, NULL);
    if (rc != ERR_OK)
        rc = gguf_get_array(f, "tokenizer.ggml.precompiled_charsmap", GGUF_TYPE_INT8, &map, err);
    if (rc != ERR_OK)
        return rc;
    if (map->n_elems == 0)
        return ERR_OK;
    uint64_t blob_bytes = map->n_elems >= 4 ? gguf_le32(map->value) : UINT64_MAX;
    if (map->n_elems > UINT32_MAX || blob_bytes + 4 >= map->n_elems)
        return err_set(err, ERR_FORMAT, "tokenizer: precompiled_charsmap of %llu bytes cannot hold its %lld-byte array",
                       (unsigned long long)map->n_elems, blob_bytes == UINT64_MAX ? -1LL : (long long)blob_bytes);
    v->xcda = map->value + 4;
    v->n_xcda = (uint32_t)(blob_bytes / 4);
    v->replacements = (const char *)map->value + 4 + blob_bytes;
    v->n_replacement_bytes = (uint32_t)(map->n_elems - 4 - blob_bytes);
    return ERR_OK;
}

/* ---------------------------------------------------------- normalizing */

typedef struct normalized {
    char *buf; /* NULL: only count */
    uint32_t n;
    bool in_word;       /* the last byte written was not a space */
    bool space_written; /* the prefix space */
} normalized_t;

static void put_byte(normalized_t *out, char c)
{
    if (out->buf)
        out->buf[out->n] = c;
    out->n++;
}

static void put_space(normalized_t *out)
{
    for (int i = 0; i < SPACE_BYTES; i++)
        put_byte(out, SPACE[i]);
}

/* One normalized byte: spaces become U+2581, a word gets its prefix space, runs merge if asked. */
static void emit(const tok_vocab_t *v, normalized_t *out, char c)
{
    if (c != ' ') {
        if (!out->in_word) {
            out->in_word = true;
            if ((v->add_space_prefix && !out->space_written) || v->remove_extra_spaces) {
                put_space(out);
                out->space_written = true;
            }
        }
        put_byte(out, c);
        return;
    }
    out->in_word = false;
    if (!v->remove_extra_spaces)
        put_space(out);
}

static bool xcda_node(const tok_vocab_t *v, uint32_t index, uint32_t *node)
{
    if (index >= v->n_xcda)
        return false;
    *node = gguf_le32(v->xcda + 4 * (size_t)index);
    return true;
}

static uint32_t xcda_base(uint32_t node)
{
    return (node >> 10) << ((node & (1u << 9)) >> 6);
}

/*
 * The charsmap's longest match at text[0 .. len): its length (0: none) and
 * the replacement's offset in the texts.
 */
static uint32_t charsmap_match(const tok_vocab_t *v, const uint8_t *text, uint32_t len, uint32_t *repl)
{
    uint32_t node, index, longest = 0;
    if (!xcda_node(v, 0, &node))
        return 0;
    index = xcda_base(node);
    for (uint32_t i = 0; i < len && text[i] != 0; i++) {
        index ^= text[i];
        if (!xcda_node(v, index, &node) || (node & (0x80000000u | 0xFFu)) != text[i])
            break;
        bool leaf = (node >> 8) & 1;
        index ^= xcda_base(node);
        if (leaf) {
            uint32_t value;
            if (!xcda_node(v, index, &value))
                break;
            longest = i + 1;
            *repl = value & 0x7FFFFFFFu;
        }
    }
    return longest;
}

/* The user-defined token at text[0 .. len) with the longest text: its length, 0 if none. */
static uint32_t user_defined_match(const tok_vocab_t *v, const char *text, uint32_t len)
{
    for (uint32_t n = len < v->max_user_len ? len : v->max_user_len; n > 0; n--) {
        uint32_t id;
        if (str_index_find(&v->by_text, text, n, &id) && v->types[id] == TOK_TYPE_USER_DEFINED)
            return n;
    }
    return 0;
}

/* Whether the replacement text at offset ends with its NUL inside the texts. */
static bool replacement_ok(const tok_vocab_t *v, uint32_t offset)
{
    for (uint32_t i = offset; i < v->n_replacement_bytes; i++) {
        if (v->replacements[i] == 0)
            return true;
    }
    return false;
}

/* text normalized into out (counting only when out->buf is NULL). */
static void normalize(const tok_vocab_t *v, const char *text, uint32_t len, normalized_t *out)
{
    for (uint32_t off = 0; off < len;) {
        const uint8_t *at = (const uint8_t *)text + off;
        uint32_t n = user_defined_match(v, text + off, len - off), repl = 0;
        if (n) {
            for (uint32_t i = 0; i < n; i++)
                emit(v, out, (char)at[i]);
            off += n;
            continue;
        }
        n = v->n_xcda ? charsmap_match(v, at, len - off, &repl) : 0;
        if (n && replacement_ok(v, repl)) {
            for (const char *r = v->replacements + repl; *r; r++)
                emit(v, out, *r);
            off += n;
            continue;
        }
        size_t k;
        if (utf8_decode(at, len - off, &k) == UNICODE_INVALID) {
            for (int i = 0; i < 3; i++)
                emit(v, out, "\xef\xbf\xbd"[i]); /* U+FFFD for the byte */
            off += 1;
            continue;
        }
        for (size_t i = 0; i < k; i++)
            emit(v, out, (char)at[i]);
        off += (uint32_t)k;
    }
}

/* ---------------------------------------------------------- segmenting */

typedef struct best {
    double score;  /* of the best segmentation of the first bytes up to here */
    uint32_t from; /* where its last token starts */
    int32_t token;
} best_t;

static bool matchable(const tok_vocab_t *v, uint32_t id)
{
    uint8_t t = v->types[id];
    return t == TOK_TYPE_NORMAL || t == TOK_TYPE_USER_DEFINED || t == TOK_TYPE_UNUSED;
}

static double token_score(const tok_vocab_t *v, uint32_t id)
{
    if (v->types[id] == TOK_TYPE_USER_DEFINED || !v->scores)
        return 0.0;
    return (double)f32_from_bits(gguf_le32(v->scores + 4 * (size_t)id));
}

static void offer(best_t *b, double score, uint32_t from, int32_t token)
{
    if (score > b->score)
        *b = (best_t){ score, from, token };
}

err_code_t tok_ugm_piece(const tok_vocab_t *v, const char *text, uint32_t len, tok_output_t *o, arena_t *arena,
                         err_t *err)
{
    normalized_t norm = { 0 };
    normalize(v, text, len, &norm);
    uint32_t n = norm.n;
    if (n == 0)
        return ERR_OK;
    norm = (normalized_t){ arena_alloc(arena, n, 1, err), 0, false, false };
    best_t *best = norm.buf ? arena_alloc_array(arena, (size_t)n + 1, sizeof *best, 0, err) : NULL;
    int32_t *ids = best ? arena_alloc_array(arena, n, sizeof *ids, 0, err) : NULL;
    if (!ids)
        return ERR_NOMEM;
    normalize(v, text, len, &norm);
    const char *s = norm.buf;

    for (uint32_t i = 0; i <= n; i++)
        best[i] = (best_t){ -1.7976931348623157e308, 0, v->unk };
    best[0].score = 0.0;
    for (uint32_t off = 0; off < n;) {
        uint32_t char_len = (uint32_t)utf8_seq_len((uint8_t)s[off]);
        char_len = char_len < n - off ? char_len : n - off;
        bool one_char_token = false;
        uint32_t longest = n - off < v->max_token_len ? n - off : v->max_token_len;
        for (uint32_t k = 1; k <= longest; k++) {
            uint32_t id;
            if (!str_index_find(&v->by_text, s + off, k, &id) || !matchable(v, id))
                continue;
            one_char_token |= k == char_len;
            offer(&best[off + k], best[off].score + token_score(v, id), off, (int32_t)id);
        }
        if (!one_char_token)
            offer(&best[off + char_len], best[off].score + (double)v->ugm_unk_score, off, v->unk);
        off += char_len;
    }
    /* Back from the end; consecutive unknown tokens are one. */
    size_t n_ids = 0;
    bool prev_unknown = false;
    for (uint32_t at = n;;) {
        const best_t *b = &best[at];
        bool unknown = b->token == v->unk;
        if (!(prev_unknown && unknown))
            ids[n_ids++] = b->token;
        if (b->from == 0)
            break;
        prev_unknown = unknown;
        at = b->from;
    }
    while (n_ids > 0) {
        int32_t id = ids[--n_ids];
        if (id != TOK_NONE)
            tok_output_push(o, id); /* llama.cpp would emit -1 for a vocabulary without an unknown token */
    }
    return ERR_OK;
}

/*
 * The model store (see model_store.h): a fixed table of named models, filled
 * from the initrd's cpio archive in three steps — add the models, pair them
 * with their checksum files, then move each model's bytes to a 64-byte
 * boundary — so that nothing is modified until the archive is known to be
 * good.
 */
#include "kernel/model_store.h"

#include "kernel/lib/cpio.h"
#include "llm/llm.h"
#include "llm/platform.h"

#define CPIO_HEADER_BYTES 110 /* a newc header; the entry's name follows it */
#define MODEL_ALIGN 64        /* where scanned models are moved to, in bytes */
#define SHA256_HEX_DIGITS 64

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

static const char MODEL_SUFFIX[] = ".gguf";

#define NAME_IN_MSG_BUF 100 /* an archive file name escaped for a message (cut with "...") */

/* An archive's file name made safe to print (llm_escape) into buf. */
static const char *escaped(char buf[NAME_IN_MSG_BUF], const char *name)
{
    return llm_escape(buf, NAME_IN_MSG_BUF, name, strlen(name));
}
static const char CHECKSUM_SUFFIX[] = ".gguf.sha256";

void model_store_init(model_store_t *s)
{
    s->n = 0;
    s->n_skipped = 0;
}

/* The index of the entry at or after from called name (len bytes, not NUL-terminated), or s->n. */
static size_t index_of(const model_store_t *s, size_t from, const char *name, size_t len)
{
    for (size_t i = from; i < s->n; i++) {
        const char *have = s->entries[i].name;
        if (strnlen(have, MODEL_NAME_MAX) == len && memcmp(have, name, len) == 0)
            return i;
    }
    return s->n;
}

/* Why name (len bytes) cannot name a new entry of s, or NULL if it can. */
static const char *name_problem(const model_store_t *s, const char *name, size_t len)
{
    if (len == 0)
        return "is empty";
    if (len >= MODEL_NAME_MAX)
        return "is too long (MODEL_NAME_MAX is " STRINGIFY(MODEL_NAME_MAX) " bytes with the NUL)";
    if (index_of(s, 0, name, len) < s->n)
        return "is already in the store";
    for (size_t i = 0; i < len; i++)
        if ((uint8_t)name[i] <= 0x20 || (uint8_t)name[i] >= 0x7f)
            return "has a byte other than printable ASCII (a name is a word typed at the shell)";
    return NULL;
}

/* Appends an entry without a checksum; the caller has checked the name and that there is room. */
static void append(model_store_t *s, const char *name, size_t len, const void *data, size_t size)
{
    model_entry_t *e = &s->entries[s->n++];
    *e = (model_entry_t){ .data = data, .size = size, .has_sha256 = false };
    memcpy(e->name, name, len);
    e->name[len] = '\0';
}

err_code_t model_store_add(model_store_t *s, const char *name, const void *data, size_t size, err_t *err)
{
    size_t len = strlen(name);
    const char *problem = name_problem(s, name, len);
    char shown[NAME_IN_MSG_BUF];
    if (problem)
        return err_set(err, ERR_INVALID, "model name '%s' %s", escaped(shown, name), problem);
    if ((uintptr_t)data % 4 != 0)
        return err_set(err, ERR_INVALID, "model '%s': data at %p is not 4-byte aligned", name, data);
    if (s->n == MODEL_STORE_MAX)
        return err_set(err, ERR_NOMEM, "cannot add model '%s': the store is full (MODEL_STORE_MAX is %d)", name,
                       MODEL_STORE_MAX);
    append(s, name, len, data, size);
    return ERR_OK;
}

/* ------------------------------------------------------------ scanning an archive */

typedef struct scan {
    model_store_t *s;
    void *archive;
    size_t size;
    size_t first;                            /* index of the first entry from this archive */
    const uint8_t *header[MODEL_STORE_MAX]; /* by entry index: where its cpio header starts */
    err_t *err;
} scan_t;

typedef err_code_t (*file_fn)(scan_t *sc, const cpio_entry_t *e);

/* Calls fn on every regular file of the archive, stopping at the first error. */
static err_code_t for_each_file(scan_t *sc, file_fn fn)
{
    cpio_iter_t it;
    cpio_iter_init(&it, sc->archive, sc->size);
    cpio_entry_t e;
    int r;
    while ((r = cpio_next(&it, &e, sc->err)) == 1) {
        if (!cpio_is_regular(&e))
            continue;
        err_code_t rc = fn(sc, &e);
        if (rc != ERR_OK)
            return rc;
    }
    return r == 0 ? ERR_OK : (err_code_t)-r;
}

/*
 * If e's name ends in suffix, returns true and sets *base and *len to its
 * base name (after the last '/') without the suffix.
 */
static bool model_name_of(const cpio_entry_t *e, const char *suffix, const char **base, size_t *len)
{
    size_t n_suffix = strlen(suffix);
    if (e->name_len < n_suffix || memcmp(e->name + e->name_len - n_suffix, suffix, n_suffix) != 0)
        return false;
    size_t start = e->name_len - n_suffix;
    while (start > 0 && e->name[start - 1] != '/')
        start--;
    *base = e->name + start;
    *len = e->name_len - n_suffix - start;
    return true;
}

static err_code_t add_model(scan_t *sc, const cpio_entry_t *e)
{
    const char *name;
    size_t len;
    if (!model_name_of(e, MODEL_SUFFIX, &name, &len))
        return ERR_OK;
    if (sc->s->n == MODEL_STORE_MAX) {
        sc->s->n_skipped++;
        return ERR_OK;
    }
    const char *problem = name_problem(sc->s, name, len);
    char file[NAME_IN_MSG_BUF], model[NAME_IN_MSG_BUF];
    if (problem)
        return err_set(sc->err, ERR_FORMAT, "initrd: '%s': model name '%s' %s", escaped(file, e->name),
                       llm_escape(model, sizeof model, name, len), problem);
    sc->header[sc->s->n] = (const uint8_t *)e->name - CPIO_HEADER_BYTES;
    append(sc->s, name, len, e->data, (size_t)e->size);
    return ERR_OK;
}

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20; /* 'A'..'F' to 'a'..'f' */
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Reads a checksum file's n bytes at p: 64 hex digits, then its end or white space and anything. */
static bool parse_sha256(const uint8_t *p, size_t n, uint8_t digest[SHA256_DIGEST_BYTES])
{
    if (n < SHA256_HEX_DIGITS || (n > SHA256_HEX_DIGITS && !is_space(p[SHA256_HEX_DIGITS])))
        return false;
    for (size_t i = 0; i < SHA256_DIGEST_BYTES; i++) {
        int hi = hex_value(p[2 * i]), lo = hex_value(p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        digest[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static err_code_t add_checksum(scan_t *sc, const cpio_entry_t *e)
{
    const char *name;
    size_t len;
    if (!model_name_of(e, CHECKSUM_SUFFIX, &name, &len))
        return ERR_OK;
    uint8_t digest[SHA256_DIGEST_BYTES];
    char file[NAME_IN_MSG_BUF];
    if (!parse_sha256(e->data, (size_t)e->size, digest))
        return err_set(sc->err, ERR_FORMAT,
                       "initrd: checksum file '%s' does not start with 64 hex digits followed by white space or "
                       "its end",
                       escaped(file, e->name));
    size_t i = index_of(sc->s, sc->first, name, len);
    if (i == sc->s->n)
        return ERR_OK;
    model_entry_t *m = &sc->s->entries[i];
    if (m->has_sha256)
        return err_set(sc->err, ERR_FORMAT, "initrd: checksum file '%s' is a second one for model '%s'",
                       escaped(file, e->name), m->name);
    memcpy(m->sha256, digest, sizeof digest);
    m->has_sha256 = true;
    return ERR_OK;
}

/*
 * Moves e's data down to the MODEL_ALIGN boundary at or below it, over its
 * own cpio header and name (which start at header); leaves it where it is if
 * that boundary is before the header.
 */
static void align_entry(model_entry_t *e, const uint8_t *header)
{
    uintptr_t from = (uintptr_t)e->data, to = from & ~(uintptr_t)(MODEL_ALIGN - 1);
    if (to < (uintptr_t)header)
        return;
    memmove((void *)to, e->data, e->size);
    e->data = (const uint8_t *)to;
}

err_code_t model_store_scan_initrd(model_store_t *s, void *archive, size_t size, err_t *err)
{
    scan_t sc = { .s = s, .archive = archive, .size = size, .first = s->n, .err = err };
    size_t n_skipped = s->n_skipped;
    err_code_t rc = for_each_file(&sc, add_model);
    if (rc == ERR_OK)
        rc = for_each_file(&sc, add_checksum);
    if (rc != ERR_OK) {
        s->n = sc.first;
        s->n_skipped = n_skipped;
        return rc;
    }
    for (size_t i = sc.first; i < s->n; i++)
        align_entry(&s->entries[i], sc.header[i]);
    return ERR_OK;
}

/* ------------------------------------------------------------ lookup and checking */

const model_entry_t *model_store_find(const model_store_t *s, const char *name)
{
    size_t i = index_of(s, 0, name, strlen(name));
    return i < s->n ? &s->entries[i] : NULL;
}

err_code_t model_store_verify(const model_entry_t *e, err_t *err)
{
    if (!e->has_sha256)
        return err_set(err, ERR_NOT_FOUND, "no checksum for model '%s'", e->name);
    sha256_t h;
    uint8_t got[SHA256_DIGEST_BYTES];
    sha256_init(&h);
    sha256_update(&h, e->data, e->size);
    sha256_final(&h, got);
    if (memcmp(got, e->sha256, sizeof got) == 0)
        return ERR_OK;
    char want_hex[SHA256_HEX_BYTES], got_hex[SHA256_HEX_BYTES];
    sha256_to_hex(e->sha256, want_hex);
    sha256_to_hex(got, got_hex);
    return err_set(err, ERR_FORMAT, "model '%s': SHA-256 mismatch (expected %.8s..., got %.8s...)", e->name, want_hex,
                   got_hex);
}

/*
 * cpio "newc" reader (see cpio.h). Each entry is a 110-byte ASCII header —
 * the 6-byte magic and 13 fields of 8 hex digits — then the name with its
 * NUL, padded so header and name fill a multiple of 4 bytes, then the data,
 * padded to a multiple of 4. Offsets are checked by subtraction from the
 * archive size, so no sum can overflow.
 */
#include "kernel/lib/cpio.h"

#include "llm/platform.h"

#define MAGIC_BYTES 6
#define FIELD_DIGITS 8
#define HEADER_BYTES 110

enum field {
    F_INO,
    F_MODE,
    F_UID,
    F_GID,
    F_NLINK,
    F_MTIME,
    F_FILESIZE,
    F_DEVMAJOR,
    F_DEVMINOR,
    F_RDEVMAJOR,
    F_RDEVMINOR,
    F_NAMESIZE,
    F_CHECK,
    N_FIELDS
};

static const char *const field_names[N_FIELDS] = {
    "ino", "mode", "uid", "gid", "nlink", "mtime", "filesize",
    "devmajor", "devminor", "rdevmajor", "rdevminor", "namesize", "check",
};

static const char TRAILER[] = "TRAILER!!!";

#define S_IFMT_BITS 0170000u
#define S_IFREG_BITS 0100000u

/* cpio_next's negative return for an error already recorded by err_set. */
static int fail(err_code_t code)
{
    return -(int)code;
}

/* pos rounded up to a multiple of 4, or size if the padding would pass it. */
static size_t pad4(size_t pos, size_t size)
{
    size_t pad = (0u - pos) & 3u;
    return pad <= size - pos ? pos + pad : size;
}

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The FIELD_DIGITS hex digits at p into *v; false if one is not a hex digit. */
static bool parse_field(const uint8_t *p, uint32_t *v)
{
    uint32_t x = 0;
    for (int i = 0; i < FIELD_DIGITS; i++) {
        int d = hex_value(p[i]);
        if (d < 0)
            return false;
        x = x << 4 | (uint32_t)d;
    }
    *v = x;
    return true;
}

static bool magic_ok(const uint8_t *h)
{
    return memcmp(h, "07070", 5) == 0 && (h[5] == '1' || h[5] == '2');
}

/* Checks the header at it->off and decodes its fields. */
static int read_header(const cpio_iter_t *it, uint32_t fields[N_FIELDS], err_t *err)
{
    size_t at = it->off;
    if (it->size - at < HEADER_BYTES)
        return fail(err_set(err, ERR_FORMAT,
                            "cpio: header at byte %zu needs %d bytes but the %zu-byte archive has %zu left (no trailer)",
                            at, HEADER_BYTES, it->size, it->size - at));
    const uint8_t *h = it->base + at;
    if (!magic_ok(h))
        return fail(err_set(err, ERR_FORMAT,
                            "cpio: bad magic %02x %02x %02x %02x %02x %02x at byte %zu (expected \"070701\" or "
                            "\"070702\"; compressed archives are not read)",
                            h[0], h[1], h[2], h[3], h[4], h[5], at));
    for (int i = 0; i < N_FIELDS; i++) {
        size_t pos = MAGIC_BYTES + (size_t)i * FIELD_DIGITS;
        if (!parse_field(h + pos, &fields[i]))
            return fail(err_set(err, ERR_FORMAT, "cpio: header at byte %zu: field %s at byte %zu is not %d hex digits",
                                at, field_names[i], at + pos, FIELD_DIGITS));
    }
    return 0;
}

/* Checks the name that follows the header at it->off and points out->name at it. */
static int read_name(const cpio_iter_t *it, uint32_t namesize, cpio_entry_t *out, err_t *err)
{
    size_t at = it->off + HEADER_BYTES;
    if (namesize == 0)
        return fail(err_set(err, ERR_FORMAT, "cpio: header at byte %zu: namesize 0 (a name needs at least its NUL)",
                            it->off));
    if (namesize > it->size - at)
        return fail(err_set(err, ERR_FORMAT,
                            "cpio: header at byte %zu: name of %u bytes at byte %zu runs past the end of the "
                            "%zu-byte archive",
                            it->off, namesize, at, it->size));
    const char *name = (const char *)it->base + at;
    size_t len = strnlen(name, namesize);
    if (len == namesize)
        return fail(err_set(err, ERR_FORMAT,
                            "cpio: header at byte %zu: name at byte %zu is not NUL-terminated at namesize %u",
                            it->off, at, namesize));
    if (len != namesize - 1)
        return fail(err_set(err, ERR_FORMAT,
                            "cpio: header at byte %zu: name at byte %zu has a NUL at byte %zu, before its end "
                            "(namesize %u)",
                            it->off, at, at + len, namesize));
    out->name = name;
    out->name_len = len;
    return 0;
}

static bool is_trailer(const cpio_entry_t *e)
{
    return e->name_len == sizeof TRAILER - 1 && memcmp(e->name, TRAILER, e->name_len) == 0;
}

void cpio_iter_init(cpio_iter_t *it, const void *archive, size_t size)
{
    it->base = archive;
    it->size = size;
    it->off = 0;
    it->done = false;
}

int cpio_next(cpio_iter_t *it, cpio_entry_t *out, err_t *err)
{
    if (it->done)
        return 0;
    if (it->off >= it->size)
        return fail(err_set(err, ERR_FORMAT, "cpio: no trailer: the %zu-byte archive ends without a \"%s\" entry",
                            it->size, TRAILER));
    uint32_t f[N_FIELDS];
    cpio_entry_t e;
    int rc = read_header(it, f, err);
    if (rc == 0)
        rc = read_name(it, f[F_NAMESIZE], &e, err);
    if (rc < 0)
        return rc;
    if (is_trailer(&e)) {
        it->done = true;
        return 0;
    }
    size_t data_at = pad4(it->off + HEADER_BYTES + f[F_NAMESIZE], it->size);
    if (f[F_FILESIZE] > it->size - data_at)
        return fail(err_set(err, ERR_FORMAT,
                            "cpio: '%s' (header at byte %zu): data of %u bytes at byte %zu runs past the end of "
                            "the %zu-byte archive",
                            e.name, it->off, f[F_FILESIZE], data_at, it->size));
    e.data = it->base + data_at;
    e.size = f[F_FILESIZE];
    e.mode = f[F_MODE];
    it->off = pad4(data_at + f[F_FILESIZE], it->size);
    *out = e;
    return 1;
}

bool cpio_is_regular(const cpio_entry_t *e)
{
    return (e->mode & S_IFMT_BITS) == S_IFREG_BITS;
}

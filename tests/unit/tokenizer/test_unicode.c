/*
 * The Unicode layer: UTF-8 decoding of every valid form and every kind of
 * bad input with llama.cpp's consumption rules, encoding, the codepoint
 * flags of known characters of many scripts and, through SHA-256 digests
 * from the `regex` package (tests/golden/pretokenize/unicode_tables.txt),
 * of all 1,114,112 codepoints; lowercase; the GPT-2 byte alphabet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/lib/sha256.h"
#include "llm/tokenizer/unicode.h"
#include "tests/unit/suites.h"

#define TABLES_GOLDEN "tests/golden/pretokenize/unicode_tables.txt"

/* ---------------------------------------------------------- UTF-8 */

/* Decodes bytes (a string literal) with both decoders and checks value and length. */
static void check_decode(const char *bytes, size_t len, uint32_t lenient_cp, size_t lenient_n, uint32_t strict_cp,
                         size_t strict_n)
{
    size_t n = 99;
    uint32_t cp = utf8_decode((const uint8_t *)bytes, len, &n);
    CU_ASSERT_EQUAL(cp, lenient_cp);
    CU_ASSERT_EQUAL(n, lenient_n);
    n = 99;
    cp = utf8_decode_strict((const uint8_t *)bytes, len, &n);
    CU_ASSERT_EQUAL(cp, strict_cp);
    CU_ASSERT_EQUAL(n, strict_n);
}

static void test_utf8_roundtrip_every_codepoint(void)
{
    for (uint32_t cp = 0; cp <= UNICODE_MAX; cp++) {
        uint8_t buf[4];
        size_t len = utf8_encode(cp, buf);
        size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        size_t n, n_strict;
        uint32_t got = utf8_decode(buf, len, &n);
        uint32_t got_strict = utf8_decode_strict(buf, len, &n_strict);
        bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        if (len != want || got != cp || n != len || got_strict != (surrogate ? UNICODE_INVALID : cp) ||
            n_strict != (surrogate ? 1 : len)) {
            CU_FAIL("encode/decode round trip");
            fprintf(stderr, "\n  U+%04X: len %zu got %X/%zu strict %X/%zu\n", (unsigned)cp, len, (unsigned)got, n,
                    (unsigned)got_strict, n_strict);
            return;
        }
    }
}

static void test_utf8_known_encodings(void)
{
    static const struct {
        uint32_t cp;
        const char *utf8;
    } cases[] = {
        { 0x00, "" }, { 0x41, "A" }, { 0x7F, "\x7F" }, { 0x80, "\xC2\x80" }, { 0xE9, "\xC3\xA9" },
        { 0x7FF, "\xDF\xBF" }, { 0x800, "\xE0\xA0\x80" }, { 0x20AC, "\xE2\x82\xAC" }, { 0xD800, "\xED\xA0\x80" },
        { 0xFFFD, "\xEF\xBF\xBD" }, { 0xFFFF, "\xEF\xBF\xBF" }, { 0x10000, "\xF0\x90\x80\x80" },
        { 0x1D11E, "\xF0\x9D\x84\x9E" }, { 0x1F600, "\xF0\x9F\x98\x80" }, { 0x10FFFF, "\xF4\x8F\xBF\xBF" },
        /* above U+10FFFF llama.cpp throws; we write U+FFFD */
        { 0x110000, "\xEF\xBF\xBD" }, { UNICODE_INVALID, "\xEF\xBF\xBD" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[4];
        size_t want_len = cases[i].cp == 0 ? 1 : strlen(cases[i].utf8);
        size_t len = utf8_encode(cases[i].cp, buf);
        CU_ASSERT_EQUAL(len, want_len);
        CU_ASSERT(memcmp(buf, cases[i].utf8, want_len) == 0);
    }
}

static void test_utf8_decode_bad_input(void)
{
    const uint32_t BAD = UNICODE_INVALID;
    /* lone continuation bytes, bytes no sequence starts with */
    check_decode("\x80", 1, BAD, 1, BAD, 1);
    check_decode("\xBF\x80", 2, BAD, 1, BAD, 1);
    check_decode("\xF8\x88\x80\x80\x80", 5, BAD, 1, BAD, 1);
    check_decode("\xFC\x84\x80\x80\x80\x80", 6, BAD, 1, BAD, 1);
    check_decode("\xFE", 1, BAD, 1, BAD, 1);
    check_decode("\xFF", 1, BAD, 1, BAD, 1);
    /* truncated by the end of input, or by a byte that is not a continuation */
    check_decode("\xC3", 1, BAD, 1, BAD, 1);
    check_decode("\xE2\x82", 2, BAD, 1, BAD, 1);
    check_decode("\xE2\x82\xAC", 2, BAD, 1, BAD, 1);
    check_decode("\xF0\x9F\x98", 3, BAD, 1, BAD, 1);
    check_decode("\xC3\x41", 2, BAD, 1, BAD, 1);
    check_decode("\xE2\x28\xA1", 3, BAD, 1, BAD, 1);
    check_decode("\xE2\x82\x28", 3, BAD, 1, BAD, 1);
    check_decode("\xF0\x9F\x98\xC3", 4, BAD, 1, BAD, 1);
    /* overlong forms: llama.cpp takes the value, strict refuses */
    check_decode("\xC0\x80", 2, 0x00, 2, BAD, 1);
    check_decode("\xC1\xBF", 2, 0x7F, 2, BAD, 1);
    check_decode("\xE0\x80\x80", 3, 0x00, 3, BAD, 1);
    check_decode("\xE0\x9F\xBF", 3, 0x7FF, 3, BAD, 1);
    check_decode("\xF0\x80\x80\x80", 4, 0x00, 4, BAD, 1);
    check_decode("\xF0\x8F\xBF\xBF", 4, 0xFFFF, 4, BAD, 1);
    /* surrogates: llama.cpp takes them, strict refuses */
    check_decode("\xED\xA0\x80", 3, 0xD800, 3, BAD, 1);
    check_decode("\xED\xBF\xBF", 3, 0xDFFF, 3, BAD, 1);
    check_decode("\xED\x9F\xBF", 3, 0xD7FF, 3, 0xD7FF, 3);
    /* beyond U+10FFFF (llama.cpp decodes, then throws re-encoding): bad byte */
    check_decode("\xF4\x90\x80\x80", 4, BAD, 1, BAD, 1);
    check_decode("\xF7\xBF\xBF\xBF", 4, BAD, 1, BAD, 1);
    check_decode("\xF4\x8F\xBF\xBF", 4, 0x10FFFF, 4, 0x10FFFF, 4);
    /* nothing to read */
    check_decode("A", 0, BAD, 0, BAD, 0);
    /* a valid sequence only consumes its own bytes */
    check_decode("\xC3\xA9\xC3\xA9", 4, 0xE9, 2, 0xE9, 2);
    check_decode("A\x80", 2, 'A', 1, 'A', 1);
}

/* utf8_to_cpts turns every byte it cannot use into one U+FFFD, as llama.cpp's unicode_cpts_from_utf8. */
static void test_utf8_to_cpts_like_llama(void)
{
    static const struct {
        const char *bytes;
        size_t len;
        size_t n;
        uint32_t cpts[8];
    } cases[] = {
        { "", 0, 0, { 0 } },
        { "a\xC3", 2, 2, { 'a', 0xFFFD } },
        { "\xE2\x82", 2, 2, { 0xFFFD, 0xFFFD } },
        { "\xE2\x82" "A", 3, 3, { 0xFFFD, 0xFFFD, 'A' } },
        { "\xF0\x9F\x98\x80!", 5, 2, { 0x1F600, '!' } },
        { "\xF4\x90\x80\x80", 4, 4, { 0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD } },
        { "\xC0\x80x", 3, 2, { 0, 'x' } },
        { "\xED\xA0\x80", 3, 1, { 0xD800 } },
        { "\xFF\xFEz", 3, 3, { 0xFFFD, 0xFFFD, 'z' } },
        { "\xEF\xBF\xBD", 3, 1, { 0xFFFD } },
        { "h\xC3\xA9\xE2\x82\xAC\x00", 7, 4, { 'h', 0xE9, 0x20AC, 0 } },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t out[8];
        size_t n = utf8_to_cpts((const uint8_t *)cases[i].bytes, cases[i].len, out);
        CU_ASSERT_EQUAL(n, cases[i].n);
        if (n == cases[i].n)
            CU_ASSERT(memcmp(out, cases[i].cpts, n * sizeof out[0]) == 0);
    }
}

/* Random bytes: every decoded unit consumes >= 1 byte, and what strict accepts re-encodes to the same bytes. */
static void test_utf8_random_bytes(void)
{
    uint32_t state = 12345;
    uint8_t buf[64];
    for (int round = 0; round < 20000; round++) {
        for (size_t i = 0; i < sizeof buf; i++) {
            state = state * 1103515245u + 12345u;
            uint8_t b = (uint8_t)(state >> 16);
            buf[i] = round % 2 ? (uint8_t)(0x80 | (b & 0x7F)) : b; /* odd rounds: high bytes only */
        }
        size_t len = 1 + round % sizeof buf;
        for (size_t off = 0; off < len;) {
            size_t n, n_strict;
            uint32_t cp = utf8_decode(buf + off, len - off, &n);
            uint32_t strict = utf8_decode_strict(buf + off, len - off, &n_strict);
            CU_ASSERT_FATAL(n >= 1 && n <= len - off && n_strict >= 1 && n_strict <= n);
            CU_ASSERT_FATAL(strict == UNICODE_INVALID || (strict == cp && n_strict == n));
            if (strict != UNICODE_INVALID) {
                uint8_t enc[4];
                CU_ASSERT_FATAL(utf8_encode(strict, enc) == n && memcmp(enc, buf + off, n) == 0);
            }
            CU_ASSERT_FATAL(cp == UNICODE_INVALID || cp <= UNICODE_MAX);
            off += n;
        }
    }
}

static void test_utf8_seq_len(void)
{
    for (unsigned b = 0; b < 256; b++) {
        size_t want = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4; /* llama.cpp's nibble table */
        CU_ASSERT_EQUAL(utf8_seq_len((uint8_t)b), want);
    }
    CU_ASSERT_EQUAL(utf8_seq_len(0xFF), 4);
    CU_ASSERT_EQUAL(utf8_seq_len(0x80), 1);
}

/* ---------------------------------------------------------- flags */

enum {
    UND = UNICODE_UNDEFINED,
    NUM = UNICODE_NUMBER,
    LET = UNICODE_LETTER,
    SEP = UNICODE_SEPARATOR,
    MRK = UNICODE_ACCENT_MARK,
    PUN = UNICODE_PUNCTUATION,
    SYM = UNICODE_SYMBOL,
    CTL = UNICODE_CONTROL,
    WS = UNICODE_WHITESPACE,
};

static void test_flags_known_codepoints(void)
{
    static const struct {
        uint32_t cp;
        unsigned flags;
    } cases[] = {
        /* ASCII */
        { 0x00, CTL }, { '\t', CTL | WS }, { '\n', CTL | WS }, { 0x0B, CTL | WS }, { 0x0C, CTL | WS },
        { '\r', CTL | WS }, { 0x1C, CTL }, { 0x1F, CTL }, { ' ', SEP | WS }, { '!', PUN }, { '$', SYM },
        { '\'', PUN }, { '+', SYM }, { '0', NUM }, { '9', NUM }, { '<', SYM }, { '@', PUN }, { 'A', LET },
        { 'Z', LET }, { '^', SYM }, { '_', PUN }, { '`', SYM }, { 'a', LET }, { '|', SYM }, { '~', SYM },
        { 0x7F, CTL },
        /* Latin-1 */
        { 0x85, CTL | WS }, { 0xA0, SEP | WS }, { 0xA7, PUN }, { 0xAA, LET }, { 0xAD, CTL }, { 0xB2, NUM },
        { 0xB5, LET }, { 0xBD, NUM }, { 0xBF, PUN }, { 0xD7, SYM }, { 0xDF, LET }, { 0xE9, LET }, { 0xF7, SYM },
        /* scripts */
        { 0x0301, MRK }, { 0x03BB, LET }, { 0x03A9, LET }, { 0x0416, LET }, { 0x0436, LET }, { 0x05D0, LET },
        { 0x0627, LET }, { 0x0651, MRK }, { 0x0660, NUM }, { 0x0663, NUM }, { 0x066A, PUN }, { 0x06F3, NUM },
        { 0x0915, LET }, { 0x093F, MRK }, { 0x0967, NUM }, { 0x0E01, LET }, { 0x0E31, MRK }, { 0x1100, LET },
        { 0x3042, LET }, { 0x30A2, LET }, { 0x4E2D, LET }, { 0x9FFF, LET }, { 0xAC00, LET }, { 0xD55C, LET },
        { 0xD7A3, LET }, { 0xFF11, NUM }, { 0xFF21, LET }, { 0x10400, LET }, { 0x1D7CE, NUM }, { 0x20000, LET },
        /* numbers that are not digits */
        { 0x2162, NUM }, { 0x2460, NUM }, { 0x3007, NUM },
        /* punctuation and symbols */
        { 0x2014, PUN }, { 0x2019, PUN }, { 0x00AB, PUN }, { 0x3001, PUN }, { 0x20AC, SYM }, { 0x2192, SYM },
        { 0x2603, SYM }, { 0x2764, SYM }, { 0x1F600, SYM }, { 0x1F3FD, SYM }, { 0x1F1EB, SYM }, { 0xFFFD, SYM },
        { 0x20DD, MRK }, { 0xFE0F, MRK },
        /* whitespace and separators */
        { 0x1680, SEP | WS }, { 0x2000, SEP | WS }, { 0x2003, SEP | WS }, { 0x200A, SEP | WS },
        { 0x2028, SEP | WS }, { 0x2029, SEP | WS }, { 0x202F, SEP | WS }, { 0x205F, SEP | WS },
        { 0x3000, SEP | WS }, { 0x200B, CTL }, { 0x200D, CTL }, { 0x180E, CTL }, { 0xFEFF, CTL },
        /* other C categories, unassigned, out of range */
        { 0xD800, CTL }, { 0xDFFF, CTL }, { 0xE000, CTL }, { 0xF8FF, CTL }, { 0xE0001, CTL }, { 0x10FFFD, CTL },
        { 0x0378, UND }, { 0xFFFE, UND }, { 0x10FFFF, UND }, { 0x110000, UND }, { UNICODE_INVALID, UND },
        /* Unicode 15.1 (llama.cpp's tables) assigned these... */
        { 0x2FFC, SYM }, { 0x31EF, SYM }, { 0x2EBF0, LET }, { 0x0CF3, MRK },
        /* ...but not these (16.0) */
        { 0x1C89, UND }, { 0x10D40, UND },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned got = unicode_flags(cases[i].cp);
        if (got != cases[i].flags) {
            CU_FAIL("unicode_flags");
            fprintf(stderr, "\n  U+%04X: flags %#x, want %#x\n", (unsigned)cases[i].cp, got, cases[i].flags);
        }
    }
    CU_ASSERT(unicode_is_letter('q') && !unicode_is_letter('1') && unicode_is_number(0x663));
    CU_ASSERT(unicode_is_whitespace(0x3000) && !unicode_is_whitespace(0x200B) && !unicode_is_whitespace(0x1C));
}

/* llama.cpp's std::regex fallback collapses ASCII with these classes; the flags must agree. */
static void test_flags_ascii_classes(void)
{
    const char *punct = "!\"#%&'()*,-./:;?@[\\]_{}";
    const char *symbol = "$+<=>^`|~";
    for (uint32_t c = 0x21; c < 0x7F; c++) {
        unsigned want = (c >= '0' && c <= '9')                             ? NUM
                        : ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')         ? LET
                        : strchr(punct, (int)c)                            ? PUN
                        : strchr(symbol, (int)c)                           ? SYM
                                                                           : 0;
        CU_ASSERT_EQUAL(unicode_flags(c), want);
    }
}

/* Exactly one category bit everywhere; whitespace only on the 25; the block shortcut equals a plain search. */
static void test_flags_table_shape(void)
{
    size_t n_ws = 0;
    for (uint32_t cp = 0; cp <= UNICODE_MAX; cp++) {
        unsigned f = unicode_flags(cp);
        unsigned cat = f & UNICODE_CATEGORY_MASK;
        n_ws += (f & UNICODE_WHITESPACE) != 0;
        size_t lo = 0, hi = unicode_flag_range_count - 1;
        while (lo < hi) {
            size_t mid = (lo + hi + 1) / 2;
            if (unicode_flag_ranges[mid] >> UNICODE_FLAG_BITS <= cp)
                lo = mid;
            else
                hi = mid - 1;
        }
        unsigned plain = unicode_flag_ranges[lo] & ((1u << UNICODE_FLAG_BITS) - 1);
        if (cat == 0 || (cat & (cat - 1)) != 0 || (f & ~0x1FFu) != 0 || f != plain) {
            CU_FAIL("flag table");
            fprintf(stderr, "\n  U+%04X: flags %#x, plain search %#x\n", (unsigned)cp, f, plain);
            return;
        }
    }
    CU_ASSERT_EQUAL(n_ws, 25);
    CU_ASSERT_EQUAL(unicode_flag_ranges[0] >> UNICODE_FLAG_BITS, 0);
}

/* Reads "name hex" from the tables golden; false (and a message) if absent. */
static bool golden_digest(const char *name, char hex[SHA256_HEX_BYTES])
{
    FILE *fp = fopen(TABLES_GOLDEN, "r");
    if (!fp) {
        fprintf(stderr, "\n  cannot open %s (run the tests from the repository root)\n", TABLES_GOLDEN);
        return false;
    }
    char line[256], key[32];
    bool found = false;
    while (!found && fgets(line, sizeof line, fp))
        found = sscanf(line, "%31s %64s", key, hex) == 2 && strcmp(key, name) == 0 && strlen(hex) == 64;
    fclose(fp);
    if (!found)
        fprintf(stderr, "\n  no '%s' digest in %s\n", name, TABLES_GOLDEN);
    return found;
}

/* SHA-256 of value(cp) for every codepoint, as width-byte little-endian integers. */
static void digest_all(uint32_t (*value)(uint32_t), size_t width, char hex[SHA256_HEX_BYTES])
{
    sha256_t s;
    sha256_init(&s);
    uint8_t buf[4096];
    size_t used = 0;
    for (uint32_t cp = 0; cp <= UNICODE_MAX; cp++) {
        uint32_t v = value(cp);
        for (size_t i = 0; i < width; i++)
            buf[used++] = (uint8_t)(v >> (8 * i));
        if (used == sizeof buf) {
            sha256_update(&s, buf, used);
            used = 0;
        }
    }
    sha256_update(&s, buf, used);
    uint8_t d[SHA256_DIGEST_BYTES];
    sha256_final(&s, d);
    sha256_to_hex(d, hex);
}

static uint32_t flags_value(uint32_t cp)
{
    return unicode_flags(cp);
}

static void test_tables_match_regex_package(void)
{
    char want[SHA256_HEX_BYTES], got[SHA256_HEX_BYTES];
    CU_ASSERT_FATAL(golden_digest("flags", want));
    digest_all(flags_value, 2, got);
    CU_ASSERT_STRING_EQUAL(got, want);
    CU_ASSERT_FATAL(golden_digest("lower", want));
    digest_all(unicode_tolower, 4, got);
    CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_tolower(void)
{
    static const uint32_t pairs[][2] = {
        { 'A', 'a' }, { 'Z', 'z' }, { 'a', 'a' }, { '1', '1' }, { '\'', '\'' }, { 0xC0, 0xE0 }, { 0xDE, 0xFE },
        { 0xD7, 0xD7 }, { 0x100, 0x101 }, { 0x101, 0x101 }, { 0x130, 'i' }, { 0x178, 0xFF }, { 0x1C5, 0x1C6 },
        { 0x1C4, 0x1C6 }, { 0x3A3, 0x3C3 }, { 0x3C2, 0x3C2 }, { 0x416, 0x436 }, { 0x1E9E, 0xDF },
        { 0x2126, 0x3C9 }, { 0x212A, 'k' }, { 0x212B, 0xE5 }, { 0xFF21, 0xFF41 }, { 0x10400, 0x10428 },
        { 0x1E900, 0x1E922 }, { 0x4E2D, 0x4E2D }, { 0x10FFFF, 0x10FFFF }, { 0x110000, 0x110000 },
        { UNICODE_INVALID, UNICODE_INVALID },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        CU_ASSERT_EQUAL(unicode_tolower(pairs[i][0]), pairs[i][1]);
}

/* llama.cpp's one-codepoint NFD: the first codepoint of the decomposition (Hangul too), the rest unchanged. */
static void test_nfd_first(void)
{
    static const uint32_t pairs[][2] = {
        { 0xC0, 'A' },          { 0xE9, 'e' },        { 0xC7, 'C' },         { 0x1E9E, 0x1E9E },
        { 0x212B, 'A' },        { 0xAC00, 0x1100 },   { 0x2126, 0x3A9 },     { 0x1F80, 0x3B1 },
        { 'A', 'A' },           { 0x4E2D, 0x4E2D },   { 0x301, 0x301 },      { 0xFB2C, 0x5E9 },
        { 0x1D15E, 0x1D157 },   { 0x2FA1D, 0x2A600 }, { 0x10FFFF, 0x10FFFF }, { 0x110000, 0x110000 },
        { UNICODE_INVALID, UNICODE_INVALID },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        CU_ASSERT_EQUAL(unicode_nfd_first(pairs[i][0]), pairs[i][1]);
    /* the table: sorted, disjoint, every entry a real change, llama.cpp's 1827 ranges */
    CU_ASSERT_EQUAL(unicode_nfd_range_count, 1827);
    for (size_t i = 0; i < unicode_nfd_range_count; i++) {
        const unicode_nfd_range_t *r = &unicode_nfd_ranges[i];
        CU_ASSERT(r->first <= r->last && (i == 0 || unicode_nfd_ranges[i - 1].last < r->first));
        CU_ASSERT(unicode_nfd_first(r->first) == r->nfd && unicode_nfd_first(r->last) == r->nfd);
        CU_ASSERT(r->nfd < r->first || r->nfd > r->last);
    }
}

/* ---------------------------------------------------------- GPT-2 bytes */

/* The mapping rebuilt the way GPT-2's bytes_to_unicode defines it, then compared both ways. */
static void test_byte_alphabet(void)
{
    uint32_t want[256];
    uint32_t next = 256;
    for (unsigned b = 0; b < 256; b++) {
        bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        want[b] = printable ? b : next++;
    }
    CU_ASSERT_EQUAL(next, 256 + 68);
    for (unsigned b = 0; b < 256; b++) {
        CU_ASSERT_EQUAL(unicode_byte_to_cpt((uint8_t)b), want[b]);
        CU_ASSERT_EQUAL(unicode_cpt_to_byte(want[b]), (int)b);
    }
    /* a bijection: exactly 256 codepoints map back, each from its own byte */
    size_t n_mapped = 0;
    for (uint32_t cp = 0; cp < 0x1000; cp++) {
        int b = unicode_cpt_to_byte(cp);
        if (b >= 0) {
            n_mapped++;
            CU_ASSERT_EQUAL(unicode_byte_to_cpt((uint8_t)b), cp);
        }
    }
    CU_ASSERT_EQUAL(n_mapped, 256);
}

static void test_byte_alphabet_known(void)
{
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(' '), 0x120);  /* 'Ġ' */
    CU_ASSERT_EQUAL(unicode_byte_to_cpt('\n'), 0x10A); /* 'Ċ' */
    CU_ASSERT_EQUAL(unicode_byte_to_cpt('\t'), 0x109); /* 'ĉ' */
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(0x00), 0x100);
    CU_ASSERT_EQUAL(unicode_byte_to_cpt('A'), 'A');
    CU_ASSERT_EQUAL(unicode_byte_to_cpt('!'), '!');
    CU_ASSERT_EQUAL(unicode_byte_to_cpt('~'), '~');
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(0x7F), 0x121);
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(0xA0), 0x142);
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(0xA1), 0xA1);
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(0xAD), 0x143);
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(0xC3), 0xC3);
    CU_ASSERT_EQUAL(unicode_byte_to_cpt(0xFF), 0xFF);
    CU_ASSERT_EQUAL(unicode_cpt_to_byte(0x120), ' ');
    CU_ASSERT_EQUAL(unicode_cpt_to_byte(' '), -1);
    CU_ASSERT_EQUAL(unicode_cpt_to_byte('\n'), -1);
    CU_ASSERT_EQUAL(unicode_cpt_to_byte(0x7F), -1);
    CU_ASSERT_EQUAL(unicode_cpt_to_byte(0xAD), -1);
    CU_ASSERT_EQUAL(unicode_cpt_to_byte(0x144), -1);
    CU_ASSERT_EQUAL(unicode_cpt_to_byte(0x1F600), -1);
    CU_ASSERT_EQUAL(unicode_cpt_to_byte(UNICODE_INVALID), -1);
}

TEST_REGISTER(test_unicode_register)
{
    CU_pSuite s = test_suite("unicode");
    TEST_ADD(s, test_utf8_roundtrip_every_codepoint);
    TEST_ADD(s, test_utf8_known_encodings);
    TEST_ADD(s, test_utf8_decode_bad_input);
    TEST_ADD(s, test_utf8_to_cpts_like_llama);
    TEST_ADD(s, test_utf8_random_bytes);
    TEST_ADD(s, test_utf8_seq_len);
    TEST_ADD(s, test_flags_known_codepoints);
    TEST_ADD(s, test_flags_ascii_classes);
    TEST_ADD(s, test_flags_table_shape);
    TEST_ADD(s, test_tables_match_regex_package);
    TEST_ADD(s, test_tolower);
    TEST_ADD(s, test_nfd_first);
    TEST_ADD(s, test_byte_alphabet);
    TEST_ADD(s, test_byte_alphabet_known);
}

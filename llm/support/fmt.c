/*
 * The printf-style formatter (see fmt.h). Parses one conversion at a time into
 * a spec, renders the number or string into a small local buffer, and hands
 * padding and text to the sink. Not a full C printf: no %e/%g/%a, no %n.
 */
#include "llm/support/fmt.h"

#include <stdbool.h>
#include <stdint.h>

#include "llm/platform.h"

#define MAX_FIELD 100000  /* width and precision are clamped to this */
#define MAX_FLOAT_PREC 18 /* 10^18 still fits an exact uint64 and double */

struct out {
    fmt_sink_fn sink;
    void *ctx;
    size_t count;
};

struct spec {
    bool left, zero, plus, space, alt;
    int width;
    int prec; /* -1: not given */
};

static void put(struct out *o, const char *s, size_t n)
{
    if (n) {
        o->sink(o->ctx, s, n);
        o->count += n;
    }
}

static void put_repeat(struct out *o, char c, size_t n)
{
    char chunk[32];
    memset(chunk, c, sizeof chunk);
    while (n) {
        size_t k = n < sizeof chunk ? n : sizeof chunk;
        put(o, chunk, k);
        n -= k;
    }
}

/*
 * Lays out one field: prefix (sign, "0x"), then body padded on the left with
 * zeros to min_body bytes, the whole padded to the width with spaces (or with
 * zeros between prefix and body when the '0' flag applies).
 */
static void put_field(struct out *o, const struct spec *sp, const char *prefix,
                      const char *body, size_t body_len, size_t min_body, bool zero_ok)
{
    size_t pre_len = strlen(prefix);
    size_t zeros = min_body > body_len ? min_body - body_len : 0;
    size_t len = pre_len + zeros + body_len;
    size_t fill = (size_t)sp->width > len ? (size_t)sp->width - len : 0;

    if (!sp->left && sp->zero && zero_ok) {
        zeros += fill;
        fill = 0;
    }
    if (!sp->left)
        put_repeat(o, ' ', fill);
    put(o, prefix, pre_len);
    put_repeat(o, '0', zeros);
    put(o, body, body_len);
    if (sp->left)
        put_repeat(o, ' ', fill);
}

/* Writes v in base into the end of buf; returns the index of the first digit. */
static size_t render_u64(char *buf, size_t size, uint64_t v, unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t i = size;
    do {
        buf[--i] = digits[v % base];
        v /= base;
    } while (v);
    return i;
}

static void put_integer(struct out *o, const struct spec *sp, uint64_t mag, bool negative,
                        unsigned base, bool upper, bool is_pointer)
{
    char buf[24];
    size_t start = render_u64(buf, sizeof buf, mag, base, upper);
    size_t len = sizeof buf - start;
    const char *prefix = "";

    if (negative)
        prefix = "-";
    else if (base == 10 && sp->plus)
        prefix = "+";
    else if (base == 10 && sp->space)
        prefix = " ";
    else if (is_pointer || (base == 16 && sp->alt && mag != 0))
        prefix = upper ? "0X" : "0x";

    size_t min_body = 1;
    if (sp->prec >= 0) {
        min_body = (size_t)sp->prec;
        if (sp->prec == 0 && mag == 0)
            len = 0; /* "%.0d" of 0 prints no digits */
    }
    if (base == 8 && sp->alt && min_body <= len)
        min_body = len + (buf[start] != '0' || len == 0);
    put_field(o, sp, prefix, buf + start, len, min_body, sp->prec < 0);
}

/* Fixed-point text of v >= 0 (v < 1e19) with prec decimals into buf. */
static size_t render_fixed(char *buf, double v, int prec, bool alt)
{
    uint64_t p10 = 1;
    for (int i = 0; i < prec; i++)
        p10 *= 10;

    uint64_t ip = (uint64_t)v;
    double scaled = (v - (double)ip) * (double)p10;
    uint64_t fp = (uint64_t)scaled;
    double rem = scaled - (double)fp;
    uint64_t last = prec ? fp : ip;
    if (rem > 0.5 || (rem == 0.5 && (last & 1)))
        fp++; /* round half to even, as C libraries do for exact ties */
    if (fp >= p10) {
        ip++;
        fp -= p10;
    }

    char tmp[24];
    size_t start = render_u64(tmp, sizeof tmp, ip, 10, false);
    size_t n = sizeof tmp - start;
    memcpy(buf, tmp + start, n);
    if (prec > 0 || alt)
        buf[n++] = '.';
    for (int i = prec - 1; i >= 0; i--) {
        buf[n + (size_t)i] = (char)('0' + fp % 10);
        fp /= 10;
    }
    return n + (size_t)prec;
}

/* Exponent form m.mmm e+XX of v >= 1e19 (our %f's fallback for huge values). */
static size_t render_exponent(char *buf, double v, int prec, bool alt)
{
    int exp10 = 0;
    while (v >= 10.0) {
        v /= 10.0;
        exp10++;
    }
    char mant[48];
    size_t n = render_fixed(mant, v, prec, alt);
    if (mant[0] == '1' && mant[1] == '0') { /* 9.99.. rounded up to 10 */
        n = render_fixed(mant, v / 10.0, prec, alt);
        exp10++;
    }
    memcpy(buf, mant, n);
    buf[n++] = 'e';
    buf[n++] = '+';
    char tmp[8];
    size_t start = render_u64(tmp, sizeof tmp, (uint64_t)exp10, 10, false);
    if (sizeof tmp - start < 2)
        buf[n++] = '0';
    memcpy(buf + n, tmp + start, sizeof tmp - start);
    return n + (sizeof tmp - start);
}

static void put_float(struct out *o, const struct spec *sp, double v)
{
    bool negative = __builtin_signbit(v);
    const char *prefix = negative ? "-" : sp->plus ? "+" : sp->space ? " " : "";
    if (negative)
        v = -v;
    if (v != v || v > 1.7976931348623157e308) {
        const char *word = v != v ? "nan" : "inf";
        put_field(o, sp, prefix, word, 3, 0, false);
        return;
    }
    int prec = sp->prec < 0 ? 6 : sp->prec > MAX_FLOAT_PREC ? MAX_FLOAT_PREC : sp->prec;
    char buf[64];
    size_t n = v < 1e19 ? render_fixed(buf, v, prec, sp->alt) : render_exponent(buf, v, prec, sp->alt);
    put_field(o, sp, prefix, buf, n, 0, true);
}

static int parse_number(const char **p)
{
    int v = 0;
    while (**p >= '0' && **p <= '9') {
        if (v < MAX_FIELD)
            v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v < MAX_FIELD ? v : MAX_FIELD;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF };

static enum length parse_length(const char **p)
{
    switch (**p) {
    case 'h':
        (*p)++;
        if (**p == 'h') {
            (*p)++;
            return LEN_CHAR;
        }
        return LEN_SHORT;
    case 'l':
        (*p)++;
        if (**p == 'l') {
            (*p)++;
            return LEN_LLONG;
        }
        return LEN_LONG;
    case 'j':
        (*p)++;
        return LEN_LLONG;
    case 'z':
        (*p)++;
        return LEN_SIZE;
    case 't':
        (*p)++;
        return LEN_PTRDIFF;
    default:
        return LEN_INT;
    }
}

static int64_t fetch_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE:
    case LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static uint64_t fetch_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    case LEN_PTRDIFF: return (uint64_t)va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, unsigned);
    }
}

/* Parses flags, width and precision after '%'; leaves *p at the length/conversion. */
static void parse_spec(const char **p, va_list *ap, struct spec *sp)
{
    *sp = (struct spec){ .prec = -1 };
    for (;; (*p)++) {
        char c = **p;
        if (c == '-') sp->left = true;
        else if (c == '0') sp->zero = true;
        else if (c == '+') sp->plus = true;
        else if (c == ' ') sp->space = true;
        else if (c == '#') sp->alt = true;
        else break;
    }
    if (**p == '*') {
        (*p)++;
        int w = va_arg(*ap, int);
        if (w < 0) {
            sp->left = true;
            w = w == INT32_MIN ? MAX_FIELD : -w;
        }
        sp->width = w < MAX_FIELD ? w : MAX_FIELD;
    } else {
        sp->width = parse_number(p);
    }
    if (**p == '.') {
        (*p)++;
        if (**p == '*') {
            (*p)++;
            int pr = va_arg(*ap, int);
            sp->prec = pr < 0 ? -1 : pr < MAX_FIELD ? pr : MAX_FIELD;
        } else {
            sp->prec = parse_number(p);
        }
    }
}

static void put_conversion(struct out *o, const char **p, va_list *ap)
{
    const char *start = *p - 1; /* the '%' */
    struct spec sp;
    parse_spec(p, ap, &sp);
    enum length len = parse_length(p);
    char conv = **p;
    if (conv == '\0') { /* a lone '%' at the end: print it as is */
        put(o, start, (size_t)(*p - start));
        return;
    }
    (*p)++;

    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = fetch_signed(ap, len);
        uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        put_integer(o, &sp, mag, v < 0, 10, false, false);
        break;
    }
    case 'u': put_integer(o, &sp, fetch_unsigned(ap, len), false, 10, false, false); break;
    case 'x': put_integer(o, &sp, fetch_unsigned(ap, len), false, 16, false, false); break;
    case 'X': put_integer(o, &sp, fetch_unsigned(ap, len), false, 16, true, false); break;
    case 'o': put_integer(o, &sp, fetch_unsigned(ap, len), false, 8, false, false); break;
    case 'p':
        put_integer(o, &sp, (uintptr_t)va_arg(*ap, void *), false, 16, false, true);
        break;
    case 'f':
    case 'F': put_float(o, &sp, va_arg(*ap, double)); break;
    case 'c': {
        char c = (char)va_arg(*ap, int);
        put_field(o, &sp, "", &c, 1, 0, false);
        break;
    }
    case 's': {
        const char *s = va_arg(*ap, const char *);
        if (!s)
            s = "(null)";
        size_t n = sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s);
        put_field(o, &sp, "", s, n, 0, false);
        break;
    }
    case '%': put(o, "%", 1); break;
    default: put(o, start, (size_t)(*p - start)); break; /* unknown: copy as is */
    }
}

size_t fmt_vformat(fmt_sink_fn sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = { sink, ctx, 0 };
    va_list args;
    va_copy(args, ap);
    const char *p = fmt;
    while (*p) {
        const char *lit = p;
        while (*p && *p != '%')
            p++;
        put(&o, lit, (size_t)(p - lit));
        if (*p == '%') {
            p++;
            put_conversion(&o, &p, &args);
        }
    }
    va_end(args);
    return o.count;
}

size_t fmt_format(fmt_sink_fn sink, void *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vformat(sink, ctx, fmt, ap);
    va_end(ap);
    return n;
}

struct buf_sink {
    char *buf;
    size_t size; /* usable bytes, excluding the NUL */
    size_t pos;
};

static void buf_write(void *ctx, const char *s, size_t n)
{
    struct buf_sink *b = ctx;
    size_t room = b->size - b->pos;
    size_t k = n < room ? n : room;
    if (k) {
        memcpy(b->buf + b->pos, s, k);
        b->pos += k;
    }
}

size_t fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buf_sink b = { buf, size ? size - 1 : 0, 0 };
    size_t n = fmt_vformat(buf_write, &b, fmt, ap);
    if (size)
        buf[b.pos] = '\0';
    return n;
}

size_t fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = fmt_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

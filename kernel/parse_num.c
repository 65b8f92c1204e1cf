/* Shell number parsing (see parse_num.h): no libc, no locale. */
#include "kernel/parse_num.h"

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!is_digit(*s))
        return false;
    for (; is_digit(*s); s++) {
        uint64_t d = (uint64_t)(*s - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (*s)
        return false;
    *out = v;
    return true;
}

/* Reads digits into *v (ignoring those past 18 significant ones, counting them in *dropped). */
static int read_digits(const char **s, uint64_t *v, int *dropped)
{
    int n = 0;
    for (; is_digit(**s); (*s)++, n++) {
        if (*v < 100000000000000000ull)
            *v = *v * 10 + (uint64_t)(**s - '0');
        else
            (*dropped)++;
    }
    return n;
}

bool parse_float(const char *s, float *out)
{
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    uint64_t mant = 0;
    int dropped = 0, scale = 0;
    int n = read_digits(&s, &mant, &dropped);
    scale += dropped;
    if (*s == '.') {
        s++;
        int before = dropped, k = read_digits(&s, &mant, &dropped);
        scale -= k - (dropped - before);
        n += k;
    }
    if (n == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        bool eneg = *s == '-';
        if (*s == '-' || *s == '+')
            s++;
        int e = 0, nd = 0;
        for (; is_digit(*s); s++, nd++)
            e = e < 1000 ? e * 10 + (*s - '0') : e;
        if (nd == 0)
            return false;
        scale += eneg ? -e : e;
    }
    if (*s)
        return false;
    double v = (double)mant;
    for (; scale > 0 && v < 1e31; scale--)
        v *= 10.0;
    for (; scale < 0 && v > 0; scale++)
        v /= 10.0;
    if (v >= 1e30)
        return false;
    *out = (float)(neg ? -v : v);
    return true;
}

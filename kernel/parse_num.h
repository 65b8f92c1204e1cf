/*
 * Numbers typed at the shell: unsigned decimal integers and decimal
 * fractions ("0.7", "1e-3", ".5"). The whole string must be the number.
 */
#ifndef KERNEL_PARSE_NUM_H
#define KERNEL_PARSE_NUM_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal digits only, at most max; false on anything else (sign, blank, overflow). */
bool parse_u64(const char *s, uint64_t max, uint64_t *out);

/* [+-]digits[.digits][e[+-]digits], at least one digit, |value| < 1e30; false otherwise. */
bool parse_float(const char *s, float *out);

#endif

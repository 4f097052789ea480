/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * int256.c - 256-bit integers as 32 big-endian bytes: the text forms
 * wallets accept, Solidity type ranges, and the little arithmetic that
 * transactions need (fee caps).  Byte-wise on purpose: these values are
 * parsed and range-checked, never computed with in a loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/int256.h"

#define MAX_SAFE_JSON_INT 9007199254740991LL /* 2^53 - 1 */

int lithsm_int_type_of(lithsm_int_type *out, const char *name)
{
    const char *p = name;
    unsigned long bits;
    char *end;

    out->is_signed = strncmp(p, "int", 3) == 0;
    if (!out->is_signed && strncmp(p, "uint", 4) != 0)
        return 0;
    p += out->is_signed ? 3 : 4;
    if (*p < '1' || *p > '9')
        return 0;
    bits = strtoul(p, &end, 10);
    if (*end != '\0' || bits == 0 || bits > 256 || bits % 8 != 0)
        return 0;
    out->bits = (unsigned)bits;
    return 1;
}

static void negate(uint8_t v[32])
{
    unsigned carry = 1;
    int i;

    for (i = 31; i >= 0; i--) {
        unsigned x = (uint8_t)~v[i] + carry;

        v[i] = (uint8_t)(x & 0xff);
        carry = x >> 8;
    }
}

/* v = v * mul + add over 8 big-endian 32-bit limbs; 0 when the result
 * leaves 256 bits. */
static int limbs_mul_add(uint32_t v[8], uint32_t mul, uint32_t add)
{
    uint64_t carry = add;
    int i;

    for (i = 7; i >= 0; i--) {
        uint64_t x = (uint64_t)v[i] * mul + carry;

        v[i] = (uint32_t)x;
        carry = x >> 32;
    }
    return carry == 0;
}

/* Digits of text[0..len) in `base` into v; PARSE/RANGE named by `what`.
 * Digits are taken 9 (decimal) or 7 (hex) at a time, one multiplication
 * of the whole value per group; a value that overflows before a bad digit
 * is RANGE, as when read one digit at a time. */
static lithsm_err read_digits(uint8_t v[32], const char *text, size_t len,
                              unsigned base, const char *what)
{
    const uint32_t full = base == 10 ? 1000000000u : 1u << 28;
    uint32_t limbs[8] = { 0 }, group = 0, scale = 1;
    size_t i;

    memset(v, 0, 32);
    if (len == 0)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: no digits", what);
    for (i = 0; i < len; i++) {
        int d = lithsm_hex_digit(text[i]);

        if (d < 0 || (unsigned)d >= base) {
            if (!limbs_mul_add(limbs, scale, group))
                break;
            return lithsm_fail(
                LITHSM_ERR_PARSE, "%s: '%c' is not a %s digit", what,
                (text[i] >= 0x20 && text[i] < 0x7f) ? text[i] : '?',
                base == 10 ? "decimal" : "hex");
        }
        group = group * base + (uint32_t)d;
        scale *= base;
        if (scale == full) {
            if (!limbs_mul_add(limbs, scale, group))
                break;
            group = 0;
            scale = 1;
        }
    }
    if (i < len || !limbs_mul_add(limbs, scale, group))
        return lithsm_fail(LITHSM_ERR_RANGE, "%s: the value exceeds 2^256 - 1",
                           what);
    for (i = 0; i < 32; i++)
        v[i] = (uint8_t)(limbs[i / 4] >> (24 - 8 * (i % 4)));
    return LITHSM_OK;
}

/* 1 when the bytes above the type's width all equal `fill` and the top
 * bit of the type's own bytes is `sign` (signed types only). */
static int fits(const uint8_t v[32], lithsm_int_type t, uint8_t fill)
{
    size_t top = 32 - t.bits / 8, i;

    for (i = 0; i < top; i++)
        if (v[i] != fill)
            return 0;
    if (t.is_signed)
        return ((v[top] & 0x80) != 0) == (fill == 0xff);
    return 1;
}

static lithsm_err range_error(lithsm_int_type t, const char *what)
{
    return lithsm_fail(LITHSM_ERR_RANGE, "%s: the value does not fit %s%u",
                       what, t.is_signed ? "int" : "uint", t.bits);
}

lithsm_err lithsm_int_parse(uint8_t out[32], const char *text, size_t len,
                            lithsm_int_type t, const char *what)
{
    int negative = len > 0 && text[0] == '-';
    lithsm_err err;

    if (len >= 2 && text[0] == '0' && text[1] == 'x')
        err = read_digits(out, text + 2, len - 2, 16, what);
    else
        err =
            read_digits(out, text + negative, len - (size_t)negative, 10, what);
    if (err != LITHSM_OK)
        return err;
    if (negative && !t.is_signed)
        return lithsm_fail(LITHSM_ERR_RANGE, "%s: uint%u cannot be negative",
                           what, t.bits);
    if (negative) {
        uint8_t zero[32] = { 0 };

        if (memcmp(out, zero, 32) == 0)
            return LITHSM_OK; /* "-0" */
        negate(out);
        return fits(out, t, 0xff) ? LITHSM_OK : range_error(t, what);
    }
    return fits(out, t, 0) ? LITHSM_OK : range_error(t, what);
}

lithsm_err lithsm_int_from_json(uint8_t out[32], const json_object *v,
                                lithsm_int_type t, const char *what)
{
    char text[24];
    int64_t n;

    if (json_object_is_type(v, json_type_string))
        return lithsm_int_parse(out, json_object_get_string((json_object *)v),
                                (size_t)json_object_get_string_len(v), t, what);
    if (!json_object_is_type(v, json_type_int))
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: must be an integer (a JSON integer, a "
                           "decimal string or 0x-hex)",
                           what);
    n = json_object_get_int64(v);
    if (n > MAX_SAFE_JSON_INT || n < -MAX_SAFE_JSON_INT)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "%s: a JSON number above 2^53 - 1 is not exact; "
                           "give it as a string",
                           what);
    snprintf(text, sizeof(text), "%lld", (long long)n);
    return lithsm_int_parse(out, text, strlen(text), t, what);
}

unsigned lithsm_uint256_div_small(uint8_t q[32], const uint8_t v[32],
                                  unsigned d)
{
    unsigned rem = 0;
    size_t i;

    for (i = 0; i < 32; i++) {
        unsigned x = (rem << 8) | v[i];

        q[i] = (uint8_t)(x / d);
        rem = x % d;
    }
    return rem;
}

void lithsm_uint256_to_dec(char out[LITHSM_UINT256_DEC_MAX],
                           const uint8_t v[32])
{
    uint8_t q[32];
    char rev[LITHSM_UINT256_DEC_MAX];
    size_t n = 0, i;

    memcpy(q, v, 32);
    do
        rev[n++] = (char)('0' + lithsm_uint256_div_small(q, q, 10));
    while (lithsm_uint256_skip(q) < 32);
    for (i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
}

int lithsm_uint256_to_u64(uint64_t *out, const uint8_t v[32])
{
    uint64_t x = 0;
    size_t i;

    for (i = 0; i < 24; i++)
        if (v[i] != 0)
            return 0;
    for (i = 24; i < 32; i++)
        x = (x << 8) | v[i];
    *out = x;
    return 1;
}

void lithsm_uint256_from_u64(uint8_t out[32], uint64_t v)
{
    int i;

    memset(out, 0, 24);
    for (i = 31; i >= 24; i--, v >>= 8)
        out[i] = (uint8_t)(v & 0xff);
}

size_t lithsm_uint256_skip(const uint8_t v[32])
{
    size_t i = 0;

    while (i < 32 && v[i] == 0)
        i++;
    return i;
}

int lithsm_uint256_cmp(const uint8_t a[32], const uint8_t b[32])
{
    return memcmp(a, b, 32);
}

int lithsm_uint256_add(uint8_t out[32], const uint8_t a[32],
                       const uint8_t b[32])
{
    unsigned carry = 0;
    int i;

    for (i = 31; i >= 0; i--) {
        unsigned x = (unsigned)a[i] + b[i] + carry;

        out[i] = (uint8_t)(x & 0xff);
        carry = x >> 8;
    }
    return carry == 0;
}

int lithsm_uint256_sub(uint8_t out[32], const uint8_t a[32],
                       const uint8_t b[32])
{
    int borrow = 0, i;

    for (i = 31; i >= 0; i--) {
        int x = (int)a[i] - b[i] - borrow;

        borrow = x < 0;
        out[i] = (uint8_t)(x + (borrow ? 256 : 0));
    }
    return borrow == 0;
}

int lithsm_uint256_mul(uint8_t out[32], const uint8_t a[32],
                       const uint8_t b[32])
{
    uint32_t wide[64] = { 0 }; /* little-endian bytes of the product */
    int i, j;

    for (i = 0; i < 32; i++)
        for (j = 0; j < 32; j++)
            wide[i + j] += (uint32_t)a[31 - i] * b[31 - j];
    for (i = 0; i < 63; i++) { /* carry; each column stays below 2^22 */
        wide[i + 1] += wide[i] >> 8;
        wide[i] &= 0xff;
    }
    for (i = 32; i < 64; i++)
        if (wide[i] != 0)
            return 0;
    for (i = 0; i < 32; i++)
        out[31 - i] = (uint8_t)wide[i];
    return 1;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * encoding.c - hex and base64url.
 */
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

lithsm_err lithsm_hex_encode(char *out, size_t out_len, const uint8_t *in,
                             size_t in_len)
{
    static const char hexdig[] = "0123456789abcdef";
    size_t i;

    if (out == NULL || (in == NULL && in_len > 0) ||
        in_len > (SIZE_MAX - 1) / 2 || out_len < 2 * in_len + 1)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "hex output buffer too small");
    for (i = 0; i < in_len; i++) {
        out[2 * i] = hexdig[in[i] >> 4];
        out[2 * i + 1] = hexdig[in[i] & 15];
    }
    out[2 * in_len] = '\0';
    return LITHSM_OK;
}

int lithsm_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

lithsm_err lithsm_hex_decode(uint8_t *out, size_t out_len, const char *hex,
                             size_t hex_len)
{
    size_t i, prefix = 0;

    if (out == NULL || hex == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "hex: NULL argument");
    if (hex_len >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
        prefix = 2; /* positions in errors still count it */
        hex += 2;
        hex_len -= 2;
    }
    if (hex_len != 2 * out_len)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "hex: expected %zu hex digits, got %zu", 2 * out_len,
                           hex_len);
    for (i = 0; i < out_len; i++) {
        int hi = lithsm_hex_digit(hex[2 * i]),
            lo = lithsm_hex_digit(hex[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "hex: invalid hex digit at position %zu",
                               prefix + (hi < 0 ? 2 * i : 2 * i + 1));
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return LITHSM_OK;
}

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

lithsm_err lithsm_base64url_encode(char **out, const uint8_t *in, size_t in_len)
{
    size_t i, o = 0;
    char *s;

    *out = NULL;
    if (in_len > LITHSM_MAX_INPUT)
        return lithsm_fail(LITHSM_ERR_RANGE, "base64url: input too large");
    s = malloc((in_len + 2) / 3 * 4 + 1);
    if (s == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "base64url: out of memory");
    for (i = 0; i + 2 < in_len; i += 3) {
        uint32_t v =
            (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];

        s[o++] = b64url[v >> 18];
        s[o++] = b64url[(v >> 12) & 63];
        s[o++] = b64url[(v >> 6) & 63];
        s[o++] = b64url[v & 63];
    }
    if (in_len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;

        s[o++] = b64url[v >> 18];
        s[o++] = b64url[(v >> 12) & 63];
    } else if (in_len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;

        s[o++] = b64url[v >> 18];
        s[o++] = b64url[(v >> 12) & 63];
        s[o++] = b64url[(v >> 6) & 63];
    }
    s[o] = '\0';
    *out = s;
    return LITHSM_OK;
}

static int b64url_value(char c)
{
    const char *p = c ? strchr(b64url, c) : NULL;

    return p ? (int)(p - b64url) : -1;
}

lithsm_err lithsm_base64url_decode(uint8_t **out, size_t *out_len,
                                   const char *in, size_t in_len)
{
    size_t i, n = in_len, o = 0;
    uint32_t acc = 0;
    int bits = 0;
    uint8_t *d;

    *out = NULL;
    *out_len = 0;
    if (in_len > LITHSM_MAX_INPUT)
        return lithsm_fail(LITHSM_ERR_RANGE, "base64url: input too large");
    /* Padding is optional; when present it must complete a 4-char group. */
    while (n > 0 && in[n - 1] == '=')
        n--;
    if (in_len - n > 2 || (in_len != n && in_len % 4 != 0) || n % 4 == 1)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "base64url: bad length or padding");
    d = malloc(n / 4 * 3 + 3);
    if (d == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "base64url: out of memory");
    for (i = 0; i < n; i++) {
        int v = b64url_value(in[i]);

        if (v < 0) {
            free(d);
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "base64url: invalid character at position %zu",
                               i);
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            d[o++] = (uint8_t)(acc >> bits);
        }
    }
    /* Leftover bits must be zero (canonical encoding). */
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
        free(d);
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "base64url: non-zero trailing bits");
    }
    d[o] = '\0';
    *out = d;
    *out_len = o;
    return LITHSM_OK;
}

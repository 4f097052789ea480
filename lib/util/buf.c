/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * buf.c - a growable NUL-terminated buffer and the JSON.stringify writer.
 *
 * Signed JSON must equal JavaScript's JSON.stringify byte for byte.  We write
 * it ourselves rather than with json_object_to_json_string_ext() because the
 * per-node SessionSig messages share one long prefix that is written once and
 * reused for every node (json-c can only serialise whole trees); the writer
 * is checked against json-c's JSON_C_TO_STRING_NOSLASHESCAPE output in
 * tests/unit/test_json.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"

void lithsm_buf_init(lithsm_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void lithsm_buf_reserve(lithsm_buf *b, size_t extra)
{
    size_t want, cap;
    char *p;

    if (b->failed)
        return;
    if (extra > SIZE_MAX / 2 - b->len - 1) {
        b->failed = 1;
        return;
    }
    want = b->len + extra + 1;
    if (want <= b->cap)
        return;
    cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap *= 2;
    /* Not realloc: the old block may hold signed or secret material and is
     * wiped before it is released. */
    p = malloc(cap);
    if (p == NULL) {
        b->failed = 1;
        return;
    }
    if (b->data != NULL) {
        memcpy(p, b->data, b->len + 1);
        lithsm_memzero(b->data, b->cap);
        free(b->data);
    } else {
        p[0] = '\0';
    }
    b->data = p;
    b->cap = cap;
}

void lithsm_buf_add(lithsm_buf *b, const void *p, size_t n)
{
    lithsm_buf_reserve(b, n);
    if (b->failed)
        return;
    if (n > 0)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void lithsm_buf_puts(lithsm_buf *b, const char *s)
{
    lithsm_buf_add(b, s, strlen(s));
}

void lithsm_buf_putc(lithsm_buf *b, char c)
{
    lithsm_buf_add(b, &c, 1);
}

void lithsm_buf_printf(lithsm_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    lithsm_buf_reserve(b, (size_t)n);
    if (b->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

lithsm_err lithsm_buf_finish(lithsm_buf *b, char **out, size_t *len_out)
{
    lithsm_buf_reserve(b, 0);
    if (b->failed) {
        lithsm_buf_free(b);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory building output");
    }
    *out = b->data;
    if (len_out != NULL)
        *len_out = b->len;
    lithsm_buf_init(b);
    return LITHSM_OK;
}

void lithsm_buf_free(lithsm_buf *b)
{
    if (b->data != NULL) {
        lithsm_memzero(b->data, b->cap);
        free(b->data);
    }
    lithsm_buf_init(b);
}

void lithsm_buf_json_str(lithsm_buf *b, const char *s, size_t n)
{
    static const char hexdig[] = "0123456789abcdef";
    size_t i, run = 0;

    lithsm_buf_reserve(b, n + 2);
    lithsm_buf_putc(b, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        char u[6];

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        lithsm_buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            u[0] = '\\';
            u[1] = 'u';
            u[2] = '0';
            u[3] = '0';
            u[4] = hexdig[c >> 4];
            u[5] = hexdig[c & 15];
            lithsm_buf_add(b, u, 6);
            continue;
        }
        lithsm_buf_puts(b, esc);
    }
    lithsm_buf_add(b, s + run, n - run);
    lithsm_buf_putc(b, '"');
}

/* Number.prototype.toString (ECMA-262 Number::toString): the shortest
 * digits that read back exactly, written in plain notation for decimal
 * exponents from -7 to 20 and as d.ddde+N otherwise; -0 prints as 0. */
static void buf_json_double(lithsm_buf *b, double d)
{
    char tmp[40], digits[20];
    int prec, exp10, k = 0, n, i;
    const char *p;

    if (d != d || d - d != 0) { /* NaN and infinities become null */
        lithsm_buf_puts(b, "null");
        return;
    }
    if (d == 0) {
        lithsm_buf_putc(b, '0');
        return;
    }
    for (prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*e", prec, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    /* tmp is "[-]d[.ddd]e[+-]xx": collect the digits and the exponent. */
    p = tmp;
    if (*p == '-') {
        lithsm_buf_putc(b, '-');
        p++;
    }
    for (; *p != 'e'; p++)
        if (*p != '.')
            digits[k++] = *p;
    exp10 = (int)strtol(p + 1, NULL, 10);
    while (k > 1 && digits[k - 1] == '0')
        k--;
    n = exp10 + 1; /* the decimal point sits after n digits */
    if (k <= n && n <= 21) {
        lithsm_buf_add(b, digits, (size_t)k);
        for (i = k; i < n; i++)
            lithsm_buf_putc(b, '0');
    } else if (0 < n && n < k) { /* k <= 17: inside digits */
        lithsm_buf_add(b, digits, (size_t)n);
        lithsm_buf_putc(b, '.');
        lithsm_buf_add(b, digits + n, (size_t)(k - n));
    } else if (-6 < n && n <= 0) {
        lithsm_buf_puts(b, "0.");
        for (i = n; i < 0; i++)
            lithsm_buf_putc(b, '0');
        lithsm_buf_add(b, digits, (size_t)k);
    } else {
        lithsm_buf_putc(b, digits[0]);
        if (k > 1) {
            lithsm_buf_putc(b, '.');
            lithsm_buf_add(b, digits + 1, (size_t)(k - 1));
        }
        lithsm_buf_printf(b, "e%c%d", n - 1 >= 0 ? '+' : '-',
                          n - 1 >= 0 ? n - 1 : 1 - n);
    }
}

/* An array index in JavaScript's sense ("0", "7", "42"; not "07"): such
 * keys come first in an object's property order, in numeric order. */
static int array_index(const char *key, uint32_t *out)
{
    uint64_t v = 0;
    const char *p = key;

    if (*p == '\0' || (*p == '0' && p[1] != '\0'))
        return 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v >= 0xffffffffULL) /* 2^32 - 1 is not an index */
            return 0;
    }
    *out = (uint32_t)v;
    return 1;
}

static void buf_json_member(lithsm_buf *b, int *first, const char *key,
                            const json_object *val)
{
    if (!*first)
        lithsm_buf_putc(b, ',');
    *first = 0;
    lithsm_buf_json_str(b, key, strlen(key));
    lithsm_buf_putc(b, ':');
    lithsm_buf_json_value(b, val);
}

/* JSON.stringify's key order: array-index keys ascending, then the others
 * in insertion order (ECMA-262 OrdinaryOwnPropertyKeys). */
static void buf_json_object(lithsm_buf *b, const json_object *v)
{
    uint32_t idx, best, last = 0;
    int first = 1, have_last = 0, found;

    lithsm_buf_putc(b, '{');
    /* Index keys are rare: pick the next smallest on each pass. */
    do {
        const char *best_key = NULL;
        json_object *best_val = NULL;

        found = 0;
        best = 0;
        json_object_object_foreach((json_object *)v, key, val)
        {
            if (array_index(key, &idx) && (!have_last || idx > last) &&
                (!found || idx < best)) {
                best = idx;
                best_key = key;
                best_val = val;
                found = 1;
            }
        }
        if (found) {
            buf_json_member(b, &first, best_key, best_val);
            last = best;
            have_last = 1;
        }
    } while (found);
    json_object_object_foreach((json_object *)v, key2, val2)
    {
        if (!array_index(key2, &idx))
            buf_json_member(b, &first, key2, val2);
    }
    lithsm_buf_putc(b, '}');
}

void lithsm_buf_json_value(lithsm_buf *b, const json_object *v)
{
    size_t i, n;

    switch (json_object_get_type(v)) {
    case json_type_null:
        lithsm_buf_puts(b, "null");
        break;
    case json_type_boolean:
        lithsm_buf_puts(b, json_object_get_boolean(v) ? "true" : "false");
        break;
    case json_type_int:
        lithsm_buf_printf(b, "%lld", (long long)json_object_get_int64(v));
        break;
    case json_type_double:
        buf_json_double(b, json_object_get_double(v));
        break;
    case json_type_string:
        lithsm_buf_json_str(b, json_object_get_string((json_object *)v),
                            (size_t)json_object_get_string_len(v));
        break;
    case json_type_array:
        n = json_object_array_length(v);
        lithsm_buf_putc(b, '[');
        for (i = 0; i < n; i++) {
            if (i > 0)
                lithsm_buf_putc(b, ',');
            lithsm_buf_json_value(b, json_object_array_get_idx(v, i));
        }
        lithsm_buf_putc(b, ']');
        break;
    case json_type_object:
        buf_json_object(b, v);
        break;
    }
}

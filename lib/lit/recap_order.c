/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * recap_order.c - JavaScript's key order, in which siwe-recap writes and
 * checks ReCap JSON: UTF-16 code units, which is byte order for UTF-8
 * except that characters above U+FFFF sort before U+E000..U+FFFF; and an
 * object lists its array-index keys first, in numeric order.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lit/lit.h"

/* Decodes the UTF-8 code point starting at s (valid UTF-8 assumed; json-c
 * and lithsm_json_parse have checked it). */
static uint32_t utf8_cp(const unsigned char *s)
{
    if (s[0] < 0x80)
        return s[0];
    if (s[0] < 0xe0)
        return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
    if (s[0] < 0xf0)
        return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 |
               (s[2] & 0x3f);
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
           (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

/* The first UTF-16 code unit of a code point. */
static uint32_t utf16_lead(uint32_t cp)
{
    return cp < 0x10000 ? cp : 0xd800 + ((cp - 0x10000) >> 10);
}

/* strcmp in JavaScript's order (UTF-16 code units). */
int lithsm_js_strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    size_t i = 0, start;
    uint32_t ca, cb;

    while (x[i] != '\0' && x[i] == y[i])
        i++;
    if (x[i] == y[i])
        return 0;
    if (x[i] == '\0')
        return -1;
    if (y[i] == '\0')
        return 1;
    /* Back up to the first byte of the code point that differs. */
    start = i;
    while (start > 0 && (x[start] & 0xc0) == 0x80)
        start--;
    ca = utf8_cp(x + start);
    cb = utf8_cp(y + start);
    /* Only a BMP character against an astral one can order differently
     * in UTF-16; the lead surrogate never equals a valid BMP character. */
    if ((ca < 0x10000) != (cb < 0x10000)) {
        ca = utf16_lead(ca);
        cb = utf16_lead(cb);
    }
    return ca < cb ? -1 : 1;
}

static int js_keycmp(const void *a, const void *b)
{
    return lithsm_js_strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if `s` is an array index ("0", "1", ... "4294967294"), which a
 * JavaScript object lists before its other keys, in numeric order. */
int lithsm_js_array_index(const char *s, uint32_t *val)
{
    uint64_t v = 0;
    size_t i;

    if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
        return 0;
    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 10)
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > 4294967294u)
        return 0;
    *val = (uint32_t)v;
    return 1;
}

/* The keys of `obj` in JavaScript sort order (borrowed strings).  *keys is
 * NULL for an empty object; the caller frees the array. */
lithsm_err lithsm_js_sorted_keys(const char ***keys_out, size_t *n_out,
                                 json_object *obj)
{
    size_t n = (size_t)json_object_object_length(obj), i = 0;
    const char **keys;

    *keys_out = NULL;
    *n_out = 0;
    if (n == 0)
        return LITHSM_OK;
    keys = malloc(n * sizeof(*keys));
    if (keys == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "ReCap: out of memory");
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        keys[i++] = key;
    }
    qsort(keys, n, sizeof(*keys), js_keycmp);
    *keys_out = keys;
    *n_out = n;
    return LITHSM_OK;
}

/* Writes `v` compact with the keys of every object sorted
 * (siwe-recap's canonicalize()). */
lithsm_err lithsm_js_write_sorted(lithsm_buf *b, json_object *v)
{
    const char **keys;
    size_t i, n;
    lithsm_err err;

    if (json_object_is_type(v, json_type_array)) {
        n = json_object_array_length(v);
        lithsm_buf_putc(b, '[');
        for (i = 0; i < n; i++) {
            if (i > 0)
                lithsm_buf_putc(b, ',');
            err = lithsm_js_write_sorted(b, json_object_array_get_idx(v, i));
            if (err != LITHSM_OK)
                return err;
        }
        lithsm_buf_putc(b, ']');
        return LITHSM_OK;
    }
    if (!json_object_is_type(v, json_type_object)) {
        lithsm_buf_json_value(b, v);
        return LITHSM_OK;
    }
    err = lithsm_js_sorted_keys(&keys, &n, v);
    if (err != LITHSM_OK)
        return err;
    lithsm_buf_putc(b, '{');
    for (i = 0; i < n; i++) {
        if (i > 0)
            lithsm_buf_putc(b, ',');
        lithsm_buf_json_str(b, keys[i], strlen(keys[i]));
        lithsm_buf_putc(b, ':');
        err = lithsm_js_write_sorted(b, json_object_object_get(v, keys[i]));
        if (err != LITHSM_OK)
            break;
    }
    lithsm_buf_putc(b, '}');
    free(keys);
    return err;
}

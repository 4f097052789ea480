/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * rlp.c - RLP writing and strict reading (see rlp.h).
 */
#include <string.h>

#include "eth/int256.h"
#include "eth/rlp.h"

/* ---------------------------------------------------------------- writing */

/* Big-endian bytes of n without leading zeros into b (8 bytes); count. */
static size_t be_len(uint8_t b[8], uint64_t n)
{
    size_t k = 0;
    int i;

    for (i = 7; i >= 0; i--)
        if ((n >> (8 * i)) != 0 || k > 0)
            b[k++] = (uint8_t)(n >> (8 * i));
    return k;
}

void lithsm_rlp_put_raw(lithsm_rlp_out *w, const uint8_t *b, size_t n)
{
    if (w->p != NULL && n > 0) {
        memcpy(w->p + w->len, b, n);
    }
    w->len += n;
}

/* A header: short form base + len, long form base + 55 + len-of-len. */
static void put_header(lithsm_rlp_out *w, uint8_t base, size_t len)
{
    uint8_t b[9];

    if (len < 56) {
        b[0] = (uint8_t)(base + len);
        lithsm_rlp_put_raw(w, b, 1);
        return;
    }
    {
        size_t k = be_len(b + 1, (uint64_t)len);

        b[0] = (uint8_t)(base + 55 + k);
        lithsm_rlp_put_raw(w, b, k + 1);
    }
}

void lithsm_rlp_put_bytes(lithsm_rlp_out *w, const uint8_t *b, size_t n)
{
    if (n != 1 || b[0] >= 0x80)
        put_header(w, 0x80, n);
    lithsm_rlp_put_raw(w, b, n);
}

void lithsm_rlp_put_uint(lithsm_rlp_out *w, const uint8_t v[32])
{
    size_t skip = lithsm_uint256_skip(v);

    lithsm_rlp_put_bytes(w, v + skip, 32 - skip);
}

void lithsm_rlp_put_u64(lithsm_rlp_out *w, uint64_t v)
{
    uint8_t b[8];
    size_t k = be_len(b, v);

    lithsm_rlp_put_bytes(w, b, k);
}

void lithsm_rlp_put_list(lithsm_rlp_out *w, size_t payload_len)
{
    put_header(w, 0xc0, payload_len);
}

/* ---------------------------------------------------------------- reading */

/* The length in the k bytes at p: no leading zero, at least 56, and
 * within `room`. */
static lithsm_err long_length(size_t *out, const uint8_t *p, size_t k,
                              size_t room, const char *what)
{
    size_t n = 0, i;

    if (k > room)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: RLP: truncated length", what);
    if (p[0] == 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: RLP: length with a leading zero byte", what);
    if (k > sizeof(size_t))
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: RLP: length too large", what);
    for (i = 0; i < k; i++)
        n = (n << 8) | p[i];
    if (n < 56)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: RLP: long form for a length below 56", what);
    *out = n;
    return LITHSM_OK;
}

lithsm_err lithsm_rlp_next(lithsm_rlp_item *out, const uint8_t **p,
                           const uint8_t *end, const char *what)
{
    const uint8_t *q = *p;
    size_t room = (size_t)(end - q), n = 0, head = 1;
    uint8_t b;
    lithsm_err err;

    if (room == 0)
        return lithsm_fail(LITHSM_ERR_PARSE, "%s: RLP: missing item", what);
    b = q[0];
    out->is_list = b >= 0xc0;
    if (b < 0x80) {
        n = 1;
        head = 0;
    } else if (b < 0xb8 || (b >= 0xc0 && b < 0xf8)) {
        n = (size_t)(b - (out->is_list ? 0xc0 : 0x80));
    } else {
        size_t k = (size_t)(b - (out->is_list ? 0xf7 : 0xb7));

        err = long_length(&n, q + 1, k, room - 1, what);
        if (err != LITHSM_OK)
            return err;
        head = 1 + k;
    }
    if (n > room - head)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: RLP: item runs past the end of the input",
                           what);
    if (!out->is_list && head == 1 && n == 1 && q[1] < 0x80)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: RLP: a byte below 0x80 must encode as itself",
                           what);
    out->data = q + head;
    out->len = n;
    *p = q + head + n;
    return LITHSM_OK;
}

/* Checks every item of a list that is `depth` lists deep (the top item
 * is depth 1). */
static lithsm_err check_payload(const lithsm_rlp_item *list, unsigned depth,
                                const char *what)
{
    const uint8_t *p = list->data, *end = list->data + list->len;

    if (depth > LITHSM_RLP_MAX_DEPTH)
        return lithsm_fail(LITHSM_ERR_RANGE,
                           "%s: RLP: lists nested deeper than %d", what,
                           LITHSM_RLP_MAX_DEPTH);
    while (p < end) {
        lithsm_rlp_item it;
        lithsm_err err = lithsm_rlp_next(&it, &p, end, what);

        if (err == LITHSM_OK && it.is_list)
            err = check_payload(&it, depth + 1, what);
        if (err != LITHSM_OK)
            return err;
    }
    return LITHSM_OK;
}

lithsm_err lithsm_rlp_check(lithsm_rlp_item *out, const uint8_t *in, size_t len,
                            const char *what)
{
    const uint8_t *p = in;
    lithsm_rlp_item it;
    lithsm_err err;

    if (len > LITHSM_MAX_INPUT)
        return lithsm_fail(LITHSM_ERR_RANGE, "%s: RLP: over %u bytes", what,
                           LITHSM_MAX_INPUT);
    err = lithsm_rlp_next(&it, &p, in + len, what);
    if (err != LITHSM_OK)
        return err;
    if (p != in + len)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: RLP: %zu bytes after the item", what,
                           (size_t)(in + len - p));
    if (it.is_list && (err = check_payload(&it, 1, what)) != LITHSM_OK)
        return err;
    if (out != NULL)
        *out = it;
    return LITHSM_OK;
}

lithsm_err lithsm_rlp_uint(uint8_t out[32], const lithsm_rlp_item *it,
                           const char *what)
{
    if (it->is_list)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: an integer, not a list, was expected", what);
    if (it->len > 32)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: an integer of %zu bytes (at most 32)", what,
                           it->len);
    if (it->len > 0 && it->data[0] == 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "%s: an integer with a leading zero byte", what);
    memset(out, 0, 32 - it->len);
    if (it->len > 0)
        memcpy(out + 32 - it->len, it->data, it->len);
    return LITHSM_OK;
}

lithsm_err lithsm_rlp_u64(uint64_t *out, const lithsm_rlp_item *it,
                          const char *what)
{
    uint8_t v[32];
    lithsm_err err = lithsm_rlp_uint(v, it, what);

    if (err != LITHSM_OK)
        return err;
    if (!lithsm_uint256_to_u64(out, v))
        return lithsm_fail(LITHSM_ERR_RANGE, "%s: above 2^64 - 1", what);
    return LITHSM_OK;
}

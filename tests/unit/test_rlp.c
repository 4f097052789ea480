/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_rlp.c - RLP writing and strict reading: the Yellow Paper's
 * examples, the 55/56-byte boundaries of strings and lists, and every
 * non-canonical form the reader must refuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/rlp.h"
#include "tap.h"

static uint8_t buf[4096];

/* Encodes with `put` into buf: count first, then write; both lengths must
 * agree.  Returns the length. */
#define ENCODE(len, stmt)                                           \
    do {                                                            \
        lithsm_rlp_out w_count = { NULL, 0 }, w_write = { buf, 0 }; \
        {                                                           \
            lithsm_rlp_out *w = &w_count;                           \
            stmt;                                                   \
        }                                                           \
        {                                                           \
            lithsm_rlp_out *w = &w_write;                           \
            stmt;                                                   \
        }                                                           \
        ok_int_eq(w_count.len, w_write.len, "count = write");       \
        len = w_write.len;                                          \
    } while (0)

static int hex_is(const uint8_t *b, size_t n, const char *hex)
{
    char text[2 * 64 + 1];

    if (2 * n + 1 > sizeof(text) || strlen(hex) != 2 * n)
        return 0;
    if (lithsm_hex_encode(text, sizeof(text), b, n) != LITHSM_OK)
        return 0;
    if (strcmp(text, hex) != 0)
        printf("#   got %s, want %s\n", text, hex);
    return strcmp(text, hex) == 0;
}

static void test_strings(void)
{
    uint8_t data[1024], b;
    size_t len;

    memset(data, 0x61, sizeof(data));
    ENCODE(len, lithsm_rlp_put_bytes(w, NULL, 0));
    ok(hex_is(buf, len, "80"), "empty string is 0x80");
    b = 0x00;
    ENCODE(len, lithsm_rlp_put_bytes(w, &b, 1));
    ok(hex_is(buf, len, "00"), "byte 0x00 is itself");
    b = 0x7f;
    ENCODE(len, lithsm_rlp_put_bytes(w, &b, 1));
    ok(hex_is(buf, len, "7f"), "byte 0x7f is itself");
    b = 0x80;
    ENCODE(len, lithsm_rlp_put_bytes(w, &b, 1));
    ok(hex_is(buf, len, "8180"), "byte 0x80 is 0x81 0x80");
    ENCODE(len, lithsm_rlp_put_bytes(w, (const uint8_t *)"dog", 3));
    ok(hex_is(buf, len, "83646f67"), "\"dog\" (Yellow Paper)");
    ENCODE(len, lithsm_rlp_put_bytes(w, data, 55));
    ok(len == 56 && buf[0] == 0xb7, "55 bytes: short form 0xb7");
    ENCODE(len, lithsm_rlp_put_bytes(w, data, 56));
    ok(len == 58 && buf[0] == 0xb8 && buf[1] == 56,
       "56 bytes: long form 0xb8 0x38");
    ENCODE(len, lithsm_rlp_put_bytes(w, data, 1024));
    ok(len == 1027 && buf[0] == 0xb9 && buf[1] == 4 && buf[2] == 0,
       "1024 bytes: 0xb9 0x04 0x00");
}

static void test_integers(void)
{
    static const struct {
        uint64_t v;
        const char *hex;
    } cases[] = {
        { 0, "80" },
        { 1, "01" },
        { 0x7f, "7f" },
        { 0x80, "8180" },
        { 0x100, "820100" },
        { 1024, "820400" },
        { UINT64_MAX, "88ffffffffffffffff" },
    };
    uint8_t v[32] = { 0 };
    size_t i, len;
    char what[64];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(what, sizeof(what), "integer %llu is %s",
                 (unsigned long long)cases[i].v, cases[i].hex);
        ENCODE(len, lithsm_rlp_put_u64(w, cases[i].v));
        ok(hex_is(buf, len, cases[i].hex), what);
    }
    memset(v, 0xff, 32);
    ENCODE(len, lithsm_rlp_put_uint(w, v));
    ok(len == 33 && buf[0] == 0xa0, "2^256 - 1 is 0xa0 + 32 bytes");
    memset(v, 0, 32);
    ENCODE(len, lithsm_rlp_put_uint(w, v));
    ok(hex_is(buf, len, "80"), "uint256 zero is 0x80");
}

static void test_lists(void)
{
    uint8_t data[64];
    size_t len;

    memset(data, 0x61, sizeof(data));
    ENCODE(len, lithsm_rlp_put_list(w, 0));
    ok(hex_is(buf, len, "c0"), "empty list is 0xc0");
    ENCODE(len, {
        lithsm_rlp_put_list(w, 8);
        lithsm_rlp_put_bytes(w, (const uint8_t *)"cat", 3);
        lithsm_rlp_put_bytes(w, (const uint8_t *)"dog", 3);
    });
    ok(hex_is(buf, len, "c88363617483646f67"),
       "[\"cat\", \"dog\"] (Yellow Paper)");
    ENCODE(len, {
        lithsm_rlp_put_list(w, 55);
        lithsm_rlp_put_bytes(w, data, 54);
    });
    ok(len == 56 && buf[0] == 0xf7, "list of 55 bytes: 0xf7");
    ENCODE(len, {
        lithsm_rlp_put_list(w, 56);
        lithsm_rlp_put_bytes(w, data, 55);
    });
    ok(len == 58 && buf[0] == 0xf8 && buf[1] == 56,
       "list of 56 bytes: 0xf8 0x38");
}

/* lithsm_rlp_check of hex text: its code. */
static lithsm_err check_hex(const char *hex)
{
    uint8_t in[256];
    size_t n = strlen(hex) / 2;

    if (lithsm_hex_decode(in, n, hex, strlen(hex)) != LITHSM_OK)
        return (lithsm_err)-1;
    return lithsm_rlp_check(NULL, in, n, "test item");
}

static void test_reading(void)
{
    static const struct {
        const char *hex, *what, *error;
    } bad[] = {
        { "", "an empty input", "missing item" },
        { "8100", "0x81 0x00: a byte below 0x80 not as itself",
          "must encode as itself" },
        { "817f", "0x81 0x7f", "must encode as itself" },
        { "b80161", "long form for a 1-byte string", "below 56" },
        { "f80180", "long form for a 1-byte list", "below 56" },
        { "b90038", "a length with a leading zero byte", "leading zero" },
        { "836162", "a string running past the end", "past the end" },
        { "c3", "a list running past the end", "past the end" },
        { "b8", "a truncated length", "truncated length" },
        { "bbffffffff", "a 4 GiB length", "past the end" },
        { "bfffffffffffffffff", "an 8-byte length", "past the end" },
        { "8080", "a trailing byte", "1 bytes after the item" },
        { "c28361", "an item inside a list running past it", "past the end" },
        { "c28100", "a non-canonical item inside a list",
          "must encode as itself" },
    };
    uint8_t in[8];
    lithsm_rlp_item it;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        lithsm_err err = check_hex(bad[i].hex);

        ok(err == LITHSM_ERR_PARSE &&
               strstr(lithsm_last_error(), bad[i].error) != NULL &&
               strstr(lithsm_last_error(), "test item") != NULL,
           bad[i].what);
        if (err != LITHSM_ERR_PARSE ||
            strstr(lithsm_last_error(), bad[i].error) == NULL)
            printf("#   %d: %s\n", (int)err, lithsm_last_error());
    }
    ok(check_hex("80") == LITHSM_OK, "0x80 reads");
    ok(check_hex("7f") == LITHSM_OK, "0x7f reads");
    ok(check_hex("8180") == LITHSM_OK, "0x81 0x80 reads");
    ok(check_hex("c88363617483646f67") == LITHSM_OK, "[cat, dog] reads");
    ok(check_hex("c7c0c1c0c3c0c1c0") == LITHSM_OK,
       "the set-theoretic three (Yellow Paper) reads");
    in[0] = 0xc2;
    in[1] = 0x83;
    ok(lithsm_rlp_check(&it, in, 1, "x") == LITHSM_ERR_PARSE,
       "a list header alone is refused");
    in[0] = 0x05;
    ok(lithsm_rlp_check(&it, in, 1, "x") == LITHSM_OK && it.len == 1 &&
           it.data == in && !it.is_list,
       "a single byte is its own data");
}

/* depth nested lists around an empty list: c(depth-1) ... c1 c0. */
static size_t nested(uint8_t *out, unsigned depth)
{
    unsigned i;

    for (i = 0; i < depth; i++)
        out[i] = (uint8_t)(0xc0 + depth - 1 - i);
    return depth;
}

static void test_depth(void)
{
    uint8_t in[64];
    size_t n;

    n = nested(in, LITHSM_RLP_MAX_DEPTH);
    ok(lithsm_rlp_check(NULL, in, n, "deep") == LITHSM_OK,
       "lists nested LITHSM_RLP_MAX_DEPTH deep read");
    n = nested(in, LITHSM_RLP_MAX_DEPTH + 1);
    ok(lithsm_rlp_check(NULL, in, n, "deep") == LITHSM_ERR_RANGE &&
           strstr(lithsm_last_error(), "nested deeper") != NULL,
       "one more level is refused (RANGE)");
}

static void test_uint_items(void)
{
    static const struct {
        const char *hex, *what;
        lithsm_err want;
    } cases[] = {
        { "80", "0 as the empty string", LITHSM_OK },
        { "00", "0 as a 0x00 byte (leading zero)", LITHSM_ERR_PARSE },
        { "820001", "a leading zero byte", LITHSM_ERR_PARSE },
        { "c0", "a list", LITHSM_ERR_PARSE },
        { "a10100000000000000000000000000000000000000000000000000000000"
          "00000000",
          "33 bytes", LITHSM_ERR_PARSE },
        { "a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
          "2^256 - 1", LITHSM_OK },
    };
    uint8_t in[64], v[32];
    const uint8_t *p;
    lithsm_rlp_item it;
    uint64_t u = 0;
    size_t i, n;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        n = strlen(cases[i].hex) / 2;
        p = in;
        ok(lithsm_hex_decode(in, n, cases[i].hex, 2 * n) == LITHSM_OK &&
               lithsm_rlp_next(&it, &p, in + n, "n") == LITHSM_OK &&
               lithsm_rlp_uint(v, &it, "n") == cases[i].want,
           cases[i].what);
    }
    in[0] = 0x89;
    memset(in + 1, 1, 9);
    p = in;
    ok(lithsm_rlp_next(&it, &p, in + 10, "n") == LITHSM_OK &&
           lithsm_rlp_u64(&u, &it, "n") == LITHSM_ERR_RANGE,
       "9 bytes do not fit a uint64");
    in[0] = 0x82;
    in[1] = 0x04;
    in[2] = 0x00;
    p = in;
    ok(lithsm_rlp_next(&it, &p, in + 3, "n") == LITHSM_OK &&
           lithsm_rlp_u64(&u, &it, "n") == LITHSM_OK && u == 1024,
       "0x82 0x04 0x00 is 1024");
}

int main(void)
{
    test_strings();
    test_integers();
    test_lists();
    test_reading();
    test_depth();
    test_uint_items();
    return tap_done();
}

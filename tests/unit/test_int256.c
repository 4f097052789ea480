/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_int256.c - lib/eth/int256.c: the integer text forms wallets send
 * (decimal, 0x-hex, JSON numbers), the ranges of uintN/intN at their
 * edges, and the small arithmetic transactions use.
 */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/int256.h"
#include "tap.h"

#define TWO_256_MINUS_1                                                     \
    "115792089237316195423570985008687907853269984665640564039457584007913" \
    "129639935"
#define TWO_256                                                             \
    "115792089237316195423570985008687907853269984665640564039457584007913" \
    "129639936"
#define TWO_255                                                            \
    "57896044618658097711785492504343953926634992332820282019728792003956" \
    "564819968"

/* One parse: text, type name, expected code, expected value as 64 hex
 * digits (for OK). */
static const struct {
    const char *text, *type;
    lithsm_err err;
    const char *hex;
} cases[] = {
    { "0", "uint8", LITHSM_OK, "00" },
    { "255", "uint8", LITHSM_OK, "ff" },
    { "256", "uint8", LITHSM_ERR_RANGE, NULL },
    { "0xff", "uint8", LITHSM_OK, "ff" },
    { "0x0100", "uint8", LITHSM_ERR_RANGE, NULL },
    { "0x00ff", "uint8", LITHSM_OK, "ff" },
    { "007", "uint8", LITHSM_OK, "07" },
    { "0x", "uint8", LITHSM_ERR_PARSE, NULL },
    { "", "uint8", LITHSM_ERR_PARSE, NULL },
    { "-", "int8", LITHSM_ERR_PARSE, NULL },
    { "+1", "uint8", LITHSM_ERR_PARSE, NULL },
    { " 1", "uint8", LITHSM_ERR_PARSE, NULL },
    { "1 ", "uint8", LITHSM_ERR_PARSE, NULL },
    { "1e3", "uint256", LITHSM_ERR_PARSE, NULL },
    { "1.0", "uint256", LITHSM_ERR_PARSE, NULL },
    { "0X10", "uint256", LITHSM_ERR_PARSE, NULL },
    { "0xg", "uint256", LITHSM_ERR_PARSE, NULL },
    { "-0x1", "int8", LITHSM_ERR_PARSE, NULL },
    { "-1", "uint256", LITHSM_ERR_RANGE, NULL },
    { "-0", "int8", LITHSM_OK, "00" },
    { "127", "int8", LITHSM_OK, "7f" },
    { "128", "int8", LITHSM_ERR_RANGE, NULL },
    { "-128", "int8", LITHSM_OK, "ff80" },
    { "-129", "int8", LITHSM_ERR_RANGE, NULL },
    { "0x80", "int8", LITHSM_ERR_RANGE, NULL },
    { "-1", "int16", LITHSM_OK, "ffff" },
    { "70000", "int16", LITHSM_ERR_RANGE, NULL },
    { TWO_256_MINUS_1, "uint256", LITHSM_OK, "ff" },
    { TWO_256, "uint256", LITHSM_ERR_RANGE, NULL },
    { "0x" /* 64 f */
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      "uint256", LITHSM_OK, "ff" },
    { "0x1"
      "0000000000000000000000000000000000000000000000000000000000000000",
      "uint256", LITHSM_ERR_RANGE, NULL },
    { "-" TWO_255, "int256", LITHSM_OK, "80" },
    { TWO_255, "int256", LITHSM_ERR_RANGE, NULL },
    { "-" TWO_256_MINUS_1, "int256", LITHSM_ERR_RANGE, NULL },
    { "18446744073709551615", "uint64", LITHSM_OK, "ffffffffffffffff" },
    { "18446744073709551616", "uint64", LITHSM_ERR_RANGE, NULL },
};

/* The expected 32 bytes of a case: a value whose hex is "ff", "80" or
 * "7f" alone fills as the sign extends (see the table). */
static void expected_of(uint8_t out[32], const char *hex, const char *type)
{
    size_t n = strlen(hex) / 2;

    memset(out, 0, 32);
    if (strcmp(hex, "ff") == 0 && strstr(type, "256") != NULL) {
        memset(out, 0xff, 32);
        return;
    }
    if (strcmp(hex, "80") == 0 && strcmp(type, "int256") == 0) {
        out[0] = 0x80;
        return;
    }
    if (hex[0] == 'f' && strncmp(type, "int", 3) == 0)
        memset(out, 0xff, 32);
    if (lithsm_hex_decode(out + 32 - n, n, hex, 2 * n) != LITHSM_OK)
        memset(out, 0x55, 32);
}

static void test_parse_table(void)
{
    size_t i;
    char what[200];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        lithsm_int_type t;
        uint8_t got[32], want[32];
        lithsm_err err;

        if (!lithsm_int_type_of(&t, cases[i].type)) {
            ok(0, cases[i].type);
            continue;
        }
        err =
            lithsm_int_parse(got, cases[i].text, strlen(cases[i].text), t, "v");
        snprintf(what, sizeof(what), "%s \"%.40s\": code %d", cases[i].type,
                 cases[i].text, (int)cases[i].err);
        ok_int_eq(err, cases[i].err, what);
        if (cases[i].hex == NULL || err != LITHSM_OK)
            continue;
        expected_of(want, cases[i].hex, cases[i].type);
        snprintf(what, sizeof(what), "%s \"%.40s\": value", cases[i].type,
                 cases[i].text);
        ok_mem_eq(got, want, 32, what);
    }
}

static void test_messages(void)
{
    uint8_t v[32];

    ok(lithsm_int_parse(v, "128", 3, (lithsm_int_type){ 8, 1 }, "msg.x") ==
           LITHSM_ERR_RANGE,
       "int8 128 refused");
    ok_str_eq(lithsm_last_error(), "msg.x: the value does not fit int8",
              "... naming the field and the type");
    ok(lithsm_int_parse(v, TWO_256, strlen(TWO_256), LITHSM_UINT256, "a.b") ==
           LITHSM_ERR_RANGE,
       "2^256 refused");
    ok_str_eq(lithsm_last_error(), "a.b: the value exceeds 2^256 - 1",
              "... as exceeding 2^256 - 1");
    ok(lithsm_int_parse(v, "1x", 2, LITHSM_UINT256, "n") == LITHSM_ERR_PARSE,
       "a letter refused");
    ok_str_eq(lithsm_last_error(), "n: 'x' is not a decimal digit",
              "... naming the character");
    ok(lithsm_int_parse(v, "-5", 2, LITHSM_UINT64, "n") == LITHSM_ERR_RANGE,
       "negative uint64 refused");
    ok_str_eq(lithsm_last_error(), "n: uint64 cannot be negative",
              "... as negative");
    /* A NUL inside the text is not a digit, whatever follows. */
    ok(lithsm_int_parse(v, "1\0002", 3, LITHSM_UINT256, "n") ==
           LITHSM_ERR_PARSE,
       "an embedded NUL refused");
}

static lithsm_err from_json_text(uint8_t out[32], const char *text,
                                 lithsm_int_type t)
{
    json_object *o = json_tokener_parse(text);
    lithsm_err err = lithsm_int_from_json(out, o, t, "j");

    json_object_put(o);
    return err;
}

/* JSON values: text, type, expected code. */
static const struct {
    const char *json;
    lithsm_int_type type;
    lithsm_err err;
} json_cases[] = {
    { "9007199254740992", { 256, 0 }, LITHSM_ERR_RANGE }, /* not exact */
    { "-9007199254740991", { 64, 1 }, LITHSM_OK },
    { "-9007199254740992", { 64, 1 }, LITHSM_ERR_RANGE },
    { "-1", { 256, 0 }, LITHSM_ERR_RANGE },
    { "1.5", { 256, 0 }, LITHSM_ERR_PARSE },
    { "1.0", { 256, 0 }, LITHSM_ERR_PARSE }, /* a double */
    { "1e3", { 256, 0 }, LITHSM_ERR_PARSE },
    { "true", { 256, 0 }, LITHSM_ERR_PARSE },
    { "null", { 256, 0 }, LITHSM_ERR_PARSE },
    { "[1]", { 256, 0 }, LITHSM_ERR_PARSE },
    { "300", { 8, 0 }, LITHSM_ERR_RANGE },
    { "\"-0x1\"", { 8, 1 }, LITHSM_ERR_PARSE },
};

static void test_json(void)
{
    lithsm_int_type i64 = { 64, 1 };
    uint8_t v[32], want[32];
    char what[100];
    size_t i;

    for (i = 0; i < sizeof(json_cases) / sizeof(json_cases[0]); i++) {
        snprintf(what, sizeof(what), "JSON %s as %sint%u: code %d",
                 json_cases[i].json, json_cases[i].type.is_signed ? "" : "u",
                 json_cases[i].type.bits, (int)json_cases[i].err);
        ok_int_eq(from_json_text(v, json_cases[i].json, json_cases[i].type),
                  json_cases[i].err, what);
    }
    ok_int_eq(from_json_text(v, "9007199254740991", LITHSM_UINT256), LITHSM_OK,
              "JSON 2^53 - 1 accepted");
    lithsm_uint256_from_u64(want, 9007199254740991ULL);
    ok_mem_eq(v, want, 32, "... with its value");
    ok_int_eq(from_json_text(v, "-1", i64), LITHSM_OK,
              "JSON -1 accepted for int64");
    memset(want, 0xff, 32);
    ok_mem_eq(v, want, 32, "... as all ones");
    ok_int_eq(from_json_text(v, "\"0x2105\"", LITHSM_UINT256), LITHSM_OK,
              "JSON hex string accepted");
    lithsm_uint256_from_u64(want, 8453);
    ok_mem_eq(v, want, 32, "... as 8453");
}

static void test_types(void)
{
    static const struct {
        const char *name;
        int ok;
        unsigned bits;
        int is_signed;
    } t[] = {
        { "uint8", 1, 8, 0 },     { "int8", 1, 8, 1 },
        { "uint256", 1, 256, 0 }, { "int256", 1, 256, 1 },
        { "uint160", 1, 160, 0 }, { "uint", 0, 0, 0 },
        { "int", 0, 0, 0 },       { "uint0", 0, 0, 0 },
        { "uint08", 0, 0, 0 },    { "uint7", 0, 0, 0 },
        { "int264", 0, 0, 0 },    { "uint 8", 0, 0, 0 },
        { "uint8x", 0, 0, 0 },    { "Uint8", 0, 0, 0 },
        { "uint+8", 0, 0, 0 },    { "uint18446744073709551624", 0, 0, 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        lithsm_int_type it = { 0, 0 };
        int got = lithsm_int_type_of(&it, t[i].name);

        ok(got == t[i].ok && (!got || (it.bits == t[i].bits &&
                                       it.is_signed == t[i].is_signed)),
           t[i].name);
    }
}

static void test_arith(void)
{
    uint8_t a[32], b[32], r[32], max[32];
    char dec[LITHSM_UINT256_DEC_MAX];
    uint64_t u;

    memset(max, 0xff, 32);
    lithsm_uint256_to_dec(dec, max);
    ok_str_eq(dec, TWO_256_MINUS_1, "to_dec(2^256 - 1)");
    memset(a, 0, 32);
    lithsm_uint256_to_dec(dec, a);
    ok_str_eq(dec, "0", "to_dec(0)");
    lithsm_uint256_from_u64(a, 1000000007ULL);
    lithsm_uint256_to_dec(dec, a);
    ok_str_eq(dec, "1000000007", "to_dec(1000000007)");
    ok(lithsm_uint256_to_u64(&u, a) && u == 1000000007ULL, "to_u64 round trip");
    ok(!lithsm_uint256_to_u64(&u, max), "to_u64 refuses 2^256 - 1");
    ok_int_eq(lithsm_uint256_skip(a), 28, "skip: 4 significant bytes");
    ok(!lithsm_uint256_add(r, max, (lithsm_uint256_from_u64(b, 1), b)),
       "add overflows at 2^256");
    ok(lithsm_uint256_add(r, a, a), "add 2a");
    lithsm_uint256_to_dec(dec, r);
    ok_str_eq(dec, "2000000014", "... = 2000000014");
    memset(a, 0, 32);
    a[15] = 1; /* 2^128 */
    ok(!lithsm_uint256_mul(r, a, a), "mul: 2^128 * 2^128 overflows");
    memset(a, 0, 16);
    memset(a + 16, 0xff, 16); /* 2^128 - 1 */
    ok(lithsm_uint256_mul(r, a, a), "mul: (2^128 - 1)^2 fits");
    lithsm_uint256_to_dec(dec, r);
    ok_str_eq(
        dec,
        "115792089237316195423570985008687907852589419931798687112530834793"
        "049593217025",
        "... = 2^256 - 2^129 + 1");
    ok(lithsm_uint256_mul(r, max, (lithsm_uint256_from_u64(b, 1), b)) &&
           memcmp(r, max, 32) == 0,
       "mul by 1 keeps 2^256 - 1");
    ok(lithsm_uint256_cmp(a, max) < 0 && lithsm_uint256_cmp(max, a) > 0 &&
           lithsm_uint256_cmp(a, a) == 0,
       "cmp orders");
}

int main(void)
{
    test_parse_table();
    test_messages();
    test_json();
    test_types();
    test_arith();
    return tap_done();
}

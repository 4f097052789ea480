/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_abi.c - the ABI encoder: the type grammar of signatures (canonical
 * and human forms, refusals, limits), calldata against the worked examples
 * of the Solidity ABI specification, argument errors that name their path,
 * command-line words, and the word helpers the staking decoder shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "eth/abi.h"
#include "eth/int256.h"
#include "lithsm.h"
#include "tap.h"

/* "0x" + hex of calldata, or NULL; caller frees. */
static char *hex_of(const uint8_t *b, size_t n)
{
    char *hex = malloc(2 * n + 3);

    if (hex == NULL)
        return NULL;
    memcpy(hex, "0x", 2);
    if (lithsm_hex_encode(hex + 2, 2 * n + 1, b, n) != LITHSM_OK) {
        free(hex);
        return NULL;
    }
    return hex;
}

/* "0x" + the selector + the words, each a hex number right-aligned in 64
 * digits, or a "<" + hex left-aligned (bytes and strings). */
static char *expected_of(const char *selector, const char *const *words,
                         size_t n)
{
    char *out = malloc(11 + 64 * n), *p;
    size_t i, len;

    if (out == NULL)
        return NULL;
    p = out + sprintf(out, "0x%s", selector);
    for (i = 0; i < n; i++, p += 64) {
        int left = words[i][0] == '<';
        const char *w = words[i] + left;

        len = strlen(w);
        memset(p, '0', 64);
        memcpy(left ? p : p + 64 - len, w, len);
    }
    *p = '\0';
    return out;
}

/* Encodes JSON args and compares with the expected words. */
static void encodes_to(const char *sig, const char *args, const char *selector,
                       const char *const *words, size_t n, const char *what)
{
    uint8_t *data = NULL, sel[4];
    size_t len = 0;
    char *got = NULL, *want = expected_of(selector, words, n);
    lithsm_err err;

    err = lithsm_abi_call_data(&data, &len, sel, sig, args, strlen(args));
    ok_int_eq(err, LITHSM_OK, what);
    if (err != LITHSM_OK)
        printf("# %s\n", lithsm_last_error());
    got = data ? hex_of(data, len) : NULL;
    ok_str_eq(got, want, what);
    free(got);
    free(want);
    lithsm_free(data);
}

static void test_spec_examples(void)
{
    /* The worked examples of the Solidity ABI specification. */
    static const char *const baz[] = { "45", "1" };
    static const char *const sam[] = {
        "60", "1", "a0", "4", "<64617665", "3", "1", "2", "3",
    };
    static const char *const f[] = {
        "123", "80", "<31323334353637383930",       "e0", "2", "456",
        "789", "d",  "<48656c6c6f2c20776f726c6421",
    };
    static const char *const g[] = {
        "40", "140",     "2", "40",      "a0", "2",           "1",
        "2",  "1",       "3", "3",       "60", "a0",          "e0",
        "3",  "<6f6e65", "3", "<74776f", "5",  "<7468726565",
    };

    /* A string may hold U+0000: the ABI takes its bytes as they are. */
    static const char *const nul[] = { "20", "3", "<610062" };

    encodes_to("baz(uint32,bool)", "[69,true]", "cdcd77c0", baz, 2,
               "spec: baz(uint32,bool)");
    encodes_to("s(string)", "[\"a\\u0000b\"]", "ac292d30", nul, 3,
               "a string with U+0000 keeps its 3 bytes");
    encodes_to("sam(bytes,bool,uint256[])", "[\"0x64617665\",true,[1,2,3]]",
               "a5643bf2", sam, 9, "spec: sam(bytes,bool,uint256[])");
    encodes_to("f(uint256,uint32[],bytes10,bytes)",
               "[\"0x123\",[\"0x456\",\"0x789\"],\"0x31323334353637383930\","
               "\"0x48656c6c6f2c20776f726c6421\"]",
               "8be65246", f, 9, "spec: f(uint256,uint32[],bytes10,bytes)");
    encodes_to("g(uint256[][],string[])",
               "[[[1,2],[3]],[\"one\",\"two\",\"three\"]]", "2289b18c", g, 20,
               "spec: g(uint256[][],string[])");
}

static void canonical_is(const char *sig, const char *want,
                         const char *selector)
{
    lithsm_abi_function *f = NULL;
    uint8_t sel[4];
    char hex[9];
    lithsm_err err = lithsm_abi_function_parse(&f, sig);

    ok_int_eq(err, LITHSM_OK, sig);
    if (err != LITHSM_OK) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    ok_str_eq(lithsm_abi_function_canonical(f), want, sig);
    if (selector != NULL) {
        lithsm_abi_function_selector(sel, f);
        ok(lithsm_hex_encode(hex, sizeof(hex), sel, 4) == LITHSM_OK &&
               strcmp(hex, selector) == 0,
           "  ... and its selector");
    }
    lithsm_abi_function_free(f);
}

static void test_grammar(void)
{
    canonical_is("transfer(address,uint256)", "transfer(address,uint256)",
                 "a9059cbb");
    canonical_is("transfer(address to, uint256 amount)",
                 "transfer(address,uint256)", "a9059cbb");
    canonical_is("function approve(address spender, uint amount)",
                 "approve(address,uint256)", "095ea7b3");
    canonical_is("  balanceOf ( address owner )  ", "balanceOf(address)",
                 "70a08231");
    canonical_is("f(int a, uint[] b, int8[2] c)", "f(int256,uint256[],int8[2])",
                 NULL);
    canonical_is("g(tuple(uint8 x, string memory s)[] calldata xs, "
                 "bytes32 [2] [] ys)",
                 "g((uint8,string)[],bytes32[2][])", NULL);
    canonical_is("h((uint256,(bool,string)[]),(address,bool,bytes)[])",
                 "h((uint256,(bool,string)[]),(address,bool,bytes)[])", NULL);
    canonical_is("$_x9(bytes1,bytes32,uint8,int256)",
                 "$_x9(bytes1,bytes32,uint8,int256)", NULL);
    canonical_is("pause()", "pause()", "8456cb59");
}

static void refused(const char *sig, lithsm_err code, const char *needle)
{
    lithsm_abi_function *f = NULL;
    lithsm_err err = lithsm_abi_function_parse(&f, sig);
    char what[200];

    snprintf(what, sizeof(what), "refused: %.150s", sig);
    ok_int_eq(err, code, what);
    ok(f == NULL, "  ... and nothing is returned");
    if (strstr(lithsm_last_error(), needle) == NULL)
        printf("# message: %s\n", lithsm_last_error());
    ok(strstr(lithsm_last_error(), needle) != NULL, "  ... with its reason");
}

/* "f(" + `open` + inner + `close` + ")" repeated n times. */
static char *nested(const char *open, const char *inner, const char *close,
                    size_t n)
{
    size_t i, cap = 8 + strlen(inner) + n * (strlen(open) + strlen(close));
    char *s = malloc(cap);

    if (s == NULL)
        return NULL;
    strcpy(s, "f(");
    for (i = 0; i < n; i++)
        strcat(s, open);
    strcat(s, inner);
    for (i = 0; i < n; i++)
        strcat(s, close);
    strcat(s, ")");
    return s;
}

/* uint8 inside 15 levels of open/close parses, inside 16 does not. */
static void depth_limit(const char *open, const char *close)
{
    char *s = nested(open, "uint8", close, 15);

    canonical_is(s, s, NULL);
    free(s);
    s = nested(open, "uint8", close, 16);
    refused(s, LITHSM_ERR_RANGE, "nest deeper than 16");
    free(s);
}

static void test_bad_signatures(void)
{
    char *s;
    size_t i;

    refused("f(uint7)", LITHSM_ERR_PARSE, "unknown type at byte 2");
    refused("f(uint256", LITHSM_ERR_PARSE, "at the end of the text");
    refused("f(bytes33)", LITHSM_ERR_PARSE, "unknown type");
    refused("f(bytes0)", LITHSM_ERR_PARSE, "unknown type");
    refused("f(uint264)", LITHSM_ERR_PARSE, "unknown type");
    refused("f(uint08)", LITHSM_ERR_PARSE, "unknown type");
    refused("f(fixed128x18)", LITHSM_ERR_PARSE, "unknown type");
    refused("f((,))", LITHSM_ERR_PARSE, "expected a type at byte 3 (',')");
    refused("f(())", LITHSM_ERR_PARSE, "an empty tuple");
    refused("f(uint256,)", LITHSM_ERR_PARSE, "expected a type");
    refused("f(uint256)x", LITHSM_ERR_PARSE, "unexpected text after ')'");
    refused("f(uint256))", LITHSM_ERR_PARSE, "unexpected text");
    refused("f(uint256 a b)", LITHSM_ERR_PARSE, "expected ',' or ')'");
    refused("f(uint256[0])", LITHSM_ERR_PARSE, "an array length");
    refused("f(uint256[01])", LITHSM_ERR_PARSE, "an array length");
    refused("f(uint256[2)", LITHSM_ERR_PARSE, "expected ']'");
    refused("(uint256)", LITHSM_ERR_PARSE, "expected a function name");
    refused("1f()", LITHSM_ERR_PARSE, "expected a function name");
    refused("f", LITHSM_ERR_PARSE, "expected '('");
    refused("", LITHSM_ERR_PARSE, "expected a function name");
    refused("f(uint256[65537])", LITHSM_ERR_RANGE, "longer than 65536");
    refused("f(uint256[65536][3])", LITHSM_ERR_RANGE, "words");

    /* 16 levels of nesting pass, 17 do not; tuples and arrays alike. */
    depth_limit("(", ")");
    depth_limit("", "[]");
    s = nested("(", "uint8", ")[2]", 100);
    refused(s, LITHSM_ERR_RANGE, "nest deeper than 16");
    free(s);

    /* 512 types (with the argument list), and 4096 bytes. */
    s = malloc(8 * 600);
    strcpy(s, "f(uint8");
    for (i = 1; i < 511; i++)
        strcat(s, ",uint8");
    strcat(s, ")");
    canonical_is(s, s, NULL);
    s[strlen(s) - 1] = '\0';
    strcat(s, ",bool)");
    refused(s, LITHSM_ERR_RANGE, "more than 512 types");
    memset(s, ' ', 4096);
    strcpy(s + 4096, "f()");
    refused(s, LITHSM_ERR_RANGE, "longer than 4096 bytes");
    free(s);
    ok_int_eq(lithsm_abi_function_parse(NULL, "f()"), LITHSM_ERR_INVALID_ARG,
              "parse: NULL output");
}

/* Encoding `args` for `sig` fails with `code` and a message holding
 * `needle`; nothing is returned. */
static void bad_args(const char *sig, const char *args, lithsm_err code,
                     const char *needle)
{
    uint8_t *data = (uint8_t *)"x";
    size_t len = 1;
    char what[200];
    lithsm_err err =
        lithsm_abi_call_data(&data, &len, NULL, sig, args, strlen(args));

    snprintf(what, sizeof(what), "%s with %.100s is refused", sig, args);
    ok_int_eq(err, code, what);
    ok(data == NULL && len == 0, "  ... and no calldata is returned");
    if (strstr(lithsm_last_error(), needle) == NULL)
        printf("# message: %s\n", lithsm_last_error());
    ok(strstr(lithsm_last_error(), needle) != NULL, "  ... naming the path");
}

static void test_bad_args(void)
{
    const char *sig = "f(uint256,(bool,string)[],address,bytes4)";

    bad_args(sig, "[1,[[true,\"a\"],[false,5]],\"0x\",\"0x\"]",
             LITHSM_ERR_PARSE,
             "call data: argument 1[1].1: must be a JSON string");
    bad_args(sig, "[1,[[true,\"a\"],[\"true\",\"\"]],\"0x\",\"0x\"]",
             LITHSM_ERR_PARSE, "argument 1[1].0: must be true or false");
    bad_args(sig, "[1,[[true]],\"0x\",\"0x\"]", LITHSM_ERR_RANGE,
             "argument 1[0]: a tuple of 2 members needs 2 values, not 1");
    bad_args(sig, "[1,{},\"0x\",\"0x\"]", LITHSM_ERR_PARSE,
             "argument 1: must be a JSON array");
    bad_args(sig, "[-1,[],\"0x\",\"0x\"]", LITHSM_ERR_RANGE,
             "argument 0: uint256 cannot be negative");
    bad_args(sig, "[9007199254740992,[],\"0x\",\"0x\"]", LITHSM_ERR_RANGE,
             "argument 0: a JSON number above 2^53 - 1");
    bad_args(sig, "[1.5,[],\"0x\",\"0x\"]", LITHSM_ERR_PARSE,
             "argument 0: must be an integer");
    bad_args(sig, "[1,[]]", LITHSM_ERR_RANGE,
             "2 arguments given, f(uint256,(bool,string)[],address,bytes4) "
             "takes 4");
    bad_args(sig, "{}", LITHSM_ERR_PARSE, "the arguments must be a JSON array");
    bad_args(sig, "[1,[", LITHSM_ERR_PARSE, "call data: arguments");
    /* One letter's case changed in a checksummed address. */
    bad_args(sig,
             "[1,[],\"0x8ca5fe6fc7a176a7CD0F267FfabbEB107e5f3fA5\",\"0x\"]",
             LITHSM_ERR_PARSE, "argument 2: not an address");
    bad_args(sig, "[1,[],\"0x8ca5fe6fc7a176a7cd0f267ffabbeb107e5f3f\",\"0x\"]",
             LITHSM_ERR_PARSE, "argument 2: not an address");
    bad_args(sig,
             "[1,[],\"0x8ca5fe6fc7a176a7cd0f267ffabbeb107e5f3fa5\","
             "\"0x010203\"]",
             LITHSM_ERR_RANGE, "argument 3: bytes4 needs exactly 4 bytes");
    bad_args(sig,
             "[1,[],\"0x8ca5fe6fc7a176a7cd0f267ffabbeb107e5f3fa5\","
             "\"0x0102030\"]",
             LITHSM_ERR_PARSE, "argument 3: must be \"0x\" followed");
    bad_args(sig,
             "[1,[],\"0x8ca5fe6fc7a176a7cd0f267ffabbeb107e5f3fa5\","
             "\"0x0102030g\"]",
             LITHSM_ERR_PARSE, "argument 3: holds a character that is not");
    bad_args("f(uint8[2][2])", "[[[1,2],[3,256]]]", LITHSM_ERR_RANGE,
             "argument 0[1][1]: the value does not fit uint8");
    bad_args("f(int8)", "[\"-129\"]", LITHSM_ERR_RANGE, "does not fit int8");
    bad_args("f(uint8[2])", "[[1]]", LITHSM_ERR_RANGE,
             "argument 0: a fixed array of 2 needs 2 values, not 1");
    bad_args("f(bytes)", "[\"abcd\"]", LITHSM_ERR_PARSE,
             "argument 0: must be \"0x\"");
    bad_args("f(string)", "[null]", LITHSM_ERR_PARSE,
             "argument 0: must be a JSON string");
    bad_args("f(uint7)", "[1]", LITHSM_ERR_PARSE, "unknown type");
}

/* Calldata past 4 MiB is refused: 70000 empty arrays take 64 bytes each. */
static void test_size_limit(void)
{
    size_t n = 70000, i;
    char *args = malloc(3 * n + 4), *p = args;
    uint8_t *data = NULL;
    size_t len = 0;

    *p++ = '[';
    *p++ = '[';
    for (i = 0; i < n; i++)
        p += sprintf(p, i ? ",[]" : "[]");
    strcpy(p, "]]");
    ok_int_eq(lithsm_abi_call_data(&data, &len, NULL, "f(uint256[][])", args,
                                   strlen(args)),
              LITHSM_ERR_RANGE, "calldata over 4 MiB is refused");
    ok(strstr(lithsm_last_error(), "more than 4194304 bytes") != NULL,
       "  ... saying so");
    /* 60000 fit: 4 + 64 + 60000 * 64 bytes. */
    args[3 * 60000 + 1] = ']';
    args[3 * 60000 + 2] = ']';
    args[3 * 60000 + 3] = '\0';
    ok_int_eq(lithsm_abi_call_data(&data, &len, NULL, "f(uint256[][])", args,
                                   strlen(args)),
              LITHSM_OK, "60000 empty arrays encode");
    ok(len == 4 + 64 + 60000 * 64, "  ... in 64 bytes each");
    lithsm_free(data);
    free(args);
}

static void words_encode(const char *sig, const char *const *words, size_t n,
                         const char *json, const char *what)
{
    lithsm_abi_function *f = NULL;
    uint8_t *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;

    ok_int_eq(lithsm_abi_function_parse(&f, sig), LITHSM_OK, what);
    ok_int_eq(lithsm_abi_encode_words(&a, &alen, f, words, n), LITHSM_OK, what);
    ok_int_eq(lithsm_abi_encode_json(&b, &blen, f, json, strlen(json)),
              LITHSM_OK, what);
    ok(a != NULL && b != NULL && alen == blen && memcmp(a, b, alen) == 0,
       "  ... words and JSON give the same calldata");
    lithsm_free(a);
    lithsm_free(b);
    lithsm_abi_function_free(f);
}

static void test_words(void)
{
    static const char *const sam[] = { "0x64617665", "true", "[1,\"2\",3]" };
    static const char *const mix[] = { "-5", "[1,2]", "0xff", "[[\"a\",true]]",
                                       "false" };
    static const char *const two[] = { "1", "2" };
    static const char *const yes[] = { "yes" };
    static const char *const bad[] = { "[1,\"a\"]" };
    lithsm_abi_function *f = NULL;
    uint8_t *data = NULL;
    size_t len = 0;

    words_encode("sam(bytes,bool,uint256[])", sam, 3,
                 "[\"0x64617665\",true,[1,2,3]]", "words: sam");
    words_encode("m(int16,string,uint8,(string,bool)[],bool)", mix, 5,
                 "[\"-5\",\"[1,2]\",255,[[\"a\",true]],false]",
                 "words: a string word is literal, arrays are JSON");
    ok_int_eq(lithsm_abi_function_parse(&f, "f(bool)"), LITHSM_OK, "f(bool)");
    ok_int_eq(lithsm_abi_encode_words(&data, &len, f, yes, 1), LITHSM_ERR_PARSE,
              "words: 'yes' is not a bool");
    ok(strstr(lithsm_last_error(), "argument 0: a bool is 'true' or") != NULL,
       "  ... naming the argument");
    ok_int_eq(lithsm_abi_encode_words(&data, &len, f, two, 2), LITHSM_ERR_RANGE,
              "words: too many");
    lithsm_abi_function_free(f);
    ok_int_eq(lithsm_abi_function_parse(&f, "f(uint8,uint256[])"), LITHSM_OK,
              "f(uint8,uint256[])");
    ok_int_eq(lithsm_abi_encode_words(&data, &len, f, two, 2), LITHSM_ERR_PARSE,
              "words: an array word must be JSON");
    ok(strstr(lithsm_last_error(), "call data: argument 1") != NULL,
       "  ... naming the argument");
    ok_int_eq(lithsm_abi_encode_words(&data, &len, f, bad, 1), LITHSM_ERR_RANGE,
              "words: too few");
    lithsm_abi_function_free(f);
}

static void test_words_helpers(void)
{
    uint8_t w[64] = { 0 };
    uint64_t v = 0;

    lithsm_abi_word_put_u64(w + 32, 0x0102030405060708ULL);
    ok(lithsm_abi_word_u64(w + 32) == 0x0102030405060708ULL,
       "word: put then read a uint64");
    ok(lithsm_abi_word_read_u64(&v, w, 1) && v == 0x0102030405060708ULL,
       "word: read word 1");
    ok(lithsm_abi_word_fits(w + 32, 8) && !lithsm_abi_word_fits(w + 32, 7),
       "word: fits 8 bytes, not 7");
    w[32 + 23] = 1;
    v = 42;
    ok(!lithsm_abi_word_read_u64(&v, w, 1) && v == 42,
       "word: wider than 64 bits is refused, *out untouched");
    ok(lithsm_abi_word_pad(0) == 0 && lithsm_abi_word_pad(1) == 31 &&
           lithsm_abi_word_pad(32) == 0 && lithsm_abi_word_pad(33) == 31,
       "word: padding to whole words");
}

/* lithsm_int_parse() (int256.c reads 9 decimal or 7 hex digits per
 * step): text -> the value's low bytes, or the error. */
static void int_is(const char *text, lithsm_int_type t, lithsm_err code,
                   const char *hex_low)
{
    uint8_t v[32], want[32];
    size_t n = hex_low ? strlen(hex_low) / 2 : 0;
    lithsm_err err = lithsm_int_parse(v, text, strlen(text), t, "x");
    char what[160];

    snprintf(what, sizeof(what), "int %.100s", text);
    ok_int_eq(err, code, what);
    if (err != LITHSM_OK || hex_low == NULL)
        return;
    /* Negative values are sign-extended: the bytes above are 0xff. */
    memset(want, text[0] == '-' ? 0xff : 0, 32);
    ok(lithsm_hex_decode(want + 32 - n, n, hex_low, 2 * n) == LITHSM_OK &&
           memcmp(v, want, 32) == 0,
       "  ... its bytes");
}

static void test_int_digits(void)
{
    const lithsm_int_type u = LITHSM_UINT256, s = { 256, 1 };
    const char *max = "11579208923731619542357098500868790785326998466564056"
                      "4039457584007913129639935";
    char text[200];

    int_is("0", u, LITHSM_OK, "00");
    int_is("1000000000", u, LITHSM_OK, "3b9aca00");
    int_is("999999999", u, LITHSM_OK, "3b9ac9ff");
    int_is("4294967296", u, LITHSM_OK, "0100000000");
    int_is("18446744073709551616", u, LITHSM_OK, "010000000000000000");
    int_is("0x123456789abcdef0123", u, LITHSM_OK, "0123456789abcdef0123");
    int_is("0x10000000", u, LITHSM_OK, "10000000");
    int_is(max, u, LITHSM_OK,
           "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    snprintf(text, sizeof(text), "000000000000000000000%s", max);
    int_is(text, u, LITHSM_OK,
           "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    int_is("1157920892373161954235709850086879078532699846656405640394575840"
           "07913129639936",
           u, LITHSM_ERR_RANGE, NULL);
    int_is("0x1"
           "0000000000000000000000000000000000000000000000000000000000000000",
           u, LITHSM_ERR_RANGE, NULL);
    snprintf(text, sizeof(text), "%s0x", max); /* overflow, then a bad digit */
    int_is(text, u, LITHSM_ERR_RANGE, NULL);
    int_is("12345678901234x", u, LITHSM_ERR_PARSE, NULL);
    int_is("0x", u, LITHSM_ERR_PARSE, NULL);
    int_is("-578960446186580977117854925043439539266349923328202820197287920"
           "03956564819968",
           s, LITHSM_OK,
           "8000000000000000000000000000000000000000000000000000000000000000");
    int_is("-578960446186580977117854925043439539266349923328202820197287920"
           "03956564819969",
           s, LITHSM_ERR_RANGE, NULL);
    int_is("-1000000000", s, LITHSM_OK, "c4653600");
}

/* How library code encodes a call from C values: a json-c array of the
 * text forms (a uint256 as 0x-hex, an address as text) and
 * lithsm_abi_encode_call(); the same bytes as the JSON text. */
static void test_from_c_values(void)
{
    const char *sig =
        "registerWalletDerivation(uint256,address,uint256,string,string)";
    const char *text =
        "[\"0x0102\",\"0x8ca5fe6fc7a176a7cd0f267ffabbeb107e5f3fa5\","
        "\"7\",\"wallet\",\"\"]";
    uint8_t key[32] = { 0 }, *a = NULL, *b = NULL;
    char hex[67] = "0x", addr_text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address addr;
    lithsm_abi_function *f = NULL;
    json_object *args = json_object_new_array();
    size_t alen = 0, blen = 0;

    key[30] = 1;
    key[31] = 2;
    ok(lithsm_hex_encode(hex + 2, sizeof(hex) - 2, key, 32) == LITHSM_OK &&
           lithsm_eth_address_parse(
               &addr, "0x8ca5fe6fc7a176a7cd0f267ffabbeb107e5f3fa5", 0) ==
               LITHSM_OK,
       "C values: inputs");
    lithsm_eth_address_to_text(addr_text, &addr);
    json_object_array_add(args, json_object_new_string(hex));
    json_object_array_add(args, json_object_new_string(addr_text));
    json_object_array_add(args, json_object_new_int64(7));
    json_object_array_add(args, json_object_new_string("wallet"));
    json_object_array_add(args, json_object_new_string(""));
    ok_int_eq(lithsm_abi_function_parse(&f, sig), LITHSM_OK, "C values: sig");
    ok_int_eq(lithsm_abi_encode_call(&a, &alen, f, args), LITHSM_OK,
              "C values: lithsm_abi_encode_call");
    ok_int_eq(lithsm_abi_encode_json(&b, &blen, f, text, strlen(text)),
              LITHSM_OK, "C values: the JSON text");
    ok(a != NULL && b != NULL && alen == blen && alen == 4 + 8 * 32 &&
           memcmp(a, b, alen) == 0,
       "  ... the same calldata");
    json_object_put(args);
    free(a);
    lithsm_free(b);
    lithsm_abi_function_free(f);
}

int main(void)
{
    test_from_c_values();
    test_int_digits();
    test_spec_examples();
    test_grammar();
    test_bad_signatures();
    test_bad_args();
    test_size_limit();
    test_words();
    test_words_helpers();
    return tap_done();
}

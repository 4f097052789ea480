/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_json.c - the JSON.stringify writer and the strict parser.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "tap.h"

static char *write_str(const char *s, size_t n)
{
    lithsm_buf b;
    char *out = NULL;

    lithsm_buf_init(&b);
    lithsm_buf_json_str(&b, s, n);
    if (lithsm_buf_finish(&b, &out, NULL) != LITHSM_OK)
        return NULL;
    return out;
}

static void test_known_strings(void)
{
    char *s;

    s = write_str("a\"b\\c/d", 7);
    ok_str_eq(s, "\"a\\\"b\\\\c/d\"", "quote and backslash escaped, '/' raw");
    free(s);
    s = write_str("\b\f\n\r\t\x01\x1f\x7f", 8);
    ok_str_eq(s, "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"",
              "control characters as JSON.stringify writes them");
    free(s);
    s = write_str("caf\xc3\xa9 \xf0\x9f\x98\x80", 10);
    ok_str_eq(s, "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
              "non-ASCII stays raw UTF-8");
    free(s);
    s = write_str("a\0b", 3);
    ok_str_eq(s, "\"a\\u0000b\"", "NUL inside a string");
    free(s);
}

/* Our writer must equal json-c's JSON_C_TO_STRING_NOSLASHESCAPE output (the
 * library DESIGN.md names) for every string: random bytes kept valid UTF-8. */
static void test_against_jsonc(void)
{
    unsigned seed = 12345;
    int i, same = 0;

    for (i = 0; i < 2000; i++) {
        char in[64];
        size_t n = 0, len = (size_t)(seed % 60);
        json_object *o;
        char *ours;
        const char *theirs;

        while (n < len) {
            seed = seed * 1103515245u + 12345u;
            in[n++] = (char)((seed >> 16) % 0x80); /* ASCII incl. controls */
            if (n < len && (seed & 7) == 0) {      /* and some 2-byte UTF-8 */
                in[n - 1] = (char)0xc3;
                in[n++] = (char)0xa9;
            }
        }
        /* json-c strings stop at NUL: compare without embedded NULs. */
        for (size_t k = 0; k < n; k++)
            if (in[k] == 0)
                in[k] = 'x';
        o = json_object_new_string_len(in, (int)n);
        theirs = json_object_to_json_string_ext(
            o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        ours = write_str(in, n);
        same += ours && strcmp(ours, theirs) == 0;
        free(ours);
        json_object_put(o);
    }
    ok_int_eq(same, 2000, "2000 random strings written like json-c");
}

static void test_values(void)
{
    json_object *o = NULL;
    lithsm_buf b;
    const char *text =
        "{\"z\":1,\"a\":[true,false,null,-5,0.5,1e21,\"s\"],\"m\":{}}";
    char *out = NULL;

    ok_int_eq(lithsm_json_parse(&o, text, strlen(text), "test"), LITHSM_OK,
              "parse object");
    lithsm_buf_init(&b);
    lithsm_buf_json_value(&b, o);
    ok_int_eq(lithsm_buf_finish(&b, &out, NULL), LITHSM_OK, "write object");
    ok_str_eq(out,
              "{\"z\":1,\"a\":[true,false,null,-5,0.5,1e+21,\"s\"],"
              "\"m\":{}}",
              "insertion order kept, no whitespace");
    free(out);
    json_object_put(o);
}

/* Numbers and key order as JSON.stringify writes them (values checked in
 * node: JSON.stringify(JSON.parse(text))). */
static void test_js_forms(void)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "[100.0,1E2,-0.0,0.1,1e-7,1.5e-7,123e-9,1e21,1.25e+21,2e20]",
          "[100,100,0,0.1,1e-7,1.5e-7,1.23e-7,1e+21,1.25e+21,"
          "200000000000000000000]" },
        { "[0.000001,12.5,-3.75,9007199254740992,5e-324]",
          "[0.000001,12.5,-3.75,9007199254740992,5e-324]" },
        { "{\"b\":1,\"10\":2,\"a\":3,\"2\":4,\"01\":5,\"4294967295\":6}",
          "{\"2\":4,\"10\":2,\"b\":1,\"a\":3,\"01\":5,\"4294967295\":6}" },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *o = NULL;
        lithsm_buf b;
        char *out = NULL;

        ok_int_eq(lithsm_json_parse(&o, cases[i].in, strlen(cases[i].in), "t"),
                  LITHSM_OK, "parse");
        lithsm_buf_init(&b);
        lithsm_buf_json_value(&b, o);
        ok_int_eq(lithsm_buf_finish(&b, &out, NULL), LITHSM_OK, "write");
        ok_str_eq(out, cases[i].out, "written as JSON.stringify does");
        free(out);
        json_object_put(o);
    }
}

/* Texts the strict parser refuses, with the byte count it is given. */
static const struct {
    const char *text;
    size_t len;
    lithsm_err err;
    const char *what;
} rejects[] = {
    { "{} x", 4, LITHSM_ERR_PARSE, "trailing data rejected" },
    { "{\"a\":\"\xff\"}", 8, LITHSM_ERR_PARSE, "invalid UTF-8 rejected" },
    { "{'a':1}", 7, LITHSM_ERR_PARSE, "single quotes rejected (strict)" },
    { "{\"a\":1,}", 8, LITHSM_ERR_PARSE, "trailing comma rejected (strict)" },
    { "[1.]", 4, LITHSM_ERR_PARSE, "\"1.\" rejected" },
    { "[-.5]", 5, LITHSM_ERR_PARSE, "\"-.5\" rejected" },
    { "[012]", 5, LITHSM_ERR_PARSE, "leading zero rejected" },
    { "[1e]", 4, LITHSM_ERR_PARSE, "empty exponent rejected" },
    { "{\"a\\u0000b\":1}", 14, LITHSM_ERR_PARSE,
      "escaped NUL rejected (json-c cuts keys)" },
    { "[123456789012345678901234]", 26, LITHSM_ERR_RANGE,
      "an integer beyond 2^53 rejected" },
    { "[NaN]", 5, LITHSM_ERR_PARSE, "NaN rejected" },
    { "[-Infinity]", 11, LITHSM_ERR_PARSE, "Infinity rejected" },
    { "[True]", 6, LITHSM_ERR_PARSE, "True rejected" },
    { "[\"a\nb\"]", 7, LITHSM_ERR_PARSE, "a raw newline in a string rejected" },
    { "[\"a\tb\"]", 7, LITHSM_ERR_PARSE, "a raw tab in a string rejected" },
};

static void test_parse_rejects(void)
{
    json_object *o = NULL;
    char *deep;
    size_t i;

    ok_int_eq(lithsm_json_parse(&o, "{\"a\":1", 6, "t"), LITHSM_ERR_PARSE,
              "truncated JSON rejected");
    ok(strstr(lithsm_last_error(), "truncated") != NULL,
       "the error says truncated");
    for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++)
        ok_int_eq(lithsm_json_parse(&o, rejects[i].text, rejects[i].len, "t"),
                  rejects[i].err, rejects[i].what);
    ok_int_eq(lithsm_json_parse(&o, "12", 2, "t"), LITHSM_OK,
              "a bare number parses");
    json_object_put(o);
    deep = malloc(20001);
    for (i = 0; i < 10000; i++) {
        deep[i] = '[';
        deep[10000 + i] = ']';
    }
    ok_int_eq(lithsm_json_parse(&o, deep, 20000, "t"), LITHSM_ERR_PARSE,
              "10000-deep nesting rejected without recursion");
    free(deep);
    ok_int_eq(lithsm_json_parse(&o, "{}", LITHSM_MAX_INPUT + 1, "t"),
              LITHSM_ERR_RANGE, "oversized input rejected before reading");
}

static void test_utf8(void)
{
    ok(lithsm_utf8_valid("caf\xc3\xa9", 5), "valid 2-byte");
    ok(!lithsm_utf8_valid("\xc0\xaf", 2), "overlong rejected");
    ok(!lithsm_utf8_valid("\xed\xa0\x80", 3), "surrogate rejected");
    ok(!lithsm_utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF rejected");
    ok(!lithsm_utf8_valid("\xe2\x82", 2), "truncated sequence rejected");
}

int main(void)
{
    test_known_strings();
    test_against_jsonc();
    test_values();
    test_js_forms();
    test_parse_rejects();
    test_utf8();
    return tap_done();
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_siwe_parse.c - the strict EIP-4361 parser on hand-made input:
 * truncations, malformed bytes, one-line edits of a full message that
 * must fail or round-trip, bad endings and misuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "tap.h"
#include "siwe_check.h"

/* ------------------------------------------------------------------------
 * Hand-made negatives and edges
 */
#define HDR "example.com wants you to sign in with your Ethereum account:\n"
#define ADDR "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9c"
#define TAIL_TAGS                                                 \
    "URI: https://example.com/login\nVersion: 1\nChain ID: 137\n" \
    "Nonce: x7Kq9LmN2pR4\nIssued At: 2024-05-20T08:30:00.000Z"
#define BASE HDR ADDR "\n\nSign in to Example.\n\n" TAIL_TAGS

static const char FULL[] =
    BASE "\nExpiration Time: 2024-05-21T08:30:00.000Z"
         "\nNot Before: 2024-05-20T08:00:00.000Z"
         "\nRequest ID: req-0001"
         "\nResources:"
         "\n- ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfya/"
         "\n- https://example.com/my-web2-claim.json";

static void test_truncation(void)
{
    size_t len = strlen(FULL), cut, iat_end, fails_early = 0, ok_after = 0;
    size_t crashes = 0, bad_roundtrip = 0;
    const char *iat = strstr(FULL, "Issued At: ");

    iat_end = (size_t)(strchr(iat, '\n') - FULL);
    ok(round_trips(FULL, len), "the full message round-trips");
    for (cut = 0; cut < len; cut++) {
        lithsm_err err = parse_err(FULL, cut);

        if (err != LITHSM_OK && err != LITHSM_ERR_PARSE)
            crashes++;
        if (cut < iat_end && err == LITHSM_ERR_PARSE)
            fails_early++;
        /* A prefix that happens to be valid must still be canonical. */
        if (err == LITHSM_OK) {
            ok_after++;
            if (!round_trips(FULL, cut))
                bad_roundtrip++;
        }
    }
    ok_int_eq(crashes, 0, "truncations fail only with LITHSM_ERR_PARSE");
    ok_int_eq(fails_early, iat_end,
              "every cut before the end of Issued At fails");
    ok(ok_after >= 4, "cuts at optional line ends still parse");
    ok_int_eq(bad_roundtrip, 0, "valid prefixes round-trip");
}

/* Replaces the first `from` in FULL-like text with `to`; returns a new
 * string the caller frees. */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    size_t pre, n;
    char *out;

    if (at == NULL)
        return NULL;
    pre = (size_t)(at - text);
    n = strlen(text) - strlen(from) + strlen(to);
    out = malloc(n + 1);
    memcpy(out, text, pre);
    memcpy(out + pre, to, strlen(to));
    strcpy(out + pre + strlen(to), at + strlen(from));
    return out;
}

static void expect_bad(const char *from, const char *to, const char *word,
                       const char *what)
{
    char *t = replace(FULL, from, to);
    char line[256];

    if (t == NULL) {
        ok(0, what);
        return;
    }
    ok_int_eq(parse_str(t), LITHSM_ERR_PARSE, what);
    if (word != NULL) {
        snprintf(line, sizeof(line), "%s: the error mentions %s", what, word);
        if (!ok(error_mentions(word), line))
            printf("#   error: %s\n", lithsm_last_error());
    }
    free(t);
}

static void expect_good(const char *from, const char *to, const char *what)
{
    char *t = replace(FULL, from, to);

    ok(t != NULL && round_trips(t, strlen(t)), what);
    free(t);
}

/* Malformed bytes: size, NUL, CR. */
static void test_bad_bytes(void)
{
    char *big, *crlf, t[sizeof(FULL)];
    size_t i, j, len;

    len = 1024 * 1024 + 1;
    big = malloc(len);
    memset(big, 'a', len);
    ok_int_eq(parse_err(big, len), LITHSM_ERR_RANGE,
              "a message over 1 MiB fails with LITHSM_ERR_RANGE");
    free(big);
    ok_int_eq(parse_err("", 0), LITHSM_ERR_PARSE, "empty input fails");
    memcpy(t, FULL, sizeof(FULL));
    t[100] = '\0';
    ok_int_eq(parse_err(t, sizeof(FULL) - 1), LITHSM_ERR_PARSE,
              "a NUL byte inside the text fails");
    ok(error_mentions("control"), "the NUL error names a control "
                                  "character");
    len = strlen(FULL);
    crlf = malloc(2 * len + 1);
    for (i = j = 0; i < len; i++) {
        if (FULL[i] == '\n')
            crlf[j++] = '\r';
        crlf[j++] = FULL[i];
    }
    ok_int_eq(parse_err(crlf, j), LITHSM_ERR_PARSE, "CRLF line ends fail");
    free(crlf);
}

/* One edit of FULL: its first `from` becomes `to`.  A bad edit must fail
 * with LITHSM_ERR_PARSE and, if `word` is given, an error mentioning it;
 * a good one must parse and write back identically. */
struct edit_case {
    const char *from, *to, *word, *what;
    int good;
};
#define BAD(from, to, word, what) \
    {                             \
        from, to, word, what, 0   \
    }
#define GOOD(from, to, what)    \
    {                           \
        from, to, NULL, what, 1 \
    }

static const struct edit_case edits[] = {
    BAD("Sign in", "Sign \xff in", "UTF-8",
        "invalid UTF-8 in the statement fails"),
    BAD("Sign in", "Sign \xc0\xaf in", "UTF-8",
        "an overlong UTF-8 sequence fails"),
    BAD("Sign in", "Sign \xed\xa0\x80 in", "UTF-8", "a UTF-16 surrogate fails"),
    GOOD("Sign in",
         "Gr\xc3\xbc\xc3\x9f"
         "e, sign in",
         "a non-ASCII UTF-8 statement parses and round-trips"),
    BAD("Sign in", "Sign\tin", "control", "a tab fails"),
    BAD("req-0001", "req\x7f", "control", "DEL fails"),
    BAD("Example.\n", "Example.\r\n", NULL,
        "a lone CR after the statement fails"),
    /* Header */
    BAD("example.com wants", "example.com  wants", "line 1",
        "a doubled space in the header fails"),
    BAD("example.com wants", "example.com/x wants", "line 1",
        "a path in the domain fails"),
    BAD("example.com wants", " wants", "line 1", "an empty domain fails"),
    BAD("example.com wants", "https:// wants", "line 1",
        "a scheme with an empty domain fails"),
    BAD("account:\n", "account: \n", "line 1",
        "a space after the header fails"),
    /* A Lit node's siwe-rs 0.5 stops the domain at '/' (issue 8). */
    BAD("example.com wants", "https://example.com:8443 wants", "siwe-rs",
        "a scheme before the domain fails"),
    BAD("example.com wants", "http://example.com wants", "scheme",
        "an http scheme fails too"),
    GOOD("example.com wants", "example.com:8443 wants",
         "a port parses and round-trips"),
    GOOD("example.com wants", "user@[::1]:3000 wants",
         "userinfo and an IP literal parse"),
    /* Address */
    BAD(ADDR, "0x5050a4f4b3f9338c3472dcc01a87c76a144b3c9c", "EIP-55",
        "an all-lowercase address fails"),
    BAD(ADDR, "0x5050A4F4B3F9338C3472DCC01A87C76A144B3C9C", "EIP-55",
        "an all-uppercase address fails"),
    BAD(ADDR, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9C", "EIP-55",
        "a wrong checksum letter fails"),
    BAD(ADDR, "0X5050A4F4b3f9338C3472dcC01A87C76A144b3c9c", "line 2",
        "an upper-case 0X fails"),
    BAD(ADDR, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9", "line 2",
        "39 hex digits fail"),
    BAD(ADDR, ADDR "0", "line 2", "41 hex digits fail"),
    BAD(ADDR, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9g", "line 2",
        "a non-hex digit fails"),
    BAD(ADDR, " " ADDR, "line 2", "a space before the address fails"),
    /* Blank lines and the statement */
    BAD(ADDR "\n\nSign in to Example.\n\n", ADDR "\nSign in to Example.\n\n",
        "line 3", "a missing empty line after the address fails"),
    BAD("Example.\n\nURI", "Example.\nURI", "line 5",
        "a missing empty line after the statement fails"),
    BAD("Example.\n\nURI", "Example.\nsecond line\n\nURI", "line 5",
        "a two-line statement fails"),
    BAD(ADDR "\n\nSign in to Example.\n\n", ADDR "\n\n", "line 5",
        "no statement and only one empty line fails"),
    BAD(ADDR "\n\nSign in to Example.\n\n", ADDR "\n\n\n\n", "URI",
        "three empty lines fail"),
    GOOD(ADDR "\n\nSign in to Example.\n\n", ADDR "\n\n\n",
         "no statement with two empty lines parses"),
    /* Tags */
    BAD("URI: https://example.com/login", "URI: example.com/login", "URI",
        "a URI without a scheme fails"),
    BAD("URI: https://example.com/login", "URI: https://ex ample.com", "URI",
        "a URI with a space fails"),
    BAD("URI: https://example.com/login", "URI: ", "URI", "an empty URI fails"),
    BAD("URI: https://example.com/login", "URI: https://e.com/%zz", "URI",
        "a bad percent escape fails"),
    BAD("URI: https://example.com/login", "URI: https://e.com/#a#b", "URI",
        "two fragments fail"),
    BAD("URI: ", "URI:", "URI", "a tag without its space fails"),
    BAD("URI: ", "Uri: ", "URI", "a tag in the wrong case fails"),
    BAD("Version: 1", "Version: 2", "Version", "version 2 fails"),
    BAD("Version: 1", "Version: 1.0", "Version", "version 1.0 fails"),
    BAD("Version: 1", "Version: 01", "Version", "version 01 fails"),
    BAD("Chain ID: 137", "Chain ID: 13a", "Chain ID",
        "a chain id with letters fails"),
    BAD("Chain ID: 137", "Chain ID: +137", "Chain ID",
        "a chain id with a sign fails"),
    BAD("Chain ID: 137", "Chain ID: 0137", "Chain ID",
        "a chain id with a leading zero fails"),
    BAD("Chain ID: 137", "Chain ID: ", "Chain ID", "an empty chain id fails"),
    BAD("Chain ID: 137", "Chain ID: -1", "Chain ID",
        "a negative chain id fails"),
    BAD("Chain ID: 137", "Chain ID: 18446744073709551616", "Chain ID",
        "a chain id of 2^64 fails"),
    GOOD("Chain ID: 137", "Chain ID: 18446744073709551615",
         "a chain id of 2^64 - 1 parses and round-trips"),
    GOOD("Chain ID: 137", "Chain ID: 0", "chain id 0 parses"),
    BAD("x7Kq9LmN2pR4", "x7Kq9Lm", "Nonce", "a 7-character nonce fails"),
    BAD("x7Kq9LmN2pR4", "x7Kq-9LmN2pR4", "Nonce", "a nonce with '-' fails"),
    BAD("x7Kq9LmN2pR4", "x7Kq9LmN2pR4 ", "Nonce",
        "a nonce with a trailing space fails"),
    GOOD("x7Kq9LmN2pR4", "x7Kq9LmN", "an 8-character nonce parses"),
    BAD("Issued At: 2024-05-20T08:30:00.000Z", "Issued At: yesterday",
        "Issued At", "a non-RFC 3339 Issued At fails"),
    BAD("Issued At: 2024-05-20T08:30:00.000Z",
        "Issued At: 2024-13-20T08:30:00.000Z", "Issued At", "month 13 fails"),
    BAD("Issued At: 2024-05-20T08:30:00.000Z",
        "Issued At: 2024-05-20T08:30:00.000", "Issued At",
        "an Issued At without a zone fails"),
    GOOD("Issued At: 2024-05-20T08:30:00.000Z",
         "Issued At: 2024-05-20T10:30:00+02:00",
         "an Issued At with an offset parses and is kept verbatim"),
    BAD("Expiration Time: 2024-05-21T08:30:00.000Z", "Expiration Time: soon",
        "Expiration Time", "a bad Expiration Time fails"),
    BAD("Not Before: 2024-05-20T08:00:00.000Z", "Not Before: 0", "Not Before",
        "a bad Not Before fails"),
    BAD("Request ID: req-0001", "Request ID: ", "Request ID",
        "an empty Request ID fails"),
    GOOD("Request ID: req-0001", "Request ID: any text, even spaces",
         "a Request ID with spaces parses"),
    /* Order, repetition, unknown content, the end */
    BAD("Version: 1\nChain ID: 137", "Chain ID: 137\nVersion: 1", "Version",
        "Chain ID before Version fails"),
    BAD("Nonce: x7Kq9LmN2pR4\nIssued At: 2024-05-20T08:30:00.000Z",
        "Issued At: 2024-05-20T08:30:00.000Z\nNonce: x7Kq9LmN2pR4", "Nonce",
        "Issued At before Nonce fails"),
    BAD("Expiration Time: 2024-05-21T08:30:00.000Z\n"
        "Not Before: 2024-05-20T08:00:00.000Z",
        "Not Before: 2024-05-20T08:00:00.000Z\n"
        "Expiration Time: 2024-05-21T08:30:00.000Z",
        "unexpected", "Not Before before Expiration Time fails"),
    BAD("Request ID: req-0001", "Request ID: req-0001\nRequest ID: req-0002",
        "unexpected", "a repeated Request ID fails"),
    BAD("Request ID: req-0001", "Request ID: req-0001\nFoo: bar", "unexpected",
        "an unknown tag fails"),
    BAD("Request ID: req-0001", "Request ID: req-0001\n", "unexpected",
        "an empty line before Resources fails"),
    BAD("Nonce: x7Kq9LmN2pR4\n", "Nonce: x7Kq9LmN2pR4\nFoo: bar\n", "Issued At",
        "an unknown tag before Issued At fails"),
    BAD("\n- https://example.com/my-web2-claim.json",
        "\n- https://example.com/my-web2-claim.json\n", "newline",
        "a trailing newline after resources fails"),
    BAD("\n- https://example.com/my-web2-claim.json",
        "\n- https://example.com/my-web2-claim.json\n\n", "line",
        "two trailing newlines fail"),
    BAD("\n- https://example.com/my-web2-claim.json",
        "\n-https://example.com/my-web2-claim.json", "resource",
        "a resource without \"- \" fails"),
    BAD("\n- https://example.com/my-web2-claim.json", "\n- not a uri",
        "resource", "a resource that is no URI fails"),
    BAD("\n- https://example.com/my-web2-claim.json", "\n- ", "resource",
        "an empty resource fails"),
    BAD("Resources:", "Resources: ", "unexpected",
        "\"Resources: \" with a space fails"),
};

static void test_edits(void)
{
    size_t i;

    for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        const struct edit_case *e = &edits[i];

        if (e->good)
            expect_good(e->from, e->to, e->what);
        else
            expect_bad(e->from, e->to, e->word, e->what);
    }
}

/* How a message may not end. */
static void test_bad_endings(void)
{
    const char *no_resource = BASE "\nResources:";
    const char *newline = BASE "\n";
    const char *no_issued_at = HDR ADDR "\n\nSign in to Example.\n\n"
                                        "URI: https://example.com/login\n"
                                        "Version: 1\nChain ID: 1\n"
                                        "Nonce: x7Kq9LmN2pR4";

    ok_int_eq(parse_str(no_resource), LITHSM_ERR_PARSE,
              "Resources: with no resource fails");
    ok(error_mentions("no resource"), "the error says no resource");
    ok_int_eq(parse_str(newline), LITHSM_ERR_PARSE,
              "a trailing newline after Issued At fails");
    ok(error_mentions("newline"), "the error says newline");
    ok(round_trips(BASE, strlen(BASE)), "the base message round-trips");
    ok_int_eq(parse_str(no_issued_at), LITHSM_ERR_PARSE, "no Issued At fails");
    ok_str_eq(lithsm_last_error(), "SIWE: missing Issued At",
              "the error says Issued At is missing");
}

static void test_misuse(void)
{
    lithsm_siwe_msg *m = (lithsm_siwe_msg *)&m;

    ok_int_eq(lithsm_siwe_parse(NULL, FULL, strlen(FULL)),
              LITHSM_ERR_INVALID_ARG, "parse with NULL out fails");
    ok_int_eq(lithsm_siwe_parse(&m, NULL, 5), LITHSM_ERR_INVALID_ARG,
              "parse of NULL text fails");
    ok(m == NULL, "a failed parse sets *out to NULL");
    ok(lithsm_siwe_msg_fields(NULL) == NULL, "fields of NULL is NULL");
    lithsm_siwe_msg_free(NULL);
    ok(1, "lithsm_siwe_msg_free(NULL) is a no-op");
}

int main(void)
{
    test_truncation();
    test_bad_bytes();
    test_edits();
    test_bad_endings();
    test_misuse();
    return tap_done();
}

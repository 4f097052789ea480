/*
 * test_siwe.c - EIP-4361 writer and strict parser against the siwe.json
 * vectors, every SIWE text in the other vector files, and malformed input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "tap.h"

#define MAX_RES 16

static json_object *load_vectors(const char *name)
{
    const char *top = getenv("top_srcdir");
    char path[1024];
    json_object *o;

    snprintf(path, sizeof(path), "%s/tests/vectors/%s", top ? top : ".", name);
    o = json_object_from_file(path);
    if (o == NULL)
        printf("# cannot read %s\n", path);
    return o;
}

static const char *jstr(json_object *obj, const char *key)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* Fills f from a JSON object with the siwe package's field names. */
static void fields_from_json(lithsm_siwe *f, const char *res[MAX_RES],
                             json_object *obj)
{
    json_object *v;
    size_t i, n;

    memset(f, 0, sizeof(*f));
    f->scheme = jstr(obj, "scheme");
    f->domain = jstr(obj, "domain");
    f->address = jstr(obj, "address");
    f->statement = jstr(obj, "statement");
    f->uri = jstr(obj, "uri");
    f->version = jstr(obj, "version");
    f->nonce = jstr(obj, "nonce");
    f->issued_at = jstr(obj, "issuedAt");
    f->expiration_time = jstr(obj, "expirationTime");
    f->not_before = jstr(obj, "notBefore");
    f->request_id = jstr(obj, "requestId");
    if (json_object_object_get_ex(obj, "chainId", &v))
        f->chain_id = (uint64_t)json_object_get_int64(v);
    if (json_object_object_get_ex(obj, "resources", &v)) {
        n = json_object_array_length(v);
        for (i = 0; i < n && i < MAX_RES; i++)
            res[i] = json_object_get_string(json_object_array_get_idx(v, i));
        f->resources = res;
        f->n_resources = n < MAX_RES ? n : MAX_RES;
    }
}

static int opt_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static int fields_eq(const lithsm_siwe *a, const lithsm_siwe *b)
{
    size_t i;

    if (!opt_eq(a->scheme, b->scheme) || !opt_eq(a->domain, b->domain) ||
        !opt_eq(a->address, b->address) ||
        !opt_eq(a->statement, b->statement) || !opt_eq(a->uri, b->uri) ||
        !opt_eq(a->version, b->version) || a->chain_id != b->chain_id ||
        !opt_eq(a->nonce, b->nonce) || !opt_eq(a->issued_at, b->issued_at) ||
        !opt_eq(a->expiration_time, b->expiration_time) ||
        !opt_eq(a->not_before, b->not_before) ||
        !opt_eq(a->request_id, b->request_id) ||
        a->n_resources != b->n_resources)
        return 0;
    for (i = 0; i < a->n_resources; i++)
        if (strcmp(a->resources[i], b->resources[i]) != 0)
            return 0;
    return 1;
}

/* 1 if text parses and writes back byte for byte. */
static int round_trips(const char *text, size_t len)
{
    lithsm_siwe_msg *m = NULL;
    char *back = NULL;
    int good;

    if (lithsm_siwe_parse(&m, text, len) != LITHSM_OK) {
        printf("# parse: %s\n", lithsm_last_error());
        return 0;
    }
    good = lithsm_siwe_to_text(&back, lithsm_siwe_msg_fields(m)) == LITHSM_OK &&
           strlen(back) == len && memcmp(back, text, len) == 0;
    lithsm_free(back);
    lithsm_siwe_msg_free(m);
    return good;
}

/* Parses text (as a buffer of exactly len bytes, no NUL after it, so an
 * over-read shows under valgrind) and returns the error code. */
static lithsm_err parse_err(const char *text, size_t len)
{
    lithsm_siwe_msg *m = NULL;
    char *copy = malloc(len ? len : 1);
    lithsm_err err;

    memcpy(copy, text, len);
    err = lithsm_siwe_parse(&m, copy, len);
    if ((err == LITHSM_OK) != (m != NULL))
        err = (lithsm_err)-1;
    lithsm_siwe_msg_free(m);
    free(copy);
    return err;
}

static lithsm_err parse_str(const char *text)
{
    return parse_err(text, strlen(text));
}

static int error_mentions(const char *word)
{
    return strstr(lithsm_last_error(), word) != NULL;
}

/* ------------------------------------------------------------------------
 * siwe.json
 */
static void test_format_case(json_object *vec)
{
    json_object *inputs, *expected, *fields_json, *parsed_json;
    const char *name = jstr(vec, "name"), *message;
    const char *res[MAX_RES], *res2[MAX_RES];
    lithsm_siwe f, want;
    lithsm_siwe_msg *m = NULL;
    char *text = NULL, what[256];
    lithsm_err err;

    json_object_object_get_ex(vec, "inputs", &inputs);
    json_object_object_get_ex(vec, "expected", &expected);
    json_object_object_get_ex(inputs, "fields", &fields_json);
    json_object_object_get_ex(expected, "parsed", &parsed_json);
    message = jstr(expected, "message");

    fields_from_json(&f, res, fields_json);
    err = lithsm_siwe_to_text(&text, &f);
    snprintf(what, sizeof(what), "%s: to_text succeeds", name);
    ok_int_eq(err, LITHSM_OK, what);
    snprintf(what, sizeof(what), "%s: to_text gives prepareMessage()", name);
    ok_str_eq(text, message, what);
    lithsm_free(text);

    err = lithsm_siwe_parse(&m, message, strlen(message));
    snprintf(what, sizeof(what), "%s: parse succeeds", name);
    ok_int_eq(err, LITHSM_OK, what);
    if (err != LITHSM_OK) {
        printf("# %s\n", lithsm_last_error());
        return;
    }
    fields_from_json(&want, res2, parsed_json);
    snprintf(what, sizeof(what), "%s: parsed fields equal the siwe parse",
             name);
    ok(fields_eq(lithsm_siwe_msg_fields(m), &want), what);
    lithsm_siwe_msg_free(m);

    snprintf(what, sizeof(what), "%s: round trip", name);
    ok(round_trips(message, strlen(message)), what);
}

static void test_reject_case(json_object *vec)
{
    json_object *inputs, *expected;
    const char *name = jstr(vec, "name"), *message, *reason;
    char what[256];

    json_object_object_get_ex(vec, "inputs", &inputs);
    json_object_object_get_ex(vec, "expected", &expected);
    message = jstr(inputs, "message");
    reason = jstr(expected, "reason");
    snprintf(what, sizeof(what), "%s: parse fails with LITHSM_ERR_PARSE", name);
    ok_int_eq(parse_str(message), LITHSM_ERR_PARSE, what);
    if (reason != NULL && strcmp(reason, "address_not_eip55") == 0) {
        snprintf(what, sizeof(what), "%s: the error names EIP-55", name);
        ok(error_mentions("EIP-55"), what);
    } else {
        snprintf(what, sizeof(what), "%s: the error names a SIWE line", name);
        ok(error_mentions("SIWE"), what);
    }
}

static void test_siwe_json(void)
{
    json_object *root = load_vectors("siwe.json"), *vecs;
    size_t i, n, formats = 0, rejects = 0;

    ok(root != NULL, "siwe.json loads");
    if (root == NULL)
        return;
    json_object_object_get_ex(root, "vectors", &vecs);
    n = json_object_array_length(vecs);
    for (i = 0; i < n; i++) {
        json_object *vec = json_object_array_get_idx(vecs, i);

        if (strncmp(jstr(vec, "name"), "reject_", 7) == 0) {
            test_reject_case(vec);
            rejects++;
        } else {
            test_format_case(vec);
            formats++;
        }
    }
    ok(formats >= 9 && rejects >= 5, "siwe.json has its format and reject "
                                     "cases");
    json_object_put(root);
}

/* ------------------------------------------------------------------------
 * Every SIWE text in every vector file, including those inside JSON strings
 * (AuthSig JSON, SessionSig signedMessage and its capabilities).
 */
static size_t siwe_found, siwe_good;

static void walk(json_object *o, int skip_rejects);

static void walk_string(const char *s, size_t len, int skip_rejects)
{
    json_object *inner;

    if (len > 0 && (s[0] == '{' || s[0] == '[')) {
        inner = json_tokener_parse(s);
        if (inner != NULL) {
            walk(inner, skip_rejects);
            json_object_put(inner);
        }
        return;
    }
    if (strstr(s, " wants you to sign in with your Ethereum account:\n") ==
        NULL)
        return;
    siwe_found++;
    if (round_trips(s, len))
        siwe_good++;
    else
        printf("# does not round-trip: %.80s...\n", s);
}

static void walk(json_object *o, int skip_rejects)
{
    size_t i, n;

    switch (json_object_get_type(o)) {
    case json_type_object: {
        const char *name = jstr(o, "name");

        if (skip_rejects && name != NULL && strncmp(name, "reject_", 7) == 0)
            return;
        json_object_object_foreach(o, key, val)
        {
            (void)key;
            walk(val, skip_rejects);
        }
        break;
    }
    case json_type_array:
        n = json_object_array_length(o);
        for (i = 0; i < n; i++)
            walk(json_object_array_get_idx(o, i), skip_rejects);
        break;
    case json_type_string:
        walk_string(json_object_get_string(o),
                    (size_t)json_object_get_string_len(o), skip_rejects);
        break;
    default:
        break;
    }
}

static void test_all_vector_siwes(void)
{
    static const char *const files[] = {
        "siwe.json",        "authsig.json", "delegation.json",
        "sessionsigs.json", "recap.json",   "verify-negative.json",
    };
    size_t i;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        json_object *root = load_vectors(files[i]);

        if (root == NULL)
            continue;
        /* Only siwe.json's reject_ cases hold malformed SIWEs; elsewhere a
         * rejected SessionSig still carries well-formed ones. */
        walk(root, strcmp(files[i], "siwe.json") == 0);
        json_object_put(root);
    }
    ok(siwe_found >= 100, "the vector files hold many SIWE texts");
    printf("# %zu SIWE texts found\n", siwe_found);
    ok_int_eq(siwe_good, siwe_found,
              "every vector SIWE parses and writes back identically");
}

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

static void test_parse_negatives(void)
{
    char *big, *crlf;
    size_t i, j, len;

    /* Size, bytes, encoding */
    len = 1024 * 1024 + 1;
    big = malloc(len);
    memset(big, 'a', len);
    ok_int_eq(parse_err(big, len), LITHSM_ERR_RANGE,
              "a message over 1 MiB fails with LITHSM_ERR_RANGE");
    free(big);
    ok_int_eq(parse_err("", 0), LITHSM_ERR_PARSE, "empty input fails");
    expect_bad("Sign in", "Sign \xff in", "UTF-8",
               "invalid UTF-8 in the statement fails");
    expect_bad("Sign in", "Sign \xc0\xaf in", "UTF-8",
               "an overlong UTF-8 sequence fails");
    expect_bad("Sign in", "Sign \xed\xa0\x80 in", "UTF-8",
               "a UTF-16 surrogate fails");
    expect_good("Sign in",
                "Gr\xc3\xbc\xc3\x9f"
                "e, sign in",
                "a non-ASCII UTF-8 statement parses and round-trips");
    expect_bad("Sign in", "Sign\tin", "control", "a tab fails");
    expect_bad("req-0001", "req\x7f", "control", "DEL fails");
    {
        char t[sizeof(FULL)];

        memcpy(t, FULL, sizeof(FULL));
        t[100] = '\0';
        ok_int_eq(parse_err(t, sizeof(FULL) - 1), LITHSM_ERR_PARSE,
                  "a NUL byte inside the text fails");
        ok(error_mentions("control"), "the NUL error names a control "
                                      "character");
    }
    len = strlen(FULL);
    crlf = malloc(2 * len + 1);
    for (i = j = 0; i < len; i++) {
        if (FULL[i] == '\n')
            crlf[j++] = '\r';
        crlf[j++] = FULL[i];
    }
    ok_int_eq(parse_err(crlf, j), LITHSM_ERR_PARSE, "CRLF line ends fail");
    free(crlf);
    expect_bad("Example.\n", "Example.\r\n", NULL,
               "a lone CR after the statement fails");

    /* Header */
    expect_bad("example.com wants", "example.com  wants", "line 1",
               "a doubled space in the header fails");
    expect_bad("example.com wants", "example.com/x wants", "line 1",
               "a path in the domain fails");
    expect_bad("example.com wants", " wants", "line 1",
               "an empty domain fails");
    expect_bad("example.com wants", "https:// wants", "line 1",
               "a scheme with an empty domain fails");
    expect_bad("account:\n", "account: \n", "line 1",
               "a space after the header fails");
    expect_good("example.com wants", "https://example.com:8443 wants",
                "a scheme and port parse and round-trip");
    expect_good("example.com wants", "user@[::1]:3000 wants",
                "userinfo and an IP literal parse");

    /* Address */
    expect_bad(ADDR, "0x5050a4f4b3f9338c3472dcc01a87c76a144b3c9c", "EIP-55",
               "an all-lowercase address fails");
    expect_bad(ADDR, "0x5050A4F4B3F9338C3472DCC01A87C76A144B3C9C", "EIP-55",
               "an all-uppercase address fails");
    expect_bad(ADDR, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9C", "EIP-55",
               "a wrong checksum letter fails");
    expect_bad(ADDR, "0X5050A4F4b3f9338C3472dcC01A87C76A144b3c9c", "line 2",
               "an upper-case 0X fails");
    expect_bad(ADDR, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9", "line 2",
               "39 hex digits fail");
    expect_bad(ADDR, ADDR "0", "line 2", "41 hex digits fail");
    expect_bad(ADDR, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9g", "line 2",
               "a non-hex digit fails");
    expect_bad(ADDR, " " ADDR, "line 2", "a space before the address fails");

    /* Blank lines and the statement */
    expect_bad(ADDR "\n\nSign in to Example.\n\n",
               ADDR "\nSign in to Example.\n\n", "line 3",
               "a missing empty line after the address fails");
    expect_bad("Example.\n\nURI", "Example.\nURI", "line 5",
               "a missing empty line after the statement fails");
    expect_bad("Example.\n\nURI", "Example.\nsecond line\n\nURI", "line 5",
               "a two-line statement fails");
    expect_bad(ADDR "\n\nSign in to Example.\n\n", ADDR "\n\n", "line 5",
               "no statement and only one empty line fails");
    expect_bad(ADDR "\n\nSign in to Example.\n\n", ADDR "\n\n\n\n", "URI",
               "three empty lines fail");
    expect_good(ADDR "\n\nSign in to Example.\n\n", ADDR "\n\n\n",
                "no statement with two empty lines parses");

    /* Tags */
    expect_bad("URI: https://example.com/login", "URI: example.com/login",
               "URI", "a URI without a scheme fails");
    expect_bad("URI: https://example.com/login", "URI: https://ex ample.com",
               "URI", "a URI with a space fails");
    expect_bad("URI: https://example.com/login", "URI: ", "URI",
               "an empty URI fails");
    expect_bad("URI: https://example.com/login", "URI: https://e.com/%zz",
               "URI", "a bad percent escape fails");
    expect_bad("URI: https://example.com/login", "URI: https://e.com/#a#b",
               "URI", "two fragments fail");
    expect_bad("URI: ", "URI:", "URI", "a tag without its space fails");
    expect_bad("URI: ", "Uri: ", "URI", "a tag in the wrong case fails");
    expect_bad("Version: 1", "Version: 2", "Version", "version 2 fails");
    expect_bad("Version: 1", "Version: 1.0", "Version", "version 1.0 fails");
    expect_bad("Version: 1", "Version: 01", "Version", "version 01 fails");
    expect_bad("Chain ID: 137", "Chain ID: 13a", "Chain ID",
               "a chain id with letters fails");
    expect_bad("Chain ID: 137", "Chain ID: +137", "Chain ID",
               "a chain id with a sign fails");
    expect_bad("Chain ID: 137", "Chain ID: 0137", "Chain ID",
               "a chain id with a leading zero fails");
    expect_bad("Chain ID: 137", "Chain ID: ", "Chain ID",
               "an empty chain id fails");
    expect_bad("Chain ID: 137", "Chain ID: -1", "Chain ID",
               "a negative chain id fails");
    expect_bad("Chain ID: 137", "Chain ID: 18446744073709551616", "Chain ID",
               "a chain id of 2^64 fails");
    expect_good("Chain ID: 137", "Chain ID: 18446744073709551615",
                "a chain id of 2^64 - 1 parses and round-trips");
    expect_good("Chain ID: 137", "Chain ID: 0", "chain id 0 parses");
    expect_bad("x7Kq9LmN2pR4", "x7Kq9Lm", "Nonce", "a 7-character nonce fails");
    expect_bad("x7Kq9LmN2pR4", "x7Kq-9LmN2pR4", "Nonce",
               "a nonce with '-' fails");
    expect_bad("x7Kq9LmN2pR4", "x7Kq9LmN2pR4 ", "Nonce",
               "a nonce with a trailing space fails");
    expect_good("x7Kq9LmN2pR4", "x7Kq9LmN", "an 8-character nonce parses");
    expect_bad("Issued At: 2024-05-20T08:30:00.000Z", "Issued At: yesterday",
               "Issued At", "a non-RFC 3339 Issued At fails");
    expect_bad("Issued At: 2024-05-20T08:30:00.000Z",
               "Issued At: 2024-13-20T08:30:00.000Z", "Issued At",
               "month 13 fails");
    expect_bad("Issued At: 2024-05-20T08:30:00.000Z",
               "Issued At: 2024-05-20T08:30:00.000", "Issued At",
               "an Issued At without a zone fails");
    expect_good("Issued At: 2024-05-20T08:30:00.000Z",
                "Issued At: 2024-05-20T10:30:00+02:00",
                "an Issued At with an offset parses and is kept verbatim");
    expect_bad("Expiration Time: 2024-05-21T08:30:00.000Z",
               "Expiration Time: soon", "Expiration Time",
               "a bad Expiration Time fails");
    expect_bad("Not Before: 2024-05-20T08:00:00.000Z", "Not Before: 0",
               "Not Before", "a bad Not Before fails");
    expect_bad("Request ID: req-0001", "Request ID: ", "Request ID",
               "an empty Request ID fails");
    expect_good("Request ID: req-0001", "Request ID: any text, even spaces",
                "a Request ID with spaces parses");

    /* Order, repetition, unknown content, the end */
    expect_bad("Version: 1\nChain ID: 137", "Chain ID: 137\nVersion: 1",
               "Version", "Chain ID before Version fails");
    expect_bad("Nonce: x7Kq9LmN2pR4\nIssued At: 2024-05-20T08:30:00.000Z",
               "Issued At: 2024-05-20T08:30:00.000Z\nNonce: x7Kq9LmN2pR4",
               "Nonce", "Issued At before Nonce fails");
    expect_bad("Expiration Time: 2024-05-21T08:30:00.000Z\n"
               "Not Before: 2024-05-20T08:00:00.000Z",
               "Not Before: 2024-05-20T08:00:00.000Z\n"
               "Expiration Time: 2024-05-21T08:30:00.000Z",
               "unexpected", "Not Before before Expiration Time fails");
    expect_bad("Request ID: req-0001",
               "Request ID: req-0001\nRequest ID: req-0002", "unexpected",
               "a repeated Request ID fails");
    expect_bad("Request ID: req-0001", "Request ID: req-0001\nFoo: bar",
               "unexpected", "an unknown tag fails");
    expect_bad("Request ID: req-0001", "Request ID: req-0001\n", "unexpected",
               "an empty line before Resources fails");
    expect_bad("Nonce: x7Kq9LmN2pR4\n", "Nonce: x7Kq9LmN2pR4\nFoo: bar\n",
               "Issued At", "an unknown tag before Issued At fails");
    expect_bad("\n- https://example.com/my-web2-claim.json",
               "\n- https://example.com/my-web2-claim.json\n", "newline",
               "a trailing newline after resources fails");
    expect_bad("\n- https://example.com/my-web2-claim.json",
               "\n- https://example.com/my-web2-claim.json\n\n", "line",
               "two trailing newlines fail");
    expect_bad("\n- https://example.com/my-web2-claim.json",
               "\n-https://example.com/my-web2-claim.json", "resource",
               "a resource without \"- \" fails");
    expect_bad("\n- https://example.com/my-web2-claim.json", "\n- not a uri",
               "resource", "a resource that is no URI fails");
    expect_bad("\n- https://example.com/my-web2-claim.json", "\n- ", "resource",
               "an empty resource fails");
    expect_bad("Resources:", "Resources: ", "unexpected",
               "\"Resources: \" with a space fails");
    {
        const char *t = BASE "\nResources:";
        const char *t2 = BASE "\n";

        ok_int_eq(parse_str(t), LITHSM_ERR_PARSE,
                  "Resources: with no resource fails");
        ok(error_mentions("no resource"), "the error says no resource");
        ok_int_eq(parse_str(t2), LITHSM_ERR_PARSE,
                  "a trailing newline after Issued At fails");
        ok(error_mentions("newline"), "the error says newline");
        ok(round_trips(BASE, strlen(BASE)), "the base message round-trips");
    }
    {
        const char *t = HDR ADDR "\n\nSign in to Example.\n\n"
                                 "URI: https://example.com/login\nVersion: 1"
                                 "\nChain ID: 1\nNonce: x7Kq9LmN2pR4";

        ok_int_eq(parse_str(t), LITHSM_ERR_PARSE, "no Issued At fails");
        ok_str_eq(lithsm_last_error(), "SIWE: missing Issued At",
                  "the error says Issued At is missing");
    }
}

/* ------------------------------------------------------------------------
 * Writer checks
 */
static void base_fields(lithsm_siwe *f)
{
    static const char *const res[] = { "urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ",
                                       "lit:capability:delegation" };

    memset(f, 0, sizeof(*f));
    f->domain = "localhost";
    f->address = "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1";
    f->statement = "Sign in.";
    f->uri = "lit:session:abc";
    f->version = "1";
    f->chain_id = 1;
    f->nonce = "0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac1";
    f->issued_at = "2024-06-01T12:00:00.000Z";
    f->expiration_time = "2024-06-02T12:00:00.000Z";
    f->resources = res;
    f->n_resources = 2;
}

static void writer_fails(const lithsm_siwe *f, const char *word,
                         const char *what)
{
    char *text = NULL, line[256];

    ok_int_eq(lithsm_siwe_to_text(&text, f), LITHSM_ERR_INVALID_ARG, what);
    ok(text == NULL, "no output on failure");
    snprintf(line, sizeof(line), "%s: the error names %s", what, word);
    if (!ok(error_mentions(word), line))
        printf("#   error: %s\n", lithsm_last_error());
}

static void test_writer(void)
{
    lithsm_siwe f;
    char *text = NULL;
    const char *bad_res[] = { "https://ok.example", "no scheme" };
    const char *nl_res[] = { "https://ok.example\n- https://evil.example" };

    base_fields(&f);
    ok_int_eq(lithsm_siwe_to_text(&text, &f), LITHSM_OK,
              "the base fields write");
    ok_str_eq(text,
              "localhost wants you to sign in with your Ethereum account:\n"
              "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1\n\nSign in.\n\n"
              "URI: lit:session:abc\nVersion: 1\nChain ID: 1\n"
              "Nonce: 0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac1"
              "\nIssued At: 2024-06-01T12:00:00.000Z\n"
              "Expiration Time: 2024-06-02T12:00:00.000Z\nResources:\n"
              "- urn:recap:eyJhdHQiOnt9LCJwcmYiOltdfQ\n"
              "- lit:capability:delegation",
              "the base fields give the expected text");
    ok(text != NULL && round_trips(text, strlen(text)),
       "the written text round-trips");
    lithsm_free(text);

    /* Empty optional strings are left out, as JS does with falsy values. */
    base_fields(&f);
    f.scheme = "";
    f.statement = "";
    f.expiration_time = "";
    f.not_before = "";
    f.request_id = "";
    f.n_resources = 0;
    ok_int_eq(lithsm_siwe_to_text(&text, &f), LITHSM_OK,
              "empty optional fields write");
    ok_str_eq(text,
              "localhost wants you to sign in with your Ethereum account:\n"
              "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1\n\n\n"
              "URI: lit:session:abc\nVersion: 1\nChain ID: 1\n"
              "Nonce: 0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac1"
              "\nIssued At: 2024-06-01T12:00:00.000Z",
              "empty optional fields and no resources are left out");
    lithsm_free(text);

    base_fields(&f);
    f.statement = "two\nlines";
    writer_fails(&f, "statement", "a statement with LF fails");
    base_fields(&f);
    f.statement = "cr\r";
    writer_fails(&f, "statement", "a statement with CR fails");
    base_fields(&f);
    f.statement = "bad \xff utf-8";
    writer_fails(&f, "statement", "a statement with invalid UTF-8 fails");
    base_fields(&f);
    f.domain = NULL;
    writer_fails(&f, "domain", "a missing domain fails");
    base_fields(&f);
    f.domain = "";
    writer_fails(&f, "domain", "an empty domain fails");
    base_fields(&f);
    f.domain = "local host";
    writer_fails(&f, "domain", "a domain with a space fails");
    base_fields(&f);
    f.domain = "localhost\n";
    writer_fails(&f, "domain", "a domain with LF fails");
    base_fields(&f);
    f.scheme = "ht tp";
    writer_fails(&f, "scheme", "a bad scheme fails");
    base_fields(&f);
    f.address = "0x1a642f0e3c3af545e7acbd38b07251b3990914f1";
    writer_fails(&f, "EIP-55", "a lowercase address fails");
    base_fields(&f);
    f.address = "0x1a642f";
    writer_fails(&f, "address", "a short address fails");
    base_fields(&f);
    f.address = NULL;
    writer_fails(&f, "address", "a missing address fails");
    base_fields(&f);
    f.uri = "example.com/login";
    writer_fails(&f, "uri", "a URI without a scheme fails");
    base_fields(&f);
    f.uri = NULL;
    writer_fails(&f, "uri", "a missing URI fails");
    base_fields(&f);
    f.version = "2";
    writer_fails(&f, "version", "version 2 fails");
    base_fields(&f);
    f.version = NULL;
    writer_fails(&f, "version", "a missing version fails");
    base_fields(&f);
    f.nonce = "abc1234";
    writer_fails(&f, "nonce", "a 7-character nonce fails");
    base_fields(&f);
    f.nonce = "abcd-1234";
    writer_fails(&f, "nonce", "a nonce with '-' fails");
    base_fields(&f);
    f.nonce = NULL;
    writer_fails(&f, "nonce", "a missing nonce fails");
    base_fields(&f);
    f.issued_at = "2024-06-01 12:00:00";
    writer_fails(&f, "issued_at", "a bad issued_at fails");
    base_fields(&f);
    f.issued_at = NULL;
    writer_fails(&f, "issued_at", "a missing issued_at fails");
    base_fields(&f);
    f.expiration_time = "tomorrow";
    writer_fails(&f, "expiration_time", "a bad expiration_time fails");
    base_fields(&f);
    f.not_before = "2024-02-30T00:00:00Z";
    writer_fails(&f, "not_before", "a bad not_before fails");
    base_fields(&f);
    f.request_id = "a\nb";
    writer_fails(&f, "request_id", "a request_id with LF fails");
    base_fields(&f);
    f.resources = bad_res;
    writer_fails(&f, "resource 1", "a resource without a scheme fails");
    base_fields(&f);
    f.resources = nl_res;
    f.n_resources = 1;
    writer_fails(&f, "resource 0", "a resource with LF fails");
    base_fields(&f);
    f.resources = NULL;
    writer_fails(&f, "resources", "NULL resources with a count fails");

    ok_int_eq(lithsm_siwe_to_text(NULL, &f), LITHSM_ERR_INVALID_ARG,
              "NULL out fails");
    ok_int_eq(lithsm_siwe_to_text(&text, NULL), LITHSM_ERR_INVALID_ARG,
              "NULL fields fail");
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
    test_siwe_json();
    test_all_vector_siwes();
    test_truncation();
    test_parse_negatives();
    test_writer();
    test_misuse();
    return tap_done();
}

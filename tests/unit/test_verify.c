/*
 * test_verify.c - the SessionSig verifier against the golden accept/reject
 * vectors, plus cases built here: the session body is re-signed with the
 * vectors' session seed (0x11 * 32) and capabilities with the vectors'
 * wallet (0x01 * 32) and capacity-owner (0x02 * 32) keys.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "util/util.h"
#include "lithsm.h"
#include "tap.h"

#define BASE_VECTOR "accept_valid_first_node"
#define NODE1 "https://node1.example:7470"
#define NOW "2024-06-01T12:05:00.000Z"
#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static json_object *vectors;  /* the whole verify-negative.json */
static EVP_PKEY *session_key; /* ed25519 from seed 0x11 * 32 */
static lithsm_signer *wallet; /* 0x01 * 32 */
static lithsm_signer *owner;  /* 0x02 * 32, the capacity owner */
static int64_t now_ms;
static lithsm_verify_result last;

static char *xstrdup(const char *s)
{
    char *d = lithsm_strdup(s);

    if (d == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(99);
    }
    return d;
}

static int64_t ms(const char *t)
{
    int64_t v = 0;

    if (lithsm_time_parse(&v, t) != LITHSM_OK) {
        fprintf(stderr, "bad time %s\n", t);
        exit(99);
    }
    return v;
}

static json_object *load_vectors(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    json_object *root;

    snprintf(path, sizeof(path), "%s/tests/vectors/verify-negative.json",
             top != NULL ? top : ".");
    root = json_object_from_file(path);
    if (root == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(99);
    }
    return root;
}

static json_object *vector(const char *name)
{
    json_object *list = json_object_object_get(vectors, "vectors");
    size_t i, n = json_object_array_length(list);

    for (i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(list, i);

        if (strcmp(json_object_get_string(json_object_object_get(v, "name")),
                   name) == 0)
            return v;
    }
    fprintf(stderr, "no vector %s\n", name);
    exit(99);
}

static json_object *vector_sessionsig(const char *name)
{
    return json_object_object_get(
        json_object_object_get(vector(name), "inputs"), "sessionSig");
}

/* Verifies and returns the reason word; the result stays in `last`. */
static const char *verify_len(const char *json, size_t len, const char *node,
                              int64_t now, int64_t grace)
{
    lithsm_err err;

    err = lithsm_verify_session_sig(&last, json, len, node, now, grace);
    if (err != LITHSM_OK) {
        printf("# verify failed: %s\n", lithsm_last_error());
        return "(error)";
    }
    printf("# %s: %s\n", last.word, last.detail);
    return last.word;
}

static const char *verify(const char *json, const char *node, int64_t now,
                          int64_t grace)
{
    return verify_len(json, strlen(json), node, now, grace);
}

/* ------------------------------------------------------------------------
 * Building SessionSigs
 */

/* The outer SessionSig over `msg`, signed with the session seed. */
static char *outer_for(const char *msg, size_t len, const char *addr)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    uint8_t sig[64];
    size_t sig_len = sizeof(sig);
    char hex[129], pub_hex[65];
    uint8_t pub[32];
    size_t pub_len = sizeof(pub);
    json_object *o = json_object_new_object();
    char *text;

    if (md == NULL || o == NULL ||
        EVP_DigestSignInit(md, NULL, NULL, NULL, session_key) != 1 ||
        EVP_DigestSign(md, sig, &sig_len, (const uint8_t *)msg, len) != 1 ||
        EVP_PKEY_get_raw_public_key(session_key, pub, &pub_len) != 1 ||
        lithsm_hex_encode(hex, sizeof(hex), sig, sizeof(sig)) != LITHSM_OK ||
        lithsm_hex_encode(pub_hex, sizeof(pub_hex), pub, sizeof(pub)) !=
            LITHSM_OK) {
        fprintf(stderr, "signing failed\n");
        exit(99);
    }
    EVP_MD_CTX_free(md);
    json_object_object_add(o, "sig", json_object_new_string(hex));
    json_object_object_add(o, "derivedVia",
                           json_object_new_string("litSessionSignViaNacl"));
    json_object_object_add(o, "signedMessage",
                           json_object_new_string_len(msg, (int)len));
    json_object_object_add(
        o, "address", json_object_new_string(addr != NULL ? addr : pub_hex));
    json_object_object_add(o, "algo", json_object_new_string("ed25519"));
    text = xstrdup(json_object_to_json_string_ext(o, JSON_FLAGS));
    json_object_put(o);
    return text;
}

static char *resign(json_object *body)
{
    const char *msg = json_object_to_json_string_ext(body, JSON_FLAGS);

    return outer_for(msg, strlen(msg), NULL);
}

/* A fresh copy of the base vector's signed body. */
static json_object *base_body(void)
{
    json_object *ss = vector_sessionsig(BASE_VECTOR);
    const char *msg =
        json_object_get_string(json_object_object_get(ss, "signedMessage"));
    json_object *body = json_tokener_parse(msg);

    if (body == NULL)
        exit(99);
    return body;
}

static void set_str(json_object *obj, const char *key, const char *val)
{
    json_object_object_add(obj, key, json_object_new_string(val));
}

static json_object *cap(json_object *body, size_t i)
{
    return json_object_array_get_idx(
        json_object_object_get(body, "capabilities"), i);
}

static const char *cap_msg(json_object *body, size_t i)
{
    return json_object_get_string(
        json_object_object_get(cap(body, i), "signedMessage"));
}

/* `s` with the first `from` replaced by `to`; caller frees. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    size_t a, f = strlen(from), t = strlen(to), n = strlen(s);
    char *out;

    if (at == NULL) {
        fprintf(stderr, "replace: \"%s\" not found\n", from);
        exit(99);
    }
    a = (size_t)(at - s);
    out = malloc(n - f + t + 1);
    if (out == NULL)
        exit(99);
    memcpy(out, s, a);
    memcpy(out + a, to, t);
    memcpy(out + a + t, at + f, n - a - f + 1);
    return out;
}

/* Sets capability i's SIWE to `siwe` and signs it with `signer`; `v_adjust`
 * is subtracted from v, `prefix` is put before the hex. */
static void cap_sign(json_object *body, size_t i, lithsm_signer *signer,
                     const char *siwe, int v_adjust, const char *prefix)
{
    uint8_t hash[32];
    lithsm_eth_sig sig;
    char hex[2 * LITHSM_ETH_SIG_LEN + 1], text[2 * LITHSM_ETH_SIG_LEN + 3];

    lithsm_eip191_hash(hash, (const uint8_t *)siwe, strlen(siwe));
    if (lithsm_signer_sign_digest(&sig, signer, hash) != LITHSM_OK)
        exit(99);
    sig.bytes[64] = (uint8_t)(sig.bytes[64] - v_adjust);
    if (lithsm_hex_encode(hex, sizeof(hex), sig.bytes, sizeof(sig.bytes)) !=
        LITHSM_OK)
        exit(99);
    snprintf(text, sizeof(text), "%s%s", prefix, hex);
    set_str(cap(body, i), "signedMessage", siwe);
    set_str(cap(body, i), "sig", text);
}

/* Re-signs the body and verifies it at NOW on NODE1. */
static const char *check_body(json_object *body, int64_t grace)
{
    char *text = resign(body);
    const char *word = verify(text, NODE1, now_ms, grace);

    free(text);
    return word;
}

/* ------------------------------------------------------------------------
 * Tests
 */
static void test_vectors(void)
{
    json_object *list = json_object_object_get(vectors, "vectors");
    size_t i, n = json_object_array_length(list);
    char what[256];

    ok(n >= 27, "verify-negative.json has its vectors");
    for (i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(list, i);
        json_object *in = json_object_object_get(v, "inputs");
        json_object *exp = json_object_object_get(v, "expected");
        const char *name =
            json_object_get_string(json_object_object_get(v, "name"));
        const char *reason =
            json_object_get_string(json_object_object_get(exp, "reason"));
        const char *verdict =
            json_object_get_string(json_object_object_get(exp, "verdict"));
        const char *text = json_object_to_json_string_ext(
            json_object_object_get(in, "sessionSig"), JSON_FLAGS);
        const char *node =
            json_object_get_string(json_object_object_get(in, "node_url"));
        int64_t now =
            ms(json_object_get_string(json_object_object_get(in, "now")));

        snprintf(what, sizeof(what), "vector %s: %s", name, reason);
        ok_str_eq(verify(text, node, now, 0), reason, what);
        snprintf(what, sizeof(what), "vector %s: verdict %s, node answer", name,
                 verdict);
        if (strcmp(verdict, "accept") == 0)
            ok(last.reason == LITHSM_VERIFY_OK && last.node_error == NULL &&
                   last.http_status == 200,
               what);
        else
            ok(last.reason != LITHSM_VERIFY_OK && last.node_error != NULL &&
                   last.http_status >= 400 && last.detail[0] != '\0',
               what);
    }
}

static void test_grace(void)
{
    json_object *in =
        json_object_object_get(vector("reject_session_expired"), "inputs");
    const char *text = json_object_to_json_string_ext(
        json_object_object_get(in, "sessionSig"), JSON_FLAGS);
    int64_t now = ms(json_object_get_string(json_object_object_get(in, "now")));
    const char *word;

    ok_str_eq(verify(text, NODE1, now, 0), "session_expired",
              "1 ms late, no grace: session_expired");
    word = verify(text, NODE1, now, 60000);
    ok(strcmp(word, "session_expired") != 0,
       "1 ms late, 60 s grace: no longer session_expired");
    /* The wallet SIWE expires with the session and has no grace. */
    ok_str_eq(word, "authsig_expired",
              "1 ms late, 60 s grace: the wallet AuthSig has no grace");
    ok_str_eq(verify(text, NODE1, now + 60000, 60000), "session_expired",
              "past the grace too: session_expired");
    ok_str_eq(verify(text, NODE1, now - 1, 0), "session_expired",
              "at the expiration instant: session_expired");
    ok_str_eq(verify(text, NODE1, now - 2, 0), "ok",
              "1 ms before the expiration: ok");
}

static void test_outer_shape(void)
{
    json_object *ss = vector_sessionsig(BASE_VECTOR);
    json_object *o;
    const char *good_sig =
        json_object_get_string(json_object_object_get(ss, "sig"));
    const char *addr =
        json_object_get_string(json_object_object_get(ss, "address"));
    char buf[512], *t;
    size_t i;
    static const char *const garbage[] = {
        "",
        "{",
        "not json",
        "[]",
        "null",
        "42",
        "\"str\"",
        "{}",
        "{\"sig\":1}",
        "{\"sig\":\"a\",\"derivedVia\":\"b\"}",
        ("{\"sig\":\"00\",\"derivedVia\":\"litSessionSignViaNacl\","
         "\"signedMessage\":{},\"address\":\"00\",\"algo\":\"ed25519\"}"),
        "{\"a\":1} trailing",
        "{\"a\":\"\xff\"}",
    };

    for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        snprintf(buf, sizeof(buf), "garbage %zu is malformed", i);
        ok_str_eq(verify(garbage[i], NODE1, now_ms, 0), "malformed", buf);
    }
    ok_int_eq(last.http_status, 400, "malformed: HTTP 400");

    /* Embedded NUL in the text. */
    ok_str_eq(verify_len("{}\0{}", 5, NODE1, now_ms, 0), "malformed",
              "NUL inside the JSON text: malformed");

    /* algo and derivedVia */
    o = json_tokener_parse(json_object_to_json_string(ss));
    set_str(o, "algo", "LIT_BLS");
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "unsupported_algo", "algo LIT_BLS: unsupported_algo");
    ok_int_eq(last.http_status, 401, "unsupported_algo: HTTP 401");
    json_object_object_add(o, "algo", NULL);
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "unsupported_algo", "algo null: unsupported_algo");
    set_str(o, "algo", "ed25519");
    set_str(o, "derivedVia", "web3.eth.personal.sign");
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "unsupported_algo", "derivedVia of a wallet: unsupported_algo");
    set_str(o, "derivedVia", "litSessionSignViaNacl");
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "ok", "restored: ok");
    json_object_object_del(o, "derivedVia");
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "malformed", "derivedVia missing: malformed");
    json_object_put(o);

    /* sig forms */
    o = json_tokener_parse(json_object_to_json_string(ss));
    for (i = 0; i < 4; i++) {
        static const char *const what[] = { "sig not hex", "sig of 127 digits",
                                            "sig with 0x",
                                            "sig of mixed case" };
        snprintf(buf, sizeof(buf), "%s", good_sig);
        if (i == 0)
            buf[10] = 'g';
        else if (i == 1)
            buf[127] = '\0';
        else if (i == 2)
            snprintf(buf, sizeof(buf), "0x%s", good_sig);
        else
            buf[strcspn(buf, "abcdef")] ^= 0x20;
        set_str(o, "sig", buf);
        ok_str_eq(verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1,
                         now_ms, 0),
                  "session_signature_invalid", what[i]);
    }
    for (i = 0; good_sig[i] != '\0'; i++)
        buf[i] =
            (char)(good_sig[i] >= 'a' && good_sig[i] <= 'f' ? good_sig[i] - 0x20
                                                            : good_sig[i]);
    buf[i] = '\0';
    set_str(o, "sig", buf);
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "ok", "uppercase sig of a good signature: ok");
    set_str(o, "sig", good_sig);

    /* address forms */
    snprintf(buf, sizeof(buf), "0x%s", addr);
    set_str(o, "address", buf);
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "session_key_mismatch",
        "address with 0x: the signature verifies, sessionKey differs");
    for (i = 0; addr[i] != '\0'; i++)
        buf[i] =
            (char)(addr[i] >= 'a' && addr[i] <= 'f' ? addr[i] - 0x20 : addr[i]);
    buf[i] = '\0';
    set_str(o, "address", buf);
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "session_key_mismatch",
        "address in uppercase: the signature verifies, sessionKey "
        "differs");
    set_str(o, "address", "d04ab2");
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "session_signature_invalid", "address of 3 bytes");
    set_str(o, "address",
            "0000000000000000000000000000000000000000000000000000000000000000");
    ok_str_eq(
        verify(json_object_to_json_string_ext(o, JSON_FLAGS), NODE1, now_ms, 0),
        "session_signature_invalid", "small-order public key");
    set_str(o, "address", addr);
    t = xstrdup(json_object_to_json_string_ext(o, JSON_FLAGS));
    ok_str_eq(verify(t, NODE1, now_ms, 0), "ok", "restored again: ok");
    free(t);
    json_object_put(o);
}

static void test_session_key(void)
{
    uint8_t pub[32];
    size_t len = sizeof(pub);
    char hex[65];
    json_object *body;

    ok(EVP_PKEY_get_raw_public_key(session_key, pub, &len) == 1 &&
           lithsm_hex_encode(hex, sizeof(hex), pub, sizeof(pub)) == LITHSM_OK,
       "session public key");
    body = base_body();
    ok_str_eq(
        hex, json_object_get_string(json_object_object_get(body, "sessionKey")),
        "seed 0x11 * 32 is the vectors' session key");
    ok_str_eq(check_body(body, 0), "ok", "re-signed base body: ok");
    json_object_put(body);
}

static void test_body(void)
{
    json_object *body;
    char *t;
    const char *msg;

    /* Extra fields are tolerated. */
    body = base_body();
    set_str(body, "extra", "field");
    json_object_object_add(body, "more", json_object_new_int(7));
    ok_str_eq(check_body(body, 0), "ok", "extra signedMessage fields: ok");
    json_object_put(body);

    body = base_body();
    json_object_object_del(body, "expiration");
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "expiration missing");
    ok_int_eq(last.http_status, 400, "signed_message_malformed: HTTP 400");
    json_object_put(body);

    body = base_body();
    json_object_object_add(body, "issuedAt", json_object_new_int(5));
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "issuedAt a number");
    json_object_put(body);

    body = base_body();
    set_str(body, "issuedAt", "yesterday");
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "issuedAt not a time");
    json_object_put(body);

    body = base_body();
    set_str(body, "expiration", "2024-06-02 12:00");
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "expiration not a time");
    json_object_put(body);

    body = base_body();
    json_object_object_add(body, "capabilities", json_object_new_object());
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "capabilities an object");
    json_object_put(body);

    body = base_body();
    json_object_object_add(body, "resourceAbilityRequests", NULL);
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "resourceAbilityRequests null");
    json_object_put(body);

    body = base_body();
    json_object_array_add(
        json_object_object_get(body, "resourceAbilityRequests"),
        json_object_new_string("lit-pkp://*"));
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "a request that is a string");
    json_object_put(body);

    body = base_body();
    json_object_object_del(
        json_object_object_get(
            json_object_array_get_idx(
                json_object_object_get(body, "resourceAbilityRequests"), 0),
            "resource"),
        "resourcePrefix");
    ok_str_eq(check_body(body, 0), "signed_message_malformed",
              "a request without resourcePrefix");
    json_object_put(body);

    /* The signed text is a JSON array, or holds a NUL. */
    t = outer_for("[1,2]", 5, NULL);
    ok_str_eq(verify(t, NODE1, now_ms, 0), "signed_message_malformed",
              "signedMessage an array");
    free(t);
    /* The outer JSON already refuses the escaped NUL (json-c would cut
     * strings and keys at it), so the SessionSig itself is malformed. */
    t = outer_for("{\"a\":1}\0x", 9, NULL);
    ok_str_eq(verify(t, NODE1, now_ms, 0), "malformed",
              "signedMessage with a NUL byte");
    free(t);
    body = base_body();
    set_str(body, "nodeAddress", "x");
    msg = json_object_to_json_string_ext(body, JSON_FLAGS);
    t = replace(msg, "\"nodeAddress\":\"x\"",
                "\"nodeAddress\":\"https://node1.example:7470\\u0000\"");
    {
        char *o = outer_for(t, strlen(t), NULL);

        ok_str_eq(verify(o, NODE1, now_ms, 0), "signed_message_malformed",
                  "nodeAddress with an escaped NUL");
        free(o);
    }
    free(t);
    json_object_put(body);

    /* sessionKey must be the signing key, as a string. */
    body = base_body();
    set_str(body, "sessionKey",
            "D04AB232742BB4AB3A1368BD4615E4E6D0224AB71A016BAF8520A332C9778737");
    ok_str_eq(check_body(body, 0), "session_key_mismatch",
              "sessionKey in uppercase");
    ok_int_eq(last.http_status, 400, "session_key_mismatch: HTTP 400");
    json_object_put(body);
}

static void test_node_address(void)
{
    static const struct {
        const char *signed_addr, *node_url, *word;
    } cases[] = {
        { "https://localhost:7470", "https://127.0.0.1:7470", "ok" },
        { "https://127.0.0.1:7470", "https://localhost:7470", "ok" },
        { "http://127.0.0.1:7470", "https://127.0.0.1:7470", "ok" },
        { " https://127.0.0.1:7470\n", "https://127.0.0.1:7470", "ok" },
        { "127.0.0.1:7470", "https://127.0.0.1:7470", "ok" },
        { "https://127.0.0.1:7470/", "https://127.0.0.1:7470",
          "node_address_mismatch" },
        { "https://127.0.0.1:7471", "https://127.0.0.1:7470",
          "node_address_mismatch" },
        { "https://localhost.evil:7470", "https://127.0.0.1:7470",
          "node_address_mismatch" },
        { "", "https://127.0.0.1:7470", "node_address_mismatch" },
        { "https://NODE1.example:7470", NODE1, "node_address_mismatch" },
    };
    size_t i;
    char what[256];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *body = base_body();
        char *t;

        set_str(body, "nodeAddress", cases[i].signed_addr);
        t = resign(body);
        snprintf(what, sizeof(what), "nodeAddress \"%s\" at %s: %s",
                 cases[i].signed_addr, cases[i].node_url, cases[i].word);
        ok_str_eq(verify(t, cases[i].node_url, now_ms, 0), cases[i].word, what);
        free(t);
        json_object_put(body);
    }
    ok_int_eq(last.http_status, 403, "node_address_mismatch: HTTP 403");
    ok_str_eq(last.node_error, "NodeNotAuthorized",
              "node_address_mismatch: NodeNotAuthorized");
}

static void test_times(void)
{
    static const struct {
        const char *iat, *exp;
        int64_t grace;
        const char *word, *what;
    } cases[] = {
        { "2024-06-01T12:07:00.000Z", "2024-06-02T12:00:00.000Z", 0,
          "session_not_yet_valid", "issuedAt 2 min ahead" },
        { "2024-06-01T12:05:00.001Z", "2024-06-02T12:00:00.000Z", 0,
          "session_not_yet_valid", "issuedAt 1 ms ahead" },
        { "2024-06-01T12:05:00.000Z", "2024-06-02T12:00:00.000Z", 0, "ok",
          "issuedAt = now" },
        { "2024-06-01T12:05:30.000Z", "2024-06-02T12:00:00.000Z", 60000, "ok",
          "issuedAt 30 s ahead, 60 s grace" },
        { "2024-06-01T12:06:00.001Z", "2024-06-02T12:00:00.000Z", 60000,
          "session_not_yet_valid", "issuedAt beyond the grace" },
        { "2024-06-01T12:00:00.000Z", "2024-07-01T12:00:00.000Z", 0, "ok",
          "exactly 30 days" },
        { "2024-06-01T12:00:00.000Z", "2024-07-01T12:00:00.001Z", 0,
          "session_too_long", "30 days + 1 ms" },
        { "2024-06-01T12:00:00.000Z", "2024-07-02T12:00:00.000Z", 0,
          "session_too_long", "31 days" },
        { "2024-06-01T12:05:30.000Z", "2024-06-01T12:05:10.000Z", 60000,
          "session_too_long", "expiration before issuedAt" },
        { "2024-06-01T12:00:00.000Z", "2024-06-01T12:04:59.999Z", 0,
          "session_expired", "expired 1 ms ago" },
        { "2024-06-01T12:00:00.000Z", "2024-06-01T12:04:30.000Z", 60000, "ok",
          "expired 30 s ago, 60 s grace" },
        { "2024-06-01T12:00:00.000Z", "2024-06-01T12:04:00.000Z", 60000,
          "session_expired", "expired 60 s ago, 60 s grace" },
        { "2024-06-01T14:00:00.000+02:00", "2024-06-02T12:00:00Z", 0, "ok",
          "offset and short forms" },
    };
    size_t i;
    char what[256];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *body = base_body();

        set_str(body, "issuedAt", cases[i].iat);
        set_str(body, "expiration", cases[i].exp);
        snprintf(what, sizeof(what), "%s: %s", cases[i].what, cases[i].word);
        ok_str_eq(check_body(body, cases[i].grace), cases[i].word, what);
        json_object_put(body);
    }
}

static void test_capabilities(void)
{
    json_object *body, *caps, *c;
    char *siwe;

    body = base_body();
    json_object_object_add(body, "capabilities", json_object_new_array());
    ok_str_eq(check_body(body, 0), "capabilities_missing", "no capabilities");
    ok_str_eq(last.node_error, "NodeSIWECapabilityInvalid",
              "capabilities_missing: NodeSIWECapabilityInvalid");
    json_object_put(body);

    body = base_body();
    json_object_array_put_idx(json_object_object_get(body, "capabilities"), 0,
                              json_object_new_int(42));
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a capability that is a number");
    json_object_put(body);

    body = base_body();
    json_object_object_del(cap(body, 1), "address");
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a capability without address");
    json_object_put(body);

    body = base_body();
    set_str(cap(body, 0), "signedMessage", "hello");
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a capability whose SIWE does not parse");
    json_object_put(body);

    /* A wallet SIWE whose address is not EIP-55 fails the strict parse. */
    body = base_body();
    siwe =
        replace(cap_msg(body, 1), "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1",
                "0x1a642f0e3c3af545e7acbd38b07251b3990914f1");
    cap_sign(body, 1, wallet, siwe, 0, "0x");
    ok_str_eq(check_body(body, 0), "capability_malformed",
              "a wallet SIWE with a lowercase address");
    free(siwe);
    json_object_put(body);

    /* Signature forms the node accepts. */
    body = base_body();
    cap_sign(body, 1, wallet, cap_msg(body, 1), 0, "");
    ok_str_eq(check_body(body, 0), "ok", "wallet sig without 0x: ok");
    cap_sign(body, 1, wallet, cap_msg(body, 1), 27, "0x");
    ok_str_eq(check_body(body, 0), "ok", "wallet sig with v = 0/1: ok");
    set_str(cap(body, 1), "address",
            "0x1a642f0e3c3af545e7acbd38b07251b3990914f1");
    ok_str_eq(check_body(body, 0), "ok", "address field in lowercase: ok");
    set_str(cap(body, 1), "address",
            "0x1a642f0e3c3af545e7acbd38b07251b3990914f");
    ok_str_eq(check_body(body, 0), "authsig_address_mismatch",
              "address field of 39 digits");
    set_str(cap(body, 1), "address",
            "0x1A642f0E3c3aF545E7AcBD38b07251B3990914F1");
    ok_str_eq(check_body(body, 0), "authsig_address_mismatch",
              "address field with a wrong checksum");
    set_str(cap(body, 1), "sig", "0x1234");
    ok_str_eq(check_body(body, 0), "authsig_signature_invalid",
              "wallet sig of 2 bytes");
    ok_int_eq(last.http_status, 404, "authsig_signature_invalid: HTTP 404");
    json_object_put(body);

    /* Signed by the wrong key. */
    body = base_body();
    cap_sign(body, 1, owner, cap_msg(body, 1), 0, "0x");
    ok_str_eq(check_body(body, 0), "authsig_signature_invalid",
              "wallet SIWE signed by another key");
    json_object_put(body);

    /* Not Before in the future, for each role. */
    body = base_body();
    siwe = replace(cap_msg(body, 1), "\nResources:",
                   "\nNot Before: 2024-06-01T12:10:00.000Z\nResources:");
    cap_sign(body, 1, wallet, siwe, 0, "0x");
    ok_str_eq(check_body(body, 0), "authsig_not_yet_valid",
              "wallet SIWE Not Before ahead");
    free(siwe);
    siwe = replace(cap_msg(body, 1), "12:10:00.000Z", "12:05:00.000Z");
    cap_sign(body, 1, wallet, siwe, 0, "0x");
    ok_str_eq(check_body(body, 0), "ok", "wallet SIWE Not Before = now: ok");
    free(siwe);
    json_object_put(body);

    body = base_body();
    siwe = replace(cap_msg(body, 0), "\nResources:",
                   "\nNot Before: 2024-06-01T12:10:00.000Z\nResources:");
    cap_sign(body, 0, owner, siwe, 0, "0x");
    ok_str_eq(check_body(body, 0), "delegation_not_yet_valid",
              "delegation Not Before ahead");
    ok_int_eq(last.http_status, 400, "delegation_not_yet_valid: HTTP 400");
    free(siwe);
    json_object_put(body);

    /* Delegation address field names another valid account. */
    body = base_body();
    set_str(cap(body, 0), "address",
            "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1");
    ok_str_eq(check_body(body, 0), "delegation_address_mismatch",
              "delegation address field of another account");
    json_object_put(body);

    /* Capability at the exact expiration instant is expired. */
    body = base_body();
    siwe = replace(cap_msg(body, 1), "Expiration Time: 2024-06-02T12:00:00",
                   "Expiration Time: 2024-06-01T12:05:00");
    cap_sign(body, 1, wallet, siwe, 0, "0x");
    ok_str_eq(check_body(body, 0), "authsig_expired",
              "wallet SIWE expiring exactly now");
    ok_str_eq(check_body(body, 600000), "authsig_expired",
              "grace does not apply to capabilities");
    free(siwe);
    json_object_put(body);

    /* The wallet AuthSig must be last. */
    body = base_body();
    caps = json_object_object_get(body, "capabilities");
    c = json_object_get(json_object_array_get_idx(caps, 0));
    json_object_array_del_idx(caps, 0, 1);
    json_object_array_add(caps, c);
    ok_str_eq(check_body(body, 0), "session_uri_mismatch",
              "delegation last: session_uri_mismatch");
    json_object_array_del_idx(caps, 1, 1);
    ok_str_eq(check_body(body, 0), "ok", "wallet AuthSig alone: ok");
    json_object_array_add(caps,
                          json_object_get(json_object_array_get_idx(caps, 0)));
    ok_str_eq(check_body(body, 0), "ok", "wallet AuthSig twice: ok");
    json_object_put(body);

    /* A wallet SIWE with a second resource after the ReCap is still read
     * from resources[0]. */
    body = base_body();
    siwe = xstrdup(cap_msg(body, 1));
    {
        char *more = malloc(strlen(siwe) + 64);

        if (more == NULL)
            exit(99);
        snprintf(more, strlen(siwe) + 64, "%s\n- https://example.com/x", siwe);
        cap_sign(body, 1, wallet, more, 0, "0x");
        ok_str_eq(check_body(body, 0), "ok",
                  "wallet SIWE with a second resource: ok");
        free(more);
    }
    free(siwe);
    json_object_put(body);

    /* An unknown ability is not covered. */
    body = base_body();
    set_str(json_object_array_get_idx(
                json_object_object_get(body, "resourceAbilityRequests"), 0),
            "ability", "teleportation");
    ok_str_eq(check_body(body, 0), "resource_not_covered",
              "unknown ability: resource_not_covered");
    json_object_put(body);

    /* No requests at all: nothing to cover. */
    body = base_body();
    json_object_object_add(body, "resourceAbilityRequests",
                           json_object_new_array());
    ok_str_eq(check_body(body, 0), "ok", "no resource requests: ok");
    json_object_put(body);
}

/* A delegation SIWE with its ReCap replaced by `recap_json`. */
static void set_delegation_recap(json_object *body, const char *recap_json)
{
    const char *msg = cap_msg(body, 0);
    const char *at = strstr(msg, "- urn:recap:");
    char *b64 = NULL, *siwe;
    size_t n;

    if (at == NULL || lithsm_base64url_encode(&b64, (const uint8_t *)recap_json,
                                              strlen(recap_json)) != LITHSM_OK)
        exit(99);
    n = (size_t)(at - msg) + strlen("- urn:recap:") + strlen(b64) + 1;
    siwe = malloc(n);
    if (siwe == NULL)
        exit(99);
    snprintf(siwe, n, "%.*s- urn:recap:%s", (int)(at - msg), msg, b64);
    cap_sign(body, 0, owner, siwe, 0, "0x");
    free(siwe);
    lithsm_free(b64);
}

static void test_delegations(void)
{
    static const struct {
        const char *recap, *word, *what;
    } cases[] = {
        { "{\"att\":{\"lit-ratelimitincrease://*\":{\"Auth/Auth\":[{}]}},"
          "\"prf\":[]}",
          "ok", "no delegate_to: anyone" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[]}]}},\"prf\":[]}",
          "delegatee_not_authorized", "delegate_to []: nobody" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[\"1A642F0E3C3AF545E7ACBD38B07251B3990914F1\"]}]}},"
          "\"prf\":[]}",
          "ok", "delegate_to in uppercase" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[\"0x1a642f0e3c3af545e7acbd38b07251b3990914f1\"]}]}}"
          ","
          "\"prf\":[]}",
          "delegatee_not_authorized",
          "delegate_to with 0x (node compares "
          "bare hex)" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":\"1a642f0e3c3af545e7acbd38b07251b3990914f1\"}]}},"
          "\"prf\":[]}",
          "delegatee_not_authorized", "delegate_to a string" },
        { "{\"att\":{\"lit-ratelimitincrease://1\":{\"Auth/Auth\":[{"
          "\"delegate_to\":[\"3325a78425F17a7E487Eb5666b2bFd93aBb06c70\"]},{"
          "\"delegate_to\":[\"1a642f0E3c3aF545E7AcBD38b07251B3990914F1\"]}]}},"
          "\"prf\":[]}",
          "ok", "the second nota bene lists the wallet" },
        { "{\"att\":{\"lit-pkp://*\":{\"Auth/Auth\":[{\"delegate_to\":[]}]}},"
          "\"prf\":[]}",
          "ok", "restrictions on another resource do not count" },
    };
    size_t i;
    char what[256];

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *body = base_body();

        set_delegation_recap(body, cases[i].recap);
        snprintf(what, sizeof(what), "delegation %s: %s", cases[i].what,
                 cases[i].word);
        ok_str_eq(check_body(body, 0), cases[i].word, what);
        json_object_put(body);
    }
    ok_int_eq(last.http_status, 200, "accepted: HTTP 200");
    {
        json_object *body = base_body();

        set_delegation_recap(body, cases[1].recap);
        check_body(body, 0);
        ok_int_eq(last.http_status, 402, "delegatee_not_authorized: 402");
        ok_str_eq(last.node_error, "rate_limit_exceeded",
                  "delegatee_not_authorized: rate_limit_exceeded");
        json_object_put(body);
    }
}

static void test_words_and_misuse(void)
{
    lithsm_verify_result r;
    const char *text;
    int i, j, distinct = 1, all = 1;

    for (i = 0; i <= LITHSM_VERIFY_DELEGATEE_NOT_AUTHORIZED; i++) {
        const char *w = lithsm_verify_reason_word((lithsm_verify_reason)i);

        if (w == NULL || strcmp(w, "unknown") == 0)
            all = 0;
        for (j = 0; j < i; j++)
            if (strcmp(w, lithsm_verify_reason_word((lithsm_verify_reason)j)) ==
                0)
                distinct = 0;
    }
    ok(all, "every reason has a word");
    ok(distinct, "reason words are distinct");
    ok_str_eq(lithsm_verify_reason_word(LITHSM_VERIFY_OK), "ok", "word ok");
    ok_str_eq(lithsm_verify_reason_word((lithsm_verify_reason)999), "unknown",
              "word of an unknown reason");
    ok_str_eq(lithsm_verify_reason_word((lithsm_verify_reason)-1), "unknown",
              "word of a negative reason");

    text = json_object_to_json_string_ext(vector_sessionsig(BASE_VECTOR),
                                          JSON_FLAGS);
    ok_int_eq(
        lithsm_verify_session_sig(NULL, text, strlen(text), NODE1, now_ms, 0),
        LITHSM_ERR_INVALID_ARG, "NULL result");
    ok_int_eq(lithsm_verify_session_sig(&r, NULL, 0, NODE1, now_ms, 0),
              LITHSM_ERR_INVALID_ARG, "NULL SessionSig");
    ok(r.reason != LITHSM_VERIFY_OK, "after misuse the result is not ok");
    ok_int_eq(
        lithsm_verify_session_sig(&r, text, strlen(text), NULL, now_ms, 0),
        LITHSM_ERR_INVALID_ARG, "NULL node URL");
    ok_int_eq(
        lithsm_verify_session_sig(&r, text, strlen(text), NODE1, now_ms, -1),
        LITHSM_ERR_INVALID_ARG, "negative grace");
    ok_int_eq(lithsm_verify_session_sig(&r, text, strlen(text), NODE1,
                                        INT64_MAX, INT64_MAX),
              LITHSM_OK, "extreme times: a verdict");
    ok_str_eq(r.word, "session_expired", "now = INT64_MAX: expired");
    ok_int_eq(lithsm_verify_session_sig(&r, text, strlen(text), NODE1,
                                        INT64_MAX - 1, INT64_MAX),
              LITHSM_OK, "far future, huge grace: a verdict");
    ok_str_eq(r.word, "delegation_expired",
              "far future, huge grace: the capabilities have no grace");
    ok_int_eq(lithsm_verify_session_sig(&r, text, strlen(text), NODE1,
                                        INT64_MIN, INT64_MAX),
              LITHSM_OK, "extreme past: a verdict");
    ok_str_eq(r.word, "session_not_yet_valid",
              "extreme past with huge grace: no overflow");
    /* Truncations of a valid SessionSig never crash and never pass. */
    {
        size_t n = strlen(text), k, bad = 0;

        for (k = 0; k < n; k += 97) {
            if (lithsm_verify_session_sig(&r, text, k, NODE1, now_ms, 0) !=
                    LITHSM_OK ||
                r.reason != LITHSM_VERIFY_MALFORMED)
                bad++;
        }
        ok_int_eq(bad, 0, "every truncation is malformed");
    }
}

int main(void)
{
    static const uint8_t seed[32] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11 };
    uint8_t secret[32];
    lithsm_eth_address a;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];

    vectors = load_vectors();
    now_ms = ms(NOW);
    session_key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
                                               sizeof(seed));
    memset(secret, 0x01, sizeof(secret));
    if (lithsm_signer_from_secret(&wallet, secret) != LITHSM_OK)
        return 99;
    memset(secret, 0x02, sizeof(secret));
    if (lithsm_signer_from_secret(&owner, secret) != LITHSM_OK)
        return 99;
    if (session_key == NULL)
        return 99;
    lithsm_signer_address(&a, wallet);
    lithsm_eth_address_to_text(text, &a);
    ok_str_eq(text, "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1",
              "wallet key 0x01 * 32");
    lithsm_signer_address(&a, owner);
    lithsm_eth_address_to_text(text, &a);
    ok_str_eq(text, "0x5050A4F4b3f9338C3472dcC01A87C76A144b3c9c",
              "capacity owner key 0x02 * 32");

    test_vectors();
    test_grace();
    test_outer_shape();
    test_session_key();
    test_body();
    test_node_address();
    test_times();
    test_capabilities();
    test_delegations();
    test_words_and_misuse();

    lithsm_signer_free(wallet);
    lithsm_signer_free(owner);
    EVP_PKEY_free(session_key);
    json_object_put(vectors);
    return tap_done();
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_verify.c - the SessionSig verifier against the golden accept/reject
 * vectors, plus cases built here on the SessionSig and its signed message
 * (verify_fixture.c re-signs them with the vectors' keys).  The
 * capabilities are in test_verify_caps.c, whole maps in test_verify_map.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_fixture.h"
#include "tap.h"

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

/* Not a SessionSig at all, or one of another algorithm. */
static void test_outer_shape(void)
{
    json_object *ss = vector_sessionsig(BASE_VECTOR);
    json_object *o;
    char buf[512];
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
}

/* The forms of "sig" and "address" the node takes or refuses. */
static void test_outer_sig_and_address(void)
{
    json_object *ss = vector_sessionsig(BASE_VECTOR);
    json_object *o;
    const char *good_sig =
        json_object_get_string(json_object_object_get(ss, "sig"));
    const char *addr =
        json_object_get_string(json_object_object_get(ss, "address"));
    char buf[512], *t;
    size_t i;

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

/* The members of the signed message. */
static void test_body(void)
{
    json_object *body;

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
}

/* The signed text itself, and the session key it names. */
static void test_body_text(void)
{
    json_object *body;
    char *t;
    const char *msg;

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
    lithsm_eth_address a;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];

    if (fixture_init() != 0)
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
    test_outer_sig_and_address();
    test_session_key();
    test_body();
    test_body_text();
    test_node_address();
    test_times();
    test_words_and_misuse();
    fixture_free();
    return tap_done();
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_verify_map.c - lithsm_verify_session_sigs_map: every entry of a
 * SessionSigs map gets exactly the verdict lithsm_verify_session_sig gives
 * it (reason, node answer and detail), whatever the entries share or not:
 * capabilities checked once per map, signed bodies that differ only in
 * nodeAddress parsed once, and the cases where that must not happen.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_fixture.h"
#include "tap.h"

#define NODE2 "https://node2.example:7470"
#define NODE3 "https://node3.example:7470"
#define MAX_ENTRIES 100

static const char *const three[] = { NODE1, NODE2, NODE3 };

/* {urls[i]: entries[i]...}, the entries being SessionSig JSON texts (or
 * any JSON).  Caller frees. */
static char *map_of(const char *const *urls, char *const *entries, size_t n)
{
    lithsm_buf b;
    char *out = NULL;
    size_t i;

    lithsm_buf_init(&b);
    lithsm_buf_putc(&b, '{');
    for (i = 0; i < n; i++) {
        if (i > 0)
            lithsm_buf_putc(&b, ',');
        lithsm_buf_json_str(&b, urls[i], strlen(urls[i]));
        lithsm_buf_putc(&b, ':');
        lithsm_buf_puts(&b, entries[i]);
    }
    lithsm_buf_putc(&b, '}');
    if (lithsm_buf_finish(&b, &out, NULL) != LITHSM_OK)
        exit(99);
    return out;
}

static void free_all(char **texts, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(texts[i]);
}

static int same_result(const lithsm_verify_result *a,
                       const lithsm_verify_result *b)
{
    return a->reason == b->reason && strcmp(a->word, b->word) == 0 &&
           (a->node_error == b->node_error ||
            (a->node_error != NULL && b->node_error != NULL &&
             strcmp(a->node_error, b->node_error) == 0)) &&
           a->http_status == b->http_status &&
           strcmp(a->detail, b->detail) == 0;
}

/* Verifies `map` whole, then each entry alone (as its compact JSON text,
 * for its URL).  Returns 1 when every verdict, detail and URL agrees, in
 * the map's order; the map's words go to words_out (comma-separated). */
static int agrees(const char *map, int64_t now, int64_t grace, char *words_out,
                  size_t words_len)
{
    lithsm_verify_entry *entries = NULL;
    json_object *doc = json_tokener_parse(map);
    size_t n = 0, i = 0, used = 0;
    int same = 1;

    words_out[0] = '\0';
    if (lithsm_verify_session_sigs_map(&entries, &n, map, strlen(map), now,
                                       grace) != LITHSM_OK ||
        doc == NULL || n != (size_t)json_object_object_length(doc)) {
        printf("# map: %s\n", lithsm_last_error());
        json_object_put(doc);
        return 0;
    }
    json_object_object_foreach(doc, url, entry)
    {
        const char *text = json_object_to_json_string_ext(entry, JSON_FLAGS);
        lithsm_verify_result one;

        if (lithsm_verify_session_sig(&one, text, strlen(text), url, now,
                                      grace) != LITHSM_OK ||
            strcmp(entries[i].node_url, url) != 0 ||
            !same_result(&entries[i].result, &one)) {
            printf("# entry %zu (%s): map %s \"%s\", alone %s \"%s\"\n", i, url,
                   entries[i].result.word, entries[i].result.detail, one.word,
                   one.detail);
            same = 0;
        }
        used += (size_t)snprintf(words_out + used, words_len - used, "%s%s",
                                 i > 0 ? "," : "", entries[i].result.word);
        if (used >= words_len)
            used = words_len - 1;
        i++;
    }
    lithsm_free(entries);
    json_object_put(doc);
    return same;
}

/* Checks `map` at NOW: agreement, and the words expected. */
static void check_map(const char *map, const char *want_words, const char *what)
{
    char words[1024], msg[256];

    snprintf(msg, sizeof(msg), "%s: each entry as alone", what);
    ok(agrees(map, now_ms, 0, words, sizeof(words)), msg);
    snprintf(msg, sizeof(msg), "%s: %s", what, want_words);
    ok_str_eq(words, want_words, msg);
}

/* One SessionSig per node of `urls` over `body` with its nodeAddress set
 * to each URL (the SDK's map: the same message but for nodeAddress). */
static void entries_for(char **out, json_object *body, const char *const *urls,
                        size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        set_str(body, "nodeAddress", urls[i]);
        out[i] = resign(body);
    }
}

/* Node 2's entry signed again over `body` as it is now, with the
 * SessionSig "address" `address` (NULL: the signing key's). */
static void resign_node2(char **entries, json_object *body, const char *address)
{
    const char *msg;

    free(entries[1]);
    set_str(body, "nodeAddress", NODE2);
    msg = json_object_to_json_string_ext(body, JSON_FLAGS);
    entries[1] = outer_for(msg, strlen(msg), address);
}

/* check_map() of the map of `three` over n entries, which are freed. */
static void check_three(char **entries, size_t n, const char *want_words,
                        const char *what)
{
    char *map = map_of(three, entries, n);

    check_map(map, want_words, what);
    free(map);
    free_all(entries, n);
}

/* ------------------------------------------------------------------------
 * Tests
 */
static void test_accepts(void)
{
    static char urls_text[MAX_ENTRIES][40];
    const char *urls[MAX_ENTRIES];
    char *entries[MAX_ENTRIES], *map;
    json_object *body = base_body();
    lithsm_verify_entry *e = NULL;
    size_t i, n = 0, good = 0;

    entries_for(entries, body, three, 3);
    map = map_of(three, entries, 3);
    check_map(map, "ok,ok,ok", "three nodes");
    ok_int_eq(
        lithsm_verify_session_sigs_map(&e, &n, map, strlen(map), now_ms, 60000),
        LITHSM_OK, "three nodes: a verdict for each");
    ok(n == 3 && strcmp(e[0].node_url, NODE1) == 0 &&
           strcmp(e[1].node_url, NODE2) == 0 &&
           strcmp(e[2].node_url, NODE3) == 0,
       "three nodes: in the map's order, with their URLs");
    lithsm_free(e);
    free(map);
    free_all(entries, 3);

    for (i = 0; i < MAX_ENTRIES; i++) {
        snprintf(urls_text[i], sizeof(urls_text[i]),
                 "https://10.0.%zu.%zu:7470", i / 250, i % 250 + 1);
        urls[i] = urls_text[i];
    }
    entries_for(entries, body, urls, MAX_ENTRIES);
    map = map_of(urls, entries, MAX_ENTRIES);
    if (lithsm_verify_session_sigs_map(&e, &n, map, strlen(map), now_ms, 0) ==
        LITHSM_OK)
        for (i = 0; i < n; i++)
            good += e[i].result.reason == LITHSM_VERIFY_OK &&
                    strcmp(e[i].node_url, urls[i]) == 0;
    ok_int_eq(good, MAX_ENTRIES, "a hundred nodes: every one accepts");
    lithsm_free(e);
    free(map);
    free_all(entries, MAX_ENTRIES);
    json_object_put(body);
}

static void test_one_tampered(void)
{
    json_object *body = base_body();
    char *entries[3];

    entries_for(entries, body, three, 3);
    /* The first digit of node 2's ed25519 signature. */
    entries[1][8] = entries[1][8] == '0' ? '1' : '0';
    check_three(entries, 3, "ok,session_signature_invalid,ok",
                "one entry's signature altered");

    /* Node 2 alone carries a wallet AuthSig signed by another key. */
    entries_for(entries, body, three, 3);
    cap_sign(body, 1, owner, cap_msg(body, 1), 0, "0x");
    resign_node2(entries, body, NULL);
    check_three(entries, 3, "ok,authsig_signature_invalid,ok",
                "one entry's wallet AuthSig altered");
    json_object_put(body);
}

/* Node 2's entry names another session key but is signed by the key of the
 * entries around it: the key is the entry's own, never the last one's. */
static void test_other_session_key(void)
{
    static const uint8_t seed[32] = { 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
                                      0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
                                      0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
                                      0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22,
                                      0x22, 0x22, 0x22, 0x22 };
    EVP_PKEY *other = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
                                                   sizeof(seed));
    json_object *body = base_body();
    uint8_t pub[32];
    size_t len = sizeof(pub);
    char hex[65], *entries[3];

    if (other == NULL || EVP_PKEY_get_raw_public_key(other, pub, &len) != 1 ||
        lithsm_hex_encode(hex, sizeof(hex), pub, sizeof(pub)) != LITHSM_OK)
        exit(99);
    EVP_PKEY_free(other);
    entries_for(entries, body, three, 3);
    resign_node2(entries, body, hex);
    check_three(entries, 3, "ok,session_signature_invalid,ok",
                "an entry naming another session key");
    json_object_put(body);
}

static void test_shared_capability_tampered(void)
{
    json_object *body = base_body();
    char *entries[3];

    cap_sign(body, 1, owner, cap_msg(body, 1), 0, "0x");
    entries_for(entries, body, three, 3);
    check_three(entries, 3,
                "authsig_signature_invalid,authsig_signature_invalid,"
                "authsig_signature_invalid",
                "the shared wallet AuthSig altered");
    json_object_put(body);

    body = base_body();
    set_delegation_recap(body, "{\"att\":{\"lit-ratelimitincrease://1\":{"
                               "\"Auth/Auth\":[{\"delegate_to\":[]}]}},"
                               "\"prf\":[]}");
    entries_for(entries, body, three, 3);
    check_three(entries, 3,
                "delegatee_not_authorized,delegatee_not_authorized,"
                "delegatee_not_authorized",
                "a shared delegation that shuts the wallet out");
    json_object_put(body);
}

/* A rejected capability at another index in another entry: each detail
 * names the entry's own index. */
static void test_capability_moves(void)
{
    json_object *body = base_body(), *caps;
    char *entries[3];

    cap_sign(body, 0, wallet, cap_msg(body, 0), 0, "0x");
    set_str(body, "nodeAddress", NODE1);
    entries[0] = resign(body);
    caps = json_object_object_get(body, "capabilities");
    json_object_array_add(caps,
                          json_object_get(json_object_array_get_idx(caps, 1)));
    json_object_array_put_idx(
        caps, 1, json_object_get(json_object_array_get_idx(caps, 0)));
    json_object_array_put_idx(
        caps, 0, json_object_get(json_object_array_get_idx(caps, 2)));
    set_str(body, "nodeAddress", NODE2);
    entries[1] = resign(body);
    json_object_array_del_idx(caps, 1, 1);
    set_str(body, "nodeAddress", NODE3);
    entries[2] = resign(body);
    check_three(entries, 3,
                "delegation_signature_invalid,delegation_signature_invalid,ok",
                "a bad delegation at index 0, then 1, then gone");
    json_object_put(body);
}

/* Entries whose bodies differ elsewhere than at the end's nodeAddress, or
 * whose text only looks like it. */
static void test_bodies(void)
{
    json_object *body = base_body();
    const char *msg;
    char *entries[3], *map, *text;

    entries_for(entries, body, three, 3);
    set_str(body, "issuedAt", "2024-06-01T12:06:00.000Z");
    resign_node2(entries, body, NULL);
    map = map_of(three, entries, 3);
    check_map(map, "ok,session_not_yet_valid,ok",
              "a body that differs before nodeAddress");
    free(map);
    free(entries[1]);
    json_object_put(body);

    /* The same URL written with escapes: parsed, and the same node. */
    body = base_body();
    set_str(body, "nodeAddress", NODE2);
    msg = json_object_to_json_string_ext(body, JSON_FLAGS);
    text = replace(msg, "\"https://node2.example:7470\"",
                   "\"https:\\/\\/node2.example:74\\u00370\"");
    entries[1] = outer_for(text, strlen(text), NULL);
    free(text);
    check_three(entries, 3, "ok,ok,ok", "a nodeAddress written with escapes");
    json_object_put(body);
}

/* The text ends like ..."nodeAddress":"<url>"} but that key is another
 * one's tail (a"nodeAddress, its quote escaped), or nodeAddress comes
 * twice: an entry for node 2 must not borrow node 1's body. */
static void test_lookalike_bodies(void)
{
    json_object *body = base_body();
    char *entries[2], *text;
    size_t i;
    static const char *const keys[] = { ",\"a\\\"nodeAddress\":\"",
                                        ",\"nodeAddress\":\"" };
    static const char *const words[] = { "ok,node_address_mismatch", "ok,ok" };
    static const char *const what[] = { "an escaped look-alike key last",
                                        "nodeAddress twice, the last wins" };

    set_str(body, "nodeAddress", NODE1);
    text = xstrdup(json_object_to_json_string_ext(body, JSON_FLAGS));
    text[strlen(text) - 1] = '\0'; /* without its closing brace */
    for (i = 0; i < 2; i++) {
        size_t k;

        for (k = 0; k < 2; k++) {
            size_t n = strlen(text) + 128;
            char *msg = malloc(n);

            if (msg == NULL)
                exit(99);
            snprintf(msg, n, "%s%s%s\"}", text, keys[i], three[k]);
            entries[k] = outer_for(msg, strlen(msg), NULL);
            free(msg);
        }
        check_three(entries, 2, words[i], what[i]);
    }
    free(text);
    json_object_put(body);
}

/* agrees() on the map {url_a: entry_a, url_b: entry_b}. */
static int pair_agrees(const char *url_a, char *entry_a, const char *url_b,
                       char *entry_b, int64_t now, int64_t grace)
{
    const char *urls[2];
    char *entries[2], *map, words[256];
    int same;

    urls[0] = url_a;
    urls[1] = url_b;
    entries[0] = entry_a;
    entries[1] = entry_b;
    map = map_of(urls, entries, 2);
    same = agrees(map, now, grace, words, sizeof(words));
    free(map);
    return same;
}

/* Every golden vector next to an accepted entry for node 3, both orders. */
static void test_vectors_in_maps(void)
{
    json_object *list = json_object_object_get(vectors, "vectors");
    char *last_node = xstrdup(json_object_to_json_string_ext(
        vector_sessionsig("accept_valid_last_node"), JSON_FLAGS));
    size_t i, n = json_object_array_length(list), bad = 0;

    for (i = 0; i < n; i++) {
        json_object *in = json_object_object_get(
            json_object_array_get_idx(list, i), "inputs");
        const char *url =
            json_object_get_string(json_object_object_get(in, "node_url"));
        int64_t now =
            ms(json_object_get_string(json_object_object_get(in, "now")));
        char *entry;

        if (strcmp(url, NODE3) == 0)
            continue;
        entry = xstrdup(json_object_to_json_string_ext(
            json_object_object_get(in, "sessionSig"), JSON_FLAGS));
        bad += !pair_agrees(url, entry, NODE3, last_node, now, 0);
        bad += !pair_agrees(NODE3, last_node, url, entry, now, 60000);
        free(entry);
    }
    ok_int_eq(bad, 0, "every vector in a map: the verdict it has alone");
    free(last_node);
}

static void test_misuse(void)
{
    static const char *const unusable[] = { "",        "not json", "[]",  "{}",
                                            "{\"a\":", "42",       "null" };
    lithsm_verify_entry *e = (lithsm_verify_entry *)"x";
    size_t n = 7, i, refused = 0;
    char words[256];

    ok_int_eq(lithsm_verify_session_sigs_map(NULL, &n, "{}", 2, now_ms, 0),
              LITHSM_ERR_INVALID_ARG, "no entries output");
    ok_int_eq(lithsm_verify_session_sigs_map(&e, NULL, "{}", 2, now_ms, 0),
              LITHSM_ERR_INVALID_ARG, "no count output");
    ok_int_eq(lithsm_verify_session_sigs_map(&e, &n, NULL, 0, now_ms, 0),
              LITHSM_ERR_INVALID_ARG, "no map");
    ok(e == NULL && n == 0, "after misuse: no entries");
    ok_int_eq(lithsm_verify_session_sigs_map(&e, &n, "{}", 2, now_ms, -1),
              LITHSM_ERR_INVALID_ARG, "negative grace");
    for (i = 0; i < sizeof(unusable) / sizeof(unusable[0]); i++) {
        e = (lithsm_verify_entry *)"x";
        if (lithsm_verify_session_sigs_map(&e, &n, unusable[i],
                                           strlen(unusable[i]), now_ms,
                                           0) == LITHSM_ERR_PARSE &&
            e == NULL && n == 0)
            refused++;
    }
    ok_int_eq(refused, sizeof(unusable) / sizeof(unusable[0]),
              "not a map with an entry: LITHSM_ERR_PARSE, no entries");
    ok(agrees("{\"" NODE1 "\":42,\"" NODE2 "\":null,\"" NODE3 "\":{}}", now_ms,
              0, words, sizeof(words)),
       "entries that are not SessionSigs: as alone");
    ok_str_eq(words, "malformed,malformed,malformed", "each is malformed");
}

int main(void)
{
    if (fixture_init() != 0)
        return 99;
    test_accepts();
    test_one_tampered();
    test_other_session_key();
    test_shared_capability_tampered();
    test_capability_moves();
    test_bodies();
    test_lookalike_bodies();
    test_vectors_in_maps();
    test_misuse();
    fixture_free();
    return tap_done();
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_offline.c - lithsm_get_session_sigs_offline: a fixed session key and
 * times give the same bytes twice, every node accepts its entry, the
 * capabilities keep their order, and each missing or conflicting parameter
 * is refused.  (tests/cli.test checks its bytes against the golden
 * vectors through lithsm session-sigs.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "util/util.h"
#include "tap.h"

#define NONCE \
    "0x5a6ec2b5ba3ef1ba1ba2cd2a3ecb3e5d5c1c8c8d97f3d0aa12f1f7b1a5e0a0f1"
#define T0 1735689600000LL /* 2025-01-01T00:00:00.000Z */
#define SESSION_IAT "2025-01-01T00:00:05.000Z"
#define EXPIRATION "2025-01-01T12:00:00.000Z"

static const char *const nodes[] = {
    "https://127.0.0.1:7470",
    "https://127.0.0.1:7471",
};
#define N_NODES 2

static lithsm_signer *wallet;
static lithsm_session_key *session_key;
static lithsm_requests *reqs;

/* The signed message of `node`'s entry, parsed; NULL when absent. */
static json_object *signed_message(json_object *map, const char *node)
{
    json_object *entry, *msg;

    if (!json_object_object_get_ex(map, node, &entry) ||
        !json_object_object_get_ex(entry, "signedMessage", &msg))
        return NULL;
    return json_tokener_parse(json_object_get_string(msg));
}

static int node_accepts(const char *json, const char *node, int64_t now)
{
    json_object *map = json_tokener_parse(json), *entry;
    lithsm_verify_result vr;
    const char *text;
    int ok = 0;

    if (map != NULL && json_object_object_get_ex(map, node, &entry)) {
        text = json_object_to_json_string_ext(
            entry, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        ok = lithsm_verify_session_sig(&vr, text, strlen(text), node, now, 0) ==
                 LITHSM_OK &&
             vr.reason == LITHSM_VERIFY_OK;
    }
    json_object_put(map);
    return ok;
}

static void base_params(lithsm_flow_params *p, lithsm_offline_params *o)
{
    memset(p, 0, sizeof(*p));
    p->node_urls = nodes;
    p->n_nodes = N_NODES;
    p->nonce = NONCE;
    p->wallet = wallet;
    p->requests = reqs;
    p->expiration = EXPIRATION;
    p->now_ms = T0;
    memset(o, 0, sizeof(*o));
    o->session_key = session_key;
    o->session_issued_at = SESSION_IAT;
}

static void test_fixed(void)
{
    lithsm_flow_params p;
    lithsm_offline_params o;
    char *a = NULL, *b = NULL, pk[65];
    json_object *map, *msg, *v;

    base_params(&p, &o);
    ok_int_eq(lithsm_get_session_sigs_offline(&a, &p, &o), LITHSM_OK,
              "fixed key and times: SessionSigs made");
    ok_int_eq(lithsm_get_session_sigs_offline(&b, &p, &o), LITHSM_OK,
              "made again");
    ok(a != NULL && b != NULL && strcmp(a, b) == 0,
       "the same parameters give the same bytes");
    ok(a != NULL && node_accepts(a, nodes[0], T0 + 10000) &&
           node_accepts(a, nodes[1], T0 + 10000),
       "every node accepts its entry");

    map = a != NULL ? json_tokener_parse(a) : NULL;
    msg = signed_message(map, nodes[1]);
    lithsm_session_key_public_hex(pk, session_key);
    ok(msg != NULL && json_object_object_get_ex(msg, "sessionKey", &v) &&
           strcmp(json_object_get_string(v), pk) == 0,
       "the session key is the one given");
    ok(msg != NULL && json_object_object_get_ex(msg, "issuedAt", &v) &&
           strcmp(json_object_get_string(v), SESSION_IAT) == 0,
       "issuedAt is the session issuedAt given");
    ok(msg != NULL && json_object_object_get_ex(msg, "expiration", &v) &&
           strcmp(json_object_get_string(v), EXPIRATION) == 0,
       "expiration is the one requested");
    json_object_put(msg);
    json_object_put(map);
    free(a);
    free(b);
}

/* A delegation first, the wallet AuthSig last; defaults: a random key,
 * the session issuedAt the wallet's. */
static void test_defaults_and_capabilities(void)
{
    lithsm_flow_params p;
    lithsm_offline_params o;
    const char *caps[1] = { "{\"sig\":\"0x01\",\"derivedVia\":\"x\","
                            "\"signedMessage\":\"m\",\"address\":\"0xab\"}" };
    char *json = NULL, pk[65];
    json_object *map = NULL, *msg = NULL, *v;

    base_params(&p, &o);
    p.capabilities = caps;
    p.n_capabilities = 1;
    ok_int_eq(lithsm_get_session_sigs_offline(&json, &p, NULL), LITHSM_OK,
              "o NULL: SessionSigs made");
    map = json != NULL ? json_tokener_parse(json) : NULL;
    msg = signed_message(map, nodes[0]);
    lithsm_session_key_public_hex(pk, session_key);
    ok(msg != NULL && json_object_object_get_ex(msg, "sessionKey", &v) &&
           strcmp(json_object_get_string(v), pk) != 0,
       "o NULL: a new session key");
    ok(msg != NULL && json_object_object_get_ex(msg, "issuedAt", &v) &&
           strcmp(json_object_get_string(v), "2025-01-01T00:00:00.000Z") == 0,
       "o NULL: issuedAt is the wallet's Issued At (now_ms)");
    ok(msg != NULL && json_object_object_get_ex(msg, "capabilities", &v) &&
           json_object_array_length(v) == 2 &&
           strcmp(json_object_get_string(json_object_object_get(
                      json_object_array_get_idx(v, 0), "sig")),
                  "0x01") == 0,
       "the caller's capability comes first, the wallet AuthSig last");
    json_object_put(msg);
    json_object_put(map);
    free(json);
}

static void refused(lithsm_flow_params *p, const lithsm_offline_params *o,
                    lithsm_err want, const char *what)
{
    char *json = (char *)"untouched";

    ok_int_eq(lithsm_get_session_sigs_offline(&json, p, o), want, what);
    ok(json == NULL, "  and *json_out is NULL");
}

static lithsm_err callback(char **out, const lithsm_session_siwe_params *sp,
                           void *arg)
{
    return LITHSM_ERR_INVALID_ARG;
}

/* A store that is never reached: an offline run refuses any store. */
static lithsm_err store_get(void *ctx, const char *key, char **value_out)
{
    *value_out = NULL;
    return LITHSM_OK;
}

static lithsm_err store_put(void *ctx, const char *key, const char *value)
{
    return LITHSM_OK;
}

static lithsm_err store_remove(void *ctx, const char *key)
{
    return LITHSM_OK;
}

static void store_free(void *ctx)
{
}

static void test_refused(void)
{
    static const lithsm_store_ops store_ops = { store_get, store_put,
                                                store_remove, store_free };
    lithsm_flow_params p;
    lithsm_offline_params o;
    lithsm_store *store = NULL;

    base_params(&p, &o);
    ok_int_eq(lithsm_get_session_sigs_offline(NULL, &p, &o),
              LITHSM_ERR_INVALID_ARG, "json_out NULL is refused");
    refused(NULL, &o, LITHSM_ERR_INVALID_ARG, "p NULL is refused");
    p.wallet = NULL;
    refused(&p, &o, LITHSM_ERR_INVALID_ARG, "no wallet is refused");
    p.wallet = wallet;
    p.auth_callback = callback;
    refused(&p, &o, LITHSM_ERR_INVALID_ARG, "an auth callback is refused");
    p.auth_callback = NULL;
    ok_int_eq(lithsm_store_new(&store, &store_ops, NULL), LITHSM_OK,
              "a store made");
    p.store = store;
    refused(&p, &o, LITHSM_ERR_INVALID_ARG, "a store is refused");
    p.store = NULL;
    lithsm_store_free(store);
    p.requests = NULL;
    refused(&p, &o, LITHSM_ERR_INVALID_ARG, "no requests are refused");
    p.requests = reqs;
    p.nonce = NULL;
    refused(&p, &o, LITHSM_ERR_INVALID_ARG, "no nonce is refused");
    p.nonce = NONCE;
    p.node_urls = NULL;
    refused(&p, &o, LITHSM_ERR_INVALID_ARG, "no node URLs are refused");
    p.node_urls = nodes;
    p.n_capabilities = 2;
    refused(&p, &o, LITHSM_ERR_INVALID_ARG,
            "capabilities announced but not given are refused");
    p.n_capabilities = 0;
    p.expiration = "tomorrow";
    refused(&p, &o, LITHSM_ERR_PARSE, "an expiration not RFC 3339 is refused");
    p.expiration = "2024-12-31T00:00:00Z";
    refused(&p, &o, LITHSM_ERR_INVALID_ARG,
            "an expiration before Issued At is refused");
    p.expiration = EXPIRATION;
    o.session_issued_at = "noon";
    refused(&p, &o, LITHSM_ERR_PARSE,
            "a session issuedAt not RFC 3339 is refused");
    o.session_issued_at = "2025-01-02T00:00:00Z";
    refused(&p, &o, LITHSM_ERR_INVALID_ARG,
            "a session issuedAt after the expiration is refused");
}

int main(void)
{
    static const uint8_t wallet_secret[32] = { [31] = 0x42 };
    uint8_t seed[32];

    memset(seed, 0x07, sizeof(seed));
    if (lithsm_signer_from_secret(&wallet, wallet_secret) != LITHSM_OK ||
        lithsm_session_key_from_seed(&session_key, seed) != LITHSM_OK ||
        lithsm_requests_new(&reqs) != LITHSM_OK ||
        lithsm_requests_add(reqs, "lit-pkp://*", "pkp-signing", NULL) !=
            LITHSM_OK) {
        printf("Bail out! cannot set up: %s\n", lithsm_last_error());
        return 99;
    }
    test_fixed();
    test_defaults_and_capabilities();
    test_refused();
    lithsm_requests_free(reqs);
    lithsm_session_key_free(session_key);
    lithsm_signer_free(wallet);
    return tap_done();
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_session.c - session keys and the SessionSigs map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <json-c/json.h>

#include "util/util.h"
#include "tap.h"

static const char *const capability =
    "{\"sig\":\"0x00\",\"derivedVia\":\"web3.eth.personal.sign\","
    "\"signedMessage\":\"m\",\"address\":\"0x00\"}";

static int ed25519_ok(const char *pub_hex, const char *sig_hex, const char *msg)
{
    uint8_t pub[32], sig[64];
    EVP_PKEY *pk;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = 0;

    if (lithsm_hex_decode(pub, 32, pub_hex, strlen(pub_hex)) != 0 ||
        lithsm_hex_decode(sig, 64, sig_hex, strlen(sig_hex)) != 0)
        return 0;
    pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    ok = pk && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pk) == 1 &&
         EVP_DigestVerify(ctx, sig, 64, (const uint8_t *)msg, strlen(msg)) == 1;
    EVP_PKEY_free(pk);
    EVP_MD_CTX_free(ctx);
    return ok;
}

static void test_keys(void)
{
    uint8_t seed[32];
    lithsm_session_key *a = NULL, *b = NULL;
    char pa[65], pb[65];

    memset(seed, 7, 32);
    ok_int_eq(lithsm_session_key_from_seed(&a, seed), LITHSM_OK,
              "key from seed");
    lithsm_session_key_public_hex(pa, a);
    ok_str_eq(
        pa, "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c",
        "seed 07.. gives the reference public key");
    lithsm_session_key_free(a);
    ok_int_eq(lithsm_session_key_generate(&a), LITHSM_OK, "random key 1");
    ok_int_eq(lithsm_session_key_generate(&b), LITHSM_OK, "random key 2");
    lithsm_session_key_public_hex(pa, a);
    lithsm_session_key_public_hex(pb, b);
    ok(strcmp(pa, pb) != 0, "two random keys differ");
    lithsm_session_key_free(a);
    lithsm_session_key_free(b);
    lithsm_session_key_free(NULL);

    {
        char secret[129];

        memset(seed, 7, 32);
        ok_int_eq(lithsm_session_key_from_seed(&a, seed), LITHSM_OK, "seed");
        ok_int_eq(lithsm_session_key_secret_hex(secret, a), LITHSM_OK,
                  "export the secret");
        ok(strncmp(secret, "0707070707", 10) == 0 &&
               strcmp(secret + 64, "ea4a6c63e29c520abef5507b132ec5f9954776aebe"
                                   "be7b92421eea691446d22c") == 0,
           "secret is seed || public key");
        ok_int_eq(lithsm_session_key_from_secret_hex(&b, secret), LITHSM_OK,
                  "import the 128-hex secret");
        lithsm_session_key_public_hex(pb, b);
        ok_str_eq(pb, secret + 64, "same key back");
        lithsm_session_key_free(b);
        secret[64] = '\0';
        ok_int_eq(lithsm_session_key_from_secret_hex(&b, secret), LITHSM_OK,
                  "import a 64-hex seed (the Rust SDK form)");
        lithsm_session_key_free(b);
        ok_int_eq(lithsm_session_key_secret_hex(secret, a), LITHSM_OK,
                  "export again");
        secret[127] = secret[127] == '0' ? '1' : '0';
        ok_int_eq(lithsm_session_key_from_secret_hex(&b, secret),
                  LITHSM_ERR_KEY, "a public half of another key is refused");
        ok(b == NULL, "and nothing is returned");
        ok_int_eq(lithsm_session_key_from_secret_hex(&b, "abcd"),
                  LITHSM_ERR_PARSE, "a short secret is refused");
        lithsm_memzero(secret, sizeof(secret));
        lithsm_session_key_free(a);
    }
    ok_int_eq(lithsm_session_key_from_seed(NULL, seed), LITHSM_ERR_INVALID_ARG,
              "NULL output refused");
}

static void test_sessionsigs(void)
{
    uint8_t seed[32];
    lithsm_session_key *key = NULL;
    lithsm_requests *reqs = NULL;
    lithsm_sessionsigs_params p;
    const char *urls[2] = { "https://a:1", "https://b:2" };
    const char *caps[1] = { capability };
    const char *bad_caps[1] = { "[1,2]" };
    char *out = NULL, pub[65];
    json_object *map = NULL, *e;
    const char *m0 = NULL, *m1 = NULL;

    memset(seed, 0x11, 32);
    if (lithsm_session_key_from_seed(&key, seed) != 0 ||
        lithsm_requests_new(&reqs) != 0 ||
        lithsm_requests_add(reqs, "lit-pkp://*", "pkp-signing", NULL) != 0) {
        ok(0, "fixture");
        return;
    }
    lithsm_session_key_public_hex(pub, key);
    memset(&p, 0, sizeof(p));
    p.node_urls = urls;
    p.n_nodes = 2;
    p.requests = reqs;
    p.capabilities = caps;
    p.n_capabilities = 1;
    p.issued_at = "2024-06-01T12:00:03.250Z";
    p.expiration = "2024-06-02T12:00:00.000Z";
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_OK, "two nodes");
    ok_int_eq(lithsm_json_parse(&map, out, strlen(out), "t"), LITHSM_OK,
              "the map is JSON");
    ok_int_eq(json_object_object_length(map), 2, "one entry per node");
    if (json_object_object_get_ex(map, urls[0], &e)) {
        m0 = lithsm_json_get_str(e, "signedMessage");
        ok(ed25519_ok(pub, lithsm_json_get_str(e, "sig"), m0),
           "node 1 signature verifies");
        ok_str_eq(lithsm_json_get_str(e, "algo"), "ed25519", "algo");
        ok_str_eq(lithsm_json_get_str(e, "address"), pub, "address = key");
    }
    if (json_object_object_get_ex(map, urls[1], &e)) {
        m1 = lithsm_json_get_str(e, "signedMessage");
        ok(ed25519_ok(pub, lithsm_json_get_str(e, "sig"), m1),
           "node 2 signature verifies");
        ok(strstr(m1, "\"nodeAddress\":\"https://b:2\"}") != NULL,
           "the message ends with the node's URL");
    }
    ok(m0 && m1 && strncmp(m0, m1, strlen(m0) - 13) == 0,
       "messages share everything up to nodeAddress");
    json_object_put(map);
    free(out);

    /* The node client's URL rule: no node could verify these. */
    urls[1] = "https://b\"/x:2";
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_ERR_INVALID_ARG,
              "a node URL with a path or a quote is refused");
    urls[1] = "https://b:2/";
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_ERR_INVALID_ARG,
              "a node URL with a trailing slash is refused");
    urls[1] = urls[0];
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_ERR_INVALID_ARG,
              "a node listed twice is refused");
    ok(strstr(lithsm_last_error(), "twice") != NULL, "and the error says so");
    p.n_nodes = 1;
    p.capabilities = bad_caps;
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_ERR_PARSE,
              "a capability that is not an AuthSig object is refused");
    p.capabilities = caps;
    p.expiration = "tomorrow";
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_ERR_PARSE,
              "a bad expiration is refused");
    p.expiration = NULL;
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_ERR_PARSE,
              "a missing expiration is refused");
    p.expiration = "2024-06-02T12:00:00.000Z";
    p.n_capabilities = 0;
    ok_int_eq(lithsm_sessionsigs(&out, key, &p), LITHSM_ERR_INVALID_ARG,
              "no capabilities (no wallet AuthSig) is refused");
    ok(out == NULL, "nothing is returned on failure");
    lithsm_requests_free(reqs);
    lithsm_session_key_free(key);
}

/* Delegatees as the SDK takes them: "0x" optional, case kept. */
static void test_delegatees(void)
{
    uint8_t secret[32];
    lithsm_signer *owner = NULL;
    lithsm_delegation_params p;
    const char *with[1] = { "0x1a642f0E3c3aF545E7AcBD38b07251B3990914F1" };
    const char *without[1] = { "1a642f0E3c3aF545E7AcBD38b07251B3990914F1" };
    const char *typo[1] = { "0x1a642f0E3c3aF545E7AcBD38b07251B3990914f1" };
    char *a = NULL, *b = NULL, *c = NULL;

    memset(secret, 2, 32);
    if (lithsm_signer_from_secret(&owner, secret) != LITHSM_OK) {
        ok(0, "owner key");
        return;
    }
    memset(&p, 0, sizeof(p));
    p.capacity_token_id = "1234";
    p.delegatees_given = 1;
    p.n_delegatees = 1;
    p.nonce =
        "0x671008e9b3092d81fc62444cb9e12ba2316acd668cf6ac172d71505d36b62691";
    p.issued_at = "2024-06-01T11:50:00.000Z";
    p.delegatees = with;
    ok_int_eq(lithsm_delegation_authsig(&a, NULL, owner, &p), LITHSM_OK,
              "delegatee with 0x");
    p.delegatees = without;
    ok_int_eq(lithsm_delegation_authsig(&b, NULL, owner, &p), LITHSM_OK,
              "delegatee without 0x (the SDK strips it when present)");
    ok(a && b && strcmp(a, b) == 0, "both give the same delegation");
    p.delegatees = typo;
    ok_int_eq(lithsm_delegation_authsig(&c, NULL, owner, &p), LITHSM_ERR_PARSE,
              "a mixed-case typo (bad EIP-55) is refused");
    ok(c == NULL, "and nothing is returned");
    free(a);
    free(b);
    lithsm_signer_free(owner);
}

/* A map large enough to be signed on several threads holds, for every
 * node, exactly the entry a one-node map gives (Ed25519 is deterministic,
 * and only nodeAddress differs between the messages). */
static void test_large_map(void)
{
    enum { N = 100 };
    uint8_t seed[32];
    lithsm_session_key *key = NULL;
    lithsm_requests *reqs = NULL;
    lithsm_sessionsigs_params p;
    const char *caps[1] = { capability };
    const char *urls[N];
    char names[N][32], *big = NULL, *one = NULL;
    json_object *map = NULL, *single = NULL, *e, *f;
    size_t i, same = 0;

    memset(seed, 0x22, 32);
    for (i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "https://10.0.%zu.%zu:7470",
                 i / 250, i % 250 + 1);
        urls[i] = names[i];
    }
    if (lithsm_session_key_from_seed(&key, seed) != 0 ||
        lithsm_requests_new(&reqs) != 0 ||
        lithsm_requests_add(reqs, "lit-pkp://*", "pkp-signing", NULL) != 0) {
        ok(0, "fixture");
        return;
    }
    memset(&p, 0, sizeof(p));
    p.node_urls = urls;
    p.n_nodes = N;
    p.requests = reqs;
    p.capabilities = caps;
    p.n_capabilities = 1;
    p.issued_at = "2024-06-01T12:00:03.250Z";
    p.expiration = "2024-06-02T12:00:00.000Z";
    ok_int_eq(lithsm_sessionsigs(&big, key, &p), LITHSM_OK, "100 nodes");
    if (big != NULL && lithsm_json_parse(&map, big, strlen(big), "t") == 0) {
        for (i = 0; i < N; i++) {
            p.node_urls = &urls[i];
            p.n_nodes = 1;
            if (lithsm_sessionsigs(&one, key, &p) == LITHSM_OK &&
                lithsm_json_parse(&single, one, strlen(one), "t") == 0 &&
                json_object_object_get_ex(map, urls[i], &e) &&
                json_object_object_get_ex(single, urls[i], &f) &&
                strcmp(json_object_to_json_string(e),
                       json_object_to_json_string(f)) == 0)
                same++;
            json_object_put(single);
            single = NULL;
            lithsm_free(one);
            one = NULL;
        }
    }
    ok_int_eq((long)same, N,
              "every entry of the 100-node map equals the "
              "one-node map of that node");
    json_object_put(map);
    lithsm_free(big);
    lithsm_requests_free(reqs);
    lithsm_session_key_free(key);
}

int main(void)
{
    test_keys();
    test_sessionsigs();
    test_large_map();
    test_delegatees();
    return tap_done();
}

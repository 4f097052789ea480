/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * verify_fixture.c - what the verifier's unit tests share: the golden
 * verify-negative.json vectors, the keys that made them (session seed
 * 0x11 * 32, wallet 0x01 * 32, capacity owner 0x02 * 32) and helpers that
 * re-sign a changed SessionSig with them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_fixture.h"

json_object *vectors;
EVP_PKEY *session_key;
lithsm_signer *wallet;
lithsm_signer *owner;
int64_t now_ms;
lithsm_verify_result last;

char *xstrdup(const char *s)
{
    char *d = lithsm_strdup(s);

    if (d == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(99);
    }
    return d;
}

int64_t ms(const char *t)
{
    int64_t v = 0;

    if (lithsm_time_parse(&v, t) != LITHSM_OK) {
        fprintf(stderr, "bad time %s\n", t);
        exit(99);
    }
    return v;
}

json_object *load_vectors(void)
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

json_object *vector(const char *name)
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

json_object *vector_sessionsig(const char *name)
{
    return json_object_object_get(
        json_object_object_get(vector(name), "inputs"), "sessionSig");
}

/* Verifies and returns the reason word; the result stays in `last`. */
const char *verify_len(const char *json, size_t len, const char *node,
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

const char *verify(const char *json, const char *node, int64_t now,
                   int64_t grace)
{
    return verify_len(json, strlen(json), node, now, grace);
}

/* ------------------------------------------------------------------------
 * Building SessionSigs
 */

/* The outer SessionSig over `msg`, signed with the session seed. */
char *outer_for(const char *msg, size_t len, const char *addr)
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

char *resign(json_object *body)
{
    const char *msg = json_object_to_json_string_ext(body, JSON_FLAGS);

    return outer_for(msg, strlen(msg), NULL);
}

/* A fresh copy of the base vector's signed body. */
json_object *base_body(void)
{
    json_object *ss = vector_sessionsig(BASE_VECTOR);
    const char *msg =
        json_object_get_string(json_object_object_get(ss, "signedMessage"));
    json_object *body = json_tokener_parse(msg);

    if (body == NULL)
        exit(99);
    return body;
}

void set_str(json_object *obj, const char *key, const char *val)
{
    json_object_object_add(obj, key, json_object_new_string(val));
}

json_object *cap(json_object *body, size_t i)
{
    return json_object_array_get_idx(
        json_object_object_get(body, "capabilities"), i);
}

const char *cap_msg(json_object *body, size_t i)
{
    return json_object_get_string(
        json_object_object_get(cap(body, i), "signedMessage"));
}

/* `s` with the first `from` replaced by `to`; caller frees. */
char *replace(const char *s, const char *from, const char *to)
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
void cap_sign(json_object *body, size_t i, lithsm_signer *signer,
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

/* Capability i's SIWE with the first `from` replaced by `to`, signed
 * again by `signer`. */
void cap_edit(json_object *body, size_t i, lithsm_signer *signer,
              const char *from, const char *to)
{
    char *siwe = replace(cap_msg(body, i), from, to);

    cap_sign(body, i, signer, siwe, 0, "0x");
    free(siwe);
}

/* Re-signs the body and verifies it at NOW on NODE1. */
const char *check_body(json_object *body, int64_t grace)
{
    char *text = resign(body);
    const char *word = verify(text, NODE1, now_ms, grace);

    free(text);
    return word;
}

/* A delegation SIWE with its ReCap replaced by `recap_json`. */
void set_delegation_recap(json_object *body, const char *recap_json)
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

int fixture_init(void)
{
    static const uint8_t seed[32] = { 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
                                      0x11, 0x11, 0x11, 0x11 };
    uint8_t secret[32];

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
    return session_key == NULL ? 99 : 0;
}

void fixture_free(void)
{
    lithsm_signer_free(wallet);
    lithsm_signer_free(owner);
    EVP_PKEY_free(session_key);
    json_object_put(vectors);
}

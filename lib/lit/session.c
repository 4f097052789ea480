/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * session.c - the ed25519 session key and the per-node SessionSigs.
 *
 * Every node gets JSON.stringify({sessionKey, resourceAbilityRequests,
 * capabilities, issuedAt, expiration, nodeAddress}) signed by the session
 * key (js7 getSessionSigs).  All but nodeAddress is the same for every node,
 * so that prefix is written once and each node only appends its URL.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <json-c/json.h>

#include "lit/lit.h"

struct lithsm_session_key {
    EVP_PKEY *pkey;
    char public_hex[65];
};

void lithsm_session_key_free(lithsm_session_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL wipes the private key */
    lithsm_memzero(key, sizeof(*key));
    free(key);
}

lithsm_err lithsm_session_key_from_seed(lithsm_session_key **out,
                                        const uint8_t seed[32])
{
    lithsm_session_key *key;
    uint8_t pub[32];
    size_t pub_len = sizeof(pub);

    if (out == NULL || seed == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session key: NULL argument");
    *out = NULL;
    key = calloc(1, sizeof(*key));
    if (key == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "session key: out of memory");
    key->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    if (key->pkey == NULL ||
        EVP_PKEY_get_raw_public_key(key->pkey, pub, &pub_len) != 1 ||
        pub_len != 32 ||
        lithsm_hex_encode(key->public_hex, sizeof(key->public_hex), pub, 32) !=
            LITHSM_OK) {
        lithsm_session_key_free(key);
        return lithsm_fail(
            LITHSM_ERR_CRYPTO,
            "session key: OpenSSL could not make an Ed25519 key");
    }
    *out = key;
    return LITHSM_OK;
}

lithsm_err lithsm_session_key_generate(lithsm_session_key **out)
{
    uint8_t seed[32];
    lithsm_err err;

    if (lithsm_random(seed, sizeof(seed)) != LITHSM_OK)
        return lithsm_fail(LITHSM_ERR_CRYPTO,
                           "session key: the random generator failed");
    err = lithsm_session_key_from_seed(out, seed);
    lithsm_memzero(seed, sizeof(seed));
    return err;
}

lithsm_err lithsm_session_key_from_secret_hex(lithsm_session_key **out,
                                              const char *hex)
{
    uint8_t secret[64];
    size_t len = hex ? strlen(hex) : 0;
    lithsm_session_key *key = NULL;
    lithsm_err err;

    if (out == NULL || hex == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session key: NULL argument");
    *out = NULL;
    if (len != 64 && len != 128)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "session key: a secret is 64 hex characters (seed) "
                           "or 128 (seed and public key), not %zu",
                           len);
    err = lithsm_hex_decode(secret, len / 2, hex, len);
    if (err == LITHSM_OK)
        err = lithsm_session_key_from_seed(&key, secret);
    if (err == LITHSM_OK && len == 128) {
        char pub[65];

        /* The second half must be the seed's own public key. */
        if (lithsm_hex_encode(pub, sizeof(pub), secret + 32, 32) != LITHSM_OK ||
            strcmp(pub, key->public_hex) != 0) {
            lithsm_session_key_free(key);
            key = NULL;
            err = lithsm_fail(LITHSM_ERR_KEY,
                              "session key: the public half of the secret "
                              "does not belong to its seed");
        }
    }
    lithsm_memzero(secret, sizeof(secret));
    *out = key;
    return err;
}

lithsm_err lithsm_session_key_secret_hex(char out[129],
                                         const lithsm_session_key *key)
{
    uint8_t seed[32];
    size_t seed_len = sizeof(seed);
    lithsm_err err;

    if (out == NULL || key == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "session key: NULL argument");
    if (EVP_PKEY_get_raw_private_key(key->pkey, seed, &seed_len) != 1 ||
        seed_len != 32)
        return lithsm_fail(LITHSM_ERR_CRYPTO,
                           "session key: OpenSSL did not give the seed back");
    err = lithsm_hex_encode(out, 129, seed, 32);
    lithsm_memzero(seed, sizeof(seed));
    if (err == LITHSM_OK)
        memcpy(out + 64, key->public_hex, 65);
    return err;
}

void lithsm_session_key_public_hex(char out[65], const lithsm_session_key *key)
{
    memcpy(out, key->public_hex, 65);
}

/* A request as the SDK writes it: {resource:{resource, resourcePrefix},
 * ability[, data]} (class fields in construction order). */
static lithsm_err write_requests(lithsm_buf *b, const lithsm_requests *reqs)
{
    size_t i, n = lithsm_requests_count(reqs);

    lithsm_buf_putc(b, '[');
    for (i = 0; i < n; i++) {
        lithsm_ability ability;
        const char *prefix, *resource, *data;
        lithsm_err err;

        err = lithsm_requests_get(reqs, i, &ability, &prefix, &resource, &data);
        if (err != LITHSM_OK)
            return err;
        if (i > 0)
            lithsm_buf_putc(b, ',');
        lithsm_buf_puts(b, "{\"resource\":{\"resource\":");
        lithsm_buf_json_str(b, resource, strlen(resource));
        lithsm_buf_puts(b, ",\"resourcePrefix\":");
        lithsm_buf_json_str(b, prefix, strlen(prefix));
        lithsm_buf_puts(b, "},\"ability\":");
        lithsm_buf_puts(b, "\"");
        lithsm_buf_puts(b, lithsm_ability_name(ability));
        lithsm_buf_puts(b, "\"");
        if (data != NULL) {
            lithsm_buf_puts(b, ",\"data\":");
            lithsm_buf_puts(b, data); /* already compact, in caller order */
        }
        lithsm_buf_putc(b, '}');
    }
    lithsm_buf_putc(b, ']');
    return LITHSM_OK;
}

/* Each capability is parsed (it must be an AuthSig object) and written back
 * in its own key order, exactly as JSON.stringify would. */
static lithsm_err write_capabilities(lithsm_buf *b,
                                     const lithsm_sessionsigs_params *p)
{
    size_t i;

    lithsm_buf_putc(b, '[');
    for (i = 0; i < p->n_capabilities; i++) {
        json_object *cap = NULL;
        const char *text = p->capabilities[i];
        lithsm_err err;

        if (text == NULL)
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "SessionSigs: capability %zu is NULL", i + 1);
        err = lithsm_json_parse(&cap, text, strlen(text), "capability");
        if (err != LITHSM_OK)
            return err;
        if (!json_object_is_type(cap, json_type_object) ||
            lithsm_json_get_str(cap, "sig") == NULL ||
            lithsm_json_get_str(cap, "signedMessage") == NULL ||
            lithsm_json_get_str(cap, "address") == NULL) {
            json_object_put(cap);
            return lithsm_fail(LITHSM_ERR_PARSE,
                               "SessionSigs: capability %zu is not an AuthSig "
                               "object with sig, signedMessage and address",
                               i + 1);
        }
        if (i > 0)
            lithsm_buf_putc(b, ',');
        lithsm_buf_json_value(b, cap);
        json_object_put(cap);
    }
    lithsm_buf_putc(b, ']');
    return LITHSM_OK;
}

static lithsm_err check_params(const lithsm_sessionsigs_params *p)
{
    int64_t t;
    size_t i, j;

    if (p->requests == NULL || lithsm_requests_count(p->requests) == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "SessionSigs: at least one resource-ability request "
                           "is required");
    if (p->n_nodes == 0 || p->node_urls == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "SessionSigs: at least one node URL is required");
    if (p->n_capabilities == 0 || p->capabilities == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "SessionSigs: the wallet AuthSig is required (last "
                           "capability)");
    if (p->expiration == NULL || lithsm_time_parse(&t, p->expiration) != 0)
        return lithsm_fail(
            LITHSM_ERR_PARSE,
            "SessionSigs: expiration is missing or not RFC 3339");
    if (p->issued_at != NULL && lithsm_time_parse(&t, p->issued_at) != 0)
        return lithsm_fail(LITHSM_ERR_PARSE,
                           "SessionSigs: issuedAt is not RFC 3339");
    for (i = 0; i < p->n_nodes; i++) {
        const char *u = p->node_urls[i];

        if (u == NULL || u[0] == '\0')
            return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                               "SessionSigs: node URL %zu is empty", i + 1);
        /* The node client's rule: a URL no node could verify is refused
         * here too. */
        if (lithsm_node_url_check(u) != LITHSM_OK)
            return LITHSM_ERR_INVALID_ARG;
        /* The result is a map keyed by URL: a repeat would be lost. */
        for (j = 0; j < i; j++)
            if (strcmp(u, p->node_urls[j]) == 0)
                return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                                   "SessionSigs: node URL %s is listed twice",
                                   u);
    }
    return LITHSM_OK;
}

/* One map entry: "url":{"sig",...,"signedMessage",...}.  The message is
 * the common prefix plus the node's tail (from prefix_len on); JSON
 * escapes character by character and the prefix ends in ASCII, so its
 * escaped form is written once (esc_prefix, quotes included) and only the
 * tail is escaped per node. */
static void write_entry(lithsm_buf *out, lithsm_buf *tail, const char *url,
                        const char *sig_hex, const lithsm_buf *esc_prefix,
                        const lithsm_buf *msg, size_t prefix_len,
                        const char *public_hex)
{
    tail->len = 0;
    lithsm_buf_json_str(tail, msg->data + prefix_len, msg->len - prefix_len);
    lithsm_buf_json_str(out, url, strlen(url));
    lithsm_buf_puts(out, ":{\"sig\":\"");
    lithsm_buf_puts(out, sig_hex);
    lithsm_buf_puts(out, "\",\"derivedVia\":\"litSessionSignViaNacl\","
                         "\"signedMessage\":");
    lithsm_buf_add(out, esc_prefix->data, esc_prefix->len - 1);
    if (!tail->failed)
        lithsm_buf_add(out, tail->data + 1, tail->len - 1);
    else
        out->failed = 1;
    lithsm_buf_puts(out, ",\"address\":\"");
    lithsm_buf_puts(out, public_hex);
    lithsm_buf_puts(out, "\",\"algo\":\"ed25519\"}");
}

lithsm_err lithsm_sessionsigs(char **json_out, const lithsm_session_key *key,
                              const lithsm_sessionsigs_params *params)
{
    char issued[LITHSM_TIME_LEN + 1];
    const char *issued_at;
    lithsm_buf prefix, esc_prefix, msg, tail, out;
    char(*sigs)[129] = NULL;
    lithsm_err err;
    size_t i;

    if (json_out == NULL || key == NULL || params == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "SessionSigs: NULL argument");
    *json_out = NULL;
    err = check_params(params);
    if (err != LITHSM_OK)
        return err;
    issued_at = params->issued_at;
    if (issued_at == NULL) {
        err = lithsm_time_format(issued, lithsm_time_now_ms());
        if (err != LITHSM_OK)
            return err;
        issued_at = issued;
    }

    lithsm_buf_init(&prefix);
    lithsm_buf_init(&esc_prefix);
    lithsm_buf_init(&msg);
    lithsm_buf_init(&tail);
    lithsm_buf_init(&out);
    lithsm_buf_puts(&prefix, "{\"sessionKey\":\"");
    lithsm_buf_puts(&prefix, key->public_hex);
    lithsm_buf_puts(&prefix, "\",\"resourceAbilityRequests\":");
    err = write_requests(&prefix, params->requests);
    if (err != LITHSM_OK)
        goto done;
    lithsm_buf_puts(&prefix, ",\"capabilities\":");
    err = write_capabilities(&prefix, params);
    if (err != LITHSM_OK)
        goto done;
    lithsm_buf_puts(&prefix, ",\"issuedAt\":");
    lithsm_buf_json_str(&prefix, issued_at, strlen(issued_at));
    lithsm_buf_puts(&prefix, ",\"expiration\":");
    lithsm_buf_json_str(&prefix, params->expiration,
                        strlen(params->expiration));
    lithsm_buf_puts(&prefix, ",\"nodeAddress\":");
    lithsm_buf_json_str(&esc_prefix, prefix.data, prefix.len);
    if (prefix.failed || esc_prefix.failed) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "SessionSigs: out of memory");
        goto done;
    }

    sigs = calloc(params->n_nodes, sizeof(*sigs));
    if (sigs == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "SessionSigs: out of memory");
        goto done;
    }
    err = lithsm_session_sign_all(sigs, key->pkey, &prefix, params->node_urls,
                                  params->n_nodes);
    if (err != LITHSM_OK)
        goto done;
    lithsm_buf_reserve(&out, params->n_nodes * (esc_prefix.len + 512));
    lithsm_buf_putc(&out, '{');
    for (i = 0; i < params->n_nodes; i++) {
        msg.len = 0;
        lithsm_session_message(&msg, &prefix, params->node_urls[i]);
        if (i > 0)
            lithsm_buf_putc(&out, ',');
        write_entry(&out, &tail, params->node_urls[i], sigs[i], &esc_prefix,
                    &msg, prefix.len, key->public_hex);
    }
    lithsm_buf_putc(&out, '}');
    err = lithsm_buf_finish(&out, json_out, NULL);

done:
    free(sigs);
    lithsm_buf_free(&out);
    lithsm_buf_free(&tail);
    lithsm_buf_free(&msg);
    lithsm_buf_free(&esc_prefix);
    lithsm_buf_free(&prefix);
    return err;
}

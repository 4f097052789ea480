/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * check-vectors-tx.c - the transaction.json cases of tests/check-vectors:
 * each transaction parsed from its JSON, serialized, hashed and signed,
 * then its expected signed form decoded back to the same fields, signature
 * and sender.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-vectors.h"
#include "eth/int256.h"

/* "0x" + hex of b[0..n) compared with ex[key]. */
static int expect_hex(vcase *c, json_object *ex, const char *key,
                      const uint8_t *b, size_t n)
{
    char *hex = malloc(2 * n + 3);
    int ok;

    if (hex == NULL)
        return vec_fail(c, "%s: out of memory", key);
    ok = vec_hex_of(hex, 2 * n + 3, b, n) &&
         vec_expect_str(c, key, hex, vec_str(ex, key));
    free(hex);
    return ok;
}

/* The expected signed transaction as bytes; caller frees. */
static uint8_t *expected_raw(vcase *c, json_object *ex, size_t *len)
{
    const char *hex = vec_str(ex, "signed_serialized");
    uint8_t *raw;

    if (hex == NULL || strncmp(hex, "0x", 2) != 0 || strlen(hex) % 2 != 0) {
        vec_fail(c, "signed_serialized: missing or not 0x-hex");
        return NULL;
    }
    *len = (strlen(hex) - 2) / 2;
    raw = malloc(*len + 1);
    if (raw == NULL ||
        lithsm_hex_decode(raw, *len, hex, strlen(hex)) != LITHSM_OK) {
        free(raw);
        vec_fail(c, "signed_serialized: not hex");
        return NULL;
    }
    return raw;
}

/* r, s, yParity, v (type 0: decimal; typed: yParity again if given) and
 * the sender and hash of a signed tx against the expected values. */
static int expect_signature(vcase *c, const char *how, const lithsm_tx *tx,
                            json_object *ex)
{
    uint8_t r[32], s[32], v[32], hash[32];
    char dec[LITHSM_UINT256_DEC_MAX], what[64];
    char from[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_eth_address a;
    unsigned y = 2;
    json_object *want_y = vec_get(ex, "yParity");

    if (!lithsm_tx_signature(r, s, &y, tx) || !lithsm_tx_v(v, tx) ||
        !lithsm_tx_sender(&a, hash, tx))
        return vec_fail(c, "%s: the transaction is not signed", how);
    lithsm_eth_address_to_text(from, &a);
    snprintf(what, sizeof(what), "%s: from", how);
    if (!vec_expect_str(c, what, from, vec_str(ex, "from")) ||
        !expect_hex(c, ex, "tx_hash", hash, 32) ||
        !expect_hex(c, ex, "r", r, 32) || !expect_hex(c, ex, "s", s, 32))
        return 0;
    if (!json_object_is_type(want_y, json_type_int) ||
        json_object_get_int64(want_y) != (int64_t)y)
        return vec_fail(c, "%s: yParity: got %u, want %s", how, y,
                        json_object_to_json_string(want_y));
    lithsm_uint256_to_dec(dec, v);
    snprintf(what, sizeof(what), "%s: v", how);
    if (lithsm_tx_type(tx) == LITHSM_TX_TYPE_LEGACY)
        return vec_expect_str(c, what, dec, vec_str(ex, "v"));
    return vec_get(ex, "v") == NULL ||
           vec_expect_str(c, what, dec, vec_str(ex, "v"));
}

/* Parses, serializes, hashes and signs the input transaction. */
static int check_sign(vcase *c, json_object *in, json_object *ex)
{
    char *json = vec_stringify(vec_get(in, "tx"));
    lithsm_signer *signer = NULL;
    lithsm_tx *tx = NULL;
    uint8_t *bytes = NULL, digest[32], hash[32];
    size_t len = 0;
    lithsm_eth_address from;
    lithsm_err err;
    int ok = 0;

    if (json == NULL)
        return vec_fail(c, "inputs.tx: missing");
    err = lithsm_tx_from_json(&tx, json, strlen(json));
    free(json);
    if (err != LITHSM_OK)
        return vec_lib_fail(c, "lithsm_tx_from_json", err);
    if ((err = lithsm_tx_unsigned(&bytes, &len, tx)) != LITHSM_OK ||
        (err = lithsm_tx_signing_hash(digest, tx)) != LITHSM_OK) {
        vec_lib_fail(c, "unsigned", err);
        goto done;
    }
    if (!expect_hex(c, ex, "unsigned_serialized", bytes, len) ||
        !expect_hex(c, ex, "signing_hash", digest, 32))
        goto done;
    lithsm_free(bytes);
    bytes = NULL;
    if ((signer = vec_signer_of(c, vec_str(in, "private_key"))) == NULL)
        goto done;
    err = lithsm_tx_sign(&bytes, &len, &from, hash, tx, signer);
    if (err != LITHSM_OK) {
        vec_lib_fail(c, "lithsm_tx_sign", err);
        goto done;
    }
    ok = expect_hex(c, ex, "signed_serialized", bytes, len) &&
         expect_hex(c, ex, "tx_hash", hash, 32) &&
         expect_signature(c, "signed", tx, ex);
done:
    lithsm_free(bytes);
    lithsm_signer_free(signer);
    lithsm_tx_free(tx);
    return ok;
}

/* Decodes the expected signed transaction back. */
static int check_decode(vcase *c, json_object *in, json_object *ex)
{
    size_t len = 0, back_len = 0, ulen = 0;
    uint8_t *raw = expected_raw(c, ex, &len), *back = NULL, *u = NULL;
    uint8_t hash[32];
    lithsm_eth_address from;
    char text[LITHSM_ETH_ADDRESS_TEXT_LEN + 1];
    lithsm_tx *tx = NULL;
    lithsm_err err;
    int ok = 0;

    if (raw == NULL)
        return 0;
    err = lithsm_tx_from_raw(&tx, &from, hash, raw, len);
    if (err != LITHSM_OK) {
        free(raw);
        return vec_lib_fail(c, "lithsm_tx_from_raw", err);
    }
    lithsm_eth_address_to_text(text, &from);
    if ((err = lithsm_tx_unsigned(&u, &ulen, tx)) != LITHSM_OK ||
        (err = lithsm_tx_raw(&back, &back_len, tx)) != LITHSM_OK) {
        vec_lib_fail(c, "decoded", err);
        goto done;
    }
    ok = vec_expect_str(c, "decoded: from", text, vec_str(ex, "from")) &&
         expect_hex(c, ex, "tx_hash", hash, 32) &&
         expect_hex(c, ex, "unsigned_serialized", u, ulen) &&
         expect_hex(c, ex, "signed_serialized", back, back_len) &&
         expect_signature(c, "decoded", tx, ex);
    if (ok && (int64_t)lithsm_tx_type(tx) !=
                  json_object_get_int64(vec_get(vec_get(in, "tx"), "type")))
        ok = vec_fail(c, "decoded: type %u differs", lithsm_tx_type(tx));
done:
    lithsm_free(u);
    lithsm_free(back);
    lithsm_tx_free(tx);
    free(raw);
    return ok;
}

int check_transaction(vcase *c, json_object *in, json_object *ex)
{
    return check_sign(c, in, ex) && check_decode(c, in, ex);
}
